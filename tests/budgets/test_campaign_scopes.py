"""The campaigns' pacing columns read straight from SQL (`budgets.scopes.campaign_scopes`) and the statuses-only path
of the Campaigns pacing column (`budgets.overview.campaign_statuses`) against the per-scope definition: random
workspaces (accounts in several time zones, Meta/TikTok/Google/LinkedIn, CBO and ABO daily and lifetime budgets,
paused campaigns and ad sets, schedules, spend before, in and after the period, partial plans) are stored, and each
campaign's `PacingInput` is worked out here in plain Python from what was stored, then paced with `pacing.pace`.
Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, dataclass, fields
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import pacing
from budgets.overview import budget_overview, campaign_statuses
from budgets.pacing import PacingInput
from budgets.pacing_frame import ScopeFrame, pace_all, statuses
from budgets.plans import plan_share, plans_for_period
from budgets.scopes import campaign_inputs, campaign_scopes
from campaigns.meta_budgets import MetaBudget, effective_budget, is_accruing
from db.calendar import Period, last_running_day, local_date, local_today, week_start
from tests import builders as b

from .test_pacing_frame import assert_same, scopes

ZONES = ("Asia/Jakarta", "America/New_York", "UTC", "Pacific/Auckland")
CURRENCIES = {"IDR": 0, "USD": 2, "JPY": 0}
PLATFORMS = ("meta", "meta", "tiktok", "google", "linkedin")
STATUSES = ("ACTIVE", "ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED", None, "")  # None, "": imported without a status
EFFECTIVE = (None, "ACTIVE", "ACTIVE", "CAMPAIGN_PAUSED", "DISAPPROVED")
START = dt.date(2026, 11, 1)
MIDNIGHT = dt.datetime.combine(START, dt.time(), dt.UTC)
# Strategies built once, not inside `workspaces` per draw: hypothesis validates a strategy made afresh (a new
# `sampled_from`, `one_of`, `.map`, `just`) again on every draw, which cost more than the database under test.
# The values drawn are the same.
CURRENCY_PICKS = st.sampled_from(tuple(sorted(CURRENCIES)))
ZONE_PICKS = st.sampled_from(ZONES)
PLATFORM_PICKS = st.sampled_from(PLATFORMS)
LENGTHS = st.sampled_from((30, 30, 7, 45))  # November, a week, six weeks
PLACES_PICKS = {currency: st.sampled_from((minor, 4)) for currency, minor in CURRENCIES.items()}
BUDGET_KINDS = st.sampled_from(("cbo", "abo", "none"))
AD_SET_STATUSES = st.sampled_from(("ACTIVE", "ACTIVE", "PAUSED"))
AD_SET_COUNTS = {"abo": st.integers(0, 3)}
NO_AD_SETS = st.just(0)
MOMENTS = st.one_of(st.none(), st.integers(-60 * 24, 70 * 24).map(lambda h: MIDNIGHT + dt.timedelta(hours=h)))
STATUS_PICKS = st.sampled_from(STATUSES)
EFFECTIVE_PICKS = st.sampled_from(EFFECTIVE)


@dataclass(frozen=True)
class AdSetSpec:
    status: str
    daily: Decimal | None
    lifetime: Decimal | None


@dataclass(frozen=True)
class CampaignSpec:
    account: int
    status: str | None
    effective: str | None
    daily: Decimal | None
    lifetime: Decimal | None
    ad_sets: tuple[AdSetSpec, ...]
    start: dt.datetime | None
    stop: dt.datetime | None
    spend: dict[dt.date, Decimal]
    plans: tuple[tuple[dt.date, dt.date, Decimal], ...]


@dataclass(frozen=True)
class Workspace:
    period: Period
    now: dt.datetime
    accounts: tuple[tuple[str, str, str], ...]  # (currency, zone, platform)
    campaigns: tuple[CampaignSpec, ...]


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    accounts = tuple(
        (draw(CURRENCY_PICKS), draw(ZONE_PICKS), draw(PLATFORM_PICKS)) for _ in range(draw(st.integers(1, 3)))
    )
    length = draw(LENGTHS)
    period = Period(START, START + dt.timedelta(days=length - 1))
    now = dt.datetime.combine(START, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
        hours=draw(st.integers(-4 * 24, (length + 4) * 24))
    )
    campaigns = []
    for _ in range(draw(st.integers(1, 6))):
        account = draw(st.integers(0, len(accounts) - 1))
        places = draw(PLACES_PICKS[accounts[account][0]])
        base = draw(st.integers(1, 10**6))  # a day's spend in 1 / 10**places

        def money(low: int, high: int, zero: bool = True) -> Decimal | None:
            if zero and draw(st.integers(0, 3)) == 0:
                return None
            return Decimal(base * draw(st.integers(low, high)) // 100).scaleb(-places)  # noqa: B023

        kind = draw(BUDGET_KINDS)
        daily = lifetime = None
        if kind == "cbo":
            daily, lifetime = money(50, 200), money(1000, 9000)
        ad_sets = tuple(
            AdSetSpec(draw(AD_SET_STATUSES), money(20, 100), money(500, 5000))
            for _ in range(draw(AD_SET_COUNTS.get(kind, NO_AD_SETS)))
        )
        days = draw(st.sets(st.integers(-40, length + 3), max_size=25))
        spend = {START + dt.timedelta(days=d): money(30, 250, zero=False) or Decimal(0) for d in sorted(days)}
        plans = []
        for offset in sorted(draw(st.sets(st.integers(-40, length), max_size=2))):
            first = START + dt.timedelta(days=offset)
            plans.append((first, first + dt.timedelta(days=draw(st.integers(0, 39))), money(10, 3000, zero=False)))
        # Plans of one campaign never overlap each other's dates exactly (the table's unique key).
        campaigns.append(
            CampaignSpec(
                account=account,
                status=draw(STATUS_PICKS),
                effective=draw(EFFECTIVE_PICKS),
                daily=daily,
                lifetime=lifetime,
                ad_sets=ad_sets,
                start=draw(MOMENTS),
                stop=draw(MOMENTS),
                spend=spend,
                plans=tuple((lo, hi, amount) for lo, hi, amount in plans if amount is not None),
            )
        )
    return Workspace(period, now, accounts, tuple(campaigns))


def _store(session, ws: Workspace) -> tuple[list[int], list[int]]:
    """The workspace in the database: (campaign ids, their account ids)."""
    accounts = [
        b.account(session, currency=cur, timezone_name=zone, platform=platform) for cur, zone, platform in ws.accounts
    ]
    ids, owners = [], []
    for spec in ws.campaigns:
        owner = accounts[spec.account]
        c = b.campaign(
            session,
            owner,
            status=spec.status,
            effective_status=spec.effective,
            daily_budget=spec.daily,
            lifetime_budget=spec.lifetime,
            start_time=spec.start,
            stop_time=spec.stop,
        )
        for ad in spec.ad_sets:
            b.ad_set(session, c, status=ad.status, daily_budget=ad.daily, lifetime_budget=ad.lifetime)
        b.insights(session, c, list(spec.spend), spend=spec.spend.__getitem__)
        for lo, hi, amount in spec.plans:
            b.plan(session, c, lo, hi, amount)
        ids.append(c.id)
        owners.append(owner.id)
    session.flush()
    return ids, owners


def _expected(
    ws: Workspace, ids: list[int], owners: list[int], plan_ids: dict[int, list[int]]
) -> dict[int, PacingInput]:
    """Each campaign's pacing input, from the stored figures by the written rules (no SQL)."""
    out = {}
    for cid, owner, spec in zip(ids, owners, ws.campaigns, strict=True):
        currency, zone, platform = ws.accounts[spec.account]
        today = local_today(zone, ws.now)
        run_start, run_end = local_date(spec.start, zone), last_running_day(spec.stop, zone)
        budget = effective_budget(spec.daily, spec.lifetime, [(a.status, a.daily, a.lifetime) for a in spec.ad_sets])
        if pacing.budget_rules(platform) is None:
            budget = MetaBudget("none")
        period = ws.period

        def spent(first: dt.date, last: dt.date) -> Decimal:
            return sum((v for d, v in spec.spend.items() if first <= d <= last), Decimal(0))  # noqa: B023

        yesterday = today - dt.timedelta(days=1)
        # No status: running while it spent on one of the last two completed days (written out, not the window rule).
        unknown = not (spec.status or "").strip()
        lately = unknown and spent(today - dt.timedelta(days=2), yesterday) > 0
        accruing = is_accruing(spec.status, spec.effective, run_end, today, lately)
        actual = spent(period.start, min(period.end, yesterday))
        overlapping = [(lo, hi, a) for lo, hi, a in spec.plans if lo <= period.end and hi >= period.start]
        planned = None
        if overlapping:
            planned = sum((plan_share(_Plan(lo, hi, a, currency), period) for lo, hi, a in overlapping), Decimal(0))
        scheduled = period.overlap_days(run_start, run_end) > 0 and (run_end is None or run_end >= today)
        if planned is None and not actual and not (accruing and budget.kind and scheduled):
            continue
        recent_from = today - dt.timedelta(days=pacing.RECENT_DAYS)
        # A lifetime budget spent: the first completed day the spend to date reached it (written out, day by day).
        spent_on, to_date = None, Decimal(0)
        for day in sorted(d for d in spec.spend if d < today) if budget.lifetime else ():
            to_date += spec.spend[day]
            if to_date >= budget.lifetime:
                spent_on = day
                break
        out[cid] = PacingInput(
            scope_key=f"campaign:{cid}",
            scope_type="campaign",
            name=f"#{cid}",
            currency=currency,
            period=period,
            today=today,
            planned=planned,
            actual=actual,
            budget=budget,
            run_start=run_start,
            run_end=run_end,
            accruing=accruing,
            recent_spend=spent(recent_from, yesterday),
            recent_days=max((today - max(recent_from, run_start or recent_from)).days, 0),
            week_spend=spent(week_start(today), yesterday),
            lifetime_spent=spent(dt.date.min, yesterday) if budget.lifetime else Decimal(0),
            account_id=owner,
            platform=platform,
            campaign_id=cid,
            plan_id=plan_ids[cid][-1] if overlapping else None,
            status_unknown=unknown,
            lifetime_spent_on=spent_on,
        )
    return out


