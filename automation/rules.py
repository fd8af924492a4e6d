"""Alert rules for delivery: which conditions hold now, each with its category, a fingerprint of the condition and
the window within which the same condition is not sent again.

The budget conditions come from `budgets.alerts` (over-pacing, exhausted plans, lifetime budgets ending early,
spend without a plan, overdue deliverables) plus under-pacing from the same pacing verdicts; then overdue
payments, failed syncs, budget changes awaiting approval and the Meta token (from the latest token check).
A month that has ended gets no forecast: for the week after it, a scope whose final verdict is "over plan" is a
notice once (within plan and under plan are not: nothing is left to act on), never over-pacing or running out.
Every template is an English sentence marked with `N_()` (or the one `budgets.alerts` wrote), translated when the
message is rendered for a recipient.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgets import pacing
from budgets.alerts import OVER_PACING, OVER_PLAN, OVER_PLAN_TEXT, build_alerts
from budgets.changes import open_changes
from budgets.overview import budget_overview
from budgets.plans import plan_scopes
from campaigns.models import AdAccount, SyncRun
from db.calendar import Period, workspace_today
from db.errors import N_
from db.models import JobRun
from db.secrets import redact
from influencers.queries import overdue_deliverables, program_payments

PACING, DELIVERABLES, PAYMENTS, SYNC, APPROVALS, TOKEN = (
    "pacing",
    "deliverables",
    "payments",
    "sync",
    "approvals",
    "token",
)
CATEGORIES = (PACING, DELIVERABLES, PAYMENTS, SYNC, APPROVALS, TOKEN)
CATEGORY_TITLES = {
    PACING: N_("Budgets and pacing"),
    DELIVERABLES: N_("Overdue deliverables"),
    PAYMENTS: N_("Overdue payments"),
    SYNC: N_("Sync failures"),
    APPROVALS: N_("Budget changes awaiting approval"),
    TOKEN: N_("Meta access token"),
}
# Who may receive a category: the page it is about (db.roles.PAGE_ACCESS) or the permission to act on it.
CATEGORY_PAGE = {PACING: "budgets", DELIVERABLES: "programs", PAYMENTS: "programs", SYNC: "sync", TOKEN: "sync"}
CATEGORY_PERMISSION = {APPROVALS: "budget.approve"}
# Within its window the same condition is not sent again to the same recipient on the same channel.
WINDOWS = {
    PACING: dt.timedelta(days=3),
    DELIVERABLES: dt.timedelta(days=7),
    PAYMENTS: dt.timedelta(days=7),
    SYNC: dt.timedelta(days=30),  # one message per failed run
    APPROVALS: dt.timedelta(days=1),
    TOKEN: dt.timedelta(days=1),
}
# A final verdict never changes (the period is over): sent once, not again every pacing window.
KIND_WINDOWS = {OVER_PLAN: dt.timedelta(days=40)}
# How long after a month ends its final "over plan" verdicts are news (then the Budgets page has them).
FINAL_NOTICE_DAYS = 7
UNDER_PACING = "under_pacing"
PAYMENT_OVERDUE = "payment_overdue"
SYNC_FAILED = "sync_failed"
APPROVAL_WAITING = "approval_waiting"
TOKEN_EXPIRING = "token_expiring"
TOKEN_INVALID = "token_invalid"
TOKEN_PERMISSION = "token_permission"
TOKEN_WARNING_DAYS = 7
SYNC_LOOKBACK = dt.timedelta(hours=48)
ERROR_LENGTH = 300

# budgets.alerts writes the over-pacing template; under-pacing uses the same sentence (one translation).
PACE_TEMPLATE = "{name}: projected {projected} against a plan of {planned} ({percent}% of plan)."
PAYMENT_TEMPLATE = N_("{influencer} ({program}): payment #{id} of {amount} was due {due} and is still {status}.")
SYNC_TEMPLATE = N_("The {source} sync of {account} failed ({when}): {error}")
JOB_FAILED_TEMPLATE = N_("The scheduled {job} failed ({when}): {error}")
APPROVAL_TEMPLATE = N_("{scope}: a change from {old_amount} to {new_amount} proposed by {by} is waiting for approval.")
TOKEN_EXPIRING_TEMPLATE = N_(
    "The Meta access token expires on {day} ({days} days left): create a new system-user token and store it "
    "before syncs stop."
)
TOKEN_INVALID_TEMPLATE = N_("Meta no longer accepts the access token ({reason}): syncs will fail until it is replaced.")
TOKEN_PERMISSION_TEMPLATE = N_(
    "The Meta access token has lost the {permission} permission: grant it to the system user again."
)
# budgets.alerts.deliverable_alerts' template (its wording lives there; pages list it in terms.ALERT_TEMPLATES)
DELIVERABLE_TEMPLATE = "{influencer} ({program}): {type} on {platform} was due {due} and is {status}, {days} days late."
# What the notices carry as codes: each template's placeholders that hold one, with the kind of label map
# (finance.labels.ALL_LABEL_MAPS) it is shown by, so automation.i18n.Renderer writes the pages' word for it.
CODE_PLACEHOLDERS: dict[str, dict[str, str]] = {
    DELIVERABLE_TEMPLATE: {"type": "deliverable_type", "platform": "platform", "status": "deliverable_status"},
    PAYMENT_TEMPLATE: {"status": "payment_status"},
    SYNC_TEMPLATE: {"source": "sync_source"},  # SyncRun.kind: the platform's name (Meta, TikTok, ...)
}


@dataclass(frozen=True)
class Notice:
    """A condition that holds now: what to say, to whom (category), and its identity for de-duplication."""

    category: str
    kind: str
    severity: str  # error | warning | info
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    condition: str = ""  # what makes it the same condition: kind, record and the state that matters

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.condition.encode()).hexdigest()[:40]

    @property
    def window(self) -> dt.timedelta:
        return window_of(self.category, self.kind)


def window_of(category: str, kind: str | None) -> dt.timedelta:
    """Within this time the same condition is not sent again: the kind's own window, else its category's."""
    return KIND_WINDOWS.get(kind or "", WINDOWS.get(category, dt.timedelta(days=1)))


def longest_window() -> dt.timedelta:
    """The longest window of any condition: how far back the digest looks for what was already sent."""
    return max([*WINDOWS.values(), *KIND_WINDOWS.values()])


def pacing_notices(session: Session, today: dt.date, now: dt.datetime) -> list[Notice]:
    """The month's budget alerts and overdue deliverables (budgets.alerts), and under-pacing scopes."""
    period = Period.month_of(today)
    overview = budget_overview(session, period, now=now, today=today)
    notices = []
    for alert in build_alerts(overview.pacings, overdue_deliverables(session, today)):
        if alert.kind == "deliverable_overdue":
            condition = f"{alert.kind}:{alert.scope_key}:{alert.values.get('due')}"
            notices.append(Notice(DELIVERABLES, alert.kind, alert.severity, alert.template, alert.values, condition))
        else:
            condition = f"{alert.kind}:{alert.scope_key}:{period.start}"
            notices.append(Notice(PACING, alert.kind, alert.severity, alert.template, alert.values, condition))
    for p in overview.pacings:
        if p.status in (pacing.UNDER_PACING, pacing.STOPPED_BELOW_PLAN):  # a stopped scope short of plan too
            s = p.scope
            values = {
                "name": s.name,
                "currency": s.currency,
                "projected": p.projected,
                "planned": p.planned,
                "percent": 0 if p.pace_ratio is None else int((p.pace_ratio * 100).to_integral_value()),
            }
            condition = f"{UNDER_PACING}:{s.scope_key}:{period.start}"
            notices.append(Notice(PACING, UNDER_PACING, "warning", PACE_TEMPLATE, values, condition))
    return notices + final_notices(session, today, now)


