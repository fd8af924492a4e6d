"""Test fixtures: a real database per test (a SQLite file, and PostgreSQL when TEST_DATABASE_URL is set), copied
from templates migrated (and loaded with the demo) once per test session, and the app under AppTest."""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import make_url

from db.engine import dispose_engines

ROOT = Path(__file__).resolve().parent.parent
# Property tests check behaviour, not speed: no per-example deadline on a loaded 2-core machine.
hypothesis_settings.register_profile(
    "pantau", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("pantau")


def _apptest_work_once_per_session() -> None:
    """Two things every AppTest run redoes that cannot change during a test session, done once instead:
    - the scan of every installed distribution's metadata for Streamlit components (about a quarter of a second
      per new AppTest, most of a short page test); what AppTest registers is the same;
    - parsing, rewriting ("magic") and compiling each page script: AppTest makes a new script cache per run, where
      `streamlit run` keeps one per process; one shared cache (keyed by the script's path; AppTest.from_string
      names its files by their content's hash) behaves like the server."""
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined]


_apptest_work_once_per_session()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two workers (`-n 2 --dist worksteal`): each starts on its half of the tests in collection order and an idle one
    takes half of the other's queue from its end, so a long file no longer keeps one worker busy while the other
    idles (`--dist loadfile` sent whole files). Browser tests go first: the worker that gets them starts on them
    while the other takes the quick tests, and a browser module is only split when the other worker has nothing
    left, in which case each worker starts that module's server for its share (every browser test stands alone)."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)  # stable: order kept within each part


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


class Templates:
    """Databases built once per test session (per xdist worker) and copied per test: an empty migrated schema and
    the demo workspace. SQLite: a file copied with shutil; PostgreSQL: `CREATE DATABASE ... TEMPLATE ...`."""

    # PostgreSQL: a few databases per template are copied once and reset to the template's rows after each test
    # (TRUNCATE + INSERT from a seed schema inside the same database): dropping and creating a database per test
    # forces checkpoints and cost more than the tests themselves. Resets run in a background thread.
    SEED = "pantau_seed"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tag = uuid.uuid4().hex[:8]
        self._built: dict[tuple[str, str], str] = {}
        self._pg_databases: list[str] = []
        self._tables: dict[str, list[str]] = {}
        self._serials: dict[str, list[tuple[str, str]]] = {}
        self._free: dict[str, deque[Future]] = {}
        self._resetter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-reset")

    # -- SQLite ---------------------------------------------------------------------------------------------
    def sqlite_file(self, kind: str) -> Path:
        key = ("sqlite", kind)
        if key not in self._built:
            path = self.root / f"template-{kind}.db"
            if kind == "migrated":
                _migrate(f"sqlite:///{path}")
            else:
                shutil.copyfile(self.sqlite_file("migrated"), path)
                _load_demo(f"sqlite:///{path}")
            _checkpoint(f"sqlite:///{path}")
            self._built[key] = str(path)
        return Path(self._built[key])

    # -- PostgreSQL -----------------------------------------------------------------------------------------
    def pg_database(self, kind: str) -> str:
        key = ("postgresql", kind)
        if key not in self._built:
            name = f"pantau_tpl_{self.tag}_{kind}"
            if kind == "migrated":
                _admin_sql(f'CREATE DATABASE "{name}"')
                self._pg_databases.append(name)
                _migrate(_pg_url(name))
            else:
                _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_database("migrated")}"')
                self._pg_databases.append(name)
                _load_demo(_pg_url(name))
            dispose_engines()  # a template must have no open connections
            self._built[key] = name
        return self._built[key]

    def pg_copy(self, kind: str) -> str:
        """A database holding exactly the `kind` template's rows, for one test."""
        free = self._free.setdefault(kind, deque())
        while free:
            name = free.popleft().result()
            if name is not None:
                return name
        name = f"pantau_t_{self.tag}_{uuid.uuid4().hex[:8]}"
        _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_database(kind)}"')
        self._pg_databases.append(name)
        with sa.create_engine(_pg_url(name)).begin() as conn:
            tables = self._tables.setdefault(kind, _public_tables(conn))
            self._serials.setdefault(kind, _serial_columns(conn))
            conn.exec_driver_sql(f'CREATE SCHEMA "{self.SEED}"')
            for table in tables:
                conn.exec_driver_sql(f'CREATE TABLE "{self.SEED}"."{table}" AS TABLE public."{table}"')
        return name

    def pg_give_back(self, kind: str, name: str) -> None:
        self._free.setdefault(kind, deque()).append(self._resetter.submit(self._reset, kind, name))

    def _reset(self, kind: str, name: str) -> str | None:
        tables = self._tables[kind]
        engine = sa.create_engine(_pg_url(name), poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no FK checks while refilling
                for table in tables:  # DELETE, not TRUNCATE: small tables, and no new files to sync
                    conn.exec_driver_sql(f'DELETE FROM public."{table}"')
                for table in tables:
                    conn.exec_driver_sql(f'INSERT INTO public."{table}" SELECT * FROM "{self.SEED}"."{table}"')
                for table, column in self._serials[kind]:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', '{column}'), "
                        f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM public."{table}"'
                    )
        except sa.exc.DBAPIError:
            return None  # a test left a lock or changed the schema: this copy is not reused
        finally:
            engine.dispose()
        return name

    def drop(self) -> None:
        dispose_engines()
        self._resetter.shutdown(wait=True)
        for name in reversed(self._pg_databases):
            _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serial_columns(conn) -> list[tuple[str, str]]:
    """(table, column) of every column filled from a sequence (serial or identity)."""
    rows = conn.exec_driver_sql(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND (column_default LIKE 'nextval(%%' OR is_identity = 'YES') ORDER BY table_name"
    )
    return [(r[0], r[1]) for r in rows]


