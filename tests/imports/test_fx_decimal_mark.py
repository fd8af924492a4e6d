"""The person may choose the decimal mark of an FX rates file (`import_rates_csv(..., decimal_mark=...)`, `fx import
--decimal-mark`, the Exports page's "Decimal mark" select), as they may choose its date order: an English file of
SGD rates written with three decimals (`1.345`, `1.352`, `1.349`) proves no mark, so its headers alone say `.` and
every rate reads two ways (1.345 or 1345) and is refused; with `.` chosen each is read exactly. The choice wins over
the rates and the headers (`campaigns.number_rule.decide(..., chosen=...)`), and a rate proving the other mark
(`15.750,25` when `.` was chosen) is refused by row naming the value and the choice. Real database (SQLite and
PostgreSQL), a property over Babel's own formatting, the command line and the Exports page in Bahasa Indonesia."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from db.engine import session_scope
from db.roles import CLI_ACTOR
from finance.fx import FxError, decimal_mark_needed, import_rates_csv
from tests.bahasa import in_bahasa
from tests.cli_run import run_cli
from tests.imports.test_fx_date_order import _exports_page, _texts
from tests.imports.test_fx_numbers import HEADERS, MIXED, RATES, _rates

D = dt.date
SGD = b"date,from,to,rate\n2026-11-03,USD,SGD,1.345\n2026-11-04,USD,SGD,1.352\n2026-11-05,USD,SGD,1.349\n"
SGD_RATES = {
    (D(2026, 11, 3), "USD", "SGD"): Decimal("1.345"),
    (D(2026, 11, 4), "USD", "SGD"): Decimal("1.352"),
    (D(2026, 11, 5), "USD", "SGD"): Decimal("1.349"),
}
SGD_REFUSED = (
    "row 2: rate: 1.345 could be 1.345 or 1345: no rate in the file shows its decimal mark, and '.' is its decimal "
    "mark only because its headers are in English; write the rate without thousands separators (1345) or with a "
    "fourth decimal (1.3450), or give the decimal mark with --decimal-mark (. or ,)."
)
CONTRADICTS = (
    "row 3: rate: 15.750,25 writes ',' as its decimal mark, but the decimal mark chosen is '.'; correct the rate, or "
    "choose ',' if the whole file writes it so."
)
DECIMAL_MARK = "exports_fx_decimal_mark"


def test_an_english_sgd_file_with_three_decimals_is_refused_then_read_exactly_with_the_dot(session) -> None:
    assert decimal_mark_needed(SGD)
    refused = import_rates_csv(session, CLI_ACTOR, SGD)
    assert (refused.created, len(refused.errors)) == (0, 3)
    assert refused.errors[0] == SGD_REFUSED
    assert _rates(session) == {}
    result = import_rates_csv(session, CLI_ACTOR, SGD, decimal_mark=".")
    assert (result.created, result.errors) == (3, [])
    assert _rates(session) == SGD_RATES  # 1.345, never 1345
    assert result.numbers is not None
    assert result.numbers.chosen
    assert not result.numbers.proven
    assert str(result.numbers.read_with()) == "Figures read with '.' as the decimal mark (you chose it)."


def test_a_file_that_settles_its_mark_needs_no_choice(session) -> None:
    assert not decimal_mark_needed(b"date,from,to,rate\n2026-11-03,USD,SGD,1.345\n2026-11-03,IDR,USD,0.0000634\n")
    assert not decimal_mark_needed(b"Tanggal;Dari;Ke;Kurs\n03/11/2026;USD;IDR;15.750\n")  # Bahasa: 15750, one way
    assert not decimal_mark_needed(MIXED)  # refused whole anyway, naming two rows
    assert not decimal_mark_needed(b"No;Tanggal;Kurs\n1;30/10/2026;16.234\n")  # JISDOR decides its own
    assert not decimal_mark_needed(b"not,an,fx,file\n1,2,3,4\n")


def test_a_bahasa_file_read_with_the_comma_chosen(session, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"Tanggal;Dari;Ke;Kurs\n03/11/2026;USD;IDR;15.750\n03/11/2026;USD;SGD;1,345\n"
    assert decimal_mark_needed(data)  # `1,345` under Bahasa headers: 1,345 or 1345
    result = import_rates_csv(session, CLI_ACTOR, data, decimal_mark=",")
    assert (result.created, result.errors) == (2, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "USD", "IDR"): Decimal(15750),
        (D(2026, 11, 3), "USD", "SGD"): Decimal("1.345"),
    }
    assert in_bahasa(monkeypatch, result.numbers.read_with()) == (
        "Angka dibaca dengan ',' sebagai tanda desimal (Anda memilihnya)."
    )


def test_the_choice_wins_over_english_headers(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, b"date,from,to,rate\n2026-11-03,USD,IDR,15.750\n", decimal_mark=",")
    assert (result.created, result.errors) == (1, [])
    assert _rates(session) == {(D(2026, 11, 3), "USD", "IDR"): Decimal(15750)}


def test_a_rate_proving_the_other_mark_is_refused_by_row_naming_the_value_and_the_choice(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b'date,from,to,rate\n2026-11-03,USD,SGD,1.345\n2026-11-04,USD,IDR,"15.750,25"\n2026-11-05,USD,IDR,"15,762"\n'
    result = import_rates_csv(session, CLI_ACTOR, data, decimal_mark=".")
    assert result.errors == [CONTRADICTS]
    assert _rates(session) == {
        (D(2026, 11, 3), "USD", "SGD"): Decimal("1.345"),
        (D(2026, 11, 5), "USD", "IDR"): Decimal(15762),  # `,` groups thousands when `.` is the decimal mark
    }
    [(row, problem)] = result.problems
    assert row == 3
    assert in_bahasa(monkeypatch, problem) == (
        "rate: 15.750,25 memakai ',' sebagai tanda desimal, padahal tanda desimal yang dipilih '.'; perbaiki kursnya, "
        "atau pilih ',' bila seluruh file menulisnya begitu."
    )


def test_a_file_proving_both_marks_reads_by_the_choice_refusing_the_other_rows(session) -> None:
    with pytest.raises(FxError):
        import_rates_csv(session, CLI_ACTOR, MIXED)
    result = import_rates_csv(session, CLI_ACTOR, MIXED, decimal_mark=",")
    assert [line for line, _problem in result.problems] == [4]  # 15,812.50
    assert _rates(session)[(D(2026, 11, 3), "USD", "IDR")] == Decimal("15750.25")


@pytest.mark.parametrize("mark", [None, ".", ","])
def test_a_workbooks_number_cells_are_the_numbers_they_hold_whatever_the_mark_chosen(session, mark) -> None:
    """A number cell (not text) holds one value: 1.085 is read as 1.085 with no choice, with `.` and with `,`
    chosen (before, `,` chosen read it as 1085); the sheet's text cells follow the choice."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Dari", "Ke", "Kurs"])
    sheet.append([dt.datetime(2026, 11, 3), "EUR", "USD", 1.085])  # a number cell
    sheet.append([dt.datetime(2026, 11, 3), "USD", "SGD", 1.345])
    sheet.append([dt.datetime(2026, 11, 3), "USD", "IDR", 15750.25])
    buffer = io.BytesIO()
    book.save(buffer)
    assert not decimal_mark_needed(buffer.getvalue())  # nothing to ask: no text rate reads two ways
    result = import_rates_csv(session, CLI_ACTOR, buffer.getvalue(), decimal_mark=mark)
    assert (result.created, result.errors) == (3, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "EUR", "USD"): Decimal("1.085"),
        (D(2026, 11, 3), "USD", "SGD"): Decimal("1.345"),
        (D(2026, 11, 3), "USD", "IDR"): Decimal("15750.25"),
    }


