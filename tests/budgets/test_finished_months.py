"""A period that has ended (last month chosen on the Budgets page): its projection is its spend, its status a final
verdict (within / under / over plan), committed fees it did not recognise are shown as such, and no alert forecasts
anything for it; a period still running keeps today's rules. Builders' workspace (tests/budgets/conftest.py) and
AppTests of the demo with last month chosen, computed from the workspace's today, in English and Bahasa Indonesia."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from budgets import alerts, pacing
from budgets.overview import budget_overview
from budgets.pacing_frame import pace_all
from campaigns.models import AdAccount
from db.calendar import Period, workspace_today
from db.engine import session_scope
from influencers import fees
from influencers.models import Program
from tests import builders as b
from tests.budgets.test_pages import _table
from tests.pages import open_page

from .conftest import NOV_END, NOV_START, NOW

NOV = Period(NOV_START, NOV_END)
DEC_2 = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)  # Dec 2 in New York and in Jakarta: November is over
FINAL = {pacing.NO_PLAN, *pacing.FINAL_STATUSES}


def _over_plan_campaign(session, workspace: dict):
    """An IDR campaign that spent Rp1.500.000 in November against a plan of Rp1.000.000, still running in December."""
    idr = session.get(AdAccount, workspace["idr"])
    over = b.campaign(
        session, idr, name="ID Harbolnas", daily_budget=50_000, status="ACTIVE", effective_status="ACTIVE"
    )
    b.insights(session, over, b.days(NOV_START, dt.date(2026, 12, 1)), spend=50_000)
    b.plan(session, over, NOV_START, NOV_END, 1_000_000)
    session.flush()
    return over


def test_last_month_is_final_on_the_overview(session, workspace) -> None:
    over = _over_plan_campaign(session, workspace)
    overview = budget_overview(session, NOV, now=DEC_2)
    r, v = overview.results, overview.results.verdicts
    assert overview.ended
    assert v.projected.tolist() == r.actual.tolist()  # nothing more can be spent in November
    assert set(v.status.tolist()) <= FINAL
    row = {key: i for i, key in enumerate(r.scope_key.tolist())}
    harbolnas = row[f"campaign:{over.id}"]
    assert (r.actual[harbolnas], v.status[harbolnas], v.pace_ratio[harbolnas]) == (
        Decimal(1_500_000),
        pacing.OVER_PLAN,
        Decimal("1.5"),
    )
    # The program recognised Rp500 (one of two reels published) of the 1,000 committed on Nov 1: its final figure
    # is the 500, and the other 500 is "committed, not recognised in the period", not folded into a projection.
    program = row[f"program:{workspace['program']}"]
    assert (r.actual[program], r.committed[program], v.projected[program]) == (
        Decimal(500),
        Decimal(1000),
        Decimal(500),
    )
    assert v.status[program] == pacing.UNDER_PLAN  # 500 of a 2,000 plan
    assert overview.unrecognised == {f"program:{workspace['program']}": Decimal(500)}
    assert overview.unrecognised_column()[program] == Decimal(500)
    assert overview.unrecognised_total([program, harbolnas]) == Decimal(500)
    # The lifetime campaign runs to Dec 10: no "ends early" forecast on November's page.
    assert not v.ends_early().any()
    for totals in overview.totals:
        assert totals.projected == totals.actual, totals
    # The scalar definition and the vectorised pass agree on every ended scope.
    pacings = overview.pacings
    for got, want in zip(pacings, pace_all([p.scope for p in pacings]), strict=True):
        assert got == want == pacing.pace(got.scope)
    # Alerts: "over plan" for the campaign that spent more than planned; no over-pacing, nothing exhausted "before
    # the period ends", no lifetime forecast.
    raised = alerts.build_alerts(pacings)
    kinds = {a.kind for a in raised}
    assert alerts.OVER_PLAN in kinds
    assert not kinds & {alerts.OVER_PACING, alerts.EXHAUSTED_EARLY, alerts.LIFETIME_ENDS_EARLY}
    over_plan = next(a for a in raised if a.kind == alerts.OVER_PLAN)
    assert over_plan.subject == "ID Harbolnas"
    assert over_plan.template == alerts.OVER_PLAN_TEXT
    assert (over_plan.values["actual"], over_plan.values["planned"]) == (Decimal(1_500_000), Decimal(1_000_000))
    assert (over_plan.values["percent"], over_plan.values["end"]) == (150, NOV_END)
    assert "the period ended on 2026-11-30." in over_plan.message()
    wanted = alerts.alerting_rows(v.status.tolist(), r.actual.tolist(), v.ends_early())
    assert {a.scope_key for a in alerts.pacing_alerts(r.pacings(wanted))} == {a.scope_key for a in raised}


def test_the_running_month_keeps_todays_rules(session, workspace) -> None:
    """The same November on Nov 16: projected past the spend (committed fees floor the program's), no final word."""
    overview = budget_overview(session, NOV, now=NOW)
    r, v = overview.results, overview.results.verdicts
    assert not overview.ended
    assert overview.unrecognised == {}
    assert not set(v.status.tolist()) & set(pacing.FINAL_STATUSES)
    program = r.scope_key.tolist().index(f"program:{workspace['program']}")
    assert v.projected[program] >= Decimal(1000)  # the committed fee will be spent
    assert any(p > a for p, a in zip(v.projected.tolist(), r.actual.tolist(), strict=True))


def test_an_account_still_on_the_last_day_keeps_the_page_from_saying_final(session, workspace) -> None:
    """03:00 UTC on Dec 1: December in Jakarta (the workspace), still Nov 30 in New York. The Jakarta campaign's
    November is final, the New York ones still pace, and the page does not call the whole month final."""
    overview = budget_overview(session, NOV, now=dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC))
    r, v = overview.results, overview.results.verdicts
    assert overview.today == dt.date(2026, 12, 1)
    assert not overview.ended
    status = dict(zip(r.scope_key.tolist(), v.status.tolist(), strict=True))
    assert status[f"campaign:{workspace['life']}"] in pacing.FINAL_STATUSES
    assert status[f"campaign:{workspace['cbo']}"] not in pacing.FINAL_STATUSES


