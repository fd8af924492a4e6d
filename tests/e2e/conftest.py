"""Real-browser test infrastructure: a Streamlit server on a free loopback port with its own SQLite file and
secrets, an OIDC identity provider (oidc-provider-mock) on loopback, and Debian's chromium via Playwright.

Reuse: `start_streamlit(tmp_dir, secrets=..., env=...)` as a context manager, the `browser` fixture, and
`sign_in(page, app_url, email)` / `sign_out(page)` for the mock provider's login form.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not become healthy in {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


@dataclass
class StreamlitServer:
    url: str  # what the browser opens (http://localhost:PORT)
    port: int
    database_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_secrets(path: Path, secrets: dict) -> Path:
    """A secrets.toml from a dict of top-level values and sections (one level of tables)."""
    lines = [f"{k} = {toml_value(v)}" for k, v in secrets.items() if not isinstance(v, dict)]
    for section, values in secrets.items():
        if isinstance(values, dict):
            lines.append(f"\n[{section}]")
            lines.extend(f"{k} = {toml_value(v)}" for k, v in values.items())
    path.write_text("\n".join(lines) + "\n")
    return path


@contextmanager
def start_streamlit(
    tmp_dir: Path,
    *,
    secrets: dict | None = None,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[StreamlitServer]:
    """Run `streamlit run streamlit_app.py` on 127.0.0.1 with its own SQLite file and secrets file."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    database_url = f"sqlite:///{tmp_dir / 'pantau.db'}"
    secrets_file = write_secrets(tmp_dir / "secrets.toml", secrets or {})
    log = tmp_dir / "streamlit.log"
    child_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FB_", "PANTAU_", "STREAMLIT_")) and k != "DATABASE_URL"
    }
    child_env.update({"DATABASE_URL": database_url, "AUTHLIB_INSECURE_TRANSPORT": "1", **(env or {})})
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--secrets.files",
        str(secrets_file),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT)
    server = StreamlitServer(url=f"http://localhost:{port}", port=port, database_url=database_url, log=log)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on loopback; its login form takes any subject, whose `email` claim is the subject."""
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


def auth_secrets(app_port: int, provider_url: str) -> dict:
    """The `[auth]` section for an app on `app_port` signing in through `provider_url`."""
    return {
        "auth": {
            "redirect_uri": f"http://localhost:{app_port}/oauth2callback",
            "cookie_secret": "e2e-cookie-secret-long-enough-for-hmac-0123456789",
            "client_id": "pantau-e2e",
            "client_secret": "pantau-e2e-secret",
            "server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
        }
    }


def seed_users(database_url: str, users: dict[str, str]) -> None:
    """Create the schema and users (email -> role) before the server starts."""
    from db.engine import dispose_engines, session_scope
    from db.roles import CLI_ACTOR
    from db.users import add_user
    from migrations.migrate import upgrade

    upgrade(database_url)
    with session_scope(database_url) as s:
        for email, role in users.items():
            add_user(s, CLI_ACTOR, email, role)
    dispose_engines()


def sidebar_pages(page) -> list[str]:
    """The page titles in the sidebar menu."""
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for()
    # Each link's text is the material icon's name, then the title.
    return [text.strip().splitlines()[-1].strip() for text in nav.get_by_role("link").all_inner_texts()]


def sign_in(page, app_url: str, email: str) -> None:
    """Open the app, press Sign in, and authorise `email` on the mock provider's form."""
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(f"Signed in as {email}").wait_for()


def sign_out(page) -> None:
    """Press Sign out in the sidebar and confirm on the provider's end-session page."""
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    end_session = page.get_by_role("button", name="End session")
    end_session.wait_for()
    end_session.click()


@contextmanager
def demo_streamlit(tmp_dir: Path) -> Iterator[StreamlitServer]:
    """`start_streamlit` on a migrated SQLite file holding the demo workspace of today (Asia/Jakarta)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from db.engine import dispose_engines, session_scope
    from db.roles import CLI_ACTOR
    from demo.workspace import load_demo
    from migrations.migrate import upgrade

    tmp_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{tmp_dir / 'pantau.db'}"
    upgrade(database_url)
    with session_scope(database_url) as session:
        load_demo(session, CLI_ACTOR, today=dt.datetime.now(ZoneInfo("Asia/Jakarta")).date())
    dispose_engines()
    with start_streamlit(tmp_dir) as server:
        yield server
