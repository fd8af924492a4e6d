"""Fixtures for sign-in tests: an [auth] secrets section, users with roles, a signed-in AppTest."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from db.engine import session_scope
from db.roles import CLI_ACTOR

AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-that-is-long-enough-1234",
        "client_id": "pantau-test",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}

ROLE_EMAILS = {
    "admin": "ada.admin@example.com",
    "manager": "mona.manager@example.com",
    "specialist": "sami.specialist@example.com",
    "finance": "fina.finance@example.com",
    "viewer": "vera.viewer@example.com",
}


@pytest.fixture
def team_url(migrated_url: str) -> str:
    """A database with one active user per role."""
    from db.users import add_user

    with session_scope(migrated_url) as s:
        for role, email in ROLE_EMAILS.items():
            add_user(s, CLI_ACTOR, email, role)
    return migrated_url


@pytest.fixture
def signed_in(app_test):
    """An AppTest through streamlit_app.py with sign-in configured and `email` signed in (None: signed out)."""

    def make(email: str | None, timeout: float = 30):
        at = app_test(timeout=timeout)
        at.secrets = AUTH_SECRETS
        at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email}
        return at

    return make


@pytest.fixture
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("PANTAU_SECRET_KEY", key)
    return key


@pytest.fixture(autouse=True)
def _no_ambient_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Tests decide every secret themselves: no token, key or admin list from the machine."""
    for name in ("FB_ACCESS_TOKEN", "PANTAU_SECRET_KEY", "PANTAU_ADMIN_EMAILS", "PANTAU_ALLOW_UNAUTHENTICATED_NETWORK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("db.secrets.secrets_files", lambda: [tmp_path / "no-secrets.toml"])
