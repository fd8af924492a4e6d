"""Which column of an imported file feeds which field, as a person says it: `--map "Header=field"` on the command
line, a picker per file column on a page. One rule for every import that lets people map columns (contacts in
`influencers.csv_import`, promo code sales in `influencers.promo_sales`):

- a mapping is {file header: field}; headers compare case-insensitively with spaces, `_`, `-` and `.` folded
  (`column_key`); the field `ignore` leaves a column out on purpose (it is not read);
- the explicit mapping comes first, then the import's own vocabulary of header names; a header the vocabulary
  knows whose field an explicitly mapped column takes is left unused;
- a field takes one column (unless the import says it takes several): two columns explicitly mapped to one field
  are refused naming both; a field that is no field of the import is refused naming it;
- the header row is the row (among the first ones) naming the most known or mapped headers, else the reader's
  plain header (for the import's own "no such column" message).

A page asks several questions of one upload on every rerun (the columns and their samples, the shop its shape
suggests, whether a date order or a decimal mark must be chosen, the dry run), so `read_mapped_table` keeps the
last few files read (the same bytes, name, vocabulary, mapping and limits give the same `Table`, which is
immutable): a 20,000-line order export is read once per change instead of five times per click.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from db.errors import N_, DomainError
from db.parse import is_blank
from db.tabular import DEFAULT_LIMITS, Limits, Table, TabularError, read_table

IGNORE = "ignore"  # the field of a column left out on purpose

BAD_MAPPING = N_("--map {item}: write it as COLUMN=field.")
UNKNOWN_FIELD = N_("--map {item}: '{target}' is not a field (fields: {fields}, ignore).")
UNKNOWN_FIELDS = N_("The column mapping names {targets}, which are not fields (fields: {fields}, ignore).")
SAME_FIELD_TWICE = N_(
    "Columns '{first}' and '{second}' are both mapped to {field}; a field takes one column: map one of them to "
    "another field or ignore it."
)

Recognise = Callable[[str], str | None]  # a header -> the field the import's vocabulary knows it as


class MappingError(DomainError):
    """A column mapping that cannot be used (written wrong, an unknown field, one field for two columns)."""


def column_key(text: str) -> str:
    """How a header is compared: lower case, spaces, `_`, `-` and `.` folded into single spaces."""
    return re.sub(r"[\s_\-.]+", " ", str(text).strip().lower()).strip()


def parse_mapping(
    items: Sequence[str] | None, fields: Collection[str], *, error: type[DomainError] = MappingError
) -> dict[str, str]:
    """The command line's `["Nama IG=instagram", ...]` -> {column: field}; a field not in `fields` (nor `ignore`)
    is refused naming it, by `error`."""
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, target = item.partition("=")
        target = target.strip().lower()
        if not sep or not column.strip():
            raise error(BAD_MAPPING, item=item)
        if target not in fields and target != IGNORE:
            raise error(UNKNOWN_FIELD, item=item, target=target, fields=", ".join(fields))
        mapping[column.strip()] = target
    return mapping


def check_mapping(
    mapping: Mapping[str, str] | None, fields: Collection[str], *, error: type[DomainError] = MappingError
) -> dict[str, str]:
    """A mapping given as {column: field} (a page's choices, a caller's dict), its fields in lower case; fields
    not in `fields` (nor `ignore`) are refused, all of them named, by `error`."""
    checked = {str(column).strip(): str(target).strip().lower() for column, target in (mapping or {}).items()}
    unknown = sorted({t for t in checked.values() if t not in fields and t != IGNORE})
    if unknown:
        raise error(UNKNOWN_FIELDS, targets=", ".join(f"'{t}'" for t in unknown), fields=", ".join(fields))
    return checked


def read_mapped_table(
    data: bytes,
    file_name: str,
    recognise: Recognise,
    mapping: Mapping[str, str] | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """The file's table, its header being the row (among the first ones) naming the most headers the vocabulary
    knows or the mapping maps (to a field, not `ignore`); without any, the reader's plain header. The last files
    read are kept (see the module docstring); a file the reader refuses is read again each time."""
    return _read_mapped(data, file_name, recognise, tuple(sorted((mapping or {}).items())), limits)


TABLES_KEPT = 2  # an upload read with and without its mapping (each a few MB; at the reader's limits, hundreds)


@lru_cache(maxsize=TABLES_KEPT)
def _read_mapped(
    data: bytes, file_name: str, recognise: Recognise, mapping: tuple[tuple[str, str], ...], limits: Limits
) -> Table:
    explicit = {column_key(k) for k, v in mapping if v != IGNORE}

    def score(cells: Sequence[str]) -> float:
        return float(sum(1 for cell in cells if cell and (recognise(cell) or column_key(cell) in explicit)))

    try:
        return read_table(data, file_name, header=score, limits=limits)
    except TabularError as exc:
        if "header" not in exc.message.text.lower():
            raise
    return read_table(data, file_name, limits=limits)  # no known name at all: the plain header, for the message


def recognise_columns(
    headers: Sequence[str],
    mapping: Mapping[str, str] | None,
    recognise: Recognise,
    *,
    multi: Collection[str] = (),
    error: type[DomainError] = MappingError,
    twice: str = SAME_FIELD_TWICE,
) -> tuple[dict[str, str], list[str]]:
    """Columns -> fields (the explicit mapping first, then the vocabulary); the columns left unused.

    Two columns explicitly mapped to one field that takes one column (every field not in `multi`) are refused by
    `error(twice)`, naming both; a column whose known name is a field an explicitly mapped column takes is left
    unused, as is a later column of a field an earlier one takes."""
    explicit = {column_key(k): v for k, v in (mapping or {}).items()}
    claimed: dict[str, str] = {}  # single-valued field -> the column explicitly mapped to it
    for column in headers:
        target = explicit.get(column_key(column)) if column else None
        if not target or target == IGNORE or target in multi:
            continue
        if claimed.setdefault(target, column) != column:
            raise error(twice, first=claimed[target], second=column, field=target)
    header_map: dict[str, str] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for column in headers:
        if not column:
            continue
        target = explicit.get(column_key(column))
        if target is None:
            target = recognise(column)
            if target in claimed:
                target = None
        if target and target != IGNORE and (target not in taken or target in multi) and column not in header_map:
            header_map[column] = target
            taken.add(target)
        else:
            ignored.append(column)
    return header_map, ignored


def explicitly_ignored(headers: Sequence[str], mapping: Mapping[str, str] | None) -> list[str]:
    """The columns the mapping says to leave out (field `ignore`): not imported on purpose, nothing to warn of."""
    explicit = {column_key(k): v for k, v in (mapping or {}).items()}
    return [column for column in headers if column and explicit.get(column_key(column)) == IGNORE]


@dataclass(frozen=True)
class FileColumn:
    """One column of a file, for choosing its field: its header, the field its name is recognised as (None: not
    recognised, or an earlier column takes that field) and its first few non-empty values."""

    name: str
    field: str | None
    samples: tuple[str, ...]


def file_columns(table: Table, recognise: Recognise, *, samples: int = 3) -> list[FileColumn]:
    """The table's columns, each once, with the field the vocabulary recognises (no mapping) and sample values,
    so a page can offer a field for each."""
    header_map, _ignored = recognise_columns(table.header, None, recognise)
    columns: list[FileColumn] = []
    seen: set[str] = set()
    for position, column in enumerate(table.header):
        if not column or column in seen:
            continue
        seen.add(column)
        values: list[str] = []
        for row in table.rows:
            cell = row.cells[position] if position < len(row.cells) else ""
            if not is_blank(cell):
                values.append(shown_sample(cell))
                if len(values) == samples:
                    break
        columns.append(FileColumn(column, header_map.get(column), tuple(values)))
    return columns


def shown_sample(value: str) -> str:
    """A cell as a sample value: white space folded, at most 40 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"
