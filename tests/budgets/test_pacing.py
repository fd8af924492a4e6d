"""Pacing math: Meta's daily, weekly and lifetime rules, CBO/ABO budgets, schedules, time zones, months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from budgets import pacing
from budgets.pacing import PacingInput
from campaigns.meta_budgets import MetaBudget, effective_budget
from db.calendar import Period, last_running_day, local_date, local_today, week_start

NOV = Period.month(2026, 11)  # 30 days, starts on a Sunday


def scope(**kw) -> PacingInput:
    values = {
        "scope_key": "campaign:1",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "USD",
        "period": NOV,
        "today": dt.date(2026, 11, 16),
        "planned": D(3000),
    }
    values.update(kw)
    return PacingInput(**values)


def test_month_periods_and_boundaries() -> None:
    assert Period.month(2028, 2) == Period(dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert Period.month(2026, 12).end == dt.date(2026, 12, 31)
    assert Period.month_of(dt.date(2026, 12, 31)) == Period.month(2026, 12)
    assert NOV.days == 30
    assert dt.date(2026, 11, 30) in NOV
    assert dt.date(2026, 12, 1) not in NOV
    assert NOV.overlap_days(dt.date(2026, 10, 20), dt.date(2026, 11, 3)) == 3
    assert NOV.overlap_days(dt.date(2026, 12, 1), None) == 0
    with pytest.raises(ValueError, match="before its start"):
        Period(dt.date(2026, 11, 2), dt.date(2026, 11, 1))


def test_week_starts_on_sunday() -> None:
    assert week_start(dt.date(2026, 11, 28)) == dt.date(2026, 11, 22)  # Saturday -> Sunday before
    assert week_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 22)  # Sunday itself
    assert week_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 22)  # Monday


def test_cbo_reads_the_campaign_and_abo_sums_only_active_ad_sets() -> None:
    cbo = effective_budget(D(100), None, [("ACTIVE", D(40), None)])
    assert cbo == MetaBudget("campaign", D(100), None)
    abo = effective_budget(None, None, [("ACTIVE", D(40), None), ("PAUSED", D(500), None), ("active", D(10), None)])
    assert abo == MetaBudget("adset", D(50), None)
    assert abo.kind == "daily"
    lifetime = effective_budget(None, None, [("ACTIVE", None, D(900))])
    assert lifetime.kind == "lifetime"
    assert lifetime.lifetime == D(900)
    assert effective_budget(None, None, [("PAUSED", D(40), None)]).kind is None


def test_account_today_follows_the_account_time_zone_around_midnight() -> None:
    late_utc = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)  # 00:30 on Dec 1 in Jakarta (UTC+7)
    assert local_today("Asia/Jakarta", late_utc) == dt.date(2026, 12, 1)
    assert local_today("America/New_York", late_utc) == dt.date(2026, 11, 30)
    assert local_today("UTC", late_utc) == dt.date(2026, 11, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_today("UTC", dt.datetime(2026, 11, 30, 12, 0))


def test_time_zone_decides_the_month_and_the_days_left() -> None:
    """At 17:30 UTC on Nov 30 a Jakarta account is already in December: November is over for it."""
    late_utc = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)
    budget = MetaBudget("campaign", D(100))
    jakarta = scope(today=local_today("Asia/Jakarta", late_utc), actual=D(2900), budget=budget)
    new_york = scope(today=local_today("America/New_York", late_utc), actual=D(2900), budget=budget)
    assert pacing.pace(jakarta).projected == D(2900)  # no day left
    assert pacing.pace(new_york).projected == D(3000)  # Nov 30 still to run at 100


def test_stop_at_local_midnight_means_the_day_before() -> None:
    stop = dt.datetime(2026, 11, 19, 17, 0, tzinfo=dt.UTC)  # 00:00 Nov 20 in Jakarta
    assert last_running_day(stop, "Asia/Jakarta") == dt.date(2026, 11, 19)
    assert last_running_day(stop, "UTC") == dt.date(2026, 11, 19)
    assert local_date(stop, "Asia/Jakarta") == dt.date(2026, 11, 20)
    assert last_running_day(None, "UTC") is None


def test_daily_budget_on_track_projection_and_expected() -> None:
    # 15 completed days (Nov 1-15) at 100/day, 15 days left: projection 3000 against a 3000 plan.
    p = pacing.pace(scope(actual=D(1500), budget=MetaBudget("campaign", D(100)), recent_spend=D(700), recent_days=7))
    assert p.expected_to_date == D(1500)
    assert p.projected == D(3000)
    assert p.remaining == D(1500)
    assert p.status == pacing.ON_TRACK
    assert p.meta_budget == D(3000)  # 100 x 30 scheduled days


def test_daily_overspend_is_capped_at_175_percent_and_weekly_at_seven_days() -> None:
    # Recently spending 300/day against a 100 daily budget: Meta allows 175 on a day, 700 per week.
    budget = MetaBudget("campaign", D(100))
    today = dt.date(2026, 11, 22)  # a Sunday: a fresh week, 9 days left (Nov 22-30)
    s = scope(today=today, actual=D(2100), budget=budget, recent_spend=D(2100), recent_days=7)
    extra, _ = pacing.project_days(s, pacing.daily_run_rate(s))
    # Week Nov 22-28: 175 x 4 = 700, then nothing more that week; Nov 29-30 (new week): 175 x 2.
    assert extra == D(700) + D(350)
    p = pacing.pace(s)
    assert p.projected == D(2100) + D(1050)
    assert p.status == pacing.ON_TRACK  # 3150 / 3000 = 105% is within the band


def test_weekly_cap_counts_this_weeks_spend_so_far() -> None:
    budget = MetaBudget("campaign", D(100))
    today = dt.date(2026, 11, 25)  # Wednesday; Sun-Tue already spent 500 of this week's 700
    s = scope(today=today, actual=D(2500), budget=budget, recent_spend=D(1050), recent_days=7, week_spend=D(500))
    extra, _ = pacing.project_days(s, pacing.daily_run_rate(s))
    # Wed-Sat may only add 200 (700 - 500); Sun-Mon Nov 29-30 at 150/day.
    assert extra == D(200) + D(300)


def test_lifetime_budget_is_never_exceeded_and_its_early_end_is_flagged() -> None:
    budget = MetaBudget("campaign", None, D(2000))
    s = scope(
        actual=D(1200),
        budget=budget,
        lifetime_spent=D(1500),
        recent_spend=D(700),
        recent_days=7,
        run_start=dt.date(2026, 11, 1),
        run_end=dt.date(2026, 12, 15),
        planned=D(2000),
    )
    p = pacing.pace(s)
    assert p.projected == D(1200) + D(500)  # only 500 of the lifetime budget is left
    assert p.lifetime_exhausted_on == dt.date(2026, 11, 20)  # 100/day from Nov 16: 16..20
    assert "lifetime_ends_early" in p.flags


def test_lifetime_rate_without_history_spreads_what_is_left_over_the_schedule() -> None:
    budget = MetaBudget("campaign", None, D(1500))
    s = scope(budget=budget, lifetime_spent=D(500), run_start=dt.date(2026, 11, 1), run_end=dt.date(2026, 11, 25))
    assert pacing.daily_run_rate(s) == D(100)  # 1000 left over Nov 16-25
    assert pacing.lifetime_exhaustion(s, D(100)) is None


def test_mid_period_start_spreads_the_plan_over_scheduled_days() -> None:
    # Starts Nov 11: 20 scheduled days, 5 completed by Nov 16.
    s = scope(planned=D(2000), actual=D(500), run_start=dt.date(2026, 11, 11), budget=MetaBudget("campaign", D(100)))
    assert pacing.scheduled_days(s) == (20, 5)
    p = pacing.pace(s)
    assert p.expected_to_date == D(500)
    assert p.projected == D(2000)
    assert p.status == pacing.ON_TRACK
    assert p.meta_budget == D(2000)


def test_mid_period_stop_ends_accrual_and_the_ideal_line() -> None:
    s = scope(planned=D(1000), actual=D(900), run_end=dt.date(2026, 11, 20), budget=MetaBudget("campaign", D(100)))
    p = pacing.pace(s)
    assert p.projected == D(900) + D(100) * 5  # Nov 16-20
    assert p.expected_to_date == D(750)  # 15 of 20 scheduled days
    assert p.status == pacing.OVER_PACING  # 1400 / 1000


def test_paused_and_ended_stop_accruing() -> None:
    s = scope(actual=D(900), accruing=False, budget=MetaBudget("campaign", D(100)), recent_spend=D(700), recent_days=7)
    p = pacing.pace(s)
    assert p.projected == D(900)
    assert p.status == pacing.STOPPED_BELOW_PLAN  # short of plan because it stopped, not "too slow"
    assert "stopped" in p.flags


def test_statuses_and_thresholds() -> None:
    budget = MetaBudget("campaign", D(100))
    assert pacing.pace(scope(planned=None, actual=D(10))).status == pacing.NO_PLAN
    assert "spending_without_plan" in pacing.pace(scope(planned=None, actual=D(10))).flags
    assert pacing.pace(scope(actual=D(3000), budget=budget)).status == pacing.EXHAUSTED
    # Projection exactly at 110% is still on track; just above is over-pacing.
    assert pacing.classify(scope(), D(3300)) == (pacing.ON_TRACK, D("1.1"))
    assert pacing.classify(scope(), D(3301))[0] == pacing.OVER_PACING
    assert pacing.classify(scope(), D(2700))[0] == pacing.ON_TRACK
    assert pacing.classify(scope(), D(2699))[0] == pacing.UNDER_PACING
    # A finished period with the plan spent to the cent is not "exhausted early": it ended within plan.
    done = scope(today=dt.date(2026, 12, 3), actual=D(3000))
    assert pacing.pace(done).status == pacing.WITHIN_PLAN


def test_an_ended_period_projects_its_spend_and_gets_a_final_verdict() -> None:
    """November seen on 1 December: nothing more can be spent in it, whatever the run-rate or the committed fees."""
    after = dt.date(2026, 12, 1)
    running = MetaBudget("campaign", D(100))
    fees = scope(scope_type="program", today=after, planned=D(5000), actual=D(1000), committed=D(4800))
    p = pacing.pace(fees)
    assert pacing.has_ended(fees)
    assert p.projected == D(1000)  # the committed Rp4.800 not recognised in November is not folded in
    assert p.status == pacing.UNDER_PLAN
    assert p.pace_ratio == D("0.2")
    over = pacing.pace(scope(today=after, actual=D("3000.01"), budget=running, recent_spend=D(700), recent_days=7))
    assert (over.projected, over.status) == (D("3000.01"), pacing.OVER_PLAN)  # a cent over is over plan
    assert over.remaining == D("-0.01")
    # 90% to 100% of the plan is within plan; below 90% under plan (UNDER_PACE_RATIO, as while running).
    assert pacing.pace(scope(today=after, actual=D(2700))).status == pacing.WITHIN_PLAN
    assert pacing.pace(scope(today=after, actual=D("2699.99"))).status == pacing.UNDER_PLAN
    # 105% is "on track" while running (<= 110%) but over plan once the month is over.
    assert pacing.classify(scope(), D(3150))[0] == pacing.ON_TRACK
    assert pacing.pace(scope(today=after, actual=D(3150))).status == pacing.OVER_PLAN
    assert pacing.pace(scope(today=after, planned=None, actual=D(10))).status == pacing.NO_PLAN
    # The last day of the period is still running (today's spend is not in yet): today's rules.
    last_day = scope(today=dt.date(2026, 11, 30), actual=D(2900), budget=running, recent_spend=D(700), recent_days=7)
    assert not pacing.has_ended(last_day)
    assert pacing.pace(last_day).projected == D(3000)
    assert pacing.pace(last_day).status == pacing.ON_TRACK


def test_an_ended_period_forecasts_no_lifetime_budget_end() -> None:
    """A lifetime budget still running in December is not "ending early" on November's page."""
    budget = MetaBudget("campaign", None, D(10_000))
    base = {"budget": budget, "run_start": dt.date(2026, 11, 1), "run_end": dt.date(2026, 12, 31)}
    busy = {"recent_spend": D(3500), "recent_days": 7, "lifetime_spent": D(8000), "actual": D(2000)}
    running = pacing.pace(scope(today=dt.date(2026, 11, 20), **base, **busy))
    assert running.lifetime_exhausted_on is not None
    ended = pacing.pace(scope(today=dt.date(2026, 12, 2), **base, **busy))
    assert ended.lifetime_exhausted_on is None
    assert pacing.LIFETIME_ENDS_EARLY not in ended.flags


def test_committed_fees_floor_the_projection() -> None:
    p = pacing.pace(scope(scope_type="program", planned=D(5000), actual=D(1000), committed=D(4800)))
    assert p.projected == D(4800)
    assert p.status == pacing.ON_TRACK


def test_future_period_starts_counting_at_its_first_day() -> None:
    december = Period.month(2026, 12)
    s = scope(period=december, planned=D(3100), budget=MetaBudget("campaign", D(100)))
    p = pacing.pace(s)
    assert p.expected_to_date == 0
    assert p.projected == D(3100)


def test_ideal_and_projection_lines() -> None:
    line = pacing.ideal_line(D(3000), NOV)
    assert line[0] == (dt.date(2026, 11, 1), D(100))
    assert line[-1] == (dt.date(2026, 11, 30), D(3000))
    proj = pacing.projection_line(D(1500), dt.date(2026, 11, 16), NOV, D(100))
    assert proj[0] == (dt.date(2026, 11, 15), D(1500))
    assert proj[-1] == (dt.date(2026, 11, 30), D(3000))
