"""Dialect-aware bulk upserts of daily insight rows (INSERT .. ON CONFLICT on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session


def _insert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"upserts are not implemented for {name}")
    return insert


def upsert_rows(session: Session, model: Any, key: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `model`'s table, updating every other column when `key` already exists.

    Rows repeated within one call (a range read twice after a split) keep the last values.
    """
    if not rows:
        return
    unique: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        unique[tuple(row[k] for k in key)] = row
    rows = list(unique.values())
    insert = _insert(session)
    table = model.__table__
    stmt = insert(table)
    columns = [c for c in rows[0] if c not in key]
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in key], set_={c: stmt.excluded[c] for c in columns}
    )
    session.execute(stmt, rows)
