"""One sync per ad account at a time: the lock every sync (Meta, TikTok; CLI, page, worker) takes per account.

A second sync of the same account (cron plus a click on "Sync now", two replicas) waits up to
`PANTAU_LOCK_WAIT_SECONDS` for the first, then is refused with `SyncBusy`: "A sync of act_X has been running
since HH:MM (workspace time) by who on host". Syncs of different accounts never wait for each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from db.calendar import local_datetime, workspace_timezone
from db.engine import session_scope
from db.errors import N_, DomainError
from db.locks import Holder, LockBusy, named_lock


class SyncBusy(DomainError):
    """Another process is syncing this account and did not finish within the waiting time."""

    def __init__(self, account: str, holder: Holder | None, since: str):
        self.account = account
        self.holder = holder
        super().__init__(
            N_(
                "A sync of {account} has been running since {since} (workspace time) by {who} on {host}; "
                "try again when it has finished."
            ),
            account=account,
            since=since,
            who=(holder.who if holder else None) or "?",
            host=(holder.host if holder else None) or "?",
        )


def lock_name(platform: str, account_id: str) -> str:
    return f"sync:{platform}:{account_id}"


def _since_text(url: str | None, holder: Holder | None) -> str:
    if holder is None or holder.since is None:
        return "?"
    with session_scope(url) as session:
        zone = workspace_timezone(session)
    moment = local_datetime(holder.since, zone)
    return moment.strftime("%H:%M") if moment else "?"


@contextmanager
def account_sync_lock(
    url: str | None, platform: str, account_id: str, label: str, who: str, wait: float | None = None
) -> Iterator[None]:
    """Hold the sync lock of one account (`label` names it in the refusal, e.g. "act_123")."""
    with ExitStack() as stack:
        try:
            stack.enter_context(named_lock(lock_name(platform, account_id), url=url, wait=wait, who=who))
        except LockBusy as busy:
            raise SyncBusy(label, busy.holder, _since_text(url, busy.holder)) from None
        yield