def final_notices(session: Session, today: dt.date, now: dt.datetime) -> list[Notice]:
    """In the first `FINAL_NOTICE_DAYS` days of a month: last month's scopes whose final verdict is over plan.

    Only scopes whose own today is past the month's end have a verdict (`budgets.pacing.has_ended`): an ad account
    in a zone behind the workspace's is still on the last day and is left for a later run, never told it
    over-paces or runs out in a month that is over. Within plan and under plan raise nothing."""
    previous = Period.month_of(Period.month_of(today).start - dt.timedelta(days=1))
    if (today - previous.end).days > FINAL_NOTICE_DAYS:
        return []
    overview = budget_overview(session, previous, now=now, today=today)
    notices = []
    for alert in build_alerts([p for p in overview.pacings if p.status in pacing.FINAL_STATUSES], []):
        if alert.kind != OVER_PLAN:
            continue  # spend without a plan is the running month's news, not a verdict
        condition = f"{alert.kind}:{alert.scope_key}:{previous.start}"
        notices.append(Notice(PACING, alert.kind, alert.severity, OVER_PLAN_TEXT, alert.values, condition))
    return notices


def payment_notices(session: Session, today: dt.date) -> list[Notice]:
    """Payments still pending or approved after their due date."""
    frame = program_payments(session, None, today)
    notices = []
    for row in frame[frame["overdue"]].itertuples():
        values = {
            "influencer": row.influencer,
            "program": row.program,
            "id": int(cast(int, row.id)),
            "amount": row.amount,
            "currency": row.currency,
            "due": row.due_date,
            "status": row.status,
        }
        late = (today - cast(dt.date, row.due_date)).days
        severity = "error" if late > 7 else "warning"
        notices.append(
            Notice(PAYMENTS, PAYMENT_OVERDUE, severity, PAYMENT_TEMPLATE, values, f"payment:{row.id}:{row.due_date}")
        )
    return notices


