"""Budget plans and their pacing inputs (aggregated in SQL), and budget changes with approval.

Reads: `budget_overview()` turns plans, ad spend, influencer fees and Meta budgets into
`campaigns.pacing` verdicts for a period. Writes: `set_plan()` (manager), `propose_change()`
(specialist), `approve_change()` / `reject_change()` (manager); each keeps a BudgetChange row and an
audit entry. Amounts stay in each scope's own currency; cross-currency totals go through an
optional `Converter` (the finance FX helper plugs in there).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from campaigns import pacing
from campaigns.models import (
    SCOPE_ACCOUNT,
    SCOPE_CAMPAIGN,
    SCOPE_CHANNEL,
    SCOPE_PROGRAM,
    AdAccount,
    AdSet,
    BudgetChange,
    BudgetPlan,
    Campaign,
    CampaignInsight,
)
from campaigns.pacing import MetaBudget, PacingInput, Period
from db import audit
from db.money import quantize
from db.roles import Actor, require
from db.settings import get_setting
from db.types import utcnow
from influencers.models import STAGES, Collaboration, Deliverable, Influencer, Payment, Program

# amount, from currency, to currency, day -> amount in the target currency (None: no rate known).
Converter = Callable[[Decimal, str, str, dt.date], Decimal | None]
# campaign, field ("daily_budget" | "lifetime_budget"), amount in major units -> Meta's answer.
MetaPush = Callable[[Campaign, str, Decimal], str]

CHANNEL_META_ADS = "meta_ads"
CHANNEL_INFLUENCER_FEES = "influencer_fees"
CHANNELS = (CHANNEL_META_ADS, CHANNEL_INFLUENCER_FEES)

# Collaborations whose fee is committed: contracted or any later stage, never declined.
COMMITTED_STAGES = tuple(s for s in STAGES[STAGES.index("contracted") :] if s != "declined")
PAID = "paid"
# Campaign states that stop accruing spend.
STOPPED_STATES = frozenset({"PAUSED", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "ARCHIVED", "DELETED", "DISAPPROVED"})

TARGET_PLAN = "plan"
TARGET_META_DAILY = "meta_daily_budget"
TARGET_META_LIFETIME = "meta_lifetime_budget"
TARGETS = (TARGET_PLAN, TARGET_META_DAILY, TARGET_META_LIFETIME)
PROPOSED, APPROVED, REJECTED = "proposed", "approved", "rejected"


class BudgetError(ValueError):
    """A budget plan or change was refused: the message names the field and the reason."""


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTotals:
    """Planned, spent, committed, projected and remaining in one currency."""

    currency: str
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    remaining: Decimal = Decimal(0)
    unplanned_actual: Decimal = Decimal(0)


@dataclass(frozen=True)
class BudgetOverview:
    """Everything the Budgets page shows for one period."""

    period: Period
    today: dt.date  # the workspace's today (earliest account today)
    pacings: list[pacing.Pacing]
    totals: list[CurrencyTotals]
    daily: list[dict]  # {date, currency, spend}: ad spend plus influencer payments per day
    notes: list[str] = field(default_factory=list)


def _rows(session: Session, stmt):
    """Run a column select on the Core path: plain rows without the ORM's per-row loading work
    (pending ORM changes are flushed first so the read sees them)."""
    session.flush()
    return session.connection().execute(stmt)


def _dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def plans_for_period(session: Session, period: Period) -> list:
    """Plans overlapping the period as light rows with BudgetPlan's column names (a plan over other
    dates counts pro rata, see `plan_share`)."""
    stmt = (
        select(
            BudgetPlan.id,
            BudgetPlan.scope_type,
            BudgetPlan.scope_key,
            BudgetPlan.campaign_id,
            BudgetPlan.program_id,
            BudgetPlan.account_id,
            BudgetPlan.channel,
            BudgetPlan.period_start,
            BudgetPlan.period_end,
            BudgetPlan.amount,
            BudgetPlan.currency,
        )
        .where(BudgetPlan.period_start <= period.end, BudgetPlan.period_end >= period.start)
        .order_by(BudgetPlan.scope_key, BudgetPlan.period_start)
    )
    return list(_rows(session, stmt))


def plan_share(plan, period: Period) -> Decimal:
    """The part of a plan that falls inside the period, pro rata by days."""
    plan_days = (plan.period_end - plan.period_start).days + 1
    inside = period.overlap_days(plan.period_start, plan.period_end)
    if inside == plan_days:
        return plan.amount
    return plan.amount * inside / plan_days


def _account_todays(session: Session, now: dt.datetime | None) -> dict[int, tuple[dt.date, str]]:
    rows = _rows(session, select(AdAccount.id, AdAccount.timezone_name, AdAccount.currency)).all()
    return {r.id: (pacing.account_today(r.timezone_name, now), r.timezone_name) for r in rows}


def _adset_budgets(session: Session, campaign_ids: Iterable[int] | None = None):
    """Per campaign, the sum of its ACTIVE ad sets' daily and lifetime budgets (ABO)."""
    active = func.upper(AdSet.status) == pacing.ACTIVE
    stmt = select(
        AdSet.campaign_id,
        func.sum(case((active, AdSet.daily_budget), else_=None)).label("daily"),
        func.sum(case((active, AdSet.lifetime_budget), else_=None)).label("lifetime"),
    ).group_by(AdSet.campaign_id)
    if campaign_ids is not None:
        stmt = stmt.where(AdSet.campaign_id.in_(list(campaign_ids)))
    return {r.campaign_id: (r.daily, r.lifetime) for r in _rows(session, stmt)}


