"""What saving a form removed from its text (bidi controls, terminal escapes; db/text.py), said after the save
in the user's language, one notice per field: "Name: direction-changing (bidi) control characters were removed."

Every page that saves typed text calls `removed_notices` with the fields' labels and what was typed, keeps the
result with its success message and shows it with `show_notices` on the next run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from db.text import neutralised
from pages.components.i18n import N_, _
from pages.components.inputs import message_text

NEUTRALISED_TEXT = N_("{field}: {what}.")


def removed_notices(typed: Mapping[str, object]) -> list[str]:
    """For each field (its label as shown -> what was typed) what the text rule removed when it was saved."""
    return [
        _(NEUTRALISED_TEXT, field=label, what=message_text(what))
        for label, value in typed.items()
        if isinstance(value, str)
        for what in neutralised(value)
    ]


def show_notices(notices: Iterable[str] | None) -> None:
    """The notices of the last save, each as an information box."""
    for notice in notices or ():
        st.info(notice, icon=":material/cleaning_services:")
