"""Who receives alerts: each person's own preferences (categories, language, email on or off, an optional
personal webhook) and the workspace webhooks an admin sets up (Slack, Microsoft Teams or any URL).

A person receives only the categories their role may see (db.roles): pacing needs the Budgets page, overdue
work the Programs page, sync and token problems the Sync page, approvals the `budget.approve` permission.
Webhook URLs are credentials (whoever holds a Slack webhook URL can post to the channel): they are shown masked,
kept out of the audit log and out of every message and error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from automation.i18n import LANGUAGES
from automation.rules import CATEGORIES, CATEGORY_PAGE, CATEGORY_PERMISSION
from db import audit
from db.errors import N_, FieldErrors, Message, NotFound
from db.models import AlertRecipient, User
from db.roles import PERMISSIONS, Actor, require
from db.text import BIDI_CONTROLS, TextError, clean_text, is_control
from db.versioning import check_version, flush_or_conflict

FORMATS = ("slack", "teams", "json")
FORMAT_LABELS = {"slack": N_("Slack"), "teams": N_("Microsoft Teams"), "json": N_("Any URL (JSON)")}
CATEGORY_LABELS = {
    "pacing": N_("Over- and under-pacing, exhausted budgets"),
    "deliverables": N_("Overdue deliverables"),
    "payments": N_("Overdue payments"),
    "sync": N_("Sync failures"),
    "approvals": N_("Budget changes awaiting approval"),
    "token": N_("Meta token expiring or losing a permission"),
}


def default_language(user: User) -> str:
    """A person's alert language before they choose one: the language they use the app in."""
    return user.language if user.language in LANGUAGES else "en"


def allowed_categories(role: str) -> list[str]:
    """The alert categories a role may receive."""
    from db.roles import PAGE_ACCESS

    allowed = []
    for category in CATEGORIES:
        page = CATEGORY_PAGE.get(category)
        permission = CATEGORY_PERMISSION.get(category)
        by_page = page is not None and role in PAGE_ACCESS.get(page, frozenset())
        by_permission = permission is not None and role in PERMISSIONS.get(permission, frozenset())
        if by_page or by_permission:
            allowed.append(category)
    return allowed


def mask_url(url: str | None) -> str:
    """A webhook URL as people may see it: scheme, host and the last four characters."""
    if not url:
        return ""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.hostname or '?'}/…{url[-4:]}"


def _invisible(url: str) -> tuple[int, str] | None:
    """The first character an address must not hold (a control, a bidi control, a space), with its position."""
    for position, char in enumerate(url, start=1):
        if is_control(char) or char in BIDI_CONTROLS or char.isspace():
            return position, f"U+{ord(char):04X}"
    return None


def _check_url(url: str | None, errors: dict[str, Any]) -> str | None:
    url = (url or "").strip() or None
    if url is None:
        return None
    hidden = _invisible(url)
    if hidden is not None:  # an address is not text to clean: dropping a character would send alerts elsewhere
        errors["webhook_url"] = Message(
            N_("the address contains the invisible character {char} at position {position}; remove it"),
            {"char": hidden[1], "position": hidden[0]},
        )
        return None
    try:
        parsed = urlparse(url)
        hostname = parsed.hostname
    except ValueError:  # an unclosed "[" of an IPv6 host, a bad port
        parsed, hostname = None, None
    if parsed is None or parsed.scheme not in ("https", "http") or not hostname:
        errors["webhook_url"] = N_("a webhook address starts with https:// and names a host")
    elif len(url) > 2000:
        errors["webhook_url"] = N_("at most 2,000 characters")
    return url


def _check(categories: Any, language: str, webhook_format: str, errors: dict[str, Any]) -> list[str]:
    chosen = [c for c in (categories or ()) if c]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        errors["categories"] = N_("unknown alert category")
    if language not in LANGUAGES:
        errors["language"] = N_("choose English or Bahasa Indonesia")
    if webhook_format not in FORMATS:
        errors["webhook_format"] = N_("choose Slack, Microsoft Teams or JSON")
    return [c for c in CATEGORIES if c in chosen]


