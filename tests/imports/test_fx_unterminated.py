"""The FX rates import warns, never refuses, when the file's last row has no line break after it: a download cut
inside the last cell (JISDOR's `Rp 16.201,50` cut to `Rp 16.201`) reads as a valid rate. The result, the Exports
page after the import (its sentence read in Bahasa Indonesia as the page renders it) and `cli.py fx import` say
so, naming the row and the column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from db.engine import session_scope
from db.roles import CLI_ACTOR
from db.tabular import UNTERMINATED
from finance.fx import import_rates_csv
from finance.models import FxRate
from tests import builders
from tests.cli_run import run_cli

PAGE = "pages/exports/exports.py"
# Bank Indonesia's JISDOR download: a BOM, title lines, `;`, CRLF, the header on line 4, rates from line 5.
JISDOR = (
    "\ufeffKurs Referensi Jakarta Interbank Spot Dollar Rate (JISDOR);;\r\n"
    "Periode: 26 Oktober 2026 - 2 November 2026;;\r\n"
    ";;\r\n"
    "No;Tanggal;Kurs\r\n"
    "1;2 November 2026;Rp 16.251,00\r\n"
    "2;30 Oktober 2026;Rp 16.234,00\r\n"
    "3;29 Oktober 2026;Rp 16.201,50"
).encode()
JISDOR_CUT = JISDOR[:-3]  # the download stopped inside `Rp 16.201,50`
# Pantau's own format: the header on line 1, the optional source column last.
PANTAU = b"date,from,to,rate,source\r\n2026-07-01,USD,IDR,16250.25,bi\r\n2026-07-02,USD,IDR,16234.5,bank"
PANTAU_CUT = PANTAU[:-2]  # `bank` cut to `ba`
WARNING = (
    "The file does not end with a line break, so its last row (row 7) may have been cut off inside its last cell "
    "(Kurs: Rp 16.201); check that value against the original, or download the file again."
)


def _count(session) -> int:
    return session.scalar(select(func.count(FxRate.id)))


def test_a_cut_jisdor_rate_is_stored_with_a_warning_naming_row_and_column(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, JISDOR_CUT, source="csv:jisdor.csv")
    assert result.format == "jisdor"
    assert [(w.text, w.params["row"], w.params["column"]) for w in result.warnings] == [(UNTERMINATED, 7, "Kurs")]
    assert str(result.warnings[0]) == WARNING
    assert (result.created, result.errors) == (3, [])  # a warning, never a refusal
    assert session.scalar(select(FxRate.id).where(FxRate.date == dt.date(2026, 10, 29))) is not None


def test_a_cut_pantau_file_warns_on_its_last_column(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, PANTAU_CUT)
    assert [(w.params["row"], w.params["column"], w.params["value"]) for w in result.warnings] == [(3, "source", "ba")]
    assert (result.created, result.errors) == (2, [])


def test_complete_files_ending_with_a_line_break_give_no_warning(session) -> None:
    for data in (JISDOR + b"\r\n", PANTAU + b"\r\n"):
        result = import_rates_csv(session, CLI_ACTOR, data)
        assert result.warnings == []
        assert result.errors == []
    assert _count(session) == 5


def test_the_command_line_prints_the_warning(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "jisdor.csv"
    path.write_bytes(JISDOR_CUT)
    result = run_cli("fx", "import", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert f"warning: {WARNING}" in " ".join(result.stderr.decode().split())
    assert "3 added" in result.stdout.decode()
    path.write_bytes(JISDOR + b"\r\n")
    again = run_cli("fx", "import", str(path))
    assert again.returncode == 0, again.stderr.decode()
    assert "does not end with a line break" not in again.stderr.decode()


def test_the_exports_page_shows_the_warning_after_the_import(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        builders.campaign(s, builders.account(s))  # the page shows its tabs once there is something to export
    at = app_test(timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    at.file_uploader(key="exports_fx_upload").set_value(("jisdor.csv", JISDOR_CUT, "text/csv")).run()
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert WARNING in [str(w.value) for w in at.warning]
    assert any("FX rates: 3 added" in str(s.value) for s in at.success)
    assert not at.error
    with session_scope(migrated_url) as s:
        assert _count(s) == 3


def _show() -> None:
    import streamlit as st

    from pages.components.inputs import message_text

    st.session_state["shown"] = [message_text(warning) for warning in st.session_state["warnings"]]


def test_the_warning_reads_in_bahasa_indonesia_as_the_page_renders_it(session) -> None:
    from streamlit.testing.v1 import AppTest

    result = import_rates_csv(session, CLI_ACTOR, JISDOR_CUT)
    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = "id"
    at.session_state["warnings"] = result.warnings
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["shown"] == [
        "Berkas tidak diakhiri dengan baris baru, jadi baris terakhirnya (baris 7) mungkin terpotong di sel "
        "terakhirnya (Kurs: Rp 16.201); cocokkan nilai itu dengan aslinya, atau unduh ulang berkasnya."
    ]
