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
from decimal import Decimal
from typing import Any

import numpy as np

from budgets.pacing import (
    BUDGET_RULES,
    EXHAUSTED,
    MIN_PACING_DAYS,
    NO_PLAN,
    ON_TRACK,
    OVER_PACE_RATIO,
    OVER_PACING,
    TOO_EARLY,
    UNDER_PACE_RATIO,
    UNDER_PACING,
    WEEK_DAYS,
    ZERO,
    Pacing,
    PacingInput,
)

NEVER = -(10**9)  # an open start (ordinals of real dates are 1..3,652,059)
FOREVER = 10**9  # an open end
_DEFAULT_RULES = BUDGET_RULES["meta"]
_ceil = np.frompyfunc(math.ceil, 1, 1)  # Decimal -> int, as `to_integral_value(ROUND_CEILING)` then int()

Ints = np.ndarray[Any, np.dtype[np.int64]]
Bools = np.ndarray[Any, np.dtype[np.bool_]]
Objs = np.ndarray[Any, np.dtype[np.object_]]


def _ints(values: Sequence[int]) -> Ints:
    return np.array(values, dtype=np.int64)


def _objs(values: Sequence[object]) -> Objs:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _zeros(n: int) -> Objs:
    return _objs([ZERO] * n)


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


def pace_all(scopes: Sequence[PacingInput]) -> list[Pacing]:
    """`pacing.pace` for every scope at once (the same values, in the same order)."""
    n = len(scopes)
    if n == 0:
        return []
    today = _ints([s.today.toordinal() for s in scopes])
    p_start = _ints([s.period.start.toordinal() for s in scopes])
    p_end = _ints([s.period.end.toordinal() for s in scopes])
    has_start = np.array([s.run_start is not None for s in scopes], dtype=bool)
    has_end = np.array([s.run_end is not None for s in scopes], dtype=bool)
    r_start = _ints([s.run_start.toordinal() if s.run_start else NEVER for s in scopes])
    r_end = _ints([s.run_end.toordinal() if s.run_end else FOREVER for s in scopes])
    accruing = np.array([s.accruing for s in scopes], dtype=bool)
    recent_days = _ints([s.recent_days for s in scopes])
    has_plan = np.array([s.planned is not None for s in scopes], dtype=bool)
    planned = _objs([ZERO if s.planned is None else s.planned for s in scopes])
    actual = _objs([s.actual for s in scopes])
    committed = _objs([s.committed for s in scopes])
    recent_spend = _objs([s.recent_spend for s in scopes])
    week_spend = _objs([s.week_spend for s in scopes])
    lifetime_spent = _objs([s.lifetime_spent for s in scopes])
    has_daily = np.array([bool(s.budget.daily) for s in scopes], dtype=bool)
    daily = _objs([s.budget.daily or ZERO for s in scopes])
    has_lifetime = np.array([bool(s.budget.lifetime) for s in scopes], dtype=bool)
    lifetime = _objs([s.budget.lifetime or ZERO for s in scopes])
    rules = [BUDGET_RULES.get(s.platform or "meta", _DEFAULT_RULES) for s in scopes]
    overspend = _objs([r.daily_overspend for r in rules])
    week_days = _ints([r.week_days for r in rules])
    yesterday = today - 1

    # Scheduled and completed days (`scheduled_days`, `completed_days`).
    total = _overlap(p_start, p_end, r_start, r_end)
    done = _overlap(p_start, p_end, r_start, np.minimum(r_end, yesterday))
    period_done = _overlap(p_start, p_end, np.full(n, NEVER), yesterday)
    unscheduled = total == 0
    completed = np.where(unscheduled, period_done, done)

    # Expected to date: the plan spread over the scheduled days (`expected_to_date`).
    exp_total = np.where(unscheduled, p_end - p_start + 1, total)
    expected = planned * completed.astype(object) / exp_total.astype(object)

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
        per_day[capped] = np.where((cap < rate[capped]).astype(bool), cap, rate[capped])
    week_cap = daily * week_days.astype(object)
    this_week = _week_start(today)
    life_left = lifetime - lifetime_spent  # used where has_lifetime only
    day = first.copy()
    live = accruing & positive & (day <= last)
    while live.any():
        week = _week_start(day)
        segment_end = np.minimum(last, week + WEEK_DAYS - 1)
        days = (segment_end - day + 1).astype(object)
        spend = _zeros(n)
        spend[live] = per_day[live] * days[live]
        weekly = live & has_daily
        if weekly.any():
            already = _where(week[weekly] == this_week[weekly], week_spend[weekly], ZERO)
            room = week_cap[weekly] - already
            room = _where(room > ZERO, room, ZERO)
            spend[weekly] = np.where((room < spend[weekly]).astype(bool), room, spend[weekly])
        limited = live & has_lifetime
        if limited.any():
            hits = np.zeros(n, dtype=bool)
            hits[limited] = (spend[limited] >= life_left[limited]).astype(bool)
            spend[hits] = _where(life_left[hits] > ZERO, life_left[hits], ZERO)
            life_left[limited] = life_left[limited] - spend[limited]
        extra[live] = extra[live] + spend[live]
        day = np.where(live, segment_end + 1, day)
        live = live & (day <= last)

    # Projected, status and ratio (`pace`, `classify`).
    projected = actual + extra
    projected = np.where((committed > projected).astype(bool), committed, projected)
    planned_ok = has_plan & (planned > ZERO).astype(bool)
    ratio = _objs([None] * n)
    ratio[planned_ok] = projected[planned_ok] / planned[planned_ok]
    in_period = today <= p_end
    over = np.zeros(n, dtype=bool)
    under = np.zeros(n, dtype=bool)
    over[planned_ok] = (ratio[planned_ok] > OVER_PACE_RATIO).astype(bool)
    under[planned_ok] = (ratio[planned_ok] < UNDER_PACE_RATIO).astype(bool)
    spent = (actual >= planned).astype(bool) & in_period
    early = in_period & (completed < MIN_PACING_DAYS)
    status = np.select(
        [~planned_ok, spent, early, over, under],
        [NO_PLAN, EXHAUSTED, TOO_EARLY, OVER_PACING, UNDER_PACING],
        default=ON_TRACK,
    )

    # The day a lifetime budget runs out before its end (`lifetime_exhaustion`), none from too few days.
    exhausted = np.full(n, FOREVER, dtype=np.int64)  # FOREVER: no such day
    watch = has_lifetime & accruing & has_end & (r_end >= today)
    if watch.any():
        left = lifetime[watch] - lifetime_spent[watch]
        gone = (left <= ZERO).astype(bool)
        runs_out = np.full(left.shape, FOREVER, dtype=np.int64)
        runs_out[gone] = today[watch][gone]
        going = ~gone & positive[watch]
        if going.any():
            begin = np.maximum(today[watch], np.where(has_start[watch], r_start[watch], today[watch]))[going]
            days_left = _ceil(left[going] / rate[watch][going])  # Python ints: may pass int64 for tiny rates
            room = (r_end[watch][going] - begin).astype(object)  # runs out before its end: days_left - 1 < room
            early_end = (days_left - 1 < room).astype(bool)
            out = np.full(begin.shape, FOREVER, dtype=np.int64)
            out[early_end] = begin[early_end] + days_left[early_end].astype(np.int64) - 1
            runs_out[going] = out
        exhausted[watch] = runs_out
    exhausted[(exhausted != FOREVER) & (exhausted > today) & (completed < MIN_PACING_DAYS)] = FOREVER
    ends_early = exhausted != FOREVER
    no_plan_spend = ~has_plan & (actual > ZERO).astype(bool)

    # What the Meta budget implies for the period (`budget_for_period`).
    scheduled = total  # overlap of the period with [run_start, run_end]
    meta = _objs([None] * n)
    meta[has_daily] = daily[has_daily] * scheduled[has_daily].astype(object)
    life_only = ~has_daily & has_lifetime
    known = life_only & has_start & has_end & (r_end >= r_start)
    if known.any():
        schedule = (r_end[known] - r_start[known] + 1).astype(object)
        meta[known] = lifetime[known] * scheduled[known].astype(object) / schedule
    meta[life_only & ~known] = lifetime[life_only & ~known]

    remaining = _objs([None] * n)
    remaining[has_plan] = planned[has_plan] - actual[has_plan]
    expected = _where(has_plan, expected, None)

    results = []
    for i, scope in enumerate(scopes):
        flags: list[str] = []
        if not accruing[i]:
            flags.append("stopped")
        if ends_early[i]:
            flags.append("lifetime_ends_early")
        if no_plan_spend[i]:
            flags.append("spending_without_plan")
        results.append(
            Pacing(
                scope=scope,
                meta_budget=meta[i],
                expected_to_date=expected[i],
                projected=projected[i],
                remaining=remaining[i],
                daily_rate=rate[i],
                status=str(status[i]),
                pace_ratio=ratio[i],
                lifetime_exhausted_on=dt.date.fromordinal(int(exhausted[i])) if ends_early[i] else None,
                flags=tuple(flags),
            )
        )
    return results
