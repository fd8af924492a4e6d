"""Tabs whose closed tabs do not run: `st.tabs(on_change="rerun")` with the open tab kept across a language switch."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st


def lazy_tabs(labels: Mapping[str, str], render: Mapping[str, Callable[[], None]], key: str) -> str:
    """Show the tabs `labels` (code -> label in the user's language) and run `render[code]` for the open tab
    only; return its code. Switching tabs reruns the page.

    `labels` maps stable codes to the labels shown (in the user's language). Streamlit remembers the open tab by
    its label, so after a language switch the remembered label is not among the new ones; the code of the tab
    open on the last run puts the same tab back under its new label instead of falling back to the first."""
    code_key = f"{key}__code"
    chosen = st.session_state.get(key)
    remembered = st.session_state.get(code_key)
    if chosen not in labels.values() and remembered in labels:
        st.session_state[key] = labels[remembered]
    containers = st.tabs(list(labels.values()), key=key, on_change="rerun")
    opened = next((code for code, tab in zip(labels, containers, strict=True) if tab.open), next(iter(labels)))
    st.session_state[code_key] = opened
    with containers[list(labels).index(opened)]:
        render[opened]()
    return opened
