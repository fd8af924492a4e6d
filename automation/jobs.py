"""The job registry: what the worker can run on a schedule, each job one entry with its callable.

A new platform's sync plugs in with one `register(JobSpec(...))` line (see `_meta_sync` for the shape): the
Settings page lists it, the worker schedules it and the Sync page shows its runs, with nothing else to change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.errors import N_
from db.roles import Actor

# The worker acts as this admin-level actor (syncs need `sync.run`); its writes are audited under this name.
WORKER_ACTOR = Actor(email="worker@pantau", role="admin")


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the database, the current moment, its run record and the slot it runs for."""

    url: str | None
    now: dt.datetime
    run_id: int | None = None
    scheduled_for: dt.datetime | None = None
    actor: Actor = WORKER_ACTOR


@dataclass(frozen=True)
class JobOutcome:
    """How a run went: success or failed, an English one-line summary, the error, details kept on the run."""

    ok: bool
    summary: str = ""
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobSpec:
    """A job the worker can run: its key, title (N_-marked), kind (sync or job), schedule type and callable."""

    key: str
    title: str
    kind: str  # sync (writes SyncRuns) | job
    schedule: str  # interval | daily
    run: Callable[[JobContext], JobOutcome]
    default_every_hours: int | None = None
    default_hour: int | None = None


JOBS: dict[str, JobSpec] = {}


def register(spec: JobSpec) -> JobSpec:
    """Add (or replace) a job in the registry."""
    JOBS[spec.key] = spec
    return spec


def get_job(key: str) -> JobSpec:
    try:
        return JOBS[key]
    except KeyError:
        raise KeyError(f"unknown job {key!r}; known: {', '.join(sorted(JOBS))}") from None


def _meta_sync(ctx: JobContext) -> JobOutcome:
    from campaigns.sync import sync_facebook

    summary = sync_facebook(ctx.actor, url=ctx.url, now=ctx.now)
    text = (
        f"{summary.accounts} account(s), {summary.objects} objects, {summary.rows} rows, "
        f"{summary.requests} requests in {summary.seconds:.1f} s"
    )
    details = {"sync_runs": list(summary.runs), "accounts": summary.accounts, "rows": summary.rows}
    return JobOutcome(summary.ok, text, "; ".join(summary.errors) or None, details)


def _tiktok_sync(ctx: JobContext) -> JobOutcome:
    from campaigns.tiktok_sync import sync_tiktok

    summary = sync_tiktok(ctx.actor, url=ctx.url, now=ctx.now)
    text = (
        f"{summary.accounts} advertiser(s), {summary.objects} objects, {summary.rows} rows, "
        f"{summary.requests} requests in {summary.seconds:.1f} s"
    )
    details = {"sync_runs": list(summary.runs), "accounts": summary.accounts, "rows": summary.rows}
    return JobOutcome(summary.ok, text, "; ".join(summary.errors) or None, details)


def _digest(ctx: JobContext) -> JobOutcome:
    from automation.digest import send_due

    report = send_due(ctx.url, now=ctx.now, job_run_id=ctx.run_id)
    return JobOutcome(not report.errors, report.summary(), "; ".join(report.errors) or None, report.details())


def _token_check(ctx: JobContext) -> JobOutcome:
    from automation.token_check import run_check

    report = run_check(ctx.url, now=ctx.now)
    return JobOutcome(report.error is None, report.summary(), report.error, report.details())


register(JobSpec("sync.facebook", N_("Meta sync"), "sync", "interval", _meta_sync, default_every_hours=12))
register(JobSpec("sync.tiktok", N_("TikTok sync"), "sync", "interval", _tiktok_sync, default_every_hours=12))
register(JobSpec("alerts.digest", N_("Alert digest"), "job", "daily", _digest, default_hour=8))
register(JobSpec("token.check", N_("Meta token check"), "job", "daily", _token_check, default_hour=7))
