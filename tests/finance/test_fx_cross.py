"""Plans in their own currency and exports in another currency convert through finance's rates into the reporting
currency: A->B = A->R / B->R on each day (docs/exports.md, "Cross rates through the reporting currency")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.overview import budget_overview
from db.calendar import Period
from db.money import precision, quantize
from db.roles import LOCAL_ADMIN
from db.settings import set_setting
from finance import fx
from finance.exports import export_chunks, read_rows
from finance.fx import POLICIES, RateBook, round_rate
from tests import builders as b

NOV = Period.month(2026, 11)
NOW = dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC)  # Nov 1-15 completed; the ECB rates end on 2026-10-30
D = dt.date
# Finance records rates only into the reporting currency (IDR): USD->IDR and SGD->IDR on the same three days,
# and SGD->IDR alone on a fourth (no USD->IDR that day: no cross rate that day).
USD_IDR = {D(2026, 11, 2): Decimal("16210.5"), D(2026, 11, 3): Decimal("16302"), D(2026, 11, 5): Decimal("15987.25")}
SGD_IDR = {D(2026, 11, 2): Decimal("12001.3"), D(2026, 11, 3): Decimal("12117.75"), D(2026, 11, 5): Decimal("11950")}
SGD_ONLY = (D(2026, 11, 9), Decimal("13000"))


def _mean(rates: list[Decimal]) -> Decimal:
    return round_rate(sum(rates, Decimal(0)) / len(rates))


def _workspace(session, *, vnd: bool = False) -> dict:
    set_setting(session, LOCAL_ADMIN, "reporting_currency", "IDR")
    idr = b.account(session, account_id="1", name="ID", currency="IDR", timezone_name="Asia/Jakarta")
    sgd = b.account(session, account_id="2", name="SG", currency="SGD", timezone_name="Asia/Singapore")
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    campaigns = {
        "IDR": b.campaign(session, idr, name="ID sale", daily_budget=2_000_000, start_time=start),
        "SGD": b.campaign(session, sgd, name="SG sale", daily_budget=200, start_time=start),
    }
    if vnd:
        vn = b.account(session, account_id="3", name="VN", currency="VND", timezone_name="Asia/Ho_Chi_Minh")
        campaigns["VND"] = b.campaign(session, vn, name="VN sale", daily_budget=9_000_000, start_time=start)
    spend = {"IDR": 1_234_567, "SGD": "101.37", "VND": 7_654_321}
    for cur, campaign in campaigns.items():
        b.insights(session, campaign, b.days(NOV.start, D(2026, 11, 15)), spend=spend[cur])
    for day, rate in USD_IDR.items():
        b.fx_rate(session, day, "USD", "IDR", rate)
    for day, rate in (*SGD_IDR.items(), SGD_ONLY):
        b.fx_rate(session, day, "SGD", "IDR", rate)
    b.plan(session, "channel:meta_ads", NOV.start, NOV.end, 45000, currency="USD")
    session.flush()
    return campaigns


def _overview(session):
    return budget_overview(
        session, NOV, now=NOW, converter=fx.converter(session, NOV.start, NOV.end), reporting_currency="IDR"
    )


def _actuals(overview, campaigns: dict) -> dict[str, Decimal]:
    pacings = {p.scope.scope_key: p for p in overview.pacings}
    return {cur: pacings[f"campaign:{c.id}"].actual for cur, c in campaigns.items()} | {
        "plan": pacings["channel:meta_ads"].actual
    }


def test_a_usd_channel_plan_converts_idr_and_sgd_through_the_rates_into_idr(session) -> None:
    campaigns = _workspace(session)
    overview = _overview(session)
    actual = _actuals(overview, campaigns)
    # monthly_average: the mean of each day's rate; IDR->USD is the inverse of USD->IDR (IDR->IDR = 1), SGD->USD
    # the cross rate SGD->IDR / USD->IDR of the days that have both.
    idr_usd = _mean([round_rate(1 / rate) for rate in USD_IDR.values()])
    sgd_usd = _mean([round_rate(SGD_IDR[day] / USD_IDR[day]) for day in USD_IDR])
    expected = quantize(actual["IDR"] * idr_usd, "USD") + quantize(actual["SGD"] * sgd_usd, "USD")
    assert actual["IDR"] == 15 * Decimal(1_234_567)
    assert actual["SGD"] == 15 * Decimal("101.37")
    assert actual["plan"] == expected == Decimal("2276.41")
    assert not [n for n in overview.notes if n.params.get("scope") == "channel:meta_ads"]


def test_a_currency_without_any_rate_is_left_out_and_named(session) -> None:
    campaigns = _workspace(session, vnd=True)
    overview = _overview(session)
    actual = _actuals(overview, campaigns)
    converter = fx.converter(session, NOV.start, NOV.end)
    converted = [converter(actual[cur], cur, "USD", NOV.start) for cur in ("IDR", "SGD")]
    assert actual["plan"] == sum(converted, Decimal(0))  # the rupiah and dollar spend, never the dong
    notes = [n for n in overview.notes if n.params.get("scope") == "channel:meta_ads"]
    assert [(n.params["currencies"], n.params["currency"]) for n in notes] == [("VND", "USD")]


def test_an_export_in_another_currency_uses_the_same_cross_rate(session) -> None:
    _workspace(session)
    sgd_usd = _mean([round_rate(SGD_IDR[day] / USD_IDR[day]) for day in USD_IDR])
    header, rows = read_rows(b"".join(export_chunks(session, "campaign-monthly", NOV.start, NOV.end, "USD", now=NOW)))
    sgd = dict(zip(header, next(r for r in rows if r[header.index("currency")] == "SGD"), strict=True))
    assert (sgd["fx_rate"], sgd["fx_source"], sgd["fx_missing"]) == (f"{sgd_usd.normalize():f}", "finance", "false")
    # In the reporting currency itself nothing changes: SGD->IDR is finance's stored rates, all four days.
    header, rows = read_rows(b"".join(export_chunks(session, "campaign-monthly", NOV.start, NOV.end, "IDR", now=NOW)))
    sgd = dict(zip(header, next(r for r in rows if r[header.index("currency")] == "SGD"), strict=True))
    assert sgd["fx_rate"] == f"{_mean([*SGD_IDR.values(), SGD_ONLY[1]]).normalize():f}"


CODES = ("IDR", "SGD", "USD", "JPY", "BHD")
rates = st.builds(lambda n, k: Decimal(n).scaleb(-k), st.integers(1, 10**9), st.integers(0, 9))


def _half_ulp(rate: Decimal) -> Decimal:
    return Decimal(1).scaleb(rate.as_tuple().exponent) / 2  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    pair=st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True),
    into=st.tuples(rates, rates),
    units=st.integers(0, 10**12),
    policy=st.sampled_from(POLICIES),
)
def test_there_and_back_through_a_cross_rate_stays_within_the_rounding(pair, into, units, policy) -> None:
    """A->B and back: each rate within half a unit of its last decimal (`round_rate`), each amount rounded half-up
    to its currency, so the amount comes back within those roundings."""
    a, bb = pair
    day = D(2026, 11, 20)
    rows = [(day, code, "IDR", rate) for code, rate in zip(pair, into, strict=True) if code != "IDR"]
    book_b = RateBook(None, bb, day, day, policy, pivot="IDR", rows=rows)
    book_a = RateBook(None, a, day, day, policy, pivot="IDR", rows=rows)
    to_idr = {code: (rate if code != "IDR" else Decimal(1)) for code, rate in zip(pair, into, strict=True)}
    ab, ba = book_b.rate(a, day), book_a.rate(bb, day)
    assert ab.source == ba.source == fx.SOURCE_FINANCE
    with localcontext() as ctx:
        ctx.prec = 60
        exact_ab, exact_ba = to_idr[a] / to_idr[bb], to_idr[bb] / to_idr[a]
        assert abs(ab.rate - exact_ab) <= _half_ulp(ab.rate)
        assert abs(ba.rate - exact_ba) <= _half_ulp(ba.rate)
        amount = Decimal(units).scaleb(-precision(a))
        there = book_b.convert(amount, a, day)[0]
        back = book_a.convert(there, bb, day)[0]
        unit_a, unit_b = Decimal(1).scaleb(-precision(a)), Decimal(1).scaleb(-precision(bb))
        drift = abs(ab.rate * ba.rate - 1)
        assert abs(back - amount) <= unit_a / 2 + unit_b / 2 * ba.rate + amount * drift
        assert drift <= _half_ulp(ab.rate) * exact_ba + _half_ulp(ba.rate) * exact_ab + _half_ulp(ab.rate) * _half_ulp(
            ba.rate
        )
