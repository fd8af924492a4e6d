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
from db.errors import N_, Message
from db.types import utcnow


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


INTERRUPTED = N_("Interrupted: the sync process stopped before finishing; nothing of this window was written.")


def close_interrupted_runs(session: Session) -> int:
    """Mark runs left 'running' by a process that died (killed, crashed) as failed."""
    count = 0
    host = socket.gethostname()
    for run in session.scalars(select(SyncRun).where(SyncRun.status == "running")):
        details = run.details or {}
        if details.get("host") == host and details.get("pid") and not _pid_alive(int(details["pid"])):
            run.status = "failed"
            run.finished_at = utcnow()
            run.error = INTERRUPTED
            run.details = error_details(Message(INTERRUPTED), details)
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
    error: str | Message | None,
) -> None:
    """Close a run with its outcome and the requests the client sent for it (its own transaction).

    An `error` message is stored in English (`error`) and as data (`details["error_message"]`) that the Sync
    page's history translates."""
    with session_scope(url) as session:
        values: dict[str, Any] = {}
        if isinstance(error, Message):
            details = session.scalar(select(SyncRun.details).where(SyncRun.id == run_id)) or {}
            values["details"] = error_details(error, details)
        session.execute(
            update(SyncRun)
            .where(SyncRun.id == run_id)
            .values(
                status=status,
                finished_at=utcnow(),
                requests=client.requests - requests_before,
                objects=objects,
                rows=rows,
                error=None if error is None else str(error),
                **values,
            )
        )


def error_details(error: Message, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A run's `details` with its error as a translatable message."""
    return {**(details or {}), "error_message": error.to_data()}


def run_error(run: dict[str, Any]) -> Message | None:
    """A run's error as a message (from its details; an older run's English text as it is), None without one."""
    stored = (run.get("details") or {}).get("error_message")
    if stored:
        return Message.from_data(stored)
    return Message(N_("{reason}"), {"reason": run["error"]}) if run.get("error") else None
