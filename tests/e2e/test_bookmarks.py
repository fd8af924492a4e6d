"""Bookmarked page addresses open their page in a real browser: `/overview` (the Overview is the default page,
which Streamlit serves at `/` only) shows the Overview without Streamlit's English "Page not found" dialog, and a
role asking for a page it may not open by URL still reads the no-access words; signed out, a bookmark shows the
sign-in screen, again without the dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import auth_secrets, demo_streamlit, free_port, seed_users, sign_in, start_streamlit
from tests.e2e.screenshots import still

pytestmark = pytest.mark.e2e
SLOW = 60_000
NOT_FOUND = "Page not found"


def _warm(page: Page, url: str) -> None:
    """The server's first script run opens the root address. Streamlit runs the very first script run of a
    process in its old pages-folder mode (Pantau's code lives in a `pages` package), which knows no page but the
    root and shows the dialog for any other address once; `st.navigation` ends that mode for the process. See
    docs/deployment.md (the script health check makes that first run at start)."""
    page.goto(url)
    page.get_by_test_id("stSidebarNav").or_(page.get_by_role("button", name="Sign in")).first.wait_for(timeout=SLOW)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, browser):
    with demo_streamlit(tmp_path_factory.mktemp("bookmarks")) as server:
        page = browser.new_page()
        try:
            _warm(page, server.url)
        finally:
            page.close()
        yield server


def _no_not_found_dialog(page: Page) -> None:
    still(page)
    page.wait_for_timeout(1000)  # the dialog comes with the first run's messages; give it time to show
    assert page.get_by_text(NOT_FOUND).count() == 0
    assert page.get_by_role("dialog").count() == 0


def test_bookmarked_overview_opens_the_overview(demo_app, page) -> None:
    page.goto(f"{demo_app.url}/overview")
    expect(page.get_by_role("heading", name="Overview", exact=True).first).to_be_visible(timeout=SLOW)
    _no_not_found_dialog(page)
    # The menu marks the Overview as the page shown, as when it is opened at the root address.
    current = page.get_by_test_id("stSidebarNav").locator("a[aria-current='page']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Overview")


def test_bookmarked_overview_in_bahasa(demo_app, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(SLOW)
    page = context.new_page()
    try:
        page.goto(f"{demo_app.url}/overview")
        expect(page.get_by_role("heading", name="Ringkasan", exact=True).first).to_be_visible(timeout=SLOW)
        _no_not_found_dialog(page)
    finally:
        context.close()


def test_bookmarked_pages_keep_the_role_rules(tmp_path, oidc_provider, page) -> None:
    port = free_port()
    seed_users(f"sqlite:///{tmp_path / 'pantau.db'}", {"sami.specialist@example.com": "specialist"})
    with start_streamlit(tmp_path, secrets=auth_secrets(port, oidc_provider), port=port) as server:
        _warm(page, server.url)
        for address in ("overview", "campaigns"):  # a bookmark opened signed out: the sign-in screen, no dialog
            page.goto(f"{server.url}/{address}")
            page.get_by_role("button", name="Sign in").wait_for()
            _no_not_found_dialog(page)
        sign_in(page, server.url, "sami.specialist@example.com")
        page.goto(f"{server.url}/overview")
        expect(page.get_by_role("heading", name="Overview", exact=True).first).to_be_visible(timeout=SLOW)
        _no_not_found_dialog(page)
        page.goto(f"{server.url}/settings")  # not for a specialist: refused in words, as before
        page.get_by_text("No access: this page is not permitted for your role.").wait_for()
        assert page.get_by_role("heading", name="Settings").count() == 0


def test_with_the_script_health_check_at_start_even_the_first_visit_has_no_dialog(tmp_path, page) -> None:
    """docs/deployment.md's script health check makes the process's first run (the pages-folder one) at start."""
    import urllib.request

    env = {"STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED": "true"}
    with start_streamlit(tmp_path, env=env) as server:
        health = f"http://127.0.0.1:{server.port}/_stcore/script-health-check"
        with urllib.request.urlopen(health, timeout=60) as response:
            assert response.status == 200
        page.goto(f"{server.url}/calendar")
        expect(page.get_by_role("heading", name="Calendar", exact=True).first).to_be_visible(timeout=SLOW)
        _no_not_found_dialog(page)
