"""Workspace settings stored in the database, with their defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db import audit
from db.config import env
from db.models import Setting
from db.money import currency_code
from db.roles import Actor, require

DEFAULTS: dict[str, Any] = {
    # No fixed default: without a setting or PANTAU_REPORTING_CURRENCY the reporting currency is the ad
    # accounts' main currency (finance.fx.reporting_currency decides, USD when there are no accounts).
    "reporting_currency": None,
    "fx_policy": "monthly_average",  # monthly_average | month_end | daily
    "fee_recognition": "on_delivery",  # on_delivery | over_flight
    "meta_budget_push": False,
    "auto_provision_viewers": False,
    "lookback_days": 28,
    "first_sync_days": 90,
    "workspace_timezone": "Asia/Jakarta",
    # ISO 3166-1 alpha-2: the region a local phone number (0812-...) is read in when a contact has no country.
    "default_country": "ID",
}
# Settings whose default comes from an environment variable when set.
ENV_DEFAULTS = {"reporting_currency": "PANTAU_REPORTING_CURRENCY", "workspace_timezone": "PANTAU_WORKSPACE_TIMEZONE"}


ORIGIN_SETTING, ORIGIN_ENVIRONMENT, ORIGIN_DEFAULT = "setting", "environment", "default"


def get_setting(session: Session, key: str) -> Any:
    """A setting's value: the stored one, else its environment variable (`ENV_DEFAULTS`), else the default."""
    return setting_with_origin(session, key)[0]


def setting_with_origin(session: Session, key: str) -> tuple[Any, str]:
    """(value, where it came from: `setting`, `environment` or `default`). A stored None counts as not set."""
    row = session.get(Setting, key)
    if row is not None and row.value is not None:
        return row.value, ORIGIN_SETTING
    variable = ENV_DEFAULTS.get(key)
    if variable and env(variable):
        value = str(env(variable)).strip()
        return (value.upper() if key == "reporting_currency" else value), ORIGIN_ENVIRONMENT
    return DEFAULTS.get(key), ORIGIN_DEFAULT


SECRET_PREFIX = "secret."  # encrypted values, written only by db.secrets


def set_setting(session: Session, actor: Actor, key: str, value: Any) -> None:
    """Change a setting (admin only), audited. The reporting currency must be ISO 4217 (`CurrencyError`
    otherwise); None clears it (back to the default)."""
    require(actor, "settings.manage")
    if key.startswith(SECRET_PREFIX):
        raise ValueError(f"{key!r} holds a secret; store it through db.secrets, never as a plain setting.")
    if key == "reporting_currency" and value is not None:
        value = currency_code(value)
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