def campaign_budget(campaign_daily, campaign_lifetime, adset_sums) -> MetaBudget:
    """The Meta budget of a campaign from its own columns and its active ad sets' sums."""
    if campaign_daily or campaign_lifetime:
        return pacing.effective_budget(campaign_daily, campaign_lifetime)
    daily, lifetime = adset_sums or (None, None)
    return pacing.effective_budget(None, None, [(pacing.ACTIVE, daily, lifetime)])


def _window_sums(session: Session, windows: dict[object, tuple[dt.date, dt.date]]) -> dict[object, dict[int, Decimal]]:
    """SUM(spend) per campaign for each named [first, last] date window, in one scan of their joint range.

    A window equal to the joint range is a plain SUM, the others `SUM(spend) FILTER (WHERE ...)`;
    windows with the same dates share a column and empty windows (first > last) sum to nothing.
    """
    result: dict[object, dict[int, Decimal]] = {key: {} for key in windows}
    ranges = sorted({bounds for bounds in windows.values() if bounds[0] <= bounds[1]})
    if not ranges:
        return result
    first, last = min(lo for lo, _hi in ranges), max(hi for _lo, hi in ranges)
    day, spend = CampaignInsight.date, CampaignInsight.spend
    columns = [
        func.sum(spend) if (lo, hi) == (first, last) else func.sum(spend).filter(day >= lo, day <= hi)
        for lo, hi in ranges
    ]
    stmt = (
        select(CampaignInsight.campaign_id, *columns)
        .where(day >= first, day <= last)
        .group_by(CampaignInsight.campaign_id)
    )
    rows = _rows(session, stmt).all()
    by_range = {
        bounds: {row[0]: _dec(row[i]) for row in rows if row[i] is not None} for i, bounds in enumerate(ranges, 1)
    }
    for key, bounds in windows.items():
        result[key] = by_range.get(bounds, {})
    return result


def _spend_aggregates(
    session: Session, period: Period, todays: dict[int, tuple[dt.date, str]], lifetime_ids: set[int]
) -> dict[int, dict]:
    """Per campaign: actual (completed period days), recent (last RECENT_DAYS) and this week's spend.

    Accounts in different time zones may be on different days, so "completed" ends at each
    account's yesterday: every distinct account today gets its own windows. Two scans: the
    period's days for the actuals, the last RECENT_DAYS for the run-rate and week (see `_window_sums`).
    """
    distinct = sorted({today for today, _tz in todays.values()})
    if not distinct:
        return {}
    actual = {today: (period.start, min(period.end, today - dt.timedelta(days=1))) for today in distinct}
    recent: dict[object, tuple[dt.date, dt.date]] = {}
    for today in distinct:
        cutoff = today - dt.timedelta(days=1)
        recent[("recent", today)] = (today - dt.timedelta(days=pacing.RECENT_DAYS), cutoff)
        recent[("week", today)] = (pacing.week_start(today), cutoff)  # inside the recent window
    sums = {**{("actual", t): v for t, v in _window_sums(session, actual).items()}, **_window_sums(session, recent)}
    account_of = dict(_rows(session, select(Campaign.id, Campaign.account_id)).all())
    result: dict[int, dict] = {}
    zero = Decimal(0)
    for campaign_id, account_id in account_of.items():
        today = todays[account_id][0]
        result[campaign_id] = {
            "actual": sums[("actual", today)].get(campaign_id, zero),
            "recent": sums[("recent", today)].get(campaign_id, zero),
            "week": sums[("week", today)].get(campaign_id, zero),
        }
    if lifetime_ids:
        # Lifetime budgets need all spend to date, only for those campaigns.
        stmt = select(CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend).where(
            CampaignInsight.campaign_id.in_(sorted(lifetime_ids)), CampaignInsight.date >= distinct[0]
        )
        late: dict[int, Decimal] = defaultdict(Decimal)
        for campaign_id, day, amount in _rows(session, stmt):
            if _as_date(day) >= todays[account_of[campaign_id]][0]:
                late[campaign_id] += _dec(amount)  # today or later in the account's zone: not completed
        totals = (
            select(CampaignInsight.campaign_id, func.sum(CampaignInsight.spend))
            .where(CampaignInsight.campaign_id.in_(sorted(lifetime_ids)))
            .group_by(CampaignInsight.campaign_id)
        )
        for campaign_id, spent in _rows(session, totals):
            result[campaign_id]["lifetime"] = _dec(spent) - late.get(campaign_id, Decimal(0))
    return result


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _recent_days(today: dt.date, run_start: dt.date | None) -> int:
    """How many of the last RECENT_DAYS completed days the campaign was scheduled to run."""
    window_start = today - dt.timedelta(days=pacing.RECENT_DAYS)
    return max((today - max(window_start, run_start or window_start)).days, 0)


