"""The shared amount field reads amounts as people type them and says what it understood, in their language."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _form() -> None:
    import streamlit as st

    from pages.components.inputs import amount_input

    amount = amount_input("Planned amount", "IDR", key="plan")
    st.session_state["seen"] = None if amount is None else str(amount)


def _run(language: str, text: str) -> AppTest:
    at = AppTest.from_function(_form, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    at.text_input(key="plan").set_value(text).run()
    return at


def test_indonesian_grouping_is_read_and_shown_back() -> None:
    at = _run("id", "Rp 50.000.000")
    assert at.session_state["seen"] == "50000000"
    assert [c.value for c in at.caption] == ["Terbaca sebagai Rp50.000.000"]
    assert not at.error


def test_english_grouping_is_read_the_english_way() -> None:
    at = _run("en", "50,000,000")
    assert at.session_state["seen"] == "50000000"
    assert [c.value for c in at.caption] == ["Understood as IDR50,000,000"]


def test_a_refused_amount_is_explained_and_nothing_is_returned() -> None:
    at = _run("en", "1e20")
    assert at.session_state["seen"] is None
    assert len(at.error) == 1
    assert "1e20" in at.error[0].value
    assert not at.caption
