"""Deliverables: the content a creator owes, its status (late is derived, never stored) and its results,
entered by form or imported by CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.number_rule import (
    DECIMAL_MARKS,
    NOT_A_DECIMAL_MARK,
    NumberRule,
    NumberTexts,
    checked_figure,
    decide,
)
from db import audit
from db.calendar import workspace_today
from db.errors import N_, Codes, DomainError, FieldErrors, Message, NotFound, as_message, joined
from db.parse import ParseError, is_blank, parse_amount, parse_count
from db.roles import Actor, require
from db.tabular import Row, Table, TabularError, looks_like_total, read_table, unterminated_warning
from db.types import utcnow
from db.versioning import check_version, flush_or_conflict
from influencers.models import DELIVERABLE_STATUSES, DELIVERABLE_TYPES, PLATFORMS, Collaboration, Deliverable
from influencers.programs import get_collaboration, validated

RESULT_FIELDS = (
    "reach",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "conversions",
    "revenue",
)


def is_late(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """Late = not yet published and the due date has passed (derived on read, never stored)."""
    return status != "published" and due_date is not None and due_date < today


class DeliverableInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    platform: str
    type: str
    due_date: dt.date | None = None
    status: str = "planned"
    url: str | None = Field(default=None, max_length=1000)
    published_date: dt.date | None = None
    fee: Decimal | None = Field(default=None, ge=0)

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        if v not in PLATFORMS:
            raise DomainError(N_("use one of {choices}"), choices=Codes("platform", PLATFORMS))
        return v

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in DELIVERABLE_TYPES:
            raise DomainError(N_("use one of {choices}"), choices=Codes("deliverable_type", DELIVERABLE_TYPES))
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in DELIVERABLE_STATUSES:
            raise DomainError(
                N_("use one of {choices} (late is worked out from the due date)"),
                choices=Codes("deliverable_status", DELIVERABLE_STATUSES),
            )
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v and not v.startswith(("http://", "https://")):
            raise DomainError(N_("the link must start with http:// or https://"))
        return v or None

    @model_validator(mode="after")
    def _published(self) -> DeliverableInput:
        if self.status == "published" and not self.url:
            raise FieldErrors({"url": Message(N_("a published deliverable needs the link to the content"))})
        return self


class ResultsInput(BaseModel):
    reach: int | None = Field(default=None, ge=0)
    impressions: int | None = Field(default=None, ge=0)
    views: int | None = Field(default=None, ge=0)
    likes: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)
    shares: int | None = Field(default=None, ge=0)
    saves: int | None = Field(default=None, ge=0)
    clicks: int | None = Field(default=None, ge=0)
    conversions: int | None = Field(default=None, ge=0)
    revenue: Decimal | None = Field(default=None, ge=0)


DELIVERABLE_DATES = ("due_date", "published_date")


def _deliverable_input(data: dict[str, Any], currency: str) -> DeliverableInput:
    return validated(
        DeliverableInput, data, texts={"url": False}, dates=DELIVERABLE_DATES, amounts=("fee",), currency=currency
    )


def get_deliverable(session: Session, deliverable_id: int) -> Deliverable:
    item = session.get(Deliverable, deliverable_id)
    if item is None:
        raise NotFound(N_("Deliverable #{id} does not exist."), id=deliverable_id)
    return item


def add_deliverable(session: Session, actor: Actor, collaboration_id: int, data: dict[str, Any]) -> Deliverable:
    """Add a deliverable a creator owes (its fee in the collaboration's currency)."""
    require(actor, "program.edit")
    collab = get_collaboration(session, collaboration_id)
    values = _deliverable_input(data, collab.currency)
    item = Deliverable(collaboration_id=collab.id, **values.model_dump())
    if item.status == "published" and item.published_date is None:
        item.published_date = workspace_today(session)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "deliverable",
        item.id,
        after=audit.snapshot(item),
        summary=f"Added a {item.platform} {item.type} to collaboration #{collab.id}",
    )
    return item


def update_deliverable(
    session: Session, actor: Actor, deliverable_id: int, data: dict[str, Any], version_id: int | None
) -> Deliverable:
    """Save an edit of a deliverable loaded at `version_id` (ConflictError when someone saved since)."""
    require(actor, "program.edit")
    with session.no_autoflush:  # a concurrent save surfaces at flush_or_conflict, not in a query's autoflush
        item = get_deliverable(session, deliverable_id)
        check_version("deliverable", item, version_id)
        values = _deliverable_input(data, item.collaboration.currency)
        today = workspace_today(session)
        before = audit.snapshot(item)
        for key, value in values.model_dump().items():
            setattr(item, key, value)
        if item.status == "published" and item.published_date is None:
            item.published_date = today
        item.updated_at = utcnow()  # a save is a write: the version moves on even when nothing else changed
    flush_or_conflict(session, "deliverable", Deliverable, deliverable_id)
    audit.record(
        session,
        actor,
        "update",
        "deliverable",
        item.id,
        before=before,
        after=audit.snapshot(item),
        summary=f"Edited deliverable #{item.id}",
    )
    return item


