"""Column helpers for code that works on whole columns of rows: object arrays and per-distinct-value rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
_MISSING = object()


def objects(values: Sequence[object]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """A numpy object column holding `values` as they are (`np.array` would unpack tuples and Decimals' lists)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def filled(n: int, value: object) -> np.ndarray[Any, np.dtype[np.object_]]:
    """An object column of `n` times the same (immutable) value: a Decimal zero, None."""
    return np.full(n, value, dtype=object)


def per_distinct(rule: Callable[..., T], *columns: Iterable[Any]) -> list[T]:
    """`[rule(*row) for row in zip(*columns)]`, calling `rule` once per distinct row (rows are compared by value:
    campaigns share their zones, statuses, budgets and often their times, so a rule's work is paid per kind of
    row instead of per row). `rule` must be pure: equal inputs give equal answers."""
    seen: dict[tuple[Any, ...], T] = {}
    out: list[T] = []
    for row in zip(*columns, strict=True):
        found = seen.get(row, _MISSING)
        if found is _MISSING:
            found = seen[row] = rule(*row)
        out.append(found)  # type: ignore[arg-type]
    return out
