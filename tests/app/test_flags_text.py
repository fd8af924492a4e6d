"""Tables of people's records show flags (late, upcoming, overdue) as words of the user's language, never true/false."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest


def _show() -> None:
    import pandas as pd
    import streamlit as st

    from pages.components.program_inputs import for_people

    frame = pd.DataFrame({"late": [True, False], "upcoming": pd.Series([None, True], dtype=object), "n": [1, 2]})
    st.session_state["shown"] = for_people(frame).to_dict("list")


def _run(language: str) -> dict:
    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    return at.session_state["shown"]


def test_flags_read_as_words_in_bahasa_indonesia() -> None:
    shown = _run("id")
    assert shown["late"] == ["Ya", "Tidak"]
    assert shown["upcoming"] == ["", "Ya"]  # a missing flag stays blank
    assert shown["n"] == [1, 2]


def test_flags_read_as_words_in_english() -> None:
    shown = _run("en")
    assert shown["late"] == ["Yes", "No"]
    assert pd.Series(shown["upcoming"]).tolist() == ["", "Yes"]
