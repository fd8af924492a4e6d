"""Named locks between processes and hosts: one sync per account at a time, one schema migration at a time, one
import of the same data at a time (`write_turn`, held by a unit of work until it commits or rolls back).

`named_lock(name)` holds a lock for the length of a `with` block, on whichever database `url` names:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own, keyed by a
  stable 64-bit hash of the database's schema and the name. The server drops it when that connection ends, so
  a killed process never leaves it behind.
- SQLite: an OS file lock (`filelock`, `flock(2)`) on a file in `<database>.locks/` next to the database file.
  The kernel releases it when the holding process ends, so a killed process never leaves it behind either.

A second holder waits up to `wait` seconds (default `PANTAU_LOCK_WAIT_SECONDS`, 60), polling, then gets a
`LockBusy` naming who holds the lock, since when and from which host: the holder writes those into the
`lock_holder` table (information only, the lock itself is the advisory or file lock above) when `record=True`.
The schema lock passes `record=False`: the table may not exist yet.

`write_turn(session, name)` is the same idea for one unit of work that replaces rows another may be replacing
at the same moment (two imports of one shop's promo sales): it waits its turn and keeps it until the session's
transaction ends, so the second import reads what the first saved and replaces it, instead of failing on the
rows the first inserted. PostgreSQL: a transaction-level advisory lock (`pg_try_advisory_xact_lock`, released by
the commit or rollback). SQLite: the session's transaction becomes the database's one write transaction at once
(`BEGIN IMMEDIATE`, waiting up to the busy timeout), so what it reads next is what the other import committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from sqlalchemy import delete, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.config import env
from db.engine import _sqlite_file, get_engine, session_scope
from db.errors import N_, DomainError
from db.types import utcnow

WAIT_SETTING = "PANTAU_LOCK_WAIT_SECONDS"
DEFAULT_WAIT = 60.0
POLL_SECONDS = 0.1
_local_locks: dict[str, threading.Lock] = {}  # in-memory SQLite: one process, so a process lock is enough
_local_guard = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: the person or command, the host and process, and since when (UTC)."""

    who: str | None
    host: str | None
    pid: int | None
    since: dt.datetime | None


class LockBusy(DomainError):
    """The lock stayed taken for the whole waiting time; `holder` says by whom (None when unknown)."""

    def __init__(self, name: str, holder: Holder | None, waited: float):
        self.name = name
        self.holder = holder
        self.waited = waited
        super().__init__(
            N_("{name} is in use by {who} on {host}; waited {seconds} s."),
            name=name,
            who=(holder.who if holder else None) or "?",
            host=(holder.host if holder else None) or "?",
            seconds=f"{waited:.0f}",
        )


TURN_BUSY = N_(
    "{what} is being saved by someone else right now; nothing was saved after waiting {seconds} s. Try again in a "
    "moment."
)


class TurnBusy(DomainError):
    """Another unit of work kept its `write_turn` for the whole waiting time."""


def write_turn(session: Session, name: str, what: object, wait: float | None = None) -> None:
    """Wait until no other unit of work holds the turn `name`, then hold it until this session's transaction
    ends (commit or rollback); `TurnBusy` (saying `what`) after `wait` seconds (`PANTAU_LOCK_WAIT_SECONDS`).
    Call it before reading the rows the unit of work will replace. See the module docstring."""
    wait = wait_seconds() if wait is None else max(0.0, wait)
    started = time.monotonic()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        key = _pg_key(connection, name)
        for _ in _deadline_loop(wait):
            if connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}).scalar_one():
                return
        raise TurnBusy(TURN_BUSY, what=what, seconds=f"{time.monotonic() - started:.0f}")
    dbapi = connection.connection.dbapi_connection
    if dbapi is None or dbapi.in_transaction:
        return  # it has written already: it holds SQLite's one write lock until it ends
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits for the other writer up to the busy timeout
    except OperationalError:
        raise TurnBusy(TURN_BUSY, what=what, seconds=f"{time.monotonic() - started:.0f}") from None


