"""One sync per ad account at a time, on SQLite and PostgreSQL: two real `sync facebook` processes against the
fake Graph API. The second waits for the first (then re-reads the window itself) or, when its waiting time runs
out, exits 1 with one line naming who has been syncing the account since when; never an IntegrityError, a
StaleDataError or a traceback, and the data is exactly what Meta reports."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from campaigns.models import AdSetInsight, Campaign, CampaignInsight, SyncRun
from campaigns.sync_lock import lock_name
from db.engine import session_scope
from db.locks import current_holder
from tests.fakes.graph_api import FakeGraph
from tests.sync.test_sync import _world

ROOT = Path(__file__).resolve().parents[2]
SYNC = [sys.executable, "cli.py", "sync", "facebook", "--account", "act_111", "--since", "2026-03-01"]


def _start(url: str, wait: float) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PANTAU_LOCK_WAIT_SECONDS": str(wait)}
    return subprocess.Popen(SYNC, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _until(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _first_sync_holding_insights(fake: FakeGraph, url: str) -> subprocess.Popen:
    """The first sync, stopped (by the fake) while it reads insights: it holds the account's lock."""
    _world(fake)
    fake.hold = threading.Event()
    fake.hold_match = "act_111/insights"
    fake.held.clear()
    first = _start(url, 5)
    _until(lambda: fake.held.is_set() and fake.requests_to("act_111/adsets"), "the first sync never read insights")
    return first


def _account_lookups(fake: FakeGraph) -> int:
    return sum(1 for r in fake.log if r["path"] == "act_111" or r["path"].endswith("adaccounts"))


def _assert_exact(fake: FakeGraph, url: str) -> None:
    expected = {
        (obj, day): Decimal(metrics["spend"])
        for (level, obj, day), metrics in fake.insights.items()
        if level == "campaign" and fake.campaigns[obj]["account_id"] == "111"
    }
    expected_adsets = {
        (obj, day) for (level, obj, day) in fake.insights if level == "adset" and obj.startswith("a_idr")
    }
    with session_scope(url) as s:
        rows = s.execute(select(Campaign.meta_id, CampaignInsight.date, CampaignInsight.spend).join(Campaign)).all()
        adset_rows = s.scalar(select(func.count()).select_from(AdSetInsight))
        campaigns = s.scalars(select(Campaign.meta_id)).all()
    assert {(m, d.isoformat()): spend for m, d, spend in rows} == expected
    assert adset_rows == len(expected_adsets)
    assert sorted(campaigns) == ["c_del", "c_idr", "c_lead"]


def test_a_second_sync_of_the_same_account_is_refused_with_who_and_since(fake: FakeGraph, migrated_url: str) -> None:
    first = _first_sync_holding_insights(fake, migrated_url)
    try:
        holder = current_holder(lock_name("meta", "111"), migrated_url)  # what the first sync recorded
        second = _start(migrated_url, 1)
        _out, err = second.communicate(timeout=120)
    finally:
        fake.hold.set()
        fake.hold = None
    _first_out, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 1, err
    assert holder is not None
    assert holder.since is not None, holder
    assert "Traceback" not in err
    assert "IntegrityError" not in err + first_err
    assert "StaleDataError" not in err + first_err
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: A sync of act_111 has been running since ")
    assert "(workspace time) by cli@localhost on " in line
    with session_scope(migrated_url) as s:
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        started = runs[0].started_at
    # The refused sync wrote nothing, not even a run; the time it names is when the first sync took the lock, in
    # workspace time (Jakarta), just before it opened its run.
    assert [r.status for r in runs] == ["success"]
    assert holder.since <= started <= holder.since + dt.timedelta(seconds=30), (holder.since, started)
    assert f"since {holder.since.astimezone(ZoneInfo('Asia/Jakarta')):%H:%M} " in line, line
    _assert_exact(fake, migrated_url)


def test_a_second_sync_waits_for_the_first_and_both_finish(fake: FakeGraph, migrated_url: str) -> None:
    first = _first_sync_holding_insights(fake, migrated_url)
    try:
        lookups = _account_lookups(fake)
        campaign_reads = len(fake.requests_to("act_111/campaigns"))
        second = _start(migrated_url, 120)
        _until(lambda: _account_lookups(fake) > lookups, "the second sync never asked Meta for the account")
        time.sleep(1.5)
        # It read the account, then stopped at the lock: it has not read the account's campaigns.
        assert second.poll() is None
        assert len(fake.requests_to("act_111/campaigns")) == campaign_reads
    finally:
        fake.hold.set()
        fake.hold = None
    results = [p.communicate(timeout=180) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [err for _out, err in results]
    for _out, err in results:
        assert "Traceback" not in err
    assert len(fake.requests_to("act_111/campaigns")) == campaign_reads + 1  # the second read it after waiting
    with session_scope(migrated_url) as s:
        runs = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
    assert [r.status for r in runs] == ["success", "success"]
    assert runs[1].started_at >= runs[0].finished_at  # one after the other, never both writing
    _assert_exact(fake, migrated_url)


def test_names_from_meta_with_controls_bidi_and_escapes_are_stored_harmlessly(
    fake: FakeGraph, migrated_url: str
) -> None:
    from campaigns.meta_connection import meta_client
    from campaigns.models import AdAccount
    from campaigns.sync import sync_facebook
    from db.roles import CLI_ACTOR

    fake.add_account("444", "Toko\x07 \u202eID", currency="IDR", timezone_name="Asia/Jakarta")
    fake.add_campaign("444", "c_bad", "Sale\x00 \x1b[31mRamadan\x1b[0m \u2066x\u2069")
    summary = sync_facebook(CLI_ACTOR, meta_client(sleep=lambda s: None), accounts=["444"])
    assert summary.ok, summary.errors  # a platform's text is never refused: the sync goes through
    with session_scope(migrated_url) as s:
        assert s.scalar(select(AdAccount.name)) == "Toko\u2407 ID"
        assert s.scalar(select(Campaign.name)) == "Sale\u2400 Ramadan x"
