"""Schema migrations: upgrade to head (Alembic) under the schema lock, and the cheap "is it current?" check.

Two processes started at once on a fresh database (two cron commands, a command and the app) would both create
the tables; the second failed with "table ad_account already exists". `upgrade()` therefore holds the schema
lock (db/locks.py: an advisory lock on PostgreSQL, a file lock next to the SQLite file) and looks at the
revision again once it has it: the second process finds the schema current and does nothing.
"""

from __future__ import annotations

import threading

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.config import ROOT, database_url
from db.engine import get_engine
from db.locks import named_lock, wait_seconds

SCHEMA_LOCK = "schema"
SCHEMA_WAIT = 600.0  # a long migration of a big workspace must not make a second command give up
_done: set[str] = set()
_lock = threading.Lock()


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations and `url`."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["url"] = url or database_url()
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("No migration head found under migrations/versions.")
    return head


def current_revision(url: str | None = None) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str | None = None) -> str | None:
    """Create or migrate the schema to the newest revision, one process at a time (the schema lock).

    Returns the revision it started from when it migrated (None: empty database), or the head revision when
    the schema was already current (another process may have just migrated it)."""
    url = url or database_url()
    with named_lock(SCHEMA_LOCK, url=url, wait=max(wait_seconds(), SCHEMA_WAIT), record=False):
        before = current_revision(url)
        if before != head_revision():
            command.upgrade(alembic_config(url), "head")
        return before


def ensure_schema(url: str | None = None) -> None:
    """Upgrade once per process and URL, only when the database is behind."""
    url = url or database_url()
    if url in _done:
        return
    with _lock:
        if url in _done:
            return
        if current_revision(url) != head_revision():
            upgrade(url)
        _done.add(url)
