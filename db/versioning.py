"""Edits with a version check: the one place a stale save is turned into a `ConflictError`.

Records people edit carry `version_id` (SQLAlchemy's `version_id_col`). A form remembers the version it
showed; the service calls `check_version()` before changing anything and `flush_or_conflict()` to write, so a
save made on an old copy never overwrites someone else's change, whether the other writer is a person, an
import or a sync. Writers that change such a record without a form call `bump()` so open forms notice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import audit
from db.errors import ConflictError


def _latest(obj: Any, snapshot: Callable[[Any], Mapping[str, Any]] | None) -> Mapping[str, Any]:
    return (snapshot or audit.snapshot)(obj)


def check_version(
    entity: str,
    obj: Any,
    version_id: int | str | None,
    snapshot: Callable[[Any], Mapping[str, Any]] | None = None,
) -> None:
    """Refuse an edit made on `version_id` when the record has been saved since (None: no check)."""
    if version_id is not None and obj.version_id != int(version_id):
        raise ConflictError(entity, obj.id, _latest(obj, snapshot))


def flush_or_conflict(
    session: Session,
    entity: str,
    model: type,
    entity_id: object,
    snapshot: Callable[[Any], Mapping[str, Any]] | None = None,
) -> None:
    """Flush; when another session saved the row in between (StaleDataError) roll back and raise
    ConflictError with what is saved now, so the page can say what changed."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        latest = session.get(model, entity_id)
        raise ConflictError(entity, entity_id, _latest(latest, snapshot) if latest is not None else None) from None


def bump(obj: Any) -> None:
    """Mark a versioned record changed so its version moves on even when only related rows changed
    (tags, handles): any form opened on the old version is refused instead of saving over the change."""
    obj.version_id = (obj.version_id or 0) + 1
