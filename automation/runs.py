"""Job run records: claiming a due slot (once, whichever worker inserts first), heartbeats, outcomes, runs whose
worker died, and the run history the Sync page shows.

The claim is an INSERT of (job, scheduled_for, attempt) in a transaction of its own: the unique key makes the
second worker's INSERT fail (on PostgreSQL it waits for the first to commit, then fails), so a slot runs once.
A running row whose heartbeat is older than the lease belonged to a worker that died: it is marked abandoned
and the slot is claimed again as the next attempt (up to MAX_ATTEMPTS), so a claimed run is never lost.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import JobRun

RUNNING, SUCCESS, FAILED, ABANDONED = "running", "success", "failed", "abandoned"
LEASE = dt.timedelta(minutes=10)  # a run without a heartbeat for this long belonged to a worker that died
MAX_ATTEMPTS = 3
TRIGGER_SCHEDULE, TRIGGER_CLI = "schedule", "cli"


def owner_name() -> str:
    """This process, as written on the runs it claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    """A run this worker owns: the row id, the job and the slot it stands for."""

    run_id: int
    job: str
    scheduled_for: dt.datetime
    attempt: int


def expire_stale(session: Session, now: dt.datetime, lease: dt.timedelta = LEASE) -> int:
    """Mark running rows without a heartbeat within `lease` as abandoned (their worker died)."""
    cutoff = now - lease
    result = session.execute(  # an UPDATE answers with a cursor result (its rowcount)
        update(JobRun)
        .where(JobRun.status == RUNNING, func.coalesce(JobRun.heartbeat_at, JobRun.started_at) < cutoff)
        .values(
            status=ABANDONED,
            finished_at=now,
            error="The worker running this job stopped (no heartbeat); the run is tried again.",
        )
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount or 0


def last_slot(session: Session, job: str) -> dt.datetime | None:
    """The newest scheduled slot claimed for `job` (any outcome)."""
    return session.scalar(
        select(func.max(JobRun.scheduled_for)).where(JobRun.job == job, JobRun.trigger == TRIGGER_SCHEDULE)
    )


def is_running(session: Session, job: str) -> bool:
    """A run of `job` is in progress somewhere (a new slot waits for it)."""
    running = session.scalar(select(func.count(JobRun.id)).where(JobRun.job == job, JobRun.status == RUNNING))
    return (running or 0) > 0


def retry_attempt(session: Session, job: str, slot: dt.datetime) -> int | None:
    """The next attempt for a slot whose last attempt was abandoned, None when there is nothing to retry."""
    latest = session.scalars(
        select(JobRun).where(JobRun.job == job, JobRun.scheduled_for == slot).order_by(JobRun.attempt.desc()).limit(1)
    ).first()
    if latest is None or latest.status != ABANDONED or latest.attempt >= MAX_ATTEMPTS:
        return None
    return latest.attempt + 1


def claim(
    url: str | None,
    job: str,
    slot: dt.datetime,
    now: dt.datetime,
    *,
    attempt: int = 1,
    trigger: str = TRIGGER_SCHEDULE,
    owner: str | None = None,
    details: dict[str, Any] | None = None,
) -> Claim | None:
    """Insert the run row for (job, slot, attempt) in its own transaction; None when another worker has it."""
    try:
        with session_scope(url) as session:
            run = JobRun(
                job=job,
                scheduled_for=slot,
                attempt=attempt,
                trigger=trigger,
                status=RUNNING,
                claimed_by=owner or owner_name(),
                started_at=now,
                heartbeat_at=now,
                details=details,
            )
            session.add(run)
            session.flush()
            return Claim(run.id, job, slot, attempt)
    except IntegrityError:
        return None


def heartbeat(url: str | None, run_ids: list[int], now: dt.datetime) -> None:
    """Tell other workers these runs are alive."""
    if not run_ids:
        return
    with session_scope(url) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id.in_(run_ids), JobRun.status == RUNNING)
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )


def finish(
    url: str | None,
    run_id: int,
    status: str,
    now: dt.datetime,
    *,
    summary: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record a run's outcome (its own transaction)."""
    with session_scope(url) as session:
        run = session.get(JobRun, run_id)
        if run is None:
            return
        run.status = status
        run.finished_at = now
        run.summary = summary
        run.error = error
        if details is not None:
            run.details = {**(run.details or {}), **details}


def job_runs(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The newest job runs for the Sync page."""
    stmt = (
        select(
            JobRun.id,
            JobRun.job,
            JobRun.scheduled_for,
            JobRun.attempt,
            JobRun.trigger,
            JobRun.status,
            JobRun.started_at,
            JobRun.finished_at,
            JobRun.claimed_by,
            JobRun.summary,
            JobRun.error,
        )
        .order_by(JobRun.started_at.desc(), JobRun.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in session.execute(stmt).mappings()]


def latest_run(session: Session, job: str, status: str | None = None) -> JobRun | None:
    """The newest run of `job` (with `status`, when given)."""
    stmt = select(JobRun).where(JobRun.job == job)
    if status is not None:
        stmt = stmt.where(JobRun.status == status)
    return session.scalars(stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)).first()