def test_committed_not_recognised_counts_a_flight_started_before_its_contract(session, workspace) -> None:
    """Over the flight: a fee of 3,000 signed on Nov 20 for a flight of Nov 10 - Dec 9 (30 days) recognised 21 days
    (2,100) by Nov 30, days before the signature included; 900 is committed in November and not recognised in it.
    A collaboration committed in October (the workspace's `flight`) is not November's."""
    program = session.get(Program, workspace["program"])
    late = b.collaboration(
        session,
        program,
        fee=3000,
        contract_date=dt.date(2026, 11, 20),
        start_date=dt.date(2026, 11, 10),
        end_date=dt.date(2026, 12, 9),
    )
    session.flush()
    left = fees.unrecognised_in(session, NOV_START, NOV_END, recognition="over_flight")
    by_collab = {(a.collaboration_id, a.channel): a.amount for a in left}
    assert by_collab[(late.id, fees.CHANNEL_FEES)] == Decimal(900)
    assert all(a.kind == fees.COMMITTED and a.day == NOV_END for a in left)
    # The whole-month collaboration (1,000 over Nov 1-30) is recognised in full by Nov 30 over the flight; its
    # product value (70) too. Nothing of October's collaboration.
    assert set(by_collab) == {(late.id, fees.CHANNEL_FEES)}


def _last_month() -> dt.date:
    with session_scope() as s:
        first = workspace_today(s).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _budgets_page(app_test, language: str, month: dt.date | None):
    at = open_page(app_test(timeout=90), "pages/budgets/budgets.py", language=language)
    if month is not None:
        at.selectbox(key="budgets_month").select(month).run()
        assert not at.exception, at.exception
    return at


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_budgets_page_with_last_month_says_final_in_english(demo_url: str, app_test) -> None:
    at = _budgets_page(app_test, "en", _last_month())
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert list(metrics)[:4] == ["Planned (IDR)", "Spent (IDR)", "Final (IDR)", "Remaining (IDR)"]
    assert metrics["Final (IDR)"] == metrics["Spent (IDR)"]
    captions = _texts(at.caption[1:])  # the page's own subtitle (planned, spent and projected) aside
    assert "This period has ended" in captions
    assert "projected" not in captions.lower()
    assert "committed to influencers, not recognised in the period" in captions  # the demo's unpublished reels
    assert ", final (the period has ended)." in captions
    assert "Pacing counts completed days" not in captions
    table = _table(at, "Platform budget")
    assert "Projected" not in table.columns
    assert "Expected to date" not in table.columns
    assert {"Final", "Committed", "Committed, not recognised in the period"} <= set(table.columns)
    assert table["Final"].tolist() == table["Spent"].tolist()
    assert set(table["Status"]) <= {"Within plan", "Under plan", "Over plan", "No plan"}
    assert set(table["Status"]) & {"Within plan", "Under plan", "Over plan"}  # the demo plans last month
    alert_text = _texts(at.markdown)
    assert "Over-pacing" not in alert_text
    assert "projected" not in alert_text
    assert "before the period ends" not in alert_text
    if "Over plan" in set(table["Status"]):
        assert "the period ended on" in alert_text


def test_budgets_page_with_last_month_says_final_in_bahasa(demo_url: str, app_test) -> None:
    at = _budgets_page(app_test, "id", _last_month())
    assert not at.error, [e.value for e in at.error]
    labels = [m.label for m in at.metric]
    assert labels[:4] == ["Direncanakan (IDR)", "Terpakai (IDR)", "Final (IDR)", "Sisa (IDR)"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Final (IDR)"] == metrics["Terpakai (IDR)"]
    assert metrics["Final (IDR)"].startswith("Rp")  # id_ID money
    captions = _texts(at.caption[1:])
    assert "Periode ini sudah berakhir" in captions
    assert "belum diakui dalam periode" in captions
    assert "Proyeksi" not in captions
    table = _table(at, "Terpakai")
    assert "Proyeksi" not in table.columns
    assert {"Final", "Terikat kontrak, belum diakui dalam periode"} <= set(table.columns)
    assert table["Final"].tolist() == table["Terpakai"].tolist()
    assert set(table["Status"]) <= {"Sesuai rencana", "Di bawah rencana", "Melebihi rencana", "Tanpa rencana"}
    assert "Terlalu cepat" not in _texts(at.markdown)


def test_budgets_page_this_month_still_projects(demo_url: str, app_test) -> None:
    at = _budgets_page(app_test, "en", None)
    labels = [m.label for m in at.metric]
    assert labels[2] == "Projected (IDR)"
    assert "Pacing counts completed days" in _texts(at.caption)
    table = _table(at, "Platform budget")
    assert {"Projected", "Expected to date"} <= set(table.columns)
    assert "Final" not in table.columns
