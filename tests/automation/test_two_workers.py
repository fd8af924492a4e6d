"""Two worker processes on one database (PostgreSQL in CI; SQLite too): every slot runs exactly once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from automation.jobs import JobSpec
from automation.schedules import save_schedule
from db.engine import session_scope
from db.models import AuditEntry, JobRun
from tests.automation.conftest import ADMIN

ROOT = Path(__file__).resolve().parents[2]
STEPS = 8


def test_two_workers_never_double_run_a_slot_and_never_lose_one(migrated_url: str, tmp_path: Path) -> None:
    start = dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)
    spec = JobSpec("test.count", "count", "job", "interval", lambda ctx: None, default_every_hours=1)
    with session_scope(migrated_url) as s:
        save_schedule(s, ADMIN, spec, enabled=True, every_hours=1, now=start - dt.timedelta(minutes=30))
    go = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": migrated_url, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.automation.worker_process",
                migrated_url,
                start.isoformat(),
                str(STEPS),
                str(go),
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("worker-a", "worker-b")
    ]
    go.touch()
    results = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _out, err in results]
    claimed = [int(out.strip().splitlines()[-1]) for out, _err in results]

    with session_scope(migrated_url) as s:
        executions = Counter(s.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "job")))
        rows = list(s.scalars(select(JobRun).where(JobRun.job == "test.count")))
    expected = {(start + dt.timedelta(hours=h)).isoformat() for h in range(STEPS)}
    assert set(executions) == expected  # never lost
    assert set(executions.values()) == {1}  # never twice
    assert sum(claimed) == STEPS == len(rows)
    assert {r.status for r in rows} == {"success"}
    assert len({(r.job, r.scheduled_for) for r in rows}) == STEPS
