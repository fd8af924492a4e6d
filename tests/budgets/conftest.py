"""A small, hand-built workspace for budget tests: two accounts in different time zones, CBO, ABO and
lifetime campaigns, plans, a program with collaborations, payments and deliverables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from budgets.models import BudgetPlan
from campaigns.models import AdAccount, AdSet, Campaign, CampaignInsight
from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program

# 12:00 UTC on Monday Nov 16, 2026: Nov 16 in New York (07:00) and in Jakarta (19:00).
NOW = dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC)
NOV_START, NOV_END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


@pytest.fixture
def workspace(session) -> dict:
    us = AdAccount(account_id="1", name="Acme US", currency="USD", timezone_name="America/New_York")
    idr = AdAccount(account_id="2", name="Acme ID", currency="IDR", timezone_name="Asia/Jakarta")
    session.add_all([us, idr])
    session.flush()
    start = dt.datetime(2026, 10, 1, 4, 0, tzinfo=dt.UTC)  # local midnight in New York
    cbo = Campaign(
        account_id=us.id,
        name="US CBO Payday",
        currency="USD",
        status="ACTIVE",
        effective_status="ACTIVE",
        objective="OUTCOME_SALES",
        daily_budget=D(100),
        start_time=start,
    )
    abo = Campaign(
        account_id=us.id,
        name="US ABO Leads",
        currency="USD",
        status="ACTIVE",
        effective_status="ACTIVE",
        objective="OUTCOME_LEADS",
        start_time=start,
    )
    life = Campaign(
        account_id=idr.id,
        name="ID Launch lifetime",
        currency="IDR",
        status="ACTIVE",
        effective_status="ACTIVE",
        objective="OUTCOME_SALES",
        lifetime_budget=D(30_000_000),
        start_time=dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC),  # Nov 1 00:00 Jakarta
        stop_time=dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC),
    )  # Dec 11 00:00: last day Dec 10
    paused = Campaign(
        account_id=us.id,
        name="US paused",
        currency="USD",
        status="PAUSED",
        effective_status="PAUSED",
        daily_budget=D(80),
        start_time=start,
    )
    session.add_all([cbo, abo, life, paused])
    session.flush()
    session.add_all(
        [
            AdSet(campaign_id=abo.id, name="a", currency="USD", status="ACTIVE", daily_budget=D(30)),
            AdSet(campaign_id=abo.id, name="b", currency="USD", status="ACTIVE", daily_budget=D(20)),
            AdSet(campaign_id=abo.id, name="c", currency="USD", status="PAUSED", daily_budget=D(500)),
        ]
    )
    rows = []
    for day in _days(dt.date(2026, 10, 25), dt.date(2026, 11, 16)):
        # Nov 16 is today in both accounts: a partial day that pacing must leave out.
        rows.append(
            CampaignInsight(
                campaign_id=cbo.id,
                date=day,
                currency="USD",
                spend=D(40) if day.day == 16 and day.month == 11 else D(100),
                conversions=D(4),
                conversion_value=D(300),
            )
        )
        rows.append(CampaignInsight(campaign_id=abo.id, date=day, currency="USD", spend=D(50)))
        if day >= NOV_START:
            rows.append(CampaignInsight(campaign_id=life.id, date=day, currency="IDR", spend=D(1_000_000)))
        if day <= dt.date(2026, 11, 5):
            rows.append(CampaignInsight(campaign_id=paused.id, date=day, currency="USD", spend=D(80)))
    session.add_all(rows)
    plans = {
        "cbo": BudgetPlan(
            scope_type="campaign",
            scope_key=f"campaign:{cbo.id}",
            campaign_id=cbo.id,
            period_start=NOV_START,
            period_end=NOV_END,
            amount=D(3000),
            currency="USD",
        ),
        "life": BudgetPlan(
            scope_type="campaign",
            scope_key=f"campaign:{life.id}",
            campaign_id=life.id,
            period_start=NOV_START,
            period_end=NOV_END,
            amount=D(20_000_000),
            currency="IDR",
        ),
        "paused": BudgetPlan(
            scope_type="campaign",
            scope_key=f"campaign:{paused.id}",
            campaign_id=paused.id,
            period_start=NOV_START,
            period_end=NOV_END,
            amount=D(2400),
            currency="USD",
        ),
    }
    session.add_all(plans.values())
    program = Program(
        name="Creators",
        currency="USD",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        status="active",
    )
    session.add(program)
    session.flush()
    plans["program"] = BudgetPlan(
        scope_type="program",
        scope_key=f"program:{program.id}",
        program_id=program.id,
        period_start=NOV_START,
        period_end=NOV_END,
        amount=D(2000),
        currency="USD",
    )
    session.add(plans["program"])
    people = [Influencer(name=n, email=f"{n.lower()}@example.com") for n in ("Ayu", "Budi", "Citra", "Dewi")]
    session.add_all(people)
    session.flush()
    collabs = [
        # Contracted for the whole of November: 1000 committed on Nov 1 (product_value is product seeding).
        Collaboration(
            program_id=program.id,
            influencer_id=people[0].id,
            stage="contracted",
            fee=D(1000),
            product_value=D(70),
            currency="USD",
            start_date=NOV_START,
            end_date=NOV_END,
        ),
        # Live, flight Oct 17 - Nov 15 (30 days): committed in October; over the flight, half of 600 is November's.
        Collaboration(
            program_id=program.id,
            influencer_id=people[1].id,
            stage="live",
            fee=D(600),
            currency="USD",
            start_date=dt.date(2026, 10, 17),
            end_date=dt.date(2026, 11, 15),
        ),
        Collaboration(
            program_id=program.id,
            influencer_id=people[2].id,
            stage="declined",
            fee=D(999),
            currency="USD",
            start_date=NOV_START,
            end_date=NOV_END,
        ),
        Collaboration(
            program_id=program.id,
            influencer_id=people[3].id,
            stage="negotiating",
            fee=D(777),
            currency="USD",
            start_date=NOV_START,
            end_date=NOV_END,
        ),
    ]
    session.add_all(collabs)
    session.flush()
    session.add_all(
        [
            Payment(
                collaboration_id=collabs[1].id,
                amount=D(500),
                currency="USD",
                status="paid",
                paid_date=dt.date(2026, 11, 10),
            ),
            Payment(collaboration_id=collabs[0].id, amount=D(1000), currency="USD", status="pending"),
            Deliverable(
                collaboration_id=collabs[0].id,
                platform="instagram",
                type="reel",
                due_date=dt.date(2026, 11, 10),
                status="planned",
            ),
            Deliverable(
                collaboration_id=collabs[0].id,
                platform="tiktok",
                type="post",
                due_date=dt.date(2026, 11, 10),
                status="published",
                published_date=dt.date(2026, 11, 10),
            ),
            Deliverable(
                collaboration_id=collabs[1].id,
                platform="instagram",
                type="story",
                due_date=dt.date(2026, 11, 20),
                status="planned",
            ),
            Deliverable(
                collaboration_id=collabs[2].id,
                platform="instagram",
                type="story",
                due_date=dt.date(2026, 11, 1),
                status="planned",
            ),  # declined: not chased
        ]
    )
    session.flush()
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