def _state(r: AlertRecipient) -> dict[str, Any]:
    return {
        "user_id": r.user_id,
        "name": r.name,
        "email_enabled": r.email_enabled,
        "webhook": mask_url(r.webhook_url),
        "webhook_format": r.webhook_format,
        "categories": list(r.categories or ()),
        "language": r.language,
        "enabled": r.enabled,
    }


@dataclass(frozen=True)
class Preferences:
    """A person's alert preferences as the form shows them (defaults when never saved)."""

    recipient_id: int | None
    version_id: int | None
    email_enabled: bool
    webhook_masked: str
    webhook_format: str
    categories: list[str]
    language: str
    enabled: bool
    allowed: list[str]


def preferences(session: Session, user: User) -> Preferences:
    """The user's preferences; never saved means every category the role allows, in the user's language, off."""
    allowed = allowed_categories(user.role)
    row = session.scalar(select(AlertRecipient).where(AlertRecipient.user_id == user.id))
    if row is None:  # never saved: what the role allows, by email, in the person's language
        return Preferences(None, None, True, "", "slack", allowed, default_language(user), True, allowed)
    return Preferences(
        row.id,
        row.version_id,
        row.email_enabled,
        mask_url(row.webhook_url),
        row.webhook_format,
        [c for c in (row.categories or ()) if c in allowed],
        row.language,
        row.enabled,
        allowed,
    )


def save_preferences(
    session: Session,
    actor: Actor,
    user: User,
    *,
    enabled: bool,
    categories: list[str],
    language: str,
    email_enabled: bool = True,
    webhook_url: str | None = None,
    keep_webhook: bool = True,
    webhook_format: str = "slack",
    version_id: int | None = None,
) -> AlertRecipient:
    """Save a person's own alert preferences (every signed-in person for themselves; admins for anyone).

    `keep_webhook` leaves a stored webhook as it is when no new address is given (the form never shows it)."""
    if actor.email.lower() != user.email.lower():
        require(actor, "users.manage")
    errors: dict[str, Any] = {}
    chosen = _check(categories, language, webhook_format, errors)
    new_url = _check_url(webhook_url, errors)
    not_allowed = [c for c in chosen if c not in allowed_categories(user.role)]
    if not_allowed:
        errors["categories"] = N_("your role does not receive this category")
    if errors:
        raise FieldErrors(errors)
    row = session.scalar(select(AlertRecipient).where(AlertRecipient.user_id == user.id))
    before = None
    if row is None:
        row = AlertRecipient(user_id=user.id)
        session.add(row)
    else:
        check_version("alert preferences", row, version_id, _state)
        before = _state(row)
    row.enabled = bool(enabled)
    row.categories = chosen
    row.language = language
    row.email_enabled = bool(email_enabled)
    row.webhook_format = webhook_format
    if new_url is not None or not keep_webhook:
        row.webhook_url = new_url
    flush_or_conflict(session, "alert preferences", AlertRecipient, row.id, _state)
    audit.record(
        session,
        actor,
        "update" if before else "create",
        "alert_recipient",
        row.id,
        before=before,
        after=_state(row),
        summary=f"Alert preferences of {user.email}",
    )
    return row


@dataclass(frozen=True)
class WebhookRow:
    """A workspace webhook as the Settings page lists it (the address masked)."""

    id: int
    version_id: int
    name: str
    masked: str
    webhook_format: str
    categories: list[str]
    language: str
    enabled: bool


def workspace_webhooks(session: Session) -> list[WebhookRow]:
    rows = session.scalars(select(AlertRecipient).where(AlertRecipient.user_id.is_(None)).order_by(AlertRecipient.id))
    return [
        WebhookRow(
            r.id,
            r.version_id,
            r.name or "",
            mask_url(r.webhook_url),
            r.webhook_format,
            list(r.categories or ()),
            r.language,
            r.enabled,
        )
        for r in rows
    ]


