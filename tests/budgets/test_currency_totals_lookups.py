"""`budgets.overview.currency_totals` with day-by-day spent (`actual_converted`) converts only the amounts it keeps
(planned, committed, projected; a zero once its pair has a rate): on random rows the tiles equal those of converting
every amount of every row, as it did before, rates missing on the period's first day included."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from budgets.models import SCOPE_CAMPAIGN, SCOPE_PROGRAM
from budgets.overview import currency_totals
from db.money import quantize

DAY = dt.date(2026, 11, 1)
RATES = {("USD", DAY): Decimal("16210.5"), ("SGD", DAY): Decimal("12120.25")}  # no EUR rate on DAY


def _converter(calls: list[tuple[str, str]]):
    def convert(amount: Decimal, source: str, target: str, on: dt.date) -> Decimal | None:
        calls.append((source, target))
        if source == target:
            return amount
        rate = RATES.get((source, on))
        return None if rate is None else quantize(amount * rate, target)

    return convert


def _every_amount(types, currencies, planned, actual, committed, projected, by_day, target):
    """The tiles with every amount of every row converted on DAY (the rule, written out without shortcuts)."""
    convert = _converter([])
    rows = []
    for kind, cur, plan, spent, com, proj, here in zip(
        types, currencies, planned, actual, committed, projected, by_day, strict=True
    ):
        values = [plan or Decimal(0), spent, com, proj, Decimal(0) if plan is not None else spent]
        if cur != target:
            if here is None:
                rows.append((kind, cur, plan is not None, values))
                continue
            conv = [convert(v, cur, target, DAY) for v in values]
            if spent and any(c is None for c in conv):
                effective = here / spent
                conv = [quantize(v * effective, target) if c is None else c for c, v in zip(conv, values, strict=True)]
        else:
            conv = list(values)
        conv[1] = here
        if plan is None:
            conv[4] = here
        if not any(c is None for c in conv):
            values, cur = conv, target
        rows.append((kind, cur, plan is not None, values))
    out = {}
    for code in sorted({r[1] for r in rows}):
        mine = [r for r in rows if r[1] == code]
        sums = [sum((r[3][i] for r in mine), Decimal(0)) for i in range(5)]
        out[code] = (
            quantize(sums[0], code),
            quantize(sums[1], code),
            quantize(sums[2], code),
            quantize(sums[3], code),
            quantize(sums[0] - (sums[1] - sums[4]), code),
            quantize(sums[4], code),
            sum(1 for r in mine if r[2]),
        )
    return out


def test_fewer_lookups_same_tiles_on_random_rows() -> None:
    rng = random.Random(5)
    for _round in range(30):
        n = rng.randint(1, 40)
        types = [rng.choice((SCOPE_CAMPAIGN, SCOPE_PROGRAM)) for _ in range(n)]
        currencies = [rng.choice(("IDR", "USD", "SGD", "EUR")) for _ in range(n)]

        def money(cur: str) -> Decimal:
            return Decimal(rng.choice((0, 0, rng.randint(1, 10**7)))).scaleb(-(0 if cur == "IDR" else 2))

        planned = [None if rng.random() < 0.4 else money(c) for c in currencies]
        actual = [money(c) for c in currencies]
        committed = [money(c) for c in currencies]
        projected = [money(c) for c in currencies]

        def day_by_day(cur: str, spent: Decimal) -> Decimal | None:
            if cur == "IDR":
                return spent + rng.choice((0, 0, 1))  # fees' days, half rupiah: not always the raw actual
            return None if rng.random() < 0.2 else quantize(spent * Decimal("16000.3"), "IDR")

        by_day = [day_by_day(c, a) for c, a in zip(currencies, actual, strict=True)]
        calls: list[tuple[str, str]] = []
        tiles = currency_totals(
            types, currencies, planned, actual, committed, projected, DAY, _converter(calls), "IDR", by_day
        )
        got = {
            t.currency: (t.planned, t.actual, t.committed, t.projected, t.remaining, t.unplanned_actual, t.plans)
            for t in tiles
        }
        assert got == _every_amount(types, currencies, planned, actual, committed, projected, by_day, "IDR")
        converted_rows = sum(1 for c, b in zip(currencies, by_day, strict=True) if c != "IDR" and b is not None)
        assert len(calls) <= 3 * converted_rows  # never spent or remaining: replaced by the day-by-day figure


def test_a_zero_is_asked_until_its_pair_has_a_rate() -> None:
    calls: list[tuple[str, str]] = []
    zero = Decimal(0)
    tiles = currency_totals(
        [SCOPE_CAMPAIGN] * 3,
        ["USD", "USD", "EUR"],
        [Decimal("10.00"), None, None],
        [Decimal("1.00"), Decimal("2.00"), Decimal("3.00")],
        [zero, zero, zero],
        [Decimal("5.00"), Decimal("2.00"), Decimal("3.00")],
        DAY,
        _converter(calls),
        "IDR",
        [Decimal(16211), Decimal(32421), Decimal(50000)],
    )
    # USD: planned 10.00, then only the non-zero projections; EUR has no rate on DAY: every amount asked, then the
    # rate its spend used in effect (50000 / 3.00) converts them.
    assert calls == [("USD", "IDR"), ("USD", "IDR"), ("USD", "IDR"), ("EUR", "IDR"), ("EUR", "IDR"), ("EUR", "IDR")]
    (idr,) = tiles
    assert idr.currency == "IDR"
    assert idr.planned == Decimal(162105)
    assert idr.actual == Decimal(16211 + 32421 + 50000)
    assert idr.projected == Decimal(81053 + 32421 + 50000)
    assert idr.committed == 0
