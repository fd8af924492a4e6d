"""The audit log: record every write with actor, entity, and the values before and after."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, inspect, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEntry
from db.roles import Actor

# Never written to the audit log, whatever the entity: these keys, and any key naming a token, secret or password.
SECRET_KEYS = frozenset({"access_token", "token", "app_secret", "password", "secret", "meta.access_token"})
SECRET_WORDS = ("token", "secret", "password", "ciphertext")
MASK = "***"


def is_secret_key(key: str) -> bool:
    """True for a field whose value must never be stored in the audit log."""
    lowered = str(key).lower()
    return lowered in SECRET_KEYS or any(word in lowered for word in SECRET_WORDS)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return "<bytes>"
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of a model instance, JSON-ready, secrets masked."""
    values = {}
    for attr in inspect(obj).mapper.column_attrs:
        key = attr.key
        values[key] = MASK if is_secret_key(key) else _plain(getattr(obj, key))
    return values


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: Any = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's session (it commits with the write it describes)."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        changed.discard("updated_at")
        changed.discard("version_id")
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    entry = AuditEntry(
        actor=actor.email,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=_mask(before),
        after=_mask(after),
        summary=summary,
    )
    session.add(entry)
    return entry


def _mask(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (MASK if is_secret_key(k) else _plain(v)) for k, v in values.items()}


# Reading the log: the Audit page and its CSV export.

CSV_COLUMNS = ("at", "actor", "action", "entity_type", "entity_id", "summary", "change", "before", "after")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def query_entries(
    session: Session,
    *,
    actors: Sequence[str] = (),
    actions: Sequence[str] = (),
    entity_types: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    text: str | None = None,
    limit: int | None = 5000,
) -> list[dict[str, Any]]:
    """Audit entries, newest first, narrowed by actor, action, entity type, UTC date range and free text."""
    stmt = select(AuditEntry)
    if actors:
        stmt = stmt.where(AuditEntry.actor.in_(list(actors)))
    if actions:
        stmt = stmt.where(AuditEntry.action.in_(list(actions)))
    if entity_types:
        stmt = stmt.where(AuditEntry.entity_type.in_(list(entity_types)))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(AuditEntry.at < end)
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(
            or_(
                AuditEntry.actor.icontains(needle, autoescape=True),
                AuditEntry.summary.icontains(needle, autoescape=True),
                AuditEntry.entity_id.icontains(needle, autoescape=True),
                cast(AuditEntry.before, String).icontains(needle, autoescape=True),
                cast(AuditEntry.after, String).icontains(needle, autoescape=True),
            )
        )
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "entity_type": e.entity_type,
            "entity_id": e.entity_id,
            "summary": e.summary,
            "change": describe_change(e.before, e.after),
            "before": e.before,
            "after": e.after,
        }
        for e in session.scalars(stmt)
    ]


def filter_options(session: Session) -> dict[str, list[str]]:
    """The distinct actors, actions and entity types in the log, for filter widgets."""
    return {
        name: sorted(v for v in session.scalars(select(column).distinct()) if v)
        for name, column in (
            ("actors", AuditEntry.actor),
            ("actions", AuditEntry.action),
            ("entity_types", AuditEntry.entity_type),
        )
    }


def snapshot_time(value: Any) -> dt.datetime | None:
    """The moment a snapshot value holds when it is a timestamp (`_plain` keeps them as ISO text with a time,
    `2026-11-28T03:12:00+00:00`; a naive one is UTC, as the database stores them), else None (dates, other text)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and len(value) >= 16 and value[10:11] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _show(value: Any, times: Callable[[dt.datetime], str] | None = None) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if times is not None and (moment := snapshot_time(value)) is not None:
        return times(moment)
    return str(value)


def describe_change(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    times: Callable[[dt.datetime], str] | None = None,
) -> str:
    """`field: before -> after` for every field that changed (or was set, or was removed). Timestamps stay ISO
    text (the CSV) unless `times` writes them for people (pages: the workspace time zone, the user's locale)."""
    before, after = before or {}, after or {}
    parts = []
    for key in sorted(set(before) | set(after)):
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            parts.append(f"{key}: {_show(before[key], times)} -> {_show(after[key], times)}")
        elif key in after:
            parts.append(f"{key}: -> {_show(after[key], times)}")
        else:
            parts.append(f"{key}: {_show(before[key], times)} ->")
    return "; ".join(parts)


def neutralise(text: str) -> str:
    """Prefix `'` to text a spreadsheet would run as a formula (= + - @ tab CR)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dict, list)):
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    return neutralise(str(value))


def csv_text(entries: Iterable[dict[str, Any]]) -> str:
    """The entries as CSV (one header row, ISO UTC times, formula-like text neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(entry.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()
