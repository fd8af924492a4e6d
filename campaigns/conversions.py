"""Conversions from Meta's raw `actions` / `action_values` under a conversion definition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from campaigns.meta_settings import CONVERSION_EVENTS, DEFAULT_EVENTS_BY_OBJECTIVE


def default_events(objective: str | None) -> tuple[str, ...]:
    """The events that count for a campaign with this objective when nobody chose otherwise."""
    return DEFAULT_EVENTS_BY_OBJECTIVE.get((objective or "").upper(), ())


def _by_type(items: Iterable[dict[str, Any]] | None, wanted: frozenset[str] | None = None) -> dict[str, Decimal]:
    values: dict[str, Decimal] = {}
    for item in items or ():
        kind = item.get("action_type")
        if not kind or (wanted is not None and kind not in wanted):
            continue
        try:
            values[kind] = values.get(kind, Decimal(0)) + Decimal(str(item.get("value", "0")))
        except InvalidOperation:
            continue
    return values


@lru_cache(maxsize=256)
def _wanted(events: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for e in events for t in CONVERSION_EVENTS.get(e, (e,)))


def _pick(values: dict[str, Decimal], event: str) -> Decimal:
    for action_type in CONVERSION_EVENTS.get(event, (event,)):
        if action_type in values:
            return values[action_type]
    return Decimal(0)


def count_conversions(
    actions: Sequence[dict[str, Any]] | None,
    action_values: Sequence[dict[str, Any]] | None,
    events: Sequence[str],
) -> tuple[Decimal, Decimal]:
    """(conversions, conversion value): each event counted once, by the first type present."""
    if not events:
        return Decimal(0), Decimal(0)
    wanted = _wanted(tuple(events))
    counts = _by_type(actions, wanted)
    amounts = _by_type(action_values, wanted)
    total = sum((_pick(counts, e) for e in events), Decimal(0))
    value = sum((_pick(amounts, e) for e in events), Decimal(0))
    return total, value
