"""Conversions from raw action lists: overlapping types counted once, defaults by objective."""

from __future__ import annotations

from decimal import Decimal

from campaigns.conversions import count_conversions, default_events


def test_overlapping_purchase_types_count_once() -> None:
    actions = [
        {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "4"},
        {"action_type": "purchase", "value": "4"},
        {"action_type": "omni_purchase", "value": "5"},
        {"action_type": "link_click", "value": "90"},
    ]
    values = [
        {"action_type": "purchase", "value": "400.50"},
        {"action_type": "omni_purchase", "value": "512.25"},
    ]
    assert count_conversions(actions, values, ["purchase"]) == (Decimal(5), Decimal("512.25"))


def test_falls_back_to_the_next_type_and_sums_distinct_events() -> None:
    actions = [
        {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "2"},
        {"action_type": "onsite_conversion.lead_grouped", "value": "7"},
    ]
    assert count_conversions(actions, None, ["purchase", "lead"]) == (Decimal(9), Decimal(0))


def test_no_events_or_no_actions_is_zero() -> None:
    assert count_conversions(None, None, ["purchase"]) == (Decimal(0), Decimal(0))
    assert count_conversions([{"action_type": "purchase", "value": "3"}], None, []) == (Decimal(0), Decimal(0))


def test_defaults_follow_the_objective() -> None:
    assert default_events("OUTCOME_SALES") == ("purchase",)
    assert default_events("OUTCOME_LEADS") == ("lead",)
    assert default_events("OUTCOME_APP_PROMOTION") == ("app_install",)
    assert default_events("OUTCOME_AWARENESS") == ()
    assert default_events(None) == ()
