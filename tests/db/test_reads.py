"""db.reads: a read beside the session runs on a connection of its own only when the session has written nothing,
and gives the rows the session would read (values as stored, the same on SQLite's packed path and in order)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from budgets.overview import budget_overview
from campaigns.models import CampaignInsight
from db import reads
from db.calendar import Period
from db.engine import get_engine, session_scope
from db.types import Money
from tests import builders
from tests.statements import threads_running

DAY = dt.date(2026, 11, 10)


def _spend_by_campaign():
    return (
        select(
            CampaignInsight.campaign_id,
            CampaignInsight.currency,
            Money.stored(func.sum(CampaignInsight.spend)),
            func.count(),
        )
        .group_by(CampaignInsight.campaign_id, CampaignInsight.currency)
        .order_by(CampaignInsight.campaign_id)
    )


def _workspace(url: str) -> dict[str, int]:
    """Two campaigns: one in IDR with large amounts, one in USD with cents; committed."""
    with session_scope(url) as s:
        idr = builders.campaign(s, builders.account(s, currency="IDR"), name='Promo "12.12" ✨')
        usd = builders.campaign(s, builders.account(s, currency="USD"))
        builders.insights(s, idr, builders.days(DAY, DAY + dt.timedelta(days=2)), spend="999999999999.5")
        builders.insights(s, usd, [DAY], spend="0.01")
        s.flush()
        return {"IDR": idr.id, "USD": usd.id}


def _read(rows) -> dict[int, tuple[str, Decimal, int]]:
    dialect = get_engine().dialect
    amounts = Money.from_stored([r[2] for r in rows], dialect)
    return {r[0]: (r[1], a, r[3]) for r, a in zip(rows, amounts, strict=True)}


def test_a_clean_session_reads_beside_on_another_connection_and_gets_the_stored_rows(migrated_url):
    ids = _workspace(migrated_url)
    with threads_running(migrated_url) as running, session_scope(migrated_url) as s:
        s.execute(select(func.count()).select_from(CampaignInsight)).scalar()  # a read: nothing written
        rows = reads.beside(s, _spend_by_campaign()).result()
    seen = [name for name, _sql in running]
    assert any(name.startswith("pantau-read") for name in seen)
    assert _read(rows) == {
        ids["IDR"]: ("IDR", Decimal("2999999999998.5"), 3),
        ids["USD"]: ("USD", Decimal("0.01"), 1),
    }


def test_pending_changes_are_read_on_the_session_and_seen(migrated_url):
    ids = _workspace(migrated_url)
    with threads_running(migrated_url) as running, session_scope(migrated_url) as s:
        usd = s.get(builders.Campaign, ids["USD"])
        builders.insights(s, usd, [DAY + dt.timedelta(days=1)], spend="2.50")  # added, not flushed
        rows = reads.beside(s, _spend_by_campaign()).result()
        s.rollback()
    seen = [name for name, _sql in running]
    assert not any(name.startswith("pantau-read") for name in seen)
    assert _read(rows)[ids["USD"]] == ("USD", Decimal("2.51"), 2)


def test_flushed_core_writes_are_read_on_the_session_and_seen(migrated_url):
    ids = _workspace(migrated_url)
    with session_scope(migrated_url) as s:
        s.execute(
            insert(CampaignInsight).values(
                campaign_id=ids["USD"],
                date=DAY + dt.timedelta(days=3),
                currency="USD",
                spend=Decimal("1.25"),
                impressions=0,
                clicks=0,
                conversions=Decimal(0),
                conversion_value=Decimal(0),
                source="meta_api",
                synced_at=builders.SYNCED,
            )
        )
        assert reads.has_written(s)
        rows = reads.beside(s, _spend_by_campaign()).result()
        s.rollback()
    assert _read(rows)[ids["USD"]] == ("USD", Decimal("1.26"), 2)


def test_a_session_that_only_read_has_written_nothing(migrated_url):
    _workspace(migrated_url)
    with session_scope(migrated_url) as s:
        assert not reads.has_written(s)
        s.execute(select(CampaignInsight.id)).all()
        assert not reads.has_written(s)


def test_in_memory_sqlite_reads_on_the_session():
    from sqlalchemy.orm import Session

    from db.engine import make_engine

    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1, 'x'), (2, NULL)")
    from sqlalchemy import column, table

    t = table("t", column("a"), column("b"))
    with Session(engine) as s:
        assert reads.beside(s, select(t.c.a, t.c.b).order_by(t.c.a)).result() == [(1, "x"), (2, None)]


@pytest.mark.parametrize("today", [dt.date(2026, 11, 28), dt.date(2026, 12, 1)])
def test_the_overview_read_beside_equals_the_overview_read_in_order(demo_url, monkeypatch, today):
    """The demo's Budgets overview with the scans on their own connections equals the one read on the session."""
    period = Period.month_of(today - dt.timedelta(days=1))
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    with threads_running(demo_url) as running, session_scope(demo_url) as s:
        beside = budget_overview(s, period, now=now, today=today)
    seen = [name for name, _sql in running]
    assert sum(name.startswith("pantau-read") for name in seen) == 2  # the spend windows and the days
    monkeypatch.setattr(reads, "_separate", lambda _engine: False)
    with session_scope(demo_url) as s:
        in_order = budget_overview(s, period, now=now, today=today)
    assert beside.totals == in_order.totals
    assert beside.daily == in_order.daily
    assert [(p.scope.scope_key, p.scope.actual, p.status, p.projected) for p in beside.pacings] == [
        (p.scope.scope_key, p.scope.actual, p.status, p.projected) for p in in_order.pacings
    ]
    assert any(p.scope.actual for p in beside.pacings)


@pytest.mark.parametrize("read", ["beside", "alongside"])
def test_a_session_holding_the_pools_last_connection_still_gets_its_read(migrated_url, monkeypatch, read):
    """Twenty people opening pages at once can hold every connection of the engine's pool while each page waits
    for a read beside it: the reads take their connections from a pool of their own, so none waits for a
    connection that only a waiting page could give back."""
    from sqlalchemy.orm import Session

    from db.engine import make_engine

    ids = _workspace(migrated_url)
    tight = make_engine(migrated_url, pool_size=1, max_overflow=0, pool_timeout=2)
    try:
        with Session(tight) as s:
            s.execute(select(func.count()).select_from(CampaignInsight)).scalar()
            s.rollback()  # nothing written
            s.execute(select(func.count()).select_from(CampaignInsight)).scalar()  # holds the pool's only connection
            if read == "beside":
                rows = reads.beside(s, _spend_by_campaign()).result(timeout=20)
                assert _read(rows)[ids["USD"]] == ("USD", Decimal("0.01"), 1)
            else:
                count = reads.alongside(s, lambda own: own.scalar(select(func.count()).select_from(CampaignInsight)))
                assert count.result(timeout=20) == 4
    finally:
        tight.dispose()
