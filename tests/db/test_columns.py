"""db.columns: a rule applied per distinct row gives what it gives applied to every row, paid per kind of row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.columns import filled, objects, per_distinct

values = st.one_of(
    st.none(), st.integers(-3, 3), st.sampled_from(["ACTIVE", "active", "PAUSED"]), st.decimals(-5, 5, places=2)
)


@given(st.lists(st.tuples(values, values), max_size=40))
def test_per_distinct_equals_the_rule_on_every_row_and_calls_it_once_per_distinct_row(rows) -> None:
    calls: list[tuple] = []

    def rule(a, b):  # pure by value: equal inputs give equal answers
        calls.append((a, b))
        return (a * 2 if isinstance(a, int | Decimal) else a, b)

    got = per_distinct(rule, [a for a, _ in rows], [b for _, b in rows])
    assert got == [(a * 2 if isinstance(a, int | Decimal) else a, b) for a, b in rows]
    assert len(calls) == len(set(rows))


def test_per_distinct_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match=r"shorter|longer"):
        per_distinct(lambda a, b: a, [1, 2], [1])


def test_object_columns_keep_their_values_as_they_are() -> None:
    column = objects([(1, 2), Decimal("1.50"), None])
    assert column.dtype == object
    assert column.shape == (3,)
    assert column[0] == (1, 2)
    assert str(column[1]) == "1.50"
    assert column[2] is None
    zeros = filled(3, Decimal(0))
    assert zeros.dtype == object
    assert list(zeros) == [Decimal(0)] * 3
    assert list(filled(2, None)) == [None, None]
