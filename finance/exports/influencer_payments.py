"""The `influencer-payments` export: payments dated in the period (paid date, else due date) and refunds dated in
the period (their refund date), each converted at its own date's rate; a refund is its own row with a negative
amount that names its payment, so the paid rows and refund rows of a file sum to the net paid."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from db.money import plain
from finance.exports.context import (
    FX_TRAIL,
    REPORTING,
    YIELD_PER,
    ExportContext,
    ExportSpec,
    convert,
    payment_needs,
    rate_text,
)
from influencers.models import Collaboration, Influencer, Payment, PaymentRefund, Program

PAYMENT, REFUND = "payment", "refund"


def _day(value: object) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]


def _payments(ctx: ExportContext) -> Iterator[tuple[dt.date, int, int, list[Any]]]:
    dated = func.coalesce(Payment.paid_date, Payment.due_date)
    stmt = (
        select(Payment, Influencer.name, Program.name, dated.label("dated"))
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(dated.between(ctx.since, ctx.until))
        .order_by(dated, Payment.id)
    )
    for p, influencer, program, day in ctx.session.execute(stmt, execution_options={"yield_per": YIELD_PER}):
        day = _day(day)
        row = [
            str(p.id),
            influencer,
            program,
            p.amount,
            p.currency,
            p.status,
            p.due_date.isoformat() if p.due_date else "",
            p.paid_date.isoformat() if p.paid_date else "",
            p.invoice_number or "",
            p.method or "",
            p.reference or "",
            PAYMENT,
            "",
            "",
        ]
        yield day, p.id, 0, row


def _refunds(ctx: ExportContext) -> Iterator[tuple[dt.date, int, int, list[Any]]]:
    stmt = (
        select(PaymentRefund, Payment.invoice_number, Influencer.name, Program.name)
        .join(Payment, Payment.id == PaymentRefund.payment_id)
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(PaymentRefund.refund_date.between(ctx.since, ctx.until))
        .order_by(PaymentRefund.refund_date, PaymentRefund.payment_id, PaymentRefund.id)
    )
    for r, invoice, influencer, program in ctx.session.execute(stmt, execution_options={"yield_per": YIELD_PER}):
        day = _day(r.refund_date)
        row = [
            str(r.payment_id),  # the payment it refunds
            influencer,
            program,
            -r.amount,
            r.currency,
            REFUND,
            "",
            day.isoformat(),  # the day the money came back
            invoice or "",
            "",
            r.reference or "",
            REFUND,
            str(r.id),
            r.reason,
        ]
        yield day, r.payment_id, r.id, row


def build(ctx: ExportContext) -> Iterator[list[str]]:
    target = ctx.currency
    # By date, then payment: a refund follows its payment when both fall on the same day.
    for day, _pid, _rid, row in heapq.merge(_payments(ctx), _refunds(ctx), key=lambda x: x[:3]):
        amount, currency = row[3], row[4]
        used = ctx.rate(currency, day)
        yield [
            *row[:3],
            plain(amount, currency),
            *row[4:9],
            target,
            "" if used is None else rate_text(used.rate),
            "" if used is None else plain(convert(amount, currency, used, target), target),
            "" if used is None else used.rate_date,
            ctx.policy if used is None else used.policy,
            *row[9:],
            "" if used is None else used.source,
            "true" if used is None else "false",
        ]


SPEC = ExportSpec(
    "influencer-payments",
    "Influencer payments",
    "Payments dated in the period (paid date, else due date) and refunds on their own date (negative rows), "
    "each converted at its own date's rate.",
    (
        "payment_id",
        "influencer",
        "program",
        "amount",
        "currency",
        "status",
        "due_date",
        "paid_date",
        "invoice_number",
        "reporting_currency",
        "fx_rate",
        "amount_reporting",
        *REPORTING,
        "method",
        "reference",
        "entry_type",
        "refund_id",
        "refund_reason",
        *FX_TRAIL,
    ),
    frozenset({"influencer", "program", "status", "invoice_number", "method", "reference", "refund_reason"}),
    build,
    needs=payment_needs,
    amount_columns=(("amount", "currency"), ("amount_reporting", "reporting_currency")),
    date_columns=frozenset({"due_date", "paid_date", "fx_rate_date"}),
    number_columns=frozenset({"fx_rate"}),
)
