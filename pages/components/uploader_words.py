"""Streamlit's file uploader has no parameter for its button's word ("Upload"), so a page in another language
would show it in English. This style, added to every run in a language other than English, draws the translated
word over the hidden English one (visibility hidden keeps the button's size and takes the word out of the page's
text for screen readers and copying; the pseudo-element shows ours). Its limit line ("50MB per file • CSV, XLSX")
reads the same in Bahasa Indonesia. Checked by tests/e2e/test_bahasa.py."""

from __future__ import annotations

import json

import streamlit as st

from pages.components.i18n import _, current_language

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'


def uploader_css(word: str) -> str:
    """The style that shows `word` on every file uploader's button instead of Streamlit's "Upload"."""
    return (
        f"<style>{_BUTTON} {{ visibility: hidden; position: relative; }}"
        f"{_BUTTON}::after {{ content: {json.dumps(word)}; visibility: visible; position: absolute; left: 0; top: 0;"
        " white-space: nowrap; }</style>"
    )


def translate_uploaders() -> None:
    """Add the style for the session's language (nothing in English, Streamlit's own word)."""
    if current_language() != "en":
        st.html(uploader_css(_("Upload")))
