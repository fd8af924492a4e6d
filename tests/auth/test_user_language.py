"""A person's first language follows the browser until they choose one (users.language NULL = not chosen).

Migration 0012 keeps the language of everyone whose choice the audit log records and clears the others'; the app
then picks the user's choice, else the browser's, else English.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command

from db.engine import get_engine, session_scope
from db.roles import Actor
from db.users import add_user, find_user, set_language
from migrations.migrate import alembic_config

NOW = dt.datetime(2026, 11, 2, 8, 0)


# explicit ids above PostgreSQL's sequence (the users the ORM adds later start at 1)
def _user(conn, pk: int, email: str, language: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO user_account (id, email, role, active, language, version_id, created_at, updated_at) "
            "VALUES (:pk, :email, 'viewer', :yes, :language, 1, :now, :now)"
        ),
        {"pk": pk, "email": email, "yes": True, "language": language, "now": NOW},
    )


def _audit(conn, action: str, entity_type: str, entity_id: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO audit_log (at, actor, action, entity_type, entity_id) "
            "VALUES (:now, 'someone@example.com', :action, :type, :id)"
        ),
        {"now": NOW, "action": action, "type": entity_type, "id": entity_id},
    )


def _languages(conn) -> dict[str, str | None]:
    return dict(conn.execute(sa.text("SELECT email, language FROM user_account")).all())  # type: ignore[arg-type]


def test_the_migration_keeps_recorded_choices_and_clears_the_rest(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0010_locks")
    engine = get_engine(database_url)
    with engine.begin() as conn:
        _user(conn, 101, "never@example.com", "en")  # the old default: never chose
        _user(conn, 102, "english@example.com", "en")  # chose English in the sidebar (audited)
        _user(conn, 103, "bahasa@example.com", "id")  # chose Bahasa Indonesia (audited)
        _user(conn, 104, "other@example.com", "en")  # an audited role change is not a language choice
        _audit(conn, "preference", "user", "102")
        _audit(conn, "preference", "user", "103")
        _audit(conn, "update", "user", "104")
        _audit(conn, "preference", "alert_recipient", "101")  # another record's preference
    command.upgrade(config, "0012_user_language")
    with engine.connect() as conn:
        assert _languages(conn) == {
            "never@example.com": None,
            "english@example.com": "en",
            "bahasa@example.com": "id",
            "other@example.com": None,
        }
        column = next(c for c in sa.inspect(conn).get_columns("user_account") if c["name"] == "language")
        assert column["nullable"] is True
    with session_scope(database_url) as s:  # a new user has not chosen either
        user, _ = add_user(s, Actor("admin@example.com", "admin"), "new@example.com", "viewer")
        s.flush()
        assert user.language is None
        set_language(s, Actor("new@example.com", "viewer"), "en")  # choosing English is a choice, recorded
        assert find_user(s, "new@example.com").language == "en"
    command.downgrade(config, "0010_locks")
    with engine.connect() as conn:
        assert _languages(conn) == {
            "never@example.com": "en",
            "english@example.com": "en",
            "bahasa@example.com": "id",
            "other@example.com": "en",
            "new@example.com": "en",
        }
        column = next(c for c in sa.inspect(conn).get_columns("user_account") if c["name"] == "language")
        assert column["nullable"] is False
    with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        _user(conn, 109, "null@example.com", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("saved", "browser", "expected"),
    [
        (None, "id", "id"),  # never chose: the browser's language
        (None, "en", "en"),
        ("en", "id", "en"),  # chose English: it wins over an Indonesian browser
        ("id", "en", "id"),
    ],
)
def test_a_signed_in_session_starts_in_the_choice_else_the_browsers_language(
    team_url: str, signed_in, monkeypatch, saved, browser, expected
) -> None:
    from pages.components import i18n
    from tests.auth.conftest import ROLE_EMAILS

    email = ROLE_EMAILS["viewer"]
    with session_scope(team_url) as s:
        assert find_user(s, email).language is None  # add_user leaves it unchosen
        if saved:
            set_language(s, Actor(email, "viewer"), saved)
    monkeypatch.setattr(i18n, "browser_language", lambda: browser)
    at = signed_in(email)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["language"] == expected
    assert at.title[0].value == {"en": "Overview", "id": "Ringkasan"}[expected]
    assert at.sidebar.selectbox(key="auth_language").value == expected
    with session_scope(team_url) as s:  # opening the app chose nothing
        assert find_user(s, email).language == saved


def test_no_browser_language_means_english(team_url: str, signed_in) -> None:
    from tests.auth.conftest import ROLE_EMAILS

    at = signed_in(ROLE_EMAILS["viewer"])  # AppTest sends no locale and no Accept-Language
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["language"] == "en"
