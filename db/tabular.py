"""The one tabular file reader every import uses: CSV/TSV in any encoding and line ending, XLSX and XLS, to a Table.

`read_table(data, file_name)` turns the bytes of an uploaded or downloaded file into a `Table`: the header row
(found below title and date-range lines), normalised unique column keys, the data rows as text cells with their
line (CSV) or row number (XLSX/XLS) in the file, and how the file was read (encoding, delimiter, sheet). It
refuses what it cannot read with one `TabularError` sentence saying what is wrong and what to do, never a
library's exception, and it stays inside `Limits` (bytes, rows, columns, cells) so a crafted file cannot grow the
process. Reading values (numbers, dates, money) is the importers' job: cells stay text here. The rules and their
reasons are written down in docs/file-formats.md.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union

import charset_normalizer

from db.errors import N_, DomainError, Message

MB = 1024 * 1024


class TabularError(DomainError):
    """A file the reader refuses: one sentence saying what is wrong and what to do."""


@dataclass(frozen=True)
class Limits:
    """How much one file may hold. The defaults fit a year of daily campaign rows with room to spare."""

    max_bytes: int = 50 * MB
    max_unzipped_bytes: int = 256 * MB  # an XLSX is a zip: its parts' declared sizes, summed
    max_rows: int = 200_000
    max_columns: int = 512
    max_cells: int = 5_000_000
    max_cell_chars: int = 32_767  # Excel's own limit per cell
    max_lines_per_row: int = 200  # a quoted cell spanning more lines is an unclosed quote, not ad copy
    header_search_rows: int = 50  # non-blank rows looked at to find the header

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Row:
    """One row of the file: text cells (stripped) and its 1-based line (CSV) or row number (XLSX/XLS).

    `problems` are things wrong with this row alone (a formula without a saved value, more cells than the
    header): an importer rejects the row and reports them. `unterminated` marks the file's last CSV row when no
    line break follows it: a complete file may end so, but a download that stopped inside the row's last cell
    (`16.201,50` cut to `16.201`) looks the same; see `unterminated_warning`.
    """

    line: int
    cells: tuple[str, ...]
    problems: tuple[Message, ...] = ()
    inexact: frozenset[int] = frozenset()  # 0-based positions of workbook numbers too long to be exact (IDs)
    unterminated: bool = False
    # 0-based positions of workbook number cells (not text): the reader wrote each as the number itself, `1234.5`
    # with a point and no grouping (`db.xls_child.cell_text`), so no file convention applies to it
    # (`campaigns.number_rule.workbook_figure`); CSV cells are all text.
    numbers: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Table:
    """A file read: header, unique keys, data rows, the lines above the header and how the file was read."""

    file_name: str
    kind: str  # "csv", "xlsx" or "xls"
    header: tuple[str, ...]  # header cells as written (stripped, BOM removed)
    keys: tuple[str, ...]  # `header_key` of each cell, made unique: "rate", "rate_2"; blank -> "column_3"
    rows: tuple[Row, ...]
    preamble: tuple[Row, ...]  # non-blank rows above the header (report title, date range, metadata)
    header_line: int
    encoding: str | None = None  # CSV only: "utf-8-sig", "utf-8", "utf-16-le", "utf-16-be", "cp1252", "latin-1"
    delimiter: str | None = None  # CSV only: ",", ";" or "\t"
    sheet: str | None = None  # XLSX/XLS only
    unread_sheets: tuple[str, ...] = ()  # XLSX/XLS only: the other visible sheets, not read
    duplicates: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # header key -> 1-based columns
    index: Mapping[str, int] = field(default_factory=dict)  # key -> 0-based position

    def has(self, key: str) -> bool:
        return key in self.index

    def cell(self, row: Row, key: str) -> str:
        """The text of column `key` in `row` ("" when the table has no such column)."""
        position = self.index.get(key)
        return row.cells[position] if position is not None else ""

    def record(self, row: Row) -> dict[str, str]:
        """`row` as {key: text}."""
        return dict(zip(self.keys, row.cells, strict=True))

    def typed_number(self, row: Row, key: str) -> bool:
        """Whether column `key` of `row` is a workbook number cell (see `Row.numbers`), not text."""
        position = self.index.get(key)
        return position is not None and position in row.numbers

    def lost_digits(self, row: Row, key: str) -> Message | None:
        """A refusal when column `key` of `row` is a workbook number of more than 15 digits: Excel keeps 15
        significant digits, so an 18-digit Meta ID stored as a number has lost its last ones (see `LOST_DIGITS`)."""
        position = self.index.get(key)
        if position is None or position not in row.inexact:
            return None
        return Message(LOST_DIGITS, {"row": row.line, "column": self.column_name(key), "value": row.cells[position]})

    def column_name(self, key: str) -> str:
        """The header as written for `key` (for messages)."""
        position = self.index.get(key)
        return self.header[position] if position is not None else key


HeaderSpec = Union[Collection[str], Callable[[Sequence[str]], float], None]  # noqa: UP007 - a runtime alias

# --- messages (English templates; pages translate them) ----------------------------------------------------------

TOO_LARGE = N_(
    "The file is {size} MB, more than the {limit} MB this import accepts; export a shorter date range or "
    "split the file."
)
EMPTY = N_("The file is empty; export the report again and upload the new file.")
BINARY = N_("The file is not a table (CSV, TSV or Excel workbook); export the report again as CSV or XLSX.")
NUL_BYTE = N_(
    "Line {line} contains a NUL byte, so the file is damaged or not a text table; export it again as CSV or XLSX."
)
BAD_TEXT = N_(
    "Line {line} is not valid {encoding} text, so the file is damaged or mixes encodings; save it again "
    "as CSV UTF-8 and upload it."
)
UNCLOSED_QUOTE = N_(
    "Line {line} opens a quote that is not closed where it should be, so the lines after it would be read"
    " as one cell; fix or remove that quote and upload the file again."
)
CELL_TOO_LONG = N_(
    "Line {line} has a cell longer than {limit} characters, which usually means a quote is not closed; "
    "fix that line and upload the file again."
)
BAD_CSV = N_("Line {line} cannot be read as CSV; export the report again and upload the new file.")
TOO_MANY_ROWS = N_("The file has more than {limit} rows; export a shorter date range or split the file.")
TOO_MANY_COLUMNS = N_(
    "Row {row} has {columns} columns, more than the {limit} this import accepts; remove the unused columns."
)
TOO_MANY_CELLS = N_("The file has more than {limit} cells; export a shorter date range or fewer columns.")
NO_HEADER = N_("No header row was found in the first {rows} rows; the file needs a row of column names above the data.")
NO_HEADER_EXPECTED = N_(
    "No header row was found in the first {rows} rows; the file needs a row of column names such as {examples}."
)
EXTRA_CELLS = N_("Row {row} has {count} more cell(s) than the header; check that row for an unquoted delimiter.")
EXCEL_NUMBER = N_(
    "{column} '{value}' looks changed by Excel (a long number shown in scientific notation); export the "
    "file again and upload it without opening and saving it in Excel."
)
LOST_DIGITS = N_(
    "Row {row}, column {column}: Excel stored this ID as a number ({value}) and lost its last digits; export the "
    "file as CSV or format the column as text, then upload it again."
)
ROW_ENDS_EARLY = N_(
    "Row {row} ends early: {count} of {columns} columns; the file may be cut off, so download it again."
)
UNTERMINATED = N_(
    "The file does not end with a line break, so its last row (row {row}) may have been cut off inside its last "
    "cell ({column}: {value}); check that value against the original, or download the file again."
)
EXCEL_DATE = N_(
    "{column} '{value}' looks like a date rewritten by Excel; export the file again and upload it without"
    " opening and saving it in Excel."
)


# --- header keys ------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_CURRENCY_SUFFIX = re.compile(r"^(.*?)\s*\(([a-z]{3})\)$")


def header_key(text: str) -> str:
    """The key a header is matched by: NFKC, BOM and zero-width marks removed, spaces collapsed, lower case.

    `"\ufeffAmount  spent (USD) "` -> `"amount spent (usd)"`. Punctuation stays (`"impr."`, `"conv. value"`).
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").replace("\u200b", "")
    return _SPACES.sub(" ", text).strip().lower()


