"""Field review of the contact import, on files shaped like the ones people download: a Google Sheets CSV and an
Excel (Indonesian locale) CSV of a KOL list with a title line, Bahasa headers (`Nama`, `No. HP`, `Kota`,
`Engagement Rate`) and mixed formats. Engagement rates mixed in one column are never stored wrong, local phone
numbers are read in the workspace's country, YouTube video links are refused as channels, and the CLI's exit
code says whether every row was imported."""

from __future__ import annotations

import re
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from db.engine import session_scope
from db.errors import DomainError
from db.settings import set_setting
from influencers.contacts import normalize_email, normalize_phone
from influencers.csv_import import apply_import, preview_import
from influencers.handles import NotAProfileError, handle_from_url, normalize_handle
from influencers.models import Influencer, SocialHandle
from tests.influencers.conftest import ADMIN, SPECIALIST

PROPERTIES = settings(database=None, deadline=None, max_examples=200)

# "File > Download > CSV" from a Google Sheet in the Indonesian locale: comma separated, decimals with a comma
# (so quoted), a title row and a blank row above the header, no BOM, LF.
SHEETS_CSV = (
    "Daftar KOL Kampanye Ramadan 2026,,,,,,,\n"
    ",,,,,,,\n"
    "No,Nama,No. HP,Kota,Instagram,YouTube,Pengikut,Engagement Rate\n"
    '1,Ayu Lestari,0812-3456-7890,Bandung,@ayu.lestari,https://www.youtube.com/@AyuLestari,"12,5 rb","3,5%"\n'
    '2,Budi Santoso,+62 813-1111-2222,Jakarta,budisantoso,,"85.000","0,045"\n'
    '3,Citra Dewi,(021) 5551234,Jakarta,citradewi,https://youtu.be/abc123,"1,2 jt","4.2"\n'
    "4,Dimas Pratama,0812,Surabaya,dimas.p,,977200,\n"
    '5,Eka Putri,6285712345678,Medan,ekaputri,https://www.youtube.com/watch?v=abc123,"45.600","2,1%"\n'
    "6,Fajar Nugroho,,Yogyakarta,,https://www.youtube.com/c/FajarVlog,120000,\n"
    "7,Gita Sari,,Bali,,https://www.youtube.com/channel/UC1a2B3c4D5e6F7g8H9i0JkL,,\n"
)


def _problems(preview) -> dict[tuple[int, str], str]:
    return {(p.row, p.field): p.reason for p in preview.problems}


def test_a_google_sheets_kol_list_in_bahasa(session) -> None:
    preview = preview_import(session, SHEETS_CSV.encode(), file_name="Daftar KOL.csv")
    assert preview.header_line == 3
    assert preview.header_map["No. HP"] == "phone"
    assert preview.header_map["Engagement Rate"] == "engagement_rate"
    assert _problems(preview) == {
        (5, "engagement_rate"): "0,045 could be 0.045% or 4.5% (this column also holds percents); write it with a "
        "% sign (4.5% or 0.045%).",
        (6, "youtube"): "'https://youtu.be/abc123' is a link to a video, not a channel; use the channel's address, "
        "such as youtube.com/@name",
        (7, "phone"): "'0812' is not a valid phone number for ID",
        (8, "youtube"): "'https://www.youtube.com/watch?v=abc123' is a link to a video or page, not a channel; use "
        "the channel's address, such as youtube.com/@name",
    }
    assert apply_import(session, SPECIALIST, preview) == {
        "imported": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 4,
    }
    people = {p.name: (p.phone, p.country, p.city) for p in session.scalars(select(Influencer))}
    assert people == {
        "Ayu Lestari": ("+6281234567890", None, "Bandung"),  # read in Indonesia; no country is made up
        "Fajar Nugroho": (None, None, "Yogyakarta"),
        "Gita Sari": (None, None, "Bali"),
    }
    handles = {
        (h.influencer.name, h.platform): (h.handle, h.engagement_rate) for h in session.scalars(select(SocialHandle))
    }
    assert handles == {
        ("Ayu Lestari", "instagram"): ("ayu.lestari", Decimal("3.5")),
        ("Ayu Lestari", "youtube"): ("ayulestari", None),
        ("Fajar Nugroho", "youtube"): ("fajarvlog", None),
        ("Gita Sari", "youtube"): ("channel/UC1a2B3c4D5e6F7g8H9i0JkL", None),
    }
    assert session.scalar(select(func.count()).where(SocialHandle.handle == "abc123")) == 0


