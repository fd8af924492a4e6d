"""The deliverable results import honours the rows the tabular reader flags: a download cut mid-row or a row with
more cells than the header is refused whole under the field `row` with the reader's reason (a message pages
translate), never padded with blanks, while the other rows are written."""

from __future__ import annotations

from db.errors import Message
from db.tabular import EXTRA_CELLS, ROW_ENDS_EARLY, UNTERMINATED
from influencers.deliverables import add_deliverable, import_results
from tests.influencers.conftest import SPECIALIST


def _two(session, collab):
    return [
        add_deliverable(
            session,
            SPECIALIST,
            collab.id,
            {"platform": "instagram", "type": "reel", "status": "published", "url": f"https://instagram.com/p/{n}"},
        )
        for n in ("a1", "b2")
    ]


def test_a_results_file_cut_mid_row_refuses_that_row_not_padded(program_setup, session) -> None:
    program, _person, collab = program_setup
    first, second = _two(session, collab)
    data = (
        "\ufeffdeliverable_id;views;likes;clicks;revenue\r\n"
        f"{first.id};12.500;830;41;1.250.000\r\n"  # Indonesian Excel: `1.250.000` proves the marks
        f"{second.id};98.000;5"  # the download stopped inside `likes`: clicks and revenue are missing
    ).encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert (report.updated, report.rejected) == (1, 1)
    assert [(row, name) for row, name, _reason in report.problems] == [(3, "row")]
    reason = report.problems[0][2]
    assert isinstance(reason, Message)
    assert reason.text == ROW_ENDS_EARLY
    assert str(reason) == "Row 3 ends early: 3 of 5 columns; the file may be cut off, so download it again."
    assert (first.views, first.likes, first.clicks, first.revenue) == (12500, 830, 41, 1250000)
    assert (second.views, second.likes, second.clicks) == (None, None, None)


def test_every_cut_point_of_the_last_row_stores_whole_figures_or_nothing(program_setup, session) -> None:
    program, _person, collab = program_setup
    first, second = _two(session, collab)
    head = f"deliverable_id,views,likes,clicks\n{first.id},100,10,1\n"
    last = f"{second.id},98000,5432,210"
    for cut in range(1, len(last)):
        second.views = second.likes = second.clicks = None
        report = import_results(session, SPECIALIST, (head + last[:cut]).encode(), program_id=program.id, dry_run=True)
        if last[:cut].count(",") < 3:
            assert (3, "row") in {(row, name) for row, name, _r in report.problems}, last[:cut]
            assert report.updated == 1
    report = import_results(session, SPECIALIST, (head + last[:-1]).encode(), program_id=program.id)
    # a cut inside the last cell cannot be told from a complete file without a final newline: stored, but warned
    assert (second.views, second.likes, second.clicks) == (98000, 5432, 21)
    assert [w.text for w in report.warnings] == [UNTERMINATED]
    assert str(report.warnings[0]) == (
        "The file does not end with a line break, so its last row (row 3) may have been cut off inside its last "
        "cell (clicks: 21); check that value against the original, or download the file again."
    )


def test_more_cells_than_the_header_refuse_the_row(program_setup, session) -> None:
    program, _person, collab = program_setup
    first, _second = _two(session, collab)
    data = f"deliverable_id,views,revenue\n{first.id},1500,1,250,000\n".encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert (report.updated, report.rejected) == (0, 1)
    assert [(row, name) for row, name, _reason in report.problems] == [(2, "row")]
    assert report.problems[0][2].text == EXTRA_CELLS
    assert first.revenue is None


def test_parse_problems_are_messages_too(program_setup, session) -> None:
    program, _person, collab = program_setup
    first, _second = _two(session, collab)
    report = import_results(
        session, SPECIALIST, f"deliverable_id,views\n{first.id},banyak\n".encode(), program_id=program.id
    )
    ((row, name, reason),) = report.problems
    assert (row, name) == (2, "views")
    assert isinstance(reason, Message)
    assert reason.text != ROW_ENDS_EARLY
    assert "banyak" in str(reason)
