"""Creator payments: pending -> approved (manager) -> paid (finance), cancel, overdue flag; a payment needs a
collaboration at stage contracted or later. Refunds: money a creator returns on a paid payment, recorded on their
own date without editing the payment (net paid = paid - refunds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit
from db.calendar import month_start, workspace_today
from db.errors import N_, Amount, Day, FieldErrors, Message, Month, NotFound, TransitionError
from db.money import CurrencyError, currency_code
from db.parse import ParseError, is_blank, parse_amount, parse_date
from db.roles import Actor, require
from db.text import TextError, clean_text
from db.types import utcnow
from db.versioning import check_version, flush_or_conflict
from influencers.fees import contracted_fee
from influencers.models import CONTRACTED_STAGES, Collaboration, Deliverable, Payment, PaymentRefund
from influencers.programs import get_collaboration, stage_word

# status -> statuses it may move to, and the permission each move needs.
TRANSITIONS: dict[str, dict[str, str]] = {
    "pending": {"approved": "payment.approve", "cancelled": "program.edit"},
    "approved": {"paid": "payment.mark_paid", "cancelled": "payment.approve", "pending": "payment.approve"},
    "paid": {},
    "cancelled": {},
}
# Payment statuses as words inside messages (pages.components.terms.PAYMENT_STATUS_LABELS translates them).
STATUS_WORDS = {"pending": N_("pending"), "approved": N_("approved"), "paid": N_("paid"), "cancelled": N_("cancelled")}
_REFUSED = {
    ("pending", "paid"): N_("Payment #{id} is {status} and cannot become {target}. A manager must approve it first."),
    ("paid", "cancelled"): N_(
        "Payment #{id} is {status} and cannot become {target}. A paid payment stays paid; record a refund separately."
    ),
}
_REFUSED_DEFAULT = N_("Payment #{id} is {status} and cannot become {target}.")


NOT_POSITIVE = N_("the amount must be more than zero")
OVER_FEE = N_(
    "{amount} brings this creator's payments to {total}, more than the agreed fee of {fee}; tick \"More than the "
    'agreed fee" to add it anyway (a bonus or costs).'
)


def amount_problem(value: Decimal) -> Message | None:
    """Why an amount cannot be a payment (None: it can): it must be more than zero (pages check it as people type)."""
    return Message(NOT_POSITIVE) if value <= 0 else None


def agreed_fee(session: Session, collab: Collaboration) -> Decimal:
    """The fee the collaboration's contract is worth (`influencers.fees.contracted_fee`)."""
    session.flush()
    own = session.scalars(select(Deliverable.fee).where(Deliverable.collaboration_id == collab.id)).all()
    return contracted_fee(collab.fee_type, collab.fee, own)


def payments_total(session: Session, collab: Collaboration, currency: str) -> Decimal:
    """What is already paid or on its way to the creator in `currency` (every payment but the cancelled ones),
    less what the creator refunded."""
    session.flush()
    total = session.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.collaboration_id == collab.id, Payment.currency == currency, Payment.status != "cancelled"
        )
    )
    refunded = session.scalar(
        select(func.sum(PaymentRefund.amount))
        .join(Payment, Payment.id == PaymentRefund.payment_id)
        .where(Payment.collaboration_id == collab.id, PaymentRefund.currency == currency)
    )
    return Decimal(total or 0) - Decimal(refunded or 0)


