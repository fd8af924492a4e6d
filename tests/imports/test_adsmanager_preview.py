"""The Sync page's preview of an Ads Manager file as people read it (headers in their language, amounts as
money, rows numbered by their line in the file in both tables), the delivery column stored as each campaign's
status (never over the Meta sync's), and rows dated after the ad account's today refused. The file is written as
Ads Manager downloads it for Excel in Bahasa Indonesia: UTF-16 with a BOM, tabs, CRLF, a title line, Meta's
totals row, two campaigns (the reviewer's id_toko.csv)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.models import SOURCE_META_API, AdAccount, Campaign, CampaignInsight
from db.roles import CLI_ACTOR
from tests.bahasa import in_bahasa
from tests.table_dates import assert_dated

SYNC = "pages/sync/sync.py"
HEADER = [
    "Awal pelaporan",
    "Akhir pelaporan",
    "Nama akun",
    "ID akun",
    "Nama kampanye",
    "ID kampanye",
    "Penayangan kampanye",
    "Hasil",
    "Indikator hasil",
    "Jumlah yang dibelanjakan (IDR)",
    "Impresi",
    "Klik tautan",
    "Pembelian",
    "Nilai konversi pembelian",
]
ACCOUNT, ACCOUNT_ID = "Toko Kopi Sejahtera", "1122334455667788"
PROMO, BRAND = "120299000000000001", "120299000000000003"
PIXEL = "actions:offsite_conversion.fb_pixel_purchase"
NOW = dt.datetime(2026, 11, 3, 5, 0, tzinfo=dt.UTC)  # 3 Nov 2026, 12:00 in Jakarta


def row(day: str, name: str, campaign_id: str, delivery: str, spend: str, purchases: str = "5") -> list[str]:
    return [day, day, ACCOUNT, ACCOUNT_ID, name, campaign_id, delivery, purchases, PIXEL, spend, "20000", "400"]


def download(rows: list[list[str]], total: str = "2475000") -> bytes:
    """Line 1 the title, 2 an empty line of tabs, 3 the header, 4 Meta's totals row, data rows from line 5."""
    title = f"{ACCOUNT} - Kampanye - 1 Nov 2026 - 3 Nov 2026"
    totals = ["2026-11-01", "2026-11-03", "", "", "", "", "", "", "", total, "90000", "1800"]
    lines = [title, "\t\t", "\t".join(HEADER), "\t".join(totals)] + ["\t".join([*r, r[7], "1250000"]) for r in rows]
    return "\r\n".join([*lines, ""]).encode("utf-16")


TOKO = download(
    [
        row("2026-11-01", "Promo 12.12 - Konversi", PROMO, "active", "500000"),  # line 5
        row("2026-11-02", "Promo 12.12 - Konversi", PROMO, "active", "450000"),  # line 6
        row("2026-11-01", "Brand Awareness", BRAND, "inactive", "300000"),  # line 7
        row("2026-11-03", "Brand Awareness", "1.20299E+17", "inactive", "1225000"),  # line 8: Excel damage
    ]
)


# --- the page --------------------------------------------------------------------------------------------------------


def _open(app_test, language: str):
    at = app_test(timeout=60)
    at.run()
    at.switch_page(SYNC).run()
    assert not at.exception, at.exception
    at.file_uploader(key="sync_upload").set_value(("Toko Kopi Sejahtera-Kampanye-Nov.csv", TOKO, "text/csv")).run()
    at.sidebar.selectbox(key="auth_language").set_value(language).run()  # as a person chooses it
    assert not at.exception, at.exception
    return at


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


RAW_CODES = {"campaign", "campaign_id", "start", "end", "spend", "impressions", "clicks", "conversions"}


NOV_1, NOV_2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)


def _preview_element(at):
    return next(e for e in at.dataframe if any(c in e.value.columns for c in ("Belanja iklan", "Spend")))


def _frames_of(at) -> tuple:
    frames = {}
    for element in at.dataframe:
        frame = element.value
        if "Alasan" in frame.columns or "Reason" in frame.columns:
            frames["errors"] = frame
        elif any(c in frame.columns for c in ("Belanja iklan", "Spend", "spend")):
            frames["preview"] = frame
    return frames["preview"], frames["errors"]


