"""The driver-level insight upsert stores exactly what SQLAlchemy would, updates on conflict, keeps the last
of a repeated key, and joins the caller's transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select, text

from campaigns.insight_store import InsightUpsert, upsert_rows
from campaigns.meta_writer import CAMPAIGN_COLUMNS
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.engine import session_scope

STAMP = dt.datetime(2026, 3, 10, 5, 6, 7, 891011, tzinfo=dt.UTC)
ACTIONS = [{"action_type": "omni_purchase", "value": "3"}, {"action_type": "link_click", "value": "ü 40"}]


def _campaigns(session, n: int = 2) -> list[int]:
    account = AdAccount(account_id="1", name="A", currency="USD", timezone_name="UTC")
    session.add(account)
    session.flush()
    campaigns = [Campaign(account_id=account.id, name=f"c{i}", currency="USD") for i in range(n)]
    session.add_all(campaigns)
    session.flush()
    return [c.id for c in campaigns]


def _row(campaign_id: int, day: dt.date, spend: str, actions=ACTIONS, reach: int | None = 800) -> tuple:
    values = {
        "campaign_id": campaign_id,
        "date": day,
        "currency": "USD",
        "spend": Decimal(spend),
        "impressions": 1000,
        "clicks": 30,
        "link_clicks": None,
        "actions": actions,
        "action_values": None,
        "conversions": Decimal("3"),
        "conversion_value": Decimal("75.5"),
        "source": "meta_api",
        "synced_at": STAMP,
        "reach": reach,
    }
    return tuple(values[c] for c in CAMPAIGN_COLUMNS), values


def _raw(session, campaign_id: int) -> list[tuple]:
    """The stored cells as the database holds them (no result processing)."""
    columns = ", ".join(c for c in CAMPAIGN_COLUMNS if c != "campaign_id")
    return [
        tuple(r)
        for r in session.execute(
            text(f"SELECT {columns} FROM campaign_insight WHERE campaign_id = :c ORDER BY date"), {"c": campaign_id}
        )
    ]


def test_stored_cells_equal_sqlalchemys_own_insert(session) -> None:
    mine, theirs = _campaigns(session)
    day = dt.date(2026, 3, 1)
    tuple_row, _ = _row(mine, day, "12.34")
    InsightUpsert(session, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS).write([tuple_row])
    _, dict_row = _row(theirs, day, "12.34")
    session.execute(insert(CampaignInsight), [dict_row])
    assert _raw(session, mine) == _raw(session, theirs)
    stored = session.scalar(select(CampaignInsight).where(CampaignInsight.campaign_id == mine))
    assert (stored.spend, stored.actions, stored.action_values, stored.synced_at, stored.date) == (
        Decimal("12.34"),
        ACTIONS,
        None,
        STAMP,
        day,
    )


def test_conflicts_update_and_a_repeated_key_keeps_its_last_row(session) -> None:
    (campaign,) = _campaigns(session, 1)
    store = InsightUpsert(session, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS)
    d1, d2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    store.write([_row(campaign, d1, "1")[0], _row(campaign, d2, "2")[0]])
    # The same page twice in one call (a range read again after a split): the last one wins.
    assert store.write([_row(campaign, d1, "10")[0], _row(campaign, d1, "11", actions=None, reach=None)[0]]) == 2
    rows = {r.date: r for r in session.scalars(select(CampaignInsight))}
    assert len(rows) == 2
    assert (rows[d1].spend, rows[d1].actions, rows[d1].reach) == (Decimal("11"), None, None)
    assert rows[d2].spend == Decimal("2")


def test_writes_join_the_callers_transaction(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        (campaign,) = _campaigns(s, 1)
    try:
        with session_scope(migrated_url) as s:
            store = InsightUpsert(s, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS)
            store.write([_row(campaign, dt.date(2026, 3, 1), "5")[0]])
            assert s.scalar(select(CampaignInsight.spend)) == Decimal("5")  # visible inside the transaction
            raise RuntimeError("the sync dies here")
    except RuntimeError:
        pass
    with session_scope(migrated_url) as s:
        assert s.scalars(select(CampaignInsight)).all() == []  # rolled back with the rest of the window
        store = InsightUpsert(s, CampaignInsight, ("campaign_id", "date"), CAMPAIGN_COLUMNS)
        store.write([_row(campaign, dt.date(2026, 3, 1), "6")[0]])  # the staging table works again
    with session_scope(migrated_url) as s:
        assert s.scalar(select(CampaignInsight.spend)) == Decimal("6")


def test_upsert_rows_takes_dicts(session) -> None:
    (campaign,) = _campaigns(session, 1)
    _, values = _row(campaign, dt.date(2026, 3, 1), "7.5")
    upsert_rows(session, CampaignInsight, ("campaign_id", "date"), [values, {**values, "spend": Decimal("8")}])
    assert session.scalar(select(CampaignInsight.spend)) == Decimal("8")
