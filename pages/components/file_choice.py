"""One choice an import asks of a person only when its file leaves it open (the "Date order" and "Decimal mark"
selects of `pages.components.date_order` and `pages.components.decimal_mark`): nothing is shown until a file needs
it, nothing is chosen for the person (no default), and each option is shown by its label in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import streamlit as st

from pages.components.i18n import _

Code = TypeVar("Code", bound=str)


def file_choice_select(
    needed: bool, label: str, labels: Mapping[Code, str], *, placeholder: str, key: str, help: str
) -> Code | None:
    """The person's choice among `labels` (code -> English label, translated here), from a select titled `label`
    shown only when `needed`: None until they choose, and always None when not `needed` (nothing shown)."""
    if not needed:
        return None
    shown = {code: _(text) for code, text in labels.items()}
    chosen: Code | None = st.selectbox(
        _(label),
        list(shown),
        index=None,
        format_func=lambda code: shown[code],
        placeholder=_(placeholder),
        help=help,
        key=key,
    )
    return chosen
