"""Pacing for many scopes in one pass: `budgets.pacing`'s rules as numpy column operations (pure).

`pace_all(scopes)` returns exactly what `[pacing.pace(s) for s in scopes]` returns (the property test in
tests/budgets/test_pacing_frame.py holds it to that, field by field). Dates and day counts are int64 columns
(proleptic ordinals); the control flow (which run-rate, which cap binds, which week segment, which status) is
boolean masks over those columns. Money stays `Decimal` in object columns: each amount is one element and numpy
applies `Decimal`'s own operators element by element in C, in the same order as `pace`, so every rounding of
the 28-digit context happens exactly as in the per-scope definition. (Integer minor units cannot do that: the
run-rate of 100 over 3 days is rounded once, then multiplied by 5 days and rounded again, which gives
166.6666666666666666666666666 where the exact 500/3 gives ...667; int64 also has no room for 28 digits.)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from operator import attrgetter
from typing import Any

import numpy as np

from budgets.pacing import (
    BUDGET_RULES,
    EXHAUSTED,
    FLAGS,
    MIN_PACING_DAYS,
    NO_PLAN,
    ON_TRACK,
    OVER_PACE_RATIO,
    OVER_PACING,
    OVER_PLAN,
    STOPPED_BELOW_PLAN,
    TOO_EARLY,
    UNDER_PACE_RATIO,
    UNDER_PACING,
    UNDER_PLAN,
    WEEK_DAYS,
    WITHIN_PLAN,
    ZERO,
    BudgetRules,
    Pacing,
    PacingInput,
    many,
)
from db.columns import filled, objects

NEVER = -(10**9)  # an open start (ordinals of real dates are 1..3,652,059)
FOREVER = 10**9  # an open end
_DEFAULT_RULES = BUDGET_RULES["meta"]
# Flags by bits (1 stopped, 2 lifetime ends early, 4 lifetime spent, 8 spending without a plan, 16 status unknown),
# in `pace`'s order.
_FLAGS = [tuple(name for bit, name in enumerate(FLAGS) if c & (1 << bit)) for c in range(1 << len(FLAGS))]
_ceil = np.frompyfunc(math.ceil, 1, 1)  # Decimal -> int, as `to_integral_value(ROUND_CEILING)` then int()

Ints = np.ndarray[Any, np.dtype[np.int64]]
Bools = np.ndarray[Any, np.dtype[np.bool_]]
Objs = np.ndarray[Any, np.dtype[np.object_]]


def _ints(values: Sequence[int]) -> Ints:
    return np.array(values, dtype=np.int64)


def _zeros(n: int) -> Objs:
    return filled(n, ZERO)


def _where(mask: Any, a: Objs, b: Objs | Decimal | None) -> Objs:
    """`np.where` for Decimal columns: `a` where `mask`, else `b` (a column or one value)."""
    mask = np.asarray(mask, dtype=bool)
    out = np.empty(len(a), dtype=object)
    out[:] = b
    out[mask] = a[mask]
    return out


def _overlap(p_start: Ints, p_end: Ints, start: Ints, end: Ints) -> Ints:
    """`Period.overlap_days` per row (NEVER / FOREVER for open ends)."""
    first = np.maximum(p_start, start)
    last = np.minimum(p_end, end)
    return np.maximum(last - first + 1, 0)


def _week_start(day: Ints) -> Ints:
    """`db.calendar.week_start` on ordinals: ordinal 1 (1 January of year 1) is a Monday."""
    weekday = (day - 1) % 7  # Monday 0 .. Sunday 6, as `date.weekday()`
    return day - (weekday + 1) % 7


@dataclass(frozen=True)
class ScopeFrame:
    """`PacingInput`s as columns, one row per scope: what the vectorised pacing reads. `of(scopes)` builds it from
    inputs; `budgets.scopes.campaign_scopes` builds the campaigns' straight from SQL rows (no input objects).

    Dates are ordinals (NEVER / FOREVER for an open run start / end); money is Decimal (ZERO where a plan or
    budget is absent: `has_plan`, `has_daily` and `has_lifetime` say which)."""

    today: Ints
    p_start: Ints
    p_end: Ints
    r_start: Ints
    r_end: Ints
    has_start: Bools
    has_end: Bools
    accruing: Bools
    status_unknown: Bools  # a campaign with no status (`PacingInput.status_unknown`)
    recent_days: Ints
    has_plan: Bools
    planned: Objs
    actual: Objs
    committed: Objs
    recent_spend: Objs
    week_spend: Objs
    lifetime_spent: Objs
    has_daily: Bools
    daily: Objs
    has_lifetime: Bools
    lifetime: Objs
    overspend: Objs  # the platform's daily allowance (x a daily budget), `budget_rules`
    week_days: Ints
    spent_on: Ints  # `lifetime_spent_on` as an ordinal, FOREVER where None

    def __len__(self) -> int:
        return len(self.today)

    @classmethod
    def of(cls, scopes: Sequence[PacingInput]) -> ScopeFrame:
        """The columns of `scopes` (in their order)."""
        if not scopes:
            return cls.concat([])
        get = attrgetter(
            "today", "period", "run_start", "run_end", "accruing", "recent_days", "planned", "actual", "committed",
            "recent_spend", "week_spend", "lifetime_spent", "budget", "platform", "status_unknown", "lifetime_spent_on",
        )  # fmt: skip
        (days_, periods, starts, ends, accruing_, recent_days_, planned_, actual_, committed_, recent_, week_, spent_,
         budgets, platforms, unknown_, spent_on_) = zip(*map(get, scopes), strict=True)  # fmt: skip
        rules = [rules_of(p) for p in platforms]
        return cls(
            today=_ints([d.toordinal() for d in days_]),
            p_start=_ints([p.start.toordinal() for p in periods]),
            p_end=_ints([p.end.toordinal() for p in periods]),
            r_start=_ints([d.toordinal() if d else NEVER for d in starts]),
            r_end=_ints([d.toordinal() if d else FOREVER for d in ends]),
            has_start=np.array([d is not None for d in starts], dtype=bool),
            has_end=np.array([d is not None for d in ends], dtype=bool),
            accruing=np.array(accruing_, dtype=bool),
            status_unknown=np.array(unknown_, dtype=bool),
            recent_days=_ints(recent_days_),
            has_plan=np.array([p is not None for p in planned_], dtype=bool),
            planned=objects([ZERO if p is None else p for p in planned_]),
            actual=objects(actual_),
            committed=objects(committed_),
            recent_spend=objects(recent_),
            week_spend=objects(week_),
            lifetime_spent=objects(spent_),
            has_daily=np.array([bool(b.daily) for b in budgets], dtype=bool),
            daily=objects([b.daily or ZERO for b in budgets]),
            has_lifetime=np.array([bool(b.lifetime) for b in budgets], dtype=bool),
            lifetime=objects([b.lifetime or ZERO for b in budgets]),
            overspend=objects([r.daily_overspend for r in rules]),
            week_days=_ints([r.week_days for r in rules]),
            spent_on=_ints([FOREVER if d is None else d.toordinal() for d in spent_on_]),
        )

    @classmethod
    def concat(cls, frames: Sequence[ScopeFrame]) -> ScopeFrame:
        """The rows of `frames`, one after the other."""
        values = {}
        for f in fields(cls):
            parts = [getattr(frame, f.name) for frame in frames]
            empty = np.empty(0, dtype=object if f.type == "Objs" else bool if f.type == "Bools" else np.int64)
            values[f.name] = np.concatenate(parts) if parts else empty
        return cls(**values)


def rules_of(platform: str | None) -> BudgetRules:
    """The daily and weekly caps a projection applies: the platform's `BUDGET_RULES`, Meta's where none is known
    (`pace` does the same: such campaigns carry no budget to cap, see `budgets.scopes`)."""
    return BUDGET_RULES.get(platform or "meta", _DEFAULT_RULES)


@dataclass(frozen=True)
class _Projection:
    """The columns both `statuses` and `pace_all` need: schedule, run-rate, projection, status and ratio."""

    total: Ints  # scheduled days in the period
    completed: Ints
    rate: Objs
    positive: Bools
    by_recent: Bools  # the run-rate is the recent spend's average (an observed rate, not a budget's)
    projected: Objs
    status: Any  # str column
    ratio: Objs


@dataclass(frozen=True)
class Verdicts:
    """`Pacing`'s fields other than `scope` as columns, row for row with the `ScopeFrame` they were paced from
    (`pace_columns`): what the Budgets overview hands the pages without one `Pacing` object per scope."""

    meta_budget: Objs  # Decimal or None
    expected_to_date: Objs  # Decimal or None
    projected: Objs
    remaining: Objs  # Decimal or None
    daily_rate: Objs
    status: Any  # str
    pace_ratio: Objs  # Decimal or None
    exhausted_on: Ints  # ordinal of `lifetime_exhausted_on`, FOREVER where None
    # `flags` by bits: 1 stopped, 2 lifetime ends early, 4 lifetime spent, 8 spending without a plan, 16 status unknown
    flag_code: Ints

    def __len__(self) -> int:
        return len(self.projected)

    def lifetime_exhausted_on(self) -> list[dt.date | None]:
        return [None if o == FOREVER else dt.date.fromordinal(o) for o in self.exhausted_on.tolist()]

    def ends_early(self) -> Bools:
        """Where a lifetime budget ends before the scope's end: projected to run out (LIFETIME_ENDS_EARLY) or
        already run out (LIFETIME_SPENT, whether or not its day is known)."""
        return (self.flag_code & 6) != 0

    def flags(self) -> list[tuple[str, ...]]:
        return [_FLAGS[c] for c in self.flag_code.tolist()]

    def take(self, rows: Any) -> Verdicts:
        """The verdicts of `rows` (indexes), in that order."""
        return Verdicts(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def pacings(self, scopes: Sequence[PacingInput]) -> list[Pacing]:
        """One `Pacing` per row, with `scopes` (the rows' inputs, in order) as their scopes."""
        if len(scopes) != len(self):
            raise ValueError(f"{len(self)} verdicts for {len(scopes)} scopes")
        # Pacing's fields in order: scope, meta_budget, expected_to_date, projected, remaining, daily_rate, status,
        # pace_ratio, lifetime_exhausted_on, flags.
        columns = (self.meta_budget, self.expected_to_date, self.projected, self.remaining, self.daily_rate)
        return many(
            Pacing,
            zip(
                scopes, *(c.tolist() for c in columns), self.status.tolist(), self.pace_ratio.tolist(),
                self.lifetime_exhausted_on(), self.flags(),
                strict=True,
            ),
        )  # fmt: skip

    @classmethod
    def concat(cls, parts: Sequence[Verdicts]) -> Verdicts:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


def pace_all(scopes: Sequence[PacingInput], frame: ScopeFrame | None = None) -> list[Pacing]:
    """`pacing.pace` for every scope at once (the same values, in the same order). `frame` is `ScopeFrame.of(scopes)`
    when the caller has already built it from the same rows (the Budgets overview's campaigns)."""
    n = len(scopes)
    if n == 0:
        return []
    f = ScopeFrame.of(scopes) if frame is None else frame
    if len(f) != n:
        raise ValueError(f"a frame of {len(f)} rows for {n} scopes")
    return pace_columns(f).pacings(scopes)


def pace_columns(f: ScopeFrame) -> Verdicts:
    """`pacing.pace` of every row of a frame, as columns (`Verdicts`): the same values `pace_all` puts in its
    `Pacing` objects, without building them."""
    n = len(f)
    if n == 0:
        return _NO_VERDICTS
    got = _project(f)
    total, completed, rate, positive, by_recent = got.total, got.completed, got.rate, got.positive, got.by_recent
    today, r_start, r_end, has_start, has_end = f.today, f.r_start, f.r_end, f.has_start, f.has_end
    has_daily, daily, has_lifetime, lifetime, lifetime_spent = (
        f.has_daily, f.daily, f.has_lifetime, f.lifetime, f.lifetime_spent,
    )  # fmt: skip
    accruing, has_plan, planned, actual = f.accruing, f.has_plan, f.planned, f.actual

    # Expected to date: the plan spread over the scheduled days (`expected_to_date`).
    unscheduled = total == 0
    exp_total = np.where(unscheduled, f.p_end - f.p_start + 1, total)
    expected = planned * completed.astype(object) / exp_total.astype(object)

    # A lifetime budget already spent (`lifetime_ran_out`): the day it ran out when known (`ran_out_on`); else the
    # day it runs out before its end (`lifetime_exhaustion`), none from too few days.
    exhausted = np.full(n, FOREVER, dtype=np.int64)  # FOREVER: no such day
    ran_out = np.zeros(n, dtype=bool)
    watch = has_lifetime & accruing & has_end & (r_end >= today)
    if watch.any():
        left = lifetime[watch] - lifetime_spent[watch]
        gone = (left <= ZERO).astype(bool)
        ran_out[np.flatnonzero(watch)[gone]] = True
        runs_out = np.full(left.shape, FOREVER, dtype=np.int64)
        spent_on = f.spent_on[watch]
        known = gone & (spent_on < today[watch])  # a completed day (FOREVER: not known)
        runs_out[known] = spent_on[known]
        # A forecast only from an observed run-rate of a scope spending in the period (`spends_now`).
        spending = (actual[watch] > ZERO).astype(bool) & by_recent[watch]
        going = ~gone & positive[watch] & spending
        if going.any():
            begin = np.maximum(today[watch], np.where(has_start[watch], r_start[watch], today[watch]))[going]
            days_left = _ceil(left[going] / rate[watch][going])  # Python ints: may pass int64 for tiny rates
            room = (r_end[watch][going] - begin).astype(object)  # runs out before its end: days_left - 1 < room
            early_end = (days_left - 1 < room).astype(bool)
            out = np.full(begin.shape, FOREVER, dtype=np.int64)
            out[early_end] = begin[early_end] + days_left[early_end].astype(np.int64) - 1
            runs_out[going] = out
        exhausted[watch] = runs_out
    exhausted[~ran_out & (exhausted != FOREVER) & (exhausted > today) & (completed < MIN_PACING_DAYS)] = FOREVER
    ended = today > f.p_end  # an ended period forecasts nothing and reports no run-out (`pace`)
    exhausted[ended] = FOREVER
    ran_out &= ~ended
    ends_early = ~ran_out & (exhausted != FOREVER)
    no_plan_spend = ~has_plan & (actual > ZERO).astype(bool)

    # What the Meta budget implies for the period (`budget_for_period`).
    scheduled = total  # overlap of the period with [run_start, run_end]
    meta = filled(n, None)
    meta[has_daily] = daily[has_daily] * scheduled[has_daily].astype(object)
    life_only = ~has_daily & has_lifetime
    known = life_only & has_start & has_end & (r_end >= r_start)
    if known.any():
        schedule = (r_end[known] - r_start[known] + 1).astype(object)
        meta[known] = lifetime[known] * scheduled[known].astype(object) / schedule
    meta[life_only & ~known] = lifetime[life_only & ~known]

    remaining = filled(n, None)
    remaining[has_plan] = planned[has_plan] - actual[has_plan]
    expected = _where(has_plan, expected, None)

    code = (~accruing).astype(np.int64) + 2 * ends_early + 4 * ran_out + 8 * no_plan_spend + 16 * f.status_unknown
    return Verdicts(meta, expected, got.projected, remaining, rate, got.status, got.ratio, exhausted, code)


_NO_VERDICTS = Verdicts(
    **{f.name: np.empty(0, dtype=object if f.type != "Ints" else np.int64) for f in fields(Verdicts)}
)


def statuses(frame: ScopeFrame) -> list[str]:
    """Each scope's pacing status alone (`Pacing.status`, equal to `pace`'s), without the other fields' work."""
    return _project(frame).status.tolist() if len(frame) else []


def _project(f: ScopeFrame) -> _Projection:
    """Scheduled days, run-rate, projection at period end, status and ratio of every row (`pace`'s order)."""
    n = len(f)
    today, p_start, p_end = f.today, f.p_start, f.p_end
    r_start, r_end, has_start, has_end = f.r_start, f.r_end, f.has_start, f.has_end
    accruing, recent_days, has_plan, planned = f.accruing, f.recent_days, f.has_plan, f.planned
    actual, committed, recent_spend, week_spend = f.actual, f.committed, f.recent_spend, f.week_spend
    has_daily, daily, has_lifetime, lifetime = f.has_daily, f.daily, f.has_lifetime, f.lifetime
    lifetime_spent, overspend, week_days = f.lifetime_spent, f.overspend, f.week_days
    yesterday = today - 1

    # Scheduled and completed days (`scheduled_days`, `completed_days`).
    total = _overlap(p_start, p_end, r_start, r_end)
    done = _overlap(p_start, p_end, r_start, np.minimum(r_end, yesterday))
    period_done = _overlap(p_start, p_end, np.full(n, NEVER), yesterday)
    completed = np.where(total == 0, period_done, done)

    # The daily run-rate (`daily_run_rate`): recent average, else the daily budget, else a lifetime's rest.
    rate = _zeros(n)
    by_recent = (recent_days > 0) & (recent_spend > ZERO).astype(bool)
    rate[by_recent] = recent_spend[by_recent] / recent_days[by_recent].astype(object)
    by_daily = ~by_recent & has_daily
    rate[by_daily] = daily[by_daily]
    by_life = ~by_recent & ~has_daily & has_lifetime & has_end & (r_end >= today)
    if by_life.any():
        left = lifetime[by_life] - lifetime_spent[by_life]
        left = _where(left > ZERO, left, ZERO)  # max(left, 0): equal values either way
        days = r_end[by_life] - np.maximum(today[by_life], np.where(has_start[by_life], r_start[by_life], 0)) + 1
        rate[by_life] = left / np.maximum(days, 1).astype(object)
    positive = (rate > ZERO).astype(bool)

    # Projection (`project_days`): a Sunday-Saturday week segment at a time, capped by the platform's rules.
    extra = _zeros(n)
    first = np.maximum(np.maximum(p_start, today), np.where(has_start, r_start, p_start))
    last = np.minimum(p_end, r_end)
    per_day = rate.copy()
    capped = has_daily & positive
    if capped.any():
        cap = daily[capped] * overspend[capped]
        per_day[capped] = _where(cap < rate[capped], cap, rate[capped])
    todo = np.flatnonzero(accruing & positive & (first <= last))  # the scopes that project any spend
    if todo.size:
        day, end, step = first[todo], last[todo], per_day[todo]
        this_week, week_spent = _week_start(today[todo]), week_spend[todo]
        weekly, limited = has_daily[todo], has_lifetime[todo]
        week_cap = daily[todo] * week_days[todo].astype(object)  # used where weekly only
        life_left = lifetime[todo] - lifetime_spent[todo]  # used where limited only
        added = _zeros(todo.size)
        rows = np.arange(todo.size)
        while rows.size:  # one Sunday-Saturday segment of every scope still projecting per step
            start = day[rows]
            week = _week_start(start)
            segment_end = np.minimum(end[rows], week + WEEK_DAYS - 1)
            spend = step[rows] * (segment_end - start + 1).astype(object)
            w = weekly[rows]
            if w.any():
                already = _where(week[w] == this_week[rows][w], week_spent[rows][w], ZERO)
                room = week_cap[rows][w] - already
                room = _where(room > ZERO, room, ZERO)
                spend[w] = _where(room < spend[w], room, spend[w])
            lim = limited[rows]
            if lim.any():
                left, capped_spend = life_left[rows][lim], spend[lim]
                hits = (capped_spend >= left).astype(bool)
                capped_spend[hits] = _where(left[hits] > ZERO, left[hits], ZERO)
                spend[lim] = capped_spend
                life_left[rows[lim]] = left - capped_spend
            added[rows] = added[rows] + spend
            day[rows] = segment_end + 1
            rows = rows[segment_end + 1 <= end[rows]]
        extra[todo] = added

    # Projected, status and ratio (`pace`, `classify`): an ended period projects its spend, with a final status.
    ended = today > p_end
    projected = actual + extra
    projected = np.where((committed > projected).astype(bool), committed, projected)
    projected = np.where(ended, actual, projected)
    planned_ok = has_plan & (planned > ZERO).astype(bool)
    ratio = filled(n, None)
    ratio[planned_ok] = projected[planned_ok] / planned[planned_ok]
    in_period = today <= p_end
    over = np.zeros(n, dtype=bool)
    under = np.zeros(n, dtype=bool)
    over[planned_ok] = (ratio[planned_ok] > OVER_PACE_RATIO).astype(bool)
    under[planned_ok] = (ratio[planned_ok] < UNDER_PACE_RATIO).astype(bool)
    spent = (actual >= planned).astype(bool) & in_period
    early = in_period & (completed < MIN_PACING_DAYS)
    above = np.zeros(n, dtype=bool)
    above[planned_ok] = (projected[planned_ok] > planned[planned_ok]).astype(bool)
    status = np.select(
        [~planned_ok, spent, early, ended & above, ended & under, ended, over, under & accruing, under],
        [
            NO_PLAN,
            EXHAUSTED,
            TOO_EARLY,
            OVER_PLAN,
            UNDER_PLAN,
            WITHIN_PLAN,
            OVER_PACING,
            UNDER_PACING,
            STOPPED_BELOW_PLAN,
        ],
        default=ON_TRACK,
    )
    return _Projection(total, completed, rate, positive, by_recent, projected, status, ratio)