def test_the_fixed_rows_import_and_every_phone_form_is_read(session) -> None:
    fixed = (
        SHEETS_CSV.replace('"0,045"', '"4,5%"')
        .replace("https://youtu.be/abc123", "https://www.youtube.com/@CitraDewi")
        .replace(",0812,", ",0812-9999-0000,")
        .replace("https://www.youtube.com/watch?v=abc123", "youtube.com/@ekaputri")
    )
    preview = preview_import(session, fixed.encode())
    assert preview.problems == []
    apply_import(session, SPECIALIST, preview)
    phones = {p.name: p.phone for p in session.scalars(select(Influencer))}
    assert phones["Budi Santoso"] == "+6281311112222"
    assert phones["Citra Dewi"] == "+62215551234"  # a Jakarta landline
    assert phones["Dimas Pratama"] == "+6281299990000"
    assert phones["Eka Putri"] == "+6285712345678"  # written with 62 and no +
    handles = session.scalars(select(SocialHandle).where(SocialHandle.platform == "instagram"))
    rates = {h.influencer.name: h.engagement_rate for h in handles}
    assert rates["Budi Santoso"] == Decimal("4.5")
    assert rates["Citra Dewi"] == Decimal("4.2")  # above 1 without %: a percent


def test_a_column_of_fractions_in_excel_semicolons_is_still_read_as_fractions(session) -> None:
    # Excel "CSV (semicolon delimited)" in the Indonesian locale: cp1252, CRLF, decimal commas.
    text = "Nama;WhatsApp;Negara;TikTok;Engagement Rate\r\nRenée;0812 3456 7890;Indonesia;@renee;0,045\r\n"
    text += "Wira;+65 9123 4567;;@wira;0,021\r\nLiem;9123 4567;Singapura;@liem;0,1\r\n"
    preview = preview_import(session, text.encode("cp1252"))
    assert preview.problems == []
    assert [str(n) for n in preview.notes] == [
        "Column 'Engagement Rate' holds engagement rates as fractions (every value is at most 1): 0.017 is read as "
        "1.7 %."
    ]
    apply_import(session, SPECIALIST, preview)
    rows = {h.influencer.name: (h.influencer.phone, h.engagement_rate) for h in session.scalars(select(SocialHandle))}
    assert rows == {
        "Renée": ("+6281234567890", Decimal("4.5")),
        "Wira": ("+6591234567", Decimal("2.1")),
        "Liem": ("+6591234567", Decimal("10")),  # the contact's own country wins over the workspace's
    }


def test_the_workspace_country_setting_reads_local_numbers(session) -> None:
    set_setting(session, ADMIN, "default_country", "SG")
    preview = preview_import(session, b"Name,Phone\nWira,9123 4567\nAyu,0812-3456-7890\n")
    assert _problems(preview) == {(3, "phone"): "'0812-3456-7890' is not a valid phone number for SG"}
    assert preview.rows[0].contact.phone == "+6591234567"
    set_setting(session, ADMIN, "default_country", None)  # cleared: back to the default, Indonesia
    assert preview_import(session, b"Name,Phone\nAyu,0812-3456-7890\n").problems == []


def test_youtube_addresses() -> None:
    assert handle_from_url("https://www.youtube.com/@KopiKita") == ("youtube", "kopikita")
    assert handle_from_url("youtube.com/c/KopiChannel") == ("youtube", "kopichannel")
    assert handle_from_url("https://youtube.com/channel/UC1a2B3c4D5e6F7g8H9i0JkL/videos") == (
        "youtube",
        "channel/UC1a2B3c4D5e6F7g8H9i0JkL",
    )
    for video in (
        "https://youtu.be/abc123",
        "youtu.be/abc123?t=42",
        "https://www.youtube.com/watch?v=abc123",
        "https://m.youtube.com/shorts/abc123",
        "https://www.youtube.com/live/abc123",
        "https://www.youtube.com/embed/abc123",
    ):
        with pytest.raises(NotAProfileError, match="not a channel"):
            normalize_handle("youtube", video)


@PROPERTIES
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-", min_size=1, max_size=20), st.booleans())
def test_no_video_link_ever_becomes_a_handle(video_id: str, short: bool) -> None:
    url = f"https://youtu.be/{video_id}" if short else f"https://www.youtube.com/watch?v={video_id}"
    try:
        handle_from_url(url)
    except NotAProfileError:
        return
    raise AssertionError(f"{url} gave a handle")


