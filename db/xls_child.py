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


def main(max_cells: int, max_rows: int) -> None:
    """In the child: cap memory, read the workbook from stdin, print its sheets as JSON (rows only when small)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (XLS_MEMORY_BYTES, XLS_MEMORY_BYTES))
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    sheets = []
    for index, name in enumerate(book.sheet_names):
        worksheet = book.get_sheet_by_index(index)
        height, width = worksheet.total_height, worksheet.total_width
        rows: list[list[str]] = []
        if height * width <= max_cells and height <= max_rows:
            rows = [[cell_text(value) for value in values] for values in worksheet.iter_rows()]
        sheets.append({"name": name, "height": height, "width": width, "rows": rows})
    sys.stdout.write(json.dumps({"sheets": sheets}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
