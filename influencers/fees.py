"""Influencer fees, the one definition: what each collaboration commits, recognises and pays, and when.

Every page and export that shows an influencer fee figure (the Budgets page, the marketing ledger and the
marketing-spend export, the Overview, the Programs page's creator cost through `committed_by_collaboration()`)
reads it from `fee_amounts()`. The rules (docs/budgets.md, "Influencer fees"):
- the **contracted fee** of a collaboration (`contracted_fee`): flat and commission = the fixed fee; per
  deliverable = each deliverable's own fee, else the collaboration's fee for that deliverable (one deliverable when
  none is planned yet); product only = no fee. The product value is the separate `product_seeding` channel.
  Commission earned on revenue is part of ROI cost (`influencers.roi`) and of what is paid, not of the contract.
- **committed**: the whole contracted fee (and product value) of a collaboration at stage contracted or later
  (never declined), on its contract date (else its flight start, else the day it reached its stage);
- **recognised** (finance's "actual"), by the workspace's `fee_recognition` setting:
  `on_delivery`: on each deliverable's published date, a per-deliverable fee as above, any other fee split evenly
  over all the collaboration's deliverables (rounded to the currency, the remainder on the last by id);
  `over_flight`: spread evenly by day over the flight (start_date..end_date, both included), each day the
  difference of the rounded running totals (so every month and every run of days is exact to the unit); a
  collaboration without a flight falls back to on_delivery;
- **paid**: payments with status paid, on their paid date, less each refund on its own refund date (a negative paid
  amount: a refund in a later month lowers that month, never the month the payment was paid in).
- **committed, not recognised in a period** (`unrecognised_in`, the Budgets page of an ended month): the committed
  amount of each collaboration committed in the period less what it recognised up to the period's end.
Amounts stay in the collaboration's (payment's) currency; callers convert.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.calendar import local_date, month_start, workspace_timezone
from db.errors import N_, Codes, DomainError
from db.money import quantize
from db.settings import get_setting
from influencers.models import CONTRACTED_STAGES, Collaboration, Deliverable, Payment, PaymentRefund, Program

RECOGNITION = ("on_delivery", "over_flight")
CHANNEL_FEES = "influencer_fees"
CHANNEL_SEEDING = "product_seeding"
COMMITTED, RECOGNISED, PAID = "committed", "recognised", "paid"
ZERO = Decimal(0)


class FeeError(DomainError):
    """A fee rule cannot be applied (an unknown recognition setting)."""


def fee_recognition(session: Session) -> str:
    """The workspace's fee recognition rule (`on_delivery` or `over_flight`)."""
    value = str(get_setting(session, "fee_recognition"))
    return check_recognition(value)


def check_recognition(value: str) -> str:
    if value not in RECOGNITION:
        raise FeeError(
            N_("Unknown fee recognition {value}; use one of {choices}."),
            value=value,
            choices=Codes("recognition", RECOGNITION),
        )
    return value


def contracted_fee(fee_type: str, fee: Decimal | None, deliverable_fees: Iterable[Decimal | None] = ()) -> Decimal:
    """The fee a collaboration's contract is worth (see the module docstring)."""
    if fee_type == "product_only":
        return ZERO
    if fee_type == "per_deliverable":
        own = list(deliverable_fees)
        if not own:
            return fee or ZERO
        return sum((d if d is not None else (fee or ZERO) for d in own), ZERO)
    return fee or ZERO


def _split_even(total: Decimal, parts: int, currency: str) -> list[Decimal]:
    share = quantize(total / parts, currency)
    shares = [share] * (parts - 1)
    return [*shares, total - sum(shares, ZERO)]


def spread_by_day(total: Decimal, start: dt.date, end: dt.date, currency: str) -> list[tuple[dt.date, Decimal]]:
    """(day, amount) for an amount spread evenly over start..end (both included).

    Each day gets the difference of the rounded running totals, so the days add up to `total` exactly and any
    run of days (a month, the days to yesterday) is the rounded share of those days: one rule for the ledger's
    months and the Budgets page's days. Days that round to nothing are left out.
    """
    days = (end - start).days + 1
    out: list[tuple[dt.date, Decimal]] = []
    given = ZERO
    for index in range(days):
        running = total if index == days - 1 else quantize(total * (index + 1) / days, currency)
        if running != given:
            out.append((start + dt.timedelta(days=index), running - given))
            given = running
    return out


