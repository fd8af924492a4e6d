"""The configured Meta connection: the access token from where an admin put it (environment, secrets.toml or
the encrypted copy in the app, `db.secrets`) handed to the adapter, which never looks it up itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from campaigns.meta_client import MetaClient, MetaError
from campaigns.meta_client import account_spend as _account_spend
from campaigns.meta_client import push_campaign_budget as _push_campaign_budget
from db.config import env
from db.engine import session_scope
from db.secrets import SecretError, meta_access_token


def resolve_token() -> str | None:
    """The Meta access token: FB_ACCESS_TOKEN, then secrets.toml, then the copy an admin stored encrypted in
    the app. None when there is none (or no database yet); a stored token that cannot be decrypted is an error."""
    if env("FB_ACCESS_TOKEN"):
        return env("FB_ACCESS_TOKEN")
    try:
        with session_scope() as session:
            return meta_access_token(session)
    except SecretError as exc:
        raise MetaError("config", exc.message) from None
    except SQLAlchemyError:
        return None  # no database (or no schema yet): no token stored in the app


def meta_client(**options: Any) -> MetaClient:
    """A MetaClient on the configured token (MetaError "config" when there is none)."""
    return MetaClient(resolve_token(), **options)


def push_campaign_budget(campaign: Any, field: str, amount: Decimal) -> str:
    """Push an approved budget through the configured connection (the approval's `MetaPush`)."""
    return _push_campaign_budget(meta_client(), campaign, field, amount)


def account_spend(account_id: str, since: dt.date, until: dt.date) -> Decimal:
    """An ad account's spend as Meta reports it, through the configured connection (reconciliation)."""
    return _account_spend(meta_client(), account_id, since, until)
