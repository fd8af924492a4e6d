"""Read-only influencer and program queries for pages: the directory with its filters, the detail view,
the pipeline board, deliverables and payments lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign
from influencers.deliverables import RESULT_FIELDS, is_late
from influencers.models import (
    Collaboration,
    Deliverable,
    Influencer,
    InfluencerLabel,
    Interaction,
    Payment,
    PaymentRefund,
    Program,
    ProgramCampaign,
    SocialHandle,
    StageChange,
)
from influencers.payments import is_overdue, net_of, payment_refunds

# Follower tiers by the largest following across the creator's handles (or on the filtered platform).
# Lower bound inclusive, upper bound exclusive; documented in docs/influencers.md.
TIERS: dict[str, tuple[int, int | None]] = {
    "nano": (0, 10_000),
    "micro": (10_000, 100_000),
    "mid": (100_000, 500_000),
    "macro": (500_000, 1_000_000),
    "mega": (1_000_000, None),
}
SORTS = {
    "name": "name",
    "followers": "followers",
    "country": "country",
    "status": "status",
    "updated": "updated_at",
}
DIRECTORY_LIMIT = 500


def tier_of(followers: int | None) -> str | None:
    if followers is None:
        return None
    for name, (low, high) in TIERS.items():
        if followers >= low and (high is None or followers < high):
            return name
    return None


def influencer_count(session: Session) -> int:
    return session.scalar(select(func.count(Influencer.id)).where(Influencer.merged_into_id.is_(None))) or 0


def _directory_row(followers, handle_list):
    """One directory row: the contact's columns with its top follower count and its handles as text."""
    return select(
        Influencer.id,
        Influencer.name,
        Influencer.email,
        Influencer.country,
        Influencer.city,
        Influencer.status,
        followers.label("followers"),
        handle_list.label("handles"),
        Influencer.updated_at,
    )


def _directory_stmt(
    *,
    search: str | None = None,
    platform: str | None = None,
    tier: str | None = None,
    niche: str | None = None,
    country: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    counting: bool = False,
):
    """The directory select; `counting` leaves out the handle list (the count does not need it)."""
    columns: list[ColumnElement[Any]] = [
        SocialHandle.influencer_id.label("influencer_id"),
        func.max(SocialHandle.followers).label("followers"),
    ]
    if not counting:
        columns.append(
            func.aggregate_strings(SocialHandle.platform + ":" + SocialHandle.handle, ", ").label("handle_list")
        )
    if not (platform or tier):
        # No handle filter: per-row correlated look-ups (indexed by influencer) so a page of 500 rows
        # never aggregates every handle in the table.
        per_row = SocialHandle.influencer_id == Influencer.id
        if counting:
            stmt = select(func.count(Influencer.id))
        else:
            followers = select(func.max(SocialHandle.followers)).where(per_row).scalar_subquery()
            handle_list = (
                select(func.aggregate_strings(SocialHandle.platform + ":" + SocialHandle.handle, ", "))
                .where(per_row)
                .scalar_subquery()
            )
            stmt = _directory_row(followers, handle_list)
        stmt = stmt.where(Influencer.merged_into_id.is_(None))
    else:
        per_creator = select(*columns)
        if platform:
            per_creator = per_creator.where(SocialHandle.platform == platform)
        handles = per_creator.group_by(SocialHandle.influencer_id).subquery()
        join = handles.c.influencer_id == Influencer.id
        if counting:
            stmt = select(func.count(Influencer.id))
        else:
            stmt = _directory_row(handles.c.followers, handles.c.handle_list)
        stmt = stmt.where(Influencer.merged_into_id.is_(None)).join(handles, join)
        if tier:
            low, high = TIERS[tier]
            stmt = stmt.where(handles.c.followers >= low)  # no follower count = no tier
            if high is not None:
                stmt = stmt.where(handles.c.followers < high)
    # indexed column filters before the EXISTS look-ups
    if country:
        stmt = stmt.where(Influencer.country == country)
    if status:
        stmt = stmt.where(Influencer.status == status)
    for kind, value in (("niche", niche), ("tag", tag)):
        if value:
            stmt = stmt.where(
                exists().where(
                    InfluencerLabel.influencer_id == Influencer.id,
                    InfluencerLabel.kind == kind,
                    InfluencerLabel.value == value,
                )
            )
    # the search last: SQLite evaluates conditions in order and the cheap, indexed ones go first
    if search and search.strip():
        pattern = f"%{search.strip().lower().lstrip('@')}%"
        stmt = stmt.where(
            or_(
                func.lower(Influencer.name).like(pattern),
                Influencer.email.like(pattern),
                exists().where(SocialHandle.influencer_id == Influencer.id, SocialHandle.handle.like(pattern)),
            )
        )
    return stmt