@pytest.mark.usefixtures("migrated_url")
def test_the_bahasa_preview_reads_as_labels_rupiah_and_file_lines(app_test) -> None:
    at = _open(app_test, "id")
    preview, errors = _frames_of(at)
    assert list(preview.columns) == [
        "Baris",
        "Kampanye",
        "ID kampanye",
        "Hari pertama",
        "Hari terakhir",
        "Belanja iklan",
        "Impresi",
        "Klik",
        "Konversi",
        "Nilai konversi",
    ]
    assert not RAW_CODES & set(preview.columns)
    assert "conversion_value" not in preview.columns
    assert list(preview["Baris"]) == ["7", "5", "6"]  # the file's lines (title, blank, header and totals above)
    assert list(errors["Baris"]) == [8]
    assert list(preview["Belanja iklan"]) == ["Rp300.000", "Rp500.000", "Rp450.000"]
    assert list(preview["Nilai konversi"]) == ["Rp1.250.000"] * 3
    assert list(preview["Impresi"]) == ["20.000"] * 3
    # Real days (the preview sorts by them), shown day first in Bahasa Indonesia.
    assert list(preview["Hari pertama"].dt.date) == [NOV_1, NOV_1, NOV_2]
    assert set(assert_dated(_preview_element(at), "id")) == {"Hari pertama", "Hari terakhir"}
    assert "belanja Rp1.250.000" in _texts(at.info)
    notes = _texts(at.caption)
    assert "Baris total di file menyebut belanja Rp2.475.000" in notes
    assert "berjumlah Rp1.250.000." in notes
    assert "IDR" not in notes.split("Baris total")[1]


@pytest.mark.usefixtures("migrated_url")
def test_the_english_preview_reads_as_labels_and_file_lines(app_test) -> None:
    at = _open(app_test, "en")
    preview, errors = _frames_of(at)
    assert list(preview.columns)[:6] == ["Row", "Campaign", "Campaign ID", "First day", "Last day", "Spend"]
    assert list(preview.columns)[-1] == "Conversion value"
    assert list(preview["Row"]) == ["7", "5", "6"]
    assert list(errors["Row"]) == [8]
    assert list(preview["Spend"]) == ["IDR300,000", "IDR500,000", "IDR450,000"]
    assert list(preview["Impressions"]) == ["20,000"] * 3
    assert list(preview["First day"].dt.date) == [NOV_1, NOV_1, NOV_2]
    assert set(assert_dated(_preview_element(at), "en")) == {"First day", "Last day"}
    notes = _texts(at.caption)
    assert "says IDR2,475,000 was spent" in notes
    assert "add up to IDR1,250,000." in notes


def test_rows_added_up_name_each_of_their_lines() -> None:
    from campaigns.adsmanager import line_ranges

    assert line_ranges([5]) == "5"
    assert line_ranges([9, 5, 6, 7, 12]) == "5-7, 9, 12"


# --- the status column ---------------------------------------------------------------------------------------------


def _import(session, data: bytes):
    preview = preview_import(session, data, "Toko Kopi Sejahtera-Kampanye-Nov.csv")
    result = apply_import(session, CLI_ACTOR, preview)
    session.flush()
    return preview, result


def _statuses(session) -> dict[str, str | None]:
    return {c.meta_id: c.status for c in session.scalars(select(Campaign)) if c.meta_id}


def test_the_delivery_column_is_stored_as_the_status_meta_gives(session) -> None:
    preview, result = _import(session, TOKO)
    assert result.campaigns_created == 2
    assert _statuses(session) == {PROMO: "ACTIVE", BRAND: "PAUSED"}
    assert any("Penayangan kampanye" in str(note) for note in preview.notes)
    # Brand Awareness was turned on since: the next export says so, and only that changes.
    again = download([row("2026-11-01", "Brand Awareness", BRAND, "active", "300000")])
    _preview, result = _import(session, again)
    assert (result.statuses, result.inserted, result.updated) == (1, 0, 0)
    assert result.changed
    assert _statuses(session) == {PROMO: "ACTIVE", BRAND: "ACTIVE"}
    _preview, result = _import(session, again)
    assert not result.changed  # the same file again changes nothing


def test_a_status_the_meta_sync_set_is_never_overwritten_by_a_file(session) -> None:
    account = AdAccount(account_id=ACCOUNT_ID, name=ACCOUNT, currency="IDR", timezone_name="Asia/Jakarta")
    session.add(account)
    session.flush()
    session.add(
        Campaign(account_id=account.id, meta_id=PROMO, name="Promo 12.12 - Konversi", currency="IDR", status="PAUSED")
    )  # source meta_api: synced from the API
    session.flush()
    _preview, result = _import(session, TOKO)
    synced = session.scalar(select(Campaign).where(Campaign.meta_id == PROMO))
    assert (synced.source, synced.status) == (SOURCE_META_API, "PAUSED")  # the file's `active` is not the sync's
    assert _statuses(session)[BRAND] == "PAUSED"
    assert result.statuses == 0


