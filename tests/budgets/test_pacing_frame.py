"""The vectorised pacing (`budgets.pacing_frame.pace_all`) against the per-scope definition (`budgets.pacing.pace`):
randomised scopes in IDR, USD and JPY, with and without plans and Meta/TikTok budgets, on every platform, from
before the period to after it; every field of every result must be equal, Decimals exactly."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgets import pacing
from budgets.overview import budget_overview
from budgets.pacing import MIN_PACING_DAYS, TOO_EARLY, PacingInput
from budgets.pacing_frame import pace_all
from campaigns.meta_budgets import MetaBudget
from db.calendar import Period

from .conftest import NOV_START, NOW

MINOR = {"IDR": 0, "USD": 2, "JPY": 0}
PLATFORMS = (None, "meta", "tiktok", "google_ads", "linkedin")
# Strategies built once, not inside `scopes` per draw: a strategy made afresh (a new `.map`, `one_of`) is validated
# again on every draw, which cost more than the pacing under test. The values drawn are the same.
PLAN_KINDS = st.sampled_from(("none", "zero", "plan", "plan", "plan"))
RUN_OFFSETS = st.one_of(st.none(), st.integers(-45, 60))  # a run's first or last day, in days from the period's start
# `sampled_from` is not cached by hypothesis either (a new strategy per call, even of a tuple): built once too.
CURRENCY_PICKS = st.sampled_from(tuple(sorted(MINOR)))
PLACES_PICKS = {currency: st.sampled_from((minor, 4)) for currency, minor in MINOR.items()}
TODAY_PICKS = st.sampled_from((0, 1, 2, 3))  # an index into (elapsed, elapsed, -2, the period's days + 1)
BUDGET_KINDS = st.sampled_from(("none", "daily", "lifetime", "both"))
BUDGET_LEVELS = st.sampled_from(("campaign", "adset"))
SCOPE_TYPES = st.sampled_from(("campaign", "program", "account"))
PLATFORM_PICKS = st.sampled_from(PLATFORMS)
SPENT_ON_OFFSETS = st.one_of(st.none(), st.integers(0, 60).map(lambda d: dt.timedelta(days=d)))  # before today


@st.composite
def scopes(draw: st.DrawFn) -> PacingInput:
    """A scope whose amounts are multiples of one daily spend, so every status comes up (not only "no plan")."""
    currency = draw(CURRENCY_PICKS)
    places = draw(PLACES_PICKS[currency])  # the currency's minor units, or the 4 places stored
    base = draw(st.integers(1, 10**7))  # a day's spend in 1 / 10**places

    def money(low: int, high: int, zero: bool = True) -> Decimal:
        """A multiple (in %) of the daily spend, in whole 1 / 10**places; sometimes nothing at all."""
        if zero and draw(st.integers(0, 4)) == 0:
            return Decimal(0)
        return Decimal(base * draw(st.integers(low, high)) // 100).scaleb(-places)

    month = draw(st.integers(1, 12))
    period = Period.month(2026, month)
    if draw(st.booleans()):  # a custom period (a week, a quarter)
        period = Period(period.start, period.start + dt.timedelta(days=draw(st.integers(0, 95))))
    elapsed = draw(st.integers(0, 31))  # days elapsed 0..31, sometimes before or after the period
    today = period.start + dt.timedelta(days=(elapsed, elapsed, -2, period.days + 1)[draw(TODAY_PICKS)])
    days = max(min((today - period.start).days, period.days), 0)
    plan_kind = draw(PLAN_KINDS)
    plan = None if plan_kind == "none" else Decimal(0) if plan_kind == "zero" else money(50, 150, zero=False)
    if plan is not None and plan:
        plan *= period.days
    kind = draw(BUDGET_KINDS)
    daily = money(20, 200, zero=False) if kind in ("daily", "both") else None
    lifetime = money(100, 4000, zero=False) * 10 if kind in ("lifetime", "both") else None
    budget = MetaBudget("none" if kind == "none" else draw(BUDGET_LEVELS), daily, lifetime)
    run_start, run_end = (
        None if days_off is None else period.start + dt.timedelta(days=days_off)
        for days_off in (draw(RUN_OFFSETS), draw(RUN_OFFSETS))
    )
    recent_days = draw(st.integers(0, 7))
    return PacingInput(
        scope_key="campaign:1",
        scope_type=draw(SCOPE_TYPES),
        name="Payday",
        currency=currency,
        period=period,
        today=today,
        planned=plan,
        actual=money(0, 150) * days,
        committed=money(0, 3000),
        paid=money(0, 3000),
        budget=budget,
        run_start=run_start,
        run_end=run_end,
        accruing=draw(st.booleans()),
        recent_spend=money(1, 250 * max(recent_days, 1)),  # rarely a whole multiple: the rate gets rounded
        recent_days=recent_days,
        week_spend=money(0, 700),
        lifetime_spent=money(0, 40000),
        platform=draw(PLATFORM_PICKS),
        status_unknown=draw(st.booleans()),
        # the day spend to date reached the lifetime budget: unknown, a completed day, or (a bad input) today
        lifetime_spent_on=None if (back := draw(SPENT_ON_OFFSETS)) is None else today - back,
    )


def assert_same(got: pacing.Pacing, want: pacing.Pacing) -> None:
    """Field by field: equal values and the same types (a Decimal stays a Decimal, None stays None)."""
    for f in fields(want):
        a, b = getattr(got, f.name), getattr(want, f.name)
        assert type(a) is type(b), (f.name, a, b)
        assert a == b, (f.name, a, b, want.scope)


@settings(max_examples=400, deadline=None)
@given(st.lists(scopes(), min_size=1, max_size=25))
def test_vectorised_pacing_equals_the_per_scope_definition(batch: list[PacingInput]) -> None:
    got = pace_all(batch)
    assert len(got) == len(batch)
    for scope, result in zip(batch, got, strict=True):
        assert result.scope is scope
        assert_same(result, pacing.pace(scope))


@settings(max_examples=200, deadline=None)
@given(st.lists(scopes(), min_size=1, max_size=25), st.integers(1, 40))
def test_ended_periods_agree_and_project_their_spend(batch: list[PacingInput], after: int) -> None:
    """Every scope seen `after` days past its period's end: both paths give the same final verdict, the projection
    is the spend (committed fees or a run-rate add nothing), no forecast of a lifetime budget, no pacing status."""
    ended = [replace(s, today=s.period.end + dt.timedelta(days=after)) for s in batch]
    got = pace_all(ended)
    for scope, result in zip(ended, got, strict=True):
        assert_same(result, pacing.pace(scope))
        assert result.projected == scope.actual
        assert result.lifetime_exhausted_on is None
        if scope.planned:
            assert result.status in pacing.FINAL_STATUSES
            assert (result.status == pacing.OVER_PLAN) == (scope.actual > scope.planned)
        else:
            assert result.status == pacing.NO_PLAN


def test_empty_batch() -> None:
    assert pace_all([]) == []


def test_rules_and_day_one_hold_in_the_vectorised_pass() -> None:
    """Hand-checked figures: TikTok's 1.25x day and Meta's 1.75x day cap the run-rate; day 2 is too early."""
    nov = Period.month(2026, 11)  # starts on a Sunday
    base = {
        "scope_key": "campaign:1",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "IDR",
        "period": nov,
        "planned": Decimal(100_000),
        "budget": MetaBudget("campaign", Decimal(1000)),
        "recent_spend": Decimal(14_000),
        "recent_days": 7,  # 2,000 a day against a 1,000 daily budget
    }
    tiktok = PacingInput(today=dt.date(2026, 11, 16), platform="tiktok", **base)
    meta = PacingInput(today=dt.date(2026, 11, 16), platform="meta", **base)
    early = PacingInput(today=dt.date(2026, 11, 3), platform="meta", **base)
    got = pace_all([tiktok, meta, early])
    assert [g.daily_rate for g in got] == [Decimal(2000)] * 3
    # Nov 16-30: weeks Nov 15-21 (6 days left), Nov 22-28 (7), Nov 29-30 (2); the 7,000 a week cap never binds
    # for TikTok (1,250 x 6 = 7,500 -> 7,000 a week) ...
    assert got[0].projected == Decimal(7000) + Decimal(7000) + Decimal(1250) * 2
    assert got[1].projected == Decimal(7000) + Decimal(7000) + Decimal(1750) * 2
    assert got[2].status == TOO_EARLY
    assert MIN_PACING_DAYS == 3
    for scope, result in zip((tiktok, meta, early), got, strict=True):
        assert_same(result, pacing.pace(scope))


def test_tiny_run_rate_on_a_lifetime_budget_is_no_crash() -> None:
    """1 rupiah over 7 days against a 30,000,000 lifetime budget would run out in the year 50,000: the lifetime
    lasts to its end (no flag), instead of a date past year 9999 raising OverflowError."""
    scope = PacingInput(
        scope_key="campaign:1",
        scope_type="campaign",
        name="Launch",
        currency="IDR",
        period=Period.month(2026, 11),
        today=dt.date(2026, 11, 20),
        planned=Decimal(30_000_000),
        budget=MetaBudget("campaign", None, Decimal(30_000_000)),
        run_start=dt.date(2026, 11, 1),
        run_end=dt.date(2026, 12, 10),
        recent_spend=Decimal(1),
        recent_days=7,
        lifetime_spent=Decimal(19),
    )
    (got,) = pace_all([scope])
    want = pacing.pace(scope)
    assert want.lifetime_exhausted_on is None
    assert "lifetime_ends_early" not in want.flags
    assert_same(got, want)


def test_budget_overview_paces_through_the_vectorised_pass(session, workspace) -> None:
    """The Budgets overview of the shared budget workspace equals pacing each of its scopes one by one."""
    overview = budget_overview(session, Period.month_of(NOV_START), now=NOW)
    assert overview.pacings
    for result in overview.pacings:
        assert_same(result, pacing.pace(result.scope))


def _forecasts(result: pacing.Pacing) -> bool:
    """A run-out day read from a run-rate (not a lifetime budget already run out, a fact)."""
    return result.lifetime_exhausted_on is not None and pacing.LIFETIME_SPENT not in result.flags


@settings(max_examples=300, deadline=None)
@given(st.lists(scopes(), min_size=1, max_size=25))
def test_run_out_forecasts_come_only_from_scopes_spending_now(batch: list[PacingInput]) -> None:
    """Both paths agree, and a lifetime budget's run-out forecast only ever comes from a scope that accrues, spent
    on the period's completed days and has recent spend (`spends_now`); never from a budget's implied rate. A
    budget already run out is never a forecast: its day, when there is one, is a completed day."""
    for scope, result in zip(batch, pace_all(batch), strict=True):
        assert_same(result, pacing.pace(scope))
        if _forecasts(result):
            assert pacing.spends_now(scope), scope
            assert "lifetime_ends_early" in result.flags
            assert result.lifetime_exhausted_on >= scope.today  # type: ignore[operator]
        if pacing.LIFETIME_SPENT in result.flags:
            assert "lifetime_ends_early" not in result.flags
            assert result.lifetime_exhausted_on is None or result.lifetime_exhausted_on < scope.today


@settings(max_examples=200, deadline=None)
@given(st.lists(scopes(), min_size=1, max_size=25), st.integers(0, 60), st.booleans())
def test_a_spent_lifetime_budget_ran_out_on_its_day_on_both_paths(
    batch: list[PacingInput], ago: int, known: bool
) -> None:
    """The report: a lifetime budget used up days ago while the campaign still accrues was told "runs out around
    {today}". Now, on both paths, it ran out on the completed day its spend to date reached the budget
    (`lifetime_spent_on`), or has run out when that day is not known (or is not a completed day): flag
    LIFETIME_SPENT, never the forecast's LIFETIME_ENDS_EARLY and never today."""
    spent = []
    for s in batch:
        lifetime = Decimal(70_000_000).scaleb(-MINOR[s.currency])
        period = Period(s.period.start, s.period.start + dt.timedelta(days=30))
        today = period.start + dt.timedelta(days=MIN_PACING_DAYS + ago % 20)
        spent.append(
            replace(
                s,
                period=period,
                budget=MetaBudget("campaign", s.budget.daily, lifetime),
                today=today,
                run_end=period.end + dt.timedelta(days=10),
                accruing=True,
                lifetime_spent=lifetime + s.actual,  # at or past the budget
                lifetime_spent_on=today - dt.timedelta(days=ago) if known else None,
            )
        )
    for scope, result in zip(spent, pace_all(spent), strict=True):
        assert_same(result, pacing.pace(scope))
        assert pacing.LIFETIME_SPENT in result.flags, scope
        assert pacing.LIFETIME_ENDS_EARLY not in result.flags
        assert result.lifetime_exhausted_on == (scope.lifetime_spent_on if known and ago > 0 else None)
        assert result.lifetime_exhausted_on != scope.today


@settings(max_examples=200, deadline=None)
@given(st.lists(scopes(), min_size=1, max_size=25), st.integers(0, 10))
def test_lifetime_campaign_silent_in_the_period_gets_no_forecast(batch: list[PacingInput], young: int) -> None:
    """The report: a lifetime budget that spent fast before the period (its last 7 days still hold that spend)
    and nothing on the period's completed days forecasts no run-out, on either path; the same scope spending
    in the period does, and both paths agree on the day."""
    silent, busy = [], []
    for s in batch:
        budget = MetaBudget("campaign", s.budget.daily, Decimal(70_000_000).scaleb(-MINOR[s.currency]))
        common = {
            "period": Period(s.period.start, s.period.start + dt.timedelta(days=30)),  # today falls inside it
            "budget": budget,
            "today": s.period.start + dt.timedelta(days=MIN_PACING_DAYS + young),
            "run_start": s.period.start - dt.timedelta(days=31),
            "run_end": s.period.end + dt.timedelta(days=400),
            "accruing": True,
            "recent_days": 7,
            "recent_spend": budget.lifetime / 10,
            "lifetime_spent": budget.lifetime / 2,
        }
        silent.append(replace(s, actual=Decimal(0), **common))
        busy.append(replace(s, actual=budget.lifetime / 20, **common))
    for scope, result in zip(silent, pace_all(silent), strict=True):
        assert_same(result, pacing.pace(scope))
        assert result.lifetime_exhausted_on is None, scope
        assert "lifetime_ends_early" not in result.flags
    for scope, result in zip(busy, pace_all(busy), strict=True):
        assert_same(result, pacing.pace(scope))
        # half the budget left at a seventieth of it a day: 35 days, well before the end 400 days past the period
        assert result.lifetime_exhausted_on == scope.today + dt.timedelta(days=34), scope
