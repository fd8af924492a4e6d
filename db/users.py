"""Users and roles: add, change and look up the people who may sign in."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit
from db.models import User
from db.roles import ROLES, Actor, require


class UserError(ValueError):
    """A user could not be added or changed; the message says why."""


def normalise_email(email: str) -> str:
    """Syntax-checked, lowercase email (no DNS look-ups: the app works offline)."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"{email!r} is not a valid email address: {exc}") from exc


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def add_user(session: Session, actor: Actor, email: str, role: str, name: str | None = None) -> tuple[User, bool]:
    """Add a user or change an existing user's role. Returns (user, created)."""
    require(actor, "users.manage")
    if role not in ROLES:
        raise UserError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    address = normalise_email(email)
    user = find_user(session, address)
    if user is None:
        user = User(email=address, role=role, name=name, active=True)
        session.add(user)
        session.flush()
        audit.record(session, actor, "create", "user", user.id, after={"email": address, "role": role})
        return user, True
    before = {"role": user.role, "active": user.active}
    user.role = role
    user.active = True
    if name:
        user.name = name
    session.flush()
    audit.record(session, actor, "role_change", "user", user.id, before=before, after={"role": role, "active": True})
    return user, False


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
