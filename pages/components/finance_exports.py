"""Cached finance reads for the Exports page (the export file as CSV and XLSX, preview, totals, rates, closes),
shown in the user's language: labels for codes, amounts and months in their locale (the files keep codes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from db.engine import session_scope
from finance.close import data_currencies, difference_report, list_closes
from finance.exports import ExportReport, export_chunks, locked_months, read_rows, totals, xlsx_bytes
from finance.fx import POLICIES as FX_POLICY_CODES
from finance.fx import fx_policy, list_rates, reporting_currency_choice
from influencers.fees import fee_recognition
from pages.components.data import CACHE_TTL, day_values
from pages.components.i18n import N_, _, month_text
from pages.components.money import money, money_column, number
from pages.components.terms import SYNC_KIND_LABELS, column_labels, label, term

# Words and refusals of the domain packages that the Exports, Settings and Budgets pages show. The domain cannot
# call `_()`, so they are listed here for the catalog (tests/finance/test_page_terms.py checks that each is still
# the domain's own text).
FX_SOURCE_TERMS = {
    "finance": N_("finance"),
    "ecb_reference": N_("ECB reference"),
    "same_currency": N_("same currency"),
    "mixed": N_("mixed"),
}
ORIGIN_TERMS = {
    "setting": N_("set in Settings"),
    "environment": N_("from PANTAU_REPORTING_CURRENCY"),
    "main_currency": N_("not set: the ad accounts' main currency"),
    "default": N_("not set and no ad accounts yet: USD"),
}
# The amount columns of the exports as the Totals table names them (the files keep the column codes).
AMOUNT_LABELS = {
    "spend": N_("Spend"),
    "conversion_value": N_("Conversion value"),
    "spend_reporting": N_("Spend in the reporting currency"),
    "budget": N_("Budget"),
    "daily_budget": N_("Daily budget"),
    "lifetime_budget": N_("Lifetime budget"),
    "amount": N_("Amount"),
    "amount_reporting": N_("Amount in the reporting currency"),
    "planned": N_("Planned"),
    "committed": N_("Committed"),
    "actual": N_("Actual"),
    "paid": N_("Paid"),
    "actual_reporting": N_("Actual in the reporting currency"),
}
# Headers of the tables this page builds itself (the export preview keeps the file's own column names).
PAGE_COLUMN_LABELS = {
    "account_id": N_("Account ID"),
    "campaign_id": N_("Campaign ID"),
    "campaign": N_("Campaign"),
    "spend_at_close": N_("Spend at close"),
    "spend_now": N_("Spend now"),
    "spend_change": N_("Change in spend"),
    "conversions_at_close": N_("Conversions at close"),
    "conversions_now": N_("Conversions now"),
    "conversions_change": N_("Change in conversions"),
}
FLAG_TERMS = {"true": N_("yes"), "false": N_("no")}
# Preview columns holding codes -> the label map that names them (per export where the codes differ).
PREVIEW_KINDS = {
    "platform": "ad_platform",
    "channel": "ledger_channel",
    "objective": "objective",
    "method": "payment_method",
    "budget_level": "budget_level",
    "entry_type": "payment_entry",
    "item_type": "scope",
}
STATUS_KINDS = {"campaigns": "campaign_status", "influencer-payments": "payment_status"}
DOMAIN_MESSAGES = (
    N_("A currency code is required (ISO 4217, e.g. IDR or USD)."),
    N_("{code} is not an ISO 4217 currency code (e.g. IDR, USD, SGD)."),
    N_("{field}: {reason}"),
    N_("Currency: {reason}"),
    N_("Planned amount"),
    N_("New amount"),
    N_("{field}: the amount must be greater than zero (got {value})."),
    N_("The FX file's header has {column} twice ({first} and {second}); keep one column."),
    N_(
        "No {pair} rate for {day}: tried {tried} on that day and the {days} days before it, and the "
        "ECB reference rates. Enter the {pair} rate for {day} on Exports → FX rates, or import "
        "rates with `python cli.py fx import`."
    ),
    N_(
        "No {pair} rate in {month} (policy {policy}): tried {tried} and the ECB reference rates. "
        "Enter {pair} rates for {month} on Exports → FX rates, or import rates with "
        "`python cli.py fx import`."
    ),
    # the same two as pages show them (db.errors.Message page_text: the page, not the command)
    N_(
        "No {pair} rate for {day}: tried {tried} on that day and the {days} days before it, and the "
        "ECB reference rates. Enter the {pair} rate for {day} on Exports → FX rates, or import a "
        "rates file there."
    ),
    N_(
        "No {pair} rate in {month} (policy {policy}): tried {tried} and the ECB reference rates. "
        "Enter {pair} rates for {month} on Exports → FX rates, or import a rates file there."
    ),
    N_("Amount"),
    N_("Quantity"),
    N_("FX rate"),
    N_("Percent"),
    N_("{kind}: {value} is not a number and cannot be stored."),
    N_("{kind}: {value} is not a finite number and cannot be stored."),
    N_("{kind}: {value} is beyond the largest value that can be stored, {bound}."),
    N_("FX rate: {value} cannot be stored; a rate is from {low} to {high}."),
    N_("FX rate: {value} has more than {digits} significant digits and cannot be stored."),
    N_("A total is beyond {bound} and cannot be added exactly; export a shorter period."),
    N_("{kind}: a stored value is not a scaled integer ({value}); run `python cli.py db upgrade`."),
    N_("FX rate: a stored value is not exact ({value}); run `python cli.py db upgrade`."),
    N_(
        "{kind}: a stored value is not a scaled integer ({value}); ask your admin to upgrade the "
        "database (docs/deployment.md)."
    ),
    N_("FX rate: a stored value is not exact ({value}); ask your admin to upgrade the database (docs/deployment.md)."),
)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=8)
def export_file(
    db: str, name: str, since: dt.date, until: dt.date, currency: str, bom: bool, strict: bool = False
) -> tuple[bytes, dict[str, list[str]]]:
    """The export's bytes (snapshot-aware) and the FX rates it found missing (pair -> months; their converted
    cells are blank, `fx_missing=true`), built once per choice until a write clears the caches. `strict`: a
    missing rate raises FxError instead."""
    report = ExportReport()
    with session_scope() as session:
        content = b"".join(export_chunks(session, name, since, until, currency, bom=bom, strict=strict, report=report))
    return content, report.missing_by_pair()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=4)
def export_xlsx(
    db: str, name: str, since: dt.date, until: dt.date, currency: str, bom: bool = True, strict: bool = False
) -> bytes:
    """The export as an XLSX file: the very rows of the CSV the page shows (`export_file`, the same cache
    entry), typed for Excel (the BOM is the CSV's only; an XLSX has none)."""
    content, _missing = export_file(db, name, since, until, currency, bom, strict)
    return xlsx_bytes(name, content)


def _code_words(name: str, column: str, values: list[str]) -> list[str]:
    if column in ("fx_source", "fx_policy"):  # a policy column also says `same_currency`
        return [term(FX_SOURCE_TERMS, v) if v not in FX_POLICY_CODES else label("fx_policy", v) for v in values]
    if column in ("provisional", "fx_missing"):
        return [term(FLAG_TERMS, v) for v in values]
    if column == "source":
        return [term(SYNC_KIND_LABELS, v) for v in values]
    kind = PREVIEW_KINDS.get(column) or (STATUS_KINDS.get(name) if column in ("status", "effective_status") else None)
    return [label(kind, v) for v in values] if kind else values


def preview(name: str, content: bytes, limit: int = 20) -> pd.DataFrame:
    """The first rows of the file, codes (rate sources and policies, flags, platforms, statuses, budget levels,
    entry and item types) as people read them; the column names are the file's own."""
    header, rows = read_rows(content, limit)
    frame = pd.DataFrame(rows, columns=header)
    for column in frame.columns:
        frame[column] = _code_words(name, column, list(frame[column]))
    return frame


def file_totals(name: str, content: bytes) -> pd.DataFrame:
    """The file's totals (`finance.exports.totals`) for reading: the amount column's label, the total as money in
    the user's locale (`Rp1.367.937`), the row count grouped."""
    rows = totals(name, content)
    shown = [
        {
            "rows": number(int(r["rows"])),
            "column": _(AMOUNT_LABELS[r["column"]]) if r.get("column") in AMOUNT_LABELS else r.get("column", ""),
            "currency": r.get("currency", ""),
            "total": money(Decimal(r["total"]), r["currency"]) if "total" in r else "",
        }
        for r in rows
    ]
    return pd.DataFrame(shown, columns=["rows", "column", "currency", "total"])


def page_column_labels(columns) -> dict[str, object]:
    """`column_config` headers for this page's own tables: the shared labels, then the page's."""
    return column_labels(columns, **{c: _(PAGE_COLUMN_LABELS[c]) for c in columns if c in PAGE_COLUMN_LABELS})


def months_text(months: list[str]) -> str:
    """`YYYY-MM` months (as the domain lists them) for reading: `Oktober 2026, November 2026`."""
    return ", ".join(month_text(dt.date.fromisoformat(m + "-01")) for m in months)


def provisional_rows(content: bytes) -> int:
    header, rows = read_rows(content)
    if "provisional" not in header:
        return 0
    i = header.index("provisional")
    return sum(1 for r in rows if r[i] == "true")


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def workspace_finance(db: str) -> dict:
    with session_scope() as session:
        choice = reporting_currency_choice(session)
        return {
            "reporting_currency": choice.currency,
            "reporting_origin": choice.origin,
            "reporting_ignored": choice.ignored,
            "fx_policy": fx_policy(session),
            "fee_recognition": fee_recognition(session),
            "currencies": data_currencies(session),
        }


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def rates_table(db: str, since: dt.date) -> pd.DataFrame:
    with session_scope() as session:
        rows = [
            {
                "id": r.id,
                "date": r.date,
                "from": r.from_currency,
                "to": r.to_currency,
                "rate": f"{r.rate.normalize():f}",
                "source": r.source or "",
                "updated_by": r.updated_by or "",
            }
            for r in list_rates(session, since=since)
        ]
    table = pd.DataFrame(rows, columns=["id", "date", "from", "to", "rate", "source", "updated_by"])
    table["date"] = day_values(table["date"])  # a real date: the table sorts by it, `dated_columns` shows it
    return table


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def closes_table(db: str) -> pd.DataFrame:
    with session_scope() as session:
        rows = [
            {
                "month": c.month,
                "status": c.status,
                "by": c.locked_by,
                "at": c.locked_at,
                "notes": c.notes or "",
            }
            for c in list_closes(session)
        ]
    return pd.DataFrame(rows, columns=["month", "status", "by", "at", "notes"])


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def differences(db: str, month: dt.date) -> pd.DataFrame:
    with session_scope() as session:
        rows = [
            {
                "account_id": d.account_id,
                "campaign_id": d.campaign_id,
                "campaign": d.campaign_name,
                "currency": d.currency,
                "spend_at_close": d.spend_then,
                "spend_now": d.spend_now,
                "spend_change": d.spend_change,
                "conversions_at_close": d.conversions_then,
                "conversions_now": d.conversions_now,
                "conversions_change": d.conversions_change,
            }
            for d in difference_report(session, month)
        ]
    return pd.DataFrame(rows)


def differences_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The difference report for reading: amounts as money in each row's currency, counts grouped."""
    shown = frame.copy()
    for column in ("spend_at_close", "spend_now", "spend_change"):
        shown[column] = money_column(frame[column], frame["currency"])
    for column in ("conversions_at_close", "conversions_now", "conversions_change"):
        shown[column] = [number(v, 2 if v != v.to_integral_value() else 0) for v in frame[column]]
    return shown


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def closed_months(db: str) -> list[dt.date]:
    with session_scope() as session:
        return sorted(locked_months(session))
