"""The Budgets overview's result columns (`budgets.overview.PacingResults`), its totals per currency from columns and
the alerting rows against the per-scope definitions: every row's columns equal `pacing.pace` of its input (values and
types), in the page's order; the totals equal the per-`Pacing` Decimal sums the overview used to make; the rows
`alerts.alerting_rows` picks raise exactly the alerts of every scope. Stored workspaces run on SQLite and on
PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import alerts, pacing
from budgets.overview import PacingResults, budget_overview, daily_spend, totals_by_currency
from budgets.pacing import PacingInput
from budgets.pacing_frame import pace_columns
from budgets.plans import plans_for_period
from budgets.scopes import campaign_scopes
from db.calendar import Period
from db.money import quantize
from influencers import fees
from tests import builders as b

from .conftest import NOV_END, NOV_START, NOW
from .test_campaign_scopes import Workspace, _expected, _store, workspaces
from .test_pacing_frame import scopes

NOV = Period(NOV_START, NOV_END)
_VERDICT_FIELDS = ("meta_budget", "expected_to_date", "projected", "remaining", "daily_rate", "status", "pace_ratio")


def old_totals(pacings, converter=None, reporting_currency=None) -> list[tuple]:
    """The overview's totals as they were computed before the columns (a Decimal loop over `Pacing` objects)."""
    sums: dict[str, list[Decimal]] = {}
    zero = Decimal(0)
    for p in pacings:
        s = p.scope
        if s.scope_type not in ("campaign", "program"):
            continue
        cur = s.currency
        values = [s.planned or zero, s.actual, s.committed, p.projected, s.actual if s.planned is None else zero]
        if converter and reporting_currency and cur != reporting_currency:
            converted = [converter(v, cur, reporting_currency, s.period.start) for v in values]
            if not any(v is None for v in converted):
                values, cur = converted, reporting_currency
        acc = sums.setdefault(cur, [zero] * 5)
        for i in range(5):
            acc[i] += values[i]
    return [
        (cur, *(quantize(v, cur) for v in (pl, ac, co, pr, pl - (ac - un), un)))  # remaining: planned scopes only
        for cur, (pl, ac, co, pr, un) in sorted(sums.items())
    ]


def as_tuples(totals) -> list[tuple]:
    return [
        (t.currency, t.planned, t.actual, t.committed, t.projected, t.remaining, t.unplanned_actual) for t in totals
    ]


def same(a: object, e: object, what: object) -> None:
    assert type(a) is type(e), (what, a, e)
    assert a == e, (what, a, e)


def assert_columns_are_the_definition(results: PacingResults) -> list[pacing.Pacing]:
    """Every row's columns against `pace` of its input; the rows sorted as the page lists them. Returns the
    per-scope `Pacing`s (the oracle) in row order."""
    inputs = results.inputs()
    want = [pacing.pace(s) for s in inputs]
    keys = [(s.scope_type, s.currency, s.name.lower()) for s in inputs]
    assert keys == sorted(keys)
    v = results.verdicts
    verdicts = {name: getattr(v, name).tolist() for name in _VERDICT_FIELDS}
    exhausted, flags = v.lifetime_exhausted_on(), v.flags()
    ends_early = v.ends_early().tolist()
    shown = {
        "scope_key": results.scope_key.tolist(),
        "scope_type": results.scope_type.tolist(),
        "name": results.name.tolist(),
        "currency": results.currency.tolist(),
        "campaign_id": results.campaign_id.tolist(),
        "plan_id": results.plan_id.tolist(),
        "today": results.today.tolist(),
        "accruing": results.accruing.tolist(),
        "planned": results.planned.tolist(),
        "actual": results.actual.tolist(),
        "committed": results.committed.tolist(),
    }
    for i, (scope, p) in enumerate(zip(inputs, want, strict=True)):
        for name, column in shown.items():
            same(column[i], getattr(scope, name), (name, scope))
        for name, column in verdicts.items():
            same(column[i], getattr(p, name), (name, scope))
        same(exhausted[i], p.lifetime_exhausted_on, ("lifetime_exhausted_on", scope))
        same(flags[i], p.flags, ("flags", scope))
        # a forecast run-out day, or a lifetime budget already run out (its day known or not)
        lifetime = pacing.LIFETIME_ENDS_EARLY in p.flags or pacing.LIFETIME_SPENT in p.flags
        assert ends_early[i] is lifetime
    # Whole objects for some rows equal the same rows of all of them.
    picked = list(range(len(results)))[::3][::-1]
    assert results.pacings(picked) == [want[i] for i in picked]
    return want


def assert_alerting_rows_raise_every_alert(results: PacingResults, want: list[pacing.Pacing]) -> None:
    v = results.verdicts
    rows = alerts.alerting_rows(v.status.tolist(), results.actual.tolist(), v.ends_early())
    everything = alerts.build_alerts(want)
    assert alerts.build_alerts(results.pacings(rows)) == everything
    assert all(alerts.build_alerts([want[i]]) for i in rows)  # no row without an alert is built