def test_a_workbooks_text_rates_follow_the_mark_chosen_beside_its_number_cells(session) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Dari", "Ke", "Kurs"])
    sheet.append([dt.datetime(2026, 11, 3), "EUR", "USD", 1.085])  # a number cell
    sheet.append([dt.datetime(2026, 11, 3), "USD", "IDR", "15.750,25"])  # text, Indonesian marks
    sheet.append([dt.datetime(2026, 11, 4), "USD", "IDR", "15.762"])  # text: 15762 with `,` chosen
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_rates_csv(session, CLI_ACTOR, buffer.getvalue(), decimal_mark=",")
    assert (result.created, result.errors) == (3, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "EUR", "USD"): Decimal("1.085"),
        (D(2026, 11, 3), "USD", "IDR"): Decimal("15750.25"),
        (D(2026, 11, 4), "USD", "IDR"): Decimal(15762),
    }


@pytest.mark.parametrize("mark", [";", "dot", "", " ."])
def test_a_decimal_mark_that_is_neither_is_refused(session, mark: str) -> None:
    with pytest.raises(FxError, match=re.escape("is not a decimal mark; use . (1,250.50) or , (1.250,50)")):
        import_rates_csv(session, CLI_ACTOR, SGD, decimal_mark=mark)
    assert _rates(session) == {}


# -- property: what Babel writes in a language, read with that language's decimal mark chosen, is that number --


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rate=RATES, language=st.sampled_from(["id", "en"]), headers=st.sampled_from(["id", "en"]))
@example(rate=Decimal("1.345"), language="en", headers="en")  # refused without the choice
@example(rate=Decimal("15750"), language="id", headers="en")  # `15.750` under English headers
@example(rate=Decimal("1.085"), language="id", headers="id")  # `1,085` under Bahasa headers
def test_a_rate_babel_writes_imports_exactly_with_its_languages_mark_chosen(
    session, rate: Decimal, language: str, headers: str
) -> None:
    text = format_decimal(rate, locale=language, decimal_quantization=False)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if headers == "id" else ",").writerows(
        [HEADERS[headers], ["2026-11-03", "USD", "IDR", text]]
    )
    mark = "," if language == "id" else "."
    with session.begin_nested() as savepoint:
        result = import_rates_csv(session, CLI_ACTOR, buffer.getvalue().encode("cp1252"), decimal_mark=mark)
        stored = _rates(session)
        savepoint.rollback()
    assert result.errors == [], (text, result.errors)
    assert stored == {(D(2026, 11, 3), "USD", "IDR"): rate}, text


# -- the command line and the Exports page --


def test_the_command_line_reads_with_decimal_mark_and_refuses_another_value(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / "sgd.csv"
    path.write_bytes(SGD)
    refused = run_cli("fx", "import", str(path))
    assert refused.returncode == 1
    assert f"rejected {SGD_REFUSED}" in " ".join(refused.stderr.decode().split())
    bad = run_cli("fx", "import", str(path), "--decimal-mark", "x")
    assert bad.returncode == 1
    assert "--decimal-mark x: use . (1,345.50: a dot before the decimals) or , (1.345,50: a comma)" in (
        " ".join(bad.stderr.decode().split())
    )
    read = run_cli("fx", "import", str(path), "--decimal-mark", ".")
    assert read.returncode == 0, read.stderr.decode()
    stdout = " ".join(read.stdout.decode().split())
    assert "Figures read with '.' as the decimal mark (you chose it)." in stdout
    assert "FX rates: 3 added, 0 updated, 0 rejected." in stdout
    with session_scope(migrated_url) as s:
        assert _rates(s) == SGD_RATES


def test_the_exports_page_asks_for_the_decimal_mark_in_bahasa_and_imports_after_the_choice(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, SGD)
    mark = at.selectbox(key=DECIMAL_MARK)
    assert mark.label == "Tanda desimal"
    assert mark.value is None
    assert mark.options == [
        "Titik (1.345 adalah satu koma tiga empat lima)",
        "Koma (1.345 adalah seribu tiga ratus empat puluh lima)",
    ]
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    errors = _texts(at.error)
    assert "Baris 2: rate: 1.345 bisa berarti 1.345 atau 1345" in errors, errors
    assert "atau pilih tanda desimal di atas." in errors
    assert "--decimal-mark" not in errors
    with session_scope(migrated_url) as s:
        assert _rates(s) == {}
    at.selectbox(key=DECIMAL_MARK).select(".").run()
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert "Kurs valas: 3 ditambahkan" in _texts(at.success), _texts(at.success)
    assert "Angka dibaca dengan '.' sebagai tanda desimal (Anda memilihnya)." in _texts(at.caption)
    with session_scope(migrated_url) as s:
        assert _rates(s) == SGD_RATES


def test_the_exports_page_shows_no_decimal_mark_for_a_file_that_settles_it(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, b"Tanggal;Dari;Ke;Kurs\n03/11/2026;USD;IDR;15.750\n")
    assert not [box for box in at.selectbox if box.key == DECIMAL_MARK]
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    with session_scope(migrated_url) as s:
        assert _rates(s) == {(D(2026, 11, 3), "USD", "IDR"): Decimal(15750)}
