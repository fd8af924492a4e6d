"""Pacing inputs per plan scope, aggregated in SQL: campaigns (spend and Meta budgets), programs (influencer
fees from `influencers.fees`), and channel and account plans rolled up from their members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import Any

import numpy as np
from sqlalchemy import CursorResult, Date, Dialect, Executable, Select, String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from budgets import pacing
from budgets.models import SCOPE_ACCOUNT, SCOPE_CAMPAIGN, SCOPE_CHANNEL, SCOPE_MIX, SCOPE_PROGRAM, BudgetPlan
from budgets.pacing import ZERO, PacingInput
from budgets.pacing_frame import FOREVER, NEVER, ScopeFrame, _overlap, rules_of
from budgets.plans import (
    AD_CHANNELS,
    CHANNEL_INFLUENCER_FEES,
    CHANNEL_PRODUCT_SEEDING,
    CHANNELS,
    ad_channel,
    plan_share,
    plan_shares,
)
from campaigns.meta_budgets import (
    NO_BUDGET,
    MetaBudget,
    active_adset_budget_columns,
    campaign_budget,
    is_accruing,
    spent_lately_window,
    status_known,
)
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import Period, last_running_day, local_date, local_today, week_start
from db.columns import filled, objects, per_distinct
from db.errors import N_, Message
from db.money import Converter
from db.reads import beside
from db.types import Money, UTCDateTime
from influencers import fees
from influencers.models import Program


def _rows(session: Session, stmt: Executable, params: dict[str, Any] | None = None) -> CursorResult[*tuple[Any, ...]]:
    """Run a column select on the Core path: plain rows without the ORM's per-row loading work
    (pending ORM changes are flushed first so the read sees them)."""
    session.flush()
    return session.connection().execute(stmt, params)


def _dec(value: object) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _account_todays(session: Session, now: dt.datetime | None) -> dict[int, tuple[dt.date, str]]:
    rows = _rows(session, select(AdAccount.id, AdAccount.timezone_name, AdAccount.currency)).all()
    return {r.id: (local_today(r.timezone_name, now), r.timezone_name) for r in rows}


class _WindowSums:
    """SUM(spend) per campaign for each named [first, last] date window, in one scan of their joint range, started
    at once beside the session (`db.reads.beside`) and read by `result()`: per window, campaign id -> the sum as
    the database returns it (`Money.stored`: read with `Money.from_stored`; None or absent: no spend in it).

    A window equal to the joint range is a plain SUM, the others `SUM(spend) FILTER (WHERE ...)`;
    windows with the same dates share a column and empty windows (first > last) sum to nothing.
    """

    def __init__(self, session: Session, windows: dict[object, tuple[dt.date, dt.date]]) -> None:
        self.windows = windows
        self.ranges = sorted({bounds for bounds in windows.values() if bounds[0] <= bounds[1]})
        self.rows: Future[list[tuple[Any, ...]]] | None = None
        if self.ranges:
            first, last = min(lo for lo, _hi in self.ranges), max(hi for _lo, hi in self.ranges)
            day, spend = CampaignInsight.date, CampaignInsight.spend
            columns = [Money.stored(_sum_between(spend, day, lo, hi, first, last)) for lo, hi in self.ranges]
            stmt = (
                select(CampaignInsight.campaign_id, *columns)
                .where(day >= first, day <= last)
                .group_by(CampaignInsight.campaign_id)
            )
            self.rows = beside(session, stmt)

    def result(self) -> dict[object, dict[int, Any]]:
        result: dict[object, dict[int, Any]] = {key: {} for key in self.windows}
        if self.rows is None:
            return result
        rows = self.rows.result()
        ids, *sums = zip(*rows, strict=True) if rows else [()] * (len(self.ranges) + 1)
        by_range = {bounds: dict(zip(ids, sums_, strict=True)) for bounds, sums_ in zip(self.ranges, sums, strict=True)}
        for key, bounds in self.windows.items():
            result[key] = by_range.get(bounds, {})
        return result


def _sum_between(spend: Any, day: Any, lo: dt.date, hi: dt.date, first: dt.date, last: dt.date) -> Any:
    """SUM(spend) of the days lo..hi inside a scan of first..last: a plain SUM for the whole scan, else a `FILTER`
    with only the bounds the scan does not already apply (a window ending on the scan's last day tests its start
    alone: one comparison a row less, about 7% of the scan on SQLite)."""
    bounds = [test for test, needed in ((day >= lo, lo > first), (day <= hi, hi < last)) if needed]
    return func.sum(spend).filter(*bounds) if bounds else func.sum(spend)


def _spend_windows(session: Session, period: Period, todays: dict[int, tuple[dt.date, str]]) -> _WindowSums:
    """The scan `_spend_columns` reads, started at once: per distinct account today, the actual (completed period
    days), recent (last RECENT_DAYS), this week's and the latest days' (`spent_lately_window`) windows.

    Accounts in different time zones may be on different days, so "completed" ends at each
    account's yesterday: every distinct account today gets its own windows. One scan over the period's days and
    the last RECENT_DAYS before today (at most a week more than the period), each window a `FILTER` sum (see
    `_WindowSums`): cheaper than a second scan of the last week on SQLite and PostgreSQL (bench/pages_bench.py).
    """
    windows: dict[object, tuple[dt.date, dt.date]] = {}
    for today in sorted({today for today, _tz in todays.values()}):
        cutoff = today - dt.timedelta(days=1)
        windows[("actual", today)] = (period.start, min(period.end, cutoff))
        windows[("recent", today)] = (today - dt.timedelta(days=pacing.RECENT_DAYS), cutoff)
        windows[("week", today)] = (week_start(today), cutoff)  # inside the recent window
        windows[("lately", today)] = spent_lately_window(today)  # inside the recent window
    return _WindowSums(session, windows)


def _spend_columns(
    session: Session,
    todays: dict[int, tuple[dt.date, str]],
    campaigns: Sequence[tuple[int, int]],
    lifetime_ids: set[int],
    windows: _WindowSums,
) -> tuple[list[Any], list[Any], list[Any], list[Any], dict[int, Decimal]]:
    """For each `(campaign, account)`, in order: actual (completed period days), recent (last RECENT_DAYS), this
    week's and the latest days' (`spent_lately_window`) spend as stored (None: nothing) from the `windows` scan
    (`_spend_windows`), and all completed spend to date of the `lifetime_ids`."""
    distinct = sorted({today for today, _tz in todays.values()})
    sums = windows.result()
    if not distinct or not campaigns:
        return [None] * len(campaigns), [None] * len(campaigns), [None] * len(campaigns), [None] * len(campaigns), {}
    day_of = {account_id: today for account_id, (today, _tz) in todays.items()}
    names = ("actual", "recent", "week", "lately")
    of_today = {today: [sums[(name, today)] for name in names] for today in distinct}
    per_campaign = [of_today[day_of[account_id]] for _campaign_id, account_id in campaigns]
    actual_col, recent_col, week_col, lately_col = (
        [sums_[k].get(campaign_id) for sums_, (campaign_id, _a) in zip(per_campaign, campaigns, strict=True)]
        for k in range(len(names))
    )
    lifetime: dict[int, Decimal] = {}
    if lifetime_ids:
        # Lifetime budgets need all spend to date, only for those campaigns.
        account_of = dict(campaigns)
        dialect = session.get_bind().dialect
        stmt = select(CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend).where(
            CampaignInsight.campaign_id.in_(sorted(lifetime_ids)), CampaignInsight.date >= distinct[0]
        )
        late: dict[int, Decimal] = defaultdict(Decimal)
        for campaign_id, day, amount in _rows(session, stmt):
            if _as_date(day) >= day_of[account_of[campaign_id]]:
                late[campaign_id] += _dec(amount)  # today or later in the account's zone: not completed
        totals = (
            select(CampaignInsight.campaign_id, Money.stored(func.sum(CampaignInsight.spend)))
            .where(CampaignInsight.campaign_id.in_(sorted(lifetime_ids)))
            .group_by(CampaignInsight.campaign_id)
        )
        found = _rows(session, totals).all()
        spent = Money.from_stored([row[1] for row in found], dialect)
        for (campaign_id, _raw), total in zip(found, spent, strict=True):
            lifetime[campaign_id] = _dec(total) - late.get(campaign_id, ZERO)
    return actual_col, recent_col, week_col, lately_col, lifetime


def _spent_out_days(
    session: Session, budgets: dict[int, Decimal], spent: dict[int, Decimal], today_of: dict[int, dt.date]
) -> dict[int, dt.date]:
    """Per campaign whose completed spend to date (`spent`) reached its lifetime budget (`budgets`), the completed
    day it did: the first day its daily insights (dates in the account's days, before `today_of` it) add up to
    the budget. Read only for those campaigns, which are few (`pacing.ran_out_on`)."""
    ids = sorted(cid for cid, budget in budgets.items() if budget and spent.get(cid, ZERO) >= budget)
    if not ids:
        return {}
    stmt = (
        select(CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend)
        .where(CampaignInsight.campaign_id.in_(ids))
        .order_by(CampaignInsight.campaign_id, CampaignInsight.date)
    )
    total: dict[int, Decimal] = defaultdict(Decimal)
    found: dict[int, dt.date] = {}
    for campaign_id, raw_day, amount in _rows(session, stmt):
        day = _as_date(raw_day)
        if campaign_id in found or day >= today_of[campaign_id]:
            continue
        total[campaign_id] += _dec(amount)
        if total[campaign_id] >= budgets[campaign_id]:
            found[campaign_id] = day
    return found


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _recent_days(today: Any, run_start: Any) -> Any:
    """How many of the last RECENT_DAYS completed days each campaign was scheduled to run (ordinal columns; an
    open start is NEVER)."""
    window_start = today - pacing.RECENT_DAYS
    return np.maximum(today - np.maximum(window_start, run_start), 0)


@cache
def _campaign_plans_statement() -> Select[Any]:
    """The campaign plans of a period (bound `start` and `end`), dates and money as stored (`_campaign_plans`)."""
    return (
        select(
            BudgetPlan.campaign_id,
            BudgetPlan.id,
            type_coerce(BudgetPlan.period_start, String),
            type_coerce(BudgetPlan.period_end, String),
            Money.stored(BudgetPlan.amount),
        )
        .where(
            BudgetPlan.scope_type == SCOPE_CAMPAIGN,
            BudgetPlan.campaign_id.is_not(None),
            BudgetPlan.period_start <= bindparam("end", type_=Date),
            BudgetPlan.period_end >= bindparam("start", type_=Date),
        )
        .order_by(BudgetPlan.scope_key, BudgetPlan.period_start)
    )


def _campaign_plans(session: Session, plans: Sequence[Any] | None, period: Period) -> dict[int, tuple[Decimal, int]]:
    """Per campaign: its plans' share of the period (`plan_share`) and the last plan's id (`plans_for_period`
    order), from `plans`, or when None read here in one light query (campaign plans only, money in bulk, each
    distinct stored date read once: a workspace's plans mostly share their month's dates)."""
    if plans is None:
        found = _rows(session, _campaign_plans_statement(), {"start": period.start, "end": period.end}).all()
        columns: list[Any] = [list(c) for c in zip(*found, strict=True)] if found else [[] for _ in range(5)]
        stored = {raw: _as_date(raw) for raw in {*columns[2], *columns[3]}}  # dates as stored, read once each
        dates = [(stored[a], stored[b]) for a, b in zip(columns[2], columns[3], strict=True)]
        amounts = Money.from_stored(columns[4], session.get_bind().dialect)
        rows: Sequence[Any] = list(zip(columns[0], columns[1], strict=True))
    else:
        picked = [p for p in plans if p.scope_type == SCOPE_CAMPAIGN and p.campaign_id is not None]
        rows = [(p.campaign_id, p.id) for p in picked]
        dates = [(p.period_start, p.period_end) for p in picked]
        amounts = [p.amount for p in picked]
    shares = plan_shares(dates, [_dec(a) for a in amounts], period)
    planned: dict[int, tuple[Decimal, int]] = {}
    for (campaign_id, plan_id), share in zip(rows, shares, strict=True):
        amount = planned[campaign_id][0] if campaign_id in planned else ZERO
        planned[campaign_id] = (amount + share, plan_id)
    return planned


@dataclass(frozen=True)
class CampaignScopes:
    """The campaigns paced in a period (with a plan, spend in the period or a live budget): their pacing inputs as
    columns (`frame`, what `pacing_frame.statuses` and `pace_all` read) and, row for row, what a `PacingInput`
    carries beside them (`inputs()` builds those objects only for the pages that show whole scopes)."""

    period: Period
    ids: list[int]
    account_ids: list[int]
    names: list[str]
    currencies: list[str]
    platforms: list[str | None]
    todays: list[dt.date]
    run_starts: list[dt.date | None]
    run_ends: list[dt.date | None]
    budgets: list[MetaBudget]
    plan_ids: list[int | None]
    frame: ScopeFrame

    def inputs(self, rows: Sequence[int] | None = None) -> list[PacingInput]:
        """One `PacingInput` per row (those of `rows`, in that order, when given), equal to the columns (built
        with `pacing.many`)."""
        f = self.frame
        pick = list(range(len(self.ids))) if rows is None else list(rows)
        n = len(pick)
        columns: list[list[Any]] = [
            self.ids, self.names, self.currencies, self.todays, self.budgets, self.run_starts, self.run_ends,
            self.account_ids, self.platforms, self.plan_ids,
        ]  # fmt: skip
        if rows is not None:
            columns = [[column[i] for i in pick] for column in columns]
        ids, names, currencies, todays, budgets, starts, ends, accounts, platforms, plan_ids = columns
        at = np.array(pick, dtype=np.int64)
        planned = [p if has else None for p, has in zip(f.planned[at].tolist(), f.has_plan[at].tolist(), strict=True)]
        # PacingInput's fields in order: scope_key, scope_type, name, currency, period, today, planned, actual,
        # committed, paid, budget, run_start, run_end, accruing, recent_spend, recent_days, week_spend,
        # lifetime_spent, account_id, platform, campaign_id, program_id, plan_id, status_unknown, lifetime_spent_on.
        return pacing.many(
            PacingInput,
            zip(
                [f"campaign:{cid}" for cid in ids], repeat(SCOPE_CAMPAIGN, n), names, currencies,
                repeat(self.period, n), todays, planned, f.actual[at].tolist(), repeat(ZERO, n), repeat(ZERO, n),
                budgets, starts, ends, f.accruing[at].tolist(), f.recent_spend[at].tolist(),
                f.recent_days[at].tolist(), f.week_spend[at].tolist(), f.lifetime_spent[at].tolist(), accounts,
                platforms, ids, repeat(None, n), plan_ids, f.status_unknown[at].tolist(),
                [None if o == FOREVER else dt.date.fromordinal(o) for o in f.spent_on[at].tolist()],
                strict=True,
            ),
        )  # fmt: skip


@cache
def _campaigns_statement() -> Select[Any]:
    """Every campaign with its active ad sets' budgets (`campaign_scopes`); times and money as stored."""
    adset_daily, adset_lifetime = active_adset_budget_columns()
    times = UTCDateTime()
    return select(
        Campaign.id,
        Campaign.account_id,
        Campaign.name,
        Campaign.currency,
        Campaign.status,
        Campaign.effective_status,
        Campaign.platform,
        times.stored(Campaign.start_time),
        times.stored(Campaign.stop_time),
        Money.stored(Campaign.daily_budget),
        Money.stored(Campaign.lifetime_budget),
        Money.stored(adset_daily),
        Money.stored(adset_lifetime),
    ).order_by(Campaign.id)


@dataclass(frozen=True)
class SpendScan:
    """The accounts' todays and the campaigns' spend-window scan of a period, started (`start_spend_scan`)."""

    period: Period
    todays: dict[int, tuple[dt.date, str]]
    windows: _WindowSums


def start_spend_scan(session: Session, period: Period, now: dt.datetime | None = None) -> SpendScan:
    """Start the scan of the campaigns' spend windows beside the session (`db.reads`), so a caller can read other
    things while it runs, then pass it to `campaign_scopes`."""
    todays = _account_todays(session, now)
    return SpendScan(period, todays, _spend_windows(session, period, todays))


def campaign_scopes(
    session: Session,
    period: Period,
    plans: Sequence[Any] | None = None,
    now: dt.datetime | None = None,
    scan: SpendScan | None = None,
) -> CampaignScopes:
    """Every campaign with a plan, spend in the period or a live budget, as pacing columns straight from the SQL
    rows: one statement for the campaigns with their active ad sets' budgets, two scans for the spend (and two
    more when lifetime budgets need all spend to date); money columns are read in bulk (`Money.from_stored`).
    `plans` are the period's plans (`plans_for_period`) when the caller has them; None reads the campaign plans.
    `scan`: the spend scan started earlier by `start_spend_scan` for the same period and `now`."""
    scan = scan or start_spend_scan(session, period, now)  # the spend scan runs while the rest is read
    todays, windows = scan.todays, scan.windows
    planned = _campaign_plans(session, plans, period)
    rows = _rows(session, _campaigns_statement()).all()
    dialect = session.get_bind().dialect
    columns: list[list[Any]] = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(13)]
    ids, account_ids, names, currencies, statuses, effective, platforms = columns[:7]
    daily, lifetime, adset_daily, adset_lifetime = (Money.from_stored(c, dialect) for c in columns[9:])
    # Column by column, each rule called from its home once per distinct input (campaigns share their zones,
    # statuses, budgets and often their times): local days per campaign in its account's zone, then the
    # schedule, the live test and the frame as int64 columns.
    day_zone = [todays[account_id] for account_id in account_ids]
    zones = [tz for _d, tz in day_zone]
    read = UTCDateTime().from_stored
    run_starts = per_distinct(lambda raw, tz: local_date(read([raw], dialect)[0], tz), columns[7], zones)
    run_ends = per_distinct(lambda raw, tz: last_running_day(read([raw], dialect)[0], tz), columns[8], zones)
    known = {p: pacing.budget_rules(p) is not None for p in set(platforms)}  # Google Ads, LinkedIn: no budget rules
    budgets = [
        campaign_budget(d, lt, (ad, al)) if known[p] else NO_BUDGET
        for d, lt, ad, al, p in zip(daily, lifetime, adset_daily, adset_lifetime, platforms, strict=True)
    ]
    today_of = [d for d, _tz in day_zone]
    lifetime_ids = {cid for cid, budget in zip(ids, budgets, strict=True) if budget.lifetime}
    actual, recent, week, lately, spent = _spend_columns(
        session, todays, list(zip(ids, account_ids, strict=True)), lifetime_ids, windows
    )
    lifetime_of = {cid: budget.lifetime for cid, budget in zip(ids, budgets, strict=True) if budget.lifetime}
    spent_out = _spent_out_days(session, lifetime_of, spent, dict(zip(ids, today_of, strict=True)))
    # A campaign with no status runs while it spends (`is_accruing`): its latest days' spend, read only for those.
    unknown = [not status_known(status) for status in statuses]
    spent_lately = [False] * len(ids)
    if any(unknown):
        latest = Money.from_stored(lately, dialect)
        spent_lately = [u and v is not None and v > 0 for u, v in zip(unknown, latest, strict=True)]
    accruing = np.array(per_distinct(is_accruing, statuses, effective, run_ends, today_of, spent_lately), dtype=bool)
    today = np.array(per_distinct(dt.date.toordinal, today_of), dtype=np.int64)
    r_start = np.array([d.toordinal() if d else NEVER for d in run_starts], dtype=np.int64)
    r_end = np.array([d.toordinal() if d else FOREVER for d in run_ends], dtype=np.int64)
    p_start = np.full(len(ids), period.start.toordinal(), dtype=np.int64)
    p_end = np.full(len(ids), period.end.toordinal(), dtype=np.int64)
    scheduled = (_overlap(p_start, p_end, r_start, r_end) > 0) & (r_end >= today)
    live = accruing & np.array([bool(b.kind) for b in budgets], dtype=bool) & scheduled  # paced on a live budget
    wanted = np.array([cid in planned or bool(a) for cid, a in zip(ids, actual, strict=True)], dtype=bool) | live
    keep = np.flatnonzero(wanted).tolist()
    pick = [ids[i] for i in keep]
    kept_budgets = [budgets[i] for i in keep]
    plan_of = [planned.get(cid) for cid in pick]
    rules_by = {p: rules_of(p) for p in known}
    rules = [rules_by[platforms[i]] for i in keep]
    n = len(keep)
    kept_today, kept_start, kept_end = today[keep], r_start[keep], r_end[keep]
    frame = ScopeFrame(
        today=kept_today,
        p_start=p_start[keep],
        p_end=p_end[keep],
        r_start=kept_start,
        r_end=kept_end,
        has_start=kept_start != NEVER,
        has_end=kept_end != FOREVER,
        accruing=accruing[keep],
        status_unknown=np.array(unknown, dtype=bool)[keep],
        recent_days=_recent_days(kept_today, kept_start),
        has_plan=np.array([p is not None for p in plan_of], dtype=bool),
        planned=objects([ZERO if p is None else p[0] for p in plan_of]),
        actual=_money_column([actual[i] for i in keep], dialect),
        committed=filled(n, ZERO),
        recent_spend=_money_column([recent[i] for i in keep], dialect),
        week_spend=_money_column([week[i] for i in keep], dialect),
        lifetime_spent=objects([spent.get(cid, ZERO) for cid in pick]),
        has_daily=np.array([bool(b.daily) for b in kept_budgets], dtype=bool),
        daily=objects([b.daily or ZERO for b in kept_budgets]),
        has_lifetime=np.array([bool(b.lifetime) for b in kept_budgets], dtype=bool),
        lifetime=objects([b.lifetime or ZERO for b in kept_budgets]),
        overspend=objects([r.daily_overspend for r in rules]),
        week_days=np.array([r.week_days for r in rules], dtype=np.int64),
        spent_on=np.array([spent_out[c].toordinal() if c in spent_out else FOREVER for c in pick], dtype=np.int64),
    )
    return CampaignScopes(
        period=period,
        ids=pick,
        account_ids=[account_ids[i] for i in keep],
        names=[names[i] for i in keep],
        currencies=[currencies[i] for i in keep],
        platforms=[platforms[i] for i in keep],
        todays=[day_zone[i][0] for i in keep],
        run_starts=[run_starts[i] for i in keep],
        run_ends=[run_ends[i] for i in keep],
        budgets=kept_budgets,
        plan_ids=[None if p is None else p[1] for p in plan_of],
        frame=frame,
    )


