"""The Programs page's Results tab: the program's cost per result next to its linked Meta campaigns, results per
collaboration, the charts over time and per creator, and the shop's promo code sales per creator with their
import (a file previewed by a dry run of the same import before anything is written)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from db.column_map import IGNORE
from db.engine import session_scope
from db.errors import N_, FieldErrors
from db.parse import DateOrderCode
from db.roles import Actor
from influencers import charts, promo_sales, roi
from influencers.programs import get_program
from pages.components.charts import chart
from pages.components.column_picker import column_pickers
from pages.components.date_order import date_order_select
from pages.components.decimal_mark import decimal_mark_select
from pages.components.i18n import _, date_text
from pages.components.import_preview import dry_run, number_convention_caption
from pages.components.influencer_forms import form_feedback, run_action
from pages.components.inputs import date_field, message_text
from pages.components.money import money, number
from pages.components.promo_shop_move import move_shop_section
from pages.components.table_dates import dated_table
from pages.components.terms import (
    COLUMN_LABELS,
    SHOP_LABELS,
    STAGE_LABELS,
    column_labels,
    field_label,
    is_missing,
    label_column,
    term,
)

METRICS = ("views", "engagements", "clicks", "conversions")
# How each figure of the results tables reads: an amount in the row's currency, a count, or a ratio (2 decimals).
MONEY = (
    "cost",
    "revenue",
    "cpm",
    "cpe",
    "cpc",
    "cpa",
    "creator_cost",
    "creator_cpa",
    "boost_spend",
    "boost_cpa",
    "creator_plus_boost",
    "combined_cpa",
)
COUNTS = (
    "collaborations",
    "impressions",
    "engagements",
    "clicks",
    "conversions",
    "creator_conversions",
    "boost_conversions",
)
RATIOS = ("roas",)
PERCENTS = ("engagement_rate",)


def _figure(column: str, value: Any, currency: str) -> Any:
    if is_missing(value):
        return ""  # not computable (missing or zero): a blank cell, never nan / None / n/a
    if column in MONEY:
        return money(value, currency)
    if column in COUNTS:
        return number(value)
    if column in RATIOS:
        return number(value, 2)
    if column in PERCENTS:
        return f"{number(value, 2)}%"
    return value


def results_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A results table as people read it, in the user's locale: amounts with the row's currency at its precision
    (`Rp1.250.000`), counts grouped (`12.500`), ROAS and engagement rate with two decimals, stages in words and
    every missing or not computable figure blank. The figures are whole, never cut."""
    shown = frame.astype(object).copy()
    currencies = [str(c) for c in frame["currency"]]
    for column in frame.columns:
        if column in ("currency", "influencer"):
            continue
        if column == "stage":
            shown[column] = [term(STAGE_LABELS, s) for s in frame[column]]
        else:
            shown[column] = [_figure(column, v, c) for v, c in zip(frame[column], currencies, strict=True)]
    return shown


def results_tab(
    results: pd.DataFrame,
    summary: pd.DataFrame,
    over_time: pd.DataFrame,
    actor: Actor | None = None,
    program_id: int | None = None,
) -> None:
    """The Results tab (read by every role that sees the page; the promo code sales import for who may edit)."""
    if results.empty:
        st.info(_("Results appear once creators are in the program and their deliverables have results."))
        return
    st.subheader(_("Program"))
    st.dataframe(
        results_text(summary),
        hide_index=True,
        key="prog_results_summary",
        column_config=column_labels(summary.columns),
    )
    st.caption(
        _(
            "Creator cost = the fees and product value committed by creators at Contracted or later (the amounts "
            "the Budgets page and the marketing ledger count), plus commission earned on attributed revenue; "
            "fees still proposed to prospects, contacted or negotiating creators do not count. CPA of creators "
            "next to the CPA of the linked Meta campaigns; creator plus boost = creator cost + linked campaigns' "
            "spend in the program dates. An empty cell cannot be computed (a figure is missing or zero). "
            "A creator with promo code sales imported from the shop counts the shop's orders as conversions and "
            "its net sales as revenue (then the figures typed on deliverables are not added)."
        )
    )
    st.subheader(_("Per collaboration"))
    cols = ["influencer", "stage", "currency", *roi.ROI_COLUMNS]
    shown = results_text(results[cols])
    st.dataframe(shown, hide_index=True, width="stretch", key="prog_results_table", column_config=column_labels(cols))
    if not over_time.empty:
        labels = {m: _(COLUMN_LABELS[m]) for m in METRICS}
        metric = st.selectbox(
            _("Metric over time"), METRICS, key="prog_results_metric", format_func=lambda m: labels[m]
        )
        chart(
            charts.results_over_time,
            over_time,
            metric,
            metric_label=labels[metric],
            width="stretch",
            key="prog_chart_time",
        )
    per_influencer = roi.rollup(results, ["influencer"])
    chart(charts.cost_vs_conversions, per_influencer, width="stretch", key="prog_chart_cost")
    if program_id is not None:
        promo_sales_section(actor, program_id)


