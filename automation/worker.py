"""The worker (`python cli.py worker`): every tick it reads the schedules, claims each due slot in the database
and runs it; APScheduler's BlockingScheduler drives the ticks, the heartbeats and a thread pool for the runs.

Correctness never depends on the scheduler's memory: a tick works out from the `job_run` table which slot is due
(after downtime, the latest missed slot, once), claims it with an INSERT that only one worker can win, and a
run whose worker died is claimed again after its lease. So any number of workers (and app replicas) may share one
PostgreSQL database. On SQLite run one worker: SQLite serialises writers, and the file lives on one machine.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from automation import runs
from automation.jobs import JOBS, JobContext, JobOutcome, JobSpec
from automation.schedules import due_slot, load_schedules
from db.calendar import workspace_timezone
from db.engine import session_scope
from db.secrets import redact
from db.types import utcnow

log = logging.getLogger("pantau.worker")
POLL_SECONDS = 30
HEARTBEAT_SECONDS = 60
RUN_THREADS = 3


@dataclass
class TickResult:
    """What one tick claimed and how each run ended (run id -> status)."""

    claimed: list[runs.Claim] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)


class Worker:
    """Claims and runs due jobs. `clock` is injectable so tests drive the schedule on a fake clock."""

    def __init__(
        self,
        url: str | None = None,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        jobs: dict[str, JobSpec] | None = None,
        owner: str | None = None,
        lease: dt.timedelta = runs.LEASE,
    ) -> None:
        self.url = url
        self.clock = clock
        self.jobs = jobs if jobs is not None else JOBS
        self.owner = owner or runs.owner_name()
        self.lease = lease
        self._active: set[int] = set()
        self._lock = threading.Lock()
        self._scheduler: BlockingScheduler | None = None

    # -- one tick -----------------------------------------------------------------------------------

    def due_claims(self) -> list[runs.Claim]:
        """Claim every job whose slot is due now (each claim its own transaction)."""
        now = self.clock()
        with session_scope(self.url) as session:
            runs.expire_stale(session, now, self.lease)
        with session_scope(self.url) as session:
            timezone = workspace_timezone(session)
            plans: list[tuple[str, dt.datetime, int, int]] = []
            for schedule in load_schedules(session, self.jobs.values()):
                if not schedule.enabled or runs.is_running(session, schedule.job):
                    continue
                last = runs.last_slot(session, schedule.job)
                slot, missed = due_slot(schedule, timezone, now, last)
                if slot is not None:
                    plans.append((schedule.job, slot, 1, missed))
                elif last is not None:
                    attempt = runs.retry_attempt(session, schedule.job, last)
                    if attempt is not None:
                        plans.append((schedule.job, last, attempt, 1))
        claims = []
        for job, slot, attempt, missed in plans:
            details = {"slots_caught_up": missed} if missed > 1 else None
            claim = runs.claim(self.url, job, slot, now, attempt=attempt, owner=self.owner, details=details)
            if claim is not None:
                claims.append(claim)
        return claims

    def execute(self, claim: runs.Claim) -> str:
        """Run one claimed job and record its outcome; a crash in the job is recorded, never lost silently."""
        with self._lock:
            self._active.add(claim.run_id)
        try:
            ctx = JobContext(url=self.url, now=self.clock(), run_id=claim.run_id, scheduled_for=claim.scheduled_for)
            try:
                outcome = self.jobs[claim.job].run(ctx)
            except Exception as exc:  # a bug or an unreachable database: the run says so
                log.exception("job %s failed", claim.job)
                outcome = JobOutcome(False, error=f"{type(exc).__name__}: {exc}")
            status = runs.SUCCESS if outcome.ok else runs.FAILED
            runs.finish(
                self.url,
                claim.run_id,
                status,
                self.clock(),
                summary=redact(outcome.summary) or None,
                error=redact(outcome.error) if outcome.error else None,
                details=outcome.details or None,
            )
            return status
        finally:
            with self._lock:
                self._active.discard(claim.run_id)

    def tick(self) -> TickResult:
        """Claim what is due and run it here, one after the other (tests, `worker --once`)."""
        result = TickResult(claimed=self.due_claims())
        for claim in result.claimed:
            result.outcomes[claim.run_id] = self.execute(claim)
        return result

    def beat(self) -> None:
        """Heartbeat for the runs in progress in this process."""
        with self._lock:
            active = sorted(self._active)
        runs.heartbeat(self.url, active, self.clock())

    # -- forever ------------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        assert self._scheduler is not None
        try:
            claims = self.due_claims()
        except Exception:
            log.exception("could not read the schedules (will try again)")
            return
        for claim in claims:
            with self._lock:
                self._active.add(claim.run_id)  # heartbeats start at once, before the thread picks it up
            self._scheduler.add_job(self.execute, args=[claim], id=f"run-{claim.run_id}", misfire_grace_time=None)

    def run_forever(self, poll_seconds: float = POLL_SECONDS, stop: threading.Event | None = None) -> None:
        """Tick every `poll_seconds` (the first at once, catching up after downtime) until SIGINT/SIGTERM."""
        scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(RUN_THREADS)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=dt.UTC,
        )
        self._scheduler = scheduler
        scheduler.add_job(self._dispatch, IntervalTrigger(seconds=poll_seconds), id="tick", next_run_time=utcnow())
        scheduler.add_job(self.beat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id="heartbeat")

        def _stop(*_args: object) -> None:
            scheduler.shutdown(wait=False)

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
        if stop is not None:

            def _stop_when_set() -> None:
                stop.wait()
                _stop()

            threading.Thread(target=_stop_when_set, daemon=True).start()
        scheduler.start()


def run_once(url: str | None = None, jobs: Iterable[str] | None = None) -> TickResult:
    """Run what is due now, once (`python cli.py worker --once`; handy from cron)."""
    registry = JOBS if jobs is None else {k: JOBS[k] for k in jobs}
    return Worker(url, jobs=registry).tick()
