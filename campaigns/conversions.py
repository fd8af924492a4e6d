"""Conversions from the raw `actions` / `action_values` lists of a daily row, under a conversion definition,
with each platform's events and defaults.

Every daily row keeps its raw figures as lists of `{action_type, value}` so a changed definition needs no
re-sync. Meta's are its own action lists; the other platforms' readers write their conversion columns in the
same shape (docs/tiktok-sync.md, "Conversions per platform"):
- TikTok: one entry per report metric, named after it (`complete_payment`, `form`, `onsite_form`,
  `app_install`, `conversion`); values under the count metric's name (`complete_payment` holds the value of
  `total_complete_payment_rate`).
- Google Ads: `conversions` and `all_conversions` (the report's Conversions and All conv. columns), values
  under the same names (Conv. value, All conv. value).
- LinkedIn: `conversions` and `leads` (Conversions, Leads), the value under `conversions` (Conversion value).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from campaigns import tiktok_settings as ts
from campaigns.meta_settings import CONVERSION_EVENTS, DEFAULT_EVENTS_BY_OBJECTIVE
from campaigns.platforms import (
    DEFAULT_PLATFORM,
    PLATFORM_GOOGLE,
    PLATFORM_LINKEDIN,
    PLATFORM_META,
    PLATFORM_TIKTOK,
)

_ZERO = Decimal(0)


@dataclass(frozen=True)
class PlatformConversions:
    """One platform's conversion events (each with its raw types in precedence order) and default events."""

    events: Mapping[str, tuple[str, ...]]
    by_objective: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    otherwise: tuple[str, ...] = ()  # the default for an objective not listed (Google counts its column always)
    # the default for a campaign with no objective at all (imported from a report file that names none): the
    # column the platform's own Ads Manager labels "Conversions"
    no_objective: tuple[str, ...] | None = None


CONVERSIONS: dict[str, PlatformConversions] = {
    PLATFORM_META: PlatformConversions(CONVERSION_EVENTS, DEFAULT_EVENTS_BY_OBJECTIVE),
    PLATFORM_TIKTOK: PlatformConversions(
        {event: (count,) for event, (count, _value) in ts.CONVERSION_METRICS.items()},
        {objective: (event,) for objective, event in ts.DEFAULT_EVENT_BY_OBJECTIVE.items()},
        no_objective=("optimization_event",),
    ),
    # Google's Conversions column already counts only the actions the advertiser marked "include in
    # Conversions", whatever the campaign type: it is the default for every campaign.
    PLATFORM_GOOGLE: PlatformConversions(
        {"conversions": ("conversions",), "all_conversions": ("all_conversions",)},
        otherwise=("conversions",),
    ),
    PLATFORM_LINKEDIN: PlatformConversions(
        {"conversions": ("conversions",), "leads": ("leads",)},
        {
            "LEAD_GENERATION": ("leads",),
            "WEBSITE_CONVERSION": ("conversions",),
            "WEBSITE_CONVERSIONS": ("conversions",),
        },
        no_objective=("conversions",),
    ),
}


def platform_conversions(platform: str | None) -> PlatformConversions:
    """The conversion events and defaults of `platform` (Meta's for rows without one)."""
    return CONVERSIONS.get(platform or DEFAULT_PLATFORM, CONVERSIONS[DEFAULT_PLATFORM])


def conversion_events(platform: str | None = None) -> Mapping[str, tuple[str, ...]]:
    """Event name -> the raw action types that report it, in precedence order, for `platform`."""
    return platform_conversions(platform).events


def default_events(objective: str | None, platform: str | None = None) -> tuple[str, ...]:
    """The events that count for a campaign with this objective when nobody chose otherwise."""
    rules = platform_conversions(platform)
    if not (objective or "").strip() and rules.no_objective is not None:
        return rules.no_objective
    code = "_".join((objective or "").upper().replace("-", " ").split())  # "Lead generation" -> LEAD_GENERATION
    return rules.by_objective.get(code, rules.otherwise)


@lru_cache(maxsize=256)
def _plan(events: tuple[str, ...], platform: str) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """(every action type any event may use, each event's types in precedence order), built once."""
    known = conversion_events(platform)
    per_event = tuple(known.get(e, (e,)) for e in events)
    return frozenset(t for types in per_event for t in types), per_event


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value if isinstance(value, str) else str(value))
    except InvalidOperation:
        return None


def _total(items: Iterable[dict[str, Any]] | None, wanted: frozenset[str], per_event: tuple) -> Decimal:
    """Each event counted once, by the first of its types present (all entries of that type added)."""
    if not items:
        return _ZERO
    found: dict[str, list] | None = None
    for item in items:
        kind = item.get("action_type")
        if kind in wanted:
            if found is None:
                found = {}
            found.setdefault(kind, []).append(item.get("value", "0"))
    if found is None:
        return _ZERO
    total = _ZERO
    for types in per_event:
        for action_type in types:
            raw = found.get(action_type)
            if raw is not None:
                for value in raw:  # unparsable values are skipped, as Meta never sends them
                    number = _decimal(value)
                    if number is not None:
                        total += number
                break
    return total


def count_conversions(
    actions: Sequence[dict[str, Any]] | None,
    action_values: Sequence[dict[str, Any]] | None,
    events: Sequence[str],
    platform: str | None = None,
) -> tuple[Decimal, Decimal]:
    """(conversions, conversion value): each event counted once, by the first type present."""
    if not events:
        return _ZERO, _ZERO
    wanted, per_event = _plan(events if isinstance(events, tuple) else tuple(events), platform or DEFAULT_PLATFORM)
    return _total(actions, wanted, per_event), _total(action_values, wanted, per_event)
