"""Bulk upserts of daily insight rows (INSERT .. ON CONFLICT DO UPDATE on SQLite and PostgreSQL).

The sync writes hundreds of thousands of rows per window, so this path skips SQLAlchemy's per-row
parameter handling: rows arrive as tuples in a fixed column order, are converted column by column
with the very bind processors SQLAlchemy would apply (so the stored values are identical: money as integers
scaled by 10^4 on SQLite and exact Decimals on PostgreSQL, `db.types.ScaledDecimal`; NaN, infinities and amounts
beyond the bound raise the same `StorageError` as the ORM, before anything reaches the driver), and go to
the driver in one call per page inside the caller's transaction:
- SQLite: multi-row `INSERT .. VALUES (..), (..) .. ON CONFLICT DO UPDATE`, up to 500 rows per
  statement (the driver caches the prepared statement per size; one step per statement, not per row);
- PostgreSQL: `COPY` into a temporary staging table, then one `INSERT .. SELECT .. ON CONFLICT DO
  UPDATE` per page (one statement instead of one per row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from json.encoder import (  # type: ignore[attr-defined]  # CPython's C encoder: not in typeshed
    c_make_encoder,
    encode_basestring_ascii,
)
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, delete, select
from sqlalchemy.orm import Session

from campaigns.models import AdSet, AdSetInsight, Campaign, CampaignInsight
from db.text import FROM_API, store_rows


def _memoized(process: Callable[[Any], Any] | None, column_type: Any) -> Callable[[Any], Any] | None:
    """Dates and the sync timestamp repeat on every row: convert each distinct value once."""
    try:
        python_type = getattr(column_type, "impl_instance", column_type).python_type  # through TypeDecorators
    except NotImplementedError:
        return process
    if process is None or not issubclass(python_type, dt.date):  # datetime is a date too
        return process
    return lru_cache(maxsize=4096)(process)


def _json_dumps() -> Callable[[Any], str]:
    """`json.dumps` with its default arguments, minus the per-call set-up (same text, built once).

    `json.dumps` builds a fresh C encoder on every call; the raw action lists are encoded twice per
    row, so one encoder is made here and reused. Falls back to `json.dumps` without the C accelerator.
    """
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return json.dumps
    encode = c_make_encoder(
        None, json.JSONEncoder().default, encode_basestring_ascii, None, ": ", ", ", False, False, True
    )

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


def _json_processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """A faster equivalent of SQLAlchemy's JSON bind processor when it would just call `json.dumps`."""
    impl = column_type.dialect_impl(dialect)
    if not isinstance(impl, JSON) or impl.none_as_null or dialect._json_serializer is not None:
        return None
    if impl._str_impl.bind_processor(dialect) is not None:  # pragma: no cover - not on SQLite or psycopg
        return None
    return _json_dumps()


