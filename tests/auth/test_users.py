"""Users and roles: adding, role changes, deactivation, the last admin, sign-in provisioning, the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cli import app
from db.engine import session_scope
from db.models import AuditEntry, User
from db.roles import CLI_ACTOR, SIGN_IN_ACTOR, Actor
from db.users import (
    UserError,
    add_user,
    admin_emails_from_env,
    ensure_sign_in_user,
    find_user,
    set_active,
    set_language,
    set_role,
)

runner = CliRunner()


def _audit(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_add_normalises_and_validates(session) -> None:
    user, created = add_user(session, CLI_ACTOR, "  Ada@Example.COM ", "manager", "Ada")
    assert (user.email, user.role, user.active, created) == ("ada@example.com", "manager", True, True)
    with pytest.raises(UserError, match="not a valid email"):
        add_user(session, CLI_ACTOR, "not-an-email", "viewer")
    with pytest.raises(UserError, match="Unknown role 'owner'"):
        add_user(session, CLI_ACTOR, "b@example.com", "owner")
    [entry] = _audit(session, "create")
    assert (entry.actor, entry.entity_type, entry.after["role"]) == ("cli@localhost", "user", "manager")


def test_role_change_and_deactivation_are_audited_with_before_and_after(session) -> None:
    add_user(session, CLI_ACTOR, "boss@example.com", "admin")
    add_user(session, CLI_ACTOR, "sam@example.com", "specialist")
    set_role(session, CLI_ACTOR, "sam@example.com", "finance")
    set_active(session, CLI_ACTOR, "sam@example.com", False)
    set_active(session, CLI_ACTOR, "sam@example.com", True)
    [change] = _audit(session, "role_change")
    assert (change.before, change.after) == ({"role": "specialist"}, {"role": "finance"})
    [off] = _audit(session, "deactivate")
    assert (off.before, off.after) == ({"active": True}, {"active": False})
    [on] = _audit(session, "reactivate")
    assert on.after == {"active": True}


def test_the_last_active_admin_cannot_be_removed(session) -> None:
    add_user(session, CLI_ACTOR, "only@example.com", "admin")
    with pytest.raises(UserError, match="last active admin"):
        set_role(session, CLI_ACTOR, "only@example.com", "viewer")
    with pytest.raises(UserError, match="last active admin"):
        set_active(session, CLI_ACTOR, "only@example.com", False)
    with pytest.raises(UserError, match="last active admin"):
        add_user(session, CLI_ACTOR, "only@example.com", "manager")
    add_user(session, CLI_ACTOR, "second@example.com", "admin")
    set_role(session, CLI_ACTOR, "only@example.com", "viewer")
    with pytest.raises(UserError, match="last active admin"):
        set_active(session, CLI_ACTOR, "second@example.com", False)
    assert find_user(session, "only@example.com").role == "viewer"


def test_unknown_user_is_a_clear_error(session) -> None:
    with pytest.raises(UserError, match=r"There is no user 'ghost@example\.com'"):
        set_role(session, CLI_ACTOR, "ghost@example.com", "viewer")


def test_sign_in_denies_unknown_people_by_default(session) -> None:
    assert ensure_sign_in_user(session, "who@example.com", admin_emails=[], auto_provision_viewers=False) is None
    assert find_user(session, "who@example.com") is None


def test_sign_in_restores_an_admin_from_the_env_list(session) -> None:
    add_user(session, CLI_ACTOR, "boss@example.com", "admin")
    add_user(session, CLI_ACTOR, "lead@example.com", "admin")
    set_role(session, CLI_ACTOR, "lead@example.com", "viewer")
    admins = admin_emails_from_env(" Lead@example.com ,, ")
    user = ensure_sign_in_user(session, "lead@example.com", admin_emails=admins, auto_provision_viewers=False)
    assert (user.role, user.active) == ("admin", True)
    assert user.last_seen_at is not None
    assert _audit(session, "role_change")[-1].actor == SIGN_IN_ACTOR.email


def test_invalid_admin_list_is_an_error_not_skipped() -> None:
    with pytest.raises(UserError, match="not a valid email"):
        admin_emails_from_env("a@example.com, nonsense")


def test_language_is_the_users_own_preference(session) -> None:
    add_user(session, CLI_ACTOR, "ida@example.com", "viewer")
    set_language(session, Actor("ida@example.com", "viewer"), "id")
    assert find_user(session, "ida@example.com").language == "id"
    assert _audit(session, "preference")[0].after == {"language": "id"}
    with pytest.raises(UserError, match="Unknown language"):
        set_language(session, Actor("ida@example.com", "viewer"), "fr")


def test_cli_users_commands(migrated_url: str) -> None:
    result = runner.invoke(app, ["users", "add", "Ada@example.com", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "Added ada@example.com as admin." in result.output
    assert runner.invoke(app, ["users", "add", "sam@example.com", "--role", "specialist"]).exit_code == 0
    result = runner.invoke(app, ["users", "deactivate", "sam@example.com"])
    assert result.exit_code == 0, result.output
    assert "sam@example.com can no longer sign in." in result.output
    result = runner.invoke(app, ["users", "list"])
    assert result.output.split("\n")[1].split() == ["sam@example.com", "specialist", "inactive"]
    result = runner.invoke(app, ["users", "activate", "sam@example.com"])
    assert "can sign in again as specialist" in result.output
    result = runner.invoke(app, ["users", "deactivate", "ada@example.com"])
    assert result.exit_code == 1
    assert "last active admin" in result.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(User.active).where(User.email == "ada@example.com")) is True


def test_sign_in_writes_last_seen_only_now_and_then(session) -> None:
    add_user(session, CLI_ACTOR, "sam@example.com", "specialist")
    first = ensure_sign_in_user(session, "sam@example.com", admin_emails=[], auto_provision_viewers=False)
    session.flush()
    seen, version = first.last_seen_at, first.version_id
    again = ensure_sign_in_user(session, "sam@example.com", admin_emails=[], auto_provision_viewers=False)
    session.flush()
    assert (again.last_seen_at, again.version_id) == (seen, version)