def _public_tables(conn) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version' ORDER BY table_name"
    )
    return [r[0] for r in rows]


def _pg_url(database: str) -> str:
    # Tests never need a commit to survive a power cut: not waiting for the WAL flush makes every commit cheap.
    url = make_url(PG_URL).set(database=database).update_query_dict({"options": "-c synchronous_commit=off"})
    return url.render_as_string(hide_password=False)


def _admin_sql(statement: str) -> None:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        admin.dispose()


def _migrate(url: str) -> None:
    from migrations.migrate import upgrade

    upgrade(url)


def _load_demo(url: str) -> None:
    from db.engine import session_scope
    from db.roles import CLI_ACTOR
    from demo.workspace import load_demo

    with session_scope(url) as s:
        load_demo(s, CLI_ACTOR)


def _checkpoint(url: str) -> None:
    """Fold the WAL into the database file so a plain file copy holds everything."""
    from db.engine import get_engine

    with get_engine(url).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dispose_engines()


@pytest.fixture(autouse=True)
def _fresh_page_caches() -> Iterator[None]:
    """Page caches are keyed by the database URL, and PostgreSQL copies are reused: no test sees another's."""
    yield
    import streamlit as st

    st.cache_data.clear()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    built = Templates(tmp_path_factory.mktemp("templates"))
    try:
        yield built
    finally:
        built.drop()


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database; DATABASE_URL points at it for the test's duration."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'pantau.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        dispose_engines()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _admin_sql(f'CREATE SCHEMA "{schema}"')
    url = (
        make_url(PG_URL)
        .update_query_dict({"options": f"-csearch_path={schema} -c synchronous_commit=off"})
        .render_as_string(hide_password=False)
    )
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        dispose_engines()
        _admin_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _copy_of(kind: str, backend: str, templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A database of its own for one test, copied from the session's template `kind`."""
    if backend == "sqlite":
        path = tmp_path / "pantau.db"
        shutil.copyfile(templates.sqlite_file(kind), path)
        url = f"sqlite:///{path}"
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
        dispose_engines()
        return
    name = templates.pg_copy(kind)
    url = _pg_url(name)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        dispose_engines()
        templates.pg_give_back(kind, name)


@pytest.fixture
def migrated_url(backend: str, templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database at the newest schema (a copy of the session's migrated template)."""
    yield from _copy_of("migrated", backend, templates, tmp_path, monkeypatch)


@pytest.fixture
def session(migrated_url: str):
    """A session on the migrated database, committed at the end of the test."""
    from db.engine import session_scope

    with session_scope(migrated_url) as s:
        yield s


@pytest.fixture
def demo_url(backend: str, templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database holding the demo workspace (a copy of the session's demo template)."""
    yield from _copy_of("demo", backend, templates, tmp_path, monkeypatch)


@pytest.fixture
def app_test():
    """A factory for AppTest runs through streamlit_app.py."""
    from streamlit.testing.v1 import AppTest

    def make(timeout: float = 30) -> AppTest:
        # A generous floor: on a loaded 2-core CI machine a script run can take far longer than on a laptop;
        # the timeout only guards against hangs, it is not a speed assertion.
        return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=max(timeout, 180))

    return make
