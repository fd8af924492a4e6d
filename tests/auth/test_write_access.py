"""The role x write matrix: every service that writes refuses roles the design does not allow, changes
nothing when it refuses, and records an audit entry when it writes. Add a row to WRITES for a new service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, PERMISSIONS, ROLES, Actor, PermissionDenied

# DESIGN.md "Roles" (role -> what it can do), written out independently of db/roles.py.
DESIGN_WRITERS: dict[str, set[str]] = {
    "sync.run": {"admin", "specialist"},
    "import.run": {"admin", "specialist"},
    "demo.load": {"admin"},
    "campaign.edit": {"admin", "specialist"},
    "influencer.edit": {"admin", "manager", "specialist"},
    "program.edit": {"admin", "manager", "specialist"},
    "budget.propose": {"admin", "manager", "specialist"},
    "budget.plan": {"admin", "manager"},
    "budget.approve": {"admin", "manager"},
    "payment.approve": {"admin", "manager"},
    "payment.mark_paid": {"admin", "finance"},
    "fx.edit": {"admin", "manager", "finance"},
    "period.close": {"admin", "finance"},
    "export.run": {"admin", "manager", "finance"},
    "users.manage": {"admin"},
    "settings.manage": {"admin"},
    "audit.read": {"admin", "manager"},
}


@dataclass(frozen=True)
class Write:
    """One service that writes: its permission, a call that performs it, and an optional set-up."""

    name: str
    permission: str
    call: Callable[[Session, Actor], object]
    setup: Callable[[Session], object] | None = None


def _add_user(s, a):
    from db.users import add_user

    return add_user(s, a, "new.person@example.com", "viewer")


def _seed_person(s):
    from db.users import add_user

    add_user(s, CLI_ACTOR, "ada.admin@example.com", "admin")
    add_user(s, CLI_ACTOR, "person@example.com", "specialist")


def _set_role(s, a):
    from db.users import set_role

    return set_role(s, a, "person@example.com", "finance")


def _deactivate(s, a):
    from db.users import set_active

    return set_active(s, a, "person@example.com", False)


def _set_setting(s, a):
    from db.settings import set_setting

    return set_setting(s, a, "reporting_currency", "IDR")


def _load_demo(s, a):
    from db.demo import load_demo

    return load_demo(s, a)


def _store_token(s, a):
    from db.secrets import store_meta_token

    return store_meta_token(s, a, "EAAB-matrix-token-0123456789")


def _seed_token(s):
    from db.secrets import store_meta_token

    store_meta_token(s, CLI_ACTOR, "EAAB-matrix-token-0123456789")


def _clear_token(s, a):
    from db.secrets import clear_meta_token

    return clear_meta_token(s, a)


WRITES: list[Write] = [
    Write("users.add_user", "users.manage", _add_user),
    Write("users.set_role", "users.manage", _set_role, _seed_person),
    Write("users.set_active", "users.manage", _deactivate, _seed_person),
    Write("settings.set_setting", "settings.manage", _set_setting),
    Write("demo.load_demo", "demo.load", _load_demo),
    Write("secrets.store_meta_token", "settings.manage", _store_token),
    Write("secrets.clear_meta_token", "settings.manage", _clear_token, _seed_token),
]


def test_permissions_match_the_design() -> None:
    assert {k: set(v) for k, v in PERMISSIONS.items()} == DESIGN_WRITERS


def test_an_unknown_permission_is_a_programming_error() -> None:
    from db.roles import require

    with pytest.raises(KeyError):
        require(CLI_ACTOR, "does.not.exist")


def _audit_count(url: str) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.usefixtures("secret_key")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_role_by_write_matrix(migrated_url: str, write: Write, role: str) -> None:
    if write.setup is not None:
        with session_scope(migrated_url) as s:
            write.setup(s)
    before = _audit_count(migrated_url)
    actor = Actor(f"{role}@example.com", role)
    if role in DESIGN_WRITERS[write.permission]:
        with session_scope(migrated_url) as s:
            write.call(s, actor)
        with session_scope(migrated_url) as s:
            entries = s.scalars(select(AuditEntry).where(AuditEntry.actor == actor.email)).all()
        assert entries, f"{write.name} by {role} wrote no audit entry"
    else:
        denied = pytest.raises(PermissionDenied, match=f"The {role} role is not permitted")
        with denied, session_scope(migrated_url) as s:
            write.call(s, actor)
        assert _audit_count(migrated_url) == before
