"""The app shell through streamlit_app.py: every page on an empty database and on the demo workspace."""

from __future__ import annotations

import pytest

from pages.components.navigation import PAGES

HEADINGS = {spec.path: spec.title for spec in PAGES}


def _open(app_test, path: str):
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    return at


@pytest.mark.parametrize("path", list(HEADINGS))
def test_every_page_explains_itself_on_an_empty_database(migrated_url: str, app_test, path: str) -> None:
    at = _open(app_test, path)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [HEADINGS[path]]
    text = " ".join(str(e.value) for e in [*at.info, *at.warning, *at.markdown])
    assert text.strip(), "an empty page must say what it will show and what to do next"


@pytest.mark.parametrize("path", list(HEADINGS))
def test_every_page_renders_the_demo_workspace(demo_url: str, app_test, path: str) -> None:
    at = _open(app_test, path)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [HEADINGS[path]]
    assert not at.error, [e.value for e in at.error]


def test_overview_empty_state_loads_the_demo_workspace(migrated_url: str, app_test) -> None:
    at = app_test(timeout=60)
    at.run()
    assert "Nothing here yet" in at.info[0].value
    at.button(key="overview_load_demo").click().run()
    assert not at.exception, at.exception
    assert not any(b.key == "overview_load_demo" for b in at.button)
    labels = [m.label for m in at.metric]
    assert "Campaigns" in labels
    campaigns = next(m for m in at.metric if m.label == "Campaigns")
    assert campaigns.value == "39"  # 30 Meta, 6 TikTok, 3 Google Ads campaigns


def test_local_mode_shows_banner_and_every_page(migrated_url: str, app_test) -> None:
    at = app_test()
    at.run()
    assert any("Local mode" in i.value for i in at.sidebar.info)