def influencer_directory(
    session: Session,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int | None = DIRECTORY_LIMIT,
    **filters: Any,
) -> tuple[pd.DataFrame, int]:
    """The directory: (rows for the filters, sorted and limited; total matching count)."""
    stmt = _directory_stmt(**filters)
    total = session.scalar(_directory_stmt(counting=True, **filters)) or 0
    column = stmt.selected_columns[SORTS.get(sort, "name")]
    order = column.desc() if descending else column.asc()
    if sort in ("followers", "country"):
        order = order.nulls_last()  # creators without a figure sort last whichever way, on both databases
    stmt = stmt.order_by(order, Influencer.id)
    if limit:
        stmt = stmt.limit(limit)
    frame = pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))
    frame.insert(list(frame.columns).index("followers") + 1, "tier", [tier_of(v) for v in frame["followers"]])
    return frame, total


def influencer_table(session: Session) -> pd.DataFrame:
    """Influencers with their largest following (every row, name order)."""
    return influencer_directory(session, limit=None)[0]


def filter_options(session: Session) -> dict[str, list[str]]:
    """Values offered in the directory filters: niches, tags and countries in use."""
    labels = session.execute(
        select(InfluencerLabel.kind, InfluencerLabel.value).distinct().order_by(InfluencerLabel.value)
    ).all()
    countries = session.scalars(
        select(Influencer.country).where(Influencer.country.is_not(None)).distinct().order_by(Influencer.country)
    ).all()
    return {
        "niche": [v for k, v in labels if k == "niche"],
        "tag": [v for k, v in labels if k == "tag"],
        "country": [c for c in countries if c is not None],  # the query keeps countries that are set
    }


def influencer_detail(session: Session, influencer_id: int) -> dict[str, Any] | None:
    """Everything the detail view shows: contact, handles, collaborations, interactions, paid totals."""
    person = session.get(Influencer, influencer_id)
    if person is None:
        return None
    handles = pd.DataFrame(
        [
            {
                "platform": h.platform,
                "handle": h.handle,
                "profile_url": h.profile_url,
                "followers": h.followers,
                "engagement_rate": h.engagement_rate,
                "avg_views": h.avg_views,
                "metrics_updated_at": h.metrics_updated_at,
            }
            for h in sorted(person.handles, key=lambda h: h.platform)
        ],
        columns=[
            "platform",
            "handle",
            "profile_url",
            "followers",
            "engagement_rate",
            "avg_views",
            "metrics_updated_at",
        ],
    )
    collabs = pd.DataFrame(
        session.execute(
            select(
                Collaboration.id,
                Program.name.label("program"),
                Collaboration.stage,
                Collaboration.fee_type,
                Collaboration.fee,
                Collaboration.currency,
                Collaboration.promo_code,
                Collaboration.stage_changed_at,
            )
            .join(Program, Program.id == Collaboration.program_id)
            .where(Collaboration.influencer_id == influencer_id)
            .order_by(Program.name)
        )
        .mappings()
        .all(),
        columns=["id", "program", "stage", "fee_type", "fee", "currency", "promo_code", "stage_changed_at"],
    )
    interactions = pd.DataFrame(
        session.execute(
            select(Interaction.at, Interaction.channel, Interaction.summary, Interaction.by_user)
            .where(Interaction.influencer_id == influencer_id)
            .order_by(Interaction.at.desc(), Interaction.id.desc())
        )
        .mappings()
        .all(),
        columns=["at", "channel", "summary", "by_user"],
    )
    paid = session.execute(
        select(Payment.currency, func.sum(Payment.amount))
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .where(Collaboration.influencer_id == influencer_id, Payment.status == "paid")
        .group_by(Payment.currency)
        .order_by(Payment.currency)
    ).all()
    refunded = dict(
        session.execute(
            select(PaymentRefund.currency, func.sum(PaymentRefund.amount))
            .join(Payment, Payment.id == PaymentRefund.payment_id)
            .join(Collaboration, Collaboration.id == Payment.collaboration_id)
            .where(Collaboration.influencer_id == influencer_id, Payment.status == "paid")
            .group_by(PaymentRefund.currency)
        ).all()
    )
    return {
        "influencer": person,
        "labels": {
            "niche": [lbl.value for lbl in person.labels if lbl.kind == "niche"],
            "tag": [lbl.value for lbl in person.labels if lbl.kind == "tag"],
        },
        "handles": handles,
        "collaborations": collabs,
        "interactions": interactions,
        # net paid: what was paid less what the creator refunded (`payments.net_of`, summed per currency)
        "total_paid": {cur: Decimal(amount) - Decimal(refunded.get(cur) or 0) for cur, amount in paid},
        "merged_into_id": person.merged_into_id,
    }