def wait_seconds(default: float = DEFAULT_WAIT) -> float:
    """The configured waiting time for a taken lock (`PANTAU_LOCK_WAIT_SECONDS`), `default` when unset."""
    raw = env(WAIT_SETTING)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DomainError(
            N_("{setting} must be a number of seconds, not {value}."), setting=WAIT_SETTING, value=raw
        ) from None
    return max(0.0, value)


def _pg_key(conn: Connection, name: str) -> int:
    """The advisory lock key of `name` in this database and schema (two workspaces on one server never meet)."""
    schema = conn.execute(text("SELECT current_database() || '/' || coalesce(current_schema(), '')")).scalar_one()
    return lock_key(f"{schema}/{name}")


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (the same in every process and Python version)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def current_holder(name: str, url: str | None = None) -> Holder | None:
    """What the holder of `name` recorded, if anyone did."""
    from db.models import LockHolder

    with session_scope(url) as session:
        row = session.scalar(select(LockHolder).where(LockHolder.name == name))
        if row is None:
            return None
        return Holder(row.holder, row.host, row.pid, row.since)


def _record(name: str, url: str | None, who: str | None) -> None:
    from db.models import LockHolder

    with session_scope(url) as session:
        session.execute(delete(LockHolder).where(LockHolder.name == name))
        session.add(LockHolder(name=name, holder=who, host=socket.gethostname(), pid=os.getpid(), since=utcnow()))


def _forget(name: str, url: str | None) -> None:
    from db.models import LockHolder

    with session_scope(url) as session:
        session.execute(
            delete(LockHolder).where(
                LockHolder.name == name, LockHolder.host == socket.gethostname(), LockHolder.pid == os.getpid()
            )
        )


def _deadline_loop(wait: float) -> Iterator[None]:
    """Yields once, then again every POLL_SECONDS until `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    yield
    while time.monotonic() < deadline:
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        yield


@contextmanager
def _pg_lock(conn: Connection, name: str, wait: float) -> Iterator[bool]:
    key = _pg_key(conn, name)
    taken = False
    for _ in _deadline_loop(wait):
        if conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar_one():
            taken = True
            break
    try:
        yield taken
    finally:
        if taken:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def lock_file(url: str, name: str) -> Path | None:
    """The file SQLite's lock `name` is taken on (None for an in-memory database)."""
    path = _sqlite_file(url)
    if path is None:
        return None
    return path.with_name(path.name + ".locks") / f"{lock_key(name) & 0xFFFFFFFFFFFFFFFF:016x}.lock"


@contextmanager
def _sqlite_lock(url: str, name: str, wait: float) -> Iterator[bool]:
    path = lock_file(url, name)
    if path is None:
        with _local_guard:
            local = _local_locks.setdefault(f"{url}|{name}", threading.Lock())
        taken = local.acquire(timeout=wait) if wait > 0 else local.acquire(blocking=False)
        try:
            yield taken
        finally:
            if taken:
                local.release()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), thread_local=False)
    try:
        lock.acquire(timeout=wait, poll_interval=POLL_SECONDS)
    except FileLockTimeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextmanager
def named_lock(
    name: str,
    *,
    url: str | None = None,
    wait: float | None = None,
    who: str | None = None,
    record: bool = True,
) -> Iterator[None]:
    """Hold the lock `name` on the database `url` for the block; LockBusy after waiting `wait` seconds.

    `who` (an email or "cli") is recorded with the host, process and time for whoever finds the lock taken.
    """
    from db.config import database_url

    url = url or database_url()
    wait = wait_seconds() if wait is None else max(0.0, wait)
    started = time.monotonic()
    if make_url(url).get_backend_name() == "postgresql":
        with get_engine(url).connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            with _pg_lock(conn, name, wait) as taken:
                yield from _held(name, url, who, record, taken, started)
        return
    with _sqlite_lock(url, name, wait) as taken:
        yield from _held(name, url, who, record, taken, started)


def _held(name: str, url: str, who: str | None, record: bool, taken: bool, started: float) -> Iterator[None]:
    if not taken:
        raise LockBusy(name, current_holder(name, url) if record else None, time.monotonic() - started)
    if record:
        _record(name, url, who)
    try:
        yield
    finally:
        if record:
            _forget(name, url)