def _money_column(stored: Sequence[Any], dialect: Dialect) -> Any:
    """Stored spend sums as a Decimal column (nothing stored: zero)."""
    return objects([ZERO if v is None else v for v in Money.from_stored(stored, dialect)])


def campaign_inputs(session: Session, period: Period, plans: list, now: dt.datetime | None = None) -> list[PacingInput]:
    """A pacing input for every campaign with a plan, spend in the period or a live budget (`campaign_scopes`)."""
    return campaign_scopes(session, period, plans, now).inputs()


def _fee_figures(
    session: Session,
    period: Period,
    until: dt.date,
    recognition: str | None,
    converter: Converter | None,
    fee_items: Sequence[fees.FeeAmount] | None = None,
) -> tuple[dict[tuple[int, str], dict[str, Decimal]], dict[int, tuple[str, str]]]:
    """Per (program, channel): committed in the period, recognised and paid up to `until`, in the program's
    currency (amounts in another currency go through `converter` at the period start; without a rate they
    are left out). From `influencers.fees`, the one fee definition the ledger also uses; `fee_items` are its
    `fee_amounts` of the period when the caller has read them already."""
    figures: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: {fees.COMMITTED: Decimal(0), fees.RECOGNISED: Decimal(0), fees.PAID: Decimal(0)}
    )
    programs: dict[int, tuple[str, str]] = {}
    if fee_items is None:
        fee_items = fees.fee_amounts(session, period.start, period.end, recognition=recognition)
    for item in fee_items:
        programs[item.program_id] = (item.program_name, item.program_currency)
        if item.kind != fees.COMMITTED and item.day > until:
            continue  # recognised or paid later than the last completed day
        amount = item.amount
        if item.currency != item.program_currency:
            converted = (
                converter(item.amount, item.currency, item.program_currency, period.start) if converter else None
            )
            if converted is None:
                continue
            amount = converted
        figures[(item.program_id, item.channel)][item.kind] += amount
    return dict(figures), programs


