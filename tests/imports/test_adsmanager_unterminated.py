"""The Ads Manager import warns, never refuses, when the file's last row has no line break after it: a download
cut inside the last cell (`10` clicks cut to `1`) reads as a complete row. The preview, the Sync page (before and
after Import, in the user's language) and `cli.py import adsmanager` say so, naming the row and the column."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.models import CampaignInsight
from db.engine import session_scope
from db.roles import CLI_ACTOR
from db.tabular import UNTERMINATED
from tests.cli_run import run_cli
from tests.imports.test_adsmanager_results import ROWS, TOKO, bahasa_file

SYNC = "pages/sync/sync.py"
NAME = "Toko Kopi Sejahtera-Laporan-Nov-2026.csv"
COMPLETE = bahasa_file(ROWS[:3])  # title line 1, header line 2, Meta's totals line 3, data lines 4-6, CRLF at the end
CUT = COMPLETE.removesuffix(b"\r\n")[:-1]  # the download stopped inside the last `Klik tautan` cell: 10 -> 1
WARNING = (
    "The file does not end with a line break, so its last row (row 6) may have been cut off inside its last cell "
    "(Klik tautan: 1); check that value against the original, or download the file again."
)


def test_a_cut_last_cell_is_imported_with_a_warning_naming_row_and_column(session) -> None:
    assert COMPLETE.endswith(b",1000,10\r\n")
    assert CUT.endswith(b",1000,1")
    preview = preview_import(session, CUT, NAME, AccountTarget(name=TOKO, timezone="Asia/Jakarta"))
    assert [(w.text, w.params["row"], w.params["column"]) for w in preview.warnings] == [
        (UNTERMINATED, 6, "Klik tautan")
    ]
    assert str(preview.warnings[0]) == WARNING
    assert (len(preview.rows), preview.rejected) == (3, [])  # a warning, never a refusal
    apply_import(session, CLI_ACTOR, preview)
    assert session.scalar(select(func.count(CampaignInsight.id))) == 3


def test_a_complete_file_ending_with_a_line_break_gives_no_warning(session) -> None:
    preview = preview_import(session, COMPLETE, NAME, AccountTarget(name=TOKO, timezone="Asia/Jakarta"))
    assert preview.warnings == []
    assert len(preview.rows) == 3


def test_the_command_line_prints_the_warning(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(CUT)
    result = run_cli("import", "adsmanager", str(path), "--account", TOKO, "--currency", "IDR")
    assert result.returncode == 0, result.stderr.decode()
    assert f"warning: {WARNING}" in " ".join(result.stderr.decode().split())
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 3
    path.write_bytes(COMPLETE)
    again = run_cli("import", "adsmanager", str(path), "--account", TOKO, "--dry-run")
    assert again.returncode == 0, again.stderr.decode()
    assert "does not end with a line break" not in again.stderr.decode()


def test_the_sync_page_shows_the_warning_before_and_after_import_and_in_bahasa_indonesia(
    migrated_url: str, app_test
) -> None:
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    at.file_uploader(key="sync_upload").set_value((NAME, CUT, "text/csv")).run()
    assert not at.exception, at.exception
    assert WARNING in [str(w.value) for w in at.warning]
    assert not at.error
    at.text_input(key="sync_upload_new_name").set_value(TOKO).run()
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert WARNING in [str(w.value) for w in at.warning]
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 3
    at.sidebar.selectbox(key="auth_language").set_value("id").run()  # as a person chooses it
    assert not at.exception, at.exception
    warnings = " | ".join(str(w.value) for w in at.warning)
    assert "Berkas tidak diakhiri dengan baris baru, jadi baris terakhirnya (baris 6) mungkin terpotong" in warnings
    assert "(Klik tautan: 1)" in warnings