def test_a_delivery_that_says_neither_on_nor_off_leaves_the_status_and_says_so(session) -> None:
    data = download([row("2026-11-01", "Brand Awareness", BRAND, "not_delivering", "300000")], total="300000")
    preview, _result = _import(session, data)
    assert _statuses(session) == {BRAND: None}
    assert any("'not_delivering'" in str(note) and "Brand Awareness" in str(note) for note in preview.notes)


# --- future days ---------------------------------------------------------------------------------------------------


def test_a_row_dated_after_the_accounts_today_is_refused_with_its_line_and_reason(session, monkeypatch) -> None:
    data = download(
        [
            row("2026-11-03", "Promo 12.12 - Konversi", PROMO, "active", "500000"),  # line 5: today
            row("2026-11-04", "Promo 12.12 - Konversi", PROMO, "active", "450000"),  # line 6: one day ahead
            row("2026-11-05", "Promo 12.12 - Konversi", PROMO, "active", "300000"),  # line 7: not yet happened
        ]
    )
    preview = preview_import(session, data, "Toko.csv", AccountTarget(timezone="Asia/Jakarta"), now=NOW)
    assert [r.line for r in preview.rows] == [5, 6]
    [error] = preview.errors
    assert (error.row, error.column) == (7, "Akhir pelaporan")
    assert error.reason == (
        "2026-11-05 is after today (2026-11-03) in the ad account's time zone: Meta cannot report spend for days "
        "that have not happened; check the date, or export the report again."
    )
    # On the page the account's today is a date as Indonesians write it; the cell stays as the file wrote it.
    assert in_bahasa(monkeypatch, error.message).startswith("2026-11-05 jatuh setelah hari ini (3 Nov 2026) di zona")
    apply_import(session, CLI_ACTOR, preview)
    session.flush()
    assert sorted(session.scalars(select(CampaignInsight.date))) == [dt.date(2026, 11, 3), dt.date(2026, 11, 4)]


def test_a_period_that_ends_before_it_starts_names_both_days_as_dates_on_the_page(session, monkeypatch) -> None:
    ok = row("2026-11-02", "Promo 12.12 - Konversi", PROMO, "active", "500000")
    backwards = ["2026-11-03", "2026-11-01", *row("", "Promo 12.12 - Konversi", PROMO, "active", "300000")[2:]]
    preview = preview_import(session, download([ok, backwards]), "Toko.csv", AccountTarget(), now=NOW)
    [error] = preview.errors
    assert (error.row, error.column) == (6, "Akhir pelaporan")
    assert error.reason == "2026-11-01 is before the start of the row's period, 2026-11-03."  # CLI: ISO
    assert in_bahasa(monkeypatch, error.message) == "1 Nov 2026 sebelum awal periode baris ini, 3 Nov 2026."


def test_the_accounts_own_time_zone_decides_today(session) -> None:
    # 3 Nov 23:30 UTC is already 4 Nov in Jakarta: 5 Nov is within the day allowed there, not in Honolulu (3 Nov).
    late = dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.UTC)
    data = download([row("2026-11-05", "Promo 12.12 - Konversi", PROMO, "active", "500000")], total="500000")
    jakarta = preview_import(session, data, "Toko.csv", AccountTarget(timezone="Asia/Jakarta"), now=late)
    honolulu = preview_import(session, data, "Toko.csv", AccountTarget(timezone="Pacific/Honolulu"), now=late)
    assert (len(jakarta.rows), len(honolulu.rows)) == (1, 0)
    assert [e.row for e in honolulu.errors] == [5]


def test_a_future_day_column_is_refused_on_that_column(session) -> None:
    data = b"Campaign name,Day,Amount spent (IDR),Impressions\nSale,2026-11-03,1000,10\nSale,2026-12-25,1000,10\n"
    preview = preview_import(session, data, "Toko.csv", AccountTarget(timezone="Asia/Jakarta"), now=NOW)
    assert [(e.row, e.column) for e in preview.errors] == [(3, "Day")]
    assert "2026-12-25 is after today (2026-11-03)" in preview.errors[0].reason
    assert Decimal(preview.spend) == Decimal(1000)
