"""The alert digest: for every recipient channel, the conditions it receives that were not sent within their
window, grouped by category in one message in the recipient's language; sent, then remembered (`sent_alert`).

`python cli.py alerts send [--dry-run]` and the scheduled `alerts.digest` job both call `send_due`. A failed
delivery is not remembered, so the next run tries it again; nothing is remembered in a dry run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from automation.delivery import DeliveryError, post_webhook, send_email, smtp_settings, webhook_payload
from automation.i18n import Renderer
from automation.jobs import JOBS
from automation.recipients import Target, delivery_targets, ensure_recipient
from automation.rules import CATEGORIES, CATEGORY_TITLES, Notice, collect_notices, longest_window, window_of
from db.calendar import workspace_timezone, workspace_today
from db.config import env
from db.engine import session_scope
from db.errors import N_
from db.models import AlertRecipient, SentAlert
from db.secrets import SecretError, meta_access_token, redact
from db.types import utcnow

SUBJECT = N_("Pantau: {count} alerts need your attention")
HEADING = N_("Alerts from Pantau for {day}")
FOOTER = N_("You receive this because of your alert preferences in Pantau (My alerts).")
OPEN_LINK = N_("Open Pantau: {url}")
EMAIL_OFF = N_("Email is not configured: set PANTAU_SMTP_HOST (and PANTAU_SMTP_FROM) to send alerts by email.")
MASK = "***"
_TOKEN_PARAM = re.compile(r"(access_token|appsecret_proof|input_token)=[^&\s'\"]+")


@dataclass
class Delivery:
    """One message: to whom, on which channel, what it said, and whether it went."""

    label: str
    channel: str
    language: str
    subject: str
    text: str
    alerts: int
    sent: bool = False
    error: str | None = None


@dataclass
class DigestReport:
    """What a digest run did."""

    notices: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: int = 0  # conditions a recipient already had within the window
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        sent = [d for d in self.deliveries if d.sent]
        verb = "would send" if self.dry_run else "sent"
        return (
            f"{self.notices} condition(s); {verb} {len(self.deliveries) if self.dry_run else len(sent)} message(s) "
            f"with {sum(d.alerts for d in (self.deliveries if self.dry_run else sent))} alert(s); "
            f"{self.skipped} already sent within their window; {len(self.errors)} error(s)"
        )

    def details(self) -> dict[str, Any]:
        return {
            "notices": self.notices,
            "messages": [
                {"to": d.label, "channel": d.channel, "alerts": d.alerts, "sent": d.sent, "error": d.error}
                for d in self.deliveries
            ],
            "skipped": self.skipped,
        }


def known_secrets(session: Session, targets: list[Target]) -> list[str]:
    """Values that must never appear in a message: the Meta token, app secret, SMTP password, webhook URLs."""
    values = [env("FB_ACCESS_TOKEN"), env("FB_APP_SECRET"), env("PANTAU_SMTP_PASSWORD"), env("TIKTOK_ACCESS_TOKEN")]
    with contextlib.suppress(SecretError):
        values.append(meta_access_token(session))
    values += [t.address for t in targets if t.channel == "webhook"]
    return sorted({v for v in values if v and len(v) >= 6}, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret (and any token-looking URL parameter) replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return _TOKEN_PARAM.sub(r"\1=***", redact(text))


def notice_text(renderer: Renderer, notice: Notice) -> str:
    """One alert's sentence in the renderer's language: each code it carries (a platform, a sync's source, a
    status) by the label map of its kind (`Renderer.text`: automation.rules.CODE_PLACEHOLDERS, else
    automation.i18n.PLACEHOLDER_KINDS), a failed job by its title translated."""
    values = dict(notice.values)
    if "job" in values:
        values["job"] = renderer.gettext(str(values["job"]))
    return renderer.text(notice.template, **values)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    title: str
    lines: list[str]
    items: list[dict[str, Any]]


def compose(notices: list[Notice], lang: str, timezone: str, today: dt.date, secrets: list[str]) -> Message:
    """The digest for one recipient: a heading, the alerts grouped by category, a footer."""
    r = Renderer(lang, timezone)
    title = scrub(r.text(HEADING, day=today), secrets)
    groups: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        groups[notice.category].append(notice)
    text_parts, html_parts, lines, items = [title, ""], [f"<h2>{html.escape(title)}</h2>"], [], []
    for category in CATEGORIES:
        if category not in groups:
            continue
        heading = r.gettext(CATEGORY_TITLES[category])
        text_parts.append(heading)
        html_parts.append(f"<h3>{html.escape(heading)}</h3><ul>")
        for notice in groups[category]:
            sentence = scrub(notice_text(r, notice), secrets)
            mark = "!" if notice.severity == "error" else "-"
            text_parts.append(f"  {mark} {sentence}")
            style = ' style="color:#b00020"' if notice.severity == "error" else ""
            html_parts.append(f"<li{style}>{html.escape(sentence)}</li>")
            lines.append(f"{heading}: {sentence}")
            items.append({"category": category, "kind": notice.kind, "severity": notice.severity, "message": sentence})
        html_parts.append("</ul>")
        text_parts.append("")
    footer = r.gettext(FOOTER)
    text_parts.append(footer)
    html_parts.append(f"<p><small>{html.escape(footer)}</small></p>")
    base_url = env("PANTAU_BASE_URL")
    if base_url:
        link = r.text(OPEN_LINK, url=base_url)
        text_parts.append(link)
        html_parts.append(f'<p><a href="{html.escape(base_url)}">{html.escape(link)}</a></p>')
    subject = scrub(r.text(SUBJECT, count=len(notices)), secrets)
    return Message(subject, "\n".join(text_parts).rstrip() + "\n", "\n".join(html_parts), title, lines, items)


def _already_sent(session: Session, target: Target, notices: list[Notice], now: dt.datetime) -> set[str]:
    """Fingerprints of `notices` this target received within each one's window."""
    if not notices or target.recipient_id is None:
        return set()
    oldest = now - longest_window()
    rows = session.execute(
        select(SentAlert.fingerprint, SentAlert.category, SentAlert.kind, SentAlert.sent_at).where(
            SentAlert.recipient_id == target.recipient_id,
            SentAlert.channel == target.channel,
            SentAlert.fingerprint.in_({n.fingerprint for n in notices}),
            SentAlert.sent_at >= oldest,
        )
    )
    return {fp for fp, category, kind, sent_at in rows if sent_at >= now - window_of(category, kind)}


