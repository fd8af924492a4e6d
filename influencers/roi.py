"""Results and ROI of influencer work: pure formulas (cost, CPM, CPE, CPC, CPA, ROAS, engagement rate)
and the SQL that feeds them per collaboration, influencer and program. Missing or zero inputs give None
("n/a"), never a division error.

Attributed conversions and revenue (`attributed`, the one rule): a collaboration with promo code sales imported
from the shops (`influencers.promo_sales`) counts the shops' orders as its conversions and their net sales as its
revenue, every shop's added up (`_promo_sums`: Shopee's, TikTok Shop's, the own website's, ...); the conversions
and revenue typed on its deliverables are then shown beside them (`content_conversions`, `content_revenue`) but
not added, since both count the same purchases seen twice (a
creator's screenshot of the shop, a link tracker). A collaboration without promo code sales counts its
deliverables' figures, as before. Commission deals earn on the attributed revenue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from campaigns.models import CampaignInsight
from influencers import fees
from influencers.models import (
    CONTRACTED_STAGES,
    Collaboration,
    Deliverable,
    Influencer,
    Program,
    ProgramCampaign,
    PromoSale,
)

Number = Decimal | int | None
RESULT_COLUMNS = ("reach", "impressions", "views", "likes", "comments", "shares", "saves", "clicks", "conversions")
# The ratios `metrics()` computes, in the order tables show them.
RATIO_COLUMNS = ("cpm", "cpe", "cpc", "cpa", "roas", "engagement_rate")
# What a results table shows after its key columns: cost, outcomes and the ratios built on them.
# A collaboration's two sources of conversions and revenue, shown beside the attributed ones (module docstring).
PROMO_COLUMNS = ("promo_orders", "promo_revenue", "content_conversions", "content_revenue")
ROI_COLUMNS = ("cost", "impressions", "engagements", "clicks", "conversions", "revenue", *RATIO_COLUMNS)


def ratio(numerator: Number, denominator: Number, scale: int = 1) -> Decimal | None:
    """numerator / denominator * scale, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) * scale / Decimal(denominator)


def engagements(likes: Number, comments: Number, shares: Number, saves: Number) -> int | None:
    """likes + comments + shares + saves; None when none of them is known."""
    known = [int(v) for v in (likes, comments, shares, saves) if v is not None]
    return sum(known) if known else None


def commission_earned(fee_type: str, commission_rate: Number, revenue: Number) -> Decimal:
    """rate % of the attributed revenue for a commission deal; nothing for any other fee type, and nothing on
    revenue below zero (a period whose returns exceed its sales earns no negative commission)."""
    if fee_type != "commission":
        return Decimal(0)
    return Decimal(commission_rate or 0) * max(Decimal(revenue or 0), Decimal(0)) / 100


def attributed(content: Number, promo: Number, *, has_promo_sales: bool) -> Number:
    """A collaboration's conversions (or revenue): the shop's promo code figure when it has imported promo code
    sales, else its deliverables' own (see the module docstring: the two are never added)."""
    return promo if has_promo_sales else content


def fee_cost(
    committed_fee: Decimal, fee_type: str, commission_rate: Number, revenue: Number, *, contracted: bool
) -> Decimal:
    """The creator fee of a collaboration in its results: the fee it committed (`influencers.fees`: the contracted
    fee of a collaboration at contracted or later, as the marketing ledger counts it) plus, for a commission deal
    under contract, the commission earned on the attributed revenue. Before contracted (prospect, contacted,
    negotiating) a proposed fee costs nothing yet."""
    if not contracted:
        return Decimal(0)
    return committed_fee + commission_earned(fee_type, commission_rate, revenue)


def collaboration_cost(fee: Decimal, product_value: Number) -> Decimal:
    """Cost = creator fee + committed product value (the ledger's product_seeding channel)."""
    return fee + Decimal(product_value or 0)


def metrics(
    cost: Number,
    *,
    impressions: Number = None,
    reach: Number = None,
    views: Number = None,
    engaged: Number = None,
    clicks: Number = None,
    conversions: Number = None,
    revenue: Number = None,
) -> dict[str, Decimal | None]:
    """CPM, CPE, CPC, CPA, ROAS and engagement rate (engagements / reach, else impressions, else views, in %)."""
    audience = next((v for v in (reach, impressions, views) if v), None)
    return {
        "cpm": ratio(cost, impressions, 1000),
        "cpe": ratio(cost, engaged),
        "cpc": ratio(cost, clicks),
        "cpa": ratio(cost, conversions),
        "roas": ratio(revenue, cost) if cost else None,
        "engagement_rate": ratio(engaged, audience, 100),
    }


# -- SQL --------------------------------------------------------------------------------------


def _deliverable_sums():
    cols = [func.sum(getattr(Deliverable, c)).label(c) for c in RESULT_COLUMNS]
    return (
        select(
            Deliverable.collaboration_id.label("collaboration_id"),
            func.count(Deliverable.id).label("deliverables"),
            func.sum(Deliverable.revenue).label("revenue"),
            *cols,
        )
        .group_by(Deliverable.collaboration_id)
        .subquery()
    )