def split_currency(key: str) -> tuple[str, str | None]:
    """`"amount spent (usd)"` -> `("amount spent", "USD")`; a key without a `(CUR)` suffix -> `(key, None)`."""
    match = _CURRENCY_SUFFIX.match(key)
    if not match:
        return key, None
    return match.group(1), match.group(2).upper()


def unique_keys(header: Sequence[str]) -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """Unique keys for `header` and the names that appear more than once (key -> 1-based columns)."""
    base = [header_key(name) or f"column_{n}" for n, name in enumerate(header, start=1)]
    seen: dict[str, list[int]] = {}
    for n, (name, key) in enumerate(zip(header, base, strict=True), start=1):
        if header_key(name):
            seen.setdefault(key, []).append(n)
    used: set[str] = set()
    keys: list[str] = []
    for key in base:
        candidate, suffix = key, 1
        while candidate in used:
            suffix += 1
            candidate = f"{key}_{suffix}"
        used.add(candidate)
        keys.append(candidate)
    duplicates = {key: tuple(columns) for key, columns in seen.items() if len(columns) > 1}
    return tuple(keys), duplicates


# --- summary rows and Excel damage -------------------------------------------------------------------------------

_TOTAL = re.compile(
    r"^(?:total|totals|grand total|subtotal|jumlah|total keseluruhan)\s*:?$"  # the word alone
    r"|^(?:total|totals|subtotal|jumlah)\s*:\s*\S"  # Google Ads "Total: Account", "Total: Campaigns"
    r"|^total (?:of|for) \d"  # "Total of 12 campaigns"
    r"|^(?:results from|hasil dari) \d+ ",  # Meta's UI total line, when it is copied into a sheet
    re.IGNORECASE,
)


