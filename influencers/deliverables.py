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

from db import audit
from db.calendar import workspace_today
from db.errors import N_, Codes, DomainError, FieldErrors, Message, NotFound, as_message, joined
from db.parse import ParseError, is_blank, parse_amount, parse_count
from db.roles import Actor, require
from db.tabular import TabularError, read_table
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


def _result_key(header: str) -> str:
    return header.strip().lower().replace(" ", "_")


@dataclass
class ResultsImport:
    updated: int = 0
    rejected: int = 0
    # (row, field, reason); field "row" for what the file reader found wrong with the whole row (cut off, extra
    # cells), reasons as messages for pages to translate (str() gives the English sentence)
    problems: list[tuple[int, str, Message]] = field(default_factory=list)


def import_results(
    session: Session, actor: Actor, data: bytes, *, program_id: int | None = None, dry_run: bool = False
) -> ResultsImport:
    """Results from a file (CSV/TSV/XLSX/XLS through `db.tabular.read_table`): a `deliverable_id` (or `url`)
    column plus any of the result columns. Counts are read by `db.parse.parse_count` (`12.500`, `1,2 jt`), revenue
    by `db.parse.parse_amount` in the collaboration's currency. A row with any problem is rejected whole; the
    others are written in the caller's transaction."""
    require(actor, "program.edit")
    wanted = {"deliverable_id", "id", "url", *RESULT_FIELDS}

    def score(cells: Sequence[str]) -> float:
        return float(sum(1 for cell in cells if _result_key(cell) in wanted))

    try:
        table = read_table(data, "results.csv", header=score)
    except TabularError as exc:
        raise FieldErrors({"file": exc.message}) from None
    keys = [_result_key(h) for h in table.header]
    if not ({"deliverable_id", "id", "url"} & set(keys)):
        raise FieldErrors({"file": Message(N_("the file needs a deliverable_id (or url) column"))})
    stmt = select(Deliverable)
    if program_id is not None:
        stmt = stmt.join(Collaboration).where(Collaboration.program_id == program_id)
    items = list(session.scalars(stmt))
    by_id = {d.id: d for d in items}
    by_url = {d.url: d for d in items if d.url}
    report = ResultsImport()
    seen: dict[int, int] = {}
    for table_row in table.rows:
        line = table_row.line
        row: dict[str, str] = {}
        for key, cell in zip(keys, table_row.cells, strict=True):
            if key and key not in row and not is_blank(cell):
                row[key] = cell.strip()
        if not row:
            continue
        problems: dict[str, str | Message] = {}
        if table_row.problems:  # a row cut off or with more cells than the header is refused whole, never padded
            problems["row"] = joined(list(table_row.problems))
        target = None
        ident = row.get("deliverable_id") or row.get("id")
        if ident:
            target = by_id.get(int(ident)) if ident.isascii() and ident.isdigit() else None
            if target is None:
                problems["deliverable_id"] = f"no deliverable #{ident} in this program"
        elif row.get("url"):
            target = by_url.get(row["url"])
            if target is None:
                problems["url"] = "no deliverable has this link"
        else:
            problems["deliverable_id"] = "the row names no deliverable (deliverable_id or url)"
        values: dict[str, Any] = {}
        for key in RESULT_FIELDS:
            given = row.get(key)
            if given is None:
                continue
            try:
                if key == "revenue":
                    if target is None:
                        continue
                    values[key] = parse_amount(given, target.collaboration.currency, "en_US")
                else:
                    values[key] = parse_count(given)
            except ParseError as exc:
                problems[key] = exc.message
        if target is not None and target.id in seen:
            problems["deliverable_id"] = f"deliverable #{target.id} is also in row {seen[target.id]}"
        if problems or target is None:  # a row without a target always has a problem
            report.rejected += 1
            report.problems += [(line, f, as_message(r)) for f, r in problems.items()]
            continue
        seen[target.id] = line
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
