"""The shared amount, count and percent fields read numbers as people type them and say what they understood, in
their language."""

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


def _date_form() -> None:
    import streamlit as st

    from pages.components.inputs import date_field

    day = date_field("Due date", key="due")
    st.session_state["seen_day"] = day


def _date_run(value) -> AppTest:
    at = AppTest.from_function(_date_form, default_timeout=60)
    at.run()
    at.date_input(key="due").set_value(value).run()
    assert not at.exception, at.exception
    return at


def test_a_typed_date_outside_the_range_is_kept_and_refused_under_the_field() -> None:
    import datetime as dt

    at = _date_run(dt.date(1900, 1, 1))
    # The picker takes it (its bounds are the widest dates), so it is never quietly read as "no date"...
    assert (at.date_input(key="due").min, at.date_input(key="due").max) == (dt.date(1, 1, 1), dt.date(9999, 12, 31))
    assert at.session_state["seen_day"] == dt.date(1900, 1, 1)
    # ...and the person is told why it cannot be saved.
    # (a picked date and the bound are days, written as dates are on the page: `Jan 1, 2000`, `1 Jan 2000`)
    assert [e.value for e in at.error] == ["Due date: Jan 1, 1900 is before Jan 1, 2000, the earliest date allowed."]
    at = _date_run(dt.date(9999, 12, 31))
    assert [e.value for e in at.error] == ["Due date: Dec 31, 9999 is after Dec 31, 2100, the latest date allowed."]


def test_a_date_in_range_is_returned_without_a_message() -> None:
    import datetime as dt

    at = _date_run(dt.date(2026, 12, 31))
    assert at.session_state["seen_day"] == dt.date(2026, 12, 31)
    assert not at.error


def test_date_pickers_show_the_day_first_in_bahasa_indonesia_and_iso_in_english() -> None:
    for language, shown in (("id", "DD/MM/YYYY"), ("en", "YYYY-MM-DD")):
        at = AppTest.from_function(_date_form, default_timeout=60)
        at.session_state["language"] = language
        at.run()
        assert not at.exception, at.exception
        assert at.date_input(key="due").proto.format == shown


def _figures_form() -> None:
    from decimal import Decimal

    import streamlit as st

    from pages.components.inputs import count_input, percent_input

    count = count_input("Followers", key="followers", value=1_250_000)
    percent = percent_input("Engagement rate %", key="rate", value=Decimal("3.5000"))
    st.session_state["seen_figures"] = (count, None if percent is None else str(percent))


def _figures(language: str) -> AppTest:
    at = AppTest.from_function(_figures_form, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    return at


def test_counts_and_percents_are_prefilled_and_read_the_languages_way() -> None:
    at = _figures("id")
    assert at.text_input(key="followers").value == "1.250.000"
    assert at.text_input(key="rate").value == "3,5"
    assert at.session_state["seen_figures"] == (1_250_000, "3.5")
    assert [c.value for c in at.caption] == ["Terbaca sebagai 1.250.000", "Terbaca sebagai 3,5%"]
    assert at.text_input(key="followers").placeholder == "12.500"
    at = _figures("en")
    assert (at.text_input(key="followers").value, at.text_input(key="rate").value) == ("1,250,000", "3.5")


def test_a_refused_count_or_percent_is_explained_and_nothing_is_returned() -> None:
    at = _figures("en")
    at.text_input(key="followers").set_value("lots")
    at.text_input(key="rate").set_value("101").run()
    assert at.session_state["seen_figures"] == (None, None)
    assert [e.value for e in at.error] == [
        "Followers: lots is not a count; type it like 12,500.",
        "Engagement rate %: 101 is outside the percents allowed, from 0% to 100%.",
    ]
    assert not at.caption