@dataclass(frozen=True)
class _Plan:
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    currency: str


_IGNORED = {"name"}  # the builders' names


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ws=workspaces())
def test_campaign_columns_and_statuses_equal_the_per_scope_definition(session, ws: Workspace) -> None:
    savepoint = session.begin_nested()
    try:
        ids, owners = _store(session, ws)
        period = ws.period
        stored_plans = plans_for_period(session, period)
        plan_ids: dict[int, list[int]] = {}
        for plan in stored_plans:
            plan_ids.setdefault(plan.campaign_id, []).append(plan.id)
        want = _expected(ws, ids, owners, plan_ids)

        # The pacing column: statuses only, read without any PacingInput.
        assert campaign_statuses(session, period, ws.now) == {cid: pacing.pace(s).status for cid, s in want.items()}

        # The columns behind it hold the same inputs, with or without the plans handed over.
        for plans in (stored_plans, None):
            got = campaign_scopes(session, period, plans, ws.now)
            assert got.ids == sorted(want)
            inputs = got.inputs()
            for scope in inputs:
                expected = want[scope.campaign_id]
                for f in fields(PacingInput):
                    if f.name in _IGNORED:
                        continue
                    a, e = getattr(scope, f.name), getattr(expected, f.name)
                    assert type(a) is type(e), (f.name, a, e)
                    assert a == e, (f.name, a, e, ws)
            assert statuses(got.frame) == [pacing.pace(want[cid]).status for cid in got.ids]
            for result, scope in zip(pace_all(inputs, got.frame), inputs, strict=True):
                assert_same(result, pacing.pace(scope))
        assert [i.campaign_id for i in campaign_inputs(session, period, stored_plans, ws.now)] == sorted(want)

        # The Budgets overview paces its campaigns from the same columns.
        for result in budget_overview(session, period, now=ws.now).pacings:
            assert_same(result, pacing.pace(result.scope))
    finally:
        savepoint.rollback()