def _usd_rate(amount: Decimal, src: str, dst: str, _day: dt.date) -> Decimal | None:
    rates = {("IDR", "USD"): Decimal(1) / 16000, ("JPY", "USD"): Decimal("0.0066")}
    rate = rates.get((src, dst))
    return None if rate is None else amount * rate


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ws=workspaces())
def test_result_columns_of_stored_workspaces_equal_the_definition(session, ws: Workspace) -> None:
    savepoint = session.begin_nested()
    try:
        ids, owners = _store(session, ws)
        plan_ids: dict[int, list[int]] = {}
        for plan in plans_for_period(session, ws.period):
            plan_ids.setdefault(plan.campaign_id, []).append(plan.id)
        expected = _expected(ws, ids, owners, plan_ids)
        overview = budget_overview(session, ws.period, now=ws.now, today=ws.now.date())
        results = overview.results
        assert sorted(c for c in results.campaign_id.tolist() if c is not None) == sorted(expected)
        for scope in results.inputs():
            if scope.campaign_id is not None:
                e = expected[scope.campaign_id]
                same(scope.planned, e.planned, scope)
                same(scope.actual, e.actual, scope)
        want = assert_columns_are_the_definition(results)
        assert as_tuples(overview.totals) == old_totals(want)
        assert overview.pacings == want
        assert_alerting_rows_raise_every_alert(results, want)
        one = results.totals(converter=_usd_rate, reporting_currency="USD")
        assert as_tuples(one) == old_totals(want, _usd_rate, "USD")
    finally:
        savepoint.rollback()


def test_programs_channels_accounts_and_mixes_in_the_columns(session, workspace) -> None:
    """The shared budget workspace with channel, account and mixed plans on top: programs and rolled-up plans are
    rows too, equal to the definition; the page's tiles for any rows equal the old sums; one fee read serves the
    program scopes and the daily series alike."""
    us = workspace["us"]
    b.plan(session, "channel:meta_ads", NOV_START, NOV_END, 9000, currency="USD")
    b.plan(session, "channel:influencer_fees", NOV_START, NOV_END, 3000, currency="USD")
    from campaigns.models import AdAccount

    b.plan(session, session.get(AdAccount, us), NOV_START, NOV_END, 4000)
    overview = budget_overview(session, NOV, now=NOW, converter=_usd_rate, reporting_currency="USD")
    results = overview.results
    types = set(results.scope_type.tolist())
    assert {"campaign", "program", "channel", "account"} <= types
    want = assert_columns_are_the_definition(results)
    assert_alerting_rows_raise_every_alert(results, want)
    assert as_tuples(overview.totals) == old_totals(want, _usd_rate, "USD")
    for currency in set(results.currency.tolist()):
        rows = results.rows(results.currency == currency)
        assert as_tuples(results.totals(rows)) == old_totals([want[i] for i in rows])
    until = NOW.date() - dt.timedelta(days=1)
    items = fees.fee_amounts(session, NOV.start, NOV.end)
    assert daily_spend(session, NOV, until, fee_items=items) == daily_spend(session, NOV, until)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(scopes(), min_size=0, max_size=25), names=st.lists(st.sampled_from(["b", "B", "A", "a", "Á"])))
def test_results_of_any_scopes_equal_the_definition(batch: list[PacingInput], names: list[str]) -> None:
    """Random scopes of every type, currency and period (no campaigns read from a database): the columns, the
    order, the totals with and without a converter (each scope converted on its own period's start) and the
    alerting rows."""
    from dataclasses import replace

    batch = [replace(s, name=names[i % len(names)] if names else s.name) for i, s in enumerate(batch)]
    empty = campaign_scopes_of_nothing()
    results = PacingResults.of(NOV, empty, batch)
    page_order = sorted(batch, key=lambda s: (s.scope_type, s.currency, s.name.lower()))  # stable: ties keep theirs
    assert [id(s) for s in results.inputs()] == [id(s) for s in page_order]
    want = assert_columns_are_the_definition(results)
    assert_alerting_rows_raise_every_alert(results, want)
    assert as_tuples(totals_by_currency(want)) == old_totals(want)
    assert as_tuples(totals_by_currency(want, _usd_rate, "USD")) == old_totals(want, _usd_rate, "USD")
    assert len(pace_columns(results_frame(batch))) == len(batch)


def campaign_scopes_of_nothing():
    """`CampaignScopes` with no rows (a workspace without campaigns), read from an empty database."""
    from db.engine import session_scope
    from migrations.migrate import upgrade

    global _EMPTY
    if _EMPTY is None:
        import tempfile

        url = f"sqlite:///{tempfile.mkdtemp(prefix='pantau-empty-')}/empty.db"
        upgrade(url)
        with session_scope(url) as s:
            _EMPTY = campaign_scopes(s, NOV, None, NOW)
    return _EMPTY


_EMPTY = None


def results_frame(batch: list[PacingInput]):
    from budgets.pacing_frame import ScopeFrame

    return ScopeFrame.of(batch)
