"""Budget pacing under each platform's budget rules: expected, projected and remaining spend per plan (pure).

No database and no streamlit here: `budgets.scopes` aggregates rows in SQL and hands them over as
`PacingInput`s; which budget a campaign spends against comes from `campaigns.meta_budgets` (Meta's and TikTok's
campaigns and ad sets/ad groups share the shape), how far a day and a week may go past it from `BUDGET_RULES`
(Meta, TikTok); other platforms (Google Ads, LinkedIn from file imports) are paced on the plan and their spend
only. Every date is a calendar day in the ad account's time zone; "completed days" are the days before the
account's today (today's partial spend is not paced).

`pace` is the definition for one scope; pages and exports pace many at once with `budgets.pacing_frame.pace_all`,
the same rules as numpy column operations, held equal to `pace` field by field by a property test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from campaigns.meta_budgets import MetaBudget, budget_for_period
from db.calendar import Period, week_start

ON_TRACK = "on_track"
UNDER_PACING = "under_pacing"
OVER_PACING = "over_pacing"
EXHAUSTED = "exhausted"
NO_PLAN = "no_plan"
TOO_EARLY = "too_early"  # fewer than MIN_PACING_DAYS completed days: no over/under verdict yet
# A stopped scope (paused, archived, ended: not `accruing`) projected below UNDER_PACE_RATIO x plan: it will not spend
# its plan because it is not running, not because it is "too slow" (an archived campaign with a plan this month).
STOPPED_BELOW_PLAN = "stopped_below_plan"
# Final verdicts of a period that has ended (its end before the scope's today): spent against plan, no forecast.
WITHIN_PLAN = "within_plan"  # UNDER_PACE_RATIO x plan <= spent <= plan
UNDER_PLAN = "under_plan"  # spent < UNDER_PACE_RATIO x plan
OVER_PLAN = "over_plan"  # spent > plan
FINAL_STATUSES = (WITHIN_PLAN, UNDER_PLAN, OVER_PLAN)
STATUSES = (ON_TRACK, UNDER_PACING, STOPPED_BELOW_PLAN, OVER_PACING, EXHAUSTED, NO_PLAN, TOO_EARLY, *FINAL_STATUSES)
# Flags of a verdict, in this order (`Pacing.flags`).
STOPPED = "stopped"
LIFETIME_ENDS_EARLY = "lifetime_ends_early"  # a forecast: the lifetime budget runs out before the scope's end
LIFETIME_SPENT = "lifetime_spent"  # a fact: the lifetime budget ran out while the campaign is still scheduled
SPENDING_WITHOUT_PLAN = "spending_without_plan"
STATUS_UNKNOWN = "status_unknown"  # no status from its source: running or not is read from its latest spend
FLAGS = (STOPPED, LIFETIME_ENDS_EARLY, LIFETIME_SPENT, SPENDING_WITHOUT_PLAN, STATUS_UNKNOWN)

# Projected spend at period end against the plan: above 110% is over-pacing, below 90% under-pacing.
OVER_PACE_RATIO = Decimal("1.10")
UNDER_PACE_RATIO = Decimal("0.90")
# Meta may spend up to 75% more than a daily budget on one day...
DAILY_OVERSPEND = Decimal("1.75")
# ...but never more than 7 daily budgets in a Sunday-Saturday week.
WEEK_DAYS = 7


@dataclass(frozen=True)
class BudgetRules:
    """How far a platform's spend may go past a daily budget: per day (x budget) and per Sunday-Saturday week."""

    daily_overspend: Decimal
    week_days: int = WEEK_DAYS


# Meta: up to 1.75x a daily budget on a day, never more than 7x in a week. TikTok: "we won't spend more than 125%
# of your highest daily budget for that day", and no more than 7x per calendar week (Sunday-Saturday); lifetime
# (total) budgets are never exceeded on either (TikTok Ads Manager help: daily and dynamic daily budgets).
BUDGET_RULES = {
    "meta": BudgetRules(DAILY_OVERSPEND),
    "tiktok": BudgetRules(Decimal("1.25")),
}


def budget_rules(platform: str | None) -> BudgetRules | None:
    """The platform's budget rules, None where Pantau knows none (plan-only pacing); rows without one are Meta's."""
    return BUDGET_RULES.get(platform or "meta")


# The run-rate is the average daily spend of the last completed days (up to this many).
RECENT_DAYS = 7
# A projection needs this many completed days of the scope in the period: one day on the 1st says nothing
# ("Over-pacing 209%" from a payday Monday), so before that a scope is "too early" and raises no pacing alert.
MIN_PACING_DAYS = 3

ZERO = Decimal(0)


