"""The `influencer-payments` export: payments dated in the period (paid date, else due date), converted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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
from influencers.models import Collaboration, Influencer, Payment, Program


def build(ctx: ExportContext) -> Iterator[list[str]]:
    s = ctx.session
    dated = func.coalesce(Payment.paid_date, Payment.due_date)
    stmt = (
        select(Payment, Influencer.name, Program.name, dated.label("dated"))
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(dated.between(ctx.since, ctx.until))
        .order_by(dated, Payment.id)
    )
    target = ctx.currency
    for p, influencer, program, day in s.execute(stmt, execution_options={"yield_per": YIELD_PER}):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        used = ctx.rate(p.currency, day)
        yield [
            str(p.id),
            influencer,
            program,
            plain(p.amount, p.currency),
            p.currency,
            p.status,
            p.due_date.isoformat() if p.due_date else "",
            p.paid_date.isoformat() if p.paid_date else "",
            p.invoice_number or "",
            target,
            "" if used is None else rate_text(used.rate),
            "" if used is None else plain(convert(p.amount, p.currency, used, target), target),
            "" if used is None else used.rate_date,
            ctx.policy if used is None else used.policy,
            p.method or "",
            p.reference or "",
            "" if used is None else used.source,
            "true" if used is None else "false",
        ]


SPEC = ExportSpec(
    "influencer-payments",
    "Influencer payments",
    "Payments dated in the period (paid date, else due date), converted at the payment date's rate.",
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
        *FX_TRAIL,
    ),
    frozenset({"influencer", "program", "status", "invoice_number", "method", "reference"}),
    build,
    needs=payment_needs,
    amount_columns=(("amount", "currency"), ("amount_reporting", "reporting_currency")),
    date_columns=frozenset({"due_date", "paid_date", "fx_rate_date"}),
    number_columns=frozenset({"fx_rate"}),
)
