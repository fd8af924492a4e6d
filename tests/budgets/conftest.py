"""A small workspace for budget tests, made with tests/builders.py: two accounts in different time zones, CBO, ABO
and lifetime campaigns, plans, a program with collaborations, payments and deliverables."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import builders as b

# 12:00 UTC on Monday Nov 16, 2026: Nov 16 in New York (07:00) and in Jakarta (19:00).
NOW = dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC)
NOV_START, NOV_END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


@pytest.fixture
def workspace(session) -> dict:
    us = b.account(session, account_id="1", name="Acme US", currency="USD", timezone_name="America/New_York")
    idr = b.account(session, account_id="2", name="Acme ID", currency="IDR", timezone_name="Asia/Jakarta")
    start = dt.datetime(2026, 10, 1, 4, 0, tzinfo=dt.UTC)  # local midnight in New York
    live = {"status": "ACTIVE", "effective_status": "ACTIVE"}
    cbo = b.campaign(session, us, name="US CBO Payday", daily_budget=100, start_time=start, **live)
    abo = b.campaign(session, us, name="US ABO Leads", objective="OUTCOME_LEADS", start_time=start, **live)
    life = b.campaign(
        session,
        idr,
        name="ID Launch lifetime",
        lifetime_budget=30_000_000,
        start_time=dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC),  # Nov 1 00:00 Jakarta
        stop_time=dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC),  # Dec 11 00:00: last day Dec 10
        **live,
    )
    paused = b.campaign(
        session,
        us,
        name="US paused",
        objective=None,
        status="PAUSED",
        effective_status="PAUSED",
        daily_budget=80,
        start_time=start,
    )
    b.ad_set(session, abo, name="a", daily_budget=30)
    b.ad_set(session, abo, name="b", daily_budget=20)
    b.ad_set(session, abo, name="c", status="PAUSED", daily_budget=500)
    october_25 = dt.date(2026, 10, 25)
    # Nov 16 is today in both accounts: a partial day that pacing must leave out.
    b.insights(
        session,
        cbo,
        b.days(october_25, dt.date(2026, 11, 16)),
        spend=lambda day: 40 if day == dt.date(2026, 11, 16) else 100,
        conversions=4,
        conversion_value=300,
    )
    b.insights(session, abo, b.days(october_25, dt.date(2026, 11, 16)), spend=50)
    b.insights(session, life, b.days(NOV_START, dt.date(2026, 11, 16)), spend=1_000_000)
    b.insights(session, paused, b.days(october_25, dt.date(2026, 11, 5)), spend=80)
    plans = {
        "cbo": b.plan(session, cbo, NOV_START, NOV_END, 3000),
        "life": b.plan(session, life, NOV_START, NOV_END, 20_000_000),
        "paused": b.plan(session, paused, NOV_START, NOV_END, 2400),
    }
    program = b.program(
        session, name="Creators", currency="USD", start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 12, 31)
    )
    plans["program"] = b.plan(session, program, NOV_START, NOV_END, 2000)
    ayu, budi, citra, dewi = (
        b.influencer(session, name=n, email=f"{n.lower()}@example.com") for n in ("Ayu", "Budi", "Citra", "Dewi")
    )
    november = {"start_date": NOV_START, "end_date": NOV_END}
    # Contracted for the whole of November: 1000 committed on Nov 1 (product_value is product seeding).
    whole_month = b.collaboration(session, program, ayu, fee=1000, product_value=70, **november)
    # Live, flight Oct 17 - Nov 15 (30 days): committed in October; over the flight, half of 600 is November's.
    flight = b.collaboration(
        session,
        program,
        budi,
        stage="live",
        fee=600,
        start_date=dt.date(2026, 10, 17),
        end_date=dt.date(2026, 11, 15),
    )
    declined = b.collaboration(session, program, citra, stage="declined", fee=999, **november)
    b.collaboration(session, program, dewi, stage="negotiating", fee=777, **november)
    b.payment(session, flight, 500, status="paid", paid_date=dt.date(2026, 11, 10))
    b.payment(session, whole_month, 1000)
    nov_10 = dt.date(2026, 11, 10)
    b.deliverable(session, whole_month, due_date=nov_10)
    b.deliverable(
        session, whole_month, platform="tiktok", type="post", due_date=nov_10, status="published", published_date=nov_10
    )
    b.deliverable(session, flight, type="story", due_date=dt.date(2026, 11, 20))
    b.deliverable(session, declined, type="story", due_date=NOV_START)  # declined: not chased
    return {
        "us": us.id,
        "idr": idr.id,
        "cbo": cbo.id,
        "abo": abo.id,
        "life": life.id,
        "paused": paused.id,
        "program": program.id,
        "plans": {k: v.id for k, v in plans.items()},
    }
