"""Fields the Programs page's forms share: amounts and rates read in the user's locale (saying what was understood,
and whether a typed value was refused), the page's field names for people, and safe card text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from babel.numbers import format_decimal

from db.errors import Message
from db.money import CURRENCY_CODES
from db.parse import ParseError, parse_amount, parse_rate
from pages.components.data import day_values, moment_values
from pages.components.i18n import N_, _, current_locale
from pages.components.inputs import amount_input, message_text, rate_input
from pages.components.money import number
from pages.components.terms import COLUMN_LABELS

NOT_UNDERSTOOD = N_("not understood (see the message under the field); nothing was saved")
# Form field names that the shared column labels do not cover.
FIELD_LABELS = {
    "objective": N_("Objective"),
    "owner": N_("Owner (email)"),
    "brief": N_("Brief"),
    "promo_code_prefix": N_("Promo code prefix"),
    "landing_url": N_("Landing page"),
    "utm_source": "utm_source",
    "utm_medium": "utm_medium",
    "utm_campaign": "utm_campaign",
    "campaign_ids": N_("Linked Meta campaigns"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "influencer_id": N_("Creator"),
    "paid_date": N_("Paid date"),
    "file": N_("File"),
}


def field_labels() -> dict[str, str]:
    """Field code -> its name for people, in the user's language (field messages start with it)."""
    labels = {code: _(text) for code, text in COLUMN_LABELS.items()}
    labels.update({code: _(text) for code, text in FIELD_LABELS.items()})
    return labels


def typed(key: str) -> bool:
    """True when the field holds some text."""
    return bool(str(st.session_state.get(key) or "").strip())


def amount_field(
    label: str,
    currency: str,
    *,
    key: str,
    container=st,
    check: Callable[[Decimal], Message | None] | None = None,
) -> tuple[Decimal | None, bool]:
    """An amount in `currency` as typed in the user's locale: (amount or None, understood). A field left empty is
    understood as no amount; text that is not an amount of `currency` is not understood (its reason is shown).
    `check(amount)` is the service's own rule for the amount (e.g. `payments.amount_problem`): its refusal is
    shown under the field as people type, in the words the save would use."""
    amount = amount_input(label, currency, key=key, container=container, allow_negative=check is not None)
    if amount is not None and check is not None and (problem := check(amount)):
        container.error(message_text(problem), icon=":material/error:")
    return amount, amount is not None or not typed(key)


def rate_field(label: str, *, key: str, container=st) -> tuple[Decimal | None, bool]:
    """A rate or percent as typed in the user's locale: (value or None, understood)."""
    rate = rate_input(label, key=key, container=container)
    if rate is None and str(st.session_state.get(key) or "").strip() == "0":
        return Decimal(0), True
    return rate, rate is not None or not typed(key)


def read_amount(key: str, currency: str, *, allow_negative: bool = False) -> tuple[Decimal | None, bool]:
    """In a callback: the amount typed in `key` read as `amount_field` shows it (same reader, same locale)."""
    if not typed(key):
        return None, True
    try:
        text = str(st.session_state[key])
        return parse_amount(text, currency, current_locale(), allow_negative=allow_negative), True
    except ParseError:
        return None, False


def read_rate(key: str) -> tuple[Decimal | None, bool]:
    """In a callback: the rate typed in `key` read as `rate_field` shows it."""
    if not typed(key):
        return None, True
    text = str(st.session_state[key]).strip()
    if text == "0":
        return Decimal(0), True
    try:
        return parse_rate(text, current_locale()), True
    except ParseError:
        return None, False


def currency_of(key: str, fallback: str) -> str:
    """The currency typed in `key` when it is an ISO 4217 code, else `fallback` (amounts are read in it)."""
    code = str(st.session_state.get(key) or "").strip().upper()
    return code if code in CURRENCY_CODES else fallback


def not_understood(fields: Mapping[str, bool]) -> dict[str, Message]:
    """Field -> refusal for every field whose typed value was not understood."""
    return {name: Message(NOT_UNDERSTOOD) for name, ok in fields.items() if not ok}


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$])")


def plain(text: object) -> str:
    """Text shown as it is inside Markdown (a creator's name on a card or a checkbox label)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def blank(value: object) -> bool:
    """None, NaN, NaT or an empty string."""
    if value is None or value == "":
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def for_people(
    frame: pd.DataFrame,
    *,
    dates: tuple[str, ...] = (),
    times: tuple[str, ...] = (),
    counts: tuple[str, ...] = (),
) -> pd.DataFrame:
    """A copy of `frame` to show (a table a person reads; never a data editor): dates and timestamps as real
    values that sort by date (`data.day_values` / `moment_values`; draw the table with
    `table_dates.dated_table(shown, ...)`, which shows them in the user's language and the workspace zone),
    counts in the user's locale, flags as Yes / No in the user's language (never true / false), and every other
    missing value blank (a table never says "None", "nan" or "NaT")."""
    shown = frame.copy()
    for name in dates:
        shown[name] = day_values(frame[name]).set_axis(frame.index)
    for name in times:
        shown[name] = moment_values(frame[name]).set_axis(frame.index)
    for name in counts:
        shown[name] = ["" if blank(v) else number(v) for v in frame[name]]
    yes, no = _("Yes"), _("No")
    for name in shown.columns:
        if shown[name].dtype == bool:  # a flag reads as a word of the user's language, never true/false
            shown[name] = [yes if v else no for v in shown[name]]
        elif shown[name].dtype == object:
            shown[name] = ["" if blank(v) else (yes if v else no) if isinstance(v, bool) else v for v in shown[name]]
        elif name in dates or name in times:  # blank dates stay NaT: the table's placeholder shows them empty
            continue
        elif shown[name].isna().any():  # a float or datetime column with gaps: blank text, not nan / NaT
            shown[name] = shown[name].astype(object).where(shown[name].notna(), "")
    return shown


def percent_text(rate: object) -> str:
    """A commission rate for reading, whole and in the user's locale: `7,5%` in Bahasa Indonesia, `7.5%` in
    English, `10%`; "" for a missing rate."""
    if blank(rate):
        return ""
    exact = Decimal(str(rate)).normalize()
    return f"{format_decimal(exact, locale=current_locale(), decimal_quantization=False)}%"


def shown_as(codes: Iterable[Any], label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A selectbox's `format_func` whose words are chosen now, in this run's language (Streamlit may call a format
    function again outside the run, where the language is not known)."""
    words = {code: label(code) for code in codes}
    return lambda code: words.get(code, str(code))