@dataclass(frozen=True)
class PacingInput:
    """One plan scope's figures for a period, as aggregated in SQL (amounts in `currency`)."""

    scope_key: str
    scope_type: str
    name: str
    currency: str
    period: Period
    today: dt.date  # the account's today
    planned: Decimal | None
    actual: Decimal = ZERO  # spend on completed days of the period
    committed: Decimal = ZERO  # contracted influencer fees (programs, influencer channel)
    paid: Decimal = ZERO  # influencer payments paid on completed days (programs)
    budget: MetaBudget = field(default_factory=lambda: MetaBudget("none"))
    run_start: dt.date | None = None  # first local day it may spend
    run_end: dt.date | None = None  # last local day it may spend
    accruing: bool = True  # False once paused, archived, deleted or ended
    recent_spend: Decimal = ZERO  # spend of the last `recent_days` completed days
    recent_days: int = 0
    week_spend: Decimal = ZERO  # spend of this Sunday-Saturday week's completed days
    lifetime_spent: Decimal = ZERO  # all spend to date (lifetime budgets)
    account_id: int | None = None
    platform: str | None = None  # the ad platform of campaigns (None for programs and rolled-up plans)
    campaign_id: int | None = None
    program_id: int | None = None
    plan_id: int | None = None
    # A campaign with no status (imported from a file without one): `accruing` then follows its latest spend
    # (`campaigns.meta_budgets.is_accruing`) and the verdict carries the STATUS_UNKNOWN flag.
    status_unknown: bool = False
    # The completed day the campaign's spend to date first reached its lifetime budget (from its daily insights,
    # in the account's days; `budgets.scopes`); None when it has not, or when that day cannot be told.
    lifetime_spent_on: dt.date | None = None


@dataclass(frozen=True)
class Pacing:
    """The verdict for one scope: what should have been spent, what will be, and its status."""

    scope: PacingInput
    meta_budget: Decimal | None
    expected_to_date: Decimal | None
    projected: Decimal
    remaining: Decimal | None
    daily_rate: Decimal
    status: str
    pace_ratio: Decimal | None  # projected / planned
    # The day a lifetime budget runs out (a forecast, flag LIFETIME_ENDS_EARLY) or ran out (a fact, flag
    # LIFETIME_SPENT; None there when the day cannot be told): `lifetime_exhaustion`.
    lifetime_exhausted_on: dt.date | None = None
    flags: tuple[str, ...] = ()

    @property
    def planned(self) -> Decimal | None:
        return self.scope.planned

    @property
    def actual(self) -> Decimal:
        return self.scope.actual


T = TypeVar("T", PacingInput, Pacing)
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (PacingInput, Pacing)}


def many(cls: type[T], rows: Iterable[Iterable[Any]]) -> list[T]:
    """`PacingInput`s or `Pacing`s from rows of every field's value in field order, without the generated
    `__init__`: a frozen dataclass sets each field through `object.__setattr__`, about 3x the cost of this for
    the 2,000 scopes of a busy month. The objects are the same: equal, hashable and frozen."""
    names, new = _FIELDS[cls], object.__new__
    out = []
    for row in rows:
        obj = new(cls)
        obj.__dict__.update(zip(names, row, strict=True))
        out.append(obj)
    return out


def scheduled_days(scope: PacingInput) -> tuple[int, int]:
    """(scheduled days in the period, of which completed before today)."""
    period = scope.period
    total = period.overlap_days(scope.run_start, scope.run_end)
    yesterday = scope.today - dt.timedelta(days=1)
    done = period.overlap_days(scope.run_start, min(scope.run_end, yesterday) if scope.run_end else yesterday)
    return total, done


def expected_to_date(scope: PacingInput) -> Decimal | None:
    """The ideal line: the plan spread evenly over the days the scope is scheduled in the period."""
    if scope.planned is None:
        return None
    total, done = scheduled_days(scope)
    if total == 0:
        total, done = scope.period.days, scope.period.overlap_days(None, scope.today - dt.timedelta(days=1))
    return scope.planned * done / total


def daily_run_rate(scope: PacingInput) -> Decimal:
    """The expected daily spend from today on: the recent average, else what the Meta budget implies."""
    if scope.recent_days > 0 and scope.recent_spend > 0:
        return scope.recent_spend / scope.recent_days
    if scope.budget.daily:
        return scope.budget.daily
    if scope.budget.lifetime and scope.run_end and scope.run_end >= scope.today:
        left = scope.budget.lifetime - scope.lifetime_spent
        days = (scope.run_end - max(scope.today, scope.run_start or scope.today)).days + 1
        return max(left, ZERO) / max(days, 1)
    return ZERO


