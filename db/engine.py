"""Engine and sessions: one engine per URL, SQLite tuned for a small team, one `session_scope()`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from db import text, versioning  # noqa: F401 - their before_flush hooks: text is clean, stale records named
from db.config import ROOT, database_url

_engines: dict[str, tuple[Engine, sessionmaker]] = {}
_readers: dict[str, Engine] = {}
_lock = threading.Lock()
READER_CONNECTIONS = 8  # db.reads: its two pools of four threads each hold at most one connection


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return path if path.is_absolute() else ROOT / path


def make_engine(url: str, **pool: Any) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys and a busy timeout. `pool`: the connection pool's
    settings (`pool_size`, `max_overflow`, `pool_timeout`), SQLAlchemy's defaults when not given."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            parsed = parsed.set(database=str(path))
        engine = create_engine(parsed, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: object) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(parsed, pool_pre_ping=True, **pool)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: `DATABASE_URL`)."""
    return _cached(url)[0]


def _cached(url: str | None) -> tuple[Engine, sessionmaker]:
    url = url or database_url()
    with _lock:
        pair = _engines.get(url)
        if pair is None:
            engine = make_engine(url)
            pair = (engine, sessionmaker(engine, expire_on_commit=False))
            _engines[url] = pair
        return pair


def reader_engine(engine: Engine) -> Engine:
    """The engine the reads beside a session use (`db.reads`): the same database as `engine`, with a pool of its
    own. A page holds its session's connection while it waits for those reads; sharing one pool, twenty pages at
    once could hold every connection while their reads wait for one (SQLAlchemy's TimeoutError after 30 s)."""
    url = engine.url.render_as_string(hide_password=False)
    with _lock:
        reader = _readers.get(url)
        if reader is None:
            reader = _readers[url] = make_engine(url, pool_size=READER_CONNECTIONS, max_overflow=0)
        return reader


def dispose_engines() -> None:
    """Close every cached engine (tests, forks)."""
    with _lock:
        for engine, _factory in _engines.values():
            engine.dispose()
        _engines.clear()
        for reader in _readers.values():
            reader.dispose()
        _readers.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    A save that lost a race with another session (StaleDataError, from a flush, an autoflush or the commit)
    leaves as `db.errors.ConflictError` naming the record, like the services' own version checks."""
    session = _cached(url)[1]()
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        from db.versioning import conflict_from_stale

        raise conflict_from_stale(session, exc) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A part of the session's unit of work that can fail alone (SAVEPOINT; rolled back to on any error) and is
    committed or rolled back with the rest. Use it instead of `session.begin_nested()`.

    On SQLite the sqlite3 module opens a transaction only before a write, so a savepoint as the session's first
    write would stand alone and SQLite's RELEASE of it would commit: the row would stay when the unit of work is
    rolled back. The transaction is begun first (a deferred BEGIN, as sqlite3 itself would before the write)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield
