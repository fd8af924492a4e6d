"""A new ad account never takes the name of an existing one of the same platform (compared case- and
space-insensitively): the Sync page's "A new ad account" and the domain refuse it naming the existing account,
while the CLI's `--account NAME` keeps choosing the existing account by that name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.adsmanager_accounts import AccountChoiceError, ResolvedAccount, create_account, refuse_taken_name
from campaigns.models import AdAccount, CampaignInsight
from campaigns.platforms import PLATFORM_TIKTOK
from db.engine import session_scope
from db.roles import CLI_ACTOR
from tests import builders
from tests.cli_run import run_cli
from tests.imports.test_adsmanager_results import ROWS, TOKO, bahasa_file
from tests.pages import open_page

SYNC = "pages/sync/sync.py"
FILE = "Laporan-Nov-2026.csv"


def _accounts(session) -> int:
    return session.scalar(select(func.count(AdAccount.id)))


def test_a_new_account_named_like_an_existing_one_is_refused_naming_it(session) -> None:
    builders.account(session, name=TOKO, account_id="1234567", currency="IDR")
    with pytest.raises(AccountChoiceError) as caught:
        preview_import(session, bahasa_file(), FILE, AccountTarget(name="  toko  KOPI sejahtera "))
    text = str(caught.value)
    assert f"already an ad account named '{TOKO}' (1234567, IDR)" in text
    assert "choose it as the ad account" in text
    assert _accounts(session) == 1
    # another name is a new account; the existing one chosen directly is fine
    assert preview_import(session, bahasa_file(), FILE, AccountTarget(name="Toko Kopi Baru")).account.is_new
    existing = session.scalar(select(AdAccount.id))
    assert preview_import(session, bahasa_file(), FILE, AccountTarget(account_id=existing)).account.existing_id


def test_create_account_checks_the_name_again(session) -> None:
    """An account created between the preview and the import (another tab, the CLI) is not duplicated."""
    preview = preview_import(session, bahasa_file(), FILE, AccountTarget(name=TOKO))
    builders.account(session, name=TOKO.upper(), account_id="555", currency="IDR")
    with pytest.raises(AccountChoiceError, match="555, IDR"):
        apply_import(session, CLI_ACTOR, preview)
    with pytest.raises(AccountChoiceError):
        create_account(session, ResolvedAccount(None, f" {TOKO.lower()}", None, "IDR", "Asia/Jakarta"))
    assert _accounts(session) == 1


def test_other_platforms_do_not_block_the_name(session) -> None:
    builders.account(session, name=TOKO, account_id="7000", platform=PLATFORM_TIKTOK)
    preview = preview_import(session, bahasa_file(), FILE, AccountTarget(name=TOKO))
    assert preview.account.is_new
    apply_import(session, CLI_ACTOR, preview)
    assert _accounts(session) == 2


@given(
    st.lists(st.sampled_from(["", " ", "  ", "\t"]), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=len(TOKO), max_size=len(TOKO)),
)
def test_any_spacing_and_case_of_the_name_is_the_same_name(spaces: list[str], upper: list[bool]) -> None:
    words = "".join(c.upper() if u else c.lower() for c, u in zip(TOKO, upper, strict=True)).split(" ")
    typed = spaces[0] + " ".join(w + s for w, s in zip(words, spaces[1:], strict=True)) + spaces[3]

    class OneAccount:  # refuse_taken_name only lists the platform's accounts
        def scalars(self, _stmt):
            return [AdAccount(name=TOKO, account_id="1", currency="IDR")]

    with pytest.raises(AccountChoiceError):
        refuse_taken_name(OneAccount(), typed)  # type: ignore[arg-type]


def test_cli_account_option_chooses_the_existing_account_by_name(migrated_url: str, tmp_path: Path) -> None:
    with session_scope(migrated_url) as s:
        builders.account(s, name=TOKO, account_id="1234567", currency="IDR")
    path = tmp_path / FILE
    path.write_bytes(bahasa_file())
    result = run_cli("import", "adsmanager", str(path), "--account", " toko  kopi SEJAHTERA")
    assert result.returncode == 0, result.stderr.decode()
    with session_scope(migrated_url) as s:
        assert _accounts(s) == 1
        assert s.scalar(select(func.count(CampaignInsight.id))) == len(ROWS)


def test_the_sync_page_refuses_a_new_account_with_a_taken_name(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        builders.account(s, name=TOKO, account_id="1234567", currency="IDR")
    at = open_page(app_test(timeout=60), SYNC)
    at.file_uploader(key="sync_upload").set_value((FILE, bahasa_file(), "text/csv")).run()
    at.selectbox(key="sync_upload_account").set_value(None).run()
    at.text_input(key="sync_upload_new_name").set_value("TOKO KOPI  Sejahtera").run()
    assert not at.exception, at.exception
    errors = " | ".join(str(e.value) for e in at.error)
    assert f"There is already an ad account named '{TOKO}' (1234567, IDR)" in errors, errors
    assert not [b for b in at.button if b.key == "sync_upload_import"]  # nothing to press: nothing written
    with session_scope(migrated_url) as s:
        assert _accounts(s) == 1
    # choosing it in the picker imports into it
    with session_scope(migrated_url) as s:
        existing = s.scalar(select(AdAccount.id))
    at.selectbox(key="sync_upload_account").set_value(existing).run()
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, [str(e.value) for e in at.error]
    with session_scope(migrated_url) as s:
        assert _accounts(s) == 1
        assert s.scalar(select(func.count(CampaignInsight.id))) == len(ROWS)
    # the refusal in Bahasa Indonesia (the language switched last: AppTest keeps the picker's English labels)
    at.selectbox(key="sync_upload_account").set_value(None).run()
    at.text_input(key="sync_upload_new_name").set_value(" toko kopi sejahtera").run()
    at.sidebar.selectbox(key="auth_language").set_value("id").run()  # as a person chooses it
    assert not at.exception, at.exception
    errors = " | ".join(str(e.value) for e in at.error)
    assert f"Sudah ada akun iklan bernama '{TOKO}' (1234567, IDR)" in errors, errors
    with session_scope(migrated_url) as s:
        assert _accounts(s) == 1
