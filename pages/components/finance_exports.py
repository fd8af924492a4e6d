"""Cached finance reads for the Exports page (the export file, preview, totals, rates, closes)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from db.engine import session_scope
from finance.close import data_currencies, difference_report, list_closes
from finance.exports import ExportReport, export_chunks, locked_months, read_rows, totals
from finance.fx import fx_policy, list_rates, reporting_currency_choice
from influencers.fees import fee_recognition
from pages.components.data import CACHE_TTL
from pages.components.i18n import N_, _

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
    N_("Amount"),
    N_("Quantity"),
    N_("FX rate"),
    N_("{kind}: {value} is not a number and cannot be stored."),
    N_("{kind}: {value} is not a finite number and cannot be stored."),
    N_("{kind}: {value} is beyond the largest value that can be stored, {bound}."),
    N_("FX rate: {value} cannot be stored; a rate is from {low} to {high}."),
    N_("FX rate: {value} has more than {digits} significant digits and cannot be stored."),
    N_("A total is beyond {bound} and cannot be added exactly; export a shorter period."),
    N_("{kind}: a stored value is not a scaled integer ({value}); run `python cli.py db upgrade`."),
    N_("FX rate: a stored value is not exact ({value}); run `python cli.py db upgrade`."),
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


def preview(content: bytes, limit: int = 20) -> pd.DataFrame:
    """The first rows as the file holds them, the rate source (`fx_source`) as people read it."""
    header, rows = read_rows(content, limit)
    frame = pd.DataFrame(rows, columns=header)
    if "fx_source" in frame.columns:
        frame["fx_source"] = [_(FX_SOURCE_TERMS[v]) if v in FX_SOURCE_TERMS else v for v in frame["fx_source"]]
    return frame


def file_totals(name: str, content: bytes) -> pd.DataFrame:
    return pd.DataFrame(totals(name, content))


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
    return pd.DataFrame(rows, columns=["id", "date", "from", "to", "rate", "source", "updated_by"])


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def closes_table(db: str) -> pd.DataFrame:
    with session_scope() as session:
        rows = [
            {
                "month": c.month.strftime("%Y-%m"),
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
                "spend_at_close": f"{d.spend_then:f}",
                "spend_now": f"{d.spend_now:f}",
                "spend_change": f"{d.spend_change:f}",
                "conversions_at_close": f"{d.conversions_then.normalize():f}",
                "conversions_now": f"{d.conversions_now.normalize():f}",
                "conversions_change": f"{d.conversions_change.normalize():f}",
            }
            for d in difference_report(session, month)
        ]
    return pd.DataFrame(rows)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def closed_months(db: str) -> list[dt.date]:
    with session_scope() as session:
        return sorted(locked_months(session))
