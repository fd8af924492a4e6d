"""The first language follows the browser (locale, else Accept-Language); a signed-in user's saved choice wins."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pages.components.i18n import language_of


@pytest.mark.parametrize(
    ("locale", "header", "expected"),
    [
        ("id-ID", None, "id"),
        ("id", "en-US,en;q=0.9", "id"),
        ("en-GB", "id-ID,id;q=0.9", "en"),
        (None, "id-ID,id;q=0.9,en-US;q=0.8", "id"),
        (None, "in;q=1", "en"),
        (None, "fr-FR,id;q=0.5", "en"),
        (None, "*", "en"),
        (None, None, "en"),
    ],
)
def test_browser_language_maps_id_to_bahasa_indonesia(locale, header, expected) -> None:
    assert language_of(locale, header) == expected


def _page() -> None:
    import streamlit as st

    from pages.components.i18n import _, current_language

    st.title(_("Overview"))
    st.session_state["seen_language"] = current_language()


def test_a_session_without_a_choice_starts_in_the_browsers_language(monkeypatch) -> None:
    from pages.components import i18n

    monkeypatch.setattr(i18n, "browser_language", lambda: "id")
    at = AppTest.from_function(_page, default_timeout=60)
    at.run()
    assert at.session_state["seen_language"] == "id"
    assert at.title[0].value == "Ringkasan"
    assert at.session_state["language_source"] == "browser"


def test_a_choice_already_made_is_kept(monkeypatch) -> None:
    from pages.components import i18n

    monkeypatch.setattr(i18n, "browser_language", lambda: "id")
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert at.title[0].value == "Overview"
