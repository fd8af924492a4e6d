"""The UI translation layer: every user-facing string goes through `_()`.

Catalogs are gettext `.po` files under `locales/<lang>/LC_MESSAGES/messages.po`, read with Babel.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
BABEL_LOCALES = {"en": "en_US", "id": "id_ID"}


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark `message` for extraction without translating it now (translate at display with `_()`)."""
    return message


def language_of(locale: str | None, accept_language: str | None = None) -> str:
    """The app language for a browser: its locale (`id-ID`) or, without one, the first Accept-Language entry
    we have (`id,en;q=0.8`): `id*` -> Bahasa Indonesia, anything else -> English."""
    candidates = [locale] if locale else []
    for part in (accept_language or "").split(","):
        candidates.append(part.split(";")[0].strip())
    for tag in candidates:
        code = (tag or "").replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
        if code and code != "*":
            return "en"
    return "en"


def browser_language() -> str:
    """The first language of this browser session (`st.context.locale`, else the Accept-Language header)."""
    try:
        locale = st.context.locale
        header = st.context.headers.get("Accept-Language")
    except Exception:  # no browser behind this run (bare scripts, some tests)
        return "en"
    return language_of(locale, header)


# The language as read in this script run: (the run's cursor map, language) on the run's ScriptRunContext.
_RUN_LANGUAGE = "_pantau_language"


def _session_language() -> str:
    lang = st.session_state.get("language")
    if lang is None:
        lang = st.session_state["language"] = browser_language()
        st.session_state["language_source"] = "browser"
    return lang if lang in LANGUAGES else "en"


def current_language() -> str:
    """The session's language: chosen in the sidebar, else the signed-in user's saved one, else the browser's.

    `_()` and every money and number format ask for it (tens of thousands of times in a run of a big table), so it
    is read from the session state once per script run: Streamlit gives each run (and each rerun of a fragment) a
    fresh cursor map on the run's context, which marks the run. `choose_language` changes it within a run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:  # no script run (bare scripts, some tests): read it every time
        return _session_language()
    run = ctx.cursors
    memo = getattr(ctx, _RUN_LANGUAGE, None)
    if memo is not None and memo[0] is run:
        return memo[1]
    lang = _session_language()
    setattr(ctx, _RUN_LANGUAGE, (run, lang))
    return lang


def choose_language(language: str, source: str) -> None:
    """Set the session's language (`source`: "user" for a saved choice, "person" for the sidebar), at once: the
    rest of this run is in it too."""
    st.session_state["language"] = language
    st.session_state["language_source"] = source
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        setattr(ctx, _RUN_LANGUAGE, None)


def current_locale() -> str:
    """The Babel locale for formatting numbers, dates and money."""
    return BABEL_LOCALES[current_language()]


PICKER_FORMATS = {"id": "DD/MM/YYYY", "en": "YYYY-MM-DD"}  # Indonesians write the day first; English: ISO


def picker_format() -> str:
    """How date pickers show a date in the user's language (`st.date_input(format=...)`): 03/12/2026 in Bahasa
    Indonesia, 2026-12-03 in English (never the month-first or year/month/day mix)."""
    return PICKER_FORMATS.get(current_language(), "YYYY-MM-DD")


# Dates in tables (`st.dataframe`) are real date values, so a click on the header sorts them by date; the browser
# shows them with a moment.js pattern. Streamlit 1.67's moment.js carries English month names only, and its
# "localized" format follows the browser's language, not the app's: so Bahasa Indonesia reads day-first numbers
# (as its date pickers do) and English reads the month's short name, as `date_text` writes it.
TABLE_DATE_FORMATS = {"id": "DD/MM/YYYY", "en": "MMM D, YYYY"}
TABLE_MONTH_FORMATS = {"id": "MM/YYYY", "en": "MMM YYYY"}
TABLE_DATETIME_FORMATS = {"id": "DD/MM/YYYY HH.mm z", "en": "MMM D, YYYY, h:mm A z"}  # z: the zone's abbreviation


def date_column(label: str | None, kind: str = "date", zone: str | None = None) -> Any:
    """THE `column_config` of a table's date column in the user's language: `kind` "date" (`27/11/2026`,
    `Nov 27, 2026`), "month" (`11/2026`, `Nov 2026`) or "datetime" (`27/11/2026 14.05 WIB`,
    `Nov 27, 2026, 2:05 PM WIB`, shown in the time zone `zone`). The column holds real dates, so it sorts by date."""
    lang = current_language()
    if kind == "datetime":
        return st.column_config.DatetimeColumn(label, format=TABLE_DATETIME_FORMATS[lang], timezone=zone)
    formats = TABLE_MONTH_FORMATS if kind == "month" else TABLE_DATE_FORMATS
    return st.column_config.DateColumn(label, format=formats[lang])


def _(message: str, **values: object) -> str:
    """Translate `message` to the current language; `{name}` placeholders are filled from `values`."""
    lang = current_language()
    text = message if lang == "en" else _catalog(lang).get(message, message)
    return text.format(**values) if values else text


def date_text(day: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """A date for reading in the current locale: `27 Nov 2026` (id_ID), `Nov 27, 2026` (en_US); "" for None."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return format_date(day, "medium", locale=locale or current_locale())


def month_text(day: dt.date, locale: str | None = None) -> str:
    """A month for reading in the current locale: `November 2026`, `Agustus 2026`."""
    return format_date(day, "MMMM y", locale=locale or current_locale())


def datetime_text(moment: dt.datetime | None, zone: str, locale: str | None = None) -> str:
    """A moment for reading in the time zone `zone` and the current locale, to the minute, with the zone's
    abbreviation: `27 Nov 2026 14.05 WIB` (id_ID), `Nov 27, 2026, 2:05 PM GMT+7` (en_US); "" for None.
    A naive datetime is taken as UTC (the database stores UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    lang = locale or current_locale()
    pattern = "d MMM y HH.mm z" if lang.startswith("id") else "MMM d, y, h:mm a z"
    return format_datetime(moment, pattern, tzinfo=ZoneInfo(zone), locale=lang)
