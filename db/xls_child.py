"""The child process that reads a legacy .xls with python-calamine under a memory cap (db.tabular_xlsx starts it):
a damaged file may make calamine abort its process, and only this one may die of it."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import sys
from decimal import Decimal
from typing import Any

XLS_MEMORY_BYTES = 1536 * 1024 * 1024


def cell_text(value: Any) -> str:
    """A cell value as the text an export would have written."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\ufeff", "").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # The shortest text that reads back as the same float (4.19763158, not 4.1976315799999996).
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number; an 18-digit ID stored as one has lost some


def lost_digits(value: Any) -> bool:
    """Whether a workbook number is too long to be exact: more than 15 digits before the decimal point."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) >= 10**EXACT_DIGITS


def is_number(value: Any) -> bool:
    """Whether a workbook cell holds a number (not text, a date or a boolean): `cell_text` writes it as the number
    itself (`1234.5`, `-0.25`, `16250`: a point, no grouping, no exponent), whatever the sheet's language."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def main(max_cells: int, max_rows: int) -> None:
    """In the child: cap memory, read the workbook from stdin, print its sheets as JSON (rows only when small)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (XLS_MEMORY_BYTES, XLS_MEMORY_BYTES))
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    sheets = []
    visible = {meta.name: str(meta.visible).endswith("Visible") for meta in book.sheets_metadata}
    for index, name in enumerate(book.sheet_names):
        worksheet = book.get_sheet_by_index(index)
        height, width = worksheet.total_height, worksheet.total_width
        rows: list[list[str]] = []
        inexact: list[list[int]] = []  # [row, column], 0-based
        numbers: list[list[int]] = []  # [row, column], 0-based: number cells (`is_number`)
        if height * width <= max_cells and height <= max_rows:
            for number, values in enumerate(worksheet.iter_rows()):
                rows.append([cell_text(value) for value in values])
                inexact.extend([number, position] for position, value in enumerate(values) if lost_digits(value))
                numbers.extend([number, position] for position, value in enumerate(values) if is_number(value))
        sheets.append(
            {
                "name": name,
                "height": height,
                "width": width,
                "rows": rows,
                "inexact": inexact,
                "numbers": numbers,
                "visible": visible.get(name, True),
            }
        )
    sys.stdout.write(json.dumps({"sheets": sheets}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