@settings(max_examples=150, deadline=None)
@given(st.lists(scopes(), min_size=0, max_size=20))
def test_statuses_alone_equal_the_per_scope_definition(batch: list[PacingInput]) -> None:
    """The statuses-only pass over any scopes' columns (as `ScopeFrame.of` builds them) equals `pace`."""
    assert statuses(ScopeFrame.of(batch)) == [pacing.pace(s).status for s in batch]


def test_a_frame_of_other_rows_is_refused() -> None:
    scope = PacingInput(
        scope_key="campaign:1",
        scope_type="campaign",
        name="Payday",
        currency="IDR",
        period=Period.month(2026, 11),
        today=dt.date(2026, 11, 16),
        planned=Decimal(1000),
    )
    with pytest.raises(ValueError, match="1 rows for 2 scopes"):
        pace_all([scope, scope], ScopeFrame.of([scope]))


def test_many_builds_the_same_frozen_objects_as_the_constructor() -> None:
    """`pacing.many` skips the generated `__init__` (for speed) but gives equal, hashable, frozen objects."""
    values = {
        "scope_key": "campaign:7",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "USD",
        "period": Period.month(2026, 11),
        "today": dt.date(2026, 11, 16),
        "planned": Decimal("1000.50"),
        "budget": MetaBudget("campaign", Decimal(50)),
        "campaign_id": 7,
    }
    made = PacingInput(**values)
    (fast,) = pacing.many(PacingInput, [[getattr(made, f.name) for f in fields(PacingInput)]])
    assert type(fast) is PacingInput
    assert fast == made
    assert hash(fast) == hash(made)
    with pytest.raises(FrozenInstanceError):
        fast.actual = Decimal(1)  # type: ignore[misc]
    with pytest.raises(ValueError, match="shorter"):  # a row missing a field is refused, not half-built
        pacing.many(PacingInput, [[made.scope_key]])