def program_table(session: Session) -> pd.DataFrame:
    """Programs with their number of collaborations."""
    stmt = (
        select(
            Program.id,
            Program.name,
            Program.brand,
            Program.status,
            Program.start_date,
            Program.end_date,
            Program.budget,
            Program.currency,
            func.count(Collaboration.id).label("collaborations"),
        )
        .outerjoin(Collaboration, Collaboration.program_id == Program.id)
        .group_by(Program.id)
        .order_by(Program.name)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def pipeline(session: Session, program_id: int) -> pd.DataFrame:
    """The program's collaborations for the board: one row each with stage, terms and version."""
    stmt = (
        select(
            Collaboration.id,
            Collaboration.influencer_id,
            Influencer.name.label("influencer"),
            Collaboration.stage,
            Collaboration.fee_type,
            Collaboration.fee,
            Collaboration.commission_rate,
            Collaboration.product_value,
            Collaboration.currency,
            Collaboration.promo_code,
            Collaboration.tracking_url,
            Collaboration.contract_date,
            Collaboration.start_date,
            Collaboration.end_date,
            Collaboration.notes,
            Collaboration.stage_changed_at,
            Collaboration.stage_changed_by,
            Collaboration.version_id,
        )
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .where(Collaboration.program_id == program_id)
        .order_by(Influencer.name, Collaboration.id)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def stage_history(session: Session, collaboration_id: int) -> pd.DataFrame:
    stmt = (
        select(StageChange.at, StageChange.from_stage, StageChange.to_stage, StageChange.by_user)
        .where(StageChange.collaboration_id == collaboration_id)
        .order_by(StageChange.at, StageChange.id)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))


def program_deliverables(session: Session, program_id: int, today: dt.date) -> pd.DataFrame:
    """Every deliverable of the program with `late` worked out from the due date and `upcoming` (due in 14 days)."""
    stmt = (
        select(
            Deliverable.id,
            Deliverable.collaboration_id,
            Influencer.name.label("influencer"),
            Deliverable.platform,
            Deliverable.type,
            Deliverable.due_date,
            Deliverable.status,
            Deliverable.url,
            Deliverable.published_date,
            Deliverable.fee,
            *[getattr(Deliverable, c) for c in RESULT_FIELDS],
            Deliverable.version_id,
        )
        .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .where(Collaboration.program_id == program_id)
        .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.id)
    )
    frame = pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))
    frame.insert(7, "late", [is_late(s, d, today) for s, d in zip(frame["status"], frame["due_date"], strict=True)])
    frame.insert(
        8,
        "upcoming",
        [
            s != "published" and d is not None and today <= d <= today + dt.timedelta(days=14)
            for s, d in zip(frame["status"], frame["due_date"], strict=True)
        ],
    )
    return frame


def program_payments(session: Session, program_id: int | None, today: dt.date) -> pd.DataFrame:
    """Payments (of one program, or all) with the overdue flag, what was refunded on each (`refunded`, in the
    payment's currency), its net paid (`payments.net_of`) and its refunds (`refunds`: dicts of id, refund_date,
    amount, reason, reference, recorded_by, oldest first)."""
    stmt = (
        select(
            Payment.id,
            Payment.collaboration_id,
            Program.name.label("program"),
            Influencer.name.label("influencer"),
            Payment.amount,
            Payment.currency,
            Payment.due_date,
            Payment.status,
            Payment.approved_by,
            Payment.paid_date,
            Payment.paid_by,
            Payment.invoice_number,
            Payment.method,
            Payment.reference,
            Payment.version_id,
        )
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Program, Program.id == Collaboration.program_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .order_by(case((Payment.status.in_(("pending", "approved")), 0), else_=1), Payment.due_date, Payment.id)
    )
    if program_id is not None:
        stmt = stmt.where(Collaboration.program_id == program_id)
    frame = pd.DataFrame(session.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys()))
    frame.insert(
        8, "overdue", [is_overdue(s, d, today) for s, d in zip(frame["status"], frame["due_date"], strict=True)]
    )
    by_payment: dict[int, list[dict[str, Any]]] = {}
    for r in payment_refunds(session, [int(i) for i in frame["id"]]) if not frame.empty else []:
        by_payment.setdefault(r.payment_id, []).append(
            {
                "id": r.id,
                "refund_date": r.refund_date,
                "amount": r.amount,
                "reason": r.reason,
                "reference": r.reference,
                "recorded_by": r.recorded_by,
            }
        )
    listed = [by_payment.get(int(i), []) for i in frame["id"]]
    frame["refunds"] = pd.Series(listed, index=frame.index, dtype=object)
    refunded = [sum((r["amount"] for r in refunds), Decimal(0)) for refunds in listed]
    frame["refunded"] = pd.Series(refunded, index=frame.index, dtype=object)
    frame["net_paid"] = pd.Series(
        [net_of(s, a, r) for s, a, r in zip(frame["status"], frame["amount"], refunded, strict=True)],
        index=frame.index,
        dtype=object,
    )
    return frame


