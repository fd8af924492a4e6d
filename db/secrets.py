"""Secrets: where the Meta access token comes from, and the encrypted copy an admin may store in the app.

Order: `FB_ACCESS_TOKEN` in the environment, then `FB_ACCESS_TOKEN` in `.streamlit/secrets.toml`, then the
token an admin entered on the Settings page (Fernet-encrypted with `PANTAU_SECRET_KEY`). The token is never
logged, audited, exported or put in an error message; people only ever see its last four characters.
"""

from __future__ import annotations

import logging
import os
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from db import audit
from db.config import ROOT, env
from db.errors import N_, DomainError, Message
from db.models import Setting
from db.roles import Actor, require

TOKEN_NAME = "FB_ACCESS_TOKEN"
KEY_NAME = "PANTAU_SECRET_KEY"
TOKEN_SETTING = "secret.meta_access_token"
SECRETS_FILES_ENV = "PANTAU_SECRETS_FILE"  # optional: a secrets.toml elsewhere (the app's --secrets.files)
KEY_COMMAND = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


class SecretError(DomainError):
    """A secret cannot be stored or read; the message says why and never contains the secret."""


@dataclass(frozen=True)
class TokenStatus:
    """Where the Meta token comes from, masked, and whether the app can store one."""

    source: str | None  # "environment" | "secrets.toml" | "stored in the app" | None
    masked: str | None
    stored: bool  # an encrypted token is saved in the database
    key_problem: Message | None  # why the app cannot store a token, or None