def looks_like_total(text: str) -> bool:
    """True for a totals label: `Total`, `Totals`, `Total: Campaigns`, `Jumlah`; not `Total Wireless Promo`."""
    return bool(_TOTAL.match(text.strip()))


_NOTHING = frozenset({"", "-", "--", "—", "n/a"})  # what exports write in an empty identity cell


def summary_row(table: Table, row: Row, identity: Sequence[str]) -> bool:
    """Whether `row` is a summary/total row rather than data.

    `identity` are the keys naming what a row is about (campaign name and ID, ad set, ad...). A row is a summary
    when its first cell or an identity cell is a totals label (Google Ads `Total: Account` sits in the first
    column) and no other identity cell names something (a campaign really named `Total` still has its ID), or
    when every identity column the table has is blank while other cells hold numbers (Meta's first row). Text
    that merely looks like a formula (`=SUM(1)` as a campaign name) is a name like any other.
    """
    present = [key for key in identity if table.has(key)]
    values = [table.cell(row, key) for key in present]
    if (row.cells and looks_like_total(row.cells[0])) or any(looks_like_total(value) for value in values):
        return not any(value.strip().lower() not in _NOTHING and not looks_like_total(value) for value in values)
    if present and not any(values):
        others = (cell for key, cell in zip(table.keys, row.cells, strict=True) if key not in present)
        return any(others)
    return False


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^\d{1,2}/\d{1,2}/(?:\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?)?$", re.IGNORECASE)


def excel_damage(value: str, column: str) -> Message | None:
    """A message when `value` looks rewritten by Excel: `1.20253E+17` for an ID, `7/1/2026` for an ISO date.

    Callers ask only about columns where the platform writes something else (Meta IDs and ISO dates); LinkedIn
    writes M/D/YYYY itself, so its importer does not ask about dates.
    """
    text = value.strip()
    if _SCIENTIFIC.match(text):
        return Message(EXCEL_NUMBER, {"column": column, "value": text})
    if _SLASH_DATE.match(text):
        return Message(EXCEL_DATE, {"column": column, "value": text})
    return None


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass
class RawRecord:
    """A record as a format reader yields it, before the header is known."""

    line: int
    cells: list[str]
    problems: list[Message] = field(default_factory=list)
    inexact: frozenset[int] = frozenset()  # see `Row.inexact`
    cut: bool = False  # the file's last record, with no line ending after it: the download may stop mid-row
    numbers: frozenset[int] = frozenset()  # see `Row.numbers`