def _accruing(status: str | None, effective: str | None, run_end: dt.date | None, today: dt.date) -> bool:
    if (status or "").upper() != pacing.ACTIVE:
        return False
    if (effective or "").upper() in STOPPED_STATES:
        return False
    return run_end is None or run_end >= today


def campaign_inputs(session: Session, period: Period, plans: list, now: dt.datetime | None = None) -> list[PacingInput]:
    """A pacing input for every campaign with a plan, spend in the period or a live budget."""
    todays = _account_todays(session, now)
    planned: dict[int, tuple[Decimal, int]] = {}
    for plan in plans:
        if plan.scope_type == SCOPE_CAMPAIGN and plan.campaign_id is not None:
            amount, _pid = planned.get(plan.campaign_id, (Decimal(0), plan.id))
            planned[plan.campaign_id] = (amount + plan_share(plan, period), plan.id)
    rows = _rows(
        session,
        select(
            Campaign.id,
            Campaign.account_id,
            Campaign.name,
            Campaign.currency,
            Campaign.status,
            Campaign.effective_status,
            Campaign.daily_budget,
            Campaign.lifetime_budget,
            Campaign.start_time,
            Campaign.stop_time,
        ),
    ).all()
    lifetime_ids = {r.id for r in rows if r.lifetime_budget}
    adsets = _adset_budgets(session)
    for campaign_id, (daily, lifetime) in adsets.items():
        if lifetime and not daily:
            lifetime_ids.add(campaign_id)
    spend = _spend_aggregates(session, period, todays, lifetime_ids)
    inputs: list[PacingInput] = []
    for r in rows:
        today, tz = todays[r.account_id]
        run_start = pacing.local_date(r.start_time, tz)
        run_end = pacing.last_running_day(r.stop_time, tz)
        budget = campaign_budget(r.daily_budget, r.lifetime_budget, adsets.get(r.id))
        accruing = _accruing(r.status, r.effective_status, run_end, today)
        figures = spend.get(r.id, {})
        plan = planned.get(r.id)
        scheduled = period.overlap_days(run_start, run_end) > 0 and (run_end is None or run_end >= today)
        if plan is None and not figures.get("actual") and not (accruing and budget.kind and scheduled):
            continue
        inputs.append(
            PacingInput(
                scope_key=f"campaign:{r.id}",
                scope_type=SCOPE_CAMPAIGN,
                name=r.name,
                currency=r.currency,
                period=period,
                today=today,
                planned=plan[0] if plan else None,
                actual=figures.get("actual", Decimal(0)),
                budget=budget,
                run_start=run_start,
                run_end=run_end,
                accruing=accruing,
                recent_spend=figures.get("recent", Decimal(0)),
                recent_days=_recent_days(today, run_start),
                week_spend=figures.get("week", Decimal(0)),
                lifetime_spent=figures.get("lifetime", Decimal(0)),
                account_id=r.account_id,
                campaign_id=r.id,
                plan_id=plan[1] if plan else None,
            )
        )
    return inputs


