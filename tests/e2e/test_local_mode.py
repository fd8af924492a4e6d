"""Local mode in a real browser: the first page loads with the banner, as the local admin."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sidebar_pages, start_streamlit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with start_streamlit(tmp_path_factory.mktemp("local")) as server:
        yield server


def test_first_page_loads_with_the_local_mode_banner(app, page) -> None:
    page.goto(app.url)
    page.get_by_role("heading", name="Overview").wait_for()
    page.get_by_text("Local mode: no sign-in is configured").wait_for()
    page.get_by_text("Signed in as local-admin@localhost (admin)").wait_for()
    assert "Settings" in sidebar_pages(page)
    assert page.get_by_role("button", name="Sign out").count() == 0


def assert_refused(page) -> None:
    """The refusal screen, no data, no local admin, no Settings."""
    page.get_by_role("heading", name="Sign-in is not configured").wait_for()
    page.get_by_text("Pantau is running in local mode (no sign-in) but").wait_for()
    assert page.get_by_text("Signed in as local-admin@localhost").count() == 0
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_role("heading", name="Overview").count() == 0


def test_reached_through_a_loopback_reverse_proxy_it_is_refused(app, page) -> None:
    """A proxy on this machine forwards a network client: the TCP peer is 127.0.0.1, but the proxy's
    X-Forwarded-For gives it away, whatever URL the browser reports."""
    from tests.fakes.reverse_proxy import run_reverse_proxy

    with run_reverse_proxy(f"http://127.0.0.1:{app.port}") as proxy_url:
        page.goto(proxy_url)
        assert_refused(page)
        page.get_by_text("it sent the x-forwarded-for header").wait_for()
        page.goto(f"{proxy_url}/settings")
        assert_refused(page)
        page.goto("about:blank")  # close the websocket before the proxy stops


def test_a_rewritten_url_does_not_make_another_host_name_local(app, browser) -> None:
    """The issue's attack: open the loopback-bound app as `evilhost1` and rewrite that name to `localhost` in
    every message the browser sends (the URL Streamlit reports as st.context.url). The server still sees the
    handshake's Host header and refuses local mode."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    rewritten: list[int] = []

    def rewrite(ws) -> None:
        server = ws.connect_to_server()

        def to_server(message) -> None:
            if isinstance(message, bytes) and b"evilhost1" in message:
                rewritten.append(1)
                message = message.replace(b"evilhost1", b"localhost")
            server.send(message)

        ws.on_message(to_server)

    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evilhost1 127.0.0.1"]
    )
    try:
        context = chromium.new_context()
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.route_web_socket("**/_stcore/stream", rewrite)
        page.goto(f"http://evilhost1:{app.port}/settings")
        assert_refused(page)
        assert rewritten, "the browser's messages were not rewritten"
        page.get_by_text("the app was opened through evilhost1").wait_for()
    finally:
        chromium.close()