PROMO_FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xls"]  # what db.tabular.read_table reads
# The fields a promo sales file's column may feed (`promo_sales.FIELDS`), as the pickers offer them.
PROMO_FIELD_LABELS = {
    IGNORE: N_("Do not import"),
    "code": N_("Promo code"),
    "order_id": N_("Order number (a row per order or per product line)"),
    "day": N_("Day (or order time)"),
    "month": N_("Month"),
    "orders": N_("Orders (a count)"),
    "net": N_("Net sales"),
    "line_net": N_("Net sales per line"),
    "gross": N_("Gross sales"),
    "discounts": N_("Discounts"),
    "returns": N_("Returns and refunds"),
    "status": N_("Order status (cancelled orders are skipped)"),
    "currency": N_("Currency"),
    "name": N_("Discount name (when it is the code)"),
    "total": N_("Total sales (with tax and shipping)"),
}
PROMO_CHOICES = tuple(PROMO_FIELD_LABELS)


def _sales_labels() -> dict[str, str]:
    return {
        "influencer": _("Creator"),
        "promo_code": _("Promo code"),
        "code": _("Promo code"),
        "shop": _("Shop"),
        "creators": _("Creators"),
        "currency": _("Currency"),
        "first_day": _("First day"),
        "last_day": _("Last day"),
        "orders": _("Orders"),
        "revenue": _("Net sales"),
        "source_file": _("File"),
        "imported_at": _("Imported"),
        "rows": _("Rows"),
    }


def sales_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Sales per creator as people read them: net sales with the row's currency, orders grouped, days as dates."""
    shown = frame.astype(object).copy()
    currencies = [str(c) for c in frame["currency"]]
    shown["revenue"] = [money(v, c) for v, c in zip(frame["revenue"], currencies, strict=True)]
    shown["orders"] = [number(v) for v in frame["orders"]]
    if "shop" in shown:
        shown["shop"] = label_column("shop", frame["shop"])
    if "creators" in shown:
        shown["creators"] = [number(v) for v in frame["creators"]]
    for column in ("first_day", "last_day"):
        if column in shown:
            shown[column] = pd.to_datetime(frame[column])
    if "imported_at" in shown:
        shown["imported_at"] = pd.to_datetime(frame["imported_at"], utc=True)
    return shown


def promo_sales_section(actor: Actor | None, program_id: int) -> None:
    """The shop's promo code sales per creator, and (for who may edit the program) their import."""
    st.subheader(_("Promo code sales"))
    with session_scope() as session:
        sales = promo_sales.sales_by_creator(session, program_id)
    if sales.empty:
        st.caption(_("No promo code sales yet. Import the shop's sales by discount code report below."))
    else:
        shown = sales_text(sales[[c for c in promo_sales.SALES_COLUMNS if c != "collaboration_id"]])
        dated_table(shown, _sales_labels(), width="stretch", key="prog_promo_sales")
        shops = _shop_breakdown(program_id)
        if actor is not None and actor.can("program.edit"):
            move_shop_section(actor, program_id, shops)
    if actor is not None and actor.can("program.edit"):
        _promo_import(actor, program_id)


def _shop_breakdown(program_id: int) -> pd.DataFrame:
    """Orders and net sales per shop (the creators' figures above and ROI add up every shop's); the shops' frame."""
    with session_scope() as session:
        shops = promo_sales.sales_by_shop(session, program_id)
    if shops.empty:
        return shops
    st.markdown("**" + _("Per shop") + "**")
    dated_table(sales_text(shops), _sales_labels(), key="prog_promo_shops")
    st.caption(
        _(
            "Each shop's file replaces that shop's sales only; a creator's orders and net sales (and ROI and "
            "commission) add up every shop's."
        )
    )
    return shops