def recognised(
    collab: Collaboration, deliverables: list[Deliverable], amount: Decimal, channel: str, recognition: str
) -> list[tuple[dt.date, Decimal]]:
    """(day, amount) recognised for one collaboration and channel."""
    cur = collab.currency
    if recognition == "over_flight" and collab.start_date and collab.end_date and collab.end_date >= collab.start_date:
        return spread_by_day(amount, collab.start_date, collab.end_date, cur)
    if not deliverables:
        return []
    if channel == CHANNEL_FEES and collab.fee_type == "per_deliverable":
        shares = [d.fee if d.fee is not None else (collab.fee or ZERO) for d in deliverables]
    else:
        shares = _split_even(amount, len(deliverables), cur)
    return [
        (d.published_date, share)
        for d, share in zip(deliverables, shares, strict=True)
        if d.status == "published" and d.published_date is not None
    ]


@dataclass(frozen=True)
class FeeAmount:
    """One dated fee amount: `kind` is committed, recognised or paid; `channel` influencer_fees or product_seeding."""

    program_id: int
    program_name: str
    program_currency: str
    collaboration_id: int
    channel: str
    kind: str
    day: dt.date
    currency: str
    amount: Decimal


def fee_amounts(
    session: Session,
    since: dt.date,
    until: dt.date,
    *,
    recognition: str | None = None,
    program_ids: Iterable[int] | None = None,
    collaboration_ids: Iterable[int] | None = None,
) -> list[FeeAmount]:
    """Every committed, recognised and paid fee amount dated since..until (both included), of the given programs
    and collaborations (all when None)."""
    recognition = check_recognition(recognition) if recognition else fee_recognition(session)
    tz = workspace_timezone(session)
    stmt = (
        select(Collaboration, Program.name, Program.currency)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Collaboration.stage.in_(CONTRACTED_STAGES))
        .order_by(Collaboration.id)
    )
    wanted = None if program_ids is None else sorted(set(program_ids))
    only = None if collaboration_ids is None else sorted(set(collaboration_ids))
    stmt = _of_collaborations(stmt, wanted, only)
    collabs = session.execute(stmt).all()
    by_collab: dict[int, list[Deliverable]] = defaultdict(list)
    if collabs:
        ids = [c.id for c, _n, _c in collabs]
        for d in session.scalars(
            select(Deliverable)
            .where(Deliverable.collaboration_id.in_(ids))
            .order_by(Deliverable.collaboration_id, Deliverable.id)
        ):
            by_collab[d.collaboration_id].append(d)
    out: list[FeeAmount] = []
    for collab, program_name, program_currency in collabs:
        items = by_collab[collab.id]

        fee = contracted_fee(collab.fee_type, collab.fee, (d.fee for d in items))
        committed_on = collab.contract_date or collab.start_date or local_date(collab.stage_changed_at, tz)
        for channel, total in ((CHANNEL_FEES, fee), (CHANNEL_SEEDING, collab.product_value or ZERO)):
            if total <= 0:
                continue
            dated = [(COMMITTED, committed_on, total)] if committed_on is not None else []
            dated += [(RECOGNISED, day, share) for day, share in recognised(collab, items, total, channel, recognition)]
            out.extend(
                FeeAmount(
                    collab.program_id,
                    program_name,
                    program_currency,
                    collab.id,
                    channel,
                    kind,
                    day,
                    collab.currency,
                    value,
                )
                for kind, day, value in dated
                if value and since <= day <= until
            )
    paid = (
        select(Payment.collaboration_id, Payment.paid_date, Payment.currency, Payment.amount)
        .add_columns(Collaboration.program_id, Program.name, Program.currency)
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Payment.status == PAID, Payment.paid_date >= since, Payment.paid_date <= until)
        .order_by(Payment.paid_date, Payment.id)
    )
    for collab_id, day, currency, value, program_id, name, program_currency in session.execute(
        _of_collaborations(paid, wanted, only)
    ):
        out.append(
            FeeAmount(program_id, name, program_currency, collab_id, CHANNEL_FEES, PAID, day, currency, Decimal(value))
        )
    refunds = (
        select(Payment.collaboration_id, PaymentRefund.refund_date, PaymentRefund.currency, PaymentRefund.amount)
        .add_columns(Collaboration.program_id, Program.name, Program.currency)
        .join(Payment, Payment.id == PaymentRefund.payment_id)
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Payment.status == PAID, PaymentRefund.refund_date >= since, PaymentRefund.refund_date <= until)
        .order_by(PaymentRefund.refund_date, PaymentRefund.id)
    )
    for collab_id, day, currency, value, program_id, name, program_currency in session.execute(
        _of_collaborations(refunds, wanted, only)
    ):
        out.append(
            FeeAmount(program_id, name, program_currency, collab_id, CHANNEL_FEES, PAID, day, currency, -Decimal(value))
        )
    return out