def record_results(
    session: Session, actor: Actor, deliverable_id: int, results: dict[str, Any], version_id: int | None = None
) -> Deliverable:
    """Store the results of a deliverable (blank values stay unknown, never zero)."""
    require(actor, "program.edit")
    with session.no_autoflush:
        item = get_deliverable(session, deliverable_id)
        check_version("deliverable", item, version_id)
        given = {k: v for k, v in results.items() if v not in ("", None)}
        values = validated(ResultsInput, given, amounts=("revenue",), currency=item.collaboration.currency)
        before = audit.snapshot(item)
        for key in RESULT_FIELDS:
            value = getattr(values, key)
            if value is not None:
                setattr(item, key, value)
        item.results_updated_at = utcnow()
    flush_or_conflict(session, "deliverable", Deliverable, deliverable_id)
    audit.record(
        session,
        actor,
        "results",
        "deliverable",
        item.id,
        before=before,
        after=audit.snapshot(item),
        summary=f"Recorded results of deliverable #{item.id}",
    )
    return item


# Bahasa Indonesia headers of a results file (as the platforms' Indonesian insights and people's sheets name them)
BAHASA_RESULT_HEADERS = {
    "jangkauan": "reach",
    "impresi": "impressions",
    "tayangan": "views",
    "suka": "likes",
    "komentar": "comments",
    "dibagikan": "shares",
    "bagikan": "shares",
    "disimpan": "saves",
    "simpan": "saves",
    "klik": "clicks",
    "konversi": "conversions",
    "pendapatan": "revenue",
    "tautan": "url",
}

# The import's refusals (English templates; pages translate them)
NO_DELIVERABLE = N_("no deliverable #{id}")
NO_DELIVERABLE_IN_PROGRAM = N_("no deliverable #{id} in this program")
NO_LINK = N_("no deliverable has this link")
NO_TARGET = N_("the row names no deliverable (deliverable_id or url)")
ALSO_IN_ROW = N_("deliverable #{id} is also in row {row}")
NO_ID_COLUMN = N_("the file needs a deliverable_id (or url) column")
MIXED_NUMBERS = N_(
    "{value} cannot be read safely: this file writes figures both ways ({dot} in row {dot_row}, {comma} in row "
    "{comma_row}); export the results again with one number format, or write the figures without thousands "
    "separators."
)
AMBIGUOUS_FIGURE = N_(
    "{value} could be {small} or {large}: this file writes '{mark}' as its decimal mark ({reason}), but {kind} "
    "have no decimals; write the figure without thousands separators or in the same format as the file's other "
    "figures, or {fix}."
)
NUMBER_TEXTS = NumberTexts(mixed=MIXED_NUMBERS, ambiguous=AMBIGUOUS_FIGURE, choice=True)


def _result_key(header: str) -> str:
    key = header.strip().lower().replace(" ", "_")
    return BAHASA_RESULT_HEADERS.get(key, key)


def _header_language(header: Sequence[str]) -> str:
    """`id` when more of the result columns are named in Bahasa Indonesia than in English, else `en`."""
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    bahasa = sum(1 for name in names if BAHASA_RESULT_HEADERS.get(name) in RESULT_FIELDS)
    english = sum(1 for name in names if name in RESULT_FIELDS)
    return "id" if bahasa > english else "en"


def _number_rule(table: Table, keys: Sequence[str], currencies: Sequence[str], chosen: str | None = None) -> NumberRule:
    """The file's one number convention (campaigns.number_rule), decided from all its counts and revenues (or the
    decimal mark `chosen` by the person, which wins).

    Revenue is in each row's collaboration currency, unknown until the row is matched: its column is offered once
    per currency of the deliverables the file may name, so `Rp 1.250.000` proves `,` whichever row it is on."""
    figures: list[tuple[str, str | None]] = []
    for key, column in zip(keys, table.keys, strict=True):
        if key == "revenue":
            figures += [(column, code) for code in currencies] or [(column, None)]
        elif key in RESULT_FIELDS:
            figures.append((column, None))
    return decide(table, figures, _header_language(table.header), NUMBER_TEXTS, chosen=chosen)