def program_inputs(
    session: Session,
    period: Period,
    plans: list,
    today: dt.date,
    converter: Converter | None = None,
    *,
    recognition: str | None = None,
    fee_items: Sequence[fees.FeeAmount] | None = None,
) -> tuple[list[PacingInput], list[PacingInput]]:
    """Pacing inputs per program with a plan or fees in the period: its influencer fees (shown), and its product
    seeding (rolled up into a `channel:product_seeding` plan only). Actual = fees recognised on completed days.
    `fee_items`: the period's `fees.fee_amounts` when the caller has them (else read here)."""
    planned: dict[int, tuple[Decimal, int]] = {}
    for plan in plans:
        if plan.scope_type == SCOPE_PROGRAM and plan.program_id is not None:
            amount, _pid = planned.get(plan.program_id, (Decimal(0), plan.id))
            planned[plan.program_id] = (amount + plan_share(plan, period), plan.id)
    figures, _names = _fee_figures(session, period, today - dt.timedelta(days=1), recognition, converter, fee_items)
    programs = _rows(
        session,
        select(Program.id, Program.name, Program.currency, Program.start_date, Program.end_date, Program.status),
    ).all()
    inputs, seeding = [], []
    zero = {fees.COMMITTED: Decimal(0), fees.RECOGNISED: Decimal(0), fees.PAID: Decimal(0)}
    for p in programs:
        fee = figures.get((p.id, fees.CHANNEL_FEES), zero)
        plan = planned.get(p.id)
        common = {
            "name": p.name,
            "currency": p.currency,
            "period": period,
            "today": today,
            "run_start": p.start_date,
            "run_end": p.end_date,
            "accruing": p.status not in ("completed", "cancelled"),
            "program_id": p.id,
        }
        if plan is not None or fee[fees.RECOGNISED] or fee[fees.COMMITTED] or fee[fees.PAID]:
            inputs.append(
                PacingInput(
                    scope_key=f"program:{p.id}",
                    scope_type=SCOPE_PROGRAM,
                    planned=plan[0] if plan else None,
                    actual=fee[fees.RECOGNISED],
                    committed=fee[fees.COMMITTED],
                    paid=fee[fees.PAID],
                    plan_id=plan[1] if plan else None,
                    **common,
                )
            )
        product = figures.get((p.id, fees.CHANNEL_SEEDING))
        if product:
            seeding.append(
                PacingInput(
                    scope_key=f"seeding:{p.id}",
                    scope_type=SCOPE_PROGRAM,
                    planned=None,
                    actual=product[fees.RECOGNISED],
                    committed=product[fees.COMMITTED],
                    **common,
                )
            )
    return inputs, seeding


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