def _remember(url: str | None, target: Target, notices: list[Notice], now: dt.datetime, run_id: int | None) -> None:
    with session_scope(url) as session:
        recipient_id = ensure_recipient(session, target)
        if recipient_id is None or session.get(AlertRecipient, recipient_id) is None:
            return  # removed while the digest was being sent
        session.add_all(
            SentAlert(
                recipient_id=recipient_id,
                channel=target.channel,
                fingerprint=n.fingerprint,
                category=n.category,
                kind=n.kind,
                sent_at=now,
                job_run_id=run_id,
            )
            for n in notices
        )


def send_due(
    url: str | None = None, *, now: dt.datetime | None = None, dry_run: bool = False, job_run_id: int | None = None
) -> DigestReport:
    """Send every recipient channel the alerts due to it (or, with `dry_run`, only say what would go)."""
    now = now or utcnow()
    report = DigestReport(dry_run=dry_run)
    titles = {key: spec.title for key, spec in JOBS.items()}
    email_on = smtp_settings() is not None
    with session_scope(url) as session:
        notices = collect_notices(session, now, titles)
        targets = delivery_targets(session, default_email=email_on)
        timezone = workspace_timezone(session)
        today = workspace_today(session, now)
        secrets = known_secrets(session, targets)
        plans = []
        for target in targets:
            relevant = [n for n in notices if n.category in target.categories]
            sent = _already_sent(session, target, relevant, now)
            fresh = [n for n in relevant if n.fingerprint not in sent]
            report.skipped += len(relevant) - len(fresh)
            if fresh:
                plans.append((target, fresh))
    report.notices = len(notices)
    smtp = smtp_settings() if any(t.channel == "email" for t, _ in plans) else None
    for target, fresh in plans:
        message = compose(fresh, target.language, timezone, today, secrets)
        delivery = Delivery(target.label, target.channel, target.language, message.subject, message.text, len(fresh))
        report.deliveries.append(delivery)
        if dry_run:
            continue
        try:
            if target.channel == "email":
                if smtp is None:
                    raise DeliveryError(EMAIL_OFF)
                send_email(smtp, target.address, message.subject, message.text, message.html)
            else:
                payload = webhook_payload(target.webhook_format, message.title, message.lines, message.items)
                post_webhook(target.address, payload, target.label)
        except DeliveryError as exc:
            delivery.error = scrub(str(exc), secrets)
            if delivery.error not in report.errors:
                report.errors.append(delivery.error)
            continue
        delivery.sent = True
        _remember(url, target, fresh, now, job_run_id)
    return report