def secrets_files() -> list[Path]:
    """The secrets.toml files Streamlit would read (later ones win), plus PANTAU_SECRETS_FILE."""
    files = [Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml"]
    extra = env(SECRETS_FILES_ENV)
    if extra:
        files.extend(Path(part) for part in extra.split(os.pathsep) if part)
    return files


def read_secrets_files() -> dict[str, Any]:
    """Top-level values of the secrets.toml files (missing or unreadable files are skipped)."""
    values: dict[str, Any] = {}
    for path in secrets_files():
        try:
            with path.open("rb") as fh:
                values.update(tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return values


def _value(name: str, secrets: Mapping[str, Any] | None) -> str | None:
    value = env(name)
    if value:
        return value
    source = read_secrets_files() if secrets is None else secrets
    found = source.get(name)
    return str(found).strip() or None if found else None


def _fernet(secrets: Mapping[str, Any] | None) -> Fernet:
    key = _value(KEY_NAME, secrets)
    if not key:
        raise SecretError(
            N_(
                "No encryption key is configured, so the token cannot be stored. Generate one with: {command} and set "
                "it as PANTAU_SECRET_KEY in the environment or in .streamlit/secrets.toml."
            ),
            command=KEY_COMMAND,
        )
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise SecretError(
            N_(
                "PANTAU_SECRET_KEY is not a valid Fernet key. Generate one with: {command} and set it as "
                "PANTAU_SECRET_KEY in the environment or in .streamlit/secrets.toml."
            ),
            command=KEY_COMMAND,
        ) from None


def key_problem(secrets: Mapping[str, Any] | None = None) -> Message | None:
    """Why the app cannot store a secret right now, or None when it can."""
    try:
        _fernet(secrets)
    except SecretError as exc:
        return exc.message
    return None


def mask(token: str | None) -> str | None:
    """`••••abcd`: only the last four characters, and nothing at all for a short value."""
    if not token:
        return None
    return "••••" + token[-4:] if len(token) >= 12 else "••••"


def _decrypt(row: Setting, secrets: Mapping[str, Any] | None) -> str:
    fernet = _fernet(secrets)
    try:
        token = fernet.decrypt(str(row.value["ciphertext"]).encode()).decode()
    except (InvalidToken, KeyError, TypeError):
        raise SecretError(
            N_(
                "The stored Meta token cannot be decrypted with the current PANTAU_SECRET_KEY "
                "(was the key changed?). Enter the token again on the Settings page."
            )
        ) from None
    remember(token)
    return token


def meta_access_token(session: Session, secrets: Mapping[str, Any] | None = None) -> str | None:
    """The Meta access token: environment, then secrets.toml, then the encrypted copy stored in the app.

    `secrets` replaces reading the secrets.toml files (the app passes `st.secrets`). Raises SecretError when a
    stored token exists but cannot be decrypted.
    """
    token = _value(TOKEN_NAME, secrets)
    if token:
        remember(token)
        return token
    row = session.get(Setting, TOKEN_SETTING)
    if row is None or not row.value:
        return None
    return _decrypt(row, secrets)


def token_status(session: Session, secrets: Mapping[str, Any] | None = None) -> TokenStatus:
    """The Meta token's source and masked value, for the Settings page."""
    row = session.get(Setting, TOKEN_SETTING)
    stored = row is not None and bool(row.value)
    problem = key_problem(secrets)
    if env(TOKEN_NAME):
        return TokenStatus("environment", mask(env(TOKEN_NAME)), stored, problem)
    source = read_secrets_files() if secrets is None else secrets
    if source.get(TOKEN_NAME):
        return TokenStatus("secrets.toml", mask(str(source[TOKEN_NAME]).strip()), stored, problem)
    if row is not None and stored:
        return TokenStatus("stored in the app", row.value.get("masked"), stored, problem)
    return TokenStatus(None, None, stored, problem)


def store_meta_token(session: Session, actor: Actor, token: str, secrets: Mapping[str, Any] | None = None) -> str:
    """Encrypt and store the Meta token an admin entered; returns the masked form. Audited as '***'."""
    require(actor, "settings.manage")
    token = (token or "").strip()
    if not token or any(ch.isspace() for ch in token):
        raise SecretError(N_("The Meta access token is empty or contains spaces; paste the whole token."))
    fernet = _fernet(secrets)
    remember(token)
    masked = mask(token) or ""  # a non-empty token always has a mask
    value = {"ciphertext": fernet.encrypt(token.encode()).decode(), "masked": masked}
    row = session.get(Setting, TOKEN_SETTING)
    replaced = row is not None and bool(row.value)
    if row is None:
        session.add(Setting(key=TOKEN_SETTING, value=value, updated_by=actor.email))
    else:
        row.value = value
        row.updated_by = actor.email
    session.flush()
    audit.record(
        session,
        actor,
        "secret",
        "setting",
        TOKEN_SETTING,
        after={"meta_access_token": audit.MASK},
        summary="Meta access token replaced (encrypted)" if replaced else "Meta access token stored (encrypted)",
    )
    return masked


def clear_meta_token(session: Session, actor: Actor) -> bool:
    """Remove the stored token; returns False when none was stored. Audited."""
    require(actor, "settings.manage")
    row = session.get(Setting, TOKEN_SETTING)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "secret",
        "setting",
        TOKEN_SETTING,
        before={"meta_access_token": audit.MASK},
        summary="Meta access token removed",
    )
    return True


# Defence in depth: every token this process has seen is replaced by *** in log records.
_known: set[str] = set()
_known_lock = threading.Lock()


def remember(secret: str) -> None:
    """Register a secret value so `redact` and the log filter hide it."""
    if secret and len(secret) >= 8:
        with _known_lock:
            _known.add(secret)


def redact(text: str) -> str:
    """`text` with every known secret replaced by ***."""
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, audit.MASK)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter that removes known secrets from messages and tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _known:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction(*prefixes: str) -> None:
    """Attach RedactSecrets to the handlers of the root logger and of every logger under `prefixes`
    (Streamlit gives each of its loggers a handler of its own). Idempotent; call again for new loggers."""
    names = [""]
    names += [n for n in list(logging.Logger.manager.loggerDict) if any(n.startswith(p) for p in prefixes)]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())
