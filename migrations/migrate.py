"""Schema migrations: upgrade to head (Alembic) and the cheap "is it current?" check."""

from __future__ import annotations

import threading

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.config import ROOT, database_url
from db.engine import get_engine

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


def upgrade(url: str | None = None) -> None:
    """Create or migrate the schema to the newest revision."""
    command.upgrade(alembic_config(url), "head")


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
