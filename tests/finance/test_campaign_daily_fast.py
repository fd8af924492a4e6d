"""campaign-daily's fast path (raw batches, pre-rendered cells, per-day ordering) against the plain builder.

The reference below is the straightforward builder the export used before: one joined, fully ordered ORM
query whose rows are formatted cell by cell and written by `iter_csv`. The fast path must give the same
bytes for awkward data, every FX policy, both currencies, provisional and locked months, and batch sizes
that cut a day's rows anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from finance.csvfile import BOM, csv_cells, iter_csv, iter_csv_text
from finance.exports import EXPORTS, ExportContext, build_live, campaign_daily, read_rows
from finance.exports.context import quantity_text as _qty
from finance.exports.context import quantum as _quantum
from finance.exports.context import rate_text as _rate_text
from tests.finance.conftest import NOW

D = dt.date
SINCE, UNTIL = D(2026, 10, 1), D(2026, 11, 30)


def _reference(ctx: ExportContext) -> Iterator[list[str]]:
    from campaigns.models import AdAccount, Campaign, CampaignInsight

    cutoffs = ctx.cutoffs()
    stmt = (
        select(
            CampaignInsight.date,
            AdAccount.account_id,
            AdAccount.name,
            Campaign.meta_id,
            Campaign.name,
            CampaignInsight.currency,
            CampaignInsight.spend,
            CampaignInsight.impressions,
            CampaignInsight.clicks,
            CampaignInsight.conversions,
            CampaignInsight.conversion_value,
            CampaignInsight.source,
            AdAccount.id,
            Campaign.id,
            Campaign.platform,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .order_by(CampaignInsight.date, AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    target_q = _quantum(ctx.currency)
    for (
        day,
        acct,
        acct_name,
        meta_id,
        name,
        cur,
        spend,
        imp,
        clicks,
        conv,
        value,
        source,
        acct_pk,
        cid,
        platform,
    ) in ctx.session.execute(stmt):
        q = _quantum(cur)
        used = ctx.rate(cur, day)
        spend = spend.quantize(q, ROUND_HALF_UP)
        yield [
            day.isoformat(),
            acct,
            acct_name,
            meta_id or f"pantau-{cid}",
            name,
            cur,
            f"{spend:f}",
            str(imp),
            str(clicks),
            _qty(conv),
            f"{value.quantize(q, ROUND_HALF_UP):f}",
            ctx.currency,
            "" if used is None else _rate_text(used.rate),
            "" if used is None else used.rate_date,
            ctx.policy if used is None else used.policy,
            "" if used is None else f"{(spend * used.rate).quantize(target_q, ROUND_HALF_UP):f}",
            ctx.provisional(day, cutoffs.get(acct_pk)),
            source,
            "" if used is None else used.source,
            "true" if used is None else "false",
            platform,
        ]


def _reference_bytes(session, currency: str, policy: str, now: dt.datetime, locked: frozenset[dt.date]) -> bytes:
    spec = EXPORTS["campaign-daily"]
    ctx = ExportContext(session, SINCE, UNTIL, currency, policy, now, locked)
    return b"".join(iter_csv(spec.columns, spec.text_indexes, _reference(ctx), bom=True))


def _add_awkward_rows(session) -> None:
    """More campaigns and a month of days: NULL meta ids, names that need quoting or neutralising, amounts
    that round half up (also negative), fractional conversions, an insight in another currency than its
    campaign's, a source that looks like a formula, and daily rates with gaps."""
    from campaigns.models import AdAccount, Campaign, CampaignInsight
    from finance.models import FxRate

    idr, usd = session.scalars(select(AdAccount).order_by(AdAccount.account_id)).all()
    camps = [
        Campaign(account_id=idr.id, meta_id=None, name="+62 promo", currency="IDR"),
        Campaign(account_id=idr.id, meta_id="0999", name='\tTab, "quoted"\r\nnext', currency="IDR"),
        Campaign(account_id=usd.id, meta_id="2000", name="", currency="USD"),
        Campaign(account_id=usd.id, meta_id=None, name="@home", currency="USD"),
        Campaign(account_id=idr.id, meta_id="1001a", name="Rupiah=ok", currency="IDR"),
    ]
    session.add_all(camps)
    session.flush()
    usd_spends = ["0.125", "-0.125", "2.0049", "2.005", "1234567.8950", "0", "0.0049", "-0.005", "19.99"]
    idr_spends = ["1234.5", "-1234.5", "99999999999.5", "7", "0.4999", "250000", "1.5", "-0.5"]
    convs = ["2.5", "0", "7.1250", "3", "0.0001", "-1"]
    n = 0
    for day_no in range(1, 32):
        day = D(2026, 10, day_no)
        for i, camp in enumerate(camps):
            if (day_no + i) % 4 == 0:
                continue  # not every campaign has every day: day groups of different sizes
            n += 1
            cur = camp.currency
            if camp.meta_id == "1001a" and day_no % 5 == 0:
                cur = "USD"  # an insight in another currency than its campaign's
            pool = usd_spends if cur == "USD" else idr_spends
            spend = Decimal(pool[n % len(pool)])
            session.add(
                CampaignInsight(
                    campaign_id=camp.id,
                    date=day,
                    currency=cur,
                    spend=spend,
                    impressions=1000 * day_no + i,
                    clicks=day_no,
                    conversions=Decimal(convs[n % len(convs)]),
                    conversion_value=spend * 3,
                    source="=ads_csv" if i == 1 else "ads_manager_csv",
                )
            )
    for day_no in range(1, 30):
        if day_no in (4, 5, 6, 17):
            continue  # gaps: the daily policy falls back to the latest earlier rate
        session.add(
            FxRate(
                date=D(2026, 10, day_no),
                from_currency="USD",
                to_currency="IDR",
                rate=(Decimal("15900") + Decimal(day_no) / 7).quantize(Decimal("1e-10")),
                source="test",
            )
        )
    # An IDR->USD rate recorded directly on one day: the direct rate wins over the inverse.
    session.add(
        FxRate(date=D(2026, 10, 9), from_currency="IDR", to_currency="USD", rate=Decimal("0.0000631"), source="test")
    )
    session.flush()


