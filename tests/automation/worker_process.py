"""One worker process for the two-worker test: ticks a fake clock over hourly slots against a shared database.

Usage: python -m tests.automation.worker_process URL START_ISO STEPS GO_FILE NAME
Each run of the job writes one audit entry naming its slot and this process, so the test can count executions.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

from automation.jobs import JobContext, JobOutcome, JobSpec
from automation.worker import Worker
from db import audit
from db.engine import session_scope
from db.roles import Actor


def main() -> None:
    url, start_iso, steps, go_file, name = sys.argv[1:6]
    start = dt.datetime.fromisoformat(start_iso)
    actor = Actor(f"{name}@test", "admin")

    def count(ctx: JobContext) -> JobOutcome:
        with session_scope(url) as session:
            audit.record(session, actor, "job", "slot", ctx.scheduled_for.isoformat(), summary=name)
        time.sleep(random.uniform(0.0, 0.05))
        return JobOutcome(True, "counted")

    spec = JobSpec("test.count", "count", "job", "interval", count, default_every_hours=1)
    now = {"t": start}
    worker = Worker(url, clock=lambda: now["t"], jobs={spec.key: spec}, owner=name)
    deadline = time.monotonic() + 60
    while not Path(go_file).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    claimed = 0
    for step in range(int(steps)):
        now["t"] = start + dt.timedelta(hours=step, seconds=1)
        for _ in range(3):  # both processes tick every slot several times, racing for it
            claimed += len(worker.tick().claimed)
            time.sleep(random.uniform(0.0, 0.01))
    print(claimed)


if __name__ == "__main__":
    main()
