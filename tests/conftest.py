"""Test fixtures: a real database per test (a SQLite file, and PostgreSQL when TEST_DATABASE_URL is
set, each test in a schema of its own), the demo workspace, and the app under AppTest."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from db.engine import dispose_engines

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
        )
    )
    return params


@pytest.fixture(autouse=True)
def _no_default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets to ask for a database never touches data/pantau.db; a developer's kept copy of the
    ECB reference rates (data/fx/) never changes a result: tests read the copy bundled with the package."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unrequested.db'}")
    monkeypatch.setenv("PANTAU_FX_REFERENCE_FILE", str(tmp_path / "no-kept-copy" / "eurofxref-hist.zip"))


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database; DATABASE_URL points at it for the test's duration."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'pantau.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        dispose_engines()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = (
        make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    )
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """A database upgraded to the newest schema."""
    from migrations.migrate import upgrade

    upgrade(database_url)
    return database_url


@pytest.fixture
def session(migrated_url: str):
    """A session on the migrated database, committed at the end of the test."""
    from db.engine import session_scope

    with session_scope(migrated_url) as s:
        yield s


@pytest.fixture
def demo_url(migrated_url: str) -> str:
    """A database holding the demo workspace."""
    from db.engine import session_scope
    from db.roles import CLI_ACTOR
    from demo.workspace import load_demo

    with session_scope(migrated_url) as s:
        load_demo(s, CLI_ACTOR)
    return migrated_url


@pytest.fixture
def app_test():
    """A factory for AppTest runs through streamlit_app.py."""
    from streamlit.testing.v1 import AppTest

    def make(timeout: float = 30) -> AppTest:
        # A generous floor: on a loaded 2-core CI machine a script run can take far longer than on a laptop;
        # the timeout only guards against hangs, it is not a speed assertion.
        return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=max(timeout, 180))

    return make