def _error_text(error: str | None) -> str:
    text = redact((error or "").strip()) or "?"
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


def sync_notices(session: Session, now: dt.datetime, job_titles: dict[str, str]) -> list[Notice]:
    """Sync runs that failed in the last two days, and scheduled sync jobs that failed before any run began."""
    since = now - SYNC_LOOKBACK
    notices = []
    stmt = (
        select(SyncRun.id, SyncRun.kind, SyncRun.started_at, SyncRun.error, AdAccount.name)
        .outerjoin(AdAccount, AdAccount.id == SyncRun.account_id)
        .where(SyncRun.status == "failed", SyncRun.started_at >= since)
        .order_by(SyncRun.started_at, SyncRun.id)
    )
    for run_id, kind, started, error, account in session.execute(stmt):
        values = {
            "source": kind,
            "account": account or "—",
            "when": started,
            "error": _error_text(error),
        }
        notices.append(Notice(SYNC, SYNC_FAILED, "error", SYNC_TEMPLATE, values, f"sync_run:{run_id}"))
    jobs = (
        select(JobRun)
        .where(JobRun.job.startswith("sync."), JobRun.status == "failed", JobRun.started_at >= since)
        .order_by(JobRun.started_at, JobRun.id)
    )
    for run in session.scalars(jobs):
        if (run.details or {}).get("sync_runs"):
            continue  # its SyncRuns say what failed
        values = {"job": job_titles.get(run.job, run.job), "when": run.started_at, "error": _error_text(run.error)}
        notices.append(Notice(SYNC, SYNC_FAILED, "error", JOB_FAILED_TEMPLATE, values, f"job_run:{run.id}"))
    return notices


def approval_notices(session: Session) -> list[Notice]:
    """Budget changes proposed and not yet decided."""
    names = {key: name for key, _kind, name, _currency in plan_scopes(session)}
    notices = []
    for row in open_changes(session):
        values = {
            "scope": names.get(row["scope_key"], row["scope_key"]),
            "old_amount": row["old_amount"],
            "new_amount": row["new_amount"],
            "currency": row["currency"],
            "by": row["proposed_by"],
        }
        notices.append(Notice(APPROVALS, APPROVAL_WAITING, "info", APPROVAL_TEMPLATE, values, f"change:{row['id']}"))
    return notices


def token_notices(check: dict[str, Any] | None, now: dt.datetime, today: dt.date) -> list[Notice]:
    """From the latest token check's details: invalid, expiring within 7 days, permissions lost or missing."""
    if not check:
        return []
    notices = []
    if check.get("valid") is False:
        reason = _error_text(check.get("reason"))
        notices.append(
            Notice(TOKEN, TOKEN_INVALID, "error", TOKEN_INVALID_TEMPLATE, {"reason": reason}, f"token_invalid:{today}")
        )
        return notices
    expires = check.get("expires_at")
    if expires:
        moment = dt.datetime.fromisoformat(expires)
        left = moment - now
        if dt.timedelta(0) <= left <= dt.timedelta(days=TOKEN_WARNING_DAYS):
            values = {"day": moment.date(), "days": max(0, left.days)}
            notices.append(
                Notice(TOKEN, TOKEN_EXPIRING, "warning", TOKEN_EXPIRING_TEMPLATE, values, f"token_expiring:{today}")
            )
    for permission in sorted(set(check.get("lost") or ()) | set(check.get("missing") or ())):
        notices.append(
            Notice(
                TOKEN,
                TOKEN_PERMISSION,
                "error",
                TOKEN_PERMISSION_TEMPLATE,
                {"permission": permission},
                f"token_permission:{permission}:{today}",
            )
        )
    return notices


def collect_notices(session: Session, now: dt.datetime, job_titles: dict[str, str] | None = None) -> list[Notice]:
    """Every condition that holds at `now`, most severe first within each category."""
    from automation.runs import latest_run

    today = workspace_today(session, now)
    check = latest_run(session, "token.check", status="success")
    notices = [
        *pacing_notices(session, today, now),
        *payment_notices(session, today),
        *sync_notices(session, now, job_titles or {}),
        *approval_notices(session),
        *token_notices((check.details or {}).get("token") if check else None, now, today),
    ]
    order = {"error": 0, "warning": 1, "info": 2}
    notices.sort(key=lambda n: (CATEGORIES.index(n.category), order.get(n.severity, 9)))
    return notices


__all__ = ["CATEGORIES", "OVER_PACING", "OVER_PLAN", "Notice", "collect_notices", "window_of"]
