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
