"""The language is read once per script run, yet a change shows at once: on the next run, and within a run
after `choose_language` (sign-in with a saved language, the sidebar's switch)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pages.components.i18n import current_language


def _page() -> None:
    import streamlit as st

    from pages.components.i18n import _, choose_language

    st.title(_("Overview"))
    wanted = st.session_state.get("switch_to")
    if wanted:
        choose_language(wanted, "user")
    st.header(_("Overview"))
    st.caption(_("Campaigns"))


def test_a_language_set_between_runs_shows_on_the_next_run() -> None:
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert [at.title[0].value, at.header[0].value] == ["Overview", "Overview"]
    at.session_state["language"] = "id"
    at.run()
    assert [at.title[0].value, at.header[0].value, at.caption[0].value] == ["Ringkasan", "Ringkasan", "Kampanye"]
    at.session_state["language"] = "en"
    at.run()
    assert [at.title[0].value, at.header[0].value, at.caption[0].value] == ["Overview", "Overview", "Campaigns"]


def _rerunning_page() -> None:
    import streamlit as st

    from pages.components.i18n import _

    st.title(_("Overview"))
    if not st.session_state.get("rerun_done"):
        # a plain write, then a rerun by the same script runner (the same run context, reset for the new run)
        st.session_state["rerun_done"] = True
        st.session_state["language"] = "id"
        st.rerun()


def test_a_rerun_on_the_same_script_runner_reads_the_language_again() -> None:
    at = AppTest.from_function(_rerunning_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Ringkasan"]


def test_a_language_chosen_within_a_run_applies_to_the_rest_of_that_run() -> None:
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["language"] = "en"
    at.session_state["switch_to"] = "id"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Overview"  # translated before the choice
    assert [at.header[0].value, at.caption[0].value] == ["Ringkasan", "Kampanye"]
    assert at.session_state["language"] == "id"
    assert at.session_state["language_source"] == "user"


def test_the_sidebar_switch_translates_the_page_it_reruns(demo_url: str, app_test) -> None:
    at = app_test(timeout=60)
    at.run()
    assert [t.value for t in at.title] == ["Overview"]
    at.selectbox(key="auth_language").set_value("id").run()
    assert [t.value for t in at.title] == ["Ringkasan"]
    at.selectbox(key="auth_language").set_value("en").run()
    assert [t.value for t in at.title] == ["Overview"]


def test_without_a_script_run_the_language_is_read_each_time(monkeypatch) -> None:
    import streamlit as st

    st.session_state["language"] = "id"
    try:
        assert current_language() == "id"
        st.session_state["language"] = "en"
        assert current_language() == "en"
    finally:
        del st.session_state["language"]