def _is_total(row: dict[str, str], cells: Sequence[str]) -> bool:
    """A totals row a sheet adds under the data: a totals label (`Total`, `Jumlah`, `Grand Total`) in its first cell
    or its deliverable cell, and no deliverable number or link beside it (a row naming a deliverable is data)."""
    ident = row.get("deliverable_id") or row.get("id") or ""
    url = row.get("url", "")
    labelled = any(looks_like_total(text) for text in (cells[0] if cells else "", ident, url))
    named = (ident.isascii() and ident.isdigit()) or (bool(url) and not looks_like_total(url))
    return labelled and not named


def _read_results(
    session: Session, data: bytes, program_id: int | None, file_name: str
) -> tuple[Table, list[str], dict[int, Deliverable], dict[str, Deliverable], list[str]]:
    """A results file's table and column keys, and the deliverables its rows may name (by id, by link) with their
    collaborations' currencies; a file it cannot read, or without a deliverable column, is a `FieldErrors`."""
    wanted = {"deliverable_id", "id", "url", *RESULT_FIELDS}

    def score(cells: Sequence[str]) -> float:
        return float(sum(1 for cell in cells if _result_key(cell) in wanted))

    try:
        table = read_table(data, file_name, header=score)
    except TabularError as exc:
        raise FieldErrors({"file": exc.message}) from None
    keys = [_result_key(h) for h in table.header]
    if not ({"deliverable_id", "id", "url"} & set(keys)):
        raise FieldErrors({"file": Message(NO_ID_COLUMN)})
    stmt = select(Deliverable)
    if program_id is not None:
        stmt = stmt.join(Collaboration).where(Collaboration.program_id == program_id)
    items = list(session.scalars(stmt))
    by_id = {d.id: d for d in items}
    by_url = {d.url: d for d in items if d.url}
    return table, keys, by_id, by_url, sorted({d.collaboration.currency for d in items})


