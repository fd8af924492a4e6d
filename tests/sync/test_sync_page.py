"""The Sync page through streamlit_app.py: connection check, a sync against the fake server, upload preview
and import (the sheet read, a file of refused rows in Bahasa Indonesia), and run history."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from sqlalchemy import func, select

from campaigns.models import AdAccount, CampaignInsight, SyncRun
from db.engine import session_scope
from tests.fakes.graph_api import FakeGraph
from tests.sync.test_adsmanager import EN_DAILY

PAGE = "pages/sync/sync.py"


def _open(app_test):
    at = app_test(timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_connection_check_and_sync_against_the_fake_server(fake: FakeGraph, migrated_url: str, app_test) -> None:
    fake.add_account("111", "Toko", currency="IDR", timezone_name="Asia/Jakarta")
    fake.add_campaign("111", "c1", "Sale")
    fake.add_insight("campaign", "c1", __import__("datetime").date.today().isoformat(), spend="1000")
    at = _open(app_test)
    assert any("access token is configured" in s.value for s in at.success)
    at.button(key="sync_check_connection").click().run()
    assert not at.exception, at.exception
    assert any("1 ad account(s)" in i.value and "ads_read" in i.value for i in at.info)
    at.button(key="sync_run").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("1 account(s)" in s.value for s in at.success)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(SyncRun.status)) == "success"
        assert s.scalar(select(func.count(CampaignInsight.id))) == 1
    runs = _frame(at, "status")
    assert list(runs["status"]) == ["success"]
    assert list(runs["rows"]) == [1]


def test_sync_errors_are_shown_in_words(fake: FakeGraph, migrated_url: str, app_test) -> None:
    fake.add_account("111")
    fake.token = "rotated"
    at = _open(app_test)
    at.button(key="sync_run").click().run()
    assert not at.exception, at.exception
    assert any("access token" in e.value for e in at.error)


def test_upload_shows_a_preview_then_imports(migrated_url: str, app_test) -> None:
    at = _open(app_test)
    bad = EN_DAILY + "7/3/2026,7/3/2026,Ramadan sale,1.20253E+17,active,,,,10,10,,1,1\n"
    at.file_uploader(key="sync_upload").set_value(("Toko-Campaigns-Jul.csv", bad.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("2 valid row(s)" in i.value for i in at.info)
    errors = _frame(at, "Reason")
    assert set(errors["Row"]) == {5}
    assert all("Excel" in r for r in errors["Reason"])
    assert {"Campaign ID", "Reporting starts"} <= set(errors["Column"])
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 0  # preview writes nothing
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert any("2 new" in s.value for s in at.success)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 2


def test_a_sync_refused_because_another_is_running_says_so(
    fake: FakeGraph, migrated_url: str, app_test, monkeypatch
) -> None:
    from campaigns.sync_lock import lock_name
    from db.locks import named_lock

    fake.add_account("111", "Toko", currency="IDR", timezone_name="Asia/Jakarta")
    monkeypatch.setenv("PANTAU_LOCK_WAIT_SECONDS", "0.2")
    at = _open(app_test)
    with named_lock(lock_name("meta", "111"), url=migrated_url, who="ana@toko.id"):
        at.button(key="sync_run").click().run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("A sync of act_111 has been running since" in w and "by ana@toko.id" in w for w in warnings), warnings
    assert not at.error, [e.value for e in at.error]
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(SyncRun.id))) == 0


def _in_bahasa(app_test, monkeypatch):
    from pages.components import i18n

    # The whole process speaks Bahasa Indonesia: AppTest also calls the select boxes' format_func (which
    # translates) outside the script run, where the session's choice is not visible.
    monkeypatch.setattr(i18n, "current_language", lambda: "id")
    at = app_test(timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_meta_errors_are_shown_in_bahasa_indonesia(fake: FakeGraph, migrated_url: str, app_test, monkeypatch) -> None:
    fake.add_account("111", "Toko", currency="IDR", timezone_name="Asia/Jakarta")
    fake.fail("/insights", code=200, message="Requires ads_read permission", times=99)
    at = _in_bahasa(app_test, monkeypatch)
    at.button(key="sync_run").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors == [
        "Toko: Token akses tidak memiliki izin ads_read atau akses ke akun iklan ini (kode 200): Requires ads_read "
        "permission. Berikan ads_read kepada pengguna sistem dan tetapkan pengguna itu ke akun iklan."
    ], errors
    with session_scope(migrated_url) as s:  # the run keeps the English sentence (the CLI and logs read it)
        assert "is missing the ads_read permission" in s.scalar(select(SyncRun.error))
    at.run()  # the history, read again: the stored run's error in Bahasa Indonesia too
    assert not at.exception, at.exception
    said = "Token akses tidak memiliki izin ads_read atau akses ke akun iklan ini (kode 200)"
    assert any(w.value.startswith(f"Proses gagal terakhir melaporkan: {said}") for w in at.warning), [
        w.value for w in at.warning
    ]
    history = _frame(at, "error")
    assert list(history["status"]) == ["gagal"]
    assert history["error"].iloc[0].startswith(said), history["error"].iloc[0]
    assert "details" not in history.columns


def test_an_older_runs_english_error_is_shown_as_it_is(migrated_url: str, app_test, monkeypatch) -> None:
    with session_scope(migrated_url) as s:  # a run recorded before errors were stored as messages
        s.add(SyncRun(kind="meta_api", status="failed", error="Meta returned an error (code 1, HTTP 500): boom"))
    at = _in_bahasa(app_test, monkeypatch)
    assert any(
        w.value == "Proses gagal terakhir melaporkan: Meta returned an error (code 1, HTTP 500): boom"
        for w in at.warning
    )


def test_a_rejected_token_is_said_in_bahasa_indonesia(
    fake: FakeGraph, migrated_url: str, app_test, monkeypatch
) -> None:
    fake.add_account("111")
    fake.token = "rotated"
    at = _in_bahasa(app_test, monkeypatch)
    at.button(key="sync_check_connection").click().run()
    assert not at.exception, at.exception
    checked = [e.value for e in at.error]
    assert len(checked) == 1, checked
    assert checked[0].startswith("Meta menolak token akses (kedaluwarsa, kode 190): Error validating"), checked
    assert "Buat token pengguna sistem baru dengan ads_read" in checked[0]
    assert "Create a new" not in checked[0]


def test_sync_progress_steps_are_said_in_bahasa_indonesia(
    fake: FakeGraph, migrated_url: str, app_test, monkeypatch
) -> None:
    fake.add_account("111", "Toko", currency="IDR", timezone_name="Asia/Jakarta")
    at = _in_bahasa(app_test, monkeypatch)
    at.button(key="sync_run").click().run()
    assert not at.exception, at.exception
    bars = at.get("progress")
    assert bars, "the sync shows a progress bar"
    assert [b.proto.text for b in bars] == ["Selesai"]  # the last step the sync reported, translated


def test_a_workbook_whose_ids_excel_damaged_is_refused_in_bahasa_and_creates_nothing(
    migrated_url: str, app_test, monkeypatch
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Lookup"
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("Kampanye")
    sheet.append(["Nama kampanye", "ID kampanye", "Hari", "Jumlah yang dibelanjakan (IDR)", "Impresi"])
    sheet.append(["Promo Lebaran", 1.2021000000000013e17, dt.datetime(2026, 6, 1), 625000, 16088])
    book.create_sheet("Catatan").append(["Dibuat oleh tim iklan"])
    buffer = io.BytesIO()
    book.save(buffer)
    at = _in_bahasa(app_test, monkeypatch)
    upload = ("Toko-Kampanye.xlsx", buffer.getvalue(), "application/vnd.ms-excel")
    at.file_uploader(key="sync_upload").set_value(upload).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert "Sheet yang dibaca: 'Kampanye'." in captions
    assert any(c.startswith("Sheet lain yang terlihat tidak dibaca: 'Catatan'.") for c in captions)
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert errors[0].startswith(
        "Tidak satu pun dari 1 baris data di file ini bisa diimpor, jadi tidak ada yang disimpan (tidak ada akun "
        "atau kampanye yang dibuat). Alasan pertama: baris 2, ID kampanye: Baris 2, kolom ID kampanye: Excel "
        "menyimpan ID ini sebagai angka"
    ), errors[0]
    assert not [b for b in at.button if b.key == "sync_upload_import"]
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(AdAccount.id))) == 0
