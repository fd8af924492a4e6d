"""Form inputs that read what people type in their own locale and say what they understood.

`amount_input` takes `50.000.000`, `Rp 50.000.000` (Bahasa Indonesia) or `50,000,000`, `$50,000` (English) through
`db.parse.parse_amount` (Babel), shows the amount it understood (or the reason it refuses it, in the user's language)
under the field, and returns a Decimal or None. `count_input` (followers, a record number: `1.250.000` in id,
`1,250,000` in en, plain `1250000`) and `percent_input` (an engagement rate: `3,5` in id, `3.5` in en) do the same
for whole counts and percents (`db.parse.parse_count`, `parse_percent`); `read_count` / `read_percent` read such a
field in a callback by the same rule. `date_field` keeps dates inside the range the domain accepts.
`error_text` renders any domain refusal (`DomainError`, `FieldErrors`) in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import streamlit as st
from pydantic import ValidationError

from db.calendar import EARLIEST_DATE, LATEST_DATE
from db.errors import DomainError, FieldErrors, Message
from db.parse import (
    ParseError,
    amount_example,
    count_example,
    format_count,
    format_percent,
    parse_amount,
    parse_count,
    parse_date,
    parse_percent,
    parse_rate,
    percent_example,
)
from db.roles import PermissionDenied
from db.validation import validation_messages
from pages.components.i18n import N_, _, current_locale, date_text, month_text, picker_format
from pages.components.money import money
from pages.components.terms import ROLE_LABELS, code_label, field_label, term

T = TypeVar("T")

# A database failure that is not a domain refusal (a DataError, a lost connection): said in words, never the
# driver's text, which can hold SQL and values.
DATABASE_FAILED = N_("The database could not save this change; nothing was saved. Try again in a moment.")


def message_dates(day: dt.date, kind: str) -> str:
    """A message's day or month parameter (db.errors `Day`, `Month`) as the reader writes it: `20 Okt 2026`,
    `Oktober 2026` (Bahasa Indonesia), `Oct 20, 2026`, `October 2026` (English)."""
    return month_text(day) if kind == "month" else date_text(day)


def message_text(message: Message | str) -> str:
    """A domain message (template + parameters) in the user's language, its page variant when it has one (a page
    named where the command line names a command); codes it lists read as their labels, amounts as money, days
    and months as the reader's dates."""
    if isinstance(message, Message):
        return message.render(_, code_label, money, message_dates, page=True)
    return _(message)


def field_text(name: str, message: Message | str, labels: dict[str, str] | None = None) -> str:
    """One field's refusal as "<field label>: <reason>" in the user's language; the reason alone for a row, or
    when it names its field itself (the text rule's "Name contains ...", a parameter `field`)."""
    label = (labels or {}).get(name) or field_label(name)
    reason = message_text(message)
    names_its_field = isinstance(message, Message) and "field" in message.params
    return _("{field}: {reason}", field=label, reason=reason) if label and not names_its_field else reason


def error_text(exc: BaseException, labels: dict[str, str] | None = None) -> str:
    """What to tell a person about a refusal, in their language: "<field label>: <reason>" per field for
    FieldErrors (`labels` maps field names to the form's own labels), the translated sentence for any other
    DomainError, the role for PermissionDenied; any other exception's own sentence."""
    if isinstance(exc, FieldErrors):
        return "; ".join(field_text(name, m, labels) for name, m in exc.messages.items())
    if isinstance(exc, ValidationError):
        return "; ".join(field_text(name, m, labels) for name, m in validation_messages(exc).items())
    if isinstance(exc, DomainError):
        return message_text(exc.message)
    if isinstance(exc, PermissionDenied):
        return _("Your role ({role}) is not permitted to do this.", role=term(ROLE_LABELS, exc.role))
    if str(exc):
        return str(exc)  # a refusal from an API client or a library, already a sentence (English)
    return _("Something went wrong; nothing was saved. Try again, or tell your admin.")


def _typed_field(
    label: str,
    key: str,
    parse: Callable[[str], T | None],
    shown: Callable[[T], str],
    *,
    help: str | None,
    placeholder: str | None = None,
    container=st,
) -> T | None:
    """THE typed field: a text input whose text `parse` reads (None while empty, or for a blank marker such as
    `-`); under it what was understood ("Understood as `shown(value)`") or the refusal in the user's words."""
    text = container.text_input(label, key=key, help=help, placeholder=placeholder)
    if not (text or "").strip():
        return None
    try:
        value = parse(text)
    except ParseError as exc:
        container.error(error_text(exc), icon=":material/error:")
        return None
    if value is None:
        return None
    container.caption(_("Understood as {value}", value=shown(value)))
    return value


