"""The Sync page's Ads Manager section reads an uploaded file once: choosing the account, switching the language
and pressing Import rerun the page without parsing the file again (the parse is kept per sha256 of its bytes),
while Import still checks the rows against the database. The results a file gives that are not conversions are
named in the preview and after the import, in Bahasa Indonesia."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import campaigns.adsmanager as adsmanager
from campaigns.models import AdAccount, CampaignInsight
from db.engine import session_scope
from tests import builders
from tests.imports.test_adsmanager_results import ROWS, bahasa_file

SYNC = "pages/sync/sync.py"
NAME = "Toko Kopi Sejahtera-Laporan-Nov-2026.csv"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the page reads a file (`open_export`) and its rows (`read_rows`)."""
    counts = {"open_export": 0, "read_rows": 0}
    for name in counts:
        real = getattr(adsmanager, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            counts[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(adsmanager, name, counted)
    return counts


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_the_file_is_parsed_once_across_reruns_and_the_import(migrated_url: str, app_test, parses) -> None:
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    at.file_uploader(key="sync_upload").set_value((NAME, bahasa_file(), "text/csv")).run()
    assert not at.exception, at.exception
    assert parses == {"open_export": 1, "read_rows": 1}
    assert "2 row(s) with Jenis hasil 'Klik tautan' (200 results) are not counted" in _texts(at.caption)
    at.text_input(key="sync_upload_new_name").set_value("Toko Kopi Sejahtera").run()
    at.text_input(key="sync_upload_new_name").set_value("Toko Kopi Sejahtera ").run()
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert parses == {"open_export": 1, "read_rows": 1}  # three reruns and the import: read once
    warnings = _texts(at.warning)
    assert "1 row(s) with Jenis hasil 'ThruPlay' (300 results) are not counted as conversions" in warnings
    with session_scope(migrated_url) as s:
        assert s.scalar(select(AdAccount.name)) == "Toko Kopi Sejahtera"
        assert s.scalar(select(func.count(CampaignInsight.id))) == len(ROWS)
    at.sidebar.selectbox(key="auth_language").set_value("id").run()  # as a person chooses it
    assert not at.exception, at.exception
    captions = _texts(at.caption)
    assert "2 baris dengan Jenis hasil 'Klik tautan' (200 hasil) tidak dihitung sebagai konversi" in captions
    assert "Pantau tidak mengenal jenis hasil ini" in captions
    assert parses["open_export"] == 1


def test_another_file_is_parsed_again_and_import_checks_the_database(migrated_url: str, app_test, parses) -> None:
    with session_scope(migrated_url) as s:
        account = builders.account(s, name="Toko Kopi Sejahtera")
        s.flush()
        pk = account.id
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    at.file_uploader(key="sync_upload").set_value((NAME, bahasa_file(), "text/csv")).run()
    at.file_uploader(key="sync_upload").set_value((NAME, bahasa_file(ROWS[:3]), "text/csv")).run()
    assert not at.exception, at.exception
    assert parses["open_export"] == 2  # other bytes, another parse
    at.selectbox(key="sync_upload_account").set_value(pk).run()
    assert parses["open_export"] == 2
    assert not any("not counted as conversions" in c for c in [str(e.value) for e in at.caption])
    # Two campaigns named like a row's appear before Import (another tab, the CLI): Import sees them and refuses
    # that row as ambiguous instead of writing it where the stale preview would have.
    with session_scope(migrated_url) as s:
        owner = s.get(AdAccount, pk)
        builders.campaign(s, owner, name="Prospek Rumah")
        builders.campaign(s, owner, name="Prospek Rumah")
    at.button(key="sync_upload_import").click().run()
    assert not at.exception, at.exception
    assert parses["open_export"] == 2
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(CampaignInsight.id))) == 2  # the two Promo days; Prospek Rumah refused
    assert len(at.session_state["sync_upload_parsed"].layout.table.rows) == 4  # totals row and three rows
