"""Schedules an admin sets on the Settings page: when each registered job is due, in the workspace time zone.

A schedule is either "every N hours" (slots anchored at midnight, 1 January 2000, in the workspace zone, so every
6 hours means 00:00, 06:00, 12:00 and 18:00) or "daily at an hour". The slot arithmetic comes from APScheduler's
triggers (`IntervalTrigger`, `CronTrigger`: DST-aware); which slot is due and whether it already ran is decided
by the `job_run` table, never by a scheduler's memory, so any number of workers agree on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from db.calendar import zone
from db.errors import N_, DomainError
from db.roles import Actor
from db.settings import get_setting, set_setting
from db.types import utcnow

SETTING_KEY = "schedules"
INTERVAL = "interval"
DAILY = "daily"
ANCHOR = dt.datetime(2000, 1, 1)  # local midnight in the workspace zone: the first "every N hours" slot
MAX_EVERY_HOURS = 168
# A worker that was down longer than this catches up only the latest slot inside it (older slots are moot).
CATCH_UP_HORIZON = dt.timedelta(days=8)
_SECOND = dt.timedelta(microseconds=1)


class ScheduleError(DomainError):
    """A schedule could not be saved; the message says which value and why."""


@dataclass(frozen=True)
class Schedule:
    """One job's schedule: on or off, its timing, and since when it is in force (slots before don't count)."""

    job: str
    kind: str  # interval | daily
    enabled: bool
    every_hours: int | None = None
    hour: int | None = None
    since: dt.datetime | None = None

    def trigger(self, timezone: str) -> BaseTrigger:
        """The APScheduler trigger that yields this schedule's slots in `timezone`."""
        tz = zone(timezone)
        if self.kind == INTERVAL:
            return IntervalTrigger(hours=self.every_hours or 24, start_date=ANCHOR.replace(tzinfo=tz), timezone=tz)
        return CronTrigger(hour=self.hour or 0, minute=0, timezone=tz)

    def to_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "every_hours": self.every_hours,
            "hour": self.hour,
            "since": self.since.isoformat() if self.since else None,
        }


def next_slot(trigger: BaseTrigger, after: dt.datetime) -> dt.datetime | None:
    """The first slot strictly after `after` (aware), in UTC."""
    slot = trigger.get_next_fire_time(None, after + _SECOND)
    return slot.astimezone(dt.UTC) if slot is not None else None


def due_slot(
    schedule: Schedule, timezone: str, now: dt.datetime, last_slot: dt.datetime | None = None
) -> tuple[dt.datetime | None, int]:
    """The latest slot at or before `now` that is newer than `last_slot` and the schedule's start, and how many
    slots it stands for (missed slots after downtime are caught up once, as the latest of them)."""
    if not schedule.enabled:
        return None, 0
    floor = now - CATCH_UP_HORIZON
    after = max(x for x in (schedule.since, last_slot, floor) if x is not None)
    trigger = schedule.trigger(timezone)
    latest, count = None, 0
    slot = next_slot(trigger, after)
    while slot is not None and slot <= now:
        latest, count = slot, count + 1
        slot = next_slot(trigger, slot)
    return latest, count


def upcoming_slot(schedule: Schedule, timezone: str, now: dt.datetime) -> dt.datetime | None:
    """The next slot after `now` (for the Sync page), None when the schedule is off."""
    if not schedule.enabled:
        return None
    after = max(now, schedule.since) if schedule.since else now
    return next_slot(schedule.trigger(timezone), after)


def _stored(session: Session) -> dict[str, Any]:
    value = get_setting(session, SETTING_KEY)
    return value if isinstance(value, dict) else {}


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def load_schedules(session: Session, specs: Any) -> list[Schedule]:
    """Every registered job's schedule (stored values over each job's defaults; off until an admin turns it on).

    `specs` is the job registry's values (`automation.jobs.JOBS.values()`)."""
    stored = _stored(session)
    schedules = []
    for spec in specs:
        raw = stored.get(spec.key) or {}
        every = raw.get("every_hours", spec.default_every_hours)
        hour = raw.get("hour", spec.default_hour)
        schedules.append(
            Schedule(
                job=spec.key,
                kind=spec.schedule,
                enabled=bool(raw.get("enabled", False)),
                every_hours=int(every) if spec.schedule == INTERVAL and every is not None else None,
                hour=int(hour) if spec.schedule == DAILY and hour is not None else None,
                since=_parse_time(raw.get("since")),
            )
        )
    return schedules


def save_schedule(
    session: Session,
    actor: Actor,
    spec: Any,
    *,
    enabled: bool,
    every_hours: int | None = None,
    hour: int | None = None,
    now: dt.datetime | None = None,
) -> Schedule:
    """Turn a job's schedule on or off or change its timing (admin, audited through the settings table).

    A change of timing or a switch on starts the schedule afresh: slots before it do not count as missed."""
    if spec.schedule == INTERVAL:
        if every_hours is None or not 1 <= int(every_hours) <= MAX_EVERY_HOURS:
            raise ScheduleError(
                N_("Every how many hours: a whole number from 1 to {most}, not {value}."),
                most=MAX_EVERY_HOURS,
                value=every_hours,
            )
        every_hours, hour = int(every_hours), None
    else:
        if hour is None or not 0 <= int(hour) <= 23:
            raise ScheduleError(N_("Hour of the day: a whole hour from 0 to 23, not {value}."), value=hour)
        hour, every_hours = int(hour), None
    stored = dict(_stored(session))
    before = stored.get(spec.key) or {}
    since = _parse_time(before.get("since"))
    timing_changed = before.get("every_hours") != every_hours or before.get("hour") != hour
    if enabled and (not before.get("enabled") or timing_changed or since is None):
        since = now or utcnow()
    schedule = Schedule(spec.key, spec.schedule, bool(enabled), every_hours, hour, since)
    stored[spec.key] = schedule.to_json()
    set_setting(session, actor, SETTING_KEY, stored)
    return schedule