def amount_input(
    label: str,
    currency: str,
    *,
    key: str,
    value: Decimal | None = None,
    help: str | None = None,
    allow_negative: bool = False,
    container=st,
) -> Decimal | None:
    """A text field for an amount in `currency`; None while it is empty or refused (the reason is shown)."""
    locale = current_locale()
    if key not in st.session_state and value is not None:
        st.session_state[key] = money(value, currency)
    example = amount_example(currency, locale)
    return _typed_field(
        label,
        key,
        lambda text: parse_amount(text, currency, locale, field=label, allow_negative=allow_negative),
        lambda amount: money(amount, currency),
        help=help or _("Type it as you write it, e.g. {example}", example=example),
        placeholder=example,
        container=container,
    )


def rate_input(label: str, *, key: str, help: str | None = None, container=st) -> Decimal | None:
    """A text field for an FX rate (all significant digits kept); None while empty or refused."""
    locale = current_locale()
    return _typed_field(
        label,
        key,
        lambda text: parse_rate(text, locale, field=label),
        lambda rate: f"{rate:f}",
        help=help,
        container=container,
    )


def _typed(key: str) -> str:
    return str(st.session_state.get(key) or "")


def read_count(key: str, *, field: str | None = None, minimum: int = 0) -> int | None:
    """In a callback: the count typed in field `key`, read as `count_input` shows it (same rule, same locale);
    None when it is empty. Raises ParseError with the reason (naming `field` when given)."""
    return parse_count(_typed(key), current_locale(), field=field, minimum=minimum)


def read_percent(key: str, *, field: str | None = None) -> Decimal | None:
    """In a callback: the percent typed in field `key`, read as `percent_input` shows it; None when empty."""
    return parse_percent(_typed(key), current_locale(), field=field)


def count_input(
    label: str,
    *,
    key: str,
    value: int | None = None,
    field: str | None = None,
    minimum: int = 0,
    describe: Callable[[int], str] | None = None,
    help: str | None = None,
    container=st,
) -> int | None:
    """A text field for a whole count (followers, a record number) as the user writes numbers: `1.250.000` in
    Bahasa Indonesia, `1,250,000` in English, plain `1250000` in both. Says under it what it understood
    (`describe(count)`, else the count grouped the user's way) or why it refuses the text (`field` names it in
    the message, default `label`); returns the count, None while empty or refused. `value` prefills it."""
    locale = current_locale()
    if key not in st.session_state and value is not None:
        st.session_state[key] = format_count(value, locale)
    example = count_example(locale)
    return _typed_field(
        label,
        key,
        lambda text: parse_count(text, locale, field=field or label, minimum=minimum),
        describe or (lambda count: format_count(count, locale)),
        help=help or _("Type it as you write it, e.g. {example}", example=example),
        placeholder=example,
        container=container,
    )


def percent_input(
    label: str,
    *,
    key: str,
    value: Decimal | None = None,
    field: str | None = None,
    help: str | None = None,
    container=st,
) -> Decimal | None:
    """A text field for a percent from 0 to 100 (an engagement rate) as the user writes decimals: `3,5` in Bahasa
    Indonesia, `3.5` in English (a `%` may follow). Says under it what it understood (`3,5%`) or why it refuses the
    text; returns an exact Decimal, None while empty or refused. `value` prefills it."""
    locale = current_locale()
    if key not in st.session_state and value is not None:
        st.session_state[key] = format_percent(value, locale)
    example = percent_example(locale)
    return _typed_field(
        label,
        key,
        lambda text: parse_percent(text, locale, field=field or label),
        lambda percent: format_percent(percent, locale) + "%",
        help=help or _("A percent from 0 to 100, typed as you write it, e.g. {example}", example=example),
        placeholder=example,
        container=container,
    )


# The picker takes any date a person can type. With bounds of 2000..2100 the browser quietly drops a typed
# 1900-01-01 and the field reads as *no date*, so a form would save none while the person saw a date; with the
# widest bounds the typed date reaches Python, is refused under the field here and by the service on save.
PICKER_EARLIEST = dt.date(1, 1, 1)
PICKER_LATEST = dt.date(9999, 12, 31)


def date_field(label: str, *, key: str, value: dt.date | None = None, container=st, **options) -> dt.date | None:
    """A date picker that keeps what was typed: a date outside the range the domain accepts (db.calendar
    EARLIEST_DATE..LATEST_DATE, 2000-01-01 .. 2100-12-31) is shown refused under the field, in the user's
    language, and returned as typed so the service refuses it too (never saved as no date)."""
    day = container.date_input(
        label,
        value=value,
        min_value=PICKER_EARLIEST,
        max_value=PICKER_LATEST,
        key=key,
        format=picker_format(),
        **options,
    )
    if isinstance(day, dt.date) and not (EARLIEST_DATE <= day <= LATEST_DATE):
        try:
            parse_date(day, current_locale(), field=label)
        except ParseError as exc:
            container.error(error_text(exc), icon=":material/error:")
    return day