class Budget:
    """Counts rows and cells while a file streams, refusing as soon as a limit is passed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def take(self, line: int, raw_width: int, width: int) -> None:
        """Account for one record of `raw_width` cells read, `width` of them up to the last non-empty one."""
        self.rows += 1
        self.cells += raw_width
        if self.rows > self.limits.max_rows + self.limits.header_search_rows:
            raise TabularError(TOO_MANY_ROWS, limit=self.limits.max_rows)
        if width > self.limits.max_columns:
            raise TabularError(TOO_MANY_COLUMNS, row=line, columns=width, limit=self.limits.max_columns)
        if self.cells > self.limits.max_cells:
            raise TabularError(TOO_MANY_CELLS, limit=self.limits.max_cells)


def filled_width(cells: Sequence[str]) -> int:
    """Number of cells up to and including the last non-empty one."""
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return width


def read_table(
    data: bytes,
    file_name: str,
    *,
    header: HeaderSpec = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a CSV/TSV, XLSX or XLS file into a `Table`, or raise `TabularError` with one sentence.

    `header` says what the header row looks like: a collection of `header_key` names (the row matching most of
    them wins; a `(CUR)` suffix is ignored when matching), or a callable scoring a row's cells (highest positive
    score wins). By default it is the first row of mostly non-empty text cells about as wide as the widest row
    near the top. `sheet` picks a workbook sheet by name; otherwise a sheet named like `Raw Data Report`, else
    the sheet whose header scores best.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("read_table expects bytes")
    data = bytes(data)
    if len(data) > limits.max_bytes:
        raise TabularError(TOO_LARGE, size=_megabytes(len(data)), limit=_megabytes(limits.max_bytes))
    if not data.strip(b"\x00\t\n\r \xef\xbb\xbf\xff\xfe"):
        raise TabularError(EMPTY)
    from db import tabular_xlsx  # the workbook readers need this module's types; imported late to avoid a cycle

    if data.startswith(b"PK"):
        return tabular_xlsx.read_xlsx(data, file_name, header=header, sheet=sheet, limits=limits)
    if data.startswith(tabular_xlsx.OLE_SIGNATURE):
        return tabular_xlsx.read_xls(data, file_name, header=header, sheet=sheet, limits=limits)
    return read_csv(data, file_name, header=header, limits=limits)


def read_csv(data: bytes, file_name: str, *, header: HeaderSpec = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read delimited text (see `read_table`); the encoding and the delimiter are detected."""
    text, encoding = decode(data)
    _refuse_binary(text)
    delimiter = sniff_delimiter(text)
    records = _csv_records(text, delimiter, limits)
    return assemble(
        records, file_name=file_name, kind="csv", header=header, limits=limits, encoding=encoding, delimiter=delimiter
    )


# Encodings tried for files without a BOM that are not UTF-8. cp1252 is what Excel on an English or Indonesian
# Windows writes for "CSV"; Latin-1 decodes any byte, so a file charset-normalizer cannot place is binary.
# UTF-16 without a BOM is recognised by its NUL pattern first: offered UTF-16 here, charset-normalizer takes
# short Latin-1 text for it.
_FALLBACK_ENCODINGS = ["cp1252", "latin_1"]
_CODEC_NAMES = {"cp1252": "cp1252", "latin_1": "latin-1"}


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and encoding: a BOM decides (UTF-8, UTF-16 LE/BE), then UTF-16's NUL pattern, then
    strict UTF-8, then charset-normalizer between cp1252 and Latin-1."""
    for bom, codec, name in (
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            if codec.startswith("utf-16") and len(body) % 2:
                body = body[:-1]  # a download cut mid-character; the damage shows as a missing last character
            return _strict(body, codec, name, offset=len(bom), whole=data), name
    bare_utf16 = _utf16_without_bom(data)
    if bare_utf16:
        body = data[:-1] if len(data) % 2 else data
        return _strict(body, bare_utf16, bare_utf16, offset=0, whole=data), bare_utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    # No verdict (a stray C1 byte is enough): Latin-1, and the control-character check decides if it is binary.
    name = _CODEC_NAMES.get(best.encoding, "latin-1") if best is not None else "latin-1"
    try:
        return data.decode(name), name
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of mostly-ASCII text (headers, digits, commas)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd * 10 >= pairs * 4 and even * 20 < pairs:
        return "utf-16-le"
    if even * 10 >= pairs * 4 and odd * 20 < pairs:
        return "utf-16-be"
    return None


def _strict(body: bytes, codec: str, name: str, *, offset: int, whole: bytes) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        position = offset + exc.start
        unit = 2 if codec.startswith("utf-16") else 1
        line = whole[:position].count(b"\n" if unit == 1 else b"\n\x00" if codec.endswith("le") else b"\x00\n") + 1
        raise TabularError(BAD_TEXT, line=line, encoding=name.upper()) from None


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _refuse_binary(text: str) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise TabularError(NUL_BYTE, line=len(_LINE_BREAK.findall(text, 0, nul)) + 1)
    sample = text[: 64 * 1024]
    # Exported tables hold no control characters; a stray one in ad copy is fine, many mean a binary file.
    if len(_CONTROL.findall(sample)) * 100 > len(sample):
        raise TabularError(BINARY)


_DELIMITERS = ("\t", ";", ",")  # on an exact tie the rarer delimiter wins: it is there on purpose


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab: the one that splits the most of the first lines into the same number of cells.

    A count over parsed records (quotes respected) rather than csv.Sniffer, which guesses letters and breaks on
    quoted commas. A file no candidate splits is one column wide (`,`).
    """
    sample = text[: 64 * 1024]
    best: tuple[int, int] = (0, 0)
    chosen = ","
    for delimiter in _DELIMITERS:
        widths: list[int] = []
        try:
            for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(cell.strip() for cell in cells):
                    widths.append(len(cells))
                if len(widths) >= 100:
                    break
        except csv.Error:
            continue
        wide = Counter(width for width in widths if width > 1)
        if not wide:
            continue
        width, count = max(wide.items(), key=lambda item: (item[1], item[0]))
        if (count, width) > best:
            best, chosen = (count, width), delimiter
    return chosen


