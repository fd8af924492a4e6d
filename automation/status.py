"""What the Sync page shows about the schedules: each job's timing, its last run and its next run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from automation import runs
from automation.jobs import JOBS
from automation.schedules import INTERVAL, due_slot, load_schedules, upcoming_slot
from db.calendar import workspace_timezone
from db.types import utcnow


@dataclass(frozen=True)
class ScheduleStatus:
    """One job's line on the Sync page."""

    job: str
    title: str  # N_-marked English
    enabled: bool
    every_hours: int | None
    hour: int | None
    last_status: str | None
    last_started: dt.datetime | None
    last_error: str | None
    next_run: dt.datetime | None
    waiting: bool  # a slot is due and no worker has claimed it yet (is a worker running?)


def schedule_status(session: Session, now: dt.datetime | None = None) -> list[ScheduleStatus]:
    """Every registered job with its schedule, last run and next run (UTC)."""
    now = now or utcnow()
    timezone = workspace_timezone(session)
    rows = []
    for schedule in load_schedules(session, JOBS.values()):
        spec = JOBS[schedule.job]
        last = runs.latest_run(session, schedule.job)
        due, _count = due_slot(schedule, timezone, now, runs.last_slot(session, schedule.job))
        # Give a worker a few minutes to pick a slot up before saying none seems to be running.
        waiting = due is not None and now - due > dt.timedelta(minutes=5)
        rows.append(
            ScheduleStatus(
                job=schedule.job,
                title=spec.title,
                enabled=schedule.enabled,
                every_hours=schedule.every_hours if spec.schedule == INTERVAL else None,
                hour=schedule.hour if spec.schedule != INTERVAL else None,
                last_status=last.status if last else None,
                last_started=last.started_at if last else None,
                last_error=last.error if last else None,
                next_run=upcoming_slot(schedule, timezone, now),
                waiting=waiting,
            )
        )
    return rows
