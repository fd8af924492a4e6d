"""The role x write matrix: every service that writes refuses roles the design does not allow, changes
nothing when it refuses, and records an audit entry when it writes. Add a row to WRITES for a new service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, PERMISSIONS, ROLES, Actor, PermissionDenied

# DESIGN.md "Roles" (role -> what it can do), written out independently of db/roles.py.
DESIGN_WRITERS: dict[str, set[str]] = {
    "sync.run": {"admin", "specialist"},
    "import.run": {"admin", "specialist"},
    "demo.load": {"admin"},
    "campaign.edit": {"admin", "specialist"},
    "influencer.edit": {"admin", "manager", "specialist"},
    "program.edit": {"admin", "manager", "specialist"},
    "budget.propose": {"admin", "manager", "specialist"},
    "budget.plan": {"admin", "manager"},
    "budget.approve": {"admin", "manager"},
    "payment.approve": {"admin", "manager"},
    "payment.mark_paid": {"admin", "finance"},
    "fx.edit": {"admin", "manager", "finance"},
    "period.close": {"admin", "finance"},
    "export.run": {"admin", "manager", "finance"},
    "users.manage": {"admin"},
    "settings.manage": {"admin"},
    "audit.read": {"admin", "manager"},
}


@dataclass(frozen=True)
class Write:
    """One service that writes: its permission, a call that performs it, and an optional set-up."""

    name: str
    permission: str
    call: Callable[[Session, Actor], object]
    setup: Callable[[Session], object] | None = None


def _add_user(s, a):
    from db.users import add_user

    return add_user(s, a, "new.person@example.com", "viewer")


def _seed_person(s):
    from db.users import add_user

    add_user(s, CLI_ACTOR, "ada.admin@example.com", "admin")
    add_user(s, CLI_ACTOR, "person@example.com", "specialist")


def _set_role(s, a):
    from db.users import set_role

    return set_role(s, a, "person@example.com", "finance")


def _deactivate(s, a):
    from db.users import set_active

    return set_active(s, a, "person@example.com", False)


def _set_setting(s, a):
    from db.settings import set_setting

    return set_setting(s, a, "reporting_currency", "IDR")


def _load_demo(s, a):
    from demo.workspace import load_demo

    return load_demo(s, a)


def _store_token(s, a):
    from db.secrets import store_meta_token

    return store_meta_token(s, a, "EAAB-matrix-token-0123456789")


def _seed_token(s):
    from db.secrets import store_meta_token

    store_meta_token(s, CLI_ACTOR, "EAAB-matrix-token-0123456789")


def _clear_token(s, a):
    from db.secrets import clear_meta_token

    return clear_meta_token(s, a)


def _seed_world(s):
    """One account, campaign, plan and proposal, program, influencer, collaboration and two payments."""
    import datetime as dt
    from decimal import Decimal

    from budgets.models import BudgetChange, BudgetPlan
    from campaigns.models import AdAccount, Campaign
    from influencers.models import Collaboration, Influencer, Payment, Program

    account = AdAccount(account_id="77", name="Matrix", currency="USD", timezone_name="UTC")
    s.add(account)
    s.flush()
    campaign = Campaign(
        account_id=account.id,
        meta_id="c77",
        name="Matrix sale",
        currency="USD",
        objective="OUTCOME_SALES",
        status="ACTIVE",
        daily_budget=Decimal("50"),
    )
    program = Program(name="Matrix program", currency="USD")
    person = Influencer(name="Matrix Person")
    s.add_all([campaign, program, person])
    s.flush()
    plan = BudgetPlan(
        scope_type="campaign",
        scope_key=f"campaign:{campaign.id}",
        campaign_id=campaign.id,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        amount=Decimal("1000"),
        currency="USD",
    )
    collab = Collaboration(
        program_id=program.id, influencer_id=person.id, stage="negotiating", currency="USD", fee=Decimal("100")
    )
    s.add_all([plan, collab])
    s.flush()
    s.add(
        BudgetChange(
            budget_plan_id=plan.id,
            campaign_id=campaign.id,
            old_amount=Decimal("1000"),
            new_amount=Decimal("1200"),
            currency="USD",
            reason="scale",
            proposed_by="x@example.com",
        )
    )
    s.add(
        Payment(
            collaboration_id=collab.id,
            amount=Decimal("100"),
            currency="USD",
            status="pending",
            invoice_number="PENDING",
        )
    )
    s.add(
        Payment(
            collaboration_id=collab.id,
            amount=Decimal("100"),
            currency="USD",
            status="approved",
            invoice_number="APPROVED",
        )
    )


def _one(s, model, *where):
    return s.scalar(select(model).where(*where))


def _create_influencer(s, a):
    from influencers.contacts import create_influencer

    return create_influencer(s, a, {"name": "New Creator", "email": "new.creator@example.com"})


def _create_program(s, a):
    from influencers.programs import create_program

    return create_program(s, a, {"name": "New program", "currency": "USD"})


def _move_stage(s, a):
    from influencers.models import Collaboration
    from influencers.programs import move_stage

    return move_stage(s, a, _one(s, Collaboration).id, "contracted")


def _approve_payment(s, a):
    from influencers.models import Payment
    from influencers.payments import approve_payment

    return approve_payment(s, a, _one(s, Payment, Payment.invoice_number == "PENDING").id)


def _mark_paid(s, a):
    import datetime as dt

    from influencers.models import Payment
    from influencers.payments import mark_paid

    return mark_paid(s, a, _one(s, Payment, Payment.invoice_number == "APPROVED").id, paid_date=dt.date(2026, 11, 2))


def _seed_paid(s):
    """The world, and a paid payment to refund."""
    import datetime as dt
    from decimal import Decimal

    from influencers.models import Collaboration, Payment

    _seed_world(s)
    collab = _one(s, Collaboration)
    s.add(
        Payment(
            collaboration_id=collab.id,
            amount=Decimal("100"),
            currency="USD",
            status="paid",
            paid_date=dt.date(2026, 11, 1),
            invoice_number="PAID",
        )
    )
    s.flush()


def _record_refund(s, a):
    import datetime as dt

    from finance.refunds import record_refund
    from influencers.models import Payment

    payment = _one(s, Payment, Payment.invoice_number == "PAID")
    return record_refund(s, a, payment.id, "40", dt.date(2026, 11, 2), "one post cancelled")


def _set_definition(s, a):
    from campaigns.conversion_definitions import set_conversion_definition
    from campaigns.models import Campaign

    return set_conversion_definition(s, a, ["lead"], campaign_id=_one(s, Campaign).id)


def _set_plan(s, a):
    import datetime as dt

    from budgets.plans import set_plan
    from campaigns.models import Campaign
    from db.calendar import Period

    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    return set_plan(s, a, f"campaign:{_one(s, Campaign).id}", period, "900", reason="November")


def _propose(s, a):
    from budgets.changes import propose_change
    from budgets.models import BudgetPlan

    return propose_change(s, a, new_amount="1500", reason="more", plan_id=_one(s, BudgetPlan).id)


def _approve_change(s, a):
    from budgets.changes import approve_change
    from budgets.models import BudgetChange

    return approve_change(s, a, _one(s, BudgetChange).id)


def _set_rate(s, a):
    from finance.fx import set_rate

    return set_rate(s, a, "2026-10-01", "IDR", "USD", "0.00006")


def _close_month(s, a):
    import datetime as dt

    from finance.close import close_month

    return close_month(s, a, dt.date(2026, 10, 1), today=dt.date(2026, 11, 27))


def _export(s, a):
    import datetime as dt
    import io

    from finance.exports import write_export

    return write_export(s, a, "campaigns", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "USD", io.BytesIO())


WRITES: list[Write] = [
    Write("users.add_user", "users.manage", _add_user),
    Write("users.set_role", "users.manage", _set_role, _seed_person),
    Write("users.set_active", "users.manage", _deactivate, _seed_person),
    Write("settings.set_setting", "settings.manage", _set_setting),
    Write("demo.load_demo", "demo.load", _load_demo),
    Write("secrets.store_meta_token", "settings.manage", _store_token),
    Write("secrets.clear_meta_token", "settings.manage", _clear_token, _seed_token),
    Write("contacts.create_influencer", "influencer.edit", _create_influencer),
    Write("programs.create_program", "program.edit", _create_program),
    Write("programs.move_stage", "program.edit", _move_stage, _seed_world),
    Write("payments.approve_payment", "payment.approve", _approve_payment, _seed_world),
    Write("payments.mark_paid", "payment.mark_paid", _mark_paid, _seed_world),
    Write("refunds.record_refund", "payment.mark_paid", _record_refund, _seed_paid),
    Write("conversion_definitions.set", "campaign.edit", _set_definition, _seed_world),
    Write("budgets.set_plan", "budget.plan", _set_plan, _seed_world),
    Write("budgets.propose_change", "budget.propose", _propose, _seed_world),
    Write("budgets.approve_change", "budget.approve", _approve_change, _seed_world),
    Write("fx.set_rate", "fx.edit", _set_rate),
    Write("close.close_month", "period.close", _close_month, _seed_world),
    Write("exports.write_export", "export.run", _export, _seed_world),
]


def test_permissions_match_the_design() -> None:
    assert {k: set(v) for k, v in PERMISSIONS.items()} == DESIGN_WRITERS


def test_an_unknown_permission_is_a_programming_error() -> None:
    from db.roles import require

    with pytest.raises(KeyError):
        require(CLI_ACTOR, "does.not.exist")


def _audit_count(url: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.usefixtures("secret_key")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_role_by_write_matrix(migrated_url: str, write: Write, role: str) -> None:
    if write.setup is not None:
        with session_scope(migrated_url) as s:
            write.setup(s)
    before = _audit_count(migrated_url)
    actor = Actor(f"{role}@example.com", role)
    if role in DESIGN_WRITERS[write.permission]:
        with session_scope(migrated_url) as s:
            write.call(s, actor)
        with session_scope(migrated_url) as s:
            entries = s.scalars(select(AuditEntry).where(AuditEntry.actor == actor.email)).all()
        assert entries, f"{write.name} by {role} wrote no audit entry"
    else:
        denied = pytest.raises(PermissionDenied, match=f"The {role} role is not permitted")
        with denied, session_scope(migrated_url) as s:
            write.call(s, actor)
        assert _audit_count(migrated_url) == before
