"""Sign-in in a real browser through oidc-provider-mock: each role sees its pages, is refused the rest by URL,
and signs out; a fresh server asked for a restricted URL first refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import auth_secrets, free_port, seed_users, sidebar_pages, sign_in, sign_out, start_streamlit

pytestmark = pytest.mark.e2e

USERS = {"sami.specialist@example.com": "specialist", "fina.finance@example.com": "finance"}
REFUSED = "No access: this page is not permitted for your role."


@pytest.fixture(scope="module")
def app(tmp_path_factory, oidc_provider):
    tmp = tmp_path_factory.mktemp("signin")
    port = free_port()
    seed_users(f"sqlite:///{tmp / 'pantau.db'}", USERS)
    with start_streamlit(tmp, secrets=auth_secrets(port, oidc_provider), port=port) as server:
        yield server


def _refused(page, app_url: str, url_path: str) -> None:
    page.goto(f"{app_url}/{url_path}")
    page.get_by_text(REFUSED).wait_for()


def test_specialist_sees_their_pages_and_is_refused_the_rest(app, page) -> None:
    sign_in(page, app.url, "sami.specialist@example.com")
    assert sidebar_pages(page) == [
        "Overview",
        "Campaigns",
        "Budgets",
        "Influencers",
        "Programs",
        "Calendar",
        "Sync",
        "My alerts",
    ]
    for url_path in ("exports", "settings", "audit"):
        _refused(page, app.url, url_path)
    page.goto(f"{app.url}/sync")
    page.get_by_role("heading", name="Sync", exact=True).wait_for()
    sign_out(page)
    page.get_by_role("button", name="Sign in").wait_for()
    page.goto(f"{app.url}/campaigns")  # signed out: the page is not reachable any more
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_text("Signed in as").count() == 0


def test_finance_sees_their_pages_and_is_refused_the_rest(app, page) -> None:
    sign_in(page, app.url, "fina.finance@example.com")
    assert sidebar_pages(page) == [
        "Overview",
        "Campaigns",
        "Budgets",
        "Influencers",
        "Programs",
        "Calendar",
        "Exports",
        "My alerts",
    ]
    for url_path in ("sync", "settings", "audit"):
        _refused(page, app.url, url_path)
    page.goto(f"{app.url}/exports")
    page.get_by_role("heading", name="Exports", exact=True).wait_for()
    sign_out(page)
    page.get_by_role("button", name="Sign in").wait_for()


def test_unknown_email_gets_no_access(app, page) -> None:
    sign_in_attempt = "stranger@example.com"
    page.goto(app.url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill(sign_in_attempt)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="No access").wait_for()
    page.get_by_text(f"{sign_in_attempt} has no access to Pantau").wait_for()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    page.goto(f"{app.url}/overview")
    page.get_by_role("heading", name="No access").wait_for()


def test_a_fresh_server_asked_for_a_restricted_page_first_refuses_it(tmp_path: Path, oidc_provider, browser) -> None:
    port = free_port()
    seed_users(f"sqlite:///{tmp_path / 'pantau.db'}", USERS)
    with start_streamlit(tmp_path, secrets=auth_secrets(port, oidc_provider), port=port) as server:
        context = browser.new_context()
        context.set_default_timeout(20_000)
        page = context.new_page()
        try:
            # The very first request this server sees is a restricted page, from someone not signed in.
            page.goto(f"{server.url}/settings")
            page.get_by_role("button", name="Sign in").wait_for()
            assert page.get_by_role("heading", name="Settings").count() == 0
            # Signed in as a specialist, the same URL is refused in words.
            sign_in(page, server.url, "sami.specialist@example.com")
            _refused(page, server.url, "settings")
        finally:
            context.close()
