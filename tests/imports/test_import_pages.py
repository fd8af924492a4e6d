"""The imports on their pages (AppTest through streamlit_app.py): the Sync page's Ads Manager upload with the
target account, rows (not reasons) counted as rejected, a re-import that changes nothing; and the contact import
on the Influencers page, whose changes make an edit form opened before it refuse to save over them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from campaigns.models import AdAccount, CampaignInsight, SyncRun
from db.engine import session_scope
from influencers.contacts import create_influencer
from influencers.models import Influencer, SocialHandle
from tests.influencers.conftest import SPECIALIST
from tests.table_dates import assert_dated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SYNC = "pages/sync/sync.py"
INFLUENCERS = "pages/influencers/influencers.py"


def _open(app_test, page: str):
    at = app_test(timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _upload(at, name: str, data: bytes | None = None):
    data = (FIXTURES / name).read_bytes() if data is None else data
    at.file_uploader(key="sync_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_a_file_without_currency_asks_for_the_new_accounts_currency(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test, SYNC), "adsmanager_amount_spent_no_currency.csv")
    assert at.selectbox(key="sync_upload_account").value is None  # no account yet: a new one
    assert at.text_input(key="sync_upload_new_name").value == "adsmanager_amount_spent_no_currency"
    assert at.selectbox(key="sync_upload_timezone").value == "Asia/Jakarta"  # the workspace's
    assert (
        "The file does not say its currency (the spend column is 'Amount Spent' without '(IDR)' or '(USD)'); import "
        "it into an existing ad account, or give the new account's currency."
    ) in _texts(at.error)
    at.text_input(key="sync_upload_new_name").set_value("Brand Q2")
    at.selectbox(key="sync_upload_timezone").set_value("Asia/Singapore")
    at.selectbox(key="sync_upload_currency").set_value("USD").run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert "2 valid row(s), 0 rejected" in _texts(at.info)
    assert "amounts are read as USD, the currency of Brand Q2" in _texts(at.caption)
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert "Imported: 2 new" in _texts(at.success)
    with session_scope(migrated_url) as s:
        account = s.scalar(select(AdAccount))
        assert (account.name, account.currency, account.timezone_name) == ("Brand Q2", "USD", "Asia/Singapore")
        assert s.scalar(select(func.sum(CampaignInsight.spend))) == Decimal("28.15")


def test_the_chosen_account_rows_counted_as_rows_and_an_unchanged_reimport(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        s.add(AdAccount(account_id="1234567890123456", name="Toko Sumber Makmur", currency="IDR"))
        s.add(AdAccount(account_id="555", name="Other", currency="IDR"))
    with session_scope(migrated_url) as s:
        toko = s.scalar(select(AdAccount.id).where(AdAccount.name == "Toko Sumber Makmur"))
    text = (FIXTURES / "adsmanager_age_gender.csv").read_text(encoding="utf-8-sig")
    text += "2026-06-02,2026-06-02,Ramadan Sale - Konversi,1.20210E+17,18-24,female,ten,1580,1,\n"  # two problems
    at = _open(app_test, SYNC)
    at = _upload(at, "Toko Sumber Makmur-Campaigns-Jun-1-2026.csv", text.encode("utf-8-sig"))
    assert at.selectbox(key="sync_upload_account").value == toko  # found by the file name
    assert "5 valid row(s), 1 rejected" in _texts(at.info)
    assert "1 row(s) will be rejected:" in _texts(at.warning)
    errors = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(errors["Row"]) == [8, 8]
    assert list(errors["Column"]) == ["Campaign ID", "Amount spent (IDR)"]
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert "Imported: 1 new, 0 updated, 0 unchanged row(s)" in _texts(at.success)
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert "0 new, 0 updated, 1 unchanged row(s)" in _texts(at.info)
    assert "Nothing changed: the data is already stored." in _texts(at.info)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(SyncRun.id))) == 1  # the unchanged import wrote nothing
        assert s.scalar(select(CampaignInsight.spend)) == Decimal("250000")
        assert {a.name for a in s.scalars(select(AdAccount))} == {"Toko Sumber Makmur", "Other"}


def test_an_unreadable_upload_is_one_sentence(app_test) -> None:
    at = _upload(_open(app_test, SYNC), "broken.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    assert _texts(at.error) == (
        "The Excel workbook is damaged or incomplete (it may not have finished downloading); download it again and "
        "upload the new file."
    )


def test_an_import_makes_an_open_edit_form_refuse_to_save_over_it(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        pid = create_influencer(s, SPECIALIST, {"name": "Dewi", "handles": {"instagram": "dewi"}}).id
    at = _open(app_test, INFLUENCERS)
    at.selectbox(key="inf_open").set_value(pid).run()
    assert at.text_input(key="inf_edit_name").value == "Dewi"  # the edit form is open
    data = b"Name,Link,Followers\nDewi,https://www.instagram.com/dewi/,15.3K\n"
    at.file_uploader(key="inf_import_file").set_value(("dewi.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Update"] == "1"
    at.button(key="inf_import_go").click().run()
    assert not at.exception, at.exception
    assert "Imported 0, updated 1, unchanged 0, skipped 0, rejected 0." in _texts(at.success)
    at.text_input(key="inf_edit_name").set_value("Dewi Ayu")
    at.button(key="inf_edit_submit").click().run()
    assert not at.exception, at.exception
    assert "changed by someone else" in _texts(at.error)
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, pid).name == "Dewi"
        assert s.scalar(select(SocialHandle.followers)) == 15_300
    # The same list again: unchanged, and nothing to import.
    at.file_uploader(key="inf_import_file").set_value(("dewi.csv", data, "text/csv")).run()
    assert {m.label: m.value for m in at.metric}["Unchanged"] == "1"
    assert at.button(key="inf_import_go").disabled


def test_sync_page_lists_dates_in_the_preview(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test, SYNC), "adsmanager_daily_en.csv")
    table = next(d for d in at.dataframe if "First day" in d.value.columns)
    preview = table.value
    assert len(preview) == 6
    assert set(preview["First day"].dt.date) == {dt.date(2026, 7, d) for d in (1, 2, 3)}  # real days: they sort
    assert "First day" in assert_dated(table, "en")