@PROPERTIES
@given(st.text(max_size=30))
def test_any_phone_text_is_e164_or_a_reason(raw: str) -> None:
    """Untrusted phone cells: the result is a valid E.164 number or a DomainError sentence, nothing else."""
    try:
        phone = normalize_phone(raw, None, "ID")
    except DomainError as exc:
        reason = str(exc)
        assert reason
        return
    if phone is not None:
        assert phone.startswith("+")
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))


@PROPERTIES
@given(st.integers(min_value=0, max_value=99_999_999))
def test_local_indonesian_mobiles_keep_every_digit(subscriber: int) -> None:
    local = f"0812-{subscriber:08d}"
    try:
        phone = normalize_phone(local, None, "ID")
    except DomainError as exc:  # an unreadable number says so; it is never stored cut short
        reason = str(exc)
        assert "phone number" in reason
        return
    assert phone == f"+62812{subscriber:08d}"


def test_cli_exit_codes_say_whether_every_row_was_imported(migrated_url: str, tmp_path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.csv"
    good.write_text("Nama;No. HP;Instagram\nAyu;0812-3456-7890;@ayu\n", encoding="utf-8-sig")
    some = tmp_path / "some.csv"
    some.write_text(SHEETS_CSV, encoding="utf-8")
    none = tmp_path / "none.csv"
    none.write_text("Nama,YouTube\nCitra,https://youtu.be/abc123\n,\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "influencers", str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["import", "influencers", str(good)])
    assert result.exit_code == 0, result.output  # already there, unchanged: nothing was rejected
    result = runner.invoke(app, ["import", "influencers", str(some), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "rejected: row 5, engagement_rate: 0,045 could be 0.045% or 4.5%" in result.output
    assert "rejected: row 6, youtube: 'https://youtu.be/abc123' is a link to a video" in result.output
    assert "rejected: row 7, phone: '0812' is not a valid phone number for ID" in result.output
    assert "Would import: 3 imported, 0 updated, 0 unchanged, 0 skipped, 4 rejected" in result.output
    result = runner.invoke(app, ["import", "influencers", str(none)])
    assert result.exit_code == 2, result.output
    assert "error: no row of the file was imported." in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("Nama,Instagram\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "influencers", str(empty)]).exit_code == 2
    assert runner.invoke(app, ["import", "influencers", str(tmp_path / "missing.csv")]).exit_code == 2
    with session_scope(migrated_url) as s:
        assert s.scalars(select(Influencer.name)).all() == ["Ayu"]


def test_an_invalid_email_says_why_in_our_own_words(session) -> None:
    preview = preview_import(session, b"Nama,Surel\nAyu,ayu.example.com\nBudi,budi@\nCitra,@x.com\n")
    warning = str(preview.warnings[0])
    assert "'ayu.example.com' is not a valid e-mail address (it has no @)" in warning
    for raw, reason in (
        ("budi@", "the part after the @ is not a domain such as example.com"),
        ("@x.com", "nothing comes before the @"),
    ):
        with pytest.raises(DomainError, match=re.escape(f"({reason})")):
            normalize_email(raw)


def test_totals_lines_of_a_sheet_are_not_contacts(session) -> None:
    """A KOL sheet ends with a SUM line and a labelled average; neither is a contact, and the average's `2,9%`
    does not turn the column of fractions into percents."""
    text = (
        "Nama;Instagram;Pengikut;Engagement Rate\r\n"
        "Ayu;@ayu;12.500;0,045\r\n"
        "Budi;@budi;85.000;0,021\r\n"
        ";;97.500;\r\n"
        "Jumlah;;97.500;\r\n"
        "TOTAL;;;2,9%\r\n"
    )
    preview = preview_import(session, text.encode("utf-8-sig"))
    assert preview.problems == []
    assert preview.counts()["imported"] == 2
    assert [str(n) for n in preview.notes] == [
        "Column 'Engagement Rate' holds engagement rates as fractions (every value is at most 1): 0.017 is read as "
        "1.7 %.",
        "Totals lines of the sheet (rows 4, 5, 6) are not contacts; they were not imported.",
    ]
    apply_import(session, SPECIALIST, preview)
    rates = {h.handle: h.engagement_rate for h in session.scalars(select(SocialHandle))}
    assert rates == {"ayu": Decimal("4.5"), "budi": Decimal("2.1")}


def test_a_contact_named_like_a_total_but_with_a_handle_is_a_contact(session) -> None:
    preview = preview_import(session, b"Name,Instagram\nTotal,@total.id\n")
    assert [p.contact.name for p in preview.rows] == ["Total"]
    assert preview.notes == []