@pytest.mark.parametrize("policy", ["monthly_average", "month_end", "daily"])
@pytest.mark.parametrize("currency", ["IDR", "USD"])
def test_fast_path_matches_the_plain_builder(fs, monkeypatch, currency: str, policy: str) -> None:
    _add_awkward_rows(fs)
    cases = [
        (NOW, frozenset()),
        (dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), frozenset()),  # October's end is provisional
        (dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), frozenset({D(2026, 10, 1)})),  # ... unless locked
    ]
    for now, locked in cases:
        expected = _reference_bytes(fs, currency, policy, now, locked)
        assert expected.count(b"\r\n") > 100
        for batch in (1, 2, 3, 7, 5000):  # batches that cut a day's rows at every place
            monkeypatch.setattr(campaign_daily, "YIELD_PER", batch)
            got = b"".join(
                build_live(fs, "campaign-daily", SINCE, UNTIL, currency, now=now, policy=policy, locked=locked)
            )
            assert got == expected, (currency, policy, now, locked, batch)


@pytest.mark.parametrize("policy", ["monthly_average", "daily"])
def test_fast_path_matches_the_plain_builder_when_rates_are_missing(fs, monkeypatch, policy: str) -> None:
    """VND: no finance rate, no ECB reference rate. Native cells are written, converted cells blank, flagged."""
    _add_awkward_rows(fs)
    expected = _reference_bytes(fs, "VND", policy, NOW, frozenset())
    header, rows = read_rows(expected)
    assert {r[header.index("fx_missing")] for r in rows} == {"true"}
    monkeypatch.setattr(campaign_daily, "YIELD_PER", 3)
    assert b"".join(build_live(fs, "campaign-daily", SINCE, UNTIL, "VND", now=NOW, policy=policy)) == expected


def test_fast_path_writes_the_awkward_cells_as_the_csv_module_does(fs) -> None:
    _add_awkward_rows(fs)
    content = b"".join(build_live(fs, "campaign-daily", SINCE, UNTIL, "USD", now=NOW, policy="daily"))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    ix = {c: i for i, c in enumerate(header)}
    assert all(len(r) == len(header) for r in body)
    names = {r[ix["campaign_name"]] for r in body}
    assert {"'+62 promo", "'@home", "Rupiah=ok", ""} <= names
    assert '\'\tTab, "quoted"\r\nnext' in names
    assert {r[ix["campaign_id"]] for r in body} >= {"0999", "2000", "1001a"}
    assert any(r[ix["campaign_id"]].startswith("pantau-") for r in body)
    assert {r[ix["source"]] for r in body} >= {"'=ads_csv", "ads_manager_csv", "meta_api"}
    spends = {r[ix["spend"]] for r in body if r[ix["currency"]] == "USD"}
    assert {"0.13", "-0.13", "2.00", "2.01", "1234567.90", "-0.01"} <= spends  # half up, away from zero
    idr = {r[ix["spend"]] for r in body if r[ix["currency"]] == "IDR"}
    assert {"1235", "-1235", "100000000000", "7", "0", "2", "-1"} <= idr
    assert {r[ix["conversions"]] for r in body} >= {"2.5", "0", "7.125", "3", "0.0001", "-1"}
    # Sorted by date, then account, then campaign id, as the database orders them.
    days = [r[ix["date"]] for r in body]
    assert days == sorted(days)


def test_an_empty_period_is_the_header_alone(fs) -> None:
    content = b"".join(build_live(fs, "campaign-daily", D(2020, 1, 1), D(2020, 1, 31), "USD", now=NOW))
    assert content == BOM + (",".join(EXPORTS["campaign-daily"].columns) + "\r\n").encode()


@pytest.mark.parametrize(
    "cells",
    [
        ["a", "b"],
        [""],
        ["", ""],
        ["x,y", 'say "hi"', "line\nbreak", "cr\rhere", " lead", "tail "],
        ["'=1", "é ü 漢字", "\t"],
    ],
)
def test_csv_cells_quote_like_a_whole_row(cells: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["before", *cells, "after"])
    assert f"before,{csv_cells(cells)},after\r\n" == buffer.getvalue()


def test_iter_csv_text_writes_the_header_then_the_text_as_utf8() -> None:
    chunks = list(iter_csv_text(["a", "b,c"], ["1,é\r\n", "", "2,x\r\n"], bom=True))
    assert chunks == [BOM + b'a,"b,c"\r\n', "1,é\r\n".encode(), b"2,x\r\n"]
    assert b"".join(iter_csv_text(["a"], [], bom=False)) == b"a\r\n"
