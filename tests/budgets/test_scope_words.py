"""A channel scope is named by its code (`meta_ads`); every page text about a scope shows the channel's label
instead, in the page's language: the alert list, a budget change's subject (one rule: `terms.scope_name`)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.alerts import OVER_PACING, Alert
from pages.components import i18n
from pages.components.budget_widgets import alert_text, scope_text
from pages.components.terms import scope_name


def _over_pacing(scope_key: str, name: str) -> Alert:
    return Alert(
        OVER_PACING,
        "warning",
        name,
        "{name}: projected {projected} against a plan of {planned} ({percent}% of plan).",
        {"name": name, "currency": "USD", "projected": Decimal("90908"), "planned": Decimal("50000"), "percent": 182},
        scope_key,
    )


@pytest.mark.parametrize(("language", "shown"), [("en", "Meta Ads"), ("id", "Meta Ads")])
def test_a_channel_alert_names_the_channel_not_its_code(language: str, shown: str, monkeypatch) -> None:
    monkeypatch.setattr(i18n, "current_language", lambda: language)
    text = alert_text(_over_pacing("channel:meta_ads", "meta_ads"))
    assert text.startswith(f"{shown}: "), text
    assert "meta_ads" not in text


def test_other_scopes_keep_their_own_names_even_when_they_look_like_codes(monkeypatch) -> None:
    monkeypatch.setattr(i18n, "current_language", lambda: "id")
    text = alert_text(_over_pacing("campaign:7", "meta_ads"))  # a campaign someone named meta_ads
    assert text.startswith("meta_ads: proyeksi"), text


def test_influencer_fee_channel_reads_in_bahasa(monkeypatch) -> None:
    monkeypatch.setattr(i18n, "current_language", lambda: "id")
    assert scope_name("channel", "influencer_fees") == i18n._("Influencer fees") != "Influencer fees"
    assert "influencer_fees" not in scope_text({"scope_type": "channel", "scope_name": "influencer_fees"})
    assert scope_name("program", "influencer_fees") == "influencer_fees"
