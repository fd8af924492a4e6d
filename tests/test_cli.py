"""The command line: schema upgrade, demo workspace (idempotent, --reset), users, error exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from campaigns.models import Campaign, CampaignInsight
from cli import app
from db.engine import session_scope
from db.models import AuditEntry, User
from influencers.models import Influencer
from migrations.migrate import current_revision, head_revision

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        return (
            s.scalar(select(func.count(Campaign.id))),
            s.scalar(select(func.count(CampaignInsight.id))),
            s.scalar(select(func.count(Influencer.id))),
        )


def test_db_upgrade_creates_the_schema(database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded from empty" in result.output
    assert current_revision(database_url) == head_revision()
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0
    assert "already up to date" in again.output


def test_demo_is_idempotent_and_reset_rebuilds(database_url: str) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(database_url)
    assert counts[0] == 39  # 30 Meta, 6 TikTok, 3 Google Ads campaigns
    assert counts[1] > 2000
    assert counts[2] == 60
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert _counts(database_url) == counts
    reset = runner.invoke(app, ["demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert _counts(database_url) == counts


def test_users_add_and_errors(database_url: str) -> None:
    ok = runner.invoke(app, ["users", "add", "Boss@Example.com", "--role", "admin"])
    assert ok.exit_code == 0, ok.output
    with session_scope(database_url) as s:
        user = s.scalar(select(User).where(User.email == "boss@example.com"))
        assert user.role == "admin"
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity_type == "user")) == 1
    last_admin = runner.invoke(app, ["users", "add", "boss@example.com", "--role", "viewer"])
    assert last_admin.exit_code == 1
    assert "last active admin" in last_admin.output
    assert runner.invoke(app, ["users", "add", "second@example.com", "--role", "admin"]).exit_code == 0
    changed = runner.invoke(app, ["users", "add", "boss@example.com", "--role", "viewer"])
    assert changed.exit_code == 0
    assert "Updated boss@example.com as viewer" in changed.output
    bad_role = runner.invoke(app, ["users", "add", "x@example.com", "--role", "boss"])
    assert bad_role.exit_code == 1
    assert "Unknown role 'boss'" in bad_role.output
    bad_email = runner.invoke(app, ["users", "add", "not-an-email", "--role", "viewer"])
    assert bad_email.exit_code == 1
    assert "not a valid email address" in bad_email.output


def test_cli_errors_are_one_line_on_stderr_without_traceback(database_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "users", "add", "nobody", "--role", "viewer"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("error:")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