def _shop_select(data: bytes, file_name: str) -> str | None:
    """Which shop the file's sales are from: the shop its shape suggests (a Shopify report, a WooCommerce orders
    export) chosen already, otherwise none until the person chooses. Another file starts from its own suggestion."""
    token = hashlib.sha256(file_name.encode() + b"\0" + data).hexdigest()[:16]
    suggested = promo_sales.suggested_shop(data, file_name)
    choices = list(promo_sales.SHOPS)
    return st.selectbox(
        _("Shop the sales are from"),
        choices,
        index=choices.index(suggested) if suggested in choices else None,
        key=f"prog_promo_shop_{token}",
        format_func=lambda code: term(SHOP_LABELS, code),
        placeholder=_("Choose the shop"),
        help=_("Importing replaces this shop's stored sales of the file's days; other shops' sales stay."),
    )


def _preview_table(report: promo_sales.PromoSalesImport) -> pd.DataFrame:
    rows = [
        {
            "influencer": s.influencer,
            "code": s.code,
            "first_day": pd.Timestamp(s.period_start),
            "last_day": pd.Timestamp(s.period_end),
            "orders": number(s.orders),
            "revenue": money(s.revenue, s.currency),
            "rows": ", ".join(str(r) for r in s.rows[:10]) + (" …" if len(s.rows) > 10 else ""),
        }
        for s in report.sales
    ]
    return pd.DataFrame(rows, columns=["influencer", "code", "first_day", "last_day", "orders", "revenue", "rows"])


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    return (start, end) if start is not None and end is not None else None


def _promo_field(name: str) -> str:
    """A field of the promo sales import as the user reads it ("" for the whole row)."""
    if name == "row":
        return ""
    return _(PROMO_FIELD_LABELS[name]) if name in PROMO_FIELD_LABELS else field_label(name)


def _promo_notes(report: promo_sales.PromoSalesImport) -> None:
    """What the file said beyond its sales: skipped rows, the number convention, warnings, problems by row."""
    if report.totals:
        st.caption(_("{count} total row(s) were skipped.", count=report.totals))
    if report.without_code:
        st.caption(_("{count} row(s) without a promo code were skipped.", count=report.without_code))
    if report.not_sold:
        st.caption(
            _(
                "{count} cancelled, refunded, returned or unpaid order(s) were skipped (their status column).",
                count=number(report.not_sold),
            )
        )
    number_convention_caption(report.numbers)
    for note in report.dates:
        st.caption(message_text(note))
    for warning in report.warnings:
        st.warning(message_text(warning))
    if report.problems:
        st.dataframe(
            pd.DataFrame(
                [(line, _promo_field(name) or "—", message_text(reason)) for line, name, reason in report.problems],
                columns=[_("Row"), _("Field"), _("Reason")],
            ),
            hide_index=True,
            key="prog_promo_problems",
        )


def _promo_mapping(data: bytes, file_name: str) -> dict[str, str] | None:
    """The file's columns, each with a picker of the field it feeds (its recognised field first, a column not
    recognised waiting for a choice) and sample values; the choices as the import's mapping (None, with the
    reason shown, when the file cannot be read)."""
    try:
        columns = promo_sales.file_columns(data, file_name)
    except FieldErrors as exc:
        for reason in exc.messages.values():
            st.error(message_text(reason))
        return None
    labels = {choice: _(text) for choice, text in PROMO_FIELD_LABELS.items()}  # translated once per run
    mapping = column_pickers(columns, PROMO_CHOICES, labels, key="prog_promo_col", data=data, file_name=file_name)
    waiting = [c.name for c in columns if c.name not in mapping]
    if waiting:
        st.caption(
            _("Not read until you choose a field: {columns}.", columns=", ".join(waiting)),
        )
    return mapping


def _date_order(data: bytes, file_name: str, mapping: dict[str, str]) -> DateOrderCode | None:
    """The "Date order" choice, shown only when the file's numeric dates read both ways (`03/11/2026` in a file with
    English headers and no day above 12): None until the person chooses, and for every other file."""
    return date_order_select(
        promo_sales.date_order_needed(data, file_name, mapping),
        key="prog_promo_date_order",
        help=_(
            "The file's dates could be day first or month first: none has a day above 12 and its headers do not "
            "say. Check a date you know in the shop's seller centre."
        ),
    )