def committed_fees(session: Session, period: Period, converter: Converter | None = None) -> dict[int, Decimal]:
    """Per program, contracted influencer fees falling in the period, in the program's currency.

    A collaboration counts from stage "contracted" on (never "declined"); its `fee` (cash, not
    `product_value`) is spread evenly over its flight (start_date..end_date; the contract date when
    no flight is set) and the period's share is committed.
    """
    stmt = (
        select(
            Collaboration.program_id,
            Collaboration.fee,
            Collaboration.currency,
            Collaboration.start_date,
            Collaboration.end_date,
            Collaboration.contract_date,
            Program.currency.label("program_currency"),
        )
        .join(Program, Program.id == Collaboration.program_id)
        .where(Collaboration.stage.in_(COMMITTED_STAGES), Collaboration.fee.is_not(None))
        .where(or_(Collaboration.start_date.is_(None), Collaboration.start_date <= period.end))
        .where(or_(Collaboration.end_date.is_(None), Collaboration.end_date >= period.start))
    )
    committed: dict[int, Decimal] = defaultdict(Decimal)
    for r in _rows(session, stmt):
        start = r.start_date or r.contract_date or period.start
        end = r.end_date or r.start_date or r.contract_date or period.end
        if end < start:
            end = start
        flight = (end - start).days + 1
        share = r.fee * period.overlap_days(start, end) / flight
        if share == 0:
            continue
        if r.currency != r.program_currency:
            converted = converter(share, r.currency, r.program_currency, period.start) if converter else None
            if converted is None:
                continue
            share = converted
        committed[r.program_id] += share
    return dict(committed)


def paid_fees(session: Session, period: Period, until: dt.date) -> dict[tuple[int, str], Decimal]:
    """Per (program, currency), influencer payments paid in the period up to `until` (SQL GROUP BY)."""
    stmt = (
        select(Collaboration.program_id, Payment.currency, func.sum(Payment.amount))
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .where(Payment.status == PAID, Payment.paid_date >= period.start, Payment.paid_date <= min(period.end, until))
        .group_by(Collaboration.program_id, Payment.currency)
    )
    return {(program_id, currency): _dec(total) for program_id, currency, total in _rows(session, stmt)}


def program_inputs(
    session: Session, period: Period, plans: list, today: dt.date, converter: Converter | None = None
) -> list[PacingInput]:
    """A pacing input per program with a plan, committed fees or payments in the period."""
    planned: dict[int, tuple[Decimal, int]] = {}
    for plan in plans:
        if plan.scope_type == SCOPE_PROGRAM and plan.program_id is not None:
            amount, _pid = planned.get(plan.program_id, (Decimal(0), plan.id))
            planned[plan.program_id] = (amount + plan_share(plan, period), plan.id)
    committed = committed_fees(session, period, converter)
    paid = paid_fees(session, period, today - dt.timedelta(days=1))
    programs = _rows(
        session,
        select(Program.id, Program.name, Program.currency, Program.start_date, Program.end_date, Program.status),
    ).all()
    inputs = []
    for p in programs:
        actual = Decimal(0)
        for (program_id, currency), amount in paid.items():
            if program_id != p.id:
                continue
            if currency != p.currency:
                amount = converter(amount, currency, p.currency, period.start) if converter else None
                if amount is None:
                    continue
            actual += amount
        plan = planned.get(p.id)
        if plan is None and not actual and not committed.get(p.id):
            continue
        inputs.append(
            PacingInput(
                scope_key=f"program:{p.id}",
                scope_type=SCOPE_PROGRAM,
                name=p.name,
                currency=p.currency,
                period=period,
                today=today,
                planned=plan[0] if plan else None,
                actual=actual,
                committed=committed.get(p.id, Decimal(0)),
                run_start=p.start_date,
                run_end=p.end_date,
                accruing=p.status not in ("completed", "cancelled"),
                program_id=p.id,
                plan_id=plan[1] if plan else None,
            )
        )
    return inputs


def _convert_sum(
    items: Iterable[tuple[Decimal, str]], currency: str, day: dt.date, converter: Converter | None
) -> tuple[Decimal, set[str]]:
    total, missing = Decimal(0), set()
    for amount, cur in items:
        if cur == currency:
            total += amount
            continue
        converted = converter(amount, cur, currency, day) if converter else None
        if converted is None:
            missing.add(cur)
        else:
            total += converted
    return total, missing


def _daily(scope: PacingInput) -> Decimal:
    return scope.recent_spend / scope.recent_days if scope.recent_days else Decimal(0)


def rollup_inputs(
    plans: list,
    period: Period,
    today: dt.date,
    campaigns: list[PacingInput],
    programs: list[PacingInput],
    converter: Converter | None = None,
) -> tuple[list[PacingInput], list[str]]:
    """Channel and account plans: the sum of their campaigns' (or programs') figures, converted into
    the plan's currency through `converter`; amounts with no rate are left out and named in a note."""
    inputs, notes = [], []
    for plan in plans:
        if plan.scope_type == SCOPE_CHANNEL:
            members = campaigns if plan.channel == CHANNEL_META_ADS else programs
            if plan.channel not in CHANNELS:
                notes.append(f"Channel {plan.channel} has no source of actual spend yet.")
                continue
        elif plan.scope_type == SCOPE_ACCOUNT:
            members = [c for c in campaigns if c.account_id == plan.account_id]
        else:
            continue
        day = period.start
        actual, missing = _convert_sum(((m.actual, m.currency) for m in members), plan.currency, day, converter)
        committed, missing2 = _convert_sum(
            ((m.committed, m.currency) for m in members), plan.currency, period.start, converter
        )
        recent, _ = _convert_sum(
            ((_daily(m), m.currency) for m in members if m.accruing),
            plan.currency,
            period.start,
            converter,
        )
        if missing | missing2:
            notes.append(
                f"{plan.scope_key}: spend in {', '.join(sorted(missing | missing2))} is left out until FX rates "
                f"to {plan.currency} are available."
            )
        inputs.append(
            PacingInput(
                scope_key=plan.scope_key,
                scope_type=plan.scope_type,
                name=plan.channel or plan.scope_key,
                currency=plan.currency,
                period=period,
                today=today,
                planned=plan_share(plan, period),
                actual=actual,
                committed=committed,
                recent_spend=recent,
                recent_days=1 if recent else 0,
                account_id=plan.account_id,
                plan_id=plan.id,
            )
        )
    return inputs, notes