def add_webhook(
    session: Session,
    actor: Actor,
    *,
    name: str,
    url: str,
    webhook_format: str,
    categories: list[str],
    language: str,
) -> AlertRecipient:
    """A workspace webhook (admin): a channel that receives the chosen categories whatever anyone's role."""
    require(actor, "settings.manage")
    errors: dict[str, Any] = {}
    chosen = _check(categories, language, webhook_format, errors)
    address = _check_url(url, errors)
    if address is None and "webhook_url" not in errors:
        errors["webhook_url"] = N_("enter the webhook address")
    try:
        label = clean_text(name, field=N_("Name"))
    except TextError as exc:
        errors["name"], label = exc.message, ""
    else:
        if not label:
            errors["name"] = N_("give the webhook a name people recognise, such as #marketing-alerts")
    if errors:
        raise FieldErrors(errors)
    row = AlertRecipient(
        name=label,
        webhook_url=address,
        webhook_format=webhook_format,
        categories=chosen,
        language=language,
        email_enabled=False,
        enabled=True,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "alert_recipient", row.id, after=_state(row), summary=f"Webhook {row.name}")
    return row


def remove_webhook(session: Session, actor: Actor, recipient_id: int) -> None:
    """Delete a workspace webhook (admin); what it was sent is forgotten with it."""
    require(actor, "settings.manage")
    row = session.get(AlertRecipient, recipient_id)
    if row is None or row.user_id is not None:
        raise NotFound(N_("There is no workspace webhook #{id}."), id=recipient_id)
    before = _state(row)
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "delete", "alert_recipient", recipient_id, before=before, summary=f"Webhook {row.name}"
    )


@dataclass(frozen=True)
class Target:
    """One delivery: a recipient on one channel, in one language, for the categories it receives.

    `recipient_id` is None for a person who never saved preferences (they get the defaults by email; their
    record is made when the first message goes)."""

    recipient_id: int | None
    channel: str  # email | webhook
    address: str  # an email address or a webhook URL (never shown)
    label: str  # who, for reports: the email, or the webhook's name and masked address
    webhook_format: str
    language: str
    categories: frozenset[str]
    user_id: int | None = None


def ensure_recipient(session: Session, target: Target) -> int | None:
    """The recipient id of `target`, making the default record of a person who never saved preferences."""
    if target.recipient_id is not None or target.user_id is None:
        return target.recipient_id
    row = session.scalar(select(AlertRecipient).where(AlertRecipient.user_id == target.user_id))
    if row is None:
        row = AlertRecipient(
            user_id=target.user_id,
            enabled=True,
            email_enabled=True,
            categories=sorted(target.categories, key=CATEGORIES.index),
            language=target.language,
        )
        session.add(row)
        session.flush()
    return row.id


def delivery_targets(session: Session, *, default_email: bool = True) -> list[Target]:
    """Every enabled recipient channel: active people (email and/or personal webhook) and workspace webhooks.

    With `default_email` (email is configured), active people who never saved preferences get the defaults:
    every category their role allows, by email, in the language they use the app in."""
    targets = []
    stmt = (
        select(AlertRecipient, User)
        .outerjoin(User, User.id == AlertRecipient.user_id)
        .where(AlertRecipient.enabled.is_(True))
        .order_by(AlertRecipient.id)
    )
    for row, user in session.execute(stmt):
        if row.user_id is not None:
            if user is None or not user.active:
                continue
            categories = frozenset(c for c in (row.categories or ()) if c in allowed_categories(user.role))
            if row.email_enabled:
                targets.append(Target(row.id, "email", user.email, user.email, "", row.language, categories, user.id))
            if row.webhook_url:
                label = f"{user.email} ({mask_url(row.webhook_url)})"
                targets.append(
                    Target(row.id, "webhook", row.webhook_url, label, row.webhook_format, row.language, categories)
                )
        elif row.webhook_url:
            label = f"{row.name} ({mask_url(row.webhook_url)})"
            categories = frozenset(row.categories or ())
            targets.append(
                Target(row.id, "webhook", row.webhook_url, label, row.webhook_format, row.language, categories)
            )
    if default_email:
        saved = select(AlertRecipient.user_id).where(AlertRecipient.user_id.is_not(None))
        people = select(User).where(User.active.is_(True), User.id.not_in(saved)).order_by(User.id)
        for user in session.scalars(people):
            categories = frozenset(allowed_categories(user.role))
            targets.append(
                Target(None, "email", user.email, user.email, "", default_language(user), categories, user.id)
            )
    return [t for t in targets if t.categories]