class InsightUpsert:
    """One prepared upsert for one insight table, columns and dialect; `write(rows)` takes tuples."""

    def __init__(self, session: Session, model: Any, key: Sequence[str], columns: Sequence[str]) -> None:
        self.session = session
        self.table = model.__table__
        self.key = tuple(key)
        self.columns = tuple(columns)
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"key column(s) {missing} must be among the written columns")
        self.dialect = session.get_bind().dialect
        if self.dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover - the two supported databases
            raise NotImplementedError(f"upserts are not implemented for {self.dialect.name}")
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(self.columns):
            column_type = self.table.c[name].type
            process = column_type.dialect_impl(self.dialect).bind_processor(self.dialect)
            if process is not None:
                process = _json_processor(column_type, self.dialect) or _memoized(process, column_type)
            if process is not None:
                self.processors.append((index, process))
        self.key_of = itemgetter(*(self.columns.index(k) for k in self.key))
        quote = self.dialect.identifier_preparer.quote
        self._names = ", ".join(quote(c) for c in self.columns)
        self._conflict = ", ".join(quote(k) for k in self.key)
        self._updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in self.columns if c not in self.key)
        self._table = self.dialect.identifier_preparer.format_table(self.table)
        self._sqlite_sql: dict[int, str] = {}  # rows per statement -> SQL
        self._sqlite_rows = 0
        self._staging: str | None = None

    def bind_values(self, rows: list[tuple]) -> list[tuple]:
        """`rows` converted to what the driver receives (SQLAlchemy's own bind processors, column-wise)."""
        if not self.processors or not rows:
            return rows
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for index, process in self.processors:
            columns[index] = list(map(process, columns[index]))
        return list(zip(*columns, strict=True))

    def write(self, rows: list[tuple]) -> int:
        """Upsert `rows` (tuples in `columns` order); a key repeated in one call keeps its last row."""
        if not rows:
            return 0
        # The ORM's text rule (db/text.py) never sees these rows: the same rule, for rows.
        rows = store_rows(self.table, rows, self.columns, from_api=bool(self.session.info.get(FROM_API)))
        values = self.bind_values(rows)
        if self.dialect.name == "sqlite":
            self._write_sqlite(values)
        else:
            self._write_postgresql(values)
        return len(rows)

    def _write_sqlite(self, values: list[tuple]) -> None:
        """Multi-row VALUES, as many rows per statement as SQLite takes parameters (500 at most).

        One statement per chunk, not one step per row: the driver releases Python's lock once per
        statement instead of once per row, so the page reader thread cannot stall the writes row by row.
        Rows are inserted in order, so a key repeated in a chunk is inserted, then updated by its later row.
        """
        connection = self.session.connection()
        if not self._sqlite_rows:
            raw: Any = connection.connection.driver_connection  # sqlite3.Connection
            try:
                limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            except (AttributeError, sqlite3.Error):  # pragma: no cover - Python < 3.11
                limit = 999
            self._sqlite_rows = max(1, min(500, limit // len(self.columns)))
        step = self._sqlite_rows
        for start in range(0, len(values), step):
            chunk = values[start : start + step]
            sql = self._sqlite_sql.get(len(chunk))
            if sql is None:
                row = f"({', '.join('?' for _ in self.columns)})"
                sql = self._sqlite_sql[len(chunk)] = (
                    f"INSERT INTO {self._table} ({self._names}) VALUES {', '.join(row for _ in chunk)} "
                    f"ON CONFLICT ({self._conflict}) DO UPDATE SET {self._updates}"
                )
            connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))

    def _write_postgresql(self, values: list[tuple]) -> None:
        unique = {self.key_of(row): row for row in values}  # ON CONFLICT cannot touch one row twice
        if len(unique) < len(values):
            values = list(unique.values())
        driver: Any = self.session.connection().connection.driver_connection  # a psycopg connection
        cursor = driver.cursor()
        try:
            if self._staging is None:
                digest = hashlib.sha1(",".join(self.columns).encode()).hexdigest()[:8]
                self._staging = f"pantau_stage_{self.table.name}_{digest}"
                # Temporary: private to this connection, emptied at commit, gone on disconnect. Only the
                # written columns, with their types and no constraints or defaults (no id sequence use).
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {self._staging} ON COMMIT DELETE ROWS "
                    f"AS SELECT {self._names} FROM {self._table} WITH NO DATA"
                )
            cursor.execute(f"TRUNCATE {self._staging}")
            with cursor.copy(f"COPY {self._staging} ({self._names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {self._table} ({self._names}) SELECT {self._names} FROM {self._staging} "
                f"ON CONFLICT ({self._conflict}) DO UPDATE SET {self._updates}"
            )
        finally:
            cursor.close()


# One prepared upsert per session, table and column set (the sync builds its own; kept for other callers).
def upsert_rows(session: Session, model: Any, key: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts) into `model`'s table, updating every other column when `key` already exists.

    Rows repeated within one call (a range read twice after a split) keep the last values.
    """
    if not rows:
        return
    columns = tuple(rows[0])
    getter = itemgetter(*columns)
    values = [getter(row) for row in rows] if len(columns) > 1 else [(getter(row),) for row in rows]
    InsightUpsert(session, model, key, columns).write(values)


def drop_unreported(
    session: Session, account_id: int, source: str, since: dt.date, until: dt.date, stamp: dt.datetime
) -> int:
    """Delete one source's campaign and ad-set rows of an account inside the window that a successful read
    (stamped `stamp`) no longer returned: what the platform stopped reporting is gone here too."""
    campaign_ids = select(Campaign.id).where(Campaign.account_id == account_id)
    removed = cast(
        CursorResult[Any],
        session.execute(
            delete(CampaignInsight).where(
                CampaignInsight.date >= since,
                CampaignInsight.date <= until,
                CampaignInsight.source == source,
                CampaignInsight.synced_at < stamp,
                CampaignInsight.campaign_id.in_(campaign_ids),
            )
        ),
    ).rowcount
    ad_set_ids = select(AdSet.id).where(AdSet.campaign_id.in_(campaign_ids))
    removed += cast(
        CursorResult[Any],
        session.execute(
            delete(AdSetInsight).where(
                AdSetInsight.date >= since,
                AdSetInsight.date <= until,
                AdSetInsight.source == source,
                AdSetInsight.synced_at < stamp,
                AdSetInsight.ad_set_id.in_(ad_set_ids),
            )
        ),
    ).rowcount
    return removed or 0


def assign_changed(obj: Any, values: dict[str, Any]) -> None:
    """Set only the attributes whose value changed (an unchanged record is not dirtied), and always the sync
    stamp `last_synced_at`."""
    for key, value in values.items():
        if key == "last_synced_at" or getattr(obj, key) != value:
            setattr(obj, key, value)
