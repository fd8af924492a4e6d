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


def _by_type(items: Iterable[dict[str, Any]] | None, wanted: frozenset[str] | None = None) -> dict[str, list]:
    """Raw values per action type (only the wanted types); converted to Decimal only when picked."""
    values: dict[str, list] = {}
    for item in items or ():
        kind = item.get("action_type")
        if kind and (wanted is None or kind in wanted):
            values.setdefault(kind, []).append(item.get("value", "0"))
    return values


@lru_cache(maxsize=256)
def _wanted(events: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for e in events for t in CONVERSION_EVENTS.get(e, (e,)))


def _sum(raw: list) -> Decimal:
    total = Decimal(0)
    for value in raw:
        try:
            total += Decimal(str(value))
        except InvalidOperation:
            continue
    return total


def _pick(values: dict[str, list], event: str) -> Decimal:
    for action_type in CONVERSION_EVENTS.get(event, (event,)):
        if action_type in values:
            return _sum(values[action_type])
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
    total = Decimal(0)
    value = Decimal(0)
    for event in events:
        total += _pick(counts, event) if counts else 0
        value += _pick(amounts, event) if amounts else 0
    return total, value
