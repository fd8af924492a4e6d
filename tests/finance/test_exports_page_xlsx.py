"""The Exports page's XLSX download (the bytes it serves, opened with openpyxl) and the page in Bahasa Indonesia."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from finance.exports import XLSX_MIME, read_rows
from pages.components.i18n import month_text
from tests.pages import open_page

PAGE = "pages/exports/exports.py"
ROOT = Path(__file__).resolve().parents[2]
CHOICE = {
    "exports_report": "campaign-monthly",
    "exports_from": dt.date(2026, 10, 1),
    "exports_to": dt.date(2026, 10, 31),
    "exports_currency": "IDR",
}


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """What the page hands to Streamlit's media store for each download, by MIME type (the bytes a click gets)."""
    files: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            files[mimetype] = path_or_data
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files


def _open(app_test, language: str | None = None):
    at = app_test(timeout=60)
    for key, value in CHOICE.items():  # chosen before the page runs: no rerun with translated pickers needed
        at.session_state[key] = value
    return open_page(at, PAGE, language=language)


def test_the_xlsx_download_holds_the_csv_rows_typed(finance_url: str, app_test, served) -> None:
    at = _open(app_test)
    assert not at.error, [e.value for e in at.error]
    buttons = {b.key: b for b in at.get("download_button")}
    assert "pantau_campaign-monthly_2026-10-01_2026-10-31_IDR.xlsx" in buttons["exports_download_xlsx"].proto.label
    header, rows = read_rows(served["text/csv"])
    sheet = load_workbook(io.BytesIO(served[XLSX_MIME])).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == header
    assert len(got) - 1 == len(rows) == 3
    first = dict(zip(header, got[1], strict=True))
    assert first["month"] == dt.datetime(2026, 10, 1)
    assert first["account_id"] == "100"
    assert first["spend"] == 562501
    assert first["fx_source"] == "same_currency"  # the file keeps codes; only the page shows labels
    buttons["exports_download_xlsx"].click().run()
    assert not at.exception, at.exception
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import AuditEntry

    with session_scope(finance_url) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None
    assert entry.after["format"] == "xlsx"
    assert entry.summary.endswith(".xlsx")


def _texts(at) -> list[str]:
    """Every word the page shows: prose, labels, help, options, table cells that are not the file's own."""
    out: list[str] = []
    for kind in ("title", "caption", "markdown", "info", "warning", "error", "success", "subheader"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "checkbox", "text_input", "date_input", "selectbox", "tabs", "expander"):
        for e in getattr(at, kind):
            out += [str(getattr(e, "label", "") or ""), str(getattr(e, "help", "") or "")]
    for e in at.selectbox:
        out += list(e.options)
    for e in at.get("download_button"):
        out += [e.proto.label, e.proto.help]
    return [t for t in out if t]


def test_the_page_in_bahasa_indonesia(finance_url: str, app_test, served) -> None:
    at = _open(app_test, "id")
    assert not at.error, [e.value for e in at.error]
    texts = _texts(at)
    assert "Unduh pantau_campaign-monthly_2026-10-01_2026-10-31_IDR.xlsx" in texts
    assert "Unduh pantau_campaign-monthly_2026-10-01_2026-10-31_IDR.csv" in texts
    last_month = at.selectbox(key="exports_close_month").value
    assert f"Tutup {month_text(last_month, 'id_ID')}" in texts
    assert month_text(dt.date(2026, 10, 1), "id_ID") == "Oktober 2026"
    assert "Oktober 2026" in at.selectbox(key="exports_close_month").options
    totals = next(d.value for d in at.dataframe if "total" in d.value.columns)
    reporting = totals[totals["column"] == "Belanja iklan dalam mata uang pelaporan"]
    assert set(reporting["total"]) == {"Rp1.367.937"}
    assert "US$45,51" in set(totals["total"])
    preview = next(d.value for d in at.dataframe if "fx_missing" in d.value.columns)
    assert set(preview["fx_missing"]) == {"tidak"}
    assert "same_currency" not in set(preview["fx_policy"])
    # No English left: nothing shown is a catalogued English text that has a Bahasa translation...
    with (ROOT / "locales/id/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    english = {m.id for m in catalog if m.id and m.string and m.string != m.id}
    assert not [t for t in texts if t in english]
    # ...nor any of the page's English words.
    for word in ("Download", "Totals", "First rows", "Report", "Close ", "Month-end", "Spend", "October"):
        assert not [t for t in texts if word in t], word
