"""The Sync page's Ads Manager section reads a file it cannot import once, like one it can: reruns (typing, the
language) show the same refusal from the kept result, in the reader's language, without reading the file again;
other bytes are read again, and a readable file after a refused one is read and previewed."""

from __future__ import annotations

import pytest

import campaigns.adsmanager as adsmanager
from tests.imports.test_adsmanager_results import bahasa_file

SYNC = "pages/sync/sync.py"
NAME = "Toko Kopi Sejahtera-Laporan-Nov-2026.csv"
NOT_A_REPORT = b"Nama,Warna\nKopi,Hitam\nTeh,Hijau\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names the page parsed (`parse_export`), one per parse."""
    seen: list[str] = []
    real = adsmanager.parse_export

    def counted(data, filename, *args, **kwargs):
        seen.append(filename)
        return real(data, filename, *args, **kwargs)

    monkeypatch.setattr(adsmanager, "parse_export", counted)
    return seen


def _errors(at) -> str:
    return " | ".join(str(e.value) for e in at.error)


def test_a_refused_file_is_read_once_and_its_message_kept(migrated_url: str, app_test, parses) -> None:
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    at.file_uploader(key="sync_upload").set_value((NAME, NOT_A_REPORT, "text/csv")).run()
    assert not at.exception, at.exception
    refusal = _errors(at)
    assert "No header row was found" in refusal
    assert parses == [NAME]
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert _errors(at) == refusal  # the same message from the kept refusal
    assert parses == [NAME]
    at.file_uploader(key="sync_upload").set_value((NAME, NOT_A_REPORT + b"Susu,Putih\n", "text/csv")).run()
    assert parses == [NAME, NAME]  # other bytes: read again
    at.file_uploader(key="sync_upload").set_value((NAME, bahasa_file(), "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error, _errors(at)
    assert parses == [NAME, NAME, NAME]
    assert at.text_input(key="sync_upload_new_name").value  # previewed
    at.file_uploader(key="sync_upload").set_value((NAME, NOT_A_REPORT, "text/csv")).run()
    assert parses == [NAME, NAME, NAME, NAME]  # one file is kept: the first one is read again
    assert _errors(at) == refusal
    # the language switched last (AppTest keeps the report picker's English labels)
    at.sidebar.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    assert "Tidak ada baris header" in _errors(at)  # in Bahasa Indonesia, still without reading the file
    assert parses == [NAME, NAME, NAME, NAME]
