"""Campaign performance reads for the Campaigns and Overview pages: the filtered campaign table,
one campaign's daily series and ad sets, and where the numbers come from (aggregated in SQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from campaigns.conversions import default_events
from campaigns.meta_budgets import active_adset_budget_columns, campaign_budget
from campaigns.meta_settings import RESTATEMENT_DAYS
from campaigns.models import (
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    ConversionDefinition,
    SyncRun,
)
from campaigns.platforms import PLATFORMS
from db.calendar import local_today
from db.money import Converter, precision
from db.types import Money, Quantity

METRICS = ("spend", "impressions", "clicks", "conversions", "conversion_value")
ZERO = Decimal(0)
TABLE_COLUMNS = (
    "id",
    "platform",
    "account_id",
    "account",
    "name",
    "status",
    "effective_status",
    "objective",
    "currency",
    *METRICS,
    "budget_level",
    "budget_type",
    "budget",
    "ctr",
    "cpa",
    "roas",
    "platform_id",  # the platform's own campaign id (Meta's digits), None for campaigns only known by name
    "value_tracked",  # bool: a day of the period tracked conversion value (`value_tracked`)
)


@dataclass(frozen=True)
class CampaignFilters:
    """What the Campaigns page asks for; empty tuples mean "all"."""

    since: dt.date
    until: dt.date
    account_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    search: str = ""
    platforms: tuple[str, ...] = ()  # codes from campaigns.platforms


def _rows(session: Session, stmt):
    """Run a column select on the Core path (no ORM per-row loading); flushes pending changes first."""
    session.flush()
    return session.connection().execute(stmt)


def _frame(session: Session, stmt) -> pd.DataFrame:
    rows = _rows(session, stmt).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(stmt.selected_columns.keys()))


def _dec(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator as a Decimal, None when the denominator is zero."""
    den = _dec(denominator)
    return None if den == 0 else _dec(numerator) / den


def _ratios(spend, impressions, clicks, conversions, value, step: Decimal) -> tuple:
    """(CTR %, CPA at `step` precision, ROAS) as Decimals; None where the denominator is zero."""
    cent = Decimal("0.01")
    spend, conversions = _dec(spend), _dec(conversions)
    ctr = (Decimal(int(clicks or 0)) * 100 / int(impressions)).quantize(cent, ROUND_HALF_UP) if impressions else None
    cpa = (spend / conversions).quantize(step, ROUND_HALF_UP) if conversions else None
    roas = (_dec(value) / spend).quantize(cent, ROUND_HALF_UP) if spend else None
    return ctr, cpa, roas


def value_tracked_expr(table: Any = CampaignInsight) -> Any:
    """1 for an insight row (`CampaignInsight`, or `AdSetInsight`) that tracks conversion value (a value, or a
    non-empty `action_values` list), else 0: what `value_tracked` takes the MAX of over the period's rows."""
    listed = and_(table.action_values.is_not(None), cast(table.action_values, String).not_in(("null", "[]")))
    return case((table.conversion_value != 0, 1), (listed, 1), else_=0)


def shown_roas(roas: Sequence[Decimal | None], tracked: Sequence[bool]) -> list[Decimal | None]:
    """THE ROAS rule for pages: None (shown as "—", no value tracked, as Ads Manager does) where a campaign's days
    track no conversion value at all; 0.00 only where value is tracked and adds up to 0."""
    return [r if t else None for r, t in zip(roas, tracked, strict=True)]


def ratio_columns(
    spend: Sequence[Decimal],
    impressions: Sequence[int],
    clicks: Sequence[int],
    conversions: Sequence[Decimal],
    value: Sequence[Decimal],
    currencies: Sequence[str],
) -> tuple[list[Decimal | None], list[Decimal | None], list[Decimal | None]]:
    """`_ratios` a column at a time for the campaign table (the same Decimal operations, without a call and the
    conversions per row): CTR %, CPA at each row currency's precision, ROAS; None where the denominator is zero."""
    cent, up = Decimal("0.01"), ROUND_HALF_UP
    steps = {cur: _step(cur) for cur in set(currencies)}
    ctr = [(Decimal(c) * 100 / i).quantize(cent, up) if i else None for c, i in zip(clicks, impressions, strict=True)]
    cpa = [
        (s / n).quantize(steps[cur], up) if n else None
        for s, n, cur in zip(spend, conversions, currencies, strict=True)
    ]
    roas = [(v / s).quantize(cent, up) if s else None for v, s in zip(value, spend, strict=True)]
    return ctr, cpa, roas


