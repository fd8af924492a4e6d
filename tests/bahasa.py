"""A domain message as a page shows it in Bahasa Indonesia (pages.components.inputs.message_text with the
language set to "id", as tests/sync/test_sync_page.py `_in_bahasa` does for a whole page)."""

from __future__ import annotations

from typing import Any

from db.errors import Message


def in_bahasa(monkeypatch: Any, message: Message) -> str:
    """`message` rendered for a page read in Bahasa Indonesia."""
    from pages.components import i18n
    from pages.components.inputs import message_text

    monkeypatch.setattr(i18n, "current_language", lambda: "id")
    return message_text(message)