def totals_by_currency(
    pacings: Iterable[pacing.Pacing], converter: Converter | None = None, reporting_currency: str | None = None
) -> list[CurrencyTotals]:
    """Tiles: campaign and program scopes added up per currency (channel and account plans overlap
    them, so they are left out). With a converter and a reporting currency, one row in that currency."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for p in pacings:
        if p.scope.scope_type not in (SCOPE_CAMPAIGN, SCOPE_PROGRAM):
            continue
        cur = p.scope.currency
        values = {
            "planned": p.planned or Decimal(0),
            "actual": p.actual,
            "committed": p.scope.committed,
            "projected": p.projected,
            "unplanned_actual": p.actual if p.planned is None else Decimal(0),
        }
        if converter and reporting_currency and cur != reporting_currency:
            converted = {k: converter(v, cur, reporting_currency, p.scope.period.start) for k, v in values.items()}
            if all(v is not None for v in converted.values()):
                values, cur = converted, reporting_currency
        for key, value in values.items():
            sums[cur][key] += value
    return [
        CurrencyTotals(
            currency=cur,
            planned=quantize(s["planned"], cur),
            actual=quantize(s["actual"], cur),
            committed=quantize(s["committed"], cur),
            projected=quantize(s["projected"], cur),
            remaining=quantize(s["planned"] - s["actual"], cur),
            unplanned_actual=quantize(s["unplanned_actual"], cur),
        )
        for cur, s in sorted(sums.items())
    ]


def daily_spend(session: Session, period: Period, until: dt.date) -> list[dict]:
    """Per day and currency: ad spend plus influencer payments paid, from the period start to `until`."""
    end = min(period.end, until)
    if end < period.start:
        return []
    ads = (
        select(CampaignInsight.date, CampaignInsight.currency, func.sum(CampaignInsight.spend))
        .where(CampaignInsight.date >= period.start, CampaignInsight.date <= end)
        .group_by(CampaignInsight.date, CampaignInsight.currency)
    )
    fees = (
        select(Payment.paid_date, Payment.currency, func.sum(Payment.amount))
        .where(Payment.status == PAID, Payment.paid_date >= period.start, Payment.paid_date <= end)
        .group_by(Payment.paid_date, Payment.currency)
    )
    merged: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for stmt in (ads, fees):
        for day, currency, amount in _rows(session, stmt):
            merged[(_as_date(day), currency)] += _dec(amount)
    return [{"date": d, "currency": c, "spend": v} for (d, c), v in sorted(merged.items())]


def budget_overview(
    session: Session,
    period: Period,
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    converter: Converter | None = None,
    reporting_currency: str | None = None,
) -> BudgetOverview:
    """Pacing for every campaign, program, channel and account plan in the period, with totals."""
    plans = plans_for_period(session, period)
    campaigns = campaign_inputs(session, period, plans, now)
    workspace_today = today or min((c.today for c in campaigns), default=None) or pacing.account_today("UTC", now)
    programs = program_inputs(session, period, plans, workspace_today, converter)
    rollups, notes = rollup_inputs(plans, period, workspace_today, campaigns, programs, converter)
    results = [pacing.pace(i) for i in (*campaigns, *programs, *rollups)]
    results.sort(key=lambda p: (p.scope.scope_type, p.scope.currency, p.scope.name.lower()))
    return BudgetOverview(
        period=period,
        today=workspace_today,
        pacings=results,
        totals=totals_by_currency(results, converter, reporting_currency),
        daily=daily_spend(session, period, workspace_today - dt.timedelta(days=1)),
        notes=notes,
    )


def campaign_statuses(session: Session, period: Period, now: dt.datetime | None = None) -> dict[int, str]:
    """Each campaign's pacing status for the period (campaigns without plan or spend are absent)."""
    plans = [p for p in plans_for_period(session, period) if p.scope_type == SCOPE_CAMPAIGN]
    return {i.campaign_id: pacing.pace(i).status for i in campaign_inputs(session, period, plans, now)}


