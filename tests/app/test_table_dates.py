"""Dates in page tables sort as dates: the frames hold real dates (not `date_text`'s `1 Des 2026`, which sorts before
`3 Okt 2026`), the column config carries the page language's format (`i18n.date_column`: `DD/MM/YYYY` in Bahasa
Indonesia, `MMM D, YYYY` in English), a blank date stays NaT and shows as an empty cell."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from campaigns.models import SyncRun
from db.engine import session_scope
from finance.models import PeriodClose
from pages.components.i18n import TABLE_DATE_FORMATS, TABLE_DATETIME_FORMATS, TABLE_MONTH_FORMATS, date_text
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.pages import open_page
from tests.table_dates import assert_dated, column_types

LANGUAGES = ("en", "id")
# Chronological order; as text they sort the other way round in both languages (Dec/Des, Nov, Oct/Okt).
DAYS = [dt.date(2026, 10, 3), dt.date(2026, 11, 12), dt.date(2026, 12, 1)]


def _table(at: AppTest, column: str):
    found = [d for d in at.dataframe if column in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _run(script, language: str) -> AppTest:
    """`script` run under AppTest in `language`, without an exception."""
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    return at


def _column_rule() -> None:
    import streamlit as st

    from pages.components.i18n import date_column

    st.session_state["configs"] = {
        kind: date_column("Due", kind, "Asia/Jakarta" if kind == "datetime" else None)
        for kind in ("date", "month", "datetime")
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_rule_gives_each_language_its_date_format(language: str) -> None:
    at = _run(_column_rule, language)
    configs = at.session_state["configs"]
    assert configs["date"]["type_config"]["type"] == configs["month"]["type_config"]["type"] == "date"
    assert configs["date"]["type_config"]["format"] == TABLE_DATE_FORMATS[language]
    assert configs["month"]["type_config"]["format"] == TABLE_MONTH_FORMATS[language]
    assert configs["datetime"]["type_config"]["format"] == TABLE_DATETIME_FORMATS[language]
    assert configs["datetime"]["type_config"]["timezone"] == "Asia/Jakarta"
    assert all(c["label"] == "Due" for c in configs.values())
    # Day first and no English month name in Bahasa Indonesia (moment.js in the browser knows English only).
    assert TABLE_DATE_FORMATS["id"] == "DD/MM/YYYY"
    assert "MMM" not in TABLE_DATETIME_FORMATS["id"]


def _dated_tables() -> None:
    import pandas as pd
    import streamlit as st

    from pages.components.table_dates import dated_table

    frame = pd.DataFrame(
        {"due": pd.to_datetime(["2026-10-03", None]), "month": pd.to_datetime(["2026-10-01", "2026-11-01"])}
    )
    dated_table(frame, {"due": "Due"}, months=("month",), key="dated", width="stretch", empty="Never shown.")
    dated_table(frame.iloc[:0], key="none_caption", empty="Nothing due.")
    dated_table(frame.iloc[:0], key="none_info", empty="No rows yet.", empty_as=st.info)
    dated_table(frame.iloc[:0], key="none_table")  # no `empty`: the empty table itself


@pytest.mark.parametrize("language", LANGUAGES)
def test_dated_table_draws_the_dates_or_the_empty_sentence(language: str) -> None:
    at = _run(_dated_tables, language)
    assert len(at.dataframe) == 2  # the dated table and the one without `empty`
    table = at.dataframe[0]
    assert assert_dated(table, language, {"month": "month"}) == ["due", "month"]
    assert json.loads(table.proto.columns)["due"]["label"] == "Due"
    assert table.proto.placeholder == ""  # the blank day is an empty cell
    assert table.value["due"].isna().iloc[1]
    assert [c.value for c in at.caption] == ["Nothing due."]
    assert [i.value for i in at.info] == ["No rows yet."]
    assert at.dataframe[1].value.empty


def test_the_text_form_would_sort_wrong() -> None:
    """Why tables hold dates: `date_text` sorts Dec before Oct in both languages."""
    for locale in ("en_US", "id_ID"):
        texts = [date_text(d, locale) for d in DAYS]
        assert sorted(texts) != texts, texts


@pytest.fixture
def payments(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        program = b.program(s, name="Ramadan")
        collab = b.collaboration(s, program, b.influencer(s, name="Ayu"), fee=300)
        for day in (DAYS[2], DAYS[0], None, DAYS[1]):
            b.payment(s, collab, 100, due_date=day)


@pytest.mark.parametrize("language", LANGUAGES)
def test_program_payments_sort_by_due_date(payments, app_test, language: str) -> None:
    at = program_tab(open_page(app_test(timeout=90), "pages/programs/programs.py", language=language), "payments")
    table = _table(at, "due_date")
    assert {"due_date", "paid_date"} <= set(assert_dated(table, language))
    due = table.value["due_date"]
    assert str(due.dtype).startswith("datetime64")
    assert due.isna().sum() == 1  # the payment without a due date: NaT, shown as an empty cell
    assert table.value["paid_date"].isna().all()
    assert list(due.sort_values().dropna().dt.date) == DAYS


@pytest.fixture
def finance(migrated_url: str) -> dt.date:
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in (9, 40, 70)]
    with session_scope(migrated_url) as s:
        b.campaign(s, b.account(s))  # the page has something to export
        for day in days:
            b.fx_rate(s, day, "USD", "IDR", "16000")
        s.add(PeriodClose(month=dt.date(2026, 9, 1), locked_by="a@x", locked_at=b.utc(2026, 10, 2, 3)))
        s.add(PeriodClose(month=dt.date(2026, 10, 1), locked_by="a@x", locked_at=b.utc(2026, 11, 3, 4)))
    return today


@pytest.mark.parametrize("language", LANGUAGES)
def test_exports_fx_rates_and_closes_hold_dates(finance, app_test, language: str) -> None:
    at = open_page(app_test(timeout=90), "pages/exports/exports.py", language=language)
    rates = _table(at, "rate")
    assert "date" in assert_dated(rates, language)
    dates = list(rates.value["date"].sort_values().dt.date)
    assert dates == sorted(finance - dt.timedelta(days=n) for n in (9, 40, 70))
    closes = _table(at, "notes")
    assert set(assert_dated(closes, language, {"month": "month", "at": "datetime"})) == {"month", "at"}
    assert column_types(closes)["month"]["format"] == TABLE_MONTH_FORMATS[language]
    assert sorted(closes.value["month"].dt.date) == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]


@pytest.fixture
def sync_runs(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        account = b.account(s, name="Toko")
        for n, day in enumerate((DAYS[1], DAYS[0], DAYS[2])):
            s.add(
                SyncRun(
                    account_id=account.id,
                    kind="insights",
                    status="success",
                    started_at=b.utc(2026, 12, 1, n),
                    window_since=day,
                    window_until=None if n == 2 else day,
                )
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_sync_runs_hold_their_days_and_moments(sync_runs, app_test, language: str) -> None:
    at = open_page(app_test(timeout=90), "pages/sync/sync.py", language=language)
    runs = _table(at, "window_since")
    times = {"started_at": "datetime"}
    assert set(assert_dated(runs, language, times)) == {"window_since", "window_until", "started_at"}
    assert list(runs.value["window_since"].sort_values().dt.date) == DAYS
    assert runs.value["window_until"].isna().sum() == 1  # a run without a window end: NaT, an empty cell
    assert isinstance(runs.value["started_at"].dtype, pd.DatetimeTZDtype)
