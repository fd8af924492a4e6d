"""A small finance dataset made with tests/builders.py: two accounts (IDR, USD), awkward names, FX rates, a
program."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import builders as b
from tests.builders import utc

D = dt.date
NOW = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)  # every row of Oct/Nov is outside the restatement window


def build_dataset(session) -> dict:
    """The dataset, made with tests/builders.py (ids in creation order: the golden files name them)."""
    idr = b.account(session, account_id="100", name='Kopi, "Nusantara"\nID')
    usd = b.account(
        session,
        account_id="200",
        name='=HYPERLINK("http://x")',
        currency="USD",
        timezone_name="America/New_York",
    )
    c1 = b.campaign(
        session, idr, meta_id="1001", name="Sale, 11.11", daily_budget="500000", start_time=utc(2026, 9, 30, 17)
    )
    c2 = b.campaign(
        session,
        usd,
        meta_id="2001",
        name="-Retarget +1",
        objective="OUTCOME_LEADS",
        start_time=utc(2026, 10, 1, 4),
        stop_time=utc(2026, 12, 1, 5),
    )
    c3 = b.campaign(
        session,
        idr,
        meta_id="1002",
        name="@deleted",
        status="DELETED",
        objective="OUTCOME_TRAFFIC",
        lifetime_budget="9000000",
        start_time=utc(2026, 10, 1),
        stop_time=utc(2026, 10, 31),
    )
    b.ad_set(session, c2, meta_id="21", name="A", daily_budget="40")
    b.ad_set(session, c2, meta_id="22", name="B", daily_budget="12.5")
    b.ad_set(session, c2, meta_id="23", name="C", status="PAUSED", daily_budget="99")
    rows = [
        (c1, D(2026, 10, 30), "250000", 10000, 120, "3", "450000"),
        (c1, D(2026, 10, 31), "312500.5", 12000, 130, "2", "300000"),
        (c1, D(2026, 11, 1), "100000", 5000, 40, "1", "150000"),
        (c2, D(2026, 10, 31), "45.505", 3000, 60, "2.5", "0"),
        (c2, D(2026, 11, 1), "50.10", 3100, 70, "4", "0"),
        (c3, D(2026, 10, 31), "75000", 2000, 10, "0", "0"),
    ]
    for c, day, spend, imp, clicks, conv, value in rows:
        b.insights(
            session, c, [day], spend=spend, impressions=imp, clicks=clicks, conversions=conv, conversion_value=value
        )
    # Only USD->IDR is recorded: IDR->USD uses the inverse.
    for day, rate in ((D(2026, 10, 30), "16000"), (D(2026, 10, 31), "16100"), (D(2026, 11, 1), "16200")):
        b.fx_rate(session, day, "USD", "IDR", rate)
    program = b.program(session, name="Kopi Creators")
    budi = b.influencer(session, name='@budi, the "barista"')
    sari = b.influencer(session, name="Sari\nHalim")
    flat = b.collaboration(
        session,
        program,
        budi,
        stage="live",
        fee=1000000,
        product_value=300000,
        contract_date=D(2026, 10, 5),
        start_date=D(2026, 10, 20),
        end_date=D(2026, 11, 8),
    )
    per = b.collaboration(
        session,
        program,
        sari,
        stage="completed",
        fee_type="per_deliverable",
        fee=900000,
        contract_date=D(2026, 10, 6),
        start_date=D(2026, 10, 10),
        end_date=D(2026, 10, 31),
    )
    b.deliverable(session, flat, status="published", published_date=D(2026, 10, 25))
    b.deliverable(session, flat, type="story", status="published", published_date=D(2026, 11, 2))
    b.deliverable(session, flat, platform="tiktok", type="video")
    b.deliverable(session, per, type="post", status="published", published_date=D(2026, 10, 28), fee=600000)
    b.deliverable(session, per, type="story", status="published", published_date=D(2026, 10, 29), fee=300000)
    b.payment(
        session,
        per,
        "900000",
        status="paid",
        due_date=D(2026, 10, 30),
        paid_date=D(2026, 10, 31),
        invoice_number="+INV-1, a",
    )
    b.payment(session, flat, "1000000", status="approved", due_date=D(2026, 11, 1), invoice_number="INV-2")
    b.payment(session, flat, "-50000", due_date=D(2026, 11, 1), invoice_number="-refund")
    b.plan(session, c1, D(2026, 10, 1), D(2026, 11, 30), "6100000")
    b.plan(session, program, D(2026, 10, 1), D(2026, 10, 31), "2500000")
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
