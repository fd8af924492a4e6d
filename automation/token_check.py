"""The daily Meta token check: Graph `debug_token` on the configured token says whether it is valid, when it
expires (0 = never, as for system-user tokens) and which permissions (scopes) it holds. The result is kept on
the check's job run (never the token itself); the alert rules warn when the token expires within 7 days, is no
longer valid, or has lost a permission it held before or that Pantau needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from campaigns.meta_client import MetaClient, MetaError
from campaigns.meta_connection import meta_client, resolve_token
from db.engine import session_scope
from db.settings import get_setting
from db.types import utcnow

REQUIRED = ("ads_read",)
BUDGET_PUSH_PERMISSION = "ads_management"


@dataclass
class TokenReport:
    """What `debug_token` said about the token, and what Pantau makes of it."""

    valid: bool | None = None
    expires_at: dt.datetime | None = None
    data_access_expires_at: dt.datetime | None = None
    token_type: str | None = None
    scopes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    reason: str | None = None
    error: str | None = None  # the check itself could not run (no token, network, Meta error)

    def summary(self) -> str:
        if self.error:
            return f"Token check failed: {self.error}"
        if not self.valid:
            return f"The token is not valid: {self.reason or 'Meta gave no reason'}"
        expiry = self.expires_at.date().isoformat() if self.expires_at else "never"
        text = f"Token valid, expires {expiry}, {len(self.scopes)} permission(s)"
        if self.missing or self.lost:
            text += f"; missing: {', '.join(sorted(set(self.missing) | set(self.lost)))}"
        return text

    def details(self) -> dict[str, Any]:
        return {
            "token": {
                "valid": self.valid,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "data_access_expires_at": self.data_access_expires_at.isoformat()
                if self.data_access_expires_at
                else None,
                "type": self.token_type,
                "scopes": self.scopes,
                "missing": self.missing,
                "lost": self.lost,
                "reason": self.reason,
            }
        }


def _moment(value: Any) -> dt.datetime | None:
    try:
        seconds = int(value or 0)
    except (TypeError, ValueError):
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds > 0 else None


def inspect_token(
    client: MetaClient, token: str, *, required: tuple[str, ...] = REQUIRED, previous: list[str] | None = None
) -> TokenReport:
    """Ask Graph's `debug_token` about `token` (one request); `previous` scopes reveal a lost permission."""
    body = client.get("debug_token", {"input_token": token})
    data = body.get("data") or {}
    report = TokenReport(
        valid=bool(data.get("is_valid")),
        expires_at=_moment(data.get("expires_at")),
        data_access_expires_at=_moment(data.get("data_access_expires_at")),
        token_type=data.get("type"),
        scopes=sorted(str(s) for s in data.get("scopes") or ()),
    )
    if not report.valid:
        error = data.get("error") or {}
        report.reason = client.scrub(str(error.get("message") or "not valid"))
    report.missing = [p for p in required if p not in report.scopes]
    report.lost = sorted(set(previous or ()) - set(report.scopes) - set(report.missing))
    return report


def _previous_scopes(url: str | None) -> list[str] | None:
    from automation.runs import latest_run

    with session_scope(url) as session:
        run = latest_run(session, "token.check", status="success")
        token = (run.details or {}).get("token") if run else None
        return list(token.get("scopes") or ()) if token and token.get("valid") else None


def run_check(
    url: str | None = None, *, now: dt.datetime | None = None, client: MetaClient | None = None
) -> TokenReport:
    """Check the configured token (the `token.check` job); `error` says why the check could not run."""
    now = now or utcnow()
    try:
        token = resolve_token()
        if not token:
            return TokenReport(error="No Meta access token is configured (FB_ACCESS_TOKEN or the Settings page).")
        client = client or meta_client()
        with session_scope(url) as session:
            push = bool(get_setting(session, "meta_budget_push"))
        required = REQUIRED + ((BUDGET_PUSH_PERMISSION,) if push else ())
        return inspect_token(client, token, required=required, previous=_previous_scopes(url))
    except MetaError as exc:
        if exc.kind == "token":
            # Meta refused the token itself: that is the answer, not a failed check.
            return TokenReport(valid=False, reason=str(exc))
        return TokenReport(error=str(exc))