@dataclass(frozen=True)
class OverdueDeliverable:
    """A deliverable past its due date and not published."""

    deliverable_id: int
    influencer: str
    program: str
    type: str
    platform: str
    due_date: dt.date
    status: str
    days_late: int


def overdue_deliverables(session: Session, today: dt.date) -> list[OverdueDeliverable]:
    """Deliverables due before `today` whose status is not "published" (declined collaborations aside)."""
    stmt = (
        select(
            Deliverable.id,
            Influencer.name,
            Program.name.label("program"),
            Deliverable.type,
            Deliverable.platform,
            Deliverable.due_date,
            Deliverable.status,
        )
        .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Deliverable.due_date < today, Deliverable.status != "published", Collaboration.stage != "declined")
        .order_by(Deliverable.due_date, Deliverable.id)
    )
    return [
        OverdueDeliverable(r.id, r.name, r.program, r.type, r.platform, r.due_date, r.status, (today - r.due_date).days)
        for r in _rows(session, stmt)
    ]


def plan_scopes(session: Session) -> list[tuple[str, str, str, str | None]]:
    """Every scope a plan can be set for: (scope_key, type, name, currency or None for channels)."""
    campaigns = _rows(session, select(Campaign.id, Campaign.name, Campaign.currency).order_by(Campaign.name)).all()
    programs = _rows(session, select(Program.id, Program.name, Program.currency).order_by(Program.name)).all()
    return (
        [(f"campaign:{c.id}", SCOPE_CAMPAIGN, c.name, c.currency) for c in campaigns]
        + [(f"program:{p.id}", SCOPE_PROGRAM, p.name, p.currency) for p in programs]
        + [(f"channel:{name}", SCOPE_CHANNEL, name, None) for name in CHANNELS]
    )


