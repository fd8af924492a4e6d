"""The reasons the FX rates and deliverable results imports give for rows the file reader flagged reach people in
their language, as the Exports and Programs pages render them (`Row {row}: {reason}`, `message_text`)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from db.roles import CLI_ACTOR
from finance.fx import import_rates_csv


def _show() -> None:
    import streamlit as st

    from pages.components.i18n import _
    from pages.components.inputs import message_text

    st.session_state["shown"] = [
        _("Row {row}: {reason}", row=line, reason=message_text(reason)) for line, reason in st.session_state["problems"]
    ]


def _shown(problems, language: str) -> list[str]:
    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = language
    at.session_state["problems"] = problems
    at.run()
    assert not at.exception
    return at.session_state["shown"]


def test_a_cut_fx_row_is_explained_in_bahasa_indonesia(session) -> None:
    data = b"date,from,to,rate,source\n2026-07-01,USD,IDR,16250,bi\n2026-07-02,USD,IDR,16234"
    result = import_rates_csv(session, CLI_ACTOR, data)
    (shown,) = _shown(result.problems, "id")
    assert shown.startswith("Baris 3: Baris 3 berakhir terlalu cepat: 4 dari 5 kolom")
    (english,) = _shown(result.problems, "en")
    assert english == "Row 3: Row 3 ends early: 4 of 5 columns; the file may be cut off, so download it again."