def _promo_sums():
    """Each collaboration's promo code sales over every shop and period: the one sum ROI and commission use."""
    return (
        select(
            PromoSale.collaboration_id.label("collaboration_id"),
            func.count(PromoSale.id).label("promo_periods"),
            func.sum(PromoSale.orders).label("promo_orders"),
            func.sum(PromoSale.revenue).label("promo_revenue"),
        )
        .group_by(PromoSale.collaboration_id)
        .subquery()
    )


def collaboration_results(
    session: Session, *, program_id: int | None = None, influencer_id: int | None = None
) -> pd.DataFrame:
    """One row per collaboration (declined ones left out): results summed over its deliverables, its promo code
    sales, the attributed conversions and revenue (`attributed`), cost and ROI. The cost is what the collaboration
    committed (`influencers.fees.committed_by_collaboration`: fees and product value of a collaboration at
    contracted or later, the marketing ledger's amounts) plus commission earned on the attributed revenue."""
    sums = _deliverable_sums()
    promo = _promo_sums()
    stmt = (
        select(
            Collaboration.id.label("collaboration_id"),
            Collaboration.program_id,
            Program.name.label("program"),
            Collaboration.influencer_id,
            Influencer.name.label("influencer"),
            Collaboration.stage,
            Collaboration.fee_type,
            Collaboration.commission_rate,
            Collaboration.currency,
            func.coalesce(sums.c.deliverables, 0).label("deliverables"),
            sums.c.revenue,
            *[sums.c[c] for c in RESULT_COLUMNS],
            promo.c.promo_periods,
            promo.c.promo_orders,
            promo.c.promo_revenue,
        )
        .join(Program, Program.id == Collaboration.program_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .outerjoin(sums, sums.c.collaboration_id == Collaboration.id)
        .outerjoin(promo, promo.c.collaboration_id == Collaboration.id)
        .where(Collaboration.stage != "declined")
        .order_by(Program.name, Influencer.name, Collaboration.id)
    )
    if program_id is not None:
        stmt = stmt.where(Collaboration.program_id == program_id)
    if influencer_id is not None:
        stmt = stmt.where(Collaboration.influencer_id == influencer_id)
    found = [dict(r) for r in session.execute(stmt).mappings()]
    committed = fees.committed_by_collaboration(session, [r["collaboration_id"] for r in found])
    rows = [_with_roi(r, committed[r["collaboration_id"]]) for r in found]
    return pd.DataFrame(rows, columns=_COLUMNS, dtype=object)  # object: keep ints, Decimals and None exact


_COLUMNS = [
    "collaboration_id",
    "program_id",
    "program",
    "influencer_id",
    "influencer",
    "stage",
    "fee_type",
    "currency",
    "deliverables",
    "fee_cost",
    "product_value",
    "cost",
    *RESULT_COLUMNS,
    "engagements",
    "revenue",
    *PROMO_COLUMNS,
    *RATIO_COLUMNS,
]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _with_roi(row: dict[str, Any], committed: dict[str, Decimal]) -> dict[str, Any]:
    for c in RESULT_COLUMNS:
        row[c] = _int(row[c])
    row["revenue"] = None if row["revenue"] is None else Decimal(row["revenue"])
    has_promo = bool(row.pop("promo_periods", None))
    row["promo_orders"] = _int(row["promo_orders"])
    row["promo_revenue"] = None if row["promo_revenue"] is None else Decimal(row["promo_revenue"])
    row["content_conversions"], row["content_revenue"] = row["conversions"], row["revenue"]
    row["conversions"] = attributed(row["conversions"], row["promo_orders"], has_promo_sales=has_promo)
    row["revenue"] = attributed(row["revenue"], row["promo_revenue"], has_promo_sales=has_promo)
    fee = fee_cost(
        committed[fees.CHANNEL_FEES],
        row["fee_type"],
        row["commission_rate"],
        row["revenue"],
        contracted=row["stage"] in CONTRACTED_STAGES,
    )
    row["fee_cost"] = fee
    row["product_value"] = committed[fees.CHANNEL_SEEDING]
    row["cost"] = collaboration_cost(fee, row["product_value"])
    row["engagements"] = engagements(row["likes"], row["comments"], row["shares"], row["saves"])
    row.update(_roi(row))
    return {k: row.get(k) for k in _COLUMNS}


def _roi(row: dict[str, Any]) -> dict[str, Decimal | None]:
    return metrics(
        row["cost"],
        impressions=row["impressions"],
        reach=row["reach"],
        views=row["views"],
        engaged=row["engagements"],
        clicks=row["clicks"],
        conversions=row["conversions"],
        revenue=row["revenue"],
    )


def _sum(values: pd.Series) -> Any:
    known = [v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))]
    return sum(known, start=Decimal(0) if known and isinstance(known[0], Decimal) else 0) if known else None


