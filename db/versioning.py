"""Edits with a version check: the one place a stale save is turned into a `ConflictError`.

Records people edit carry `version_id` (SQLAlchemy's `version_id_col`). A form remembers the version it
showed; the service calls `check_version()` before changing anything and `flush_or_conflict()` to write, so a
save made on an old copy never overwrites someone else's change, whether the other writer is a person, an
import or a sync. Writers that change such a record without a form call `bump()` so open forms notice.

A stale write the service did not catch itself (a query's autoflush, the commit, a bulk path) is caught by
`db.engine.session_scope`, which turns it into the same `ConflictError` through `conflict_from_stale()`: no
StaleDataError ever reaches a page or the command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import audit
from db.errors import N_, ConflictError


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


# How a table's records are named in the conflict sentence (pages translate these words).
ENTITY_NAMES = {
    "budget_plan": N_("budget plan"),
    "budget_change": N_("budget change"),
    "conversion_definition": N_("conversion definition"),
    "ad_account": N_("ad account"),
    "ad_set": N_("ad set"),
    "user_account": N_("user"),
    "alert_recipient": N_("alert preferences"),
    "fx_rate": N_("FX rate"),
    "period_close": N_("period close"),
}
_STALE_TABLE = re.compile(r"on table '([^']+)'")
PENDING = "pantau_pending_versions"


@event.listens_for(Session, "before_flush")
def _remember_versions(session: Session, _context: Any, _instances: Any) -> None:
    """Before each flush: the versioned records it writes and the version each was read at, so a stale write
    (known only after the flush failed and the session forgot its changes) can be named."""
    pending = []
    for obj in (*session.dirty, *session.deleted):
        state = inspect(obj)
        version = state.committed_state.get("version_id", state.dict.get("version_id"))
        if state.identity and version is not None and hasattr(type(obj), "__table__"):
            pending.append((type(obj), state.identity, version))
    session.info[PENDING] = pending


def conflict_from_stale(session: Session, exc: StaleDataError) -> ConflictError:
    """The ConflictError for a StaleDataError raised by `session`'s flush: names the record it was writing (of
    the records on the table the error names, the one whose saved version is no longer the one this session
    read) and what is saved now. Rolls the session back."""
    found = _STALE_TABLE.search(str(exc))
    table = found.group(1) if found else None
    candidates = [c for c in session.info.get(PENDING, ()) if c[0].__table__.name == table]
    session.rollback()
    entity = ENTITY_NAMES.get(table or "", table or N_("record"))
    for model, identity, version in candidates:
        saved = session.scalar(select(model.version_id).filter_by(**_key(model, identity)))
        if saved != version:
            entity_id = identity[0] if len(identity) == 1 else "/".join(str(part) for part in identity)
            latest = session.get(model, identity) if saved is not None else None
            return ConflictError(entity, entity_id, audit.snapshot(latest) if latest is not None else None)
    return ConflictError(entity, "?", None)


def _key(model: type, identity: tuple[Any, ...]) -> dict[str, Any]:
    columns: tuple[Any, ...] = tuple(inspect(model).primary_key)
    return {column.key: value for column, value in zip(columns, identity, strict=True)}