def _row_cells(keys: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    """A row's non-blank cells by column key (the first column of a key)."""
    return {key: cells[position].strip() for key, position in _cell_positions(keys, cells).items()}


def _typed_keys(keys: Sequence[str], row: Row) -> set[str]:
    """The keys whose cell (the one `_row_cells` reads) is a workbook number cell (`db.tabular.Row.numbers`)."""
    return {key for key, position in _cell_positions(keys, row.cells).items() if position in row.numbers}


def _cell_positions(keys: Sequence[str], cells: Sequence[str]) -> dict[str, int]:
    """The position of each key's first non-blank cell."""
    positions: dict[str, int] = {}
    for position, (key, cell) in enumerate(zip(keys, cells, strict=True)):
        if key and key not in positions and not is_blank(cell):
            positions[key] = position
    return positions


def decimal_mark_needed(
    session: Session, data: bytes, *, program_id: int | None = None, file_name: str = "results.csv"
) -> bool:
    """Whether a results file has a count or a revenue refused for reading two ways (`150.000` views under English
    headers: 150 or 150000) when no choice is made: a page then asks for the decimal mark. A revenue is checked
    in the currency of the deliverable its row names. False for a file the import refuses anyway, and for one
    whose figures prove both marks (refused as mixed)."""
    try:
        table, keys, by_id, by_url, currencies = _read_results(session, data, program_id, file_name)
    except DomainError:
        return False
    rule = _number_rule(table, keys, currencies)
    if rule.mixed is not None:
        return False
    for table_row in table.rows:
        row = _row_cells(keys, table_row.cells)
        if table_row.problems or not row or _is_total(row, table_row.cells):
            continue
        typed = _typed_keys(keys, table_row)
        ident = row.get("deliverable_id") or row.get("id") or ""
        target = by_id.get(int(ident)) if ident.isascii() and ident.isdigit() else by_url.get(row.get("url", ""))
        for key in RESULT_FIELDS:
            given = row.get(key)
            if given is None or (key == "revenue" and target is None):
                continue
            currency = target.collaboration.currency if key == "revenue" and target is not None else None
            problem = checked_figure(given, currency, rule, NUMBER_TEXTS, typed=key in typed)[1]
            if problem is not None and problem.text == AMBIGUOUS_FIGURE:
                return True
    return False


@dataclass(frozen=True)
class ResultChange:
    """What one row of a results file writes (or, in a dry run, would write): the figures read, by field."""

    row: int  # the file's line
    deliverable_id: int
    currency: str  # the collaboration's, the currency of `revenue`
    values: dict[str, Any]


@dataclass
class ResultsImport:
    updated: int = 0
    rejected: int = 0
    totals: int = 0  # totals rows a sheet adds under the data (`Total`, `Jumlah`), skipped
    # (row, field, reason); field "row" for what the file reader found wrong with the whole row (cut off, extra
    # cells), reasons as messages for pages to translate (str() gives the English sentence)
    problems: list[tuple[int, str, Message]] = field(default_factory=list)
    # about the whole file, never a refusal: e.g. its last row may be cut (db.tabular.unterminated_warning)
    warnings: list[Message] = field(default_factory=list)
    numbers: NumberRule | None = None  # the number convention the file's figures were read in
    changes: list[ResultChange] = field(default_factory=list)  # the rows written (or to write, in a dry run)


def import_results(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    program_id: int | None = None,
    dry_run: bool = False,
    file_name: str = "results.csv",
    decimal_mark: str | None = None,
) -> ResultsImport:
    """Results from a file (CSV/TSV/XLSX/XLS through `db.tabular.read_table`): a `deliverable_id` (or `url`)
    column plus any of the result columns (English or Bahasa Indonesia headers). One number convention is decided
    for the whole file from all its figures (`campaigns.number_rule.decide`: `1.250.000` proves Indonesian marks,
    `1,250,000.50` English ones, else the header language), then every count is read by `db.parse.parse_count` and
    every revenue by `db.parse.parse_amount` in the collaboration's currency, in that convention; a figure it
    cannot read safely is refused. `decimal_mark` (`.` or `,`: the person's choice) wins over the figures and the
    headers: `150.000` with `,` is 150000, with `.` 150, and a figure proving the other mark is refused by row
    (`decimal_mark_needed` says when a page should ask). A row with any problem is rejected whole; the others are
    written in the caller's transaction. Totals rows (`Total`, `Jumlah`) are skipped and counted. A last row that
    may be cut (no line break at the end of the file) is a warning. `dry_run` reads and checks everything and
    writes nothing (the Programs page's preview); `report.changes` lists what each accepted row writes either way."""
    require(actor, "program.edit")
    if decimal_mark is not None and decimal_mark not in DECIMAL_MARKS:
        raise FieldErrors({"decimal_mark": Message(NOT_A_DECIMAL_MARK, {"value": str(decimal_mark)[:20]})})
    table, keys, by_id, by_url, currencies = _read_results(session, data, program_id, file_name)
    rule = _number_rule(table, keys, currencies, decimal_mark)
    report = ResultsImport(numbers=rule)
    warning = unterminated_warning(table)
    if warning is not None:
        report.warnings.append(warning)
    missing = NO_DELIVERABLE if program_id is None else NO_DELIVERABLE_IN_PROGRAM
    seen: dict[int, int] = {}
    for table_row in table.rows:
        line = table_row.line
        row = _row_cells(keys, table_row.cells)
        if not row:
            continue
        if _is_total(row, table_row.cells):
            report.totals += 1
            continue
        typed = _typed_keys(keys, table_row)
        problems: dict[str, str | Message] = {}
        if table_row.problems:  # a row cut off or with more cells than the header is refused whole, never padded
            problems["row"] = joined(list(table_row.problems))
        target = None
        ident = row.get("deliverable_id") or row.get("id")
        if ident:
            target = by_id.get(int(ident)) if ident.isascii() and ident.isdigit() else None
            if target is None:
                problems["deliverable_id"] = Message(missing, {"id": ident[:40]})
        elif row.get("url"):
            target = by_url.get(row["url"])
            if target is None:
                problems["url"] = Message(NO_LINK)
        else:
            problems["deliverable_id"] = Message(NO_TARGET)
        values: dict[str, Any] = {}
        for key in RESULT_FIELDS:
            given = row.get(key)
            if given is None:
                continue
            currency = None
            if key == "revenue":
                if target is None:
                    continue
                currency = target.collaboration.currency
            given, problem = checked_figure(given, currency, rule, NUMBER_TEXTS, typed=key in typed)
            if problem is not None:
                problems[key] = problem
                continue
            try:
                if currency is not None:
                    values[key] = parse_amount(given, currency, rule.locale)
                else:
                    values[key] = parse_count(given, rule.locale)
            except ParseError as exc:
                problems[key] = exc.message
        if target is not None and target.id in seen:
            problems["deliverable_id"] = Message(ALSO_IN_ROW, {"id": target.id, "row": seen[target.id]})
        if problems or target is None:  # a row without a target always has a problem
            report.rejected += 1
            report.problems += [(line, f, as_message(r)) for f, r in problems.items()]
            continue
        seen[target.id] = line
        report.changes.append(ResultChange(line, target.id, target.collaboration.currency, values))
        if not dry_run:
            for key, value in values.items():
                setattr(target, key, value)
            target.results_updated_at = utcnow()
        report.updated += 1
    if not dry_run:
        session.flush()
        audit.record(
            session,
            actor,
            "import",
            "deliverable",
            None,
            after={"updated": report.updated, "rejected": report.rejected},
            summary=f"Imported deliverable results: {report.updated} updated, {report.rejected} rejected",
        )
    return report
