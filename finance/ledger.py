"""The marketing ledger: per month, channel and campaign or program, planned / committed / actual / paid.

Channels: `meta_ads` (per campaign), `influencer_fees` and `product_seeding` (per program).
- planned: BudgetPlan amounts (campaign, program and channel scopes), prorated by day to each month;
- committed: Meta spend is committed once spent (= actual); influencer fees and product value of contracted
  collaborations (stage contracted or later, not declined) in the month of the contract date (else the flight
  start);
- actual: Meta spend from daily campaign insights; influencer fees and product value recognised by the
  `fee_recognition` setting:
  * `on_delivery`: when a deliverable is published. A per-deliverable fee uses the deliverable's own fee;
    otherwise the collaboration's fee is split evenly over all its deliverables (rounded to the currency, the
    remainder on the last deliverable by id) so the shares add up to the fee exactly;
  * `over_flight`: spread evenly by day over the collaboration's start_date..end_date (whole days, inclusive),
    each month rounded, the remainder in the last month;
- paid: payments with status `paid`, in the month of their paid date.
Meta spend, plans and payments are aggregated in SQL; fee recognition is per deliverable / collaboration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, BudgetPlan, Campaign, CampaignInsight
from db.money import quantize
from db.settings import get_setting
from finance.fx import month_start
from finance.periods import month_key, month_segments
from influencers.models import STAGES, Collaboration, Deliverable, Payment, Program

CHANNELS = ("meta_ads", "influencer_fees", "product_seeding")
RECOGNITION = ("on_delivery", "over_flight")
CONTRACTED_STAGES = tuple(s for s in STAGES[STAGES.index("contracted") :] if s != "declined")
ZERO = Decimal(0)


@dataclass
class LedgerLine:
    """One ledger row. Amounts are in `currency` (None = not applicable to the channel)."""

    month: dt.date
    channel: str
    item_type: str  # campaign | program | channel
    item_id: str
    item_name: str
    currency: str
    planned: Decimal | None = None
    committed: Decimal | None = None
    actual: Decimal = ZERO
    paid: Decimal | None = None
    # Actual amounts by day (for the `daily` FX policy) and the newest day seen (provisional flag).
    actual_days: dict[dt.date, Decimal] = field(default_factory=dict)
    last_day: dt.date | None = None
    timezone_name: str | None = None

    def add(self, attr: str, amount: Decimal) -> None:
        setattr(self, attr, (getattr(self, attr) or ZERO) + amount)


def _split_even(total: Decimal, parts: int, currency: str) -> list[Decimal]:
    share = quantize(total / parts, currency)
    shares = [share] * (parts - 1)
    return [*shares, total - sum(shares, ZERO)]


def _spread_by_day(
    total: Decimal, start: dt.date, end: dt.date, currency: str
) -> list[tuple[dt.date, dt.date, Decimal]]:
    """(month start, last flight day in the month, amount) for a fee spread by day; sums to `total`."""
    days = (end - start).days + 1
    out: list[tuple[dt.date, dt.date, Decimal]] = []
    given = ZERO
    segments = month_segments(start, end)
    for index, (a, b) in enumerate(segments):
        last = index == len(segments) - 1
        amount = total - given if last else quantize(total * ((b - a).days + 1) / days, currency)
        given += amount
        out.append((month_start(a), b, amount))
    return out


def fee_recognition(session: Session) -> str:
    value = str(get_setting(session, "fee_recognition"))
    if value not in RECOGNITION:
        raise ValueError(f"Unknown fee recognition {value!r}; use one of {', '.join(RECOGNITION)}.")
    return value


def build_ledger(
    session: Session,
    since: dt.date,
    until: dt.date,
    *,
    recognition: str | None = None,
    with_days: bool = False,
) -> list[LedgerLine]:
    """Ledger lines for every month touching since..until (amounts only from days inside the range)."""
    if since > until:
        raise ValueError(f"The period starts ({since}) after it ends ({until})")
    recognition = recognition or fee_recognition(session)
    if recognition not in RECOGNITION:
        raise ValueError(f"Unknown fee recognition {recognition!r}; use one of {', '.join(RECOGNITION)}.")
    lines: dict[tuple, LedgerLine] = {}

    def line(month: dt.date, channel: str, item_type: str, item_id: object, name: str, currency: str) -> LedgerLine:
        key = (month, channel, item_type, str(item_id), currency)
        found = lines.get(key)
        if found is None:
            found = LedgerLine(month, channel, item_type, str(item_id), name, currency)
            lines[key] = found
        return found

    dialect = session.get_bind().dialect.name
    mk = month_key(CampaignInsight.date, dialect)
    # Meta ads: actual spend per campaign and month, in SQL.
    stmt = (
        select(
            Campaign.id,
            Campaign.name,
            Campaign.meta_id,
            CampaignInsight.currency,
            AdAccount.timezone_name,
            mk.label("month"),
            func.sum(CampaignInsight.spend),
            func.max(CampaignInsight.date),
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(since, until))
        .group_by(Campaign.id, Campaign.name, Campaign.meta_id, CampaignInsight.currency, AdAccount.timezone_name, mk)
    )
    for cid, name, meta_id, currency, tz, month, spend, last in session.execute(stmt):
        entry = line(dt.date.fromisoformat(month + "-01"), "meta_ads", "campaign", meta_id or cid, name, currency)
        entry.add("actual", Decimal(spend or 0))
        entry.last_day, entry.timezone_name = last, tz
    if with_days:
        daily = (
            select(Campaign.id, Campaign.name, Campaign.meta_id, CampaignInsight.currency, CampaignInsight.date)
            .add_columns(CampaignInsight.spend)
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .where(CampaignInsight.date.between(since, until))
        )
        for cid, name, meta_id, currency, day, spend in session.execute(daily):
            entry = line(month_start(day), "meta_ads", "campaign", meta_id or cid, name, currency)
            entry.actual_days[day] = entry.actual_days.get(day, ZERO) + Decimal(spend or 0)
    for entry in lines.values():
        entry.committed = entry.actual

    # Plans overlapping the range, prorated by day into each month.
    plans = session.execute(
        select(BudgetPlan, Campaign.name, Campaign.meta_id, Program.name)
        .outerjoin(Campaign, Campaign.id == BudgetPlan.campaign_id)
        .outerjoin(Program, Program.id == BudgetPlan.program_id)
        .where(BudgetPlan.period_start <= until, BudgetPlan.period_end >= since)
        .order_by(BudgetPlan.id)
    )
    for plan, campaign_name, meta_id, program_name in plans:
        total_days = (plan.period_end - plan.period_start).days + 1
        for a, b in month_segments(max(since, plan.period_start), min(until, plan.period_end)):
            share = quantize(plan.amount * ((b - a).days + 1) / total_days, plan.currency)
            month = month_start(a)
            if plan.scope_type == "campaign" and plan.campaign_id:
                target = line(month, "meta_ads", "campaign", meta_id or plan.campaign_id, campaign_name, plan.currency)
            elif plan.scope_type == "program" and plan.program_id:
                target = line(month, "influencer_fees", "program", plan.program_id, program_name, plan.currency)
            elif plan.scope_type == "channel" and plan.channel in CHANNELS:
                target = line(month, plan.channel, "channel", plan.channel, "(channel budget)", plan.currency)
            else:
                continue
            target.add("planned", share)

    # Influencer fees and product value of contracted collaborations.
    collabs = session.execute(
        select(Collaboration, Program.name)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Collaboration.stage.in_(CONTRACTED_STAGES))
        .order_by(Collaboration.id)
    ).all()
    deliverables: dict[int, list[Deliverable]] = defaultdict(list)
    if collabs:
        for d in session.scalars(
            select(Deliverable)
            .where(Deliverable.collaboration_id.in_([c.id for c, _ in collabs]))
            .order_by(Deliverable.collaboration_id, Deliverable.id)
        ):
            deliverables[d.collaboration_id].append(d)
    for collab, program_name in collabs:
        cur = collab.currency
        fee = _collab_fee(collab, deliverables[collab.id])
        product = collab.product_value or ZERO
        committed_on = collab.contract_date or collab.start_date
        for channel, amount in (("influencer_fees", fee), ("product_seeding", product)):
            if amount <= 0:
                continue
            if committed_on and since <= committed_on <= until:
                line(month_start(committed_on), channel, "program", collab.program_id, program_name, cur).add(
                    "committed", amount
                )
            for day, share in _recognised(collab, deliverables[collab.id], amount, channel, recognition):
                if not since <= day <= until:
                    continue
                entry = line(month_start(day), channel, "program", collab.program_id, program_name, cur)
                entry.add("actual", share)
                entry.actual_days[day] = entry.actual_days.get(day, ZERO) + share

    # Paid: payments marked paid, by the month of the paid date, in SQL.
    pk = month_key(Payment.paid_date, dialect)
    paid = (
        select(Program.id, Program.name, Payment.currency, pk, func.sum(Payment.amount))
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Payment.status == "paid", Payment.paid_date.between(since, until))
        .group_by(Program.id, Program.name, Payment.currency, pk)
    )
    for pid, pname, currency, month, amount in session.execute(paid):
        line(dt.date.fromisoformat(month + "-01"), "influencer_fees", "program", pid, pname, currency).add(
            "paid", Decimal(amount)
        )

    order = {c: i for i, c in enumerate(CHANNELS)}
    return sorted(
        lines.values(), key=lambda x: (x.month, order.get(x.channel, 9), x.item_name or "", x.item_id, x.currency)
    )


def _collab_fee(collab: Collaboration, deliverables: list[Deliverable]) -> Decimal:
    if collab.fee_type == "product_only":
        return ZERO
    if collab.fee is not None:
        return collab.fee
    if collab.fee_type == "per_deliverable":
        return sum((d.fee or ZERO for d in deliverables), ZERO)
    return ZERO


def _recognised(
    collab: Collaboration, deliverables: list[Deliverable], amount: Decimal, channel: str, recognition: str
) -> list[tuple[dt.date, Decimal]]:
    """(day, amount) recognised for one collaboration and channel; the day is the recognition date."""
    cur = collab.currency
    if recognition == "over_flight":
        if not (collab.start_date and collab.end_date) or collab.end_date < collab.start_date:
            return []
        spread = _spread_by_day(amount, collab.start_date, collab.end_date, cur)
        return [(last, share) for _month, last, share in spread]
    if not deliverables:
        return []
    own_fees = (
        channel == "influencer_fees"
        and collab.fee_type == "per_deliverable"
        and all(d.fee is not None for d in deliverables)
    )
    shares = [d.fee for d in deliverables] if own_fees else _split_even(amount, len(deliverables), cur)
    return [
        (d.published_date, share)  # type: ignore[misc]
        for d, share in zip(deliverables, shares, strict=True)
        if d.status == "published" and d.published_date is not None
    ]
