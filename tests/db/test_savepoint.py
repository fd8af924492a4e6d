"""db.engine.savepoint: a part of a unit of work that can fail alone, and is undone with the whole unit of work.

On SQLite a bare `session.begin_nested()` as the first write of a session opens no transaction around it (the
sqlite3 module begins one only before an INSERT/UPDATE/DELETE), and SQLite's RELEASE of that outermost savepoint
commits: the row would stay when the rest of the work is rolled back. These tests hold the rule on both databases,
and a scan keeps every savepoint of the domain packages going through the one helper."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import savepoint, session_scope
from db.models import Setting

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("db", "campaigns", "influencers", "budgets", "finance", "demo", "automation", "pages")


def _keys(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.scalars(select(Setting.key).where(Setting.key.like("savepoint_%"))))


def _fails_after(url: str, work: Callable[[Session], None]) -> None:
    with session_scope(url) as s:
        work(s)
        raise RuntimeError("the rest of the work failed")


def test_a_savepoint_is_rolled_back_with_its_unit_of_work(migrated_url: str) -> None:
    def work(s: Session) -> None:
        with savepoint(s):
            s.add(Setting(key="savepoint_first", value="1"))
        s.add(Setting(key="savepoint_second", value="2"))
        s.flush()

    with pytest.raises(RuntimeError):
        _fails_after(migrated_url, work)
    assert _keys(migrated_url) == set()


def test_a_failed_savepoint_leaves_the_rest_of_the_unit_of_work(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        s.add(Setting(key="savepoint_kept", value="1"))
    with session_scope(migrated_url) as s:
        with savepoint(s):
            s.add(Setting(key="savepoint_before", value="1"))
        with pytest.raises(IntegrityError), savepoint(s):
            s.add(Setting(key="savepoint_kept", value="again"))  # the same primary key
        s.add(Setting(key="savepoint_after", value="1"))
    assert _keys(migrated_url) == {"savepoint_kept", "savepoint_before", "savepoint_after"}


def test_nested_savepoints_are_rolled_back_with_their_unit_of_work(migrated_url: str) -> None:
    def work(s: Session) -> None:
        with savepoint(s), savepoint(s):
            s.add(Setting(key="savepoint_inner", value="1"))

    with pytest.raises(RuntimeError):
        _fails_after(migrated_url, work)
    assert _keys(migrated_url) == set()


def test_every_savepoint_goes_through_the_helper() -> None:
    bare = re.compile(r"\bbegin_nested\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in DOMAIN
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "db" / "engine.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert not found, "use db.engine.savepoint(session) instead of session.begin_nested():\n" + "\n".join(found)
