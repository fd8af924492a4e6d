"""Reads that run beside a session: a page's independent scans started at once, each on a connection of its own,
so a page waits for its longest scan instead of their sum (the database works on both cores).

A read leaves the caller's session only when that session has written nothing another connection could not
see: its pending changes are flushed first, and a session whose transaction holds writes (SQLite: an open write
transaction; PostgreSQL: a transaction id assigned) runs the read on its own connection, at once, as before. So
the rows are those the session would read itself. The reads take their connections from a pool of their own
(`db.engine.reader_engine`): a page waiting for its reads holds its session's connection, and pages waiting on
one shared pool could hold all of it. In-memory SQLite (each connection its own database), sessions
bound to a connection and other databases read on the session too.

On SQLite the rows come back in one step as a JSON array (`json_group_array`): the scan then runs without the
GIL from start to end instead of handing it back and forth with the page's thread for every row, which made two
threads slower than one (bench/pages_bench.py, docs/budgets.md). Either way the values are as stored (no
result processing: money through `Money.stored`, SQLite dates as ISO text), the same on both paths.

`alongside(session, fn, ...)` is the same idea for a whole read function (one that takes a session and only
reads): it runs `fn` on a session of its own on another thread under the same conditions, else on the caller's
session at once. The Campaigns page reads its table so while its pacing column is worked out (`budgets.
campaign_page`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.orm import Session

from db.engine import reader_engine

_WORKERS = 4  # a page starts at most two reads beside it; the pages of one process share the pool
# Two pools: statements (`beside`) and whole read functions (`alongside`). A function may start `beside` reads and
# wait for them, which on the same pool could leave every worker waiting for a read queued behind it.
_STATEMENTS, _FUNCTIONS = "pantau-read", "pantau-read-fn"
_pools: dict[str, ThreadPoolExecutor] = {}
_pool_lock = threading.Lock()
T = TypeVar("T")


def _executor(name: str = _STATEMENTS) -> ThreadPoolExecutor:
    with _pool_lock:
        pool = _pools.get(name)
        if pool is None:
            pool = _pools[name] = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix=name)
        return pool


def has_written(session: Session) -> bool:
    """Whether the session's transaction holds writes another connection cannot see yet (after a flush of its
    pending changes). Databases this module does not know count as written: their reads stay on the session."""
    session.flush()
    if not session.in_transaction():
        return False
    connection = session.connection()
    name = connection.dialect.name
    if name == "sqlite":
        return bool(connection.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]
    if name == "postgresql":
        return connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()").scalar() is not None
    return True


def _separate(engine: Engine) -> bool:
    """Whether another connection of `engine` sees the same database (not so for in-memory SQLite)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return bool(url.database) and url.database != ":memory:" and "mode=memory" not in str(url)
    return url.get_backend_name() == "postgresql"


def _run(connection: Connection, stmt: Select[Any], params: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    """The rows of `stmt` as stored: on SQLite packed into one JSON array by the database and unpacked here."""
    if connection.dialect.name != "sqlite":
        return [tuple(row) for row in connection.execute(stmt, params)]
    inner = stmt.subquery()
    packed = select(func.json_group_array(func.json_array(*inner.c))).select_from(inner)
    return [tuple(row) for row in json.loads(connection.execute(packed, params).scalar_one())]


def _fetch(engine: Engine, stmt: Select[Any], params: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return _run(connection, stmt, params)


def beside(session: Session, stmt: Select[Any], params: dict[str, Any] | None = None) -> Future[list[tuple[Any, ...]]]:
    """Start `stmt` (a select of plain columns) now and return its rows later (`.result()`, tuples of stored
    values): on a connection of its own when the session has written nothing (module docstring), else on the
    session's connection at once."""
    engine = session.get_bind()
    if isinstance(engine, Engine) and _separate(engine) and not has_written(session):
        return _executor().submit(_fetch, reader_engine(engine), stmt, params)
    done: Future[list[tuple[Any, ...]]] = Future()
    session.flush()
    done.set_result(_run(session.connection(), stmt, params))
    return done


def _in_own_session(engine: Engine, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    with Session(engine, expire_on_commit=False) as own:
        try:
            return fn(own, *args, **kwargs)
        finally:
            own.rollback()  # a read: nothing to keep


def alongside(session: Session, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """Start `fn(a_session, *args, **kwargs)`, a function that only reads, and return its result later
    (`.result()`): on a session of its own on another thread when the caller's session has written nothing
    (module docstring; that session sees the same committed rows), else on the caller's session at once."""
    engine = session.get_bind()
    if isinstance(engine, Engine) and _separate(engine) and not has_written(session):
        return _executor(_FUNCTIONS).submit(_in_own_session, reader_engine(engine), fn, args, kwargs)
    done: Future[T] = Future()
    try:
        done.set_result(fn(session, *args, **kwargs))
    except Exception as exc:  # raised by `.result()`, as from the other thread
        done.set_exception(exc)
    return done
