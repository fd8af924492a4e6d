"""Two imports creating the same new ad account at once (two browser tabs, the CLI beside the page): both pass the
name check, the database's unique name key lets the first one in and refuses the second, which ends with the
name check's own message (naming the account the first one created) and writes nothing. On a real SQLite file
and on PostgreSQL; the other import commits at the moment the second one inserts its account (a `before_flush`
hook on the second session runs the first import to its commit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.adsmanager_accounts import AccountChoiceError
from campaigns.models import AdAccount, CampaignInsight, SyncRun
from campaigns.platform_import import apply_report, preview_report
from campaigns.platform_reports import TIKTOK
from campaigns.platforms import PLATFORM_TIKTOK
from db.engine import session_scope
from db.roles import CLI_ACTOR
from tests import builders
from tests.cli_run import run_cli
from tests.imports.test_adsmanager_results import ROWS, TOKO, bahasa_file

FILE = "Laporan-Nov-2026.csv"
TIKTOK_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "tiktok_report.csv"


def _counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        return (
            s.scalar(select(func.count(AdAccount.id))),
            s.scalar(select(func.count(CampaignInsight.id))),
            s.scalar(select(func.count(SyncRun.id))),
        )


def _ads_manager_import(url: str, name: str) -> None:
    with session_scope(url) as s:
        apply_import(s, CLI_ACTOR, preview_import(s, bahasa_file(), FILE, AccountTarget(name=name)))


def _tiktok_import(url: str, name: str) -> None:
    with session_scope(url) as s:
        apply_report(s, CLI_ACTOR, preview_report(s, TIKTOK, TIKTOK_FILE.read_bytes(), "tt.csv", account=name))


def _first_import_commits_at(session: Session, first: Callable[[], None]) -> None:
    """Run `first` (another import, in its own session and connection) when `session` first flushes: after its
    name check, just before its account's INSERT."""

    def hook(*_args: object) -> None:
        first()

    event.listen(session, "before_flush", hook, once=True)


def _ads_manager_race(url: str) -> None:
    with session_scope(url) as second:  # its own unit of work, rolled back by the refusal as on the page and CLI
        preview = preview_import(second, bahasa_file(), FILE, AccountTarget(name=TOKO))
        assert preview.account.is_new  # past the preview's check: no such account yet
        _first_import_commits_at(second, lambda: _ads_manager_import(url, f"  {TOKO.upper()} "))
        apply_import(second, CLI_ACTOR, preview)  # create_account's own check passes too: the insert is refused


def test_two_ads_manager_imports_at_once_create_one_account(migrated_url: str) -> None:
    with pytest.raises(AccountChoiceError) as caught:
        _ads_manager_race(migrated_url)
    with session_scope(migrated_url) as s:
        first = s.scalar(select(AdAccount))
        assert first is not None
        assert first.name == f"{TOKO.upper()}"
        expected = f"There is already an ad account named '{first.name}' ({first.account_id}, IDR)"
    assert expected in str(caught.value)
    assert _counts(migrated_url) == (1, len(ROWS), 1)  # the first import only: the second wrote nothing


def _platform_race(url: str) -> None:
    with session_scope(url) as second:
        preview = preview_report(second, TIKTOK, TIKTOK_FILE.read_bytes(), "tt.csv", account="Kopi TikTok")
        assert preview.account_id is None
        _first_import_commits_at(second, lambda: _tiktok_import(url, "kopi  tiktok"))
        apply_report(second, CLI_ACTOR, preview)


def test_two_platform_imports_at_once_create_one_account(migrated_url: str) -> None:
    with pytest.raises(AccountChoiceError) as caught:
        _platform_race(migrated_url)
    assert "There is already an ad account named 'kopi  tiktok'" in str(caught.value)
    accounts, rows, runs = _counts(migrated_url)
    assert (accounts, runs) == (1, 1)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(AdAccount.platform)) == PLATFORM_TIKTOK
        assert rows == s.scalar(select(func.count(CampaignInsight.id))) > 0


def test_the_cli_beside_another_import_exits_with_the_message(migrated_url: str, tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_bytes(bahasa_file())
    fired: list[bool] = []

    def hook(*_args: object) -> None:  # the CLI's session: the page's import commits first
        if not fired:
            fired.append(True)
            _ads_manager_import(migrated_url, TOKO)

    event.listen(Session, "before_flush", hook)
    try:
        result = run_cli("import", "adsmanager", str(path), "--account", TOKO)
    finally:
        event.remove(Session, "before_flush", hook)
    assert fired
    assert result.returncode == 1
    assert b"There is already an ad account named 'Toko Kopi Sejahtera'" in result.stderr, result.stderr
    assert b"Traceback" not in result.stderr
    assert _counts(migrated_url) == (1, len(ROWS), 1)


def test_the_database_refuses_a_second_file_account_of_one_name_but_not_api_accounts(session) -> None:
    builders.account(session, name="Toko Kopi", account_id="1", currency="IDR", source="meta_api")
    builders.account(session, name="TOKO kopi", account_id="2", currency="IDR", source="meta_api")  # Meta allows it
    file_account = builders.account(session, name="Toko  Kopi ", account_id="csv-a", source="ads_manager_csv")
    assert file_account.name_key is not None
    session.add(
        AdAccount(account_id="csv-b", name="toko kopi", currency="IDR", source="tiktok_file", platform="tiktok")
    )
    session.flush()  # another platform: its own names
    with session.begin_nested():
        session.add(AdAccount(account_id="csv-c", name="TOKO KOPI", currency="IDR", source="ads_manager_csv"))
        with pytest.raises(IntegrityError):
            session.flush()
    file_account.source = "meta_api"  # the Meta sync took the account over: its name is the platform's
    session.flush()
    assert file_account.name_key is None