def campaign_options(session: Session) -> pd.DataFrame:
    """Meta campaigns a program can link to: id, label (account | campaign), currency."""
    stmt = (
        select(Campaign.id, AdAccount.name.label("account"), Campaign.name, Campaign.currency)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .order_by(AdAccount.name, Campaign.name)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(), columns=["id", "account", "name", "currency"])


def program_campaigns(session: Session, program_id: int) -> list[int]:
    return sorted(session.scalars(select(ProgramCampaign.campaign_id).where(ProgramCampaign.program_id == program_id)))


def influencer_choices(session: Session, search: str | None = None, limit: int = 200) -> list[tuple[int, str]]:
    """Active, unmerged influencers for pickers (name and main handle), optionally searched."""
    frame, _total = influencer_directory(session, search=search, status="active", limit=limit)
    choices = []
    for r in frame.itertuples():
        name = str(r.name)
        choices.append((int(cast(int, r.id)), f"{name} ({r.handles!s})" if r.handles else name))
    return choices


def possible_duplicates(session: Session, limit: int = 200) -> pd.DataFrame:
    """Pairs of unmerged influencers that share a handle on different platforms or the same phone."""
    a, b = SocialHandle.__table__.alias("a"), SocialHandle.__table__.alias("b")
    ia, ib = Influencer.__table__.alias("ia"), Influencer.__table__.alias("ib")
    by_handle = (
        select(
            ia.c.id.label("first_id"),
            ia.c.name.label("first"),
            ib.c.id.label("second_id"),
            ib.c.name.label("second"),
            a.c.handle.label("shared"),
        )
        .join(a, a.c.influencer_id == ia.c.id)
        .join(b, and_(b.c.handle == a.c.handle, b.c.influencer_id != a.c.influencer_id))
        .join(ib, ib.c.id == b.c.influencer_id)
        .where(ia.c.id < ib.c.id, ia.c.merged_into_id.is_(None), ib.c.merged_into_id.is_(None))
    )
    by_phone = (
        select(ia.c.id, ia.c.name, ib.c.id, ib.c.name, ia.c.phone)
        .join(ib, and_(ib.c.phone == ia.c.phone, ia.c.id < ib.c.id))
        .where(ia.c.phone.is_not(None), ia.c.merged_into_id.is_(None), ib.c.merged_into_id.is_(None))
    )
    stmt = by_handle.union(by_phone).limit(limit)
    return pd.DataFrame(session.execute(stmt).all(), columns=["first_id", "first", "second_id", "second", "shared"])


@dataclass(frozen=True)
class OverdueDeliverable:
    """A deliverable past its due date and not published."""

    deliverable_id: int
    influencer: str
    program: str
    type: str
    platform: str
    due_date: dt.date
    status: str
    days_late: int


def overdue_deliverables(session: Session, today: dt.date) -> list[OverdueDeliverable]:
    """Deliverables due before `today` whose status is not "published" (declined collaborations aside)."""
    stmt = (
        select(
            Deliverable.id,
            Influencer.name,
            Program.name.label("program"),
            Deliverable.type,
            Deliverable.platform,
            Deliverable.due_date,
            Deliverable.status,
        )
        .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Deliverable.due_date < today, Deliverable.status != "published", Collaboration.stage != "declined")
        .order_by(Deliverable.due_date, Deliverable.id)
    )
    return [
        OverdueDeliverable(r.id, r.name, r.program, r.type, r.platform, r.due_date, r.status, (today - r.due_date).days)
        for r in session.execute(stmt)
    ]
