"""Workbook reading for the tabular reader: XLSX streamed with openpyxl, legacy XLS with python-calamine.

XLSX goes through openpyxl in read-only mode because it streams a sheet row by row (memory stays flat), lets the
sheet's declared dimension be checked before reading, and can tell a formula without a saved value from an
empty cell. calamine is faster but builds the whole sheet in memory first (the 80-million-empty-cell workbook
would need gigabytes) and reports such a formula as blank, so it reads only .xls, whose format caps a sheet at
65,536 x 256 cells. Both are wrapped: whatever they raise becomes one `TabularError` sentence.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.errors import N_, Message
from db.tabular import (
    EMPTY,
    TOO_MANY_CELLS,
    Budget,
    HeaderSpec,
    Limits,
    RawRecord,
    Table,
    TabularError,
    assemble,
    filled_width,
    find_header,
    header_key,
)
from db.xls_child import cell_text as _text
from db.xls_child import is_number, lost_digits

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
MAX_ZIP_ENTRIES = 10_000

BAD_ZIP = N_(
    "The Excel workbook is damaged or incomplete (it may not have finished downloading); download it "
    "again and upload the new file."
)
NOT_WORKBOOK = N_("The file is a ZIP archive but not an Excel workbook (.xlsx); upload the .xlsx or .csv file itself.")
UNZIPPED_TOO_LARGE = N_(
    "The workbook unpacks to {size} MB, more than the {limit} MB this import accepts; delete unused rows "
    "and columns or export a shorter date range."
)
SHEET_TOO_LARGE = N_(
    "Sheet '{sheet}' spans {rows} rows and {columns} columns, more than the {limit} cells this import "
    "accepts; delete the unused rows and columns or export a shorter date range."
)
NO_SHEET = N_("The workbook has no sheet named '{sheet}'; its sheets are {sheets}.")
XLS_UNREADABLE = N_(
    "The file cannot be read as an Excel 97-2003 workbook (.xls): it is damaged or password-protected; "
    "save it as .xlsx without a password and upload it again."
)
FORMULA_WITHOUT_VALUE = N_(
    "Row {row}, column {column}: the formula {formula} has no saved value; open and save the file in "
    "Excel first, then upload it again."
)
NOT_FINITE = N_("Row {row}, column {column}: the value {value} is not a finite number.")


def read_xlsx(data: bytes, file_name: str, *, header: HeaderSpec, sheet: str | None, limits: Limits) -> Table:
    """Read an XLSX workbook: zip checks first, then the chosen sheet streamed (see module docstring)."""
    try:
        formulas = _check_zip(data, limits)
        return _read_xlsx(data, file_name, header=header, sheet=sheet, limits=limits, formulas=formulas)
    except (TabularError, MemoryError):
        raise
    except Exception:  # zipfile, zlib, openpyxl and the XML parser raise a dozen kinds on a damaged file
        raise TabularError(BAD_ZIP) from None


def _check_zip(data: bytes, limits: Limits) -> dict[str, bool]:
    """Refuse a damaged or oversized workbook before openpyxl opens it; say which sheet parts hold formulas.

    openpyxl itself parses a whole sheet on opening when it has no `<dimension>` tag, so the cell count has to
    come first, from the zip: declared sizes, then the cells of each worksheet part counted on its stream.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise TabularError(BAD_ZIP) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names and not any(name.endswith("/workbook.xml") for name in names):
        raise TabularError(NOT_WORKBOOK)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TabularError(BAD_ZIP)
    # Declared sizes bound what zipfile will inflate (it stops at file_size and checks the CRC), so their sum
    # refuses a zip bomb before a single byte is decompressed.
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > limits.max_unzipped_bytes:
        raise TabularError(UNZIPPED_TOO_LARGE, size=_mb(unzipped), limit=_mb(limits.max_unzipped_bytes))
    formulas: dict[str, bool] = {}
    for entry in entries:
        if "/worksheets/" in entry.filename and entry.filename.endswith(".xml"):
            cells, formulas[entry.filename] = _scan_sheet(archive, entry.filename, limits.max_cells)
            if cells > limits.max_cells:
                raise TabularError(TOO_MANY_CELLS, limit=limits.max_cells)
    return formulas


def _read_xlsx(
    data: bytes, file_name: str, *, header: HeaderSpec, sheet: str | None, limits: Limits, formulas: dict[str, bool]
) -> Table:
    from openpyxl import load_workbook  # heavy; only workbook uploads need it

    values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas_book = None
    try:
        sheets = values_book.worksheets
        if not sheets:
            raise TabularError(EMPTY)
        budget = Budget(limits)
        chosen, unread = _choose_sheet(
            [ws.title for ws in sheets],
            [getattr(ws, "sheet_state", "visible") == "visible" for ws in sheets],
            lambda index: _xlsx_records(sheets[index], None, budget, limits),
            header=header,
            sheet=sheet,
            limits=limits,
        )
        values_sheet = sheets[chosen]
        formulas_sheet = None
        # The second, formula-text pass costs as much as the first; exports rarely hold a formula at all.
        if formulas.get(getattr(values_sheet, "_worksheet_path", ""), True):
            formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            formulas_sheet = formulas_book.worksheets[chosen]
        records = _xlsx_records(values_sheet, formulas_sheet, Budget(limits), limits)
        return assemble(
            records,
            file_name=file_name,
            kind="xlsx",
            header=header,
            limits=limits,
            sheet=values_sheet.title,
            unread_sheets=unread,
        )
    finally:
        values_book.close()
        if formulas_book is not None:
            formulas_book.close()


