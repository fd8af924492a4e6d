"""The FX rates import reads its rate column in the file's number convention, decided once for the whole file by the
one rule of every import (`campaigns.number_rule.decide`): an Indonesian team's Excel file (`Tanggal;Dari;Ke;Kurs`,
`;`, CRLF, cp1252) writes a USD->IDR rate as `15.750` and `15.812,5`, which are 15750 and 15812.5, never 15.75;
an English file's `15,750.25` is 15750.25; `0.0000634` keeps every digit; a file whose rates prove both conventions
is refused naming two rows; a rate that reads two ways where only the headers chose (`15.750` under English
headers) is refused with both readings rather than stored a thousand times off. Real database (SQLite and
PostgreSQL), a property over Babel's own formatting, the command line and the Exports page in Bahasa Indonesia."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.engine import session_scope
from db.parse import number_marks
from db.roles import CLI_ACTOR
from finance.fx import FxError, import_rates_csv
from finance.models import FxRate
from tests.bahasa import in_bahasa
from tests.cli_run import run_cli
from tests.imports.test_fx_date_order import _exports_page, _texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BAHASA_EXCEL = (FIXTURES / "fx_rates_id_excel_numbers.csv").read_bytes()  # cp1252, `;`, CRLF; 15.812,5 in row 3
ENGLISH = (FIXTURES / "fx_rates_en_numbers.csv").read_bytes()  # "15,750.25", 0.0000634, 1.085
MIXED = (FIXTURES / "fx_rates_mixed_numbers.csv").read_bytes()  # 15.750,25 in row 2, 15,812.50 in row 4
D = dt.date
AMBIGUOUS = (
    "row 2: rate: 15.750 could be 15.75 or 15750: no rate in the file shows its decimal mark, and '.' is its "
    "decimal mark only because its headers are in English; write the rate without thousands separators (15750) or "
    "with a fourth decimal (15.7500), or give the decimal mark with --decimal-mark (. or ,)."
)
MIXED_REFUSAL = (
    "The Kurs column writes its numbers both ways (15,812.50 in row 4, 15.750,25 in row 2), so no rate can be read "
    "safely; write every rate in one format, or without thousands separators."
)


def _rates(session) -> dict[tuple[dt.date, str, str], Decimal]:
    rows = session.execute(select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate))
    return {(day, source, target): Decimal(rate) for day, source, target, rate in rows}


def test_an_indonesian_excel_file_reads_its_rates_the_indonesian_way(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, BAHASA_EXCEL)
    assert (result.created, result.errors, result.format) == (4, [], "pantau")
    assert _rates(session) == {
        (D(2026, 11, 3), "USD", "IDR"): Decimal(15750),  # `15.750`: never 15.75
        (D(2026, 11, 4), "USD", "IDR"): Decimal("15812.5"),
        (D(2026, 11, 25), "SGD", "IDR"): Decimal(12105),
        (D(2026, 11, 25), "IDR", "USD"): Decimal("0.0000634"),  # every significant digit
    }
    assert result.numbers is not None
    assert result.numbers.proven
    assert str(result.numbers.read_with()) == "Figures read with ',' as the decimal mark (15.812,5 in row 3)."
    assert set(session.scalars(select(FxRate.source))) == {"Treasury – BCA"}  # cp1252's en dash read as such


def test_bahasa_headers_decide_a_file_whose_rates_prove_nothing(session) -> None:
    data = "Tanggal;Dari;Ke;Kurs\r\n03/11/2026;USD;IDR;15.750\r\n04/11/2026;USD;IDR;15762\r\n".encode("cp1252")
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.errors) == (2, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "USD", "IDR"): Decimal(15750),
        (D(2026, 11, 4), "USD", "IDR"): Decimal(15762),
    }
    assert result.numbers is not None
    assert not result.numbers.proven
    assert str(result.numbers.read_with()) == (
        "Figures read with ',' as the decimal mark (its headers are in Bahasa Indonesia)."
    )


def test_an_english_file_reads_its_rates_the_english_way(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, ENGLISH)
    assert (result.created, result.errors) == (3, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "USD", "IDR"): Decimal("15750.25"),
        (D(2026, 11, 3), "IDR", "USD"): Decimal("0.0000634"),
        (D(2026, 11, 3), "EUR", "USD"): Decimal("1.085"),  # the file proves `.`: three decimals are three decimals
    }
    assert str(result.numbers.read_with()) == "Figures read with '.' as the decimal mark (15,750.25 in row 2)."


@pytest.mark.parametrize("header", ["date,from,to,rate", "Tanggal,Dari,Ke,Kurs"])
def test_a_tiny_rate_keeps_every_digit_whatever_the_headers(session, header: str) -> None:
    result = import_rates_csv(session, CLI_ACTOR, f"{header}\n2026-11-03,IDR,USD,0.0000634\n".encode())
    assert (result.created, result.errors) == (1, [])
    assert _rates(session) == {(D(2026, 11, 3), "IDR", "USD"): Decimal("0.0000634")}
    assert result.numbers.decimal == "."  # `0.0000634` proves it, even under Bahasa headers


def test_a_file_whose_rates_prove_both_conventions_is_refused_naming_two_rows(session) -> None:
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, MIXED)
    assert str(caught.value) == MIXED_REFUSAL
    assert _rates(session) == {}  # nothing written, not even the plain 15750 of row 3


def test_a_rate_only_english_headers_would_read_as_fifteen_is_refused_with_both_readings(session) -> None:
    data = b'date,from,to,rate\n2026-11-03,USD,IDR,15.750\n2026-11-04,USD,IDR,15762\n2026-11-05,USD,IDR,"15,770"\n'
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert result.errors == [AMBIGUOUS]
    assert result.created == 2
    assert _rates(session) == {  # `15,770` under English headers groups thousands, as the headers choose
        (D(2026, 11, 4), "USD", "IDR"): Decimal(15762),
        (D(2026, 11, 5), "USD", "IDR"): Decimal(15770),
    }


def test_the_same_under_bahasa_headers_for_a_comma_and_in_bahasa(session, monkeypatch) -> None:
    result = import_rates_csv(session, CLI_ACTOR, b"Tanggal;Dari;Ke;Kurs\n03/11/2026;USD;IDR;15,750\n")
    assert result.created == 0
    [(row, problem)] = result.problems
    assert row == 2
    assert str(problem).startswith("Kurs: 15,750 could be 15,75 or 15750: ")
    assert in_bahasa(monkeypatch, problem) == (
        "Kurs: 15,750 bisa berarti 15,75 atau 15750: tidak ada kurs di file yang menunjukkan tanda desimalnya, dan "
        "',' menjadi tanda desimalnya hanya karena judul kolomnya berbahasa Indonesia; tulis kurs tanpa pemisah "
        "ribuan (15750) atau dengan desimal keempat (15,7500), atau pilih tanda desimal di atas."
    )


def test_an_english_file_that_proves_its_marks_reads_three_decimals_as_decimals(session) -> None:
    data = b"date,from,to,rate\n2026-11-03,USD,SGD,1.345\n2026-11-03,IDR,USD,0.0000634\n"
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.errors) == (2, [])
    assert _rates(session)[(D(2026, 11, 3), "USD", "SGD")] == Decimal("1.345")


def test_a_workbooks_number_cells_are_never_read_as_thousands_by_its_bahasa_headers(session) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tanggal", "Dari", "Ke", "Kurs"])
    sheet.append([dt.datetime(2026, 11, 3), "EUR", "USD", 1.085])  # a number cell: 1.085 in any language
    sheet.append([dt.datetime(2026, 11, 3), "USD", "IDR", 15750])
    sheet.append([dt.datetime(2026, 11, 4), "USD", "IDR", "15.762"])  # text under Bahasa headers: 15762
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_rates_csv(session, CLI_ACTOR, buffer.getvalue())
    assert (result.created, result.errors) == (3, [])
    assert _rates(session) == {
        (D(2026, 11, 3), "EUR", "USD"): Decimal("1.085"),
        (D(2026, 11, 3), "USD", "IDR"): Decimal(15750),
        (D(2026, 11, 4), "USD", "IDR"): Decimal(15762),
    }


def test_jisdor_keeps_reading_its_own_indonesian_numbers(session) -> None:
    data = "No;Tanggal;Kurs\r\n1;30/10/2026;16.234\r\n2;29/10/2026;Rp 16.201,50\r\n".encode("cp1252")
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert (result.created, result.errors, result.format, result.numbers) == (2, [], "jisdor", None)
    assert _rates(session) == {
        (D(2026, 10, 30), "USD", "IDR"): Decimal(16234),
        (D(2026, 10, 29), "USD", "IDR"): Decimal("16201.50"),
    }


# -- property: what Babel writes in a language, under that language's headers, imports as exactly that number --

HEADERS = {"id": ("Tanggal", "Dari", "Ke", "Kurs"), "en": ("date", "from", "to", "rate")}
RATES = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=1, max_value=10**15),
    st.integers(min_value=0, max_value=12),
).filter(lambda rate: Decimal("1e-12") <= rate <= Decimal("1e12"))


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rate=RATES, language=st.sampled_from(["id", "en"]))
@example(rate=Decimal("15750"), language="id")  # `15.750`
@example(rate=Decimal("15750.25"), language="en")  # `15,750.25`
@example(rate=Decimal("0.0000634"), language="id")  # `0,0000634`
@example(rate=Decimal("1.085"), language="en")  # `1.085` under English headers: refused, both readings
def test_a_rate_babel_writes_imports_as_exactly_that_number(session, rate: Decimal, language: str) -> None:
    text = format_decimal(rate, locale=language, decimal_quantization=False)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if language == "id" else ",").writerows(
        [HEADERS[language], ["2026-11-03", "USD", "IDR", text]]
    )
    with session.begin_nested() as savepoint:
        result = import_rates_csv(session, CLI_ACTOR, buffer.getvalue().encode("cp1252"))
        stored = _rates(session)
        savepoint.rollback()
    decimal = "," if language == "id" else "."
    if number_marks(text).either == decimal:  # `1.085` under English headers: 1.085 or 1085, refused
        assert stored == {}, text
        assert "could be" in result.errors[0], result.errors
    else:
        assert result.errors == [], (text, result.errors)
        assert stored == {(D(2026, 11, 3), "USD", "IDR"): rate}, text


# -- the command line and the Exports page --


def test_the_command_line_says_how_it_read_the_rates_and_refuses_a_rate_that_reads_two_ways(
    migrated_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "kurs.csv"
    path.write_bytes(BAHASA_EXCEL)
    read = run_cli("fx", "import", str(path))
    assert read.returncode == 0, read.stderr.decode()
    stdout = " ".join(read.stdout.decode().split())
    assert "Figures read with ',' as the decimal mark (15.812,5 in row 3)." in stdout
    assert "FX rates: 4 added, 0 updated, 0 rejected." in stdout
    with session_scope(migrated_url) as s:
        assert _rates(s)[(D(2026, 11, 3), "USD", "IDR")] == Decimal(15750)
    path.write_bytes(b"date,from,to,rate\n2026-11-06,USD,IDR,15.750\n")
    refused = run_cli("fx", "import", str(path))
    assert refused.returncode == 1
    assert f"rejected {AMBIGUOUS}" in " ".join(refused.stderr.decode().split())
    path.write_bytes(MIXED)
    mixed = run_cli("fx", "import", str(path))
    assert mixed.returncode == 1
    assert f"error: {MIXED_REFUSAL}" in " ".join(mixed.stderr.decode().split())
    with session_scope(migrated_url) as s:
        assert (D(2026, 11, 6), "USD", "IDR") not in _rates(s)


def test_the_exports_page_says_in_bahasa_how_the_rates_were_read(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, BAHASA_EXCEL)
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert "Angka dibaca dengan ',' sebagai tanda desimal (15.812,5 di baris 3)." in _texts(at.caption)
    assert "Kurs valas: 4 ditambahkan" in _texts(at.success)
    with session_scope(migrated_url) as s:
        assert _rates(s)[(D(2026, 11, 4), "USD", "IDR")] == Decimal("15812.5")


def test_the_exports_page_refuses_a_mixed_file_in_bahasa(
    migrated_url: str, app_test, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _exports_page(migrated_url, app_test, monkeypatch, MIXED)
    at.button(key="exports_fx_import").click().run()
    assert not at.exception, at.exception
    errors = _texts(at.error)
    assert "Kolom Kurs menulis angkanya dengan dua cara (15,812.50 di baris 4, 15.750,25 di baris 2)" in errors
    with session_scope(migrated_url) as s:
        assert _rates(s) == {}
