"""Dialect-aware bulk upserts of daily insight rows (INSERT .. ON CONFLICT on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

# One statement object per table and dialect: SQLAlchemy then compiles it once, not once per page.
_statements: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


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
    get_key = itemgetter(*key)
    unique = {get_key(row): row for row in rows}
    if len(unique) < len(rows):
        rows = list(unique.values())
    table = model.__table__
    columns = tuple(c for c in rows[0] if c not in key)
    cache_key = (session.get_bind().dialect.name, table.name, tuple(key), columns)
    stmt = _statements.get(cache_key)
    if stmt is None:
        stmt = _insert(session)(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in key], set_={c: stmt.excluded[c] for c in columns}
        )
        _statements[cache_key] = stmt
    session.execute(stmt, rows)
