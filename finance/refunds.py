"""Refunds on creator payments as people record them: `influencers.payments.record_refund`, refused in a month
finance has closed (its exports are served from snapshots that never change)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from db.roles import Actor
from finance.exports.files import locked_months
from influencers import payments
from influencers.models import PaymentRefund


def record_refund(
    session: Session,
    actor: Actor,
    payment_id: int,
    amount: Decimal | str | None,
    refund_date: dt.date | None,
    reason: str | None,
    reference: str | None = None,
) -> PaymentRefund:
    """Record a refund (`influencers.payments.record_refund`) unless its date falls in a closed month."""
    return payments.record_refund(
        session,
        actor,
        payment_id,
        amount,
        refund_date,
        reason,
        reference,
        closed_months=set(locked_months(session)),
    )
