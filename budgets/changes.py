"""Budget changes: specialists propose a new plan amount (or a new Meta daily/lifetime budget), managers
approve or reject; an approved Meta budget is pushed through the adapter the caller passes. Every step keeps a
BudgetChange row and an audit entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from budgets.errors import BudgetError
from budgets.models import BudgetChange, BudgetPlan
from budgets.plans import APPROVED, FIELD_NEW_AMOUNT, TARGET_PLAN, plan_amount
from budgets.scopes import ScopeName, scope_names
from campaigns.models import Campaign
from db import audit
from db.errors import N_, Codes, Message, TransitionError
from db.roles import Actor, is_one_person, require
from db.settings import get_setting
from db.types import utcnow

# campaign, field ("daily_budget" | "lifetime_budget"), amount in major units -> Meta's answer.
MetaPush = Callable[[Campaign, str, Decimal], str]

TARGET_META_DAILY = "meta_daily_budget"
TARGET_META_LIFETIME = "meta_lifetime_budget"
TARGETS = (TARGET_PLAN, TARGET_META_DAILY, TARGET_META_LIFETIME)
PROPOSED, REJECTED = "proposed", "rejected"


def change_history(
    session: Session, *, campaign_id: int | None = None, plan_ids: Iterable[int] | None = None, limit: int = 200
) -> list[dict]:
    """Budget changes, newest first, described for a person: what they change (the campaign's or program's name,
    its account and platform, the plan's period), old -> new in the currency, who proposed it, when and why, and
    who decided."""
    stmt = (
        select(BudgetChange, BudgetPlan.scope_key, BudgetPlan.period_start, BudgetPlan.period_end)
        .outerjoin(BudgetPlan, BudgetPlan.id == BudgetChange.budget_plan_id)
        .order_by(BudgetChange.proposed_at.desc(), BudgetChange.id.desc())
        .limit(limit)
    )
    if campaign_id is not None:
        stmt = stmt.where(or_(BudgetChange.campaign_id == campaign_id, BudgetPlan.campaign_id == campaign_id))
    if plan_ids is not None:
        # The plans' changes, and the Meta budget changes (they belong to no plan).
        stmt = stmt.where(or_(BudgetChange.budget_plan_id.in_(list(plan_ids)), BudgetChange.budget_plan_id.is_(None)))
    found = [
        (change, scope_key or (f"campaign:{change.campaign_id}" if change.campaign_id else ""), start, end)
        for change, scope_key, start, end in session.execute(stmt)
    ]
    names = scope_names(session, {key for _change, key, _start, _end in found if key})
    rows = []
    for change, scope_key, start, end in found:
        described = names.get(scope_key) or ScopeName(scope_key, "", scope_key)
        rows.append(
            {
                "id": change.id,
                "scope_key": scope_key,
                "scope_type": described.scope_type,
                "scope_name": described.name,
                "account_name": described.account_name,
                "platform": described.platform,
                "period_start": start,
                "period_end": end,
                "target": change.target,
                "currency": change.currency,
                "old_amount": change.old_amount,
                "new_amount": change.new_amount,
                "reason": change.reason,
                "status": change.status,
                "proposed_by": change.proposed_by,
                "proposed_at": change.proposed_at,
                "decided_by": change.decided_by,
                "decided_at": change.decided_at,
                "decision_note": change.decision_note,
                "push_to_meta": change.push_to_meta,
                "meta_push_status": change.meta_push_status,
                "meta_push_result": change.meta_push_result,
            }
        )
    return rows


OWN_PROPOSAL = N_("{who} proposed this change; another manager must approve it (four eyes).")


def approval_refusal(actor: Actor, proposed_by: str | None) -> Message | None:
    """Why `actor` may not approve a proposal by `proposed_by`, or None when they may (four eyes).

    In team mode (people signed in) nobody approves their own proposal. In local mode (one person, the local
    admin) and on the command line there is nobody else to ask, so approving one's own proposal is allowed."""
    if is_one_person(actor):
        return None
    if proposed_by and actor.email.strip().lower() == proposed_by.strip().lower():
        return Message(OWN_PROPOSAL, {"who": proposed_by})
    return None


def propose_change(
    session: Session,
    actor: Actor,
    *,
    new_amount: object,
    reason: str,
    plan_id: int | None = None,
    campaign_id: int | None = None,
    target: str = TARGET_PLAN,
    push_to_meta: bool = False,
    locale: str | None = "en_US",
) -> BudgetChange:
    """Propose a new plan amount (or a new Meta daily/lifetime budget for a campaign); `new_amount` is a Decimal
    or text read in `locale` (`budgets.plans.plan_amount`)."""
    require(actor, "budget.propose")
    if target not in TARGETS:
        raise BudgetError(
            N_("target: {value} is not one of {choices}."), value=repr(target), choices=Codes("budget_target", TARGETS)
        )
    if not (reason or "").strip():
        raise BudgetError(N_("reason: say why the budget should change."))
    if target == TARGET_PLAN:
        plan = session.get(BudgetPlan, plan_id) if plan_id is not None else None
        if plan is None:
            raise BudgetError(N_("plan: budget plan {id} does not exist."), id=plan_id)
        currency, old, campaign_id = plan.currency, plan.amount, plan.campaign_id
        push_to_meta = False
    else:
        campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
        if campaign is None:
            raise BudgetError(N_("campaign: campaign {id} does not exist."), id=campaign_id)
        field_name = "daily_budget" if target == TARGET_META_DAILY else "lifetime_budget"
        if campaign.daily_budget is None and campaign.lifetime_budget is None:
            raise BudgetError(N_("campaign: its budget lives on the ad sets (ABO); change them in Ads Manager."))
        if getattr(campaign, field_name) is None:
            raise BudgetError(
                N_("target: the campaign has no daily budget to change.")
                if field_name == "daily_budget"
                else N_("target: the campaign has no lifetime budget to change.")
            )
        currency, old = campaign.currency, getattr(campaign, field_name)
    amount = plan_amount(new_amount, currency, FIELD_NEW_AMOUNT, locale)
    if old is not None and amount == old:
        raise BudgetError(N_("new amount: it is already {amount} {currency}."), amount=amount, currency=currency)
    change = BudgetChange(
        budget_plan_id=plan_id if target == TARGET_PLAN else None,
        campaign_id=campaign_id,
        target=target,
        old_amount=old,
        new_amount=amount,
        currency=currency,
        reason=reason.strip(),
        status=PROPOSED,
        proposed_by=actor.email,
        proposed_at=utcnow(),
        push_to_meta=bool(push_to_meta),
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor,
        "propose",
        "budget_change",
        change.id,
        after=audit.snapshot(change),
        summary=f"Proposed {target} {old if old is not None else '-'} -> {amount} {currency}: {reason.strip()}",
    )
    return change


def _open_change(session: Session, change_id: int) -> BudgetChange:
    change = session.get(BudgetChange, change_id)
    if change is None:
        raise BudgetError(N_("change: budget change {id} does not exist."), id=change_id)
    if change.status != PROPOSED:
        raise BudgetError(N_("change: budget change {id} is already {status}."), id=change_id, status=change.status)
    return change


def approve_change(
    session: Session,
    actor: Actor,
    change_id: int,
    *,
    note: str | None = None,
    push: MetaPush | None = None,
) -> BudgetChange:
    """Approve a proposal (managers): a plan change is applied to the plan; a Meta budget change is
    pushed through `push` when the `meta_budget_push` setting is on and the proposal asked for it.
    Nobody approves their own proposal in team mode (`approval_refusal`: a TransitionError)."""
    require(actor, "budget.approve")
    change = _open_change(session, change_id)
    refusal = approval_refusal(actor, change.proposed_by)
    if refusal is not None:
        raise TransitionError(refusal)
    before = audit.snapshot(change)
    if change.target == TARGET_PLAN:
        plan = session.get(BudgetPlan, change.budget_plan_id)
        if plan is None:
            raise BudgetError(N_("plan: the plan of change {id} no longer exists."), id=change_id)
        if change.old_amount is not None and plan.amount != change.old_amount:
            raise BudgetError(
                N_(
                    "plan: it changed from {old} to {new} {currency} since the proposal; "
                    "reject this change and propose again."
                ),
                old=change.old_amount,
                new=plan.amount,
                currency=plan.currency,
            )
        plan_before = audit.snapshot(plan)
        plan.amount = change.new_amount
        session.flush()
        audit.record(
            session,
            actor,
            "update",
            "budget_plan",
            plan.id,
            before=plan_before,
            after=audit.snapshot(plan),
            summary=f"Plan {plan.scope_key}: {change.old_amount} -> {change.new_amount} {plan.currency} "
            f"(change {change.id}: {change.reason})",
        )
    change.status = APPROVED
    change.decided_by = actor.email
    change.decided_at = utcnow()
    change.decision_note = (note or "").strip() or None
    if change.target != TARGET_PLAN and change.push_to_meta:
        _push(session, change, push)
    session.flush()
    audit.record(
        session,
        actor,
        "approve",
        "budget_change",
        change.id,
        before=before,
        after=audit.snapshot(change),
        summary=f"Approved {change.target} {change.old_amount} -> {change.new_amount} {change.currency}",
    )
    return change


def _push(session: Session, change: BudgetChange, push: MetaPush | None) -> None:
    if not get_setting(session, "meta_budget_push"):
        change.meta_push_status = "skipped"
        change.meta_push_result = "Pushing budgets to Meta is off (setting meta_budget_push)."
        return
    if push is None:
        change.meta_push_status = "failed"
        change.meta_push_result = "No Meta connection is configured to push the budget."
        return
    campaign = session.get(Campaign, change.campaign_id)
    if campaign is None:
        change.meta_push_status = "failed"
        change.meta_push_result = "The campaign of this change no longer exists."
        return
    field_name = "daily_budget" if change.target == TARGET_META_DAILY else "lifetime_budget"
    try:
        result = push(campaign, field_name, change.new_amount)
    except Exception as exc:  # the adapter's error is the result we record; the approval stands
        change.meta_push_status = "failed"
        change.meta_push_result = f"{type(exc).__name__}: {exc}"[:2000]
        return
    change.meta_push_status = "pushed"
    change.meta_push_result = str(result)[:2000]
    setattr(campaign, field_name, change.new_amount)


def reject_change(session: Session, actor: Actor, change_id: int, *, note: str) -> BudgetChange:
    """Reject a proposal (managers), saying why."""
    require(actor, "budget.approve")
    change = _open_change(session, change_id)
    if not (note or "").strip():
        raise BudgetError(N_("note: say why the change is rejected."))
    before = audit.snapshot(change)
    change.status = REJECTED
    change.decided_by = actor.email
    change.decided_at = utcnow()
    change.decision_note = note.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "reject",
        "budget_change",
        change.id,
        before=before,
        after=audit.snapshot(change),
        summary=f"Rejected {change.target} {change.old_amount} -> {change.new_amount} {change.currency}: {note}",
    )
    return change


def open_changes(session: Session) -> list[dict]:
    """Proposals waiting for a decision, oldest first."""
    rows = [r for r in change_history(session, limit=1000) if r["status"] == PROPOSED]
    return list(reversed(rows))
