"""The person may choose the decimal mark of a deliverable results file (`import_results(..., decimal_mark=...)`,
`import results --decimal-mark`, the Programs page's "Decimal mark" select on the Deliverables tab), as the FX rates
and promo sales imports offer it: an English-headed file whose views and rupiah revenue are written `150.000` on
every row proves no mark, so each reads two ways (150 or 150000) and is refused; with `,` chosen each is 150000.
Under a chosen mark a figure proving the other mark is refused by row; a whole-number figure is read by the choice.
Real database (SQLite and PostgreSQL), the command line, and the Programs page in Bahasa Indonesia (AppTest)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.engine import session_scope
from db.errors import FieldErrors
from influencers.deliverables import decimal_mark_needed, import_results
from influencers.models import Deliverable
from tests import builders as b
from tests.cli_run import run_cli
from tests.influencers.conftest import SPECIALIST, program_tab
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"
DECIMAL_MARK = "prog_results_decimal_mark"


def _world(session) -> tuple[int, list[int]]:
    """An IDR program with two published deliverables (each its own creator's collaboration)."""
    program = b.program(session, name="Kopi Nusantara", currency="IDR")
    items = [
        b.deliverable(session, b.collaboration(session, program), status="published", url=f"https://x.test/p/{n}")
        for n in range(2)
    ]
    session.flush()
    return program.id, [item.id for item in items]


def _dotted(ids: list[int], extra: str = "") -> bytes:
    """Every figure `150.000`: under English headers a count or rupiah amount of 150 or 150000."""
    return ("deliverable_id,views,revenue\n" + "".join(f"{i},150.000,150.000\n" for i in ids) + extra).encode()


def _refused(kind: str) -> str:
    return (
        f"150.000 could be 150 or 150000: this file writes '.' as its decimal mark (its headers are in English), but "
        f"{kind} have no decimals; write the figure without thousands separators or in the same format as the "
        "file's other figures, or give the decimal mark with --decimal-mark (. or ,)."
    )


def _figures(session, ids: list[int]) -> list[tuple[int | None, Decimal | None]]:
    session.expire_all()
    return [(session.get(Deliverable, i).views, session.get(Deliverable, i).revenue) for i in ids]


def test_dotted_figures_under_english_headers_are_refused_then_read_with_the_comma(session) -> None:
    program_id, ids = _world(session)
    data = _dotted(ids)
    assert decimal_mark_needed(session, data, program_id=program_id)
    refused = import_results(session, SPECIALIST, data, program_id=program_id)
    assert (refused.updated, refused.rejected) == (0, 2)
    assert [(line, name, str(reason)) for line, name, reason in refused.problems] == [
        (2, "views", _refused("counts")),
        (2, "revenue", _refused("IDR amounts")),
        (3, "views", _refused("counts")),
        (3, "revenue", _refused("IDR amounts")),
    ]
    assert _figures(session, ids) == [(None, None), (None, None)]
    report = import_results(session, SPECIALIST, data, program_id=program_id, decimal_mark=",")
    assert (report.updated, report.rejected, report.problems) == (2, 0, [])
    assert _figures(session, ids) == [(150000, Decimal(150000)), (150000, Decimal(150000))]
    assert report.numbers is not None
    assert report.numbers.chosen
    assert str(report.numbers.read_with()) == "Figures read with ',' as the decimal mark (you chose it)."


def test_a_whole_number_figure_is_read_by_the_choice_and_the_other_mark_refused_by_row(session) -> None:
    program_id, ids = _world(session)
    extra = b.deliverable(session, session.get(Deliverable, ids[0]).collaboration, status="published")
    session.flush()
    data = _dotted(ids, f'{extra.id},1250,"150,000.00"\n')  # a decimal dot: the other mark than ','
    assert decimal_mark_needed(session, data, program_id=program_id)
    report = import_results(session, SPECIALIST, data, program_id=program_id, decimal_mark=",")
    assert (report.updated, report.rejected) == (2, 1)
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [
        (
            4,
            "revenue",
            "150,000.00 writes '.' as its decimal mark, but the decimal mark chosen is ','; correct the figure, or "
            "choose '.' if the whole file writes it so.",
        )
    ]
    dot = import_results(session, SPECIALIST, data, program_id=program_id, decimal_mark=".")
    assert (dot.updated, dot.rejected, dot.problems) == (3, 0, [])
    assert _figures(session, [*ids, extra.id]) == [(150, Decimal(150)), (150, Decimal(150)), (1250, Decimal(150000))]


def test_files_that_read_one_way_need_no_choice(session) -> None:
    program_id, ids = _world(session)
    plain = f"deliverable_id,views,revenue\n{ids[0]},150000,150000\n".encode()
    assert not decimal_mark_needed(session, plain, program_id=program_id)
    bahasa = f"deliverable_id;Tayangan;Pendapatan\n{ids[0]};150.000;150.000\n".encode()  # Bahasa: 150000, one way
    assert not decimal_mark_needed(session, bahasa, program_id=program_id)
    assert not decimal_mark_needed(session, b"no,id,column\n1,2,3\n", program_id=program_id)  # refused anyway
    with pytest.raises(FieldErrors) as caught:
        import_results(session, SPECIALIST, plain, program_id=program_id, decimal_mark="x")
    assert str(caught.value.messages["decimal_mark"]) == "x is not a decimal mark; use . (1,250.50) or , (1.250,50)"


def test_the_command_line_takes_the_decimal_mark(migrated_url: str, tmp_path) -> None:
    with session_scope(migrated_url) as s:
        program_id, ids = _world(s)
    results = tmp_path / "results.csv"
    results.write_bytes(_dotted(ids))
    args = ("import", "results", "--program", str(program_id), str(results))
    refused = run_cli(*args)
    assert refused.returncode == 2
    assert ("row 2, views: " + _refused("counts")).encode() in refused.stderr
    bad = run_cli(*args, "--decimal-mark", ";")
    assert bad.returncode == 2
    assert b"--decimal-mark ;: use . (1,250.50: a dot before the decimals) or , (1.250,50: a comma)" in bad.stderr
    done = run_cli(*args, "--decimal-mark", ",")
    assert done.returncode == 0, done.stderr
    assert b"Figures read with ',' as the decimal mark (you chose it)." in done.stdout
    assert b"Imported results: 2 rows updated, 0 rejected" in done.stdout
    with session_scope(migrated_url) as s:
        assert _figures(s, ids) == [(150000, Decimal(150000)), (150000, Decimal(150000))]


def _upload(app_test, data: bytes):
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "deliverables")
    at.file_uploader(key="prog_results_csv").upload("hasil.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    return at


def _cells(at) -> list[str]:
    return [str(v) for e in at.dataframe for column in e.value.columns for v in e.value[column]]


def test_the_programs_page_asks_for_the_decimal_mark_only_when_needed_then_imports(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        _program_id, ids = _world(s)
    at = _upload(app_test, _dotted(ids))
    mark = at.selectbox(key=DECIMAL_MARK)
    assert mark.label == "Tanda desimal"
    assert mark.value is None
    assert mark.options == [
        "Titik (1.345 adalah satu koma tiga empat lima)",
        "Koma (1.345 adalah seribu tiga ratus empat puluh lima)",
    ]
    reasons = [r for r in _cells(at) if r.startswith("150.000 bisa berarti 150 atau 150000")]
    assert len(reasons) == 4, _cells(at)
    assert all(r.endswith(", atau pilih tanda desimal di atas.") for r in reasons), reasons
    assert not [b for b in at.button if b.key == "prog_results_csv_go"]  # every row refused: nothing to import
    mark.select(",").run()
    assert not at.exception, at.exception
    assert at.selectbox(key=DECIMAL_MARK).value == ","  # the choice stays
    assert "Angka dibaca dengan ',' sebagai tanda desimal (Anda memilihnya)." in [str(c.value) for c in at.caption]
    assert "Rp150.000" in _cells(at)  # the preview shows every figure before anything is written
    with session_scope(migrated_url) as s:
        assert _figures(s, ids) == [(None, None), (None, None)]
    at.button(key="prog_results_csv_go").click().run()
    assert not at.exception, at.exception
    assert at.success, [str(e.value) for e in at.error]
    with session_scope(migrated_url) as s:
        assert _figures(s, ids) == [(150000, Decimal(150000)), (150000, Decimal(150000))]


def test_a_file_that_reads_one_way_shows_no_decimal_mark_choice(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        _program_id, ids = _world(s)
    at = _upload(app_test, f"deliverable_id,views,revenue\n{ids[0]},150000,150000\n".encode())
    assert not [box for box in at.selectbox if box.key == DECIMAL_MARK]
    assert not at.error, [str(e.value) for e in at.error]
    assert "Rp150.000" in _cells(at)