def _decimal_mark(data: bytes, file_name: str, mapping: dict[str, str], program_id: int) -> str | None:
    """The "Decimal mark" choice, shown only when the file has an orders count or amount that reads two ways
    (`150.000` IDR under English headers: 150 or 150000): None until the person chooses, and for every other file."""
    with session_scope() as session:
        currency = get_program(session, program_id).currency
    return decimal_mark_select(
        promo_sales.decimal_mark_needed(data, file_name, mapping, currency=currency),
        key="prog_promo_decimal_mark",
        help=_(
            "Some figures could be read two ways (150.000 is 150 or 150000): no figure in the file shows its "
            "decimal mark. Check an order you know in the shop's seller centre; a figure written with the other "
            "mark is rejected."
        ),
    )


def _promo_import(actor: Actor, program_id: int) -> None:
    """Upload a shop's sales by promo code, say which column is which, see what it would store (a dry run of the
    same import with those choices), import it."""
    upload = st.file_uploader(
        _(
            "Import promo code sales (Shopify sales by discount; WooCommerce, Shopee, Tokopedia or TikTok Shop "
            "orders; or code, date, orders, revenue)"
        ),
        type=PROMO_FILE_TYPES,
        key="prog_promo_csv",
    )
    c1, c2 = st.columns(2)
    start = date_field(_("First day (a file without a day or month column)"), key="prog_promo_from", container=c1)
    end = date_field(_("Last day"), key="prog_promo_until", container=c2)
    if upload is None:
        form_feedback("prog_promo_csv")
        return
    period = _period(start, end)
    data = upload.getvalue()
    shop = _shop_select(data, upload.name)
    mapping = _promo_mapping(data, upload.name)
    if mapping is None:
        form_feedback("prog_promo_csv")
        return
    date_order = _date_order(data, upload.name, mapping)
    decimal_mark = _decimal_mark(data, upload.name, mapping, program_id)
    if shop is None:
        st.info(_("Choose the shop these sales are from to see what the file would import."))
        form_feedback("prog_promo_csv")
        return

    def run_import(session, *, only_preview: bool = False) -> promo_sales.PromoSalesImport:
        """The one import call of this upload, its preview and its real run alike."""
        return promo_sales.import_promo_sales(
            session,
            actor,
            program_id,
            data,
            shop=shop,
            file_name=upload.name,
            period=period,
            dry_run=only_preview,
            mapping=mapping,
            date_order=date_order,
            decimal_mark=decimal_mark,
        )

    preview = dry_run(lambda session: run_import(session, only_preview=True))
    if preview is None:
        return
    st.info(
        _(
            "{file}: {sales} sale row(s) for {orders} order(s), {unmatched} row(s) with a code no creator of this "
            "program has, {rejected} rejected. Nothing is written until you press Import.",
            file=upload.name,
            sales=number(len(preview.sales)),
            orders=number(preview.orders),
            unmatched=number(preview.unmatched),
            rejected=preview.rejected,
        )
    )
    if preview.order_lines:
        st.caption(
            _(
                "Read as a row per product line: {orders} order(s) in {lines} line(s), each order counted once.",
                orders=number(preview.orders),
                lines=number(preview.rows),
            )
        )
    _promo_notes(preview)
    if preview.refused:
        st.error(_("This file cannot be imported: fix the rows listed above and upload it again."))
        form_feedback("prog_promo_csv")
        return
    if not preview.sales:
        st.error(_("No row of this file names a promo code of this program's creators."))
        form_feedback("prog_promo_csv")
        return
    if preview.span is not None and preview.replaced:
        st.caption(
            _(
                "Importing replaces the {count} stored sale row(s) of {shop} in this program from {start} to {end}.",
                count=number(preview.replaced),
                shop=term(SHOP_LABELS, shop),
                start=date_text(preview.span[0]),
                end=date_text(preview.span[1]),
            )
        )
    if preview.span is not None and preview.other_shops:
        st.caption(
            _(
                "{count} stored sale row(s) of other shops in these days stay and add up with this file's.",
                count=number(preview.other_shops),
            )
        )
    table = _preview_table(preview)
    dated_table(table, _sales_labels(), key="prog_promo_preview")
    if st.button(
        _("Import {count} sale row(s)", count=number(len(preview.sales))), key="prog_promo_go", type="primary"
    ):
        holder: dict[str, Any] = {}

        def do_import(session) -> None:
            holder["r"] = run_import(session)

        if run_action("prog_promo_csv", do_import):
            report = holder["r"]
            st.success(
                _(
                    "Promo code sales imported: {sales} sale row(s), {replaced} replaced.",
                    sales=number(len(report.sales)),
                    replaced=number(report.replaced),
                )
            )
    form_feedback("prog_promo_csv")
