"""Opening a page under AppTest the way a person reaches it: language chosen, signed in when an email is given,
the app run once, then the page; each step must run without an exception."""

from __future__ import annotations

from typing import Any

REDIRECT = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}


def open_page(at: Any, page: str, *, language: str | None = None, email: str | None = None) -> Any:
    """`at` (an AppTest not yet run) on `page`, in `language` and signed in as `email` when given."""
    if language:
        at.session_state["language"] = language
    if email:
        at.secrets["auth"] = REDIRECT
        at.user["is_logged_in"] = True
        at.user["email"] = email
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
