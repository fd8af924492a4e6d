"""Builders for test data: each makes one record with sensible defaults, takes overrides, flushes, and returns it.

Tests build only what they are about (`account(s, currency="USD")`, `insights(s, campaign, days, spend="100")`);
the migrated and demo databases come from the session templates in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from budgets.models import BudgetChange, BudgetPlan
from campaigns.models import AdAccount, AdSet, Campaign, CampaignInsight
from finance.models import FxRate
from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program

_ids = itertools.count(1)
SYNCED = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def _add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from start to end, both included."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def utc(y: int, m: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


def account(session: Session, **values: Any) -> AdAccount:
    """An ad account (IDR, Asia/Jakarta by default)."""
    values.setdefault("account_id", _next("9"))
    values.setdefault("name", f"Account {values['account_id']}")
    values.setdefault("currency", "IDR")
    values.setdefault("timezone_name", "Asia/Jakarta")
    return _add(session, AdAccount(**values))


def campaign(session: Session, owner: AdAccount, **values: Any) -> Campaign:
    """An ACTIVE sales campaign in the account's currency."""
    values.setdefault("name", _next("Campaign "))
    values.setdefault("status", "ACTIVE")
    values.setdefault("objective", "OUTCOME_SALES")
    values.setdefault("currency", owner.currency)
    for money in ("daily_budget", "lifetime_budget"):
        if values.get(money) is not None:
            values[money] = Decimal(str(values[money]))
    return _add(session, Campaign(account_id=owner.id, **values))


def ad_set(session: Session, parent: Campaign, **values: Any) -> AdSet:
    """An ACTIVE ad set of the campaign, in its currency."""
    values.setdefault("name", _next("Ad set "))
    values.setdefault("status", "ACTIVE")
    values.setdefault("currency", parent.currency)
    for money in ("daily_budget", "lifetime_budget"):
        if values.get(money) is not None:
            values[money] = Decimal(str(values[money]))
    return _add(session, AdSet(campaign_id=parent.id, **values))


def insights(
    session: Session, parent: Campaign, on: Iterable[dt.date], *, spend: object = "0", **values: Any
) -> list[CampaignInsight]:
    """One daily insight row per day, each with the same figures (spend may be a callable of the day)."""
    rows = []
    for day in on:
        amount = spend(day) if callable(spend) else spend
        row = {"currency": parent.currency, "source": "meta_api", "synced_at": SYNCED, **values}
        for key in ("conversions", "conversion_value"):
            if key in row:
                row[key] = Decimal(str(row[key]))
        rows.append(CampaignInsight(campaign_id=parent.id, date=day, spend=Decimal(str(amount)), **row))
    session.add_all(rows)
    session.flush()
    return rows


def fx_rate(
    session: Session, day: dt.date, from_currency: str, to_currency: str, rate: object, **values: Any
) -> FxRate:
    values.setdefault("source", "test")
    return _add(
        session,
        FxRate(date=day, from_currency=from_currency, to_currency=to_currency, rate=Decimal(str(rate)), **values),
    )


def influencer(session: Session, **values: Any) -> Influencer:
    values.setdefault("name", _next("Creator "))
    return _add(session, Influencer(**values))


def program(session: Session, **values: Any) -> Program:
    values.setdefault("name", _next("Program "))
    values.setdefault("currency", "IDR")
    values.setdefault("status", "active")
    return _add(session, Program(**values))


def collaboration(session: Session, of: Program, person: Influencer | None = None, **values: Any) -> Collaboration:
    """A contracted flat-fee collaboration in the program's currency (a new creator unless one is given)."""
    person = person or influencer(session)
    values.setdefault("stage", "contracted")
    values.setdefault("fee_type", "flat")
    values.setdefault("currency", of.currency)
    for money in ("fee", "product_value"):
        if values.get(money) is not None:
            values[money] = Decimal(str(values[money]))
    return _add(session, Collaboration(program_id=of.id, influencer_id=person.id, **values))


def deliverable(session: Session, of: Collaboration, **values: Any) -> Deliverable:
    values.setdefault("platform", "instagram")
    values.setdefault("type", "reel")
    values.setdefault("status", "planned")
    if values.get("fee") is not None:
        values["fee"] = Decimal(str(values["fee"]))
    return _add(session, Deliverable(collaboration_id=of.id, **values))


def payment(session: Session, of: Collaboration, amount: object, **values: Any) -> Payment:
    values.setdefault("currency", of.currency)
    values.setdefault("status", "pending")
    return _add(session, Payment(collaboration_id=of.id, amount=Decimal(str(amount)), **values))


def plan(
    session: Session,
    scope: Campaign | Program | AdAccount | str,
    start: dt.date,
    end: dt.date,
    amount: object,
    **values: Any,
) -> BudgetPlan:
    """A budget plan for a campaign, program, account or `channel:NAME`, in the scope's currency."""
    if isinstance(scope, Campaign):
        keys = {"scope_type": "campaign", "scope_key": f"campaign:{scope.id}", "campaign_id": scope.id}
        values.setdefault("currency", scope.currency)
    elif isinstance(scope, Program):
        keys = {"scope_type": "program", "scope_key": f"program:{scope.id}", "program_id": scope.id}
        values.setdefault("currency", scope.currency)
    elif isinstance(scope, AdAccount):
        keys = {"scope_type": "account", "scope_key": f"account:{scope.id}", "account_id": scope.id}
        values.setdefault("currency", scope.currency)
    else:
        channel = scope.removeprefix("channel:")
        keys = {"scope_type": "channel", "scope_key": f"channel:{channel}", "channel": channel}
    return _add(session, BudgetPlan(period_start=start, period_end=end, amount=Decimal(str(amount)), **keys, **values))


def budget_change(session: Session, of: BudgetPlan, new_amount: object, **values: Any) -> BudgetChange:
    values.setdefault("target", "plan")
    values.setdefault("status", "proposed")
    values.setdefault("reason", "test")
    values.setdefault("proposed_by", "specialist@example.com")
    return _add(
        session,
        BudgetChange(
            budget_plan_id=of.id,
            campaign_id=of.campaign_id,
            old_amount=of.amount,
            new_amount=Decimal(str(new_amount)),
            currency=of.currency,
            **values,
        ),
    )


def contract(session: Session, actor: Any, collaboration_id: int) -> None:
    """Take a collaboration one allowed step at a time up to Contracted, through the service (as a person would)."""
    from influencers.programs import PIPELINE, get_collaboration, move_stage

    target = PIPELINE.index("contracted")
    while PIPELINE.index(get_collaboration(session, collaboration_id).stage) < target:
        stage = get_collaboration(session, collaboration_id).stage
        move_stage(session, actor, collaboration_id, PIPELINE[PIPELINE.index(stage) + 1])
