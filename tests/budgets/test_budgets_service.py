"""The budget service on a real database: pacing inputs from SQL, approvals, audit trail, permissions, push."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest
from sqlalchemy import select

from budgets import pacing
from budgets.changes import (
    TARGET_META_DAILY,
    TARGET_META_LIFETIME,
    approve_change,
    change_history,
    open_changes,
    propose_change,
    reject_change,
)
from budgets.errors import BudgetError
from budgets.models import BudgetChange, BudgetPlan
from budgets.overview import BudgetOverview, budget_overview, totals_by_currency
from budgets.plans import set_plan
from campaigns.meta_budgets import MetaBudget
from campaigns.models import Campaign
from db.calendar import Period
from db.models import AuditEntry
from db.roles import LOCAL_ADMIN, Actor, PermissionDenied
from db.settings import set_setting
from influencers.queries import overdue_deliverables
from tests.budgets.conftest import NOW

NOV = Period.month(2026, 11)
MANAGER = Actor("maya@example.com", "manager")
SPECIALIST = Actor("sari@example.com", "specialist")
FINANCE = Actor("fajar@example.com", "finance")
VIEWER = Actor("vina@example.com", "viewer")


def _by_key(overview: BudgetOverview) -> dict[str, pacing.Pacing]:
    return {p.scope.scope_key: p for p in overview.pacings}


def test_overview_paces_campaigns_from_sql_aggregates(session, workspace) -> None:
    result = _by_key(budget_overview(session, NOV, now=NOW))
    cbo = result[f"campaign:{workspace['cbo']}"]
    # Nov 1-15 completed at 100/day; today's partial 40 is left out.
    assert cbo.actual == D(1500)
    assert cbo.scope.today == dt.date(2026, 11, 16)
    assert cbo.scope.budget == MetaBudget("campaign", D(100))
    assert cbo.scope.recent_days == 7
    assert cbo.scope.recent_spend == D(700)
    assert cbo.projected == D(3000)
    assert cbo.status == pacing.ON_TRACK
    assert cbo.expected_to_date == D(1500)


def test_abo_budget_sums_active_ad_sets_and_unplanned_spend_is_flagged(session, workspace) -> None:
    result = _by_key(budget_overview(session, NOV, now=NOW))
    abo = result[f"campaign:{workspace['abo']}"]
    assert abo.scope.budget == MetaBudget("adset", D(50))
    assert abo.planned is None
    assert abo.status == pacing.NO_PLAN
    assert abo.actual == D(750)
    assert "spending_without_plan" in abo.flags


def test_lifetime_campaign_in_its_own_time_zone(session, workspace) -> None:
    life = _by_key(budget_overview(session, NOV, now=NOW))[f"campaign:{workspace['life']}"]
    assert life.scope.run_start == dt.date(2026, 11, 1)
    assert life.scope.run_end == dt.date(2026, 12, 10)
    assert life.scope.lifetime_spent == D(15_000_000)
    # 15M left at 1M/day runs out on Nov 30, before the Dec 10 end.
    assert life.lifetime_exhausted_on == dt.date(2026, 11, 30)
    assert life.projected == D(30_000_000)
    assert life.status == pacing.OVER_PACING


def test_paused_campaign_stops_accruing(session, workspace) -> None:
    paused = _by_key(budget_overview(session, NOV, now=NOW))[f"campaign:{workspace['paused']}"]
    assert paused.actual == D(400)
    assert paused.projected == D(400)
    assert paused.status == pacing.STOPPED_BELOW_PLAN  # paused short of plan: not "too slow"
    assert "stopped" in paused.flags


def test_program_fees_follow_the_one_fee_definition(session, workspace) -> None:
    program = _by_key(budget_overview(session, NOV, now=NOW))[f"program:{workspace['program']}"]
    # Committed on the contract (else flight start) date: Ayu's 1000 on Nov 1; Budi's 600 was committed in October;
    # declined and negotiating collaborations never count.
    assert program.scope.committed == D(1000)
    # Recognised on delivery (the default): Ayu's fee split over her two deliverables, one published on Nov 10.
    assert program.actual == D(500)
    assert program.scope.paid == D(500)  # Budi's paid payment; the pending one is not paid
    assert program.projected == D(1000)  # never below what is committed
    assert program.status == pacing.UNDER_PACING  # 50% of the 2000 plan


def test_program_fees_over_the_flight(session, workspace) -> None:
    overview = budget_overview(session, NOV, now=NOW, recognition="over_flight")
    program = _by_key(overview)[f"program:{workspace['program']}"]
    # Completed days are Nov 1-15: half of Ayu's 1000 (Nov 1-30) and Budi's last 15 of 30 days (300 of 600).
    assert program.actual == D(800)
    assert program.scope.committed == D(1000)


def test_totals_per_currency_and_a_converter_hook(session, workspace) -> None:
    overview = budget_overview(session, NOV, now=NOW)
    totals = {t.currency: t for t in overview.totals}
    assert set(totals) == {"USD", "IDR"}
    assert totals["USD"].planned == D("7400.00")  # 3000 + 2400 + 2000 (program)
    assert totals["USD"].actual == D("3150.00")  # 1500 + 750 + 400 + 500
    assert totals["USD"].unplanned_actual == D("750.00")
    assert totals["IDR"].actual == D(15_000_000)

    def idr_to_usd(amount, src, dst, _day):
        return amount / 16000 if (src, dst) == ("IDR", "USD") else None

    one = totals_by_currency(overview.pacings, idr_to_usd, "USD")
    assert [t.currency for t in one] == ["USD"]
    assert one[0].actual == D("3150.00") + D("937.50")


def test_overdue_deliverables(session, workspace) -> None:
    overdue = overdue_deliverables(session, dt.date(2026, 11, 16))
    assert [(d.type, d.due_date, d.days_late) for d in overdue] == [("reel", dt.date(2026, 11, 10), 6)]


def test_manager_sets_a_plan_with_a_change_row_and_audit(session, workspace) -> None:
    plan = set_plan(session, MANAGER, f"campaign:{workspace['abo']}", NOV, "1500", reason="Leads push for payday")
    assert plan.amount == D(1500)
    assert plan.currency == "USD"
    change = session.scalar(select(BudgetChange).where(BudgetChange.budget_plan_id == plan.id))
    assert (change.old_amount, change.new_amount, change.status) == (None, D(1500), "approved")
    assert change.proposed_by == change.decided_by == MANAGER.email
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "budget_plan"))
    assert entry.actor == MANAGER.email
    assert "Leads push for payday" in entry.summary
    with pytest.raises(PermissionDenied):
        set_plan(session, SPECIALIST, f"campaign:{workspace['abo']}", NOV, "10", reason="x")


def test_plan_input_is_validated_with_field_names(session, workspace) -> None:
    key = f"campaign:{workspace['life']}"
    for amount, message in (
        ("lots", "Planned amount: lots is not an amount; type it like 50,000,000."),
        ("1e20", "Planned amount: 1e20 is not an amount; type it like 50,000,000."),
        ("-5", "Planned amount: -5 is negative; the amount must be 0 or more."),
        ("0", "Planned amount: the amount must be greater than zero (got 0)."),
        ("1000.50", "Planned amount: 1000.50 has more decimals than IDR allows (0)"),
        ("200000000000000", "Planned amount: 200000000000000 is more than the largest IDR amount allowed, "),
        (D("1e20"), "Planned amount: 1E+20 is more than the largest IDR amount allowed"),
        ("inf", "Planned amount: inf is not an amount"),
    ):
        with pytest.raises(BudgetError) as refused:
            set_plan(session, MANAGER, key, NOV, amount, reason="r")
        assert str(refused.value).startswith(message), (amount, str(refused.value))
    with pytest.raises(BudgetError, match="reason"):
        set_plan(session, MANAGER, key, NOV, "1000", reason=" ")
    with pytest.raises(BudgetError, match="campaign 999 does not exist"):
        set_plan(session, MANAGER, "campaign:999", NOV, "1000", reason="r")
    with pytest.raises(BudgetError, match=r"Currency: A currency code is required \(ISO 4217"):
        set_plan(session, MANAGER, "channel:meta_ads", NOV, "1000", reason="r")
    with pytest.raises(BudgetError, match="XYZ is not an ISO 4217 currency code"):
        set_plan(session, MANAGER, "channel:meta_ads", NOV, "1000", reason="r", currency="XYZ")


def test_plan_amounts_are_read_the_way_people_type_them(session, workspace) -> None:
    key = f"campaign:{workspace['life']}"  # an IDR campaign
    plan = set_plan(session, MANAGER, key, NOV, "Rp 50.000.000", reason="r", locale="id_ID")
    assert plan.amount == D(50_000_000)
    plan = set_plan(session, MANAGER, key, NOV, "50,000,000", reason="r")
    assert plan.amount == D(50_000_000)
    with pytest.raises(BudgetError, match="New amount: 1e20 is not an amount"):
        propose_change(session, SPECIALIST, plan_id=plan.id, new_amount="1e20", reason="more")
    with pytest.raises(BudgetError, match=r"New amount: 12\.345\.678,9 has more decimals than IDR allows"):
        propose_change(session, SPECIALIST, plan_id=plan.id, new_amount="12.345.678,9", reason="more", locale="id_ID")
    change = propose_change(session, SPECIALIST, plan_id=plan.id, new_amount="60.000.000", reason="r", locale="id_ID")
    assert change.new_amount == D(60_000_000)


def test_specialist_proposes_and_manager_approves(session, workspace) -> None:
    plan_id = workspace["plans"]["cbo"]
    change = propose_change(session, SPECIALIST, plan_id=plan_id, new_amount="3600", reason="CPA is low")
    assert change.status == "proposed"
    assert change.old_amount == D(3000)
    assert session.get(BudgetPlan, plan_id).amount == D(3000)  # nothing applied yet
    assert [c["id"] for c in open_changes(session)] == [change.id]

    approve_change(session, MANAGER, change.id, note="Go")
    assert session.get(BudgetPlan, plan_id).amount == D(3600)
    assert change.status == "approved"
    assert change.decided_by == MANAGER.email
    assert change.decided_at is not None
    assert open_changes(session) == []
    actions = [
        (e.action, e.entity_type, e.actor)
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        if e.entity_type in ("budget_change", "budget_plan")
    ]
    assert actions == [
        ("propose", "budget_change", SPECIALIST.email),
        ("update", "budget_plan", MANAGER.email),
        ("approve", "budget_change", MANAGER.email),
    ]
    plan_entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "budget_plan"))
    assert D(plan_entry.before["amount"]) == D(3000)
    assert D(plan_entry.after["amount"]) == D(3600)
    history = change_history(session, campaign_id=workspace["cbo"])
    assert [(h["old_amount"], h["new_amount"], h["reason"], h["status"]) for h in history] == [
        (D(3000), D(3600), "CPA is low", "approved")
    ]
    with pytest.raises(BudgetError, match="already approved"):
        approve_change(session, MANAGER, change.id)


def test_rejection_keeps_the_plan_and_needs_a_reason(session, workspace) -> None:
    plan_id = workspace["plans"]["cbo"]
    change = propose_change(session, SPECIALIST, plan_id=plan_id, new_amount="5000", reason="More")
    with pytest.raises(BudgetError, match="note"):
        reject_change(session, MANAGER, change.id, note="")
    reject_change(session, MANAGER, change.id, note="Not this month")
    assert change.status == "rejected"
    assert change.decision_note == "Not this month"
    assert session.get(BudgetPlan, plan_id).amount == D(3000)


def test_approval_refuses_a_plan_changed_since_the_proposal(session, workspace) -> None:
    plan_id = workspace["plans"]["cbo"]
    change = propose_change(session, SPECIALIST, plan_id=plan_id, new_amount="3600", reason="More")
    set_plan(session, MANAGER, f"campaign:{workspace['cbo']}", NOV, "3300", reason="Manager edit")
    with pytest.raises(BudgetError, match="changed from 3000"):
        approve_change(session, MANAGER, change.id)
    assert session.get(BudgetPlan, plan_id).amount == D(3300)


@pytest.mark.parametrize(
    ("actor", "propose", "approve"),
    [(SPECIALIST, True, False), (MANAGER, True, True), (FINANCE, False, False), (VIEWER, False, False)],
)
def test_permissions(session, workspace, actor, propose, approve) -> None:
    plan_id = workspace["plans"]["cbo"]
    if propose:
        propose_change(session, actor, plan_id=plan_id, new_amount="3100", reason="r")
    else:
        with pytest.raises(PermissionDenied):
            propose_change(session, actor, plan_id=plan_id, new_amount="3100", reason="r")
    change = propose_change(session, LOCAL_ADMIN, plan_id=plan_id, new_amount="3200", reason="r")
    if approve:
        approve_change(session, actor, change.id)
    else:
        with pytest.raises(PermissionDenied):
            approve_change(session, actor, change.id)
        with pytest.raises(PermissionDenied):
            reject_change(session, actor, change.id, note="no")


def test_meta_budget_push_is_off_by_default(session, workspace) -> None:
    calls = []
    change = propose_change(
        session,
        SPECIALIST,
        campaign_id=workspace["cbo"],
        target=TARGET_META_DAILY,
        new_amount="120",
        reason="Scale",
        push_to_meta=True,
    )
    approve_change(session, MANAGER, change.id, push=lambda *a: calls.append(a) or "ok")
    assert calls == []
    assert change.meta_push_status == "skipped"
    assert session.get(Campaign, workspace["cbo"]).daily_budget == D(100)


def test_meta_budget_push_calls_the_adapter_and_records_the_result(session, workspace) -> None:
    set_setting(session, LOCAL_ADMIN, "meta_budget_push", True)
    calls = []

    def push(campaign, field, amount):
        calls.append((campaign.id, field, amount))
        return '{"success": true}'

    change = propose_change(
        session,
        SPECIALIST,
        campaign_id=workspace["cbo"],
        target=TARGET_META_DAILY,
        new_amount="120",
        reason="Scale",
        push_to_meta=True,
    )
    approve_change(session, MANAGER, change.id, push=push)
    assert calls == [(workspace["cbo"], "daily_budget", D(120))]
    assert change.meta_push_status == "pushed"
    assert change.meta_push_result == '{"success": true}'
    assert session.get(Campaign, workspace["cbo"]).daily_budget == D(120)


def test_failed_push_is_recorded_and_the_budget_unchanged(session, workspace) -> None:
    set_setting(session, LOCAL_ADMIN, "meta_budget_push", True)

    def push(campaign, field, amount):
        raise RuntimeError("(#100) Invalid parameter")

    change = propose_change(
        session,
        SPECIALIST,
        campaign_id=workspace["life"],
        target=TARGET_META_LIFETIME,
        new_amount="35000000",
        reason="Extend",
        push_to_meta=True,
    )
    approve_change(session, MANAGER, change.id, push=push)
    assert change.status == "approved"
    assert change.meta_push_status == "failed"
    assert "Invalid parameter" in change.meta_push_result
    assert session.get(Campaign, workspace["life"]).lifetime_budget == D(30_000_000)


def test_meta_change_needs_a_campaign_level_budget(session, workspace) -> None:
    with pytest.raises(BudgetError, match="ABO"):
        propose_change(
            session,
            SPECIALIST,
            campaign_id=workspace["abo"],
            target=TARGET_META_DAILY,
            new_amount="60",
            reason="r",
        )
    with pytest.raises(BudgetError, match="no lifetime budget"):
        propose_change(
            session,
            SPECIALIST,
            campaign_id=workspace["cbo"],
            target=TARGET_META_LIFETIME,
            new_amount="60",
            reason="r",
        )


def test_accounts_on_different_days_each_count_their_own_completed_days(session, workspace) -> None:
    # 20:00 UTC on Nov 16: already 03:00 on Nov 17 in Jakarta, still 15:00 on Nov 16 in New York.
    late = dt.datetime(2026, 11, 16, 20, 0, tzinfo=dt.UTC)
    result = _by_key(budget_overview(session, NOV, now=late))
    cbo = result[f"campaign:{workspace['cbo']}"]
    life = result[f"campaign:{workspace['life']}"]
    assert cbo.scope.today == dt.date(2026, 11, 16)
    assert cbo.actual == D(1500)  # Nov 16 is still running in New York
    assert life.scope.today == dt.date(2026, 11, 17)
    assert life.actual == D(16_000_000)  # Nov 16 is complete in Jakarta
    assert life.scope.lifetime_spent == D(16_000_000)
    assert life.scope.week_spend == D(2_000_000)  # Sunday Nov 15 and Monday Nov 16
    assert life.scope.recent_spend == D(7_000_000)  # Nov 10-16, complete in Jakarta
    assert cbo.scope.recent_spend == D(700)  # Nov 9-15 in New York
    assert cbo.scope.week_spend == D(100)  # Sunday Nov 15 only: Nov 16 is still running there


def test_a_past_period_counts_its_own_days_and_the_run_rate_comes_from_this_week(session, workspace) -> None:
    late = dt.datetime(2026, 11, 16, 20, 0, tzinfo=dt.UTC)
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    result = _by_key(budget_overview(session, october, now=late))
    cbo = result[f"campaign:{workspace['cbo']}"]
    abo = result[f"campaign:{workspace['abo']}"]
    assert cbo.actual == D(700)  # Oct 25-31 only, however late it is now
    assert abo.actual == D(350)
    assert cbo.scope.recent_spend == D(700)  # the run-rate still looks at the last 7 completed days
    assert f"campaign:{workspace['life']}" not in result  # it starts in November, no October plan


def test_campaign_table_totals_and_converter(session, workspace) -> None:
    from campaigns import performance

    frame = performance.campaign_performance(
        session, performance.CampaignFilters(dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    )
    cbo = frame[frame["id"] == workspace["cbo"]].iloc[0]
    assert cbo["spend"] == D(1500)
    assert cbo["conversions"] == D(60)
    assert cbo["cpa"] == D("25.00")
    assert cbo["roas"] == D("3.00")
    assert (cbo["budget_level"], cbo["budget_type"], cbo["budget"]) == ("campaign", "daily", D(100))
    abo = frame[frame["id"] == workspace["abo"]].iloc[0]
    assert (abo["budget_level"], abo["budget"], abo["cpa"]) == ("adset", D(50), None)
    totals = performance.currency_totals(frame)
    assert dict(zip(totals["currency"], totals["spend"], strict=True)) == {
        "IDR": D(15_000_000),
        "USD": D(1500 + 750 + 400),
    }
    searched = performance.campaign_performance(
        session, performance.CampaignFilters(dt.date(2026, 11, 1), dt.date(2026, 11, 15), search="payday")
    )
    assert list(searched["name"]) == ["US CBO Payday"]

    def to_usd(amount, src, dst, _day):
        return amount / 16000 if (src, dst) == ("IDR", "USD") else None

    with_fx = performance.currency_totals(frame, to_usd, "USD")
    assert list(with_fx["currency"]) == ["IDR", "USD", "USD"]
    assert with_fx.iloc[-1]["spend"] == D(2650) + D(15_000_000) / 16000
