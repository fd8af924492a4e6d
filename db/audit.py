"""The audit log: record every write with actor, entity, and the values before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from db.models import AuditEntry
from db.roles import Actor

# Never written to the audit log, whatever the entity.
SECRET_KEYS = frozenset({"access_token", "token", "app_secret", "password", "secret", "meta.access_token"})


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
        values[key] = "***" if key in SECRET_KEYS else _plain(getattr(obj, key))
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
    return {k: ("***" if k in SECRET_KEYS else _plain(v)) for k, v in values.items()}
