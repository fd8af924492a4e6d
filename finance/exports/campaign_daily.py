"""The `campaign-daily` export: one row per campaign and day (account time zone), streamed from one ordered scan."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import Dialect, select
from sqlalchemy.orm import InstrumentedAttribute

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.money import EXACT
from db.types import SCALE
from finance.csvfile import csv_cells, neutralise
from finance.exports.context import (
    FX_TRAIL,
    REPORTING,
    YIELD_PER,
    ExportContext,
    ExportSpec,
    insight_needs,
    quantity_text,
    quantum,
    rate_text,
)


def _reader(dialect: Dialect, column: InstrumentedAttribute, type_code: object) -> Callable[[object], object] | None:
    """What SQLAlchemy applies to a raw value of `column` on this dialect and driver type (None: nothing).

    psycopg returns Decimal and date objects as they are; SQLite stores money as integers scaled by 10^4
    (`db.types.ScaledDecimal`) and dates as text: the same conversions, so the figures are exactly the ones the
    ORM reads.
    """
    return column.type.dialect_impl(dialect).result_processor(dialect, type_code)


SCALE_FACTOR = 10**SCALE
# A driver value -> what the ORM would read (None: the value is used as it is).
Reader = Callable[[object], Any] | None


def build(ctx: ExportContext) -> Iterator[str]:
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
        .add_columns(Campaign.platform)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .order_by(AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    campaigns: dict[int, tuple[int, int, str, str]] = {}
    for rank, (cid, acct_pk, acct, acct_name, meta_id, name, platform) in enumerate(conn.execute(order)):
        cells = [acct, acct_name, meta_id or f"pantau-{cid}", name]
        camp_cells = csv_cells([neutralise(c) if isinstance(c, str) else c for c in cells])
        campaigns[cid] = (rank, acct_pk, camp_cells, f",{platform}\r\n")
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
    read_date: Reader = None
    read_spend: Reader = None
    read_conv: Reader = None
    read_value: Reader = None
    target = ctx.currency
    target_q = quantum(target)
    missing_cells = csv_cells([target, "", "", ctx.policy])
    # Per currency: its quantum and its cell.
    quanta: dict[str, tuple[Decimal, str]] = {}
    sources: dict[str, str] = {}

    def day_lines(raw_day: object, rows: list) -> str:
        day = cast(dt.date, raw_day if read_date is None or isinstance(raw_day, dt.date) else read_date(raw_day))
        iso = day.isoformat()
        fx: dict[str, tuple[Decimal | None, Decimal, str, str, str]] = {}
        flags: dict[int, str] = {}
        lines: list[tuple[int, str]] = []
        add = lines.append
        for _day, cid, cur, spend, imp, clicks, conv, value, source in rows:
            camp = campaigns.get(cid)
            if camp is None:  # the inner join: an insight without its campaign is not exported
                continue
            rank, acct_pk, camp_cells, line_end = camp
            hit = fx.get(cur)
            if hit is None:
                qz = quanta.get(cur)
                if qz is None:
                    qz = quanta[cur] = (quantum(cur), csv_cells([cur]))
                used = ctx.rate(cur, day)
                if used is None:
                    hit = fx[cur] = (None, *qz, missing_cells, ",,true")
                else:
                    fx_cells = csv_cells([target, rate_text(used.rate), used.rate_date, used.policy])
                    hit = fx[cur] = (used.rate, *qz, fx_cells, f",{used.source},false")
            rate, q, cur_cell, fx_cells, fx_trail = hit
            flag = flags.get(acct_pk)
            if flag is None:
                flag = flags[acct_pk] = ctx.provisional(day, cutoffs.get(acct_pk))
            src = sources.get(source)
            if src is None:
                src = sources[source] = csv_cells([neutralise(source)])
            # Amounts at the currency's precision, half up; `str` of a Decimal quantized to <= 4 places is its
            # plain form. SQLite gives integers scaled by 10^4 (made Decimal here without the ORM's function
            # call); PostgreSQL gives Decimals.
            if type(spend) is int:
                spend = Decimal(spend).scaleb(-SCALE).quantize(q, ROUND_HALF_UP)
            else:
                spend = (spend if read_spend is None else read_spend(spend)).quantize(q, ROUND_HALF_UP)
            spend_text = str(spend)
            if type(value) is int:
                value_text = str(Decimal(value).scaleb(-SCALE).quantize(q, ROUND_HALF_UP))
            else:
                value_text = str((value if read_value is None else read_value(value)).quantize(q, ROUND_HALF_UP))
            if type(conv) is int:
                conv_text = (
                    str(conv // SCALE_FACTOR)
                    if conv % SCALE_FACTOR == 0
                    else quantity_text(Decimal(conv).scaleb(-SCALE))
                )
            else:
                conv_text = quantity_text(conv if read_conv is None else read_conv(conv))
            # The reporting amount is computed from the spend as written in the file (the one rounding rule).
            # `fx.convert_dated` written out for speed, exact in `db.money.EXACT` as it is.
            reporting = "" if rate is None else EXACT.multiply(spend, rate).quantize(target_q, ROUND_HALF_UP, EXACT)
            add(
                (
                    rank,
                    f"{iso},{camp_cells},{cur_cell},{spend_text},{imp},{clicks},{conv_text},{value_text},"
                    f"{fx_cells},{reporting},{flag},{src}{fx_trail}{line_end}",
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


SPEC = ExportSpec(
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
        *FX_TRAIL,
        "platform",
    ),
    frozenset({"account_id", "account_name", "campaign_id", "campaign_name", "source", "platform"}),
    build,
    needs=insight_needs,
    text=True,
    amount_columns=(
        ("spend", "currency"),
        ("conversion_value", "currency"),
        ("spend_reporting", "reporting_currency"),
    ),
    date_columns=frozenset({"date", "fx_rate_date"}),
    number_columns=frozenset({"impressions", "clicks", "conversions", "fx_rate"}),
)