def project_days(scope: PacingInput, rate: Decimal) -> tuple[Decimal, dt.date | None]:
    """Spend from today to the period's end (or the scope's stop) at `rate`, capped by the platform's rules.

    Works a Sunday-Saturday week at a time: each day adds min(rate, 1.75 x daily budget; TikTok 1.25 x), the week
    adds no more than 7 x daily budget less what it already spent, and the total never passes what
    is left of a lifetime budget. Returns (projected extra spend, day a lifetime budget runs out).
    """
    if not scope.accruing or rate <= 0:
        return ZERO, None
    first = max(scope.period.start, scope.today, scope.run_start or scope.period.start)
    last = min(scope.period.end, scope.run_end) if scope.run_end else scope.period.end
    daily = scope.budget.daily
    rules = budget_rules(scope.platform) or BUDGET_RULES["meta"]
    per_day = min(rate, daily * rules.daily_overspend) if daily else rate
    lifetime_left = scope.budget.lifetime - scope.lifetime_spent if scope.budget.lifetime else None
    this_week = week_start(scope.today)
    extra = ZERO
    exhausted_on = None
    day = first
    while day <= last:
        week = week_start(day)
        segment_end = min(last, week + dt.timedelta(days=WEEK_DAYS - 1))
        days = (segment_end - day).days + 1
        spend = per_day * days
        if daily:
            already = scope.week_spend if week == this_week else ZERO
            spend = min(spend, max(daily * rules.week_days - already, ZERO))
        if lifetime_left is not None:
            if spend >= lifetime_left:
                spend = max(lifetime_left, ZERO)
                if exhausted_on is None:
                    needed = int((spend / per_day).to_integral_value(rounding="ROUND_CEILING")) if spend else 0
                    exhausted_on = day + dt.timedelta(days=max(needed - 1, 0))
            lifetime_left -= spend
        extra += spend
        day = segment_end + dt.timedelta(days=1)
    return extra, exhausted_on


def spends_now(scope: PacingInput) -> bool:
    """Whether a run-out forecast may be read from the scope's spend: it accrues, it spent on the period's completed
    days, and its run-rate is observed (spend on the last RECENT_DAYS completed days, which reach before the
    period's start while the period is young), not one a budget implies. A campaign that spent in October and
    nothing in November is not spending now: a rate from its October days forecasts nothing in November."""
    return scope.accruing and scope.actual > 0 and scope.recent_days > 0 and scope.recent_spend > 0


def lifetime_ran_out(scope: PacingInput) -> bool:
    """Whether a lifetime budget is already spent (completed days' spend to date >= the budget) while the
    campaign still accrues before its end: the platform stops delivery then, so it ran out (a fact, no forecast)."""
    budget = scope.budget.lifetime
    if not budget or not scope.accruing or scope.run_end is None or scope.run_end < scope.today:
        return False
    return budget - scope.lifetime_spent <= 0


def ran_out_on(scope: PacingInput) -> dt.date | None:
    """The day a spent lifetime budget ran out: the completed day its spend to date reached the budget
    (`PacingInput.lifetime_spent_on`), None when that day cannot be told (or is not a completed day)."""
    day = scope.lifetime_spent_on
    return day if day is not None and day < scope.today else None


def lifetime_exhaustion(scope: PacingInput, rate: Decimal) -> dt.date | None:
    """For a lifetime budget already spent (`lifetime_ran_out`), the day it ran out (`ran_out_on`, None when not
    known); else the day it is projected to run out before its scheduled end, a forecast at `rate` only for a
    scope that `spends_now` (None: it lasts, or no forecast)."""
    if lifetime_ran_out(scope):
        return ran_out_on(scope)
    budget = scope.budget.lifetime
    if not budget or not scope.accruing or scope.run_end is None or scope.run_end < scope.today:
        return None
    if rate <= 0 or not spends_now(scope):
        return None
    left = budget - scope.lifetime_spent
    first = max(scope.today, scope.run_start or scope.today)
    days_left = int((left / rate).to_integral_value(rounding="ROUND_CEILING"))
    if days_left - 1 >= (scope.run_end - first).days:  # lasts to its end (and no date past year 9999 is made)
        return None
    return first + dt.timedelta(days=days_left - 1)


def completed_days(scope: PacingInput) -> int:
    """Days of the period the scope was scheduled on and that are over (before the account's today)."""
    total, done = scheduled_days(scope)
    if total == 0:  # no schedule inside the period (programs, roll-ups): the period's own completed days
        return scope.period.overlap_days(None, scope.today - dt.timedelta(days=1))
    return done


def has_ended(scope: PacingInput) -> bool:
    """Whether the scope's period is over: its last day is before the scope's today (the account's for campaigns).
    Nothing more can be spent in it, so its projection is its spend and its status a final verdict."""
    return scope.period.end < scope.today


