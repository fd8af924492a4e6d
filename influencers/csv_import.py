"""Contact import from the lists people keep (CSV/TSV in any encoding, XLSX, XLS) through the one tabular reader.

Headers are recognised in English and Bahasa Indonesia (or mapped by hand) on whichever row holds them; blanks
and `NULL`, `N/A`, `-`, `—` are empty; counts are read as people write them (`10.4M`, `12,5 rb`); an
engagement-rate column of fractions is read as fractions; profile addresses in a `Link`/`URL`/`Profile` column
become handles of the platform they name; local phone numbers are read in the contact's country, else the
workspace's `default_country`. A value that does not fit an optional field is left out with a column warning and
the rest of its row is imported; a row is rejected when it has no name, its identity (email, handle) conflicts,
or a value would be stored wrong if guessed: a phone that cannot be read, an engagement rate that could be a
fraction or a percent, a link to a post or video given as a profile. The rules are documented in
docs/influencers.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Table as SqlTable
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from db import audit, column_map
from db.base import Base
from db.errors import N_, ConflictError, DomainError, FieldErrors, Message, joined
from db.parse import ParseError, is_blank, parse_count, parse_percent_or_fraction
from db.roles import Actor, require
from db.tabular import (
    DEFAULT_LIMITS,
    Limits,
    Row,
    Table,
    looks_like_total,
    unterminated_warning,
)
from db.text import TextError, clean_text, neutralised, store_rows
from db.types import utcnow
from db.versioning import check_version
from influencers.contacts import (
    CONTACT_FIELDS,
    ContactInput,
    contact_snapshot,
    import_changes,
    import_update,
    validation_errors,
    workspace_country,
)
from influencers.handles import HandleError, NotAProfileError, handle_from_url, normalize_handle, profile_url
from influencers.models import PLATFORMS, Influencer, InfluencerLabel, SocialHandle

# Field -> header names recognised automatically (compared case-insensitively, spaces/_/- ignored).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nama",
        "full name",
        "nama lengkap",
        "influencer",
        "creator",
        "kreator",
        "creator name",
        "influencer name",
        "nama kreator",
        "nama influencer",
    ),
    "email": ("email", "e-mail", "surel", "email address", "alamat email"),
    "phone": (
        "phone",
        "telepon",
        "telp",
        "no hp",
        "nomor hp",
        "hp",
        "whatsapp",
        "wa",
        "mobile",
        "phone number",
        "no telp",
        "nomor telepon",
        "no wa",
        "nomor wa",
        "no whatsapp",
        "nomor whatsapp",
    ),
    "country": ("country", "negara"),
    "city": ("city", "kota"),
    "language": ("language", "bahasa"),
    "niches": ("niche", "niches", "kategori", "category", "categories", "ceruk"),
    "tags": ("tags", "tag", "label", "labels"),
    "notes": ("notes", "note", "catatan", "keterangan"),
    "agency_name": ("agency", "agensi", "agency name", "management", "manajemen"),
    "agency_contact": ("agency contact", "kontak agensi", "manager contact"),
    "status": ("status",),
    "owner": ("owner", "pemilik", "pic"),
    "instagram": ("instagram", "ig", "instagram handle"),
    "tiktok": ("tiktok", "tik tok", "tiktok handle"),
    "youtube": ("youtube", "yt", "youtube channel"),
    "facebook": ("facebook", "fb"),
    "x": ("x", "twitter", "x twitter"),
    "linkedin": ("linkedin",),
    "twitch": ("twitch",),
    "other": ("other", "website", "lainnya", "situs"),
    # Profile addresses of any platform: the address says which one.
    "link": (
        "link",
        "links",
        "url",
        "profile",
        "profile url",
        "profile link",
        "channel",
        "channel url",
        "channel link",
        "social link",
        "social media",
        "tautan",
        "link profil",
        "akun",
    ),
    "followers": ("followers", "pengikut", "follower", "jumlah pengikut"),
    "engagement_rate": ("engagement rate", "engagement", "er", "tingkat engagement"),
    "avg_views": ("avg views", "average views", "rata rata views", "rata-rata tayangan", "views"),
}
for _platform in PLATFORMS:
    HEADER_ALIASES[f"{_platform}_followers"] = (f"{_platform} followers", f"pengikut {_platform}")
FIELDS = tuple(HEADER_ALIASES)
MULTI_FIELDS = frozenset({"link"})  # fields several columns may feed
NUMBER_FIELDS = ("followers", "avg_views", *(f"{p}_followers" for p in PLATFORMS))
TEXT_FIELDS = (
    "email",
    "phone",
    "country",
    "city",
    "language",
    "niches",
    "tags",
    "agency_name",
    "agency_contact",
    "owner",
    "status",
)
ON_DUPLICATE = ("update", "skip")
# Fields the contact model refuses whose unusable value rejects the row instead of being left out: a contact
# stored without the phone it was listed with would be silently incomplete. (An ambiguous engagement rate and a
# video or post link given as a profile reject their row too; `_contact` decides those where it reads them.)
REJECTING_FIELDS = frozenset({"phone"})
BATCH = 2000

# --- messages --------------------------------------------------------------------------------------------------

NO_NAME_COLUMN = N_(
    "No column is recognised as the name (columns: {columns}); name it Name or Nama, or map it with --map COLUMN=name."
)
BAD_MAPPING, UNKNOWN_FIELD = column_map.BAD_MAPPING, column_map.UNKNOWN_FIELD  # the one mapping rule's words
SAME_FIELD_TWICE = N_(
    "Columns '{first}' and '{second}' are both mapped to {field}; a field takes one column (only link takes "
    "several): map one of them to another field or ignore it."
)
BAD_ON_DUPLICATE = N_("on-duplicate must be update or skip, not '{value}'.")
NAME_REQUIRED = N_("a name is required")
REPEATED_IN_FILE = N_("'{value}' is also in row {other} of this file")
TWO_INFLUENCERS = N_("matches two different influencers, {who}; merge them first")
NEEDS_HANDLE = N_("followers, engagement or views need a handle or profile link in the same row")
REASON = N_("{reason}")
COLUMN_WARNING = N_(
    "Column '{column}': {count} value(s) do not fit {field} (rows {rows}; e.g. {examples}: {reason}); they were "
    "left out and the rest of each row was imported. Map the column to another field, or ignore it "
    "(--map '{column}=ignore')."
)
FRACTION_NOTE = N_(
    "Column '{column}' holds engagement rates as fractions (every value is at most 1): 0.017 is read as 1.7 %."
)
SUMMARY_NOTE = N_("Totals lines of the sheet (rows {rows}) are not contacts; they were not imported.")
NEUTRALISED_NOTE = N_("Column '{column}': {what} (rows {rows}); the rest of each value was kept.")
DATABASE_REFUSED = N_("The database refused the rows ({reason}); preview the file again.")


class ImportFileError(DomainError):
    """The file cannot be imported at all (unreadable, no name column, a bad mapping)."""


_key = column_map.column_key


_ALIAS_INDEX = {_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Problem:
    """Why a row is rejected."""

    row: int  # line (CSV) or row (workbook) number in the file
    field: str
    reason: str
    message: Message | None = None


@dataclass(frozen=True)
class ColumnWarning:
    """Values of one column that were left out because they do not fit its field."""

    column: str
    field: str
    rows: tuple[int, ...]
    examples: tuple[str, ...]
    reason: Message

    def params(self) -> dict[str, Any]:
        """The warning's parameters (`field` is the field code; a page puts its label in its place)."""
        rows = ", ".join(str(r) for r in self.rows[:5]) + (", ..." if len(self.rows) > 5 else "")
        examples = ", ".join(f"'{e}'" for e in self.examples)
        return {
            "column": self.column,
            "count": len(self.rows),
            "field": self.field,
            "rows": rows,
            "examples": examples,
            "reason": self.reason,
        }

    @property
    def message(self) -> Message:
        """The command line's sentence (it names `--map`)."""
        return Message(COLUMN_WARNING, self.params())

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class RowPlan:
    row: int
    contact: ContactInput | None
    action: str = "import"  # import | update | unchanged | skip | reject
    existing_id: int | None = None
    existing_name: str | None = None
    existing_version: int | None = None
    matched_on: str | None = None


