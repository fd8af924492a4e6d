"""Delivery channels: email over SMTP (settings from the environment) and webhooks (Slack, Microsoft Teams
Workflows, or any URL as JSON). Errors name the server or the webhook's host and the reason, never a password,
a token or a webhook URL's secret path.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlparse

import requests

from db.config import env
from db.errors import N_, DomainError

WEBHOOK_TIMEOUT_SECONDS = 15
SMTP_TIMEOUT_SECONDS = 30


class DeliveryError(DomainError):
    """A message could not be delivered; the text names the channel and why (never a secret)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes: PANTAU_SMTP_HOST/PORT/USER/PASSWORD/FROM/STARTTLS."""

    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool

    def __repr__(self) -> str:  # never print the password, even in a traceback's locals
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, starttls={self.starttls})"


def _flag(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def smtp_settings() -> SmtpSettings | None:
    """The SMTP settings from the environment; None when PANTAU_SMTP_HOST is not set (email is off)."""
    host = env("PANTAU_SMTP_HOST")
    if not host:
        return None
    raw_port = env("PANTAU_SMTP_PORT")
    try:
        port = int(raw_port) if raw_port else 587
    except ValueError:
        raise DeliveryError(N_("PANTAU_SMTP_PORT must be a port number, not {value}."), value=raw_port) from None
    user = env("PANTAU_SMTP_USER")
    sender = env("PANTAU_SMTP_FROM") or user or f"pantau@{host}"
    starttls = _flag(env("PANTAU_SMTP_STARTTLS"), default=port != 465)
    return SmtpSettings(host, port, user, env("PANTAU_SMTP_PASSWORD"), sender, starttls)


def build_email(settings: SmtpSettings, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A plain-text message (with an HTML alternative when given)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "pantau")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies stay away
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_email(settings: SmtpSettings, to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one message; DeliveryError on any SMTP or network failure."""
    message = build_email(settings, to, subject, text, html)
    try:
        if settings.port == 465 and not settings.starttls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if settings.starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if settings.user and settings.password:
                client.login(settings.user, settings.password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            N_("The mail server {host} refused the sign-in of {user} (SMTP {code})."),
            host=settings.host,
            user=settings.user,
            code=exc.smtp_code,
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            N_("The mail server {host} refused the message to {to} (SMTP {code})."),
            host=settings.host,
            to=to,
            code=exc.smtp_code,
        ) from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError(N_("The mail server {host} refused the address {to}."), host=settings.host, to=to) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            N_("Could not send mail through {host}:{port} ({reason})."),
            host=settings.host,
            port=settings.port,
            reason=type(exc).__name__,
        ) from None


def webhook_payload(webhook_format: str, title: str, lines: Sequence[str], items: Sequence[dict[str, Any]]) -> Any:
    """The JSON body for a webhook: Slack's `text` (mrkdwn), a Teams Workflows Adaptive Card, or plain JSON."""
    if webhook_format == "slack":
        body = "\n".join(f"• {line}" for line in lines)
        return {"text": f"*{title}*\n{body}"}
    if webhook_format == "teams":
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
                            *({"type": "TextBlock", "text": f"- {line}", "wrap": True} for line in lines),
                        ],
                    },
                }
            ],
        }
    return {"title": title, "alerts": list(items)}


def post_webhook(url: str, payload: Any, label: str) -> None:
    """POST the payload; DeliveryError naming the webhook (`label`) on a failure or a non-2xx answer."""
    host = urlparse(url).hostname or "?"
    try:
        response = requests.post(url, json=payload, timeout=WEBHOOK_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise DeliveryError(
            N_("The webhook {label} at {host} could not be reached ({reason})."),
            label=label,
            host=host,
            reason=type(exc).__name__,
        ) from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(
            N_("The webhook {label} at {host} answered HTTP {status}."),
            label=label,
            host=host,
            status=response.status_code,
        )