def _step(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """CTR (%), CPA (money, at the row currency's precision) and ROAS, as Decimals."""
    frame = frame.copy()
    steps = {cur: _step(cur) for cur in set(frame["currency"])}
    columns = ("spend", "impressions", "clicks", "conversions", "conversion_value", "currency")
    ratios = [
        _ratios(s, i, c, n, v, steps[cur]) for s, i, c, n, v, cur in zip(*(frame[c] for c in columns), strict=True)
    ]
    frame["ctr"] = [r[0] for r in ratios]
    frame["cpa"] = [r[1] for r in ratios]
    frame["roas"] = [r[2] for r in ratios]
    return frame


def filter_options(session: Session) -> dict[str, list]:
    """Accounts (id, name, currency, platform), statuses, objectives and platforms present in the workspace."""
    accounts = session.execute(
        select(AdAccount.id, AdAccount.name, AdAccount.currency, AdAccount.platform).order_by(AdAccount.name)
    ).all()
    present = set(session.scalars(select(Campaign.platform).distinct()))
    statuses = session.scalars(select(Campaign.status).distinct().where(Campaign.status.is_not(None))).all()
    objectives = session.scalars(select(Campaign.objective).distinct().where(Campaign.objective.is_not(None))).all()
    return {
        "accounts": [(a.id, a.name, a.currency, a.platform) for a in accounts],
        "statuses": sorted(statuses),
        "objectives": sorted(objectives),
        "platforms": [p for p in PLATFORMS if p in present],
    }


# The table's money and quantity columns by position in `campaign_performance`'s select (read with `from_stored`).
_STORED = {
    9: ("spend", Money),
    12: ("conversions", Quantity),
    13: ("conversion_value", Money),
    14: ("daily_budget", Money),
    15: ("lifetime_budget", Money),
    16: ("adset_daily_budget", Money),
    17: ("adset_lifetime_budget", Money),
}


def _stored(metric: str, expr: Any) -> Any:
    """A metric's SUM as stored (money and quantities: `from_stored` reads them), counts as they are."""
    for name, kind in _STORED.values():
        if name == metric:
            return kind.stored(expr)
    return expr


def campaign_performance(session: Session, filters: CampaignFilters) -> pd.DataFrame:
    """One row per campaign: totals for the dates, CTR/CPA/ROAS and its Meta budget (CBO: the
    campaign's; ABO: the sum of its ACTIVE ad sets'). Money stays in each campaign's currency."""
    totals = (
        select(
            CampaignInsight.campaign_id,
            *(func.sum(getattr(CampaignInsight, m)).label(m) for m in METRICS),
            func.max(value_tracked_expr()).label("value_tracked"),
        )
        .where(CampaignInsight.date >= filters.since, CampaignInsight.date <= filters.until)
        .group_by(CampaignInsight.campaign_id)
        .subquery()
    )
    set_daily, set_lifetime = active_adset_budget_columns()
    stmt = (
        select(
            Campaign.id,
            Campaign.platform,
            Campaign.account_id,
            AdAccount.name.label("account"),
            Campaign.name,
            Campaign.status,
            Campaign.effective_status,
            Campaign.objective,
            Campaign.currency,
            *(_stored(m, func.coalesce(getattr(totals.c, m), 0)).label(m) for m in METRICS),
            Money.stored(Campaign.daily_budget).label("daily_budget"),
            Money.stored(Campaign.lifetime_budget).label("lifetime_budget"),
            Money.stored(set_daily).label("adset_daily_budget"),
            Money.stored(set_lifetime).label("adset_lifetime_budget"),
            Campaign.meta_id.label("platform_id"),
            func.coalesce(totals.c.value_tracked, 0).label("value_tracked"),
        )
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .outerjoin(totals, totals.c.campaign_id == Campaign.id)
        .order_by(AdAccount.name, Campaign.name, Campaign.id)
    )
    if filters.platforms:
        stmt = stmt.where(Campaign.platform.in_(filters.platforms))
    if filters.account_ids:
        stmt = stmt.where(Campaign.account_id.in_(filters.account_ids))
    if filters.statuses:
        stmt = stmt.where(Campaign.status.in_(filters.statuses))
    if filters.objectives:
        stmt = stmt.where(Campaign.objective.in_(filters.objectives))
    if filters.search.strip():
        stmt = stmt.where(Campaign.name.ilike(f"%{filters.search.strip()}%"))
    # Column by column (no per-row body), then one DataFrame: the money and quantity columns are read as stored and
    # turned into Decimals a column at a time (`from_stored`), the ratios a column at a time (`ratio_columns`).
    rows = _rows(session, stmt).all()
    if not rows:
        return pd.DataFrame.from_records([], columns=TABLE_COLUMNS)
    dialect = session.get_bind().dialect
    columns = [list(c) for c in zip(*rows, strict=True)]
    for i, (_name, kind) in _STORED.items():
        columns[i] = kind.from_stored(columns[i], dialect)
    (ids, platforms, account_ids, accounts, names, statuses, effective, objectives, currencies, spend, impressions,
     clicks, conversions, value, daily, lifetime, adset_daily, adset_lifetime, platform_ids,
     tracked) = columns  # fmt: skip
    zero = Decimal(0)
    spend = [zero if v is None else v for v in spend]
    conversions = [zero if v is None else v for v in conversions]
    value = [zero if v is None else v for v in value]
    impressions, clicks = [int(v or 0) for v in impressions], [int(v or 0) for v in clicks]
    budgets = [
        campaign_budget(d, lt, (ad, al))
        for d, lt, ad, al in zip(daily, lifetime, adset_daily, adset_lifetime, strict=True)
    ]
    ctr, cpa, roas = ratio_columns(spend, impressions, clicks, conversions, value, currencies)
    tracked = [bool(t) for t in tracked]
    roas = shown_roas(roas, tracked)
    table = (
        ids, platforms, account_ids, accounts, names, statuses, effective, objectives, currencies, spend, impressions,
        clicks, conversions, value, [b.level if b.kind else None for b in budgets], [b.kind for b in budgets],
        [b.daily or b.lifetime for b in budgets], ctr, cpa, roas, platform_ids, tracked,
    )  # fmt: skip
    return pd.DataFrame.from_records(list(zip(*table, strict=True)), columns=TABLE_COLUMNS)


def currency_totals(
    frame: pd.DataFrame,
    converter: Converter | None = None,
    reporting_currency: str | None = None,
    on: dt.date | None = None,
    in_reporting: Mapping[int, tuple[Decimal | None, Decimal | None]] | None = None,
) -> pd.DataFrame:
    """Totals per currency of a campaign table (plus one reporting-currency row when a converter
    can convert every currency; the finance FX helper plugs in here).

    `in_reporting` (campaign id -> its spend and conversion value in the reporting currency, each day converted
    as the exports write it: `finance.reporting.campaign_spend_in`) makes the reporting-currency row the sum of
    those figures for the campaigns of `frame` (a campaign absent from it has no day in the period: 0), shown
    when every campaign's days have a rate; the converter is then not used.

    `converted` tells the reporting-currency row (all currencies converted) from the per-currency rows (a page
    labels them apart so nobody adds them up); ROAS follows `shown_roas` (None where no campaign of the row
    tracks conversion value)."""
    tracks = "value_tracked" in frame.columns
    rows = []
    for currency, group in frame.groupby("currency", sort=True):
        rows.append(
            {
                "currency": currency,
                "campaigns": len(group),
                "spend": sum(group["spend"], Decimal(0)),
                "impressions": int(group["impressions"].sum()),
                "clicks": int(group["clicks"].sum()),
                "conversions": sum(group["conversions"], Decimal(0)),
                "conversion_value": sum(group["conversion_value"], Decimal(0)),
                "converted": False,
                "value_tracked": bool(group["value_tracked"].any()) if tracks else True,
            }
        )
    result = pd.DataFrame(rows, columns=["currency", "campaigns", *METRICS, "converted", "value_tracked"])
    if in_reporting is not None and reporting_currency and not result.empty:
        pairs = [in_reporting.get(int(i), (ZERO, ZERO)) for i in frame["id"]]
        spends = [spend for spend, _value in pairs if spend is not None]
        values = [value for _spend, value in pairs if value is not None]
        if len(spends) == len(values) == len(pairs):  # every campaign's days have a rate
            row: dict[str, Any] = {  # Decimal amounts: an object column
                "currency": reporting_currency,
                "campaigns": int(result["campaigns"].sum()),
                "spend": sum(spends, ZERO),
                "impressions": int(result["impressions"].sum()),
                "clicks": int(result["clicks"].sum()),
                "conversions": sum(result["conversions"], ZERO),
                "conversion_value": sum(values, ZERO),
                "converted": True,
                "value_tracked": bool(result["value_tracked"].any()),
            }
            result.loc[len(result)] = row
    elif converter and reporting_currency and not result.empty:
        today = on or dt.datetime.now(dt.UTC).date()  # the rate's day: callers pass the period's end

        def convert(amount: Decimal, currency: str) -> Decimal | None:
            return amount if currency == reporting_currency else converter(amount, currency, reporting_currency, today)

        currencies = list(result["currency"])
        spend_or_none = [convert(a, c) for a, c in zip(result["spend"], currencies, strict=True)]
        value_or_none = [convert(a, c) for a, c in zip(result["conversion_value"], currencies, strict=True)]
        spend = [v for v in spend_or_none if v is not None]
        value = [v for v in value_or_none if v is not None]
        if len(spend) + len(value) == 2 * len(currencies):  # every amount has a rate
            folded: dict[str, Any] = {  # Decimal amounts: an object column
                "currency": reporting_currency,
                "campaigns": int(result["campaigns"].sum()),
                "spend": sum(spend, Decimal(0)),
                "impressions": int(result["impressions"].sum()),
                "clicks": int(result["clicks"].sum()),
                "conversions": sum(result["conversions"], Decimal(0)),
                "conversion_value": sum(value, Decimal(0)),
                "converted": True,
                "value_tracked": bool(result["value_tracked"].any()),
            }
            result.loc[len(result)] = folded
    if result.empty:
        return result
    result = add_ratios(result)
    result["roas"] = pd.Series(
        shown_roas(list(result["roas"]), [bool(t) for t in result["value_tracked"]]), index=result.index, dtype=object
    )
    return result


def daily_series(session: Session, campaign_id: int, since: dt.date, until: dt.date) -> pd.DataFrame:
    """A campaign's days: spend, conversions, value, CPA and ROAS (every day with a stored row)."""
    stmt = (
        select(
            CampaignInsight.date,
            CampaignInsight.currency,
            *(getattr(CampaignInsight, m) for m in METRICS),
            CampaignInsight.source,
            CampaignInsight.synced_at,
        )
        .where(CampaignInsight.campaign_id == campaign_id, CampaignInsight.date.between(since, until))
        .order_by(CampaignInsight.date)
    )
    frame = _frame(session, stmt)
    if frame.empty:
        return frame
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return add_ratios(frame)


def ad_set_breakdown(session: Session, campaign_id: int, since: dt.date, until: dt.date) -> pd.DataFrame:
    """The campaign's ad sets with their totals for the dates and their own budgets."""
    totals = (
        select(
            AdSetInsight.ad_set_id,
            *(func.sum(getattr(AdSetInsight, m)).label(m) for m in METRICS),
            func.max(value_tracked_expr(AdSetInsight)).label("value_tracked"),
        )
        .join(AdSet, AdSet.id == AdSetInsight.ad_set_id)
        .where(AdSet.campaign_id == campaign_id, AdSetInsight.date.between(since, until))
        .group_by(AdSetInsight.ad_set_id)
        .subquery()
    )
    stmt = (
        select(
            AdSet.id,
            AdSet.name,
            AdSet.status,
            AdSet.optimization_goal,
            AdSet.currency,
            AdSet.daily_budget,
            AdSet.lifetime_budget,
            *(func.coalesce(getattr(totals.c, m), 0).label(m) for m in METRICS),
            func.coalesce(totals.c.value_tracked, 0).label("value_tracked"),
        )
        .outerjoin(totals, totals.c.ad_set_id == AdSet.id)
        .where(AdSet.campaign_id == campaign_id)
        .order_by(AdSet.name, AdSet.id)
    )
    frame = _frame(session, stmt)
    if frame.empty:
        return frame
    for column in ("spend", "conversions", "conversion_value"):
        frame[column] = pd.Series([_dec(v) for v in frame[column]], index=frame.index, dtype=object)
    frame = add_ratios(frame)
    tracked = [bool(t) for t in frame["value_tracked"]]
    frame["roas"] = pd.Series(shown_roas(list(frame["roas"]), tracked), index=frame.index, dtype=object)
    return frame


@dataclass(frozen=True)
class Provenance:
    """Where a campaign's numbers come from."""

    source: str
    events: tuple[str, ...]
    definition: str  # campaign_override | account_default | objective_default | none
    definition_updated_by: str | None
    last_synced_at: dt.datetime | None
    last_run: tuple[str, str, dt.datetime | None] | None  # kind, status, finished
    account_today: dt.date
    timezone_name: str
    provisional_from: dt.date  # days on or after this are still inside Meta's restatement window
    restatement_days: int = RESTATEMENT_DAYS


def provenance(session: Session, campaign_id: int, now: dt.datetime | None = None) -> Provenance:
    """Source, conversion definition in force (campaign override > account default > objective
    default), last sync, and the first day still provisional in the account's time zone."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise LookupError(f"campaign {campaign_id} does not exist")
    account = session.get_one(AdAccount, campaign.account_id)
    override = session.scalar(select(ConversionDefinition).where(ConversionDefinition.campaign_id == campaign.id))
    account_default = session.scalar(
        select(ConversionDefinition).where(
            ConversionDefinition.account_id == account.id, ConversionDefinition.campaign_id.is_(None)
        )
    )
    if override is not None:
        events, origin, by = tuple(override.events or ()), "campaign_override", override.updated_by
    elif account_default is not None:
        events, origin, by = tuple(account_default.events or ()), "account_default", account_default.updated_by
    else:
        events = default_events(campaign.objective, campaign.platform)
        origin, by = ("objective_default" if events else "none"), None
    sources = session.scalars(
        select(CampaignInsight.source).where(CampaignInsight.campaign_id == campaign.id).distinct()
    ).all()
    run = session.scalar(
        select(SyncRun)
        .where((SyncRun.account_id == account.id) | SyncRun.account_id.is_(None))
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(1)
    )
    today = local_today(account.timezone_name, now)
    return Provenance(
        source=", ".join(sorted(sources)) or campaign.source,
        events=events,
        definition=origin,
        definition_updated_by=by,
        last_synced_at=campaign.last_synced_at or account.last_synced_at,
        last_run=None if run is None else (run.kind, run.status, run.finished_at or run.started_at),
        account_today=today,
        timezone_name=account.timezone_name,
        provisional_from=today - dt.timedelta(days=RESTATEMENT_DAYS),
    )


def campaign_choices(session: Session, ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """(id, "account | campaign name") for a selectbox."""
    stmt = (
        select(Campaign.id, Campaign.name, AdAccount.name.label("account"))
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .order_by(AdAccount.name, Campaign.name, Campaign.id)
    )
    if ids is not None:
        stmt = stmt.where(Campaign.id.in_(list(ids)))
    return [(r.id, f"{r.account} | {r.name}") for r in session.execute(stmt)]
