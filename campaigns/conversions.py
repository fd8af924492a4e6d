"""Conversions from Meta's raw `actions` / `action_values` under a conversion definition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from campaigns.meta_settings import CONVERSION_EVENTS, DEFAULT_EVENTS_BY_OBJECTIVE

_ZERO = Decimal(0)


def default_events(objective: str | None) -> tuple[str, ...]:
    """The events that count for a campaign with this objective when nobody chose otherwise."""
    return DEFAULT_EVENTS_BY_OBJECTIVE.get((objective or "").upper(), ())


@lru_cache(maxsize=256)
def _plan(events: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """(every action type any event may use, each event's types in precedence order), built once."""
    per_event = tuple(CONVERSION_EVENTS.get(e, (e,)) for e in events)
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
) -> tuple[Decimal, Decimal]:
    """(conversions, conversion value): each event counted once, by the first type present."""
    if not events:
        return _ZERO, _ZERO
    wanted, per_event = _plan(events if isinstance(events, tuple) else tuple(events))
    return _total(actions, wanted, per_event), _total(action_values, wanted, per_event)