_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b":c ", b":c>", b":c/>")
_FORMULA_TAGS = (b"<f>", b"<f ", b"<f/>", b":f>", b":f ", b":f/>")


def _scan_sheet(archive: zipfile.ZipFile, member: str, max_cells: int) -> tuple[int, bool]:
    """Cells in a sheet part and whether it holds a formula, counted on the inflating stream (C-speed byte
    counts, a megabyte at a time) so a sheet of millions of empty cells is refused before it is parsed."""
    cells, formulas = 0, False
    with archive.open(member) as part:
        tail = b""
        while chunk := part.read(1024 * 1024):
            window = tail + chunk
            cells += sum(window.count(tag) - tail.count(tag) for tag in _CELL_TAGS)
            formulas = formulas or any(tag in window for tag in _FORMULA_TAGS)
            if cells > max_cells:
                break
            tail = window[-8:]
    return cells, formulas


def _xlsx_records(values_sheet: Any, formulas_sheet: Any, budget: Budget, limits: Limits) -> Iterator[RawRecord]:
    """Rows of a read-only sheet as text; with `formulas_sheet` (the same sheet read without cached values)
    alongside, a formula cell whose cached value is missing becomes a row problem instead of a blank."""
    _check_dimension(values_sheet, limits)
    # A dimension tag can also be too small (some generators always write "A1"); openpyxl would then stop early
    # and silently drop rows, so read what is there and count it instead.
    values_sheet.reset_dimensions()
    if formulas_sheet is not None:
        formulas_sheet.reset_dimensions()
    value_rows = values_sheet.iter_rows(values_only=True)
    formula_rows = formulas_sheet.iter_rows() if formulas_sheet is not None else None
    for number, values in enumerate(value_rows, start=1):
        formulas = next(formula_rows, ()) if formula_rows is not None else ()
        width = len(values)
        while width and values[width - 1] is None:
            width -= 1
        budget.take(number, len(values), width)  # before any per-cell work: styled empty cells cost nothing
        cells = [_text(value)[: limits.max_cell_chars] for value in values[:width]]  # Excel holds no longer cell
        inexact = frozenset(position for position, value in enumerate(values[:width]) if lost_digits(value))
        numbers = frozenset(position for position, value in enumerate(values[:width]) if is_number(value))
        problems: list[Message] = []
        for position, value in enumerate(values[:width]):
            if isinstance(value, float) and not math.isfinite(value):
                column = _column_letter(position + 1)
                problems.append(Message(NOT_FINITE, {"row": number, "column": column, "value": str(value)}))
        for position, cell in enumerate(formulas):
            if getattr(cell, "data_type", None) == "f" and (position >= len(values) or values[position] is None):
                formula = str(cell.value or "=")
                formula = formula if len(formula) <= 60 else formula[:57] + "..."
                column = _column_letter(position + 1)
                problems.append(Message(FORMULA_WITHOUT_VALUE, {"row": number, "column": column, "formula": formula}))
        yield RawRecord(number, cells, problems, inexact, numbers=numbers)


def _check_dimension(worksheet: Any, limits: Limits) -> None:
    """Refuse a sheet whose declared size (the `<dimension>` tag) is over the limits, before reading a row."""
    rows, columns = worksheet.max_row, worksheet.max_column
    if rows and columns and (rows * columns > limits.max_cells or rows > limits.max_rows + limits.header_search_rows):
        raise TabularError(SHEET_TOO_LARGE, sheet=worksheet.title, rows=rows, columns=columns, limit=limits.max_cells)


def read_xls(data: bytes, file_name: str, *, header: HeaderSpec, sheet: str | None, limits: Limits) -> Table:
    """Read an Excel 97-2003 workbook with python-calamine."""
    try:
        return _read_xls(data, file_name, header=header, sheet=sheet, limits=limits)
    except (TabularError, MemoryError):
        raise
    except Exception:  # calamine's CalamineError family, and anything a crafted compound file provokes
        raise TabularError(XLS_UNREADABLE) from None
    except BaseException as exc:
        # A Rust panic inside calamine on a damaged file surfaces as pyo3's PanicException, a BaseException.
        if type(exc).__name__ == "PanicException":
            raise TabularError(XLS_UNREADABLE) from None
        raise


def _read_xls(data: bytes, file_name: str, *, header: HeaderSpec, sheet: str | None, limits: Limits) -> Table:
    sheets = _xls_in_child(data, limits)
    names = [xls.name for xls in sheets]
    if not names:
        raise TabularError(EMPTY)

    def records(index: int) -> Iterator[RawRecord]:
        xls = sheets[index]
        if xls.height * xls.width > limits.max_cells or xls.height > limits.max_rows + limits.header_search_rows:
            raise TabularError(
                SHEET_TOO_LARGE, sheet=xls.name, rows=xls.height, columns=xls.width, limit=limits.max_cells
            )
        budget = Budget(limits)
        lost: dict[int, set[int]] = {}
        for row, column in xls.inexact:
            lost.setdefault(row, set()).add(column)
        typed: dict[int, set[int]] = {}
        for row, column in xls.numbers:
            typed.setdefault(row, set()).add(column)
        for number, cells in enumerate(xls.rows, start=1):
            budget.take(number, len(cells), filled_width(cells))
            inexact = frozenset(lost.get(number - 1, ()))
            numbers = frozenset(typed.get(number - 1, ()))
            yield RawRecord(number, [cell[: limits.max_cell_chars] for cell in cells], inexact=inexact, numbers=numbers)

    chosen, unread = _choose_sheet(
        names, [xls.visible for xls in sheets], records, header=header, sheet=sheet, limits=limits
    )
    return assemble(
        records(chosen),
        file_name=file_name,
        kind="xls",
        header=header,
        limits=limits,
        sheet=names[chosen],
        unread_sheets=unread,
    )


# A damaged .xls can make calamine (Rust) abort the whole process (a failed multi-GB allocation) or panic: it is
# read in a child process with a memory cap, and whatever goes wrong there is one TabularError here.
XLS_SECONDS = 60


@dataclass(frozen=True)
class _XlsSheet:
    name: str
    height: int
    width: int
    rows: list[list[str]]
    inexact: list[tuple[int, int]]  # (row, column), 0-based: numbers of more than 15 digits
    visible: bool
    numbers: list[tuple[int, int]]  # (row, column), 0-based: number cells (`db.xls_child.is_number`)


def _xls_in_child(data: bytes, limits: Limits) -> list[_XlsSheet]:
    command = [
        sys.executable,
        "-m",
        "db.xls_child",
        str(limits.max_cells),
        str(limits.max_rows + limits.header_search_rows),
    ]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=XLS_SECONDS, cwd=str(_ROOT), check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        raise TabularError(XLS_UNREADABLE) from None
    if done.returncode != 0:
        raise TabularError(XLS_UNREADABLE)
    try:
        answer = json.loads(done.stdout)
        return [
            _XlsSheet(
                str(s["name"]),
                int(s["height"]),
                int(s["width"]),
                s["rows"],
                [(int(r), int(c)) for r, c in s.get("inexact", [])],
                bool(s.get("visible", True)),
                [(int(r), int(c)) for r, c in s.get("numbers", [])],
            )
            for s in answer["sheets"]
        ]
    except (ValueError, KeyError, TypeError):
        raise TabularError(XLS_UNREADABLE) from None


def _choose_sheet(
    names: Sequence[str],
    visible: Sequence[bool],
    records: Any,
    *,
    header: HeaderSpec,
    sheet: str | None,
    limits: Limits,
) -> tuple[int, tuple[str, ...]]:
    """The sheet to read and the other visible sheets left unread.

    The sheet asked for (hidden or not); else, among the visible sheets (a hidden sheet holds a workbook's
    lookups and scratch data, not the report), one named like "Raw Data Report" (Meta's Reports export puts a
    formatted summary first); else the one whose header row scores best (the first on a tie).
    """
    chosen = _pick_sheet(names, visible, records, header=header, sheet=sheet, limits=limits)
    unread = tuple(name for index, name in enumerate(names) if visible[index] and index != chosen)
    return chosen, unread


def _pick_sheet(
    names: Sequence[str],
    visible: Sequence[bool],
    records: Any,
    *,
    header: HeaderSpec,
    sheet: str | None,
    limits: Limits,
) -> int:
    if sheet is not None:
        wanted = header_key(sheet)
        for index, name in enumerate(names):
            if header_key(name) == wanted:
                return index
        raise TabularError(NO_SHEET, sheet=sheet, sheets=", ".join(f"'{name}'" for name in names))
    candidates = [index for index in range(len(names)) if visible[index]] or list(range(len(names)))
    for index in candidates:
        if "raw data" in header_key(names[index]):
            return index
    if len(candidates) == 1:
        return candidates[0]
    best_index, best_score = candidates[0], -1.0
    for index in candidates:
        window: list[list[str]] = []
        for record in records(index):
            if any(record.cells):
                window.append(record.cells)
                if len(window) >= limits.header_search_rows:
                    break
        score = _window_score(window, header)
        if score > best_score:
            best_index, best_score = index, score
    return best_index


def _window_score(window: list[list[str]], header: HeaderSpec) -> float:
    found = find_header(window, header)
    if found is None:
        return 0.0
    cells = window[found]
    if header is None:
        return float(sum(1 for cell in cells if cell)) + len(window) / 1000  # more rows break a tie
    if callable(header) and not isinstance(header, str):
        return float(header(cells))
    aliases = frozenset(header_key(name) for name in header)
    return float(sum(1 for cell in cells if header_key(cell) in aliases)) + len(window) / 1000


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


_ROOT = Path(__file__).resolve().parent.parent
