"""The CSV file format of every export: UTF-8 (BOM by default), csv-module quoting, formula neutralising."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

BOM = "\ufeff".encode()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading `'`."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def iter_csv(
    header: Sequence[str], text_columns: Sequence[int], rows: Iterable[Sequence[str]], *, bom: bool = True
) -> Iterator[bytes]:
    """The file as chunks of bytes; rows are lists of strings, the `text_columns` indexes are neutralised.

    Numbers and dates are written as given (already plain decimals / ISO dates), so they are never prefixed.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    first = buffer.getvalue().encode("utf-8")
    yield (BOM + first) if bom else first
    buffer.seek(0)
    buffer.truncate()
    text = tuple(text_columns)
    batch: list[Sequence[str]] = []
    for row in rows:
        if text:
            row = list(row)
            for i in text:
                cell = row[i]
                if cell and cell[0] in FORMULA_STARTS:
                    row[i] = "'" + cell
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if batch:
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")


def csv_cells(cells: Sequence[str]) -> str:
    """A run of cells exactly as `iter_csv` quotes them inside a row (no line end, no outer comma).

    For pre-rendering cells that repeat on many rows. Rendered with the same dialect and line end as
    the file (the csv module quotes CR/LF only when they are in its line terminator) and one extra empty
    cell, so a lone empty cell is not written as `""`.
    """
    if not cells:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([*cells, ""])
    return buffer.getvalue()[:-3]  # the extra cell's comma and the line end


def iter_csv_text(header: Sequence[str], chunks: Iterable[str], *, bom: bool = True) -> Iterator[bytes]:
    """The file as chunks of bytes from a header and body text already quoted, neutralised and ended by
    `\\r\\n` (builders that pre-render repeated cells with `csv_cells` and write the rest themselves)."""
    first = (csv_cells(header) + "\r\n").encode("utf-8")
    yield (BOM + first) if bom else first
    for chunk in chunks:
        if chunk:
            yield chunk.encode("utf-8")


def strip_header(content: bytes) -> tuple[bytes, bytes]:
    """Split a file into (header line incl. BOM and line end, body)."""
    end = content.index(b"\r\n") + 2
    return content[:end], content[end:]
