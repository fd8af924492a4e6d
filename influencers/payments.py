"""Creator payments: pending -> approved (manager) -> paid (finance), cancel, overdue flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db import audit
from db.calendar import workspace_today
from db.errors import ConflictError, FieldErrors, NotFound, TransitionError
from db.money import quantize
from db.roles import Actor, require
from db.types import utcnow
from influencers.models import Payment
from influencers.programs import _currency, _flush, get_collaboration

# status -> statuses it may move to, and the permission each move needs.
TRANSITIONS: dict[str, dict[str, str]] = {
    "pending": {"approved": "payment.approve", "cancelled": "program.edit"},
    "approved": {"paid": "payment.mark_paid", "cancelled": "payment.approve", "pending": "payment.approve"},
    "paid": {},
    "cancelled": {},
}


def is_overdue(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """Still to pay (pending or approved) and past its due date."""
    return status in ("pending", "approved") and due_date is not None and due_date < today


def get_payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"payment #{payment_id} does not exist")
    return payment


def add_payment(
    session: Session,
    actor: Actor,
    collaboration_id: int,
    amount: Decimal | str,
    currency: str | None = None,
    due_date: dt.date | None = None,
    invoice_number: str | None = None,
    notes: str | None = None,
) -> Payment:
    """Add a pending payment to a collaboration (currency defaults to the collaboration's)."""
    require(actor, "program.edit")
    collab = get_collaboration(session, collaboration_id)
    errors = {}
    try:
        code = _currency(currency or collab.currency)
    except ValueError as exc:
        errors["currency"], code = str(exc), collab.currency
    try:
        value = quantize(Decimal(str(amount)), code)
        if value <= 0:
            errors["amount"] = "the amount must be more than zero"
    except Exception:
        errors["amount"] = f"{amount!r} is not an amount"
    if errors:
        raise FieldErrors(errors)
    payment = Payment(
        collaboration_id=collab.id,
        amount=value,
        currency=code,
        due_date=due_date,
        status="pending",
        invoice_number=(invoice_number or "").strip() or None,
        notes=notes or None,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "payment",
        payment.id,
        after=audit.snapshot(payment),
        summary=f"Added a payment of {value} {code} to collaboration #{collab.id}",
    )
    return payment


def _move(
    session: Session, actor: Actor, payment_id: int, to_status: str, version_id: int | None, **fields: Any
) -> Payment:
    payment = get_payment(session, payment_id)
    allowed = TRANSITIONS[payment.status]
    if to_status not in allowed:
        hint = {
            ("pending", "paid"): " A manager must approve it first.",
            ("paid", "cancelled"): " A paid payment stays paid; record a refund separately.",
        }.get((payment.status, to_status), "")
        raise TransitionError(f"Payment #{payment.id} is {payment.status} and cannot become {to_status}.{hint}")
    require(actor, allowed[to_status])
    if version_id is not None and payment.version_id != int(version_id):
        raise ConflictError("payment", payment.id, audit.snapshot(payment))
    before = audit.snapshot(payment)
    payment.status = to_status
    for key, value in fields.items():
        setattr(payment, key, value)
    _flush("payment", payment.id, session)
    audit.record(
        session,
        actor,
        to_status if to_status != "approved" else "approve",
        "payment",
        payment.id,
        before=before,
        after=audit.snapshot(payment),
        summary=f"Payment #{payment.id} ({payment.amount} {payment.currency}) is now {to_status}",
    )
    return payment


def approve_payment(session: Session, actor: Actor, payment_id: int, version_id: int | None = None) -> Payment:
    """pending -> approved (managers)."""
    return _move(session, actor, payment_id, "approved", version_id, approved_by=actor.email, approved_at=utcnow())


def mark_paid(
    session: Session,
    actor: Actor,
    payment_id: int,
    *,
    paid_date: dt.date | None,
    invoice_number: str | None = None,
    method: str | None = None,
    reference: str | None = None,
    version_id: int | None = None,
) -> Payment:
    """approved -> paid (finance), with the paid date and how it was paid."""
    errors = {}
    if paid_date is None:
        errors["paid_date"] = "give the date the money left the account"
    elif paid_date > workspace_today(session):
        errors["paid_date"] = "the paid date is in the future"
    if errors:
        raise FieldErrors(errors)
    payment = get_payment(session, payment_id)
    return _move(
        session,
        actor,
        payment_id,
        "paid",
        version_id,
        paid_date=paid_date,
        paid_by=actor.email,
        invoice_number=(invoice_number or "").strip() or payment.invoice_number,
        method=(method or "").strip() or None,
        reference=(reference or "").strip() or None,
    )


def cancel_payment(session: Session, actor: Actor, payment_id: int, version_id: int | None = None) -> Payment:
    return _move(session, actor, payment_id, "cancelled", version_id)


def reopen_payment(session: Session, actor: Actor, payment_id: int, version_id: int | None = None) -> Payment:
    """approved -> pending (managers), e.g. to correct the amount before it is paid."""
    return _move(session, actor, payment_id, "pending", version_id, approved_by=None, approved_at=None)
