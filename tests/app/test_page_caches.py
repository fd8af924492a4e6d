"""Page caches are shared by every session of the process and keyed on the workspace's data version: a second
session reuses the first one's query results, and no cached result survives a write, whether it is made on the
page, in another session or by another process."""

from __future__ import annotations

from contextlib import contextmanager

from db.data_version import data_version
from db.engine import session_scope
from influencers.models import Program
from influencers.programs import create_program, update_program
from tests.influencers.conftest import MANAGER, SPECIALIST, program_tab
from tests.statements import listening

PROGRAMS = "pages/programs/programs.py"


def _open(at):
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PROGRAMS).run()
    assert not at.exception, at.exception
    return at


def _brands(at) -> list[str]:
    for element in at.dataframe:
        frame = element.value
        if {"name", "brand", "collaborations"} <= set(frame.columns):
            return [str(b) for b in frame["brand"]]
    raise AssertionError("no programs table")


def _program(url: str, brand: str = "Kopi A") -> int:
    with session_scope(url) as s:
        return create_program(s, SPECIALIST, {"name": "Ramadan", "currency": "IDR", "brand": brand}).id


@contextmanager
def statements(url: str):
    """Every SQL statement the app runs on `url` inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    with listening(url, record):
        yield seen


def test_a_save_on_the_page_shows_at_once_in_this_and_every_other_session(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    mine, theirs = _open(app_test()), _open(app_test())
    assert _brands(mine) == _brands(theirs) == ["Kopi A"]
    program_tab(mine, "program")
    mine.text_input(key="prog_edit_brand").set_value("Kopi B")
    mine.button(key="prog_edit_submit").click().run()
    assert not mine.exception, mine.exception
    assert _brands(mine) == ["Kopi B"]
    assert mine.text_input(key="prog_edit_brand").value == "Kopi B"
    theirs.run()
    assert _brands(theirs) == ["Kopi B"]


def test_a_write_by_another_process_shows_on_the_next_run(migrated_url: str, app_test) -> None:
    program_id = _program(migrated_url)
    at = _open(app_test())
    assert _brands(at) == ["Kopi A"]
    # What a command, the worker or another replica does: a write that clears no cache of this process.
    with session_scope(migrated_url) as s:
        update_program(s, MANAGER, program_id, {"name": "Ramadan", "currency": "IDR", "brand": "Kopi C"}, None)
    at.run()
    assert _brands(at) == ["Kopi C"]


def test_a_second_session_reuses_the_first_sessions_query_results(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    first = _open(app_test())
    with statements(migrated_url) as seen:
        second = _open(app_test())
    assert _brands(second) == _brands(first) == ["Kopi A"]
    program_reads = [s for s in seen if "FROM program" in s]
    assert program_reads == [], program_reads
    assert any("FROM audit_log" in s for s in seen)  # it did check the data version


def test_the_data_version_changes_with_every_write_and_only_then(migrated_url: str) -> None:
    program_id = _program(migrated_url)
    with session_scope(migrated_url) as s:
        before = data_version(s)
    with session_scope(migrated_url) as s:
        assert data_version(s) == before
        assert s.get(Program, program_id).brand == "Kopi A"  # reading is not writing
    with session_scope(migrated_url) as s:
        update_program(s, MANAGER, program_id, {"name": "Ramadan", "currency": "IDR", "brand": "Kopi D"}, None)
    with session_scope(migrated_url) as s:
        after = data_version(s)
    assert after != before
