"""Sync run records: a SyncRun per account window (and per import), opened before and finished after the work
in transactions of their own, and runs left 'running' by a process that died closed as failed."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from campaigns.models import SyncRun
from db.engine import session_scope
from db.types import utcnow


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_interrupted_runs(session: Session) -> int:
    """Mark runs left 'running' by a process that died (killed, crashed) as failed."""
    count = 0
    host = socket.gethostname()
    for run in session.scalars(select(SyncRun).where(SyncRun.status == "running")):
        details = run.details or {}
        if details.get("host") == host and details.get("pid") and not _pid_alive(int(details["pid"])):
            run.status = "failed"
            run.finished_at = utcnow()
            run.error = "Interrupted: the sync process stopped before finishing; nothing of this window was written."
            count += 1
    return count


def finish_run(
    url: str | None,
    run_id: int,
    status: str,
    client: Any,
    requests_before: int,
    calls_before: int,
    objects: int,
    rows: int,
    error: str | None,
) -> None:
    """Close a run with its outcome and the requests the client sent for it (its own transaction)."""
    with session_scope(url) as session:
        session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(
                status=status,
                finished_at=utcnow(),
                requests=client.requests - requests_before,
                objects=objects,
                rows=rows,
                error=error,
            )
        )
