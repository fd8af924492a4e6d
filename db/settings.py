"""Workspace settings stored in the database, with their defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db import audit
from db.config import env
from db.models import Setting
from db.roles import Actor, require

DEFAULTS: dict[str, Any] = {
    "reporting_currency": "USD",
    "fx_policy": "monthly_average",  # monthly_average | month_end | daily
    "fee_recognition": "on_delivery",  # on_delivery | over_flight
    "meta_budget_push": False,
    "auto_provision_viewers": False,
    "lookback_days": 28,
    "first_sync_days": 90,
    "workspace_timezone": "Asia/Jakarta",
}
# Settings whose default comes from an environment variable when set.
ENV_DEFAULTS = {"reporting_currency": "PANTAU_REPORTING_CURRENCY", "workspace_timezone": "PANTAU_WORKSPACE_TIMEZONE"}


def get_setting(session: Session, key: str) -> Any:
    """A setting's value: the stored one, else its environment variable (`ENV_DEFAULTS`), else the default."""
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    variable = ENV_DEFAULTS.get(key)
    if variable and env(variable):
        value = str(env(variable)).strip()
        return value.upper() if key == "reporting_currency" else value
    return DEFAULTS.get(key)


SECRET_PREFIX = "secret."  # encrypted values, written only by db.secrets


def set_setting(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Change a setting (admin only), audited."""
    require(actor, "settings.manage")
    if key.startswith(SECRET_PREFIX):
        raise ValueError(f"{key!r} holds a secret; store it through db.secrets, never as a plain setting.")
    row = session.get(Setting, key)
    if row is not None and row.value == value:
        return
    before = None if row is None else {key: row.value}
    if row is None:
        row = Setting(key=key, value=value, updated_by=actor.email)
        session.add(row)
    else:
        row.value = value
        row.updated_by = actor.email
    audit.record(session, actor, "settings", "setting", key, before=before, after={key: value})