def _csv_records(text: str, delimiter: str, limits: Limits) -> Iterator[RawRecord]:
    source = io.StringIO(text, newline="")
    total = len(text)
    pending: list[str] = []  # the physical lines of the record being read

    def lines() -> Iterator[str]:
        for line in source:
            pending.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    budget = Budget(limits)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            template = CELL_TOO_LONG if "field larger" in str(exc) else BAD_CSV
            raise TabularError(template, line=start, limit=limits.max_cell_chars) from None
        end = reader.line_num
        if end - start + 1 > limits.max_lines_per_row:
            raise TabularError(UNCLOSED_QUOTE, line=start)
        if (end > start or source.tell() >= total) and not _parses_strictly(pending, delimiter):
            raise TabularError(UNCLOSED_QUOTE, line=start)
        cells = [cell.strip() for cell in cells]
        if any(len(cell) > limits.max_cell_chars for cell in cells):
            raise TabularError(CELL_TOO_LONG, line=start, limit=limits.max_cell_chars)
        budget.take(start, len(cells), filled_width(cells))
        cut = source.tell() >= total and not pending[-1].endswith(("\n", "\r"))
        yield RawRecord(start, cells, cut=cut)
        pending.clear()
        start = end + 1


def _parses_strictly(lines: list[str], delimiter: str) -> bool:
    """A record over several lines (or the last one) must close its quotes: the lenient reader would otherwise
    swallow the rest of the file into one cell without a word."""
    try:
        for _ in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


# --- header and rows ---------------------------------------------------------------------------------------------

_NUMBERISH = re.compile(r"^[\s\d.,:/%+\-()$€£¥₹]*\d[\s\d.,:/%+\-()$€£¥₹]*$|^(?:rp|idr|usd)\s?[\d.,]+$", re.I)


def _text_cells(cells: Sequence[str]) -> int:
    """How many cells read as names rather than values, or 0 when the row is not mostly such names."""
    filled = [cell for cell in cells if cell]
    names = [cell for cell in filled if not _NUMBERISH.match(cell)]
    return len(names) if len(names) * 2 > len(filled) else 0


def _alias_score(aliases: frozenset[str]) -> Callable[[Sequence[str]], float]:
    def score(cells: Sequence[str]) -> float:
        keys = (header_key(cell) for cell in cells if cell)
        return float(sum(1 for key in keys if key in aliases or split_currency(key)[0] in aliases))

    return score