def is_overdue(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """Still to pay (pending or approved) and past its due date."""
    return status in ("pending", "approved") and due_date is not None and due_date < today


def get_payment(session: Session, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(N_("Payment #{id} does not exist."), id=payment_id)
    return payment


def _text(errors: dict[str, str | Message], name: str, value: str | None, *, multiline: bool = False) -> str | None:
    try:
        return clean_text(value, field=name, multiline=multiline, max_length=100_000) or None
    except TextError as exc:
        errors[name] = exc.message
        return None


def _date(errors: dict[str, str | Message], name: str, value: dt.date | None) -> dt.date | None:
    if is_blank(value):
        return None
    try:
        return parse_date(value)
    except ParseError as exc:
        errors[name] = exc.message
        return None


def add_payment(
    session: Session,
    actor: Actor,
    collaboration_id: int,
    amount: Decimal | str,
    currency: str | None = None,
    due_date: dt.date | None = None,
    invoice_number: str | None = None,
    notes: str | None = None,
    *,
    over_fee: bool = False,
) -> Payment:
    """Add a pending payment to a collaboration at contracted or later (currency defaults to the
    collaboration's); the amount must be an amount of that currency, more than zero. Payments in the
    collaboration's currency that would add up to more than the agreed fee are refused unless `over_fee` says so
    (a bonus, costs): a mistyped amount never goes to approval unnoticed."""
    require(actor, "program.edit")
    collab = get_collaboration(session, collaboration_id)
    if collab.stage not in CONTRACTED_STAGES:
        raise TransitionError(
            N_("A payment needs a collaboration at Contracted or later; {influencer} is at {stage}."),
            influencer=collab.influencer.name,
            stage=stage_word(collab.stage),
        )
    errors: dict[str, str | Message] = {}
    try:
        code = currency_code(currency or collab.currency)
    except CurrencyError as exc:
        errors["currency"], code = exc.message, collab.currency
    value = None
    if is_blank(amount):
        errors["amount"] = Message(N_("the amount is required"))
    else:
        try:
            value = parse_amount(amount, code, allow_negative=True)  # below zero: `amount_problem` says why not
        except ParseError as exc:
            errors["amount"] = exc.message
        else:
            if problem := amount_problem(value):
                errors["amount"] = problem
            elif not over_fee and code == collab.currency:
                fee, total = agreed_fee(session, collab), payments_total(session, collab, code) + value
                if total > fee:
                    errors["amount"] = Message(
                        OVER_FEE,
                        {"amount": Amount(value, code), "total": Amount(total, code), "fee": Amount(fee, code)},
                    )
    due = _date(errors, "due_date", due_date)
    invoice = _text(errors, "invoice_number", invoice_number)
    note = _text(errors, "notes", notes, multiline=True)
    if invoice and len(invoice) > 100:
        errors["invoice_number"] = Message(N_("at most {limit} characters"), {"limit": 100})
    if errors:
        raise FieldErrors(errors)
    payment = Payment(
        collaboration_id=collab.id,
        amount=value,
        currency=code,
        due_date=due,
        status="pending",
        invoice_number=invoice,
        notes=note,
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
    with session.no_autoflush:  # a concurrent save surfaces at flush_or_conflict, not in a query's autoflush
        payment = get_payment(session, payment_id)
        # A stale view first: whatever the move, the user acted on values someone else has changed since.
        check_version("payment", payment, version_id)
        allowed = TRANSITIONS[payment.status]
        if to_status not in allowed:
            raise TransitionError(
                _REFUSED.get((payment.status, to_status), _REFUSED_DEFAULT),
                id=payment.id,
                status=Message(STATUS_WORDS[payment.status]),
                target=Message(STATUS_WORDS[to_status]),
            )
        require(actor, allowed[to_status])
        before = audit.snapshot(payment)
        payment.status = to_status
        for key, value in fields.items():
            setattr(payment, key, value)
    flush_or_conflict(session, "payment", Payment, payment_id)
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
    errors: dict[str, str | Message] = {}
    if paid_date is None:
        errors["paid_date"] = Message(N_("give the date the money left the account"))
    else:
        paid_date = _date(errors, "paid_date", paid_date)
        if paid_date is not None and paid_date > workspace_today(session):
            errors["paid_date"] = Message(N_("the paid date is in the future"))
    invoice = _text(errors, "invoice_number", invoice_number)
    how = _text(errors, "method", method)
    ref = _text(errors, "reference", reference)
    for name, text, limit in (("invoice_number", invoice, 100), ("method", how, 40), ("reference", ref, 200)):
        if text and len(text) > limit:
            errors[name] = Message(N_("at most {limit} characters"), {"limit": limit})
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
        invoice_number=invoice or payment.invoice_number,
        method=how,
        reference=ref,
    )


def cancel_payment(session: Session, actor: Actor, payment_id: int, version_id: int | None = None) -> Payment:
    return _move(session, actor, payment_id, "cancelled", version_id)


def reopen_payment(session: Session, actor: Actor, payment_id: int, version_id: int | None = None) -> Payment:
    """approved -> pending (managers), e.g. to correct the amount before it is paid."""
    return _move(session, actor, payment_id, "pending", version_id, approved_by=None, approved_at=None)


# Refunds -------------------------------------------------------------------------------------------------------
REFUND_NOT_PAID = N_("Payment #{id} is {status}: only a paid payment can be refunded.")
REFUND_OVER = N_(
    "{amount} is more than what is left to refund on payment #{id}: {left} (paid {paid}, refunded {refunded})"
)
REFUND_BEFORE = N_("the refund date {date} is before the payment's paid date {paid_date}")
REFUND_FUTURE = N_("the refund date is in the future")
REFUND_NO_DATE = N_("give the date the money came back")
REFUND_CLOSED = N_(
    "{month} is closed and its files never change: date the refund in an open month (the day it is recorded), "
    "or reopen {month} first"
)
REFUND_NO_REASON = N_("say why the money came back (a cancelled job, a payment made twice, ...)")


def refunded_total(session: Session, payment_id: int) -> Decimal:
    """What has been refunded on one payment so far (in its currency)."""
    session.flush()
    total = session.scalar(select(func.sum(PaymentRefund.amount)).where(PaymentRefund.payment_id == payment_id))
    return Decimal(total or 0)


def net_of(status: str, amount: Decimal, refunded: Decimal) -> Decimal:
    """THE net paid rule: a paid payment's amount less what was refunded on it; nothing before it is paid."""
    return Decimal(amount) - Decimal(refunded) if status == "paid" else Decimal(0)


def net_paid(session: Session, payment: Payment) -> Decimal:
    """A payment's net paid (`net_of`), its refunds read from the database."""
    return net_of(payment.status, payment.amount, refunded_total(session, payment.id))


def record_refund(
    session: Session,
    actor: Actor,
    payment_id: int,
    amount: Decimal | str | None,
    refund_date: dt.date | None,
    reason: str | None,
    reference: str | None = None,
    *,
    closed_months: Collection[dt.date] = (),
) -> PaymentRefund:
    """Record money a creator returned on a paid payment (whoever may mark payments paid): more than zero, at most
    what is still unrefunded on it, dated on or after its paid date and not in the future, with a reason. The
    payment is never edited; the refund lowers the payment's net paid, the ledger's paid in the refund's month and
    shows as its own negative row in the influencer-payments export. A refund dated in one of `closed_months`
    (first days; `finance.refunds.record_refund` passes the locked ones) is refused: a closed month's snapshot
    never changes, so the refund is dated in an open month. Audited."""
    require(actor, "payment.mark_paid")
    # Lock the payment row (PostgreSQL) so two refunds at once cannot both pass the "at most what is left" check.
    payment = session.scalars(select(Payment).where(Payment.id == payment_id).with_for_update()).one_or_none()
    if payment is None:
        raise NotFound(N_("Payment #{id} does not exist."), id=payment_id)
    if payment.status != "paid":
        raise TransitionError(REFUND_NOT_PAID, id=payment.id, status=Message(STATUS_WORDS[payment.status]))
    code = payment.currency
    errors: dict[str, str | Message] = {}
    value = None
    if is_blank(amount):
        errors["amount"] = Message(N_("the amount is required"))
    else:
        try:
            value = parse_amount(amount, code, allow_negative=True)
        except ParseError as exc:
            errors["amount"] = exc.message
        else:
            paid, refunded = Decimal(payment.amount), refunded_total(session, payment.id)
            if problem := amount_problem(value):
                errors["amount"] = problem
            elif value > paid - refunded:
                errors["amount"] = Message(
                    REFUND_OVER,
                    {
                        "amount": Amount(value, code),
                        "id": payment.id,
                        "left": Amount(paid - refunded, code),
                        "paid": Amount(paid, code),
                        "refunded": Amount(refunded, code),
                    },
                )
    day = None
    if is_blank(refund_date):
        errors["refund_date"] = Message(REFUND_NO_DATE)
    else:
        day = _date(errors, "refund_date", refund_date)
        if day is not None and payment.paid_date is not None and day < payment.paid_date:
            errors["refund_date"] = Message(REFUND_BEFORE, {"date": Day(day), "paid_date": Day(payment.paid_date)})
        elif day is not None and day > workspace_today(session):
            errors["refund_date"] = Message(REFUND_FUTURE)
        elif day is not None and month_start(day) in set(closed_months):
            errors["refund_date"] = Message(REFUND_CLOSED, {"month": Month(day)})
    why = _text(errors, "reason", reason, multiline=True)
    if why is None and "reason" not in errors:
        errors["reason"] = Message(REFUND_NO_REASON)
    ref = _text(errors, "reference", reference)
    if ref and len(ref) > 200:
        errors["reference"] = Message(N_("at most {limit} characters"), {"limit": 200})
    if errors:
        raise FieldErrors(errors)
    if value is None or day is None or why is None:  # every missing value has its message above
        raise FieldErrors({"amount": Message(N_("the amount is required"))})
    refund = PaymentRefund(
        payment_id=payment.id,
        amount=value,
        currency=code,
        refund_date=day,
        reason=why,
        reference=ref,
        recorded_by=actor.email,
    )
    session.add(refund)
    session.flush()
    audit.record(
        session,
        actor,
        "refund",
        "payment",
        payment.id,
        after=audit.snapshot(refund),
        summary=f"Refund #{refund.id} of {value} {code} on payment #{payment.id} ({day.isoformat()}): {why}",
    )
    return refund


def payment_refunds(session: Session, payment_ids: list[int] | None = None) -> list[PaymentRefund]:
    """Refunds (of the given payments, or all), by payment then date."""
    stmt = select(PaymentRefund).order_by(PaymentRefund.payment_id, PaymentRefund.refund_date, PaymentRefund.id)
    if payment_ids is not None:
        stmt = stmt.where(PaymentRefund.payment_id.in_(sorted(set(payment_ids))))
    return list(session.scalars(stmt))
