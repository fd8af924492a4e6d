"""Finance CSV exports: the registry, the row builders and the file (streamed, snapshot-aware)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Dialect, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from campaigns.models import AdAccount, AdSet, BudgetPlan, Campaign, CampaignInsight
from db import audit
from db.money import plain, precision, quantize
from db.roles import Actor, require
from db.types import utcnow
from finance.csvfile import BOM, csv_cells, iter_csv, iter_csv_text, neutralise, strip_header
from finance.fx import RATE_PLACES, RateBook, fx_policy, month_end, month_start, reporting_currency
from finance.ledger import build_ledger
from finance.models import ExportSnapshot, PeriodClose
from finance.periods import is_whole_month, month_key, month_segments, provisional_since
from influencers.models import Collaboration, Influencer, Payment, Program

ZERO = Decimal(0)
YIELD_PER = 5000


class ExportError(ValueError):
    """An export cannot be made as asked (unknown name, bad period, no snapshot in that currency)."""


@dataclass
class ExportContext:
    """What one export run needs: the period, the reporting currency and its rates, locked months, now."""

    session: Session
    since: dt.date
    until: dt.date
    currency: str
    policy: str
    now: dt.datetime
    locked: frozenset[dt.date] = frozenset()
    _book: RateBook | None = field(default=None, repr=False)

    @property
    def book(self) -> RateBook:
        if self._book is None:
            self._book = RateBook(self.session, self.currency, self.since, self.until, self.policy)
        return self._book

    def cutoffs(self) -> dict[int, dt.date]:
        """Per ad account (pk): the first day inside the restatement window."""
        rows = self.session.execute(select(AdAccount.id, AdAccount.timezone_name))
        return {pk: provisional_since(tz, self.now) for pk, tz in rows}

    def provisional(self, day: dt.date, cutoff: dt.date | None) -> str:
        if month_start(day) in self.locked or cutoff is None:
            return "false"
        return "true" if day >= cutoff else "false"


@dataclass(frozen=True)
class ExportSpec:
    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    text_columns: frozenset[str]
    # Rows as lists of cells, or (`text=True`) the body as CSV text already quoted and neutralised.
    build: Callable[[ExportContext], Iterator[list[str]]] | Callable[[ExportContext], Iterator[str]]
    by_month: bool = True  # rows ordered month first: a range can be stitched from month pieces
    amount_columns: tuple[tuple[str, str], ...] = ()  # (amount column, its currency column) for totals
    # (currency, date) pairs the export will convert: checked before the first byte so a missing rate
    # fails the whole export cleanly instead of cutting a file short.
    needs: Callable[[ExportContext], Iterator[tuple[str, dt.date]]] | None = None
    text: bool = False

    @property
    def text_indexes(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c in self.text_columns]


def _rate_text(rate: Decimal) -> str:
    text = f"{rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP).normalize():f}"
    return text


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def _qty(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def _insight_needs(ctx: ExportContext) -> Iterator[tuple[str, dt.date]]:
    stmt = (
        select(CampaignInsight.currency, CampaignInsight.date)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .distinct()
    )
    yield from ctx.session.execute(stmt)


def _payment_needs(ctx: ExportContext) -> Iterator[tuple[str, dt.date]]:
    dated = func.coalesce(Payment.paid_date, Payment.due_date)
    stmt = select(Payment.currency, dated).where(dated.between(ctx.since, ctx.until)).distinct()
    for cur, day in ctx.session.execute(stmt):
        yield cur, day if isinstance(day, dt.date) else dt.date.fromisoformat(day)


# --- campaign-daily -----------------------------------------------------------------------------------


def _reader(dialect: Dialect, column: InstrumentedAttribute, type_code: object) -> Callable[[object], object] | None:
    """What SQLAlchemy applies to a raw value of `column` on this dialect and driver type (None: nothing).

    psycopg returns Decimal and date objects as they are; SQLite stores NUMERIC as INTEGER or REAL, which
    SQLAlchemy turns into Decimal at the column's scale (`Decimal("%.4f" % value)`), and dates as text: the
    same conversions, so the figures are exactly the ones the ORM reads.
    """
    return column.type.dialect_impl(dialect).result_processor(dialect, type_code)


def _campaign_daily(ctx: ExportContext) -> Iterator[str]:
    """The body as CSV text. Only a row's own figures are formatted per row: the campaign and account cells are
    rendered once per campaign, the FX cells once per (currency, day), the provisional flag once per (account,
    day). Rows are read with one ordered scan of the insights (no join, no sort in the database); the campaigns
    come sorted from the database, and each day's rows are put in that order here."""
    conn = ctx.session.connection()
    dialect = conn.dialect
    cutoffs = ctx.cutoffs()
    # Campaign order as the database sorts it (NULL meta ids, collation), so the file order is the same as an
    # ORDER BY date, account_id, meta_id, id over the joined rows: one campaign has one row per day.
    order = (
        select(Campaign.id, AdAccount.id, AdAccount.account_id, AdAccount.name, Campaign.meta_id, Campaign.name)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .order_by(AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    campaigns: dict[int, tuple[int, int, str]] = {}
    for rank, (cid, acct_pk, acct, acct_name, meta_id, name) in enumerate(conn.execute(order)):
        cells = [acct, acct_name, meta_id or f"pantau-{cid}", name]
        campaigns[cid] = (rank, acct_pk, csv_cells([neutralise(c) if isinstance(c, str) else c for c in cells]))
    stmt = (
        select(
            CampaignInsight.date,
            CampaignInsight.campaign_id,
            CampaignInsight.currency,
            CampaignInsight.spend,
            CampaignInsight.impressions,
            CampaignInsight.clicks,
            CampaignInsight.conversions,
            CampaignInsight.conversion_value,
            CampaignInsight.source,
        )
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .order_by(CampaignInsight.date)
    )
    read_date = read_spend = read_conv = read_value = None
    target = ctx.currency
    book = ctx.book
    target_q = _quantum(target)
    # Per currency: its quantum, the zeros a whole amount gets at its precision ("" IDR, ".00" USD), its cell.
    quanta: dict[str, tuple[Decimal, str, str]] = {}
    sources: dict[str, str] = {}

    def day_lines(raw_day: object, rows: list) -> str:
        day = raw_day if read_date is None or isinstance(raw_day, dt.date) else read_date(raw_day)
        iso = day.isoformat()
        fx: dict[str, tuple[Decimal, str]] = {}
        flags: dict[int, str] = {}
        lines: list[tuple[int, str]] = []
        add = lines.append
        for _day, cid, cur, spend, imp, clicks, conv, value, source in rows:
            camp = campaigns.get(cid)
            if camp is None:  # the inner join: an insight without its campaign is not exported
                continue
            rank, acct_pk, camp_cells = camp
            hit = fx.get(cur)
            if hit is None:
                qz = quanta.get(cur)
                if qz is None:
                    p = precision(cur)
                    qz = quanta[cur] = (_quantum(cur), "." + "0" * p if p else "", csv_cells([cur]))
                used = book.rate(cur, day)
                fx_cells = csv_cells([target, _rate_text(used.rate), used.rate_date, used.policy])
                hit = fx[cur] = (used.rate, *qz, fx_cells)
            rate, q, zeros, cur_cell, fx_cells = hit
            flag = flags.get(acct_pk)
            if flag is None:
                flag = flags[acct_pk] = ctx.provisional(day, cutoffs.get(acct_pk))
            src = sources.get(source)
            if src is None:
                src = sources[source] = csv_cells([neutralise(source)])
            # Amounts at the currency's precision, half up; `str` of a Decimal quantized to <= 4 places is its
            # plain form. SQLite keeps whole amounts as INTEGER: those need no rounding.
            if type(spend) is int:
                spend_text = f"{spend}{zeros}"
                spend = Decimal(spend)
            else:
                spend = (spend if read_spend is None else read_spend(spend)).quantize(q, ROUND_HALF_UP)
                spend_text = str(spend)
            if type(value) is int:
                value_text = f"{value}{zeros}"
            else:
                value_text = str((value if read_value is None else read_value(value)).quantize(q, ROUND_HALF_UP))
            conv_text = str(conv) if type(conv) is int else _qty(conv if read_conv is None else read_conv(conv))
            # The reporting amount is computed from the spend as written in the file.
            reporting = (spend * rate).quantize(target_q, ROUND_HALF_UP)
            add(
                (
                    rank,
                    f"{iso},{camp_cells},{cur_cell},{spend_text},{imp},{clicks},{conv_text},{value_text},"
                    f"{fx_cells},{reporting},{flag},{src}\r\n",
                )
            )
        lines.sort()
        return "".join([line for _rank, line in lines])

    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection.dbapi_connection
    # The session's own connection and transaction, read in batches of plain tuples; a server-side cursor on
    # PostgreSQL so memory does not grow with the rows (named uniquely: an abandoned export may still hold one).
    named = {"name": f"pantau_export_{uuid.uuid4().hex}"} if dialect.name == "postgresql" else {}
    cursor = dbapi.cursor(**named)  # type: ignore[union-attr]
    try:
        cursor.arraysize = YIELD_PER
        cursor.execute(sql)
        codes = [d[1] for d in cursor.description]
        read_date = _reader(dialect, CampaignInsight.date, codes[0])
        read_spend = _reader(dialect, CampaignInsight.spend, codes[3])
        read_conv = _reader(dialect, CampaignInsight.conversions, codes[6])
        read_value = _reader(dialect, CampaignInsight.conversion_value, codes[7])
        current: object = None
        rows: list = []
        while batch := cursor.fetchmany(YIELD_PER):
            for row in batch:
                if row[0] != current:
                    if rows:
                        yield day_lines(current, rows)
                    current, rows = row[0], []
                rows.append(row)
        if rows:
            yield day_lines(current, rows)
    finally:
        cursor.close()


# --- campaign-monthly ---------------------------------------------------------------------------------


def _campaign_monthly(ctx: ExportContext) -> Iterator[list[str]]:
    s = ctx.session
    dialect = s.get_bind().dialect.name
    mk = month_key(CampaignInsight.date, dialect)
    cutoffs = ctx.cutoffs()
    stmt = (
        select(
            mk.label("month"),
            AdAccount.account_id,
            AdAccount.name,
            Campaign.meta_id,
            Campaign.name,
            CampaignInsight.currency,
            func.sum(CampaignInsight.spend),
            func.sum(CampaignInsight.conversions),
            func.sum(CampaignInsight.conversion_value),
            func.max(CampaignInsight.date),
            func.min(CampaignInsight.source),
            func.max(CampaignInsight.source),
            AdAccount.id,
            Campaign.id,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .group_by(mk, AdAccount.account_id, AdAccount.name, Campaign.meta_id, Campaign.name, CampaignInsight.currency)
        .group_by(AdAccount.id, Campaign.id)
        .order_by(mk, AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    rows = s.execute(stmt).all()
    budgets = _campaign_budgets(s, ctx.since, ctx.until)
    by_day: dict[tuple[int, str], list[tuple[dt.date, Decimal]]] = {}
    if ctx.policy == "daily":
        daily = select(
            CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend, CampaignInsight.currency
        ).where(CampaignInsight.date.between(ctx.since, ctx.until))
        for cid, day, spend, day_cur in s.execute(daily):
            # Each day as campaign-daily writes it, so the monthly row adds up from the daily file.
            by_day.setdefault((cid, day.strftime("%Y-%m")), []).append((day, quantize(spend, day_cur)))
    target = ctx.currency
    for month, acct, acct_name, meta_id, name, cur, spend, conv, value, last, src_min, src_max, acct_pk, cid in rows:
        spend = quantize(Decimal(spend or 0), cur)
        first = dt.date.fromisoformat(month + "-01")
        if ctx.policy == "daily" and cur != target:
            total = sum((amt * ctx.book.rate(cur, day).rate for day, amt in by_day.get((cid, month), [])), ZERO)
            converted = quantize(total, target)
            rate = (total / spend).quantize(RATE_PLACES) if spend else ctx.book.rate(cur, last).rate
            rate_date, policy = "daily", "daily"
        else:
            used = ctx.book.rate(cur, first)
            converted = quantize(spend * used.rate, target)
            rate, rate_date, policy = used.rate, used.rate_date, used.policy
        budget = budgets.get((cid, first))
        yield [
            month,
            acct,
            acct_name,
            meta_id or f"pantau-{cid}",
            name,
            cur,
            plain(spend, cur),
            _qty(conv),
            plain(value or 0, cur),
            plain(budget, cur) if budget is not None else "",
            target,
            _rate_text(rate),
            plain(converted, target),
            rate_date,
            policy,
            ctx.provisional(last, cutoffs.get(acct_pk)),
            src_min if src_min == src_max else "mixed",
        ]


def _campaign_budgets(s: Session, since: dt.date, until: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    """Planned budget per campaign and month (campaign-scope plans, prorated by day)."""
    out: dict[tuple[int, dt.date], Decimal] = {}
    plans = s.scalars(
        select(BudgetPlan).where(
            BudgetPlan.scope_type == "campaign",
            BudgetPlan.campaign_id.is_not(None),
            BudgetPlan.period_start <= until,
            BudgetPlan.period_end >= since,
        )
    )
    for plan in plans:
        days = (plan.period_end - plan.period_start).days + 1
        for a, b in month_segments(max(since, plan.period_start), min(until, plan.period_end)):
            key = (plan.campaign_id, month_start(a))
            share = quantize(plan.amount * ((b - a).days + 1) / days, plan.currency)
            out[key] = out.get(key, ZERO) + share  # type: ignore[index]
    return out


# --- campaigns ----------------------------------------------------------------------------------------


def _local_iso(value: dt.datetime | None, tz: str | None) -> str:
    if value is None:
        return ""
    try:
        zone = ZoneInfo(tz or "UTC")
    except Exception:
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).isoformat(timespec="seconds")


def _campaigns(ctx: ExportContext) -> Iterator[list[str]]:
    s = ctx.session
    start = dt.datetime.combine(ctx.since, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(days=1)
    end = dt.datetime.combine(ctx.until, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(days=2)
    had_spend = exists().where(
        CampaignInsight.campaign_id == Campaign.id, CampaignInsight.date.between(ctx.since, ctx.until)
    )
    scheduled = and_(
        or_(Campaign.start_time.is_(None), Campaign.start_time < end),
        or_(Campaign.stop_time.is_(None), Campaign.stop_time >= start),
    )
    active_sets = (
        select(
            AdSet.campaign_id,
            func.sum(AdSet.daily_budget).label("daily"),
            func.sum(AdSet.lifetime_budget).label("lifetime"),
        )
        .where(AdSet.status == "ACTIVE")
        .group_by(AdSet.campaign_id)
        .subquery()
    )
    stmt = (
        select(Campaign, AdAccount.account_id, AdAccount.name, AdAccount.timezone_name, active_sets.c.daily)
        .add_columns(active_sets.c.lifetime)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .outerjoin(active_sets, active_sets.c.campaign_id == Campaign.id)
        .where(or_(had_spend, scheduled))
        .order_by(AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    for c, acct, acct_name, tz, set_daily, set_lifetime in s.execute(stmt):
        cbo = c.daily_budget is not None or c.lifetime_budget is not None
        daily = c.daily_budget if cbo else set_daily
        lifetime = c.lifetime_budget if cbo else set_lifetime
        yield [
            acct,
            c.meta_id or f"pantau-{c.id}",
            c.name,
            c.status or "",
            c.objective or "",
            c.currency,
            "campaign" if cbo else "adset",
            plain(daily, c.currency) if daily is not None else "",
            plain(lifetime, c.currency) if lifetime is not None else "",
            _local_iso(c.start_time, tz),
            _local_iso(c.stop_time, tz),
            acct_name,
            c.effective_status or "",
            c.source,
        ]


# --- influencer-payments ------------------------------------------------------------------------------


def _payments(ctx: ExportContext) -> Iterator[list[str]]:
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
        converted, used = ctx.book.convert(p.amount, p.currency, day)
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
            _rate_text(used.rate),
            plain(converted, target),
            used.rate_date,
            used.policy,
            p.method or "",
            p.reference or "",
        ]


# --- marketing-spend ----------------------------------------------------------------------------------


def _marketing_spend(ctx: ExportContext) -> Iterator[list[str]]:
    # The ledger is small (months x campaigns and programs): built whole so a missing rate fails up front.
    return iter(list(_marketing_rows(ctx)))


def _marketing_rows(ctx: ExportContext) -> Iterator[list[str]]:
    lines = build_ledger(ctx.session, ctx.since, ctx.until, with_days=ctx.policy == "daily")
    target = ctx.currency
    cutoffs_by_tz: dict[str | None, dt.date] = {}
    for ln in lines:
        cur = ln.currency
        if not ln.actual:
            converted, rate_text, rate_date, policy = ZERO, "", "", ""  # nothing to convert (plan-only rows)
        elif ctx.policy == "daily" and cur != target and ln.actual_days:
            total = sum((amt * ctx.book.rate(cur, day).rate for day, amt in ln.actual_days.items()), ZERO)
            converted = quantize(total, target)
            rate_text = _rate_text(total / ln.actual)
            rate_date, policy = "daily", "daily"
        else:
            used = ctx.book.rate(cur, month_end(ln.month) if ctx.policy == "daily" else ln.month)
            converted = quantize(quantize(ln.actual, cur) * used.rate, target)
            rate_text, rate_date, policy = _rate_text(used.rate), used.rate_date, used.policy
        provisional = "false"
        if ln.channel == "meta_ads" and ln.last_day is not None:
            cutoff = cutoffs_by_tz.setdefault(ln.timezone_name, provisional_since(ln.timezone_name, ctx.now))
            provisional = ctx.provisional(ln.last_day, cutoff)
        yield [
            ln.month.strftime("%Y-%m"),
            ln.channel,
            ln.item_name or "",
            cur,
            plain(ln.planned, cur) if ln.planned is not None else "",
            plain(ln.committed, cur) if ln.committed is not None else "",
            plain(ln.actual, cur),
            target,
            rate_text,
            plain(converted, target),
            plain(ln.paid, cur) if ln.paid is not None else "",
            rate_date,
            policy,
            provisional,
            ln.item_type,
            ln.item_id,
        ]


REPORTING = ("fx_rate_date", "fx_policy")
EXPORTS: dict[str, ExportSpec] = {
    spec.name: spec
    for spec in (
        ExportSpec(
            "campaign-daily",
            "Campaign spend by day",
            "One row per campaign and day (account time zone), with the spend in the reporting currency.",
            (
                "date",
                "account_id",
                "account_name",
                "campaign_id",
                "campaign_name",
                "currency",
                "spend",
                "impressions",
                "clicks",
                "conversions",
                "conversion_value",
                "reporting_currency",
                "fx_rate",
                *REPORTING,
                "spend_reporting",
                "provisional",
                "source",
            ),
            frozenset({"account_id", "account_name", "campaign_id", "campaign_name", "source"}),
            _campaign_daily,
            needs=_insight_needs,
            text=True,
            amount_columns=(
                ("spend", "currency"),
                ("conversion_value", "currency"),
                ("spend_reporting", "reporting_currency"),
            ),
        ),
        ExportSpec(
            "campaign-monthly",
            "Campaign spend by month",
            "One row per campaign and month with its planned budget and spend in the reporting currency.",
            (
                "month",
                "account_id",
                "account_name",
                "campaign_id",
                "campaign_name",
                "currency",
                "spend",
                "conversions",
                "conversion_value",
                "budget",
                "reporting_currency",
                "fx_rate",
                "spend_reporting",
                *REPORTING,
                "provisional",
                "source",
            ),
            frozenset({"account_id", "account_name", "campaign_id", "campaign_name", "source"}),
            _campaign_monthly,
            needs=_insight_needs,
            amount_columns=(("spend", "currency"), ("budget", "currency"), ("spend_reporting", "reporting_currency")),
        ),
        ExportSpec(
            "campaigns",
            "Campaigns and budgets",
            "Every campaign scheduled or spending in the period, with its budget level and budgets (major units).",
            (
                "account_id",
                "campaign_id",
                "campaign_name",
                "status",
                "objective",
                "currency",
                "budget_level",
                "daily_budget",
                "lifetime_budget",
                "start_time",
                "stop_time",
                "account_name",
                "effective_status",
                "source",
            ),
            frozenset(
                {"account_id", "campaign_id", "campaign_name", "status", "objective", "account_name", "source"}
                | {"effective_status", "budget_level"}
            ),
            _campaigns,
            by_month=False,
            amount_columns=(("daily_budget", "currency"), ("lifetime_budget", "currency")),
        ),
        ExportSpec(
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
            ),
            frozenset({"influencer", "program", "status", "invoice_number", "method", "reference"}),
            _payments,
            needs=_payment_needs,
            amount_columns=(("amount", "currency"), ("amount_reporting", "reporting_currency")),
        ),
        ExportSpec(
            "marketing-spend",
            "Marketing ledger",
            "Planned, committed, actual and paid per month, channel and campaign or program.",
            (
                "month",
                "channel",
                "program_or_campaign",
                "currency",
                "planned",
                "committed",
                "actual",
                "reporting_currency",
                "fx_rate",
                "actual_reporting",
                "paid",
                *REPORTING,
                "provisional",
                "item_type",
                "item_id",
            ),
            frozenset({"channel", "program_or_campaign", "item_type", "item_id"}),
            _marketing_spend,
            amount_columns=(
                ("planned", "currency"),
                ("committed", "currency"),
                ("actual", "currency"),
                ("paid", "currency"),
                ("actual_reporting", "reporting_currency"),
            ),
        ),
    )
}


def get_spec(name: str) -> ExportSpec:
    spec = EXPORTS.get(name)
    if spec is None:
        raise ExportError(f"Unknown export {name!r}; choose one of {', '.join(EXPORTS)}.")
    return spec


def check_period(since: dt.date, until: dt.date) -> None:
    if since > until:
        raise ExportError(f"The period starts ({since.isoformat()}) after it ends ({until.isoformat()}).")


def file_name(name: str, since: dt.date, until: dt.date, currency: str) -> str:
    """`pantau_campaign-daily_2026-10-01_2026-10-31_IDR.csv`."""
    return f"pantau_{name}_{since.isoformat()}_{until.isoformat()}_{currency.upper()}.csv"


def locked_months(session: Session) -> dict[dt.date, int]:
    """Locked month -> PeriodClose id."""
    rows = session.execute(select(PeriodClose.month, PeriodClose.id).where(PeriodClose.status == "locked"))
    return {month: pk for month, pk in rows}  # noqa: C416


def build_live(
    session: Session,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
    policy: str | None = None,
    locked: frozenset[dt.date] = frozenset(),
) -> Iterator[bytes]:
    """The export built from the current data (no snapshots), as byte chunks."""
    spec = get_spec(name)
    check_period(since, until)
    ctx = ExportContext(session, since, until, currency.upper(), policy or fx_policy(session), now or utcnow(), locked)
    if spec.needs is not None:
        for cur, day in spec.needs(ctx):
            ctx.book.rate(cur, day)
    if spec.text:
        return iter_csv_text(spec.columns, spec.build(ctx), bom=bom)  # type: ignore[arg-type]
    return iter_csv(spec.columns, spec.text_indexes, spec.build(ctx), bom=bom)  # type: ignore[arg-type]


def export_chunks(
    session: Session,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str | None = None,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
) -> Iterator[bytes]:
    """The export as byte chunks: locked whole months come from their close snapshots (byte for byte),
    the rest is built live. Raises ExportError / FxError before the first byte when it cannot be made."""
    spec = get_spec(name)
    check_period(since, until)
    currency = (currency or reporting_currency(session)).upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ExportError(f"{currency!r} is not a 3-letter currency code")
    now = now or utcnow()
    locks = locked_months(session)
    locked = frozenset(locks)
    if not spec.by_month:
        if is_whole_month(since, until) and month_start(since) in locks:
            return iter([_snapshot_bytes(session, spec, locks[month_start(since)], currency, bom)])
        return build_live(session, name, since, until, currency, bom=bom, now=now, locked=locked)
    pieces: list[tuple[str, object]] = []
    live_from: dt.date | None = None
    segments = month_segments(since, until)
    for a, b in segments:
        whole = is_whole_month(a, b) and month_start(a) in locks
        if whole:
            if live_from is not None:
                pieces.append(("live", (live_from, a - dt.timedelta(days=1))))
                live_from = None
            pieces.append(("snap", locks[month_start(a)]))
        elif live_from is None:
            live_from = a
    if live_from is not None:
        pieces.append(("live", (live_from, until)))
    # Fetch snapshots first so a missing one fails before any byte is produced.
    bodies = {
        pk: strip_header(_snapshot_bytes(session, spec, pk, currency, True))[1] for kind, pk in pieces if kind == "snap"
    }
    if all(kind == "live" for kind, _ in pieces):
        return build_live(session, name, since, until, currency, bom=bom, now=now, locked=locked)
    if len(pieces) == 1:
        return iter([_snapshot_bytes(session, spec, pieces[0][1], currency, bom)])  # type: ignore[arg-type]

    # Live pieces are prepared (FX checked) before the first byte.
    parts: list[Iterator[bytes] | bytes] = []
    for kind, value in pieces:
        if kind == "snap":
            parts.append(bodies[value])  # type: ignore[index]
        else:
            a, b = value  # type: ignore[misc]
            chunks = build_live(session, name, a, b, currency, bom=False, now=now, locked=locked)
            parts.append(chunks)

    def stitched() -> Iterator[bytes]:
        yield b"".join(iter_csv(spec.columns, [], [], bom=bom))
        for part in parts:
            if isinstance(part, bytes):
                yield part
            else:
                next(part)  # its header
                yield from part

    return stitched()


def _snapshot_bytes(session: Session, spec: ExportSpec, close_id: int, currency: str, bom: bool) -> bytes:
    snap = session.scalar(
        select(ExportSnapshot).where(
            ExportSnapshot.period_close_id == close_id,
            ExportSnapshot.export_name == spec.name,
            ExportSnapshot.currency == currency,
        )
    )
    if snap is None:
        close = session.get(PeriodClose, close_id)
        have = sorted(
            set(
                session.scalars(
                    select(ExportSnapshot.currency).where(
                        ExportSnapshot.period_close_id == close_id, ExportSnapshot.export_name == spec.name
                    )
                )
            )
        )
        month = close.month.strftime("%Y-%m") if close else "?"
        raise ExportError(
            f"{month} is closed and its {spec.name} export was snapshotted in {', '.join(have) or 'no currency'} "
            f"only; export it in one of those, or reopen the month."
        )
    content = bytes(snap.content)
    if not bom and content.startswith(BOM):
        content = content[len(BOM) :]
    return content


def write_export(
    session: Session,
    actor: Actor,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str | None,
    stream: io.BufferedIOBase,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
) -> tuple[int, str]:
    """Stream the export to a binary file object; returns (bytes written, sha256), audited as "export"."""
    require(actor, "export.run")
    digest = hashlib.sha256()
    size = 0
    for chunk in export_chunks(session, name, since, until, currency, bom=bom, now=now):
        stream.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    cur = (currency or reporting_currency(session)).upper()
    record_export(session, actor, name, since, until, cur, None, size=size, sha=digest.hexdigest())
    return size, digest.hexdigest()


def record_export(
    session: Session,
    actor: Actor,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str,
    content: bytes | None,
    *,
    size: int | None = None,
    sha: str | None = None,
) -> None:
    if content is not None:
        size, sha = len(content), hashlib.sha256(content).hexdigest()
    audit.record(
        session,
        actor,
        "export",
        "export",
        name,
        after={
            "export": name,
            "from": since.isoformat(),
            "to": until.isoformat(),
            "currency": currency.upper(),
            "bytes": size,
            "sha256": sha,
        },
        summary=f"Exported {file_name(name, since, until, currency)}",
    )


def read_rows(content: bytes, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export file (for previews and tests)."""
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = []
    for row in reader:
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return header, rows


def totals(name: str, content: bytes) -> list[dict[str, str]]:
    """Sum of each amount column per currency, read back from the file itself (what you see is what's in it)."""
    spec = get_spec(name)
    header, rows = read_rows(content)
    index = {c: i for i, c in enumerate(header)}
    sums: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        for column, cur_column in spec.amount_columns:
            cell = row[index[column]]
            if cell == "":
                continue
            key = (column, row[index[cur_column]])
            sums[key] = sums.get(key, ZERO) + Decimal(cell)
    out = [{"column": column, "currency": cur, "total": plain(total, cur)} for (column, cur), total in sums.items()]
    out.sort(key=lambda r: ([c for c, _ in spec.amount_columns].index(r["column"]), r["currency"]))
    return [{"rows": str(len(rows)), **r} for r in out] if out else [{"rows": str(len(rows))}]
