"""Named locks (db/locks.py) between real processes, on SQLite and PostgreSQL: a second holder waits a bounded
time, then is told who holds the lock; a killed holder never leaves its lock behind; the schema lock lets two
`db upgrade` commands on a fresh database both succeed."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from db.locks import LockBusy, lock_key, named_lock, wait_seconds
from migrations.migrate import current_revision, head_revision

ROOT = Path(__file__).resolve().parents[2]


def _holder(url: str, name: str, hold: float, ready: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.db.lock_process", url, name, "ana@toko.id", str(hold), str(ready)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.02)
    return proc


def test_lock_keys_are_stable_signed_64_bit() -> None:
    assert lock_key("sync:meta:111") == lock_key("sync:meta:111")
    assert lock_key("sync:meta:111") != lock_key("sync:meta:112")
    assert -(2**63) <= lock_key("x") < 2**63
    # Fixed across processes and Python versions (not hash()): a PostgreSQL advisory key other replicas share.
    assert lock_key("schema") == int.from_bytes(hashlib.blake2b(b"schema", digest_size=8).digest(), "big", signed=True)


def test_a_second_process_is_refused_after_waiting_and_told_who_holds_it(migrated_url: str, tmp_path: Path) -> None:
    proc = _holder(migrated_url, "sync:meta:111", 30, tmp_path / "ready")
    try:
        started = time.monotonic()
        with pytest.raises(LockBusy) as caught, named_lock("sync:meta:111", url=migrated_url, wait=0.5):
            pytest.fail("the lock was taken twice")
        assert time.monotonic() - started >= 0.5  # it waited the time it was given
        holder = caught.value.holder
        assert holder is not None
        assert (holder.who, holder.host, holder.pid) == ("ana@toko.id", socket.gethostname(), proc.pid)
        assert holder.since is not None
        assert "ana@toko.id" in str(caught.value)
        # Another name is free meanwhile.
        with named_lock("sync:meta:222", url=migrated_url, wait=0):
            pass
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_a_waiting_process_gets_the_lock_when_the_holder_finishes(migrated_url: str, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    proc = _holder(migrated_url, "sync:tiktok:7", 1.0, ready)
    with named_lock("sync:tiktok:7", url=migrated_url, wait=60, who="budi@toko.id"):
        assert ready.read_text() == "releasing"  # only after the holder let go
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.strip() == "released"


def test_a_killed_holder_leaves_no_lock_behind(migrated_url: str, tmp_path: Path) -> None:
    proc = _holder(migrated_url, "sync:meta:333", 120, tmp_path / "ready")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # The lock dies with its process (advisory lock: the connection ends; file lock: the kernel drops it).
    with named_lock("sync:meta:333", url=migrated_url, wait=10, who="cli@localhost"):
        pass


def test_threads_of_one_process_exclude_each_other(migrated_url: str) -> None:
    inside: list[str] = []
    overlaps: list[bool] = []

    def work(name: str) -> None:
        with named_lock("shared", url=migrated_url, wait=30, who=name):
            overlaps.append(bool(inside))
            inside.append(name)
            time.sleep(0.2)
            inside.remove(name)

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert overlaps == [False, False, False]


def test_waiting_time_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANTAU_LOCK_WAIT_SECONDS", raising=False)
    assert wait_seconds() == 60.0
    monkeypatch.setenv("PANTAU_LOCK_WAIT_SECONDS", "2.5")
    assert wait_seconds() == 2.5
    monkeypatch.setenv("PANTAU_LOCK_WAIT_SECONDS", "soon")
    with pytest.raises(ValueError, match="PANTAU_LOCK_WAIT_SECONDS must be a number of seconds"):
        wait_seconds()


def test_two_upgrades_at_once_on_a_fresh_database_both_succeed(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "cli.py", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in results]
    outs = sorted(out for out, _err in results)
    assert outs[0].startswith("Schema already up to date")
    assert outs[1].startswith("Schema upgraded from empty")
    assert current_revision(database_url) == head_revision()


def test_a_command_and_the_app_starting_at_once_both_get_the_schema(database_url: str) -> None:
    from migrations.migrate import ensure_schema

    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "db", "upgrade"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    ensure_schema(database_url)  # what streamlit_app.py runs first
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert current_revision(database_url) == head_revision()