def find_header(window: Sequence[Sequence[str]], header: HeaderSpec) -> int | None:
    """Index in `window` (the first non-blank rows) of the header row, or None."""
    if header is None:
        widths = [_text_cells(cells) for cells in window]
        widest = max((sum(1 for cell in cells if cell) for cells in window), default=0)
        # The header names (nearly) every column: preamble lines hold one or two cells.
        need = max(1, math.ceil(widest * 0.7)) if widest > 1 else 1
        return next((i for i, width in enumerate(widths) if width >= need), None)
    if isinstance(header, str):
        raise TypeError("header must be a collection of names or a scoring callable, not one string")
    score = header if callable(header) else _alias_score(frozenset(header_key(name) for name in header))
    scores = [float(score(cells)) for cells in window]
    best = max(scores, default=0.0)
    if not best > 0 or math.isnan(best):
        return None
    return scores.index(best)


def assemble(
    records: Iterable[RawRecord],
    *,
    file_name: str,
    kind: str,
    header: HeaderSpec,
    limits: Limits,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    unread_sheets: Sequence[str] = (),
) -> Table:
    """Build the Table from a format reader's records: find the header, keep the preamble, align the rows."""
    iterator = iter(records)
    window: list[RawRecord] = []
    for record in iterator:
        if any(record.cells):
            window.append(record)
            if len(window) >= limits.header_search_rows:
                break
    if not window:
        raise TabularError(EMPTY)
    found = find_header([record.cells for record in window], header)
    if found is None:
        raise _no_header(header, limits)
    head = window[found]
    width = filled_width(head.cells)
    names = tuple(cell.replace("\ufeff", "").strip() for cell in head.cells[:width])
    keys, duplicates = unique_keys(names)
    preamble = tuple(Row(r.line, tuple(r.cells[: filled_width(r.cells)]), tuple(r.problems)) for r in window[:found])
    rows: list[Row] = []
    for record in _chain(window[found + 1 :], iterator):
        if not any(record.cells):
            continue
        cells = record.cells[:width] + [""] * (width - len(record.cells))
        problems = list(record.problems)
        extra = sum(1 for cell in record.cells[width:] if cell)
        if extra:
            problems.append(Message(EXTRA_CELLS, {"row": record.line, "count": extra}))
        if record.cut and len(record.cells) < width:
            # A complete last row may lack the final newline; one that also lacks columns was cut mid-row.
            problems.append(Message(ROW_ENDS_EARLY, {"row": record.line, "count": len(record.cells), "columns": width}))
        inexact = frozenset(p for p in record.inexact if p < width)
        numbers = frozenset(p for p in record.numbers if p < width)
        rows.append(Row(record.line, tuple(cells), tuple(problems), inexact, record.cut, numbers))
    return Table(
        file_name=file_name,
        kind=kind,
        header=names,
        keys=keys,
        rows=tuple(rows),
        preamble=preamble,
        header_line=head.line,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        unread_sheets=tuple(unread_sheets),
        duplicates=duplicates,
        index={key: position for position, key in enumerate(keys)},
    )


def unterminated_warning(table: Table) -> Message | None:
    """A warning (never a refusal) when the file's last row may be cut inside its last cell, else None.

    Many complete files end without a line break (Google Sheets, hand-written CSVs), so this only warns, and only
    when it can matter: the last row has no line break after it, is full width (a shorter one is refused with
    `ROW_ENDS_EARLY`), and its last cell holds a value (a cut after the last delimiter loses nothing)."""
    if not table.rows or not table.header:
        return None
    last = table.rows[-1]
    if not last.unterminated or last.problems or not last.cells or not last.cells[-1]:
        return None
    value = last.cells[-1] if len(last.cells[-1]) <= 40 else last.cells[-1][:39] + "…"
    return Message(UNTERMINATED, {"row": last.line, "column": table.header[-1], "value": value})


def _chain(first: list[RawRecord], rest: Iterator[RawRecord]) -> Iterator[RawRecord]:
    yield from first
    yield from rest


def _no_header(header: HeaderSpec, limits: Limits) -> TabularError:
    if header is not None and not callable(header) and not isinstance(header, str):
        names = sorted(header) if isinstance(header, set | frozenset) else list(header)
        examples = ", ".join(f"'{name}'" for name in names[:3])
        return TabularError(NO_HEADER_EXPECTED, rows=limits.header_search_rows, examples=examples)
    return TabularError(NO_HEADER, rows=limits.header_search_rows)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")
