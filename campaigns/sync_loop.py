"""The per-account loop every platform's sync shares (Meta in campaigns/sync.py, TikTok in campaigns/tiktok_sync.py):
each account under its sync lock, its SyncRun opened before and finished after the window's own transaction, the
summary of what was done, and the early stop when the token fails for every account.

The platforms differ only in what they pass in: how an account is stored from the platform's answer, its window,
the work of one window, which errors are expected (recorded on the run, never a traceback) and which of them stop
the remaining accounts."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from campaigns.models import AdAccount, SyncRun
from campaigns.sync_lock import SyncBusy, account_sync_lock
from campaigns.sync_runs import error_details, finish_run
from db.calendar import local_today
from db.engine import session_scope
from db.errors import N_, DomainError, Message, as_message
from db.roles import Actor
from db.text import FROM_API
from db.types import utcnow

Progress = Callable[[Message, float], None]  # (step in words, fraction done): pages translate, the CLI prints


@dataclass
class SyncSummary:
    """What a sync did, for the CLI summary and the Sync page."""

    accounts: int = 0
    objects: int = 0
    rows: int = 0
    requests: int = 0
    calls: int = 0
    seconds: float = 0.0
    runs: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # every failure in English (the CLI prints them)
    # The same failures as translatable messages for the Sync page, apart from `refused`.
    problems: list[Message] = field(default_factory=list)
    # Accounts another sync was still writing after the waiting time (also in `errors`, in English).
    refused: list[Message] = field(default_factory=list)

    def fail(self, problem: Message | str, account: str | None = None) -> None:
        """Record a failure (of one account when `account` names it)."""
        message = as_message(problem)
        if account is not None:
            message = Message(N_("{account}: {error}"), {"account": account, "error": message})
        self.problems.append(message)
        self.errors.append(str(message))

    def refuse(self, busy: SyncBusy) -> None:
        self.refused.append(busy.message)
        self.errors.append(str(busy))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Platform:
    """What one platform's sync plugs into the loop."""

    code: str  # the sync lock's platform ("meta", "tiktok")
    kind: str  # the SyncRun kind (SOURCE_META_API, SOURCE_TIKTOK_API)
    expected: type[DomainError]  # the platform's own errors: recorded on the run, never a traceback
    stops: Callable[[DomainError], bool]  # an error that fails every account the same way (the token)
    calls: Callable[[Any], int] = lambda client: 0  # the client's API call count, where it keeps one


@dataclass(frozen=True)
class Account:
    """One account of the platform's answer, as the loop handles it."""

    ident: str  # the platform's account id, for the lock
    label: str  # how a refusal names it ("act_111", "TikTok 7001")
    store: Callable[[Session], AdAccount]  # upsert the account from the platform's answer
    window: Callable[[Session, AdAccount, dt.date], tuple[dt.date, dt.date]]  # the window from the local today
    work: Callable[[Session, AdAccount, dt.date, dt.date, Progress], tuple[int, int]]  # -> objects, rows
    details: Callable[[AdAccount], dict[str, Any]] = lambda account: {}  # more of the run's details


def sync_accounts(
    platform: Platform,
    url: str | None,
    actor: Actor,
    client: Any,
    accounts: Iterable[Account],
    summary: SyncSummary,
    say: Progress,
    now: dt.datetime | None,
) -> None:
    """Every account in turn, each under its sync lock (a busy one is refused in the summary and skipped); stops
    early when an error says every remaining account would fail the same way."""
    found = list(accounts)
    share = 1 / max(1, len(found))
    for index, account in enumerate(found):

        def progress(message: Message, fraction: float, index: int = index) -> None:
            say(message, (index + fraction) * share)

        try:
            with account_sync_lock(url, platform.code, account.ident, account.label, actor.email):
                stop = _one_window(platform, url, actor, client, account, summary, progress, now)
        except SyncBusy as busy:
            summary.refuse(busy)
            continue
        if stop:
            break


def _one_window(
    platform: Platform,
    url: str | None,
    actor: Actor,
    client: Any,
    account: Account,
    summary: SyncSummary,
    progress: Progress,
    now: dt.datetime | None,
) -> bool:
    """One account window: a SyncRun, the window's transaction, the run's outcome. True: stop the others."""
    requests_before, calls_before = client.requests, platform.calls(client)
    with session_scope(url) as session:
        session.info[FROM_API] = True
        stored = account.store(session)
        since, until = account.window(session, stored, local_today(stored.timezone_name, now))
        run = SyncRun(
            account_id=stored.id,
            kind=platform.kind,
            window_since=since,
            window_until=until,
            triggered_by=actor.email,
            details={
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "timezone": stored.timezone_name,
                **account.details(stored),
            },
        )
        session.add(run)
        session.flush()
        run_id, account_pk, name = run.id, stored.id, stored.name
    summary.runs.append(run_id)
    failure: DomainError | None = None
    objects = rows = 0
    try:
        with session_scope(url) as session:
            stored = session.get_one(AdAccount, account_pk)
            objects, rows = account.work(session, stored, since, until, progress)
    except platform.expected as exc:
        failure = exc
    except Exception as exc:  # recorded on the run, then re-raised for a real bug's traceback
        finish_run(url, run_id, "failed", client, requests_before, calls_before, 0, 0, f"{type(exc).__name__}: {exc}")
        raise
    error = None if failure is None else failure.message
    status = "failed" if error else "success"
    finish_run(url, run_id, status, client, requests_before, calls_before, objects, rows, error)
    summary.accounts += 1
    summary.objects += objects
    summary.rows += rows
    if failure is not None:
        summary.fail(failure.message, account=name)
        return platform.stops(failure)
    return False


def failed_run(url: str | None, actor: Actor, kind: str, error: DomainError) -> int:
    """A run that failed before any account was read (listing the accounts): recorded without an account."""
    with session_scope(url) as session:
        run = SyncRun(
            kind=kind,
            status="failed",
            error=str(error),
            details=error_details(error.message),
            triggered_by=actor.email,
            finished_at=utcnow(),
        )
        session.add(run)
        session.flush()
        return run.id


def finish_summary(summary: SyncSummary, requests: int, calls: int, started: float) -> SyncSummary:
    """The summary's request counts and time, at the end of a sync."""
    summary.requests, summary.calls = requests, calls
    summary.seconds = time.monotonic() - started
    return summary
