"""The contacts import warns, never refuses, when the file's last row has no line break after it: a download cut
inside the last cell (`Fashion` cut to `Fashi`) reads as a complete row. The preview, the Influencers page (in
the user's language) and `cli.py import influencers` say so, naming the row, the column and the value."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.engine import session_scope
from db.tabular import UNTERMINATED
from influencers.csv_import import apply_import, preview_import
from influencers.models import Influencer
from tests.cli_run import run_cli
from tests.influencers.conftest import SPECIALIST

INFLUENCERS = "pages/influencers/influencers.py"
# As an outreach sheet downloads from Google Sheets: header on line 1, CRLF line endings.
HEAD = (
    b"Name,Link,Followers,Engagement Rate,Status,Email,Notes\r\n"
    b"Rina Kartika,https://www.instagram.com/rinakartika/,10.4M,0.017,SENT,rina@example.com,Beauty\r\n"
)
LAST = b"Putri Anggraini,https://x.com/putrianggraini,12.5K,0.021,NOT SENT,putri@example.com,Fashion"
CUT = HEAD + LAST[:-2]  # the download stopped inside `Fashion`

WARNING = (
    "The file does not end with a line break, so its last row (row 3) may have been cut off inside its last cell "
    "(Notes: Fashi); check that value against the original, or download the file again."
)


def test_a_last_row_without_a_line_break_is_imported_with_a_warning_naming_row_and_column(session) -> None:
    preview = preview_import(session, CUT, file_name="outreach.csv")
    assert [(w.text, w.params["row"], w.params["column"]) for w in preview.file_warnings] == [
        (UNTERMINATED, 3, "Notes")
    ]
    assert str(preview.file_warnings[0]) == WARNING
    assert preview.problems == []  # a warning, never a refusal
    assert preview.counts()["imported"] == 2
    apply_import(session, SPECIALIST, preview)
    assert set(session.scalars(select(Influencer.name))) == {"Rina Kartika", "Putri Anggraini"}


def test_a_complete_file_ending_with_a_line_break_gives_no_warning(session) -> None:
    preview = preview_import(session, HEAD + LAST + b"\r\n", file_name="outreach.csv")
    assert preview.file_warnings == []
    assert preview.counts()["imported"] == 2


def test_the_command_line_prints_the_warning_and_imports(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "outreach.csv"
    path.write_bytes(CUT)
    result = run_cli("import", "influencers", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert f"warning: {WARNING}" in " ".join(result.stderr.decode().split())
    with session_scope(migrated_url) as s:
        assert len(s.scalars(select(Influencer.id)).all()) == 2
    path.write_bytes(HEAD + LAST + b"\r\n")
    again = run_cli("import", "influencers", str(path), "--dry-run")
    assert "does not end with a line break" not in again.stderr.decode()


def test_the_page_shows_the_warning_in_bahasa_indonesia_on_preview_and_after_import(
    migrated_url: str, app_test
) -> None:
    at = app_test()
    at.session_state["language"] = "id"
    at.run()
    at.switch_page(INFLUENCERS).run()
    assert not at.exception, at.exception
    at.file_uploader(key="inf_import_file").upload("outreach.csv", CUT, "text/csv").run()
    assert not at.exception, at.exception
    expected = "Berkas tidak diakhiri dengan baris baru, jadi baris terakhirnya (baris 3) mungkin terpotong di sel"
    warnings = " | ".join(str(w.value) for w in at.warning)
    assert expected in warnings
    assert "(Notes: Fashi)" in warnings
    assert not at.error
    at.button(key="inf_import_go").click().run()
    assert not at.exception, at.exception
    assert expected in " | ".join(str(w.value) for w in at.warning)
    assert at.success
    with session_scope(migrated_url) as s:
        assert set(s.scalars(select(Influencer.name))) == {"Rina Kartika", "Putri Anggraini"}
