"""Approvals say what they approve (names, account, period, old -> new, who and why) and keep four eyes in team
mode; in local mode (one person) approving one's own proposal is allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from budgets.changes import TARGET_META_DAILY, approval_refusal, approve_change, open_changes, propose_change
from budgets.models import BudgetPlan
from budgets.scopes import scope_names
from db.errors import TransitionError
from db.roles import CLI_ACTOR, LOCAL_ADMIN, Actor

MANAGER = Actor("maya@example.com", "manager")
OTHER_MANAGER = Actor("mira@example.com", "manager")
SPECIALIST = Actor("sari@example.com", "specialist")


def test_an_open_change_names_its_campaign_account_platform_and_period(session, workspace) -> None:
    plan_id = workspace["plans"]["life"]
    propose_change(session, SPECIALIST, plan_id=plan_id, new_amount="25000000", reason="Payday push")
    (row,) = open_changes(session)
    assert row["scope_key"] == f"campaign:{workspace['life']}"
    assert (row["scope_type"], row["scope_name"], row["account_name"], row["platform"]) == (
        "campaign",
        "ID Launch lifetime",
        "Acme ID",
        "meta",
    )
    assert (row["period_start"], row["period_end"]) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (row["old_amount"], row["new_amount"], row["currency"]) == (D(20_000_000), D(25_000_000), "IDR")
    assert (row["proposed_by"], row["reason"]) == (SPECIALIST.email, "Payday push")
    assert row["proposed_at"] is not None


def test_program_and_meta_budget_changes_are_named_too(session, workspace) -> None:
    propose_change(session, SPECIALIST, plan_id=workspace["plans"]["program"], new_amount="2500", reason="Ramadan")
    propose_change(
        session, SPECIALIST, campaign_id=workspace["cbo"], target=TARGET_META_DAILY, new_amount="120", reason="Scale"
    )
    rows = {r["target"]: r for r in open_changes(session)}
    assert (rows["plan"]["scope_type"], rows["plan"]["scope_name"]) == ("program", "Creators")
    meta = rows[TARGET_META_DAILY]
    assert (meta["scope_name"], meta["account_name"], meta["period_start"]) == ("US CBO Payday", "Acme US", None)
    assert (meta["old_amount"], meta["new_amount"], meta["currency"]) == (D(100), D(120), "USD")


def test_scope_names_resolve_every_kind_and_keep_unknown_keys(session, workspace) -> None:
    keys = [f"account:{workspace['us']}", "channel:meta_ads", "campaign:99999", "nonsense"]
    names = scope_names(session, keys)
    assert (names[keys[0]].scope_type, names[keys[0]].name, names[keys[0]].platform) == ("account", "Acme US", "meta")
    assert (names["channel:meta_ads"].scope_type, names["channel:meta_ads"].name) == ("channel", "meta_ads")
    assert names["campaign:99999"].name == "campaign:99999"  # a deleted campaign: the key, never a crash
    assert names["nonsense"].name == "nonsense"


def test_team_mode_nobody_approves_their_own_proposal(session, workspace) -> None:
    plan_id = workspace["plans"]["cbo"]
    change = propose_change(session, MANAGER, plan_id=plan_id, new_amount="3600", reason="CPA is low")
    assert approval_refusal(MANAGER, change.proposed_by) is not None
    assert approval_refusal(Actor("MAYA@example.com ", "admin"), change.proposed_by) is not None  # same person
    with pytest.raises(TransitionError, match="another manager must approve it") as refused:
        approve_change(session, MANAGER, change.id)
    assert refused.value.params["who"] == MANAGER.email
    assert session.get(BudgetPlan, plan_id).amount == D(3000)  # nothing applied
    assert change.status == "proposed"
    assert approval_refusal(OTHER_MANAGER, change.proposed_by) is None
    approve_change(session, OTHER_MANAGER, change.id)
    assert session.get(BudgetPlan, plan_id).amount == D(3600)
    assert change.decided_by == OTHER_MANAGER.email


def test_local_mode_one_person_approves_their_own_proposal(session, workspace) -> None:
    plan_id = workspace["plans"]["cbo"]
    change = propose_change(session, LOCAL_ADMIN, plan_id=plan_id, new_amount="3300", reason="Alone")
    assert approval_refusal(LOCAL_ADMIN, change.proposed_by) is None
    approve_change(session, LOCAL_ADMIN, change.id)
    assert session.get(BudgetPlan, plan_id).amount == D(3300)
    again = propose_change(session, CLI_ACTOR, plan_id=plan_id, new_amount="3400", reason="From cron")
    approve_change(session, CLI_ACTOR, again.id)
    assert session.get(BudgetPlan, plan_id).amount == D(3400)