def classify(scope: PacingInput, projected: Decimal) -> tuple[str, Decimal | None]:
    """The status and projected/planned ratio (thresholds: OVER_PACE_RATIO, UNDER_PACE_RATIO). A plan already
    spent is exhausted at once; over- and under-pacing need MIN_PACING_DAYS completed days (else TOO_EARLY).
    An ended period gets a final verdict on its spend (`projected` is then the spend): over plan above the plan,
    under plan below UNDER_PACE_RATIO of it, else within plan. Below UNDER_PACE_RATIO while the period runs is
    under-pacing for a scope that accrues, STOPPED_BELOW_PLAN for one that does not (paused, archived, ended)."""
    if scope.planned is None or scope.planned <= 0:
        return NO_PLAN, None
    ratio = projected / scope.planned
    if has_ended(scope):
        if projected > scope.planned:
            return OVER_PLAN, ratio
        return (UNDER_PLAN if ratio < UNDER_PACE_RATIO else WITHIN_PLAN), ratio
    if scope.actual >= scope.planned and scope.today <= scope.period.end:
        return EXHAUSTED, ratio
    if scope.today <= scope.period.end and completed_days(scope) < MIN_PACING_DAYS:
        return TOO_EARLY, ratio
    if ratio > OVER_PACE_RATIO:
        return OVER_PACING, ratio
    if ratio < UNDER_PACE_RATIO:
        return (UNDER_PACING if scope.accruing else STOPPED_BELOW_PLAN), ratio
    return ON_TRACK, ratio


def pace(scope: PacingInput) -> Pacing:
    """Expected to date, projection at period end, remaining and status for one scope.

    Projection = actual to date + remaining scheduled days x the daily run-rate, capped by Meta's
    rules (1.75x a daily budget per day, 7x per Sunday-Saturday week, never past a lifetime budget),
    and never below the committed influencer fees. Paused and ended scopes stop accruing (a campaign with no
    status: when it has no spend on its latest completed days, `campaigns.meta_budgets.is_accruing`).
    An ended period (`has_ended`) projects what was spent, whatever is committed, with a final status and no
    lifetime-budget forecast. A lifetime budget already spent is reported as run out (LIFETIME_SPENT, on the day
    it ran out when known), never as a forecast.
    """
    rate = daily_run_rate(scope)
    ended = has_ended(scope)
    extra, _ = project_days(scope, rate)
    projected = scope.actual if ended else max(scope.actual + extra, scope.committed)
    status, ratio = classify(scope, projected)
    flags: list[str] = []
    if not scope.accruing:
        flags.append(STOPPED)
    ran_out = not ended and lifetime_ran_out(scope)
    exhausted_on = None if ended else lifetime_exhaustion(scope, rate)
    forecast = not ran_out and exhausted_on is not None and exhausted_on > scope.today
    if forecast and completed_days(scope) < MIN_PACING_DAYS:
        exhausted_on = None  # a projection from fewer than MIN_PACING_DAYS days is no forecast
    if ran_out:
        flags.append(LIFETIME_SPENT)
    elif exhausted_on is not None:
        flags.append(LIFETIME_ENDS_EARLY)
    if scope.planned is None and scope.actual > 0:
        flags.append(SPENDING_WITHOUT_PLAN)
    if scope.status_unknown:
        flags.append(STATUS_UNKNOWN)
    remaining = None if scope.planned is None else scope.planned - scope.actual
    return Pacing(
        scope=scope,
        meta_budget=budget_for_period(scope.budget, scope.period, scope.run_start, scope.run_end),
        expected_to_date=expected_to_date(scope),
        projected=projected,
        remaining=remaining,
        daily_rate=rate,
        status=status,
        pace_ratio=ratio,
        lifetime_exhausted_on=exhausted_on,
        flags=tuple(flags),
    )


def ideal_line(planned: Decimal, period: Period) -> list[tuple[dt.date, Decimal]]:
    """Cumulative ideal spend at the end of each day of the period (the even-pacing line)."""
    return [(period.start + dt.timedelta(days=i), planned * (i + 1) / period.days) for i in range(period.days)]


def projection_line(
    actual_to_date: Decimal, today: dt.date, period: Period, daily: Decimal
) -> list[tuple[dt.date, Decimal]]:
    """Cumulative projected spend from yesterday's actual to the period's end at `daily` per day."""
    start = max(period.start, today)
    points = [(start - dt.timedelta(days=1), actual_to_date)] if start > period.start else []
    total = actual_to_date
    day = start
    while day <= period.end:
        total += daily
        points.append((day, total))
        day += dt.timedelta(days=1)
    return points
