"""The campaign objective choice: one option per label in the user's language (Meta's ODAX and legacy objectives
and TikTok's objective types share words), a choice meaning every code with that label."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from pages.components.i18n import _
from pages.components.terms import label, label_groups


def objective_filter(container, codes: Iterable[str], *, key: str) -> tuple[str, ...]:
    """A multiselect of the objectives of `codes` by label (nothing chosen = all); returns the chosen objectives'
    codes. The widget keeps the first code of each label, so a choice survives a language switch even when the
    labels (and how codes group under them) differ between languages."""
    groups = label_groups("objective", codes)
    first = {group[0]: group for group in groups.values()}
    kept = st.session_state.get(key)
    if kept:  # the codes chosen on the last run, as this run's options (its label's first code)
        by_code = {code: group[0] for group in groups.values() for code in group}
        st.session_state[key] = list(dict.fromkeys(by_code[c] for c in kept if c in by_code))
    words = {code: label("objective", code) for code in first}
    chosen = container.multiselect(
        _("Objective"),
        list(first),
        key=key,
        format_func=lambda c: words.get(c, c),
        placeholder=_("All"),
    )
    return tuple(code for c in chosen for code in first.get(c, (c,)))