def rollup(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Totals and ROI per group (e.g. influencer or program) and currency; amounts in different
    currencies are never added together."""
    keys = [*by, "currency"]
    if results.empty:
        return pd.DataFrame(
            columns=[
                *keys,
                "collaborations",
                "cost",
                *RESULT_COLUMNS,
                "engagements",
                "revenue",
                *PROMO_COLUMNS,
                *RATIO_COLUMNS,
            ]
        )
    out = []
    for group, frame in results.groupby(keys, sort=True, dropna=False):
        row = dict(zip(keys, group, strict=True))
        row["collaborations"] = len(frame)
        for c in ("cost", *RESULT_COLUMNS, "engagements", "revenue", *PROMO_COLUMNS):
            row[c] = _sum(frame[c])
        row.update(_roi(row))
        out.append(row)
    return pd.DataFrame(out, dtype=object)


def linked_campaign_totals(session: Session, program_id: int) -> pd.DataFrame:
    """Spend and conversions of the program's linked Meta campaigns (within the program's dates when set),
    per currency, with their CPA."""
    program = session.get(Program, program_id)
    conditions = [ProgramCampaign.program_id == program_id]
    if program is not None and program.start_date:
        conditions.append(CampaignInsight.date >= program.start_date)
    if program is not None and program.end_date:
        conditions.append(CampaignInsight.date <= program.end_date)
    stmt = (
        select(
            CampaignInsight.currency,
            func.count(func.distinct(CampaignInsight.campaign_id)).label("campaigns"),
            func.sum(CampaignInsight.spend).label("spend"),
            func.sum(CampaignInsight.conversions).label("conversions"),
            func.sum(CampaignInsight.conversion_value).label("conversion_value"),
        )
        .join(ProgramCampaign, ProgramCampaign.campaign_id == CampaignInsight.campaign_id)
        .where(and_(*conditions))
        .group_by(CampaignInsight.currency)
        .order_by(CampaignInsight.currency)
    )
    rows = []
    for r in session.execute(stmt).mappings():
        row = dict(r)
        row["cpa"] = ratio(row["spend"], row["conversions"])
        row["roas"] = ratio(row["conversion_value"], row["spend"])
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["currency", "campaigns", "spend", "conversions", "conversion_value", "cpa", "roas"]
    )


def program_summary(session: Session, program_id: int) -> pd.DataFrame:
    """Per currency: creator cost (what the program's contracted collaborations committed, as the marketing ledger
    counts it, plus commission earned) and its CPA, linked campaigns' spend and CPA, and creator cost plus boost
    spend with the combined CPA (the same content, paid twice: once to the creator, once to Meta)."""
    creators = rollup(collaboration_results(session, program_id=program_id), ["program_id"])
    boost = linked_campaign_totals(session, program_id)
    currencies = sorted(set(creators["currency"]) | set(boost["currency"]))
    rows = []
    for cur in currencies:
        c = creators[creators["currency"] == cur]
        b = boost[boost["currency"] == cur]
        cost = c["cost"].iloc[0] if len(c) else None
        conv = c["conversions"].iloc[0] if len(c) else None
        spend = b["spend"].iloc[0] if len(b) else None
        meta_conv = b["conversions"].iloc[0] if len(b) else None
        total = None if cost is None and spend is None else Decimal(cost or 0) + Decimal(spend or 0)
        all_conv = None if conv is None and meta_conv is None else Decimal(conv or 0) + Decimal(meta_conv or 0)
        rows.append(
            {
                "currency": cur,
                "creator_cost": cost,
                "creator_conversions": conv,
                "creator_cpa": ratio(cost, conv),
                "boost_spend": spend,
                "boost_conversions": meta_conv,
                "boost_cpa": ratio(spend, meta_conv),
                "creator_plus_boost": total,
                "combined_cpa": ratio(total, all_conv),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "currency",
            "creator_cost",
            "creator_conversions",
            "creator_cpa",
            "boost_spend",
            "boost_conversions",
            "boost_cpa",
            "creator_plus_boost",
            "combined_cpa",
        ],
    )


def results_over_time(session: Session, program_id: int) -> pd.DataFrame:
    """Per publish date: views, engagements, clicks, conversions and revenue of the program's content."""
    day = Deliverable.published_date
    stmt = (
        select(
            day.label("date"),
            func.sum(Deliverable.views).label("views"),
            func.sum(
                func.coalesce(Deliverable.likes, 0)
                + func.coalesce(Deliverable.comments, 0)
                + func.coalesce(Deliverable.shares, 0)
                + func.coalesce(Deliverable.saves, 0)
            ).label("engagements"),
            func.sum(Deliverable.clicks).label("clicks"),
            func.sum(Deliverable.conversions).label("conversions"),
            func.sum(Deliverable.revenue).label("revenue"),
        )
        .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
        .where(Collaboration.program_id == program_id, Deliverable.published_date.is_not(None))
        .group_by(day)
        .order_by(day)
    )
    frame = pd.DataFrame(
        session.execute(stmt).mappings().all(),
        columns=["date", "views", "engagements", "clicks", "conversions", "revenue"],
    )
    if not frame.empty:
        frame["date"] = pd.to_datetime(frame["date"])
    return frame


__all__ = [
    "attributed",
    "collaboration_results",
    "commission_earned",
    "engagements",
    "fee_cost",
    "metrics",
    "program_summary",
    "ratio",
    "results_over_time",
    "rollup",
]
