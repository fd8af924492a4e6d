"""A rate book answers each (currency, day) once and keeps the answer (`RateBook.try_rate`): a book asked many
things in any order gives, for every ask, what a fresh book gives for that ask alone, and lists the same missing
rates as those fresh books together, under every policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finance.fx import POLICIES, RateBook
from finance.fx_reference import ReferenceRates

D = dt.date
SINCE, UNTIL = D(2026, 10, 1), D(2026, 11, 30)
# Finance's rates into IDR on some days of October and November (none for VND: missing, none in the reference file)
ROWS = [
    (D(2026, 10, 30), "USD", "IDR", Decimal("16210.5")),
    (D(2026, 11, 3), "USD", "IDR", Decimal("16302")),
    (D(2026, 11, 17), "USD", "IDR", Decimal("15987.25")),
    (D(2026, 11, 3), "SGD", "IDR", Decimal("12117.75")),
    (D(2026, 11, 20), "IDR", "SGD", Decimal("0.0000825")),
]
# ECB reference rates (per euro) on two October days, USD and IDR only: the fallback where finance has none
REFERENCE = {D(2026, 10, 26): ",1.1612,18950.5", D(2026, 10, 27): ",1.1598,18890"}
asks = st.lists(
    st.tuples(
        st.sampled_from(["USD", "SGD", "VND", "IDR", "usd"]),
        st.dates(min_value=D(2026, 10, 25), max_value=UNTIL),
    ),
    min_size=1,
    max_size=40,
)


def _book(policy: str) -> RateBook:
    return RateBook(
        None, "IDR", SINCE, UNTIL, policy, ReferenceRates(("USD", "IDR"), REFERENCE, "test"), pivot="IDR", rows=ROWS
    )


@settings(deadline=None, max_examples=150)
@given(policy=st.sampled_from(POLICIES), asked=asks)
def test_a_book_asked_again_answers_as_a_fresh_book(policy: str, asked: list[tuple[str, dt.date]]) -> None:
    book = _book(policy)
    fresh_missing = set()
    for currency, day in asked + asked[::-1]:  # every ask twice, in both orders
        fresh = _book(policy)
        assert book.try_rate(currency, day) == fresh.try_rate(currency, day), (currency, day)
        fresh_missing |= set(fresh.missing)
    assert book.missing == sorted(fresh_missing)
