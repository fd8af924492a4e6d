"""The Exports page through streamlit_app.py: preview, totals, download button and file name; roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import Setting
from finance.models import FxRate
from pages.components.i18n import month_text
from tests.table_dates import assert_dated

PAGE = "pages/exports/exports.py"
ROOT = Path(__file__).resolve().parents[2]


def _open(app_test, role: str | None = None):
    """Through streamlit_app.py as the local admin; for another role, the page file alone with that actor
    (the shell only knows local mode until sign-in is configured)."""
    if role is None:
        at = app_test(timeout=60)
        at.run()
        assert not at.exception, at.exception
        at.switch_page(PAGE).run()
    else:
        from streamlit.testing.v1 import AppTest

        from db.roles import Actor

        at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
        at.session_state["actor"] = Actor(f"{role}@example.com", role)
        at.run()
    assert not at.exception, at.exception
    return at


def _choose(at, name: str, since: dt.date, until: dt.date, currency: str):
    at.selectbox(key="exports_report").set_value(name)
    at.date_input(key="exports_from").set_value(since)
    at.date_input(key="exports_to").set_value(until)
    at.run()
    at.selectbox(key="exports_currency").set_value(currency).run()
    assert not at.exception, at.exception
    return at


def test_preview_totals_and_download(finance_url: str, app_test) -> None:
    at = _open(app_test)
    at = _choose(at, "campaign-monthly", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "IDR")
    assert not at.error, [e.value for e in at.error]
    frames = [d.value for d in at.dataframe]
    preview = next(f for f in frames if "account_name" in f.columns)
    assert list(preview.columns[:3]) == ["month", "account_id", "account_name"]
    assert len(preview) == 3
    totals = next(f for f in frames if "total" in f.columns)
    reporting = totals[(totals["column"] == "Spend in the reporting currency") & (totals["currency"] == "IDR")]
    assert reporting.iloc[0]["total"] == "IDR1,367,937"  # 562501 + 75000 + round(45.51 x 16050 = 730435.5)
    usd = totals[(totals["column"] == "Spend") & (totals["currency"] == "USD")]
    assert usd.iloc[0]["total"] == "$45.51"
    button, workbook = at.get("download_button")[:2]
    assert "pantau_campaign-monthly_2026-10-01_2026-10-31_IDR.csv" in button.proto.label
    assert button.proto.url
    assert "pantau_campaign-monthly_2026-10-01_2026-10-31_IDR.xlsx" in workbook.proto.label
    assert workbook.proto.url
    button.click().run()
    assert not at.exception, at.exception
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import AuditEntry

    with session_scope(finance_url) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None
    assert entry.after["export"] == "campaign-monthly"
    assert entry.after["currency"] == "IDR"


def test_a_missing_rate_leaves_cells_blank_and_is_listed_and_strict_refuses(finance_url: str, app_test) -> None:
    with session_scope(finance_url) as s:  # a currency without any rate: VND (the ECB publishes none)
        s.add(Setting(key="reporting_currency", value="VND"))
    at = _choose(_open(app_test), "campaign-monthly", dt.date(2026, 10, 1), dt.date(2026, 11, 30), "VND")
    assert not at.error, [e.value for e in at.error]
    warnings = [w.value for w in at.warning if "No FX rate" in w.value]
    assert len(warnings) == 1
    assert "IDR->VND (October 2026, November 2026); USD->VND (October 2026, November 2026)" in warnings[0]
    assert at.get("download_button")  # the file is still there, native amounts and all
    preview = next(d.value for d in at.dataframe if "fx_missing" in d.value.columns)
    assert set(preview["fx_missing"]) == {"yes"}  # the flag as a word; the file says `true`
    assert set(preview["spend_reporting"]) == {""}
    at.checkbox(key="exports_strict").check().run()
    assert not at.exception, at.exception
    # the page names the month as people read it and the FX rates section, never a command line
    refusals = [e.value for e in at.error if "No IDR→VND rate in October 2026" in e.value]
    assert refusals
    assert all("Exports → FX rates" in e and "cli.py" not in e for e in refusals)
    assert not at.get("download_button")


def test_rate_sources_are_labelled_in_the_preview(finance_url: str, app_test) -> None:
    at = _choose(_open(app_test), "campaign-daily", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "USD")
    preview = next(d.value for d in at.dataframe if "fx_source" in d.value.columns)
    assert set(preview["fx_source"]) == {"finance", "same currency"}


def test_fx_rates_are_typed_as_people_write_them_and_codes_checked(finance_url: str, app_test) -> None:
    at = _open(app_test)
    at.text_input(key="exports_fx_from").set_value("IDR")
    at.text_input(key="exports_fx_to").set_value("USD")
    at.text_input(key="exports_fx_rate").input("0.00000000004").run()
    assert any("Understood as 0.00000000004" in c.value for c in at.caption)
    at.button(key="exports_fx_save").click().run()
    assert not at.exception, at.exception
    assert any("Saved IDR->USD" in m.value for m in at.success)
    with session_scope(finance_url) as s:
        rate = s.scalar(select(FxRate.rate).where(FxRate.from_currency == "IDR", FxRate.to_currency == "USD"))
    assert rate == Decimal("0.00000000004")
    at.text_input(key="exports_fx_from").set_value("XYZ")
    at.text_input(key="exports_fx_rate").input("16000").run()
    at.button(key="exports_fx_save").click().run()
    assert any("XYZ is not an ISO 4217 currency code" in e.value for e in at.error)
    at.text_input(key="exports_fx_rate").input("0.00000000000004").run()
    assert any("outside the rates allowed" in e.value for e in at.error)


def test_a_reporting_currency_that_is_not_iso_4217_is_refused(finance_url: str, app_test) -> None:
    at = _open(app_test)
    at.text_input(key="exports_set_currency").set_value("xyz")
    at.button(key="exports_set_save").click().run()
    assert not at.exception, at.exception
    assert any("xyz is not an ISO 4217 currency code" in e.value for e in at.error)
    with session_scope(finance_url) as s:
        assert s.get(Setting, "reporting_currency") is None


def test_missing_rate_is_an_error_on_screen(finance_url: str, app_test) -> None:
    at = _open(app_test)
    at = _choose(at, "campaign-daily", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "USD")
    assert not at.error
    at.date_input(key="exports_from").set_value(dt.date(2026, 9, 1)).run()
    assert not at.exception
    assert not at.error  # September has no rows: nothing to convert
    at.date_input(key="exports_to").set_value(dt.date(2026, 9, 30)).run()
    assert any("No rows" in i.value for i in at.info)


def test_period_close_from_the_page(finance_url: str, app_test) -> None:
    at = _open(app_test, "finance")
    day = at.selectbox(key="exports_close_month").value  # last month by default
    month = month_text(day, "en_US")
    at.button(key="exports_close").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    table = next(d for d in at.dataframe if "status" in d.value.columns)
    closes = table.value
    assert closes.iloc[0]["month"].date() == day  # a real month (sorts by date), shown as `MMM YYYY`
    assert set(assert_dated(table, "en", {"month": "month", "at": "datetime"})) == {"month", "at"}
    assert closes.iloc[0]["status"] == "closed"  # the label, not the stored code
    assert any(f"Nothing changed since {month}" in m.value for m in at.success)
    assert at.button(key="exports_reopen")
    # The Export tab's default period is last month: now served from the snapshot, and it says so.
    assert any(f"Closed months {month} come from their close snapshots" in i.value for i in at.info)


@pytest.mark.parametrize("role", ["specialist", "viewer"])
def test_roles_without_access_are_told(finance_url: str, app_test, role: str) -> None:
    at = _open(app_test, role)
    assert any("not permitted" in e.value for e in at.error)


def test_manager_reads_but_cannot_close(finance_url: str, app_test) -> None:
    at = _open(app_test, "manager")
    assert not at.error
    assert not [b for b in at.button if b.key == "exports_close"]
    assert any("not permitted to close" in c.value for c in at.caption)


def test_admin_changes_the_reporting_currency(finance_url: str, app_test) -> None:
    at = _open(app_test)
    at.text_input(key="exports_set_currency").set_value("idr")
    at.selectbox(key="exports_set_policy").set_value("month_end")
    at.button(key="exports_set_save").click().run()
    assert not at.exception, at.exception
    said = [c.value for c in at.caption if "Reporting currency" in c.value]
    assert len(said) == 1, said  # once, with where it comes from
    assert said[0].startswith("Reporting currency: IDR (set in Settings). FX policy: Month-end rate."), said
