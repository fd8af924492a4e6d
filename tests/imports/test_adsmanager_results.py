"""What an Ads Manager file's Results count: Bahasa Indonesia result types read as conversions; a result type that
is not a conversion, or that the import does not know, is never silently 0 (the preview and the import result say
so per type, in the user's language); an ad set name found in two campaigns is reported as ambiguous, naming them.

The files are written as Meta's Ads Reporting downloads them in Bahasa Indonesia: UTF-8 with a BOM, a title line,
Meta's totals row first, `Jenis hasil` in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from campaigns import adsmanager_headers as vocabulary
from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.adsmanager_rows import RESULT_CONVERSION, RESULT_NOT_CONVERSION, RESULT_UNKNOWN, result_kind
from campaigns.models import AccountInsight, Campaign, CampaignInsight
from db.roles import CLI_ACTOR
from tests import builders

TOKO = "Toko Kopi Sejahtera"
HEADER = "Nama kampanye,Hari,Jenis hasil,Hasil,Jumlah yang dibelanjakan (IDR),Impresi,Klik tautan"
# (campaign, day, result type, results, spend)
ROWS = [
    ("Promo 12.12 - Konversi", "2026-11-01", "Pembelian di situs web", "5", "500000"),
    ("Promo 12.12 - Konversi", "2026-11-02", "Pembelian dengan item bersama", "2", "250000"),
    ("Prospek Rumah", "2026-11-01", "Prospek di situs web", "7", "300000"),
    ("Prospek Rumah", "2026-11-02", "Prospek (formulir)", "3", "200000"),
    ("Aplikasi Kasir", "2026-11-01", "Instal aplikasi seluler", "40", "400000"),
    ("Aplikasi Kasir", "2026-11-02", "Pembelian", "1", "100000"),
    ("Traffic Blog", "2026-11-01", "Klik tautan", "120", "90000"),
    ("Traffic Blog", "2026-11-02", "Klik tautan", "80", "60000"),
    ("Brand Awareness", "2026-11-01", "Jangkauan", "9000", "70000"),
    ("Video Resep", "2026-11-01", "ThruPlay", "300", "50000"),
    ("Landing Promo", "2026-11-01", "Tayangan halaman landing", "60", "40000"),
    ("Daftar Member", "2026-11-01", "Pendaftaran selesai", "12", "80000"),
    ("Daftar Member", "2026-11-02", "Pendaftaran  selesai", "8", "70000"),  # spaced as a hand edit leaves it
    ("Daftar Member", "2026-11-03", "Pendaftaran selesai", "", "0"),  # no results: nothing lost
]


def bahasa_file(rows=ROWS) -> bytes:
    """Line 1 the title, line 2 the header, line 3 Meta's totals row, data rows from line 4."""
    spend = sum(Decimal(r[4]) for r in rows)
    lines = [
        f"{TOKO} - Laporan - 1 Nov 2026 - 3 Nov 2026",
        HEADER,
        f",,,,{spend},0,0",
        *(f"{name},{day},{kind},{results},{value},1000,10" for name, day, kind, results, value in rows),
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _conversions(session) -> dict[tuple[str, dt.date], Decimal]:
    stmt = select(Campaign.name, CampaignInsight.date, CampaignInsight.conversions).join(Campaign)
    return {(name, day): Decimal(str(value)).normalize() for name, day, value in session.execute(stmt)}


def test_bahasa_result_types_count_as_their_conversions(session) -> None:
    preview = preview_import(session, bahasa_file(), "Toko-Laporan.csv", AccountTarget(name=TOKO))
    assert preview.errors == []
    assert preview.summary_rows == 1
    apply_import(session, CLI_ACTOR, preview)
    found = _conversions(session)
    nov = dt.date(2026, 11, 1)
    assert found[("Promo 12.12 - Konversi", nov)] == 5
    assert found[("Promo 12.12 - Konversi", nov + dt.timedelta(1))] == 2
    assert found[("Prospek Rumah", nov)] == 7
    assert found[("Prospek Rumah", nov + dt.timedelta(1))] == 3
    assert found[("Aplikasi Kasir", nov)] == 40
    assert found[("Aplikasi Kasir", nov + dt.timedelta(1))] == 1
    assert found[("Traffic Blog", nov)] == 0  # link clicks are results, not conversions
    assert found[("Daftar Member", nov)] == 0


def test_results_not_counted_are_named_per_result_type_in_the_preview_and_the_result(session) -> None:
    preview = preview_import(session, bahasa_file(), "Toko-Laporan.csv", AccountTarget(name=TOKO))
    notes = [str(n) for n in preview.result_notes()]
    assert notes == [
        "1 row(s) with Jenis hasil 'Jangkauan' (9000 results) are not counted as conversions: 'Jangkauan' is a "
        "result but not a conversion (conversions are purchases, leads and app installs).",
        "2 row(s) with Jenis hasil 'Klik tautan' (200 results) are not counted as conversions: 'Klik tautan' is a "
        "result but not a conversion (conversions are purchases, leads and app installs).",
        "1 row(s) with Jenis hasil 'Tayangan halaman landing' (60 results) are not counted as conversions: "
        "'Tayangan halaman landing' is a result but not a conversion (conversions are purchases, leads and app "
        "installs).",
        "1 row(s) with Jenis hasil 'ThruPlay' (300 results) are not counted as conversions: 'ThruPlay' is a result "
        "but not a conversion (conversions are purchases, leads and app installs).",
        "2 row(s) with Jenis hasil 'Pendaftaran selesai' (20 results) are not counted as conversions: Pantau does "
        "not know this result type. If it is a purchase, lead or app install, export the report again with the "
        "Result indicator column (or the Purchases or Leads column) so it is counted.",
    ]
    assert all(note in [str(n) for n in preview.notes] for note in notes)
    assert "'Pendaftaran selesai' (20 results)" in preview.describe()
    result = apply_import(session, CLI_ACTOR, preview)
    assert [str(n) for n in result.result_notes] == notes


def test_a_file_whose_results_are_all_conversions_says_nothing_about_them(session) -> None:
    rows = [r for r in ROWS if r[2].startswith(("Pembelian", "Prospek", "Instal"))]
    preview = preview_import(session, bahasa_file(rows), "Toko-Laporan.csv", AccountTarget(name=TOKO))
    assert preview.result_notes() == []
    assert not any("not counted as conversions" in str(n) for n in preview.notes)


def test_an_unknown_result_indicator_is_named_too() -> None:
    def kind(indicator: str, result_type: str | None) -> tuple[str, str | None]:
        found = result_kind(indicator, result_type)
        assert found is not None
        return found.kind, found.event

    assert kind("actions:offsite_conversion.fb_pixel_complete_registration", None) == (RESULT_UNKNOWN, None)
    assert kind("actions:link_click", "Link clicks") == (RESULT_NOT_CONVERSION, None)
    assert kind("actions:offsite_conversion.fb_pixel_purchase", None) == (RESULT_CONVERSION, "purchase")
    assert result_kind(None, None) is None


@given(st.sampled_from(sorted(vocabulary.EVENT_BY_RESULT_TYPE)), st.sampled_from(["lower", "upper", "title"]))
def test_every_listed_result_type_is_a_conversion_whatever_its_case(word: str, case: str) -> None:
    written = getattr(word, case)()
    found = result_kind(None, f"  {written} ")
    assert found is not None
    assert (found.kind, found.event) == (RESULT_CONVERSION, vocabulary.EVENT_BY_RESULT_TYPE[word])


@given(st.text(min_size=1, max_size=40).filter(lambda t: t.strip()))
def test_any_result_type_is_a_conversion_a_known_other_result_or_unknown(text: str) -> None:
    found = result_kind(None, text)
    assert found is not None
    assert found.kind in (RESULT_CONVERSION, RESULT_NOT_CONVERSION, RESULT_UNKNOWN)
    assert (found.event is not None) == (found.kind == RESULT_CONVERSION)
    assert found.value == text


def test_the_two_vocabularies_do_not_overlap() -> None:
    assert not set(vocabulary.EVENT_BY_RESULT_TYPE) & vocabulary.NOT_CONVERSION_RESULT_TYPES


# --- an ad set name in two campaigns --------------------------------------------------------------------------------

ADSET_HEADER = "Nama set iklan,Hari,Jumlah yang dibelanjakan (IDR),Impresi"


def _adset_file(rows: list[tuple[str, str, str]]) -> bytes:
    lines = [ADSET_HEADER, ",,125000,0", *(f"{name},{day},{spend},1000" for name, day, spend in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_an_ad_set_name_in_two_campaigns_is_ambiguous_and_names_them(session) -> None:
    account = builders.account(session, name=TOKO)
    ramadan = builders.campaign(session, account, name="Ramadan Sale")
    harbolnas = builders.campaign(session, account, name="Harbolnas 11.11")
    builders.ad_set(session, ramadan, name="Broad 18-35")
    builders.ad_set(session, harbolnas, name="Broad 18-35")
    builders.ad_set(session, harbolnas, name="Retargeting 7d")
    data = _adset_file([("Broad 18-35", "2026-11-01", "100000"), ("Retargeting 7d", "2026-11-01", "25000")])
    preview = preview_import(session, data, "Toko-Set-iklan.csv", AccountTarget(account_id=account.id))
    assert preview.errors == []
    assert not preview.attributed
    notes = [str(n) for n in preview.notes]
    assert (
        "The file has no campaign column and ad set 'Broad 18-35' is in 2 campaigns of Toko Kopi Sejahtera "
        "('Harbolnas 11.11', 'Ramadan Sale'), so its rows cannot be given to one: the file's rows are stored as "
        "account-level spend per day. Export with the Campaign name (or Campaign ID) column so each row finds its "
        "own campaign."
    ) in notes
    assert not any("not known" in note for note in notes)  # the ad set is known, twice
    apply_import(session, CLI_ACTOR, preview)
    assert Decimal(str(session.scalar(select(AccountInsight.spend)))) == 125000


def test_ambiguous_and_unknown_ad_sets_are_told_apart(session) -> None:
    account = builders.account(session, name=TOKO)
    for name in ("Ramadan Sale", "Harbolnas 11.11"):
        builders.ad_set(session, builders.campaign(session, account, name=name), name="Broad 18-35")
    data = _adset_file([("Broad 18-35", "2026-11-01", "100000"), ("Lookalike 1%", "2026-11-01", "25000")])
    preview = preview_import(session, data, "Toko-Set-iklan.csv", AccountTarget(account_id=account.id))
    notes = [str(n) for n in preview.notes]
    assert any("ad set 'Broad 18-35' is in 2 campaigns" in note for note in notes)
    assert any("1 ad set(s) are not known in Toko Kopi Sejahtera (Lookalike 1%)" in note for note in notes)