@dataclass
class ImportPreview:
    """What an import would do; `apply_import` commits exactly this."""

    header_map: dict[str, str]  # column -> field
    ignored_columns: list[str]  # every column not imported
    ignored_by_mapping: list[str] = field(default_factory=list)  # of which the mapping said `ignore`
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[ColumnWarning] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    # about the whole file, never a refusal: its last row may be cut (db.tabular.unterminated_warning)
    file_warnings: list[Message] = field(default_factory=list)
    encoding: str | None = "utf-8"
    delimiter: str | None = ","
    header_line: int = 1
    kind: str = "csv"

    def counts(self) -> dict[str, int]:
        out = {"imported": 0, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
        names = {"import": "imported", "update": "updated", "unchanged": "unchanged", "skip": "skipped"}
        for plan in self.rows:
            out[names.get(plan.action, "rejected")] += 1
        return out

    @property
    def unmapped_columns(self) -> list[str]:
        """Columns not imported that no one chose to leave out: their names are no field and nothing maps them."""
        return [c for c in self.ignored_columns if c not in self.ignored_by_mapping]

    @property
    def duplicates(self) -> list[RowPlan]:
        return [p for p in self.rows if p.existing_id is not None and p.action != "reject"]


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`["Nama IG=instagram", ...]` -> {column: field}; unknown fields are refused (`db.column_map`)."""
    return column_map.parse_mapping(items, FIELDS, error=ImportFileError)


def _recognised(header: str) -> str | None:
    return _ALIAS_INDEX.get(_key(header))


def recognise_headers(
    headers: Sequence[str], mapping: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Columns -> fields (explicit mapping first, then the known names); the columns left unused.

    Two columns explicitly mapped to the same field that takes one column (every field but `link`) are refused,
    naming both; a column whose known name is a field an explicitly mapped column takes is left unused."""
    return column_map.recognise_columns(
        headers, mapping, _recognised, multi=MULTI_FIELDS, error=ImportFileError, twice=SAME_FIELD_TWICE
    )


explicitly_ignored = column_map.explicitly_ignored
FileColumn = column_map.FileColumn


def file_columns(
    data: bytes, file_name: str = "contacts.csv", *, samples: int = 3, limits: Limits = DEFAULT_LIMITS
) -> list[FileColumn]:
    """The file's columns (header row found as `preview_import` finds it without a mapping), each once, with the
    field recognised from its name and sample values, so a page can offer a field for each."""
    table = read_contacts_table(data, file_name, None, limits)
    return column_map.file_columns(table, _recognised, samples=samples)


def read_contacts_table(data: bytes, file_name: str, mapping: dict[str, str] | None, limits: Limits) -> Table:
    """The file's table, its header being the row (among the first ones) that names the most known fields."""
    return column_map.read_mapped_table(data, file_name, _recognised, mapping, limits=limits)


class _Row:
    """One row's values by field, with the values left out and why."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.dropped: list[tuple[str, str, str, Message]] = []  # (column, field, value, reason)
        self.neutralised: list[tuple[str, Message]] = []  # (column, what clean_text removed: bidi, escapes)

    def clean(self, column: str, cell: str, **options: Any) -> str:
        """`clean_text` of one cell, remembering what it removed so the preview can say so."""
        cleaned = clean_text(cell, field=column, **options)
        self.neutralised += [(column, what) for what in neutralised(cell)]
        return cleaned

    def drop(self, column: str, fieldname: str, value: str, reason: Message | str) -> None:
        message = reason if isinstance(reason, Message) else Message(REASON, {"reason": reason})
        self.dropped.append((column, fieldname, value, message))


def preview_import(
    session: Session,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    on_duplicate: str = "update",
    progress: Callable[[int, int], None] | None = None,
    file_name: str = "contacts.csv",
    limits: Limits = DEFAULT_LIMITS,
) -> ImportPreview:
    """Read and check the whole file without writing anything."""
    if on_duplicate not in ON_DUPLICATE:
        raise ImportFileError(BAD_ON_DUPLICATE, value=on_duplicate)
    table = read_contacts_table(data, file_name, mapping, limits)
    header_map, ignored = recognise_headers(table.header, mapping)
    if "name" not in header_map.values():
        raise ImportFileError(NO_NAME_COLUMN, columns=", ".join(h for h in table.header if h) or "-")
    preview = ImportPreview(
        header_map=header_map,
        ignored_columns=ignored,
        ignored_by_mapping=explicitly_ignored(table.header, mapping),
        encoding=table.encoding,
        delimiter=table.delimiter,
        header_line=table.header_line,
        kind=table.kind,
    )
    cut = unterminated_warning(table)
    if cut is not None:
        preview.file_warnings.append(cut)
    positions = {column: table.header.index(column) for column in header_map}
    row_values = [_row_values(table_row, header_map, positions) for table_row in table.rows]
    summary_indexes = {
        index
        for index, (table_row, values) in enumerate(zip(table.rows, row_values, strict=True))
        if not table_row.problems and _summary_row(values, table_row.cells)
    }
    # Rows the reader flagged (cut off, more cells than the header: a shifted follower count) are rejected and take
    # no part in deciding how the rate column is written.
    flagged = {index for index, table_row in enumerate(table.rows) if table_row.problems}
    engagement = _engagement_column(table, header_map, positions, preview, skip=summary_indexes | flagged)
    default_country = workspace_country(session)
    existing_email, existing_handle = _existing_keys(session)
    seen_email: dict[str, int] = {}
    seen_handle: dict[tuple[str, str], int] = {}
    dropped: dict[str, list[tuple[int, str, str, Message]]] = {}
    cleaned: dict[tuple[str, str], list[int]] = {}  # (column, what was removed) -> rows
    total_rows = len(table.rows)
    summaries: list[int] = []  # totals lines of the sheet: not contacts
    for index, table_row in enumerate(table.rows):
        if progress and index % 500 == 0:
            progress(index, total_rows)
        row = _Row(table_row.line)
        problems: dict[str, Message] = {}
        for message in table_row.problems:
            problems.setdefault("row", message)
        values = row_values[index]
        if index in summary_indexes:
            summaries.append(row.line)
            continue
        contact = _contact(row, values, engagement.get(index), problems, default_country)
        plan = RowPlan(row=row.line, contact=contact)
        if contact is not None and not problems:
            _match(plan, contact, problems, existing_email, existing_handle, seen_email, seen_handle)
        if problems:
            plan.action, plan.contact = "reject", None
            preview.problems += [Problem(row.line, f, str(m), m) for f, m in problems.items()]
        else:
            for column, fieldname, value, reason in row.dropped:
                dropped.setdefault(column, []).append((row.line, fieldname, value, reason))
            for column, what in row.neutralised:
                cleaned.setdefault((column, what.text), []).append(row.line)
            if plan.existing_id is not None:
                plan.action = on_duplicate
        preview.rows.append(plan)
    if progress:
        progress(total_rows, total_rows)
    preview.warnings = [
        ColumnWarning(
            column=column,
            field=items[0][1],
            rows=tuple(line for line, *_rest in items),
            examples=tuple(dict.fromkeys(column_map.shown_sample(value) for _line, _f, value, _r in items))[:3],
            reason=items[0][3],
        )
        for column, items in dropped.items()
    ]
    for (column, removed), lines in cleaned.items():
        rows = ", ".join(str(line) for line in dict.fromkeys(lines[:5])) + (", ..." if len(lines) > 5 else "")
        preview.notes.append(Message(NEUTRALISED_NOTE, {"column": column, "what": Message(removed), "rows": rows}))
    if summaries:
        rows = ", ".join(str(line) for line in summaries[:5]) + (", ..." if len(summaries) > 5 else "")
        preview.notes.append(Message(SUMMARY_NOTE, {"rows": rows}))
    _mark_unchanged(session, preview)
    return preview


IDENTITY_FIELDS = frozenset({"email", "phone", "link", *PLATFORMS})
FIGURE_FIELDS = frozenset({*NUMBER_FIELDS, "engagement_rate"})


def _summary_row(values: dict[str, list[tuple[str, str]]], cells: Sequence[str]) -> bool:
    """A sheet's totals line, not a contact: labelled `Total`/`Jumlah` (in the name or the first cell) without any
    email, phone or handle, or an unlabelled sum line that holds only figures (followers, rates, views)."""
    if IDENTITY_FIELDS & values.keys():
        return False
    name = values.get("name", [("", "")])[0][1]
    if looks_like_total(name) or (cells and looks_like_total(cells[0])):
        return True
    return "name" not in values and bool(values) and values.keys() <= FIGURE_FIELDS


Engagement = tuple[Decimal | None, ParseError | None, str, bool]  # value, refusal, column, ambiguous


def _row_values(row: Row, header_map: dict[str, str], positions: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """A row's non-blank cells by field: field -> [(column, text)]."""
    values: dict[str, list[tuple[str, str]]] = {}
    for column, target in header_map.items():
        cell = row.cells[positions[column]]
        if not is_blank(cell):
            values.setdefault(target, []).append((column, cell.strip()))
    return values


def _engagement_column(
    table: Table,
    header_map: dict[str, str],
    positions: dict[str, int],
    preview: ImportPreview,
    skip: set[int] | frozenset[int] = frozenset(),
) -> dict[int, Engagement]:
    """Engagement rates of the whole column at once (`db.parse.parse_percent_or_fraction`); the rows in `skip`
    (totals lines, rows the reader flagged) take no part in deciding how the column is written."""
    column = next((c for c, f in header_map.items() if f == "engagement_rate"), None)
    if column is None:
        return {}
    cells = ["" if index in skip else row.cells[positions[column]] for index, row in enumerate(table.rows)]
    read = parse_percent_or_fraction(cells)
    if read.scale == "fraction":
        preview.notes.append(Message(FRACTION_NOTE, {"column": column}))
    return {
        index: (read.values[index], read.errors.get(index), column, index in read.ambiguous)
        for index in range(len(cells))
        if not is_blank(cells[index])
    }


def _contact(
    row: _Row,
    values: dict[str, list[tuple[str, str]]],
    engagement: Engagement | None,
    problems: dict[str, Message],
    default_country: str | None = None,
) -> ContactInput | None:
    """The row as a contact; values that do not fit are dropped (with the reason), a missing name rejects."""
    data: dict[str, Any] = {}
    first = {name: items[0] for name, items in values.items()}
    name_cell = first.get("name")
    try:
        data["name"] = row.clean(name_cell[0], name_cell[1]) if name_cell else ""
    except TextError as exc:
        problems["name"] = exc.message
        return None
    if not data["name"]:
        problems["name"] = Message(NAME_REQUIRED)
        return None
    for name in TEXT_FIELDS:
        if name in first:
            column, cell = first[name]
            try:
                data[name] = row.clean(column, cell)
            except TextError as exc:
                row.drop(column, name, cell, exc.message)
    if "notes" in first:
        column, cell = first["notes"]
        try:
            data["notes"] = row.clean(column, cell, multiline=True)
        except TextError as exc:
            row.drop(column, "notes", cell, exc.message)
    numbers: dict[str, int] = {}
    for name in NUMBER_FIELDS:
        if name in first:
            column, cell = first[name]
            try:
                count = parse_count(cell)
            except ParseError as exc:
                row.drop(column, name, cell, exc.message)
                continue
            if count is not None:
                numbers[name] = count
    rate = None
    if engagement is not None:
        rate, error, column, ambiguous = engagement
        if error is not None and ambiguous:
            problems["engagement_rate"] = error.message
        elif error is not None:
            row.drop(column, "engagement_rate", error.params.get("value", ""), error.message)
    handles: dict[str, dict[str, Any]] = {}
    for platform in PLATFORMS:
        if platform in first:
            column, cell = first[platform]
            try:
                handles[platform] = {"handle": normalize_handle(platform, cell)}
            except NotAProfileError as exc:
                problems.setdefault(platform, exc.message)
            except HandleError as exc:
                row.drop(column, platform, cell, exc.message)
    for column, cell in values.get("link", []):
        try:
            platform, handle = handle_from_url(cell)
        except NotAProfileError as exc:
            problems.setdefault("link", exc.message)
            continue
        except HandleError as exc:
            if "://" in cell or "." in cell.split("/")[0]:
                try:  # a website that is no social network: kept as "other"
                    handle = normalize_handle("other", cell)
                    handles.setdefault("other", {"handle": handle})
                    continue
                except HandleError:
                    pass
            row.drop(column, "link", cell, exc.message)
            continue
        handles.setdefault(platform, {"handle": handle})
    for platform, item in handles.items():
        item["followers"] = numbers.get(f"{platform}_followers")
    if handles:
        # Generic Followers / ER / views columns describe the first handle of the row (platform order).
        lead = handles[next(p for p in PLATFORMS if p in handles)]
        if lead["followers"] is None:
            lead["followers"] = numbers.get("followers")
        lead["engagement_rate"] = rate
        lead["avg_views"] = numbers.get("avg_views")
    else:
        for name in ("followers", "avg_views"):
            if name in numbers:
                column, cell = first[name]
                row.drop(column, name, cell, Message(NEEDS_HANDLE))
        if rate is not None and engagement is not None:
            row.drop(engagement[2], "engagement_rate", first["engagement_rate"][1], Message(NEEDS_HANDLE))
    data["handles"] = handles
    context = {"default_country": default_country}
    for _attempt in range(len(data) + len(handles) + 1):
        try:
            contact = ContactInput.model_validate(data, context=context)
        except ValidationError as exc:
            errors = validation_errors(exc)
        else:
            return None if problems else contact
        if "name" in errors:
            problems["name"] = errors["name"]
            return None
        for name in REJECTING_FIELDS & errors.keys():
            problems.setdefault(name, errors[name])
        for name, reason in errors.items():
            _drop_field(row, data, values, name, reason)
    problems["row"] = joined(list(errors.values()))
    return None


def _drop_field(
    row: _Row, data: dict[str, Any], values: dict[str, list[tuple[str, str]]], name: str, reason: str | Message
) -> None:
    """Leave out the value the contact model refused, remembering its column for the warning."""
    base = name.partition("_")[0]
    if name in data:
        column, cell = values[name][0] if name in values else (name, str(data[name]))
        row.drop(column, name, cell, reason)
        data.pop(name)
        return
    handles = data.get("handles", {})
    platform = name if name in handles else base if base in handles else None
    if platform is None:
        data.pop(name, None)
        return
    if platform == name:
        column, cell = values[name][0] if name in values else ("link", str(handles[platform].get("handle")))
        row.drop(column, name, cell, reason)
        handles.pop(platform)
    else:
        key = name.removeprefix(f"{platform}_")
        row.drop(name, name, str(handles[platform].get(key)), reason)
        handles[platform][key] = None


def _existing_keys(session: Session) -> tuple[dict[str, tuple[int, str]], dict[tuple[str, str], tuple[int, str]]]:
    """Every stored email and handle -> (surviving influencer id, name), read once for the whole file; contacts
    that have neither are keyed by their name (`("name", folded name)`), so a list of such contacts imported twice
    finds them again instead of adding them twice."""
    merged = dict(session.execute(select(Influencer.id, Influencer.merged_into_id)).all())
    names = dict(session.execute(select(Influencer.id, Influencer.name)).all())

    def live(pid: int) -> tuple[int, str]:
        hops = 0
        while (into := merged.get(pid)) is not None and hops < 20:
            pid, hops = into, hops + 1
        return pid, names[pid]

    emails = {e: live(i) for i, e in session.execute(select(Influencer.id, Influencer.email)) if e}
    handles = {
        (p, h): live(i)
        for i, p, h in session.execute(select(SocialHandle.influencer_id, SocialHandle.platform, SocialHandle.handle))
    }
    with_identity = {pid for pid, _name in emails.values()} | {pid for pid, _name in handles.values()}
    bare: dict[str, list[int]] = {}
    for pid, name in names.items():
        if merged.get(pid) is None and pid not in with_identity:
            bare.setdefault(_folded(name), []).append(pid)
    for folded, ids in bare.items():
        if len(ids) == 1:
            handles[("name", folded)] = (ids[0], names[ids[0]])
    return emails, handles


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def _match(plan, contact, problems, existing_email, existing_handle, seen_email, seen_handle) -> None:
    keys: list[tuple[str, Any]] = []
    if contact.email:
        keys.append(("email", contact.email))
    keys += [(p, (p, h.handle)) for p, h in contact.handles.items()]
    if not keys:  # no email, no handle: the only contact of this name that has neither is this one
        hit = existing_handle.get(("name", _folded(contact.name)))
        if hit is not None:
            plan.existing_id, plan.existing_name, plan.matched_on = hit[0], hit[1], "name"
        return
    for name, key in keys:
        seen = seen_email if name == "email" else seen_handle
        if key in seen:
            value = key if name == "email" else key[1]
            problems[name] = Message(REPEATED_IN_FILE, {"value": value, "other": seen[key]})
    matches: dict[int, tuple[str, str]] = {}
    for name, key in keys:
        hit = existing_email.get(key) if name == "email" else existing_handle.get(key)
        if hit is not None:
            matches.setdefault(hit[0], (hit[1], name))
    if len(matches) > 1:
        who = " and ".join(f"{n} (#{i}, by {f})" for i, (n, f) in matches.items())
        problems["row"] = Message(TWO_INFLUENCERS, {"who": who})
    elif matches:
        plan.existing_id, (plan.existing_name, plan.matched_on) = next(iter(matches.items()))
    if not problems:
        for name, key in keys:
            (seen_email if name == "email" else seen_handle)[key] = plan.row


def _mark_unchanged(session: Session, preview: ImportPreview) -> None:
    """Updates that would change nothing are "unchanged"; every matched contact's version is remembered."""
    ids = sorted({p.existing_id for p in preview.rows if p.existing_id is not None and p.action != "reject"})
    people: dict[int, Influencer] = {}
    for start in range(0, len(ids), 500):
        stmt = (
            select(Influencer)
            .where(Influencer.id.in_(ids[start : start + 500]))
            .options(selectinload(Influencer.handles), selectinload(Influencer.labels))
        )
        people.update({person.id: person for person in session.scalars(stmt)})
    for plan in preview.rows:
        person = people.get(plan.existing_id) if plan.existing_id is not None else None
        if person is None or plan.contact is None:
            continue
        plan.existing_version = person.version_id
        if plan.action == "update" and not import_changes(person, plan.contact):
            plan.action = "unchanged"


def _insert_new(session: Session, actor: Actor, contacts: list[ContactInput]) -> None:
    """Bulk-insert new contacts with their handles and labels (Core inserts: 10,000 rows in seconds)."""
    if not contacts:
        return
    now = utcnow()
    rows = []
    for contact in contacts:
        row = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        row["owner"] = row["owner"] or actor.email
        rows.append(row)
    rows = store_rows(_table(Influencer), rows)  # Core inserts skip the ORM's text rule (db/text.py)
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        result = session.execute(
            insert(_table(Influencer)).returning(_table(Influencer).c.id, sort_by_parameter_order=True),
            rows[start : start + BATCH],
        )
        ids += list(result.scalars())
    handles, labels = [], []
    for pid, contact in zip(ids, contacts, strict=True):
        for platform, item in contact.handles.items():
            measured = any(v is not None for v in (item.followers, item.engagement_rate, item.avg_views))
            handles.append(
                {
                    "influencer_id": pid,
                    "platform": platform,
                    "handle": item.handle,
                    "profile_url": profile_url(platform, item.handle),
                    "followers": item.followers,
                    "engagement_rate": item.engagement_rate,
                    "avg_views": item.avg_views,
                    "metrics_updated_at": now if measured else None,
                }
            )
        labels += [{"influencer_id": pid, "kind": "niche", "value": v} for v in contact.niches]
        labels += [{"influencer_id": pid, "kind": "tag", "value": v} for v in contact.tags]
    for model, items in ((SocialHandle, handles), (InfluencerLabel, labels)):
        items = store_rows(_table(model), items)
        for start in range(0, len(items), BATCH):
            session.execute(insert(_table(model)), items[start : start + BATCH])


def _table(model: type[Base]) -> SqlTable:
    """A mapped class's table (Core inserts: one statement per batch, no ORM bookkeeping)."""
    return cast(SqlTable, model.__table__)


def apply_import(
    session: Session, actor: Actor, preview: ImportPreview, *, source: str = "csv", dry_run: bool = False
) -> dict[str, int]:
    """Write the previewed valid rows in the caller's transaction (all or nothing); returns the counts.

    An update checks the version the preview read: a contact someone saved since then is a `ConflictError`
    (nothing is written; preview again), never overwritten.
    """
    require(actor, "influencer.edit")
    counts = preview.counts()
    if dry_run:
        return counts
    new = [plan.contact for plan in preview.rows if plan.action == "import" and plan.contact is not None]
    try:
        _insert_new(session, actor, new)
        for plan in preview.rows:
            if plan.action != "update" or plan.contact is None or plan.existing_id is None:
                continue
            person = session.get(Influencer, plan.existing_id)
            if person is None:
                continue
            check_version("influencer", person, plan.existing_version, contact_snapshot)
            if not import_update(person, plan.contact):
                counts["updated"] -= 1
                counts["unchanged"] += 1
        session.flush()
    except StaleDataError:  # another session saved one of these contacts between our read and our write
        session.rollback()
        raise ConflictError("influencer", "?", None) from None
    except IntegrityError as exc:  # e.g. a concurrent writer took an email or handle since the preview
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise FieldErrors({"import": Message(DATABASE_REFUSED, {"reason": reason})}) from exc
    if counts["imported"] or counts["updated"]:
        audit.record(
            session,
            actor,
            "import",
            "influencer",
            None,
            after={**counts, "source": source, "problems": len(preview.problems)},
            summary=(
                f"Imported influencers from {source}: {counts['imported']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['skipped']} skipped, {counts['rejected']} rejected"
            ),
        )
    return counts