def _of_collaborations(stmt: Any, programs: Iterable[int] | None, collaborations: Iterable[int] | None) -> Any:
    """`stmt` (joined to Collaboration) kept to the programs and collaborations asked for (None: all)."""
    if programs is not None:
        stmt = stmt.where(Collaboration.program_id.in_(programs))
    if collaborations is not None:
        stmt = stmt.where(Collaboration.id.in_(collaborations))
    return stmt


def committed_by_collaboration(session: Session, collaboration_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Per collaboration asked for: its whole committed amount per channel (influencer_fees, product_seeding),
    whatever the commitment's date, in the collaboration's currency. A collaboration before contracted (or declined)
    commits nothing: its proposed fee and product value are zero here, as in the ledger."""
    ids = sorted(set(collaboration_ids))
    out = {cid: {CHANNEL_FEES: ZERO, CHANNEL_SEEDING: ZERO} for cid in ids}
    if not ids:
        return out
    for a in fee_amounts(session, dt.date.min, dt.date.max, collaboration_ids=ids):
        if a.kind == COMMITTED:
            out[a.collaboration_id][a.channel] += a.amount
    return out


def unrecognised_in(
    session: Session,
    since: dt.date,
    until: dt.date,
    *,
    recognition: str | None = None,
    fee_items: Iterable[FeeAmount] | None = None,
) -> list[FeeAmount]:
    """Per collaboration committed since..until: what it committed less what it recognised up to `until` (from any
    earlier day: a flight may start before its contract), when more than nothing, as `FeeAmount`s of kind COMMITTED
    dated on `until`, per channel and in the collaboration's currency. `fee_items`: `fee_amounts` of since..until
    when the caller has them (the committed amounts are read from them)."""
    items = fee_amounts(session, since, until, recognition=recognition) if fee_items is None else fee_items
    committed: dict[tuple[int, str], FeeAmount] = {}
    left: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for a in items:
        if a.kind == COMMITTED and since <= a.day <= until:
            committed[(a.collaboration_id, a.channel)] = a
            left[(a.collaboration_id, a.channel)] += a.amount
    if not committed:
        return []
    ids = sorted({cid for cid, _channel in committed})
    for a in fee_amounts(session, dt.date.min, until, recognition=recognition, collaboration_ids=ids):
        if a.kind == RECOGNISED and (a.collaboration_id, a.channel) in left:
            left[(a.collaboration_id, a.channel)] -= a.amount
    return [
        FeeAmount(
            a.program_id, a.program_name, a.program_currency, a.collaboration_id, a.channel, COMMITTED, until,
            a.currency, left[key],
        )
        for key, a in sorted(committed.items())
        if left[key] > 0
    ]  # fmt: skip


def monthly_totals(amounts: Iterable[FeeAmount]) -> dict[tuple[int, str, str, dt.date], dict[str, Decimal]]:
    """Per (program, channel, currency, month): committed, recognised and paid sums."""
    totals: dict[tuple[int, str, str, dt.date], dict[str, Decimal]] = defaultdict(
        lambda: {COMMITTED: ZERO, RECOGNISED: ZERO, PAID: ZERO}
    )
    for a in amounts:
        totals[(a.program_id, a.channel, a.currency, month_start(a.day))][a.kind] += a.amount
    return dict(totals)
