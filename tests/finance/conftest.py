"""A small hand-built finance dataset: two accounts (IDR, USD), awkward names, FX rates, a program."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = dt.date
NOW = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)  # every row of Oct/Nov is outside the restatement window


def _utc(y: int, m: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


def build_dataset(session) -> dict:
    from budgets.models import BudgetPlan
    from campaigns.models import AdAccount, AdSet, Campaign, CampaignInsight
    from finance.models import FxRate
    from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program

    idr = AdAccount(account_id="100", name='Kopi, "Nusantara"\nID', currency="IDR", timezone_name="Asia/Jakarta")
    usd = AdAccount(account_id="200", name='=HYPERLINK("http://x")', currency="USD", timezone_name="America/New_York")
    session.add_all([idr, usd])
    session.flush()
    c1 = Campaign(
        account_id=idr.id,
        meta_id="1001",
        name="Sale, 11.11",
        status="ACTIVE",
        objective="OUTCOME_SALES",
        currency="IDR",
        daily_budget=Decimal("500000"),
        start_time=_utc(2026, 9, 30, 17),
    )
    c2 = Campaign(
        account_id=usd.id,
        meta_id="2001",
        name="-Retarget +1",
        status="ACTIVE",
        objective="OUTCOME_LEADS",
        currency="USD",
        start_time=_utc(2026, 10, 1, 4),
        stop_time=_utc(2026, 12, 1, 5),
    )
    c3 = Campaign(
        account_id=idr.id,
        meta_id="1002",
        name="@deleted",
        status="DELETED",
        objective="OUTCOME_TRAFFIC",
        currency="IDR",
        lifetime_budget=Decimal("9000000"),
        start_time=_utc(2026, 10, 1),
        stop_time=_utc(2026, 10, 31),
    )
    session.add_all([c1, c2, c3])
    session.flush()
    session.add_all(
        [
            AdSet(
                campaign_id=c2.id, meta_id="21", name="A", status="ACTIVE", currency="USD", daily_budget=Decimal("40")
            ),
            AdSet(
                campaign_id=c2.id, meta_id="22", name="B", status="ACTIVE", currency="USD", daily_budget=Decimal("12.5")
            ),
            AdSet(
                campaign_id=c2.id, meta_id="23", name="C", status="PAUSED", currency="USD", daily_budget=Decimal("99")
            ),
        ]
    )
    rows = [
        (c1, D(2026, 10, 30), "250000", 10000, 120, "3", "450000"),
        (c1, D(2026, 10, 31), "312500.5", 12000, 130, "2", "300000"),
        (c1, D(2026, 11, 1), "100000", 5000, 40, "1", "150000"),
        (c2, D(2026, 10, 31), "45.505", 3000, 60, "2.5", "0"),
        (c2, D(2026, 11, 1), "50.10", 3100, 70, "4", "0"),
        (c3, D(2026, 10, 31), "75000", 2000, 10, "0", "0"),
    ]
    for c, day, spend, imp, clicks, conv, value in rows:
        session.add(
            CampaignInsight(
                campaign_id=c.id,
                date=day,
                currency=c.currency,
                spend=Decimal(spend),
                impressions=imp,
                clicks=clicks,
                conversions=Decimal(conv),
                conversion_value=Decimal(value),
                source="meta_api",
                synced_at=_utc(2026, 11, 2),
            )
        )
    # Only USD->IDR is recorded: IDR->USD uses the inverse.
    for day, rate in ((D(2026, 10, 30), "16000"), (D(2026, 10, 31), "16100"), (D(2026, 11, 1), "16200")):
        session.add(FxRate(date=day, from_currency="USD", to_currency="IDR", rate=Decimal(rate), source="test"))
    program = Program(name="Kopi Creators", currency="IDR", status="active")
    session.add(program)
    session.flush()
    budi = Influencer(name='@budi, the "barista"')
    sari = Influencer(name="Sari\nHalim")
    session.add_all([budi, sari])
    session.flush()
    flat = Collaboration(
        program_id=program.id,
        influencer_id=budi.id,
        stage="live",
        fee_type="flat",
        fee=Decimal("1000000"),
        product_value=Decimal("300000"),
        currency="IDR",
        contract_date=D(2026, 10, 5),
        start_date=D(2026, 10, 20),
        end_date=D(2026, 11, 8),
    )
    per = Collaboration(
        program_id=program.id,
        influencer_id=sari.id,
        stage="completed",
        fee_type="per_deliverable",
        fee=Decimal("900000"),
        currency="IDR",
        contract_date=D(2026, 10, 6),
        start_date=D(2026, 10, 10),
        end_date=D(2026, 10, 31),
    )
    session.add_all([flat, per])
    session.flush()
    session.add_all(
        [
            Deliverable(
                collaboration_id=flat.id,
                platform="instagram",
                type="reel",
                status="published",
                published_date=D(2026, 10, 25),
            ),
            Deliverable(
                collaboration_id=flat.id,
                platform="instagram",
                type="story",
                status="published",
                published_date=D(2026, 11, 2),
            ),
            Deliverable(collaboration_id=flat.id, platform="tiktok", type="video", status="planned"),
            Deliverable(
                collaboration_id=per.id,
                platform="instagram",
                type="post",
                status="published",
                published_date=D(2026, 10, 28),
                fee=Decimal("600000"),
            ),
            Deliverable(
                collaboration_id=per.id,
                platform="instagram",
                type="story",
                status="published",
                published_date=D(2026, 10, 29),
                fee=Decimal("300000"),
            ),
        ]
    )
    session.add_all(
        [
            Payment(
                collaboration_id=per.id,
                amount=Decimal("900000"),
                currency="IDR",
                status="paid",
                due_date=D(2026, 10, 30),
                paid_date=D(2026, 10, 31),
                invoice_number="+INV-1, a",
            ),
            Payment(
                collaboration_id=flat.id,
                amount=Decimal("1000000"),
                currency="IDR",
                status="approved",
                due_date=D(2026, 11, 1),
                invoice_number="INV-2",
            ),
            Payment(
                collaboration_id=flat.id,
                amount=Decimal("-50000"),
                currency="IDR",
                status="pending",
                due_date=D(2026, 11, 1),
                invoice_number="-refund",
            ),
        ]
    )
    session.add_all(
        [
            BudgetPlan(
                scope_type="campaign",
                scope_key=f"campaign:{c1.id}",
                campaign_id=c1.id,
                period_start=D(2026, 10, 1),
                period_end=D(2026, 11, 30),
                amount=Decimal("6100000"),
                currency="IDR",
            ),
            BudgetPlan(
                scope_type="program",
                scope_key=f"program:{program.id}",
                program_id=program.id,
                period_start=D(2026, 10, 1),
                period_end=D(2026, 10, 31),
                amount=Decimal("2500000"),
                currency="IDR",
            ),
        ]
    )
    session.flush()
    return {"c1": c1.id, "c2": c2.id, "c3": c3.id, "program": program.id, "flat": flat.id, "per": per.id}


@pytest.fixture
def finance_url(migrated_url: str) -> str:
    """A migrated database holding the hand-built finance dataset."""
    from db.engine import session_scope

    with session_scope(migrated_url) as s:
        build_dataset(s)
    return migrated_url


@pytest.fixture
def fs(finance_url: str):
    """A session on the finance dataset."""
    from db.engine import session_scope

    with session_scope(finance_url) as s:
        yield s