def _mix_members(
    keys: Iterable[str],
    campaigns: list[PacingInput],
    programs: list[PacingInput],
    channels: dict[str, list[PacingInput]],
) -> list[PacingInput]:
    """The inputs a mixed plan covers: its campaigns and programs, and every member of its whole channels; an input
    reached twice (a campaign that is also in a member channel) counts once."""
    by_key = {i.scope_key: i for i in (*campaigns, *programs)}
    found: dict[str, PacingInput] = {}
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == SCOPE_CHANNEL:
            for member in channels.get(ident, []):
                found.setdefault(member.scope_key, member)
        elif key in by_key:
            found.setdefault(key, by_key[key])
    return list(found.values())


def account_plan_names(session: Session, plans: Iterable[Any]) -> dict[int, str]:
    """The ad accounts' names of the account plans among `plans` (id -> name), for `rollup_inputs`."""
    ids = sorted({p.account_id for p in plans if p.scope_type == SCOPE_ACCOUNT and p.account_id is not None})
    if not ids:
        return {}
    return dict(_rows(session, select(AdAccount.id, AdAccount.name).where(AdAccount.id.in_(ids))).all())


def rollup_inputs(
    plans: list,
    period: Period,
    today: dt.date,
    campaigns: list[PacingInput] | CampaignScopes,
    programs: list[PacingInput],
    converter: Converter | None = None,
    seeding: Iterable[PacingInput] = (),
    account_names: dict[int, str] | None = None,
) -> tuple[list[PacingInput], list[Message]]:
    """Channel, account and mixed plans: the sum of their campaigns' (or programs') figures, converted into
    the plan's currency through `converter`; amounts with no rate are left out and named in a note. `campaigns`
    may be their columns (`CampaignScopes`): their inputs are then built only when some plan rolls up. An account
    plan is named after its ad account (`account_names`, id -> name; `account_plan_names` reads them)."""
    account_names = account_names or {}
    inputs: list[PacingInput] = []
    notes: list[Message] = []
    if not any(plan.scope_type in (SCOPE_CHANNEL, SCOPE_ACCOUNT, SCOPE_MIX) for plan in plans):
        return inputs, notes  # nothing rolls up (the members are not even grouped)
    if isinstance(campaigns, CampaignScopes):
        campaigns = campaigns.inputs()
    members_of: dict[str, list[PacingInput]] = {channel: [] for channel in AD_CHANNELS.values()}
    for c in campaigns:
        members_of[ad_channel(c.platform)].append(c)
    members_of |= {
        CHANNEL_INFLUENCER_FEES: programs,
        CHANNEL_PRODUCT_SEEDING: list(seeding),
    }
    for plan in plans:
        if plan.scope_type == SCOPE_CHANNEL:
            if plan.channel not in CHANNELS:
                notes.append(
                    Message(N_("Channel {channel} has no source of actual spend yet."), {"channel": plan.channel})
                )
                continue
            members = members_of[plan.channel]
        elif plan.scope_type == SCOPE_ACCOUNT:
            members = [c for c in campaigns if c.account_id == plan.account_id]
        elif plan.scope_type == SCOPE_MIX:
            members = _mix_members(plan.members or (), campaigns, programs, members_of)
        else:
            continue
        day = period.start
        title = plan.name or plan.channel or account_names.get(plan.account_id) or plan.scope_key
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
                Message(
                    N_("{scope}: spend in {currencies} is left out until FX rates to {currency} are available."),
                    {
                        "scope": title if plan.scope_type == SCOPE_ACCOUNT else plan.scope_key,
                        "currencies": ", ".join(sorted(missing | missing2)),
                        "currency": plan.currency,
                    },
                )
            )
        inputs.append(
            PacingInput(
                scope_key=plan.scope_key,
                scope_type=plan.scope_type,
                name=title,
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


@dataclass(frozen=True)
class ScopeName:
    """What a plan scope is, in words: "campaign" "ID | Payday" on account "Kopi ID" (meta)."""

    scope_key: str
    scope_type: str
    name: str  # the campaign's, program's or account's name; a channel's code (pages label it)
    account_name: str | None = None
    platform: str | None = None


def scope_names(session: Session, scope_keys: Iterable[str]) -> dict[str, ScopeName]:
    """Names for scope keys ("campaign:12", "program:3", "account:4", "channel:meta_ads"), in three queries at
    most; a key whose record is gone keeps its key as its name."""
    keys = set(scope_keys)
    ids: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        kind, _sep, ident = key.partition(":")
        if ident.isdigit():
            ids[kind].add(int(ident))
    campaigns = {}
    if ids[SCOPE_CAMPAIGN]:
        campaign_rows = (
            select(Campaign.id, Campaign.name, Campaign.platform, AdAccount.name.label("account_name"))
            .join(AdAccount, AdAccount.id == Campaign.account_id)
            .where(Campaign.id.in_(ids[SCOPE_CAMPAIGN]))
        )
        campaigns = {r.id: r for r in _rows(session, campaign_rows)}
    programs = {}
    if ids[SCOPE_PROGRAM]:
        program_rows = select(Program.id, Program.name).where(Program.id.in_(ids[SCOPE_PROGRAM]))
        programs = {r.id: r for r in _rows(session, program_rows)}
    accounts = {}
    if ids[SCOPE_ACCOUNT]:
        account_rows = select(AdAccount.id, AdAccount.name, AdAccount.platform).where(
            AdAccount.id.in_(ids[SCOPE_ACCOUNT])
        )
        accounts = {r.id: r for r in _rows(session, account_rows)}
    names: dict[str, ScopeName] = {}
    for key in keys:
        kind, _sep, ident = key.partition(":")
        number = int(ident) if ident.isdigit() else None
        if kind == SCOPE_CAMPAIGN and number in campaigns:
            c = campaigns[number]
            names[key] = ScopeName(key, kind, c.name, c.account_name, c.platform)
        elif kind == SCOPE_PROGRAM and number in programs:
            names[key] = ScopeName(key, kind, programs[number].name)
        elif kind == SCOPE_ACCOUNT and number in accounts:
            a = accounts[number]
            names[key] = ScopeName(key, kind, a.name, a.name, a.platform)
        elif kind == SCOPE_CHANNEL and ident:
            names[key] = ScopeName(key, kind, ident)
        else:
            names[key] = ScopeName(key, kind, key)
    return names
