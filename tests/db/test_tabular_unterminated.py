"""The reader flags the last CSV row when no line break follows it (`Row.unterminated`), and `unterminated_warning`
turns that into a warning only when the row's last cell may have been cut: many complete files end so (Google
Sheets downloads), so it never refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.tabular import ROW_ENDS_EARLY, UNTERMINATED, read_table, unterminated_warning

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HEAD = "Kampanye;Tanggal;Tayangan;Biaya (IDR)\r\n"


def test_a_file_cut_inside_its_last_cell_is_flagged_and_warned() -> None:
    # Indonesian Excel, the download stopped inside `16.201,50`
    data = (HEAD + "Kopi;01/11/2026;12.500;250.000,00\r\nKopi;02/11/2026;9.870;16.201").encode("cp1252")
    table = read_table(data, "laporan.csv")
    assert [row.unterminated for row in table.rows] == [False, True]
    assert table.rows[-1].problems == ()  # full width: the reader alone cannot tell it is cut
    warning = unterminated_warning(table)
    assert warning is not None
    assert warning.text == UNTERMINATED
    assert str(warning) == (
        "The file does not end with a line break, so its last row (row 3) may have been cut off inside its last "
        "cell (Biaya (IDR): 16.201); check that value against the original, or download the file again."
    )


@pytest.mark.parametrize(
    "ending",
    ["\r\n", "\n", "\r", "\r\n\r\n", "\n;;;\n"],
    ids=["crlf", "lf", "cr", "blank line", "empty row"],
)
def test_a_file_ending_with_a_line_break_is_not_flagged(ending: str) -> None:
    table = read_table((HEAD + "Kopi;01/11/2026;12.500;250.000,00" + ending).encode(), "laporan.csv")
    assert [row.unterminated for row in table.rows] == [False]
    assert unterminated_warning(table) is None


def test_nothing_to_warn_about_when_the_last_cell_is_empty_or_the_row_is_already_refused() -> None:
    empty_last = read_table((HEAD + "Kopi;01/11/2026;12.500;").encode(), "laporan.csv")
    assert empty_last.rows[-1].unterminated
    assert unterminated_warning(empty_last) is None  # a cut after the last delimiter loses nothing
    short = read_table((HEAD + "Kopi;01/11/2026;12.5").encode(), "laporan.csv")
    assert short.rows[-1].problems[0].text == ROW_ENDS_EARLY
    assert unterminated_warning(short) is None  # refused as cut already: no second word about it


def test_a_quoted_last_cell_and_utf16_without_a_final_newline_are_flagged() -> None:
    quoted = read_table(b'name,views\nAyu,"12,500"', "sheet.csv")
    assert quoted.rows[-1].unterminated
    assert unterminated_warning(quoted) is not None
    utf16 = read_table("\ufeffname\tviews\r\nAyu\t12500".encode("utf-16-le"), "tiktok.csv")
    assert utf16.rows[-1].unterminated
    assert "12500" in str(unterminated_warning(utf16))


def test_workbooks_are_never_flagged() -> None:
    table = read_table((FIXTURES / "tiktok_report.xlsx").read_bytes(), "tiktok_report.xlsx")
    assert table.rows
    assert not any(row.unterminated for row in table.rows)
    assert unterminated_warning(table) is None


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.text("0123456789.,abc", min_size=1, max_size=8), min_size=3, max_size=3), min_size=1, max_size=5
    ),
    final=st.sampled_from(["", "\n", "\r\n"]),
)
def test_only_the_last_row_of_a_file_without_a_final_break_is_flagged(cells: list[list[str]], final: str) -> None:
    lines = ["a;b;c"] + [";".join(f'"{c}"' for c in row) for row in cells]
    table = read_table(("\n".join(lines) + final).encode(), "x.csv", header=["a", "b", "c"])
    flags = [row.unterminated for row in table.rows]
    assert flags[:-1] == [False] * (len(flags) - 1)
    assert flags[-1] == (final == "")
