"""Offline: no page asks any outside host for anything. A real browser opens every page of the demo workspace
(local mode: the admin sees them all) and records every request it makes; each must go to loopback, and the
page icon is the app's own PNG (never an emoji turned into an outside image)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from pages.components.navigation import PAGES
from tests.e2e.conftest import ROOT, start_streamlit

pytestmark = pytest.mark.e2e

LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
SLOW = 60_000


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from db.engine import dispose_engines, session_scope
    from db.roles import CLI_ACTOR
    from demo.workspace import load_demo
    from migrations.migrate import upgrade

    tmp = tmp_path_factory.mktemp("offline")
    url = f"sqlite:///{tmp / 'pantau.db'}"
    upgrade(url)
    with session_scope(url) as session:
        load_demo(session, CLI_ACTOR, today=dt.date.today() - dt.timedelta(days=1))
    dispose_engines()
    with start_streamlit(tmp) as server:
        yield server


def _outside(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return False
    host = (parsed.hostname or "").lower()
    return host not in LOOPBACK and not host.endswith(".localhost")


def test_no_page_asks_an_outside_host_for_anything(app, page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(app.url)
    page.get_by_role("heading", name="Overview").wait_for(timeout=SLOW)
    for spec in PAGES:
        page.goto(f"{app.url}/{spec.url_path}")
        page.get_by_test_id("stMain").wait_for(timeout=SLOW)
        page.wait_for_load_state("networkidle", timeout=SLOW)
        # Let the page finish its run (charts, icons) before moving on.
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=SLOW)
        page.wait_for_timeout(500)
        assert "no access" not in page.get_by_test_id("stMain").inner_text().lower(), spec.url_path
    assert requests, "the browser recorded no request at all"
    outside = sorted({url for url in requests if _outside(url)})
    assert outside == [], outside
    icons = page.evaluate("() => Array.from(document.querySelectorAll('link[rel~=icon]')).map(l => l.href)")
    assert icons, "the page has no icon"
    assert not [href for href in icons if _outside(href)], icons
    # The icon is the app's own PNG, served by the app itself.
    served = page.request.get(icons[0])
    assert served.ok, icons[0]
    assert served.body() == (ROOT / "assets" / "pantau-icon.png").read_bytes()