def change_history(
    session: Session, *, campaign_id: int | None = None, plan_ids: Iterable[int] | None = None, limit: int = 200
) -> list[dict]:
    """Budget changes, newest first: who proposed, who decided, old -> new and why."""
    stmt = (
        select(BudgetChange, BudgetPlan.scope_key, BudgetPlan.period_start, BudgetPlan.period_end)
        .outerjoin(BudgetPlan, BudgetPlan.id == BudgetChange.budget_plan_id)
        .order_by(BudgetChange.proposed_at.desc(), BudgetChange.id.desc())
        .limit(limit)
    )
    if campaign_id is not None:
        stmt = stmt.where(or_(BudgetChange.campaign_id == campaign_id, BudgetPlan.campaign_id == campaign_id))
    if plan_ids is not None:
        # The plans' changes, and the Meta budget changes (they belong to no plan).
        stmt = stmt.where(or_(BudgetChange.budget_plan_id.in_(list(plan_ids)), BudgetChange.budget_plan_id.is_(None)))
    rows = []
    for change, scope_key, start, end in session.execute(stmt):
        rows.append(
            {
                "id": change.id,
                "scope_key": scope_key or (f"campaign:{change.campaign_id}" if change.campaign_id else ""),
                "period": f"{start} to {end}" if start else "",
                "target": change.target,
                "currency": change.currency,
                "old_amount": change.old_amount,
                "new_amount": change.new_amount,
                "reason": change.reason,
                "status": change.status,
                "proposed_by": change.proposed_by,
                "proposed_at": change.proposed_at,
                "decided_by": change.decided_by,
                "decided_at": change.decided_at,
                "decision_note": change.decision_note,
                "push_to_meta": change.push_to_meta,
                "meta_push_status": change.meta_push_status,
                "meta_push_result": change.meta_push_result,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


def parse_amount(value: object, currency: str, field_name: str = "amount") -> Decimal:
    """A positive amount at the currency's precision, or BudgetError naming the field."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise BudgetError(f"{field_name}: {value!r} is not a number.") from None
    if not amount.is_finite() or amount <= 0:
        raise BudgetError(f"{field_name}: must be greater than zero (got {value}).")
    rounded = quantize(amount, currency)
    if rounded != amount:
        raise BudgetError(f"{field_name}: {currency} amounts have at most {-rounded.as_tuple().exponent} decimals.")
    return rounded


def _scope(session: Session, scope_key: str) -> dict:
    kind, _, ident = scope_key.partition(":")
    if kind == SCOPE_CAMPAIGN:
        campaign = session.get(Campaign, int(ident)) if ident.isdigit() else None
        if campaign is None:
            raise BudgetError(f"scope: campaign {ident} does not exist.")
        return {"scope_type": kind, "campaign_id": campaign.id, "currency": campaign.currency}
    if kind == SCOPE_PROGRAM:
        program = session.get(Program, int(ident)) if ident.isdigit() else None
        if program is None:
            raise BudgetError(f"scope: program {ident} does not exist.")
        return {"scope_type": kind, "program_id": program.id, "currency": program.currency}
    if kind == SCOPE_ACCOUNT:
        account = session.get(AdAccount, int(ident)) if ident.isdigit() else None
        if account is None:
            raise BudgetError(f"scope: ad account {ident} does not exist.")
        return {"scope_type": kind, "account_id": account.id, "currency": account.currency}
    if kind == SCOPE_CHANNEL and ident:
        return {"scope_type": kind, "channel": ident, "currency": None}
    raise BudgetError(f"scope: {scope_key!r} is not campaign:ID, program:ID, account:ID or channel:NAME.")


def set_plan(
    session: Session,
    actor: Actor,
    scope_key: str,
    period: Period,
    amount: object,
    *,
    reason: str,
    currency: str | None = None,
) -> BudgetPlan:
    """Create or change the plan of a scope for a period (managers). Records a BudgetChange and audit."""
    require(actor, "budget.plan")
    scope = _scope(session, scope_key)
    currency = (scope.pop("currency") or currency or "").upper()
    if len(currency) != 3:
        raise BudgetError("currency: a channel plan needs a three-letter currency code.")
    value = parse_amount(amount, currency)
    if not (reason or "").strip():
        raise BudgetError("reason: say why the plan is set or changed.")
    plan = session.scalar(
        select(BudgetPlan).where(
            BudgetPlan.scope_key == scope_key,
            BudgetPlan.period_start == period.start,
            BudgetPlan.period_end == period.end,
        )
    )
    before = None if plan is None else audit.snapshot(plan)
    if plan is not None and plan.currency != currency:
        raise BudgetError(f"currency: the plan is in {plan.currency}, not {currency}.")
    old = None if plan is None else plan.amount
    if plan is None:
        plan = BudgetPlan(
            scope_key=scope_key,
            period_start=period.start,
            period_end=period.end,
            amount=value,
            currency=currency,
            notes=reason.strip(),
            created_by=actor.email,
            **scope,
        )
        session.add(plan)
    else:
        plan.amount = value
        plan.notes = reason.strip()
    session.flush()
    now = utcnow()
    change = BudgetChange(
        budget_plan_id=plan.id,
        campaign_id=plan.campaign_id,
        target=TARGET_PLAN,
        old_amount=old,
        new_amount=value,
        currency=currency,
        reason=reason.strip(),
        status=APPROVED,
        proposed_by=actor.email,
        proposed_at=now,
        decided_by=actor.email,
        decided_at=now,
        decision_note="Set directly by a plan owner",
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor,
        "create" if before is None else "update",
        "budget_plan",
        plan.id,
        before=before,
        after=audit.snapshot(plan),
        summary=f"Plan {scope_key} {period.start}..{period.end}: {old if old is not None else '-'} -> {value} "
        f"{currency} ({reason.strip()})",
    )
    return plan


def propose_change(
    session: Session,
    actor: Actor,
    *,
    new_amount: object,
    reason: str,
    plan_id: int | None = None,
    campaign_id: int | None = None,
    target: str = TARGET_PLAN,
    push_to_meta: bool = False,
) -> BudgetChange:
    """Propose a new plan amount (or a new Meta daily/lifetime budget for a campaign)."""
    require(actor, "budget.propose")
    if target not in TARGETS:
        raise BudgetError(f"target: {target!r} is not one of {', '.join(TARGETS)}.")
    if not (reason or "").strip():
        raise BudgetError("reason: say why the budget should change.")
    if target == TARGET_PLAN:
        plan = session.get(BudgetPlan, plan_id) if plan_id is not None else None
        if plan is None:
            raise BudgetError(f"plan: budget plan {plan_id} does not exist.")
        currency, old, campaign_id = plan.currency, plan.amount, plan.campaign_id
        push_to_meta = False
    else:
        campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
        if campaign is None:
            raise BudgetError(f"campaign: campaign {campaign_id} does not exist.")
        field_name = "daily_budget" if target == TARGET_META_DAILY else "lifetime_budget"
        if campaign.daily_budget is None and campaign.lifetime_budget is None:
            raise BudgetError("campaign: its budget lives on the ad sets (ABO); change them in Ads Manager.")
        if getattr(campaign, field_name) is None:
            raise BudgetError(f"target: the campaign has no {field_name.replace('_', ' ')} to change.")
        currency, old = campaign.currency, getattr(campaign, field_name)
    amount = parse_amount(new_amount, currency, "new amount")
    if old is not None and amount == old:
        raise BudgetError(f"new amount: it is already {amount} {currency}.")
    change = BudgetChange(
        budget_plan_id=plan_id if target == TARGET_PLAN else None,
        campaign_id=campaign_id,
        target=target,
        old_amount=old,
        new_amount=amount,
        currency=currency,
        reason=reason.strip(),
        status=PROPOSED,
        proposed_by=actor.email,
        proposed_at=utcnow(),
        push_to_meta=bool(push_to_meta),
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor,
        "propose",
        "budget_change",
        change.id,
        after=audit.snapshot(change),
        summary=f"Proposed {target} {old if old is not None else '-'} -> {amount} {currency}: {reason.strip()}",
    )
    return change


def _open_change(session: Session, change_id: int) -> BudgetChange:
    change = session.get(BudgetChange, change_id)
    if change is None:
        raise BudgetError(f"change: budget change {change_id} does not exist.")
    if change.status != PROPOSED:
        raise BudgetError(f"change: budget change {change_id} is already {change.status}.")
    return change


def approve_change(
    session: Session,
    actor: Actor,
    change_id: int,
    *,
    note: str | None = None,
    push: MetaPush | None = None,
) -> BudgetChange:
    """Approve a proposal (managers): a plan change is applied to the plan; a Meta budget change is
    pushed through `push` when the `meta_budget_push` setting is on and the proposal asked for it."""
    require(actor, "budget.approve")
    change = _open_change(session, change_id)
    before = audit.snapshot(change)
    if change.target == TARGET_PLAN:
        plan = session.get(BudgetPlan, change.budget_plan_id)
        if plan is None:
            raise BudgetError(f"plan: the plan of change {change_id} no longer exists.")
        if change.old_amount is not None and plan.amount != change.old_amount:
            raise BudgetError(
                f"plan: it changed from {change.old_amount} to {plan.amount} {plan.currency} since the proposal; "
                "reject this change and propose again."
            )
        plan_before = audit.snapshot(plan)
        plan.amount = change.new_amount
        session.flush()
        audit.record(
            session,
            actor,
            "update",
            "budget_plan",
            plan.id,
            before=plan_before,
            after=audit.snapshot(plan),
            summary=f"Plan {plan.scope_key}: {change.old_amount} -> {change.new_amount} {plan.currency} "
            f"(change {change.id}: {change.reason})",
        )
    change.status = APPROVED
    change.decided_by = actor.email
    change.decided_at = utcnow()
    change.decision_note = (note or "").strip() or None
    if change.target != TARGET_PLAN and change.push_to_meta:
        _push(session, change, push)
    session.flush()
    audit.record(
        session,
        actor,
        "approve",
        "budget_change",
        change.id,
        before=before,
        after=audit.snapshot(change),
        summary=f"Approved {change.target} {change.old_amount} -> {change.new_amount} {change.currency}",
    )
    return change


def _push(session: Session, change: BudgetChange, push: MetaPush | None) -> None:
    if not get_setting(session, "meta_budget_push"):
        change.meta_push_status = "skipped"
        change.meta_push_result = "Pushing budgets to Meta is off (setting meta_budget_push)."
        return
    if push is None:
        change.meta_push_status = "failed"
        change.meta_push_result = "No Meta connection is configured to push the budget."
        return
    campaign = session.get(Campaign, change.campaign_id)
    field_name = "daily_budget" if change.target == TARGET_META_DAILY else "lifetime_budget"
    try:
        result = push(campaign, field_name, change.new_amount)
    except Exception as exc:  # the adapter's error is the result we record; the approval stands
        change.meta_push_status = "failed"
        change.meta_push_result = f"{type(exc).__name__}: {exc}"[:2000]
        return
    change.meta_push_status = "pushed"
    change.meta_push_result = str(result)[:2000]
    setattr(campaign, field_name, change.new_amount)


def reject_change(session: Session, actor: Actor, change_id: int, *, note: str) -> BudgetChange:
    """Reject a proposal (managers), saying why."""
    require(actor, "budget.approve")
    change = _open_change(session, change_id)
    if not (note or "").strip():
        raise BudgetError("note: say why the change is rejected.")
    before = audit.snapshot(change)
    change.status = REJECTED
    change.decided_by = actor.email
    change.decided_at = utcnow()
    change.decision_note = note.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "reject",
        "budget_change",
        change.id,
        before=before,
        after=audit.snapshot(change),
        summary=f"Rejected {change.target} {change.old_amount} -> {change.new_amount} {change.currency}: {note}",
    )
    return change


def open_changes(session: Session) -> list[dict]:
    """Proposals waiting for a decision, oldest first."""
    rows = [r for r in change_history(session, limit=1000) if r["status"] == PROPOSED]
    return list(reversed(rows))
