"""Users and roles: add, change, deactivate and look up the people who may sign in."""

from __future__ import annotations

import datetime as dt

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit
from db.errors import N_, Codes, DomainError
from db.models import User
from db.roles import ROLES, SIGN_IN_ACTOR, Actor, require
from db.types import utcnow

LANGUAGES = ("en", "id")
LAST_SEEN_EVERY = dt.timedelta(minutes=5)


class UserError(DomainError):
    """A user could not be added or changed; the message says why."""


def normalise_email(email: str) -> str:
    """Syntax-checked, lowercase email (no DNS look-ups: the app works offline)."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(N_("{value} is not a valid email address: {reason}"), value=repr(email), reason=exc) from exc


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _get(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise UserError(N_("There is no user {value}."), value=repr(email))
    return user


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(
            N_("Unknown role {value}; choose one of: {choices}."), value=repr(role), choices=Codes("role", ROLES)
        )


def active_admin_count(session: Session) -> int:
    return session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0


def _keep_an_admin(session: Session, user: User, new_role: str, new_active: bool) -> None:
    """Refuse a change that would leave the workspace without an active admin."""
    losing_admin = user.role == "admin" and user.active and (new_role != "admin" or not new_active)
    if losing_admin and active_admin_count(session) <= 1:
        raise UserError(N_("{email} is the last active admin; make someone else admin first."), email=user.email)


def _state(user: User) -> dict[str, object]:
    return {"email": user.email, "role": user.role, "active": user.active, "name": user.name}


def add_user(session: Session, actor: Actor, email: str, role: str, name: str | None = None) -> tuple[User, bool]:
    """Add a user or change an existing user's role (and reactivate them). Returns (user, created)."""
    require(actor, "users.manage")
    _check_role(role)
    address = normalise_email(email)
    user = find_user(session, address)
    if user is None:
        user = User(email=address, role=role, name=name, active=True)
        session.add(user)
        session.flush()
        audit.record(session, actor, "create", "user", user.id, after=_state(user), summary=f"Added {address}")
        return user, True
    _keep_an_admin(session, user, role, True)
    before = _state(user)
    user.role = role
    user.active = True
    if name:
        user.name = name
    session.flush()
    audit.record(
        session, actor, "role_change", "user", user.id, before=before, after=_state(user), summary=f"{address}: {role}"
    )
    return user, False


def set_role(session: Session, actor: Actor, email: str, role: str) -> User:
    """Change a user's role; the last active admin keeps theirs."""
    require(actor, "users.manage")
    _check_role(role)
    user = _get(session, email)
    if user.role == role:
        return user
    _keep_an_admin(session, user, role, user.active)
    before = _state(user)
    user.role = role
    session.flush()
    summary = f"{user.email}: {role}"
    audit.record(session, actor, "role_change", "user", user.id, before=before, after=_state(user), summary=summary)
    return user


def set_active(session: Session, actor: Actor, email: str, active: bool) -> User:
    """Deactivate (no more sign-in) or reactivate a user; the last active admin stays active."""
    require(actor, "users.manage")
    user = _get(session, email)
    if user.active == active:
        return user
    _keep_an_admin(session, user, user.role, active)
    before = _state(user)
    user.active = active
    session.flush()
    action = "reactivate" if active else "deactivate"
    audit.record(session, actor, action, "user", user.id, before=before, after=_state(user), summary=user.email)
    return user


def deactivate_user(session: Session, actor: Actor, email: str) -> User:
    return set_active(session, actor, email, False)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def admin_emails_from_env(value: str | None) -> list[str]:
    """`PANTAU_ADMIN_EMAILS` as a list of normalised addresses (invalid entries are an error, not skipped)."""
    if not value:
        return []
    return [normalise_email(part) for part in value.split(",") if part.strip()]


def ensure_sign_in_user(
    session: Session, email: str, *, admin_emails: list[str], auto_provision_viewers: bool
) -> User | None:
    """The active user for a signed-in email, after applying PANTAU_ADMIN_EMAILS and auto-provisioning.

    An address in `admin_emails` is created or restored as an active admin; an unknown address becomes a
    viewer only when auto-provisioning is on. Returns None when the person has no access (deny by default).
    """
    address = email.strip().lower()
    if not address:
        return None
    user = find_user(session, address)
    if address in admin_emails and (user is None or user.role != "admin" or not user.active):
        user, _created = add_user(session, SIGN_IN_ACTOR, address, "admin")
    elif user is None and auto_provision_viewers:
        user, _created = add_user(session, SIGN_IN_ACTOR, address, "viewer")
    if user is None or not user.active:
        return None
    now = utcnow()
    # Every rerun signs in again; write last_seen_at at most every few minutes (the row is versioned).
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_EVERY:
        user.last_seen_at = now
    return user


def set_language(session: Session, actor: Actor, language: str) -> None:
    """Store the actor's own language preference (anyone may change their own, nobody else's)."""
    if language not in LANGUAGES:
        raise UserError(
            N_("Unknown language {value}; choose one of: {choices}."),
            value=repr(language),
            choices=Codes("language", LANGUAGES),
        )
    user = find_user(session, actor.email)
    if user is None or user.language == language:
        return
    before = {"language": user.language}
    user.language = language
    audit.record(session, actor, "preference", "user", user.id, before=before, after={"language": language})
