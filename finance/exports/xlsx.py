"""XLSX exports: the CSV export's own rows (same builder, close snapshots included) as typed Excel cells, streamed."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from db.errors import N_
from db.money import CurrencyError, precision
from finance.exports.context import ExportError, ExportSpec

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576  # Excel's sheet limit, header included
WIDTH_SAMPLE = 500  # rows read before the first is written, to fit the column widths
MIN_WIDTH, MAX_WIDTH = 6, 60
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")
DAY_FORMAT, MONTH_FORMAT = "yyyy-mm-dd", "yyyy-mm"
RATE_FORMAT = "0.0#########"
BOLD = Font(bold=True)


def money_format(currency: str) -> str:
    """`#,##0` for IDR, `#,##0.00` for USD, `#,##0.000` for BHD: the currency's own decimals."""
    try:
        digits = precision(currency)
    except (CurrencyError, ValueError, KeyError):
        return "General"
    return "#,##0" + ("." + "0" * digits if digits else "")


def csv_rows(chunks: Iterable[bytes]) -> Iterator[list[str]]:
    """The rows of an export's CSV byte chunks (BOM or not), read as they stream: chunks are cut anywhere, the
    csv reader gets whole physical lines (quoted line breaks stay inside their cell)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def lines() -> Iterator[str]:
        rest = ""
        for chunk in chunks:
            rest += decoder.decode(chunk)
            *whole, rest = rest.split("\n")
            for line in whole:
                yield line + "\n"
        rest += decoder.decode(b"", final=True)
        if rest:
            yield rest

    return csv.reader(lines())


class _Typer:
    """How each column of one file becomes a cell: by name, from the spec (unknown columns stay text)."""

    def __init__(self, spec: ExportSpec, header: Sequence[str]):
        index = {c: i for i, c in enumerate(header)}
        self.kinds: list[str] = []
        self.currency_of: dict[int, int] = {}
        money = dict(spec.money_columns)
        for i, column in enumerate(header):
            if column in spec.text_columns:
                self.kinds.append("text")
            elif column in money and money[column] in index:
                self.kinds.append("money")
                self.currency_of[i] = index[money[column]]
            elif column in spec.number_columns:
                self.kinds.append("rate" if column == "fx_rate" else "number")
            elif column in spec.date_columns:
                self.kinds.append("date")
            else:
                self.kinds.append("text")  # IDs, codes, currencies, flags, timestamps with their offset

    def width(self, i: int, value: str) -> int:
        """About the characters Excel shows for `value` in column `i` (grouped digits for numbers)."""
        kind = self.kinds[i]
        if kind in ("money", "number") and PLAIN_NUMBER.fullmatch(value):
            whole = value.lstrip("-").split(".")[0]
            return len(value) + (len(whole) - 1) // 3
        longest = max((len(line) for line in value.split("\n")), default=0)
        return longest

    def cells(self, sheet: WriteOnlyWorksheet, row: Sequence[str]) -> list[Cell | None]:
        out: list[Cell | None] = []
        for i, value in enumerate(row):
            if value == "":
                out.append(None)
                continue
            kind = self.kinds[i] if i < len(self.kinds) else "text"
            if kind in ("money", "number", "rate") and PLAIN_NUMBER.fullmatch(value):
                out.append(_number(sheet, value, self._number_format(kind, row, i, value)))
            elif kind == "date" and (DAY.fullmatch(value) or MONTH.fullmatch(value)):
                try:
                    out.append(_date(sheet, value))
                except ValueError:  # shaped like a date, not one (2026-13): kept as the text it is
                    out.append(text_cell(sheet, value))
            else:
                out.append(text_cell(sheet, value))
        return out

    def _number_format(self, kind: str, row: Sequence[str], i: int, value: str) -> str:
        if kind == "money":
            j = self.currency_of[i]
            return money_format(row[j]) if j < len(row) and row[j] else "General"
        if kind == "rate":
            return RATE_FORMAT
        return "#,##0" if "." not in value else "General"


def text_cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> Cell:
    """A TEXT cell holding `value` as the CSV does (never a formula, never a number: an 18-digit ID keeps every
    digit). Characters XML cannot hold (control characters) become U+FFFD, and a line break inside a cell is
    Excel's LF (XML reads CR LF and a lone CR as LF anyway)."""
    cell = WriteOnlyCell(sheet, value=cell_text(value))
    cell.data_type = "s"  # openpyxl would make a string starting with `=` a formula
    if bold:
        cell.font = BOLD
    return cell


def cell_text(value: str) -> str:
    """The text an XLSX text cell holds for a CSV cell."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")


def _number(sheet: WriteOnlyWorksheet, value: str, number_format: str) -> Cell:
    # The plain decimal text goes into the file as is (openpyxl would print a Decimal through a float with
    # 16 digits): the file holds the exact amount; Excel reads it into a double (docs/exports.md).
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "n"
    cell.number_format = number_format
    return cell


def _date(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    day = dt.date.fromisoformat(value + "-01" if len(value) == 7 else value)
    cell = WriteOnlyCell(sheet, value=dt.datetime(day.year, day.month, day.day))
    cell.number_format = MONTH_FORMAT if len(value) == 7 else DAY_FORMAT
    return cell


def write_xlsx(spec: ExportSpec, chunks: Iterable[bytes], stream: IO[bytes]) -> int:
    """Write the export's CSV chunks to `stream` as one XLSX sheet (openpyxl write-only: rows go to a temporary
    file as they come); returns the number of data rows. Header bold and frozen, widths fitted to the first
    rows. Raises ExportError when the rows do not fit in one Excel sheet (nothing usable is written then)."""
    rows = csv_rows(chunks)
    header = next(rows, None)
    if header is None:
        header = list(spec.columns)
    typer = _Typer(spec, header)
    sample: list[list[str]] = []
    for row in rows:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE:
            break
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.name[:31])
    sheet.freeze_panes = "A2"
    for i, column in enumerate(header):
        widest = max([len(column), *(typer.width(i, r[i]) for r in sample if i < len(r))])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.append([text_cell(sheet, column, bold=True) for column in header])
    count = 0
    try:
        for row in _chain(sample, rows):
            count += 1
            if count >= MAX_ROWS:
                raise ExportError(
                    N_(
                        "The export has more than {limit} rows, more than one Excel sheet holds; "
                        "export a shorter period."
                    ),
                    limit=MAX_ROWS - 1,
                )
            sheet.append(typer.cells(sheet, row))
    except BaseException:
        _discard(sheet)
        raise
    book.save(stream)
    return count


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """End an unsaved sheet's row writer and remove its temporary file now (an export that failed half way):
    collected later, openpyxl's writer raises inside its generator ("Exception ignored") and the file stays until
    the process ends."""
    sheet.close()
    writer = getattr(sheet, "_writer", None)
    with contextlib.suppress(OSError, ValueError):
        if writer is not None:
            writer.cleanup()


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest
