"""Contact import: encodings, delimiters, header rows below title lines, English and Indonesian header names,
explicit mapping, values that do not fit an optional field (left out with a column warning, the row imported),
rows rejected without a name, with a conflicting identity or an unreadable phone, "unchanged" re-imports,
versions bumped by an import so an open edit form gets a conflict, dry run, the CLI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from db.engine import session_scope
from db.errors import ConflictError
from db.models import AuditEntry
from db.tabular import TabularError
from influencers.contacts import create_influencer, form_values, update_influencer
from influencers.csv_import import ImportFileError, apply_import, file_columns, parse_mapping, preview_import
from influencers.models import Influencer, InfluencerLabel, SocialHandle
from tests.influencers.conftest import SPECIALIST

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _problems(preview) -> dict[tuple[int, str], str]:
    return {(p.row, p.field): p.reason for p in preview.problems}


def _warnings(preview) -> dict[str, str]:
    return {w.column: str(w) for w in preview.warnings}


def test_indonesian_headers_semicolon_and_bom(session) -> None:
    text = "\ufeffNama;Surel;No HP;Negara;Kota;Instagram;Pengikut;Kategori;Label\n"
    text += "Ayu Lestari;Ayu@X.com;0812 3456 7890;Indonesia;Bandung;https://instagram.com/Ayu.L;12,5rb;kopi, food;vip\n"
    preview = preview_import(session, text.encode("utf-8"))
    assert preview.encoding == "utf-8-sig"
    assert preview.delimiter == ";"
    assert preview.header_map["No HP"] == "phone"
    assert preview.problems == []
    assert preview.warnings == []
    counts = apply_import(session, SPECIALIST, preview)
    assert counts == {"imported": 1, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 0}
    person = session.scalars(select(Influencer)).one()
    assert (person.email, person.phone, person.country, person.city) == (
        "ayu@x.com",
        "+6281234567890",
        "ID",
        "Bandung",
    )
    handle = person.handles[0]
    assert (handle.platform, handle.handle, handle.followers) == ("instagram", "ayu.l", 12500)
    assert sorted((lbl.kind, lbl.value) for lbl in person.labels) == [
        ("niche", "food"),
        ("niche", "kopi"),
        ("tag", "vip"),
    ]


def test_latin1_and_comma(session) -> None:
    data = "Name,Email,TikTok,Followers\nJosé Ramírez,jose@x.com,@jose.r,1.200\n".encode("latin-1")
    preview = preview_import(session, data)
    assert preview.encoding in ("cp1252", "latin-1")  # the two decode these bytes identically
    apply_import(session, SPECIALIST, preview)
    person = session.scalars(select(Influencer)).one()
    assert person.name == "José Ramírez"
    assert person.handles[0].followers == 1200


def test_explicit_mapping_and_ignored_columns_are_reported(session) -> None:
    data = b"Creator Name,IG Account,Shoe size\nBudi,@budi,42\n"
    with pytest.raises(ImportFileError) as caught:
        preview_import(session, b"IG Account,Shoe size\n@budi,42\n")
    assert str(caught.value) == (
        "No column is recognised as the name (columns: IG Account, Shoe size); name it Name or Nama, or map it "
        "with --map COLUMN=name."
    )
    preview = preview_import(session, data, mapping=parse_mapping(["IG Account=instagram"]))
    assert preview.header_map == {"Creator Name": "name", "IG Account": "instagram"}
    assert preview.ignored_columns == ["Shoe size"]
    with pytest.raises(ImportFileError, match="is not a field"):
        parse_mapping(["IG Account=instagrm"])
    with pytest.raises(ImportFileError, match="COLUMN=field"):
        parse_mapping(["instagram"])


def test_two_columns_mapped_to_one_field_are_refused_naming_both(session) -> None:
    data = b"Nama,IG Lama,IG Baru,Web,Profil\nBudi,@budi_old,@budi,https://budi.id,https://tiktok.com/@budi\n"
    with pytest.raises(ImportFileError) as caught:
        preview_import(session, data, mapping=parse_mapping(["IG Lama=instagram", "IG Baru=instagram"]))
    assert str(caught.value) == (
        "Columns 'IG Lama' and 'IG Baru' are both mapped to instagram; a field takes one column (only link takes "
        "several): map one of them to another field or ignore it."
    )
    assert session.scalar(select(func.count(Influencer.id))) == 0
    # link takes several columns
    preview = preview_import(
        session, data, mapping=parse_mapping(["IG Lama=ignore", "IG Baru=instagram", "Web=link", "Profil=link"])
    )
    assert preview.header_map == {"Nama": "name", "IG Baru": "instagram", "Web": "link", "Profil": "link"}
    handles = {p: h.handle for p, h in preview.rows[0].contact.handles.items()}
    assert handles == {"instagram": "budi", "other": "budi.id", "tiktok": "budi"}


def test_an_explicit_mapping_takes_its_field_before_a_recognised_header(session) -> None:
    data = b"Nama,Instagram,IG Baru\nBudi,@budi_old,@budi\n"
    preview = preview_import(session, data, mapping=parse_mapping(["IG Baru=instagram"]))
    assert preview.header_map == {"Nama": "name", "IG Baru": "instagram"}
    assert preview.ignored_columns == preview.unmapped_columns == ["Instagram"]
    assert preview.rows[0].contact.handles["instagram"].handle == "budi"


def test_columns_ignored_by_the_mapping_are_not_imported_but_not_unmapped(session) -> None:
    data = b"Nama,Hobi,Ukuran sepatu\nBudi,kopi,42\n"
    preview = preview_import(session, data, mapping=parse_mapping(["Hobi=ignore"]))
    assert preview.ignored_columns == ["Hobi", "Ukuran sepatu"]  # the command line lists both
    assert preview.ignored_by_mapping == ["Hobi"]
    assert preview.unmapped_columns == ["Ukuran sepatu"]


def test_file_columns_give_each_header_once_with_its_recognised_field_and_samples(session) -> None:
    data = (
        b"Daftar KOL,,,,\n"
        b"Nama,Nama Lengkap,Nama IG,Pengikut,Catatan\n"
        b"Ayu,Ayu Lestari,,N/A,\n"
        b"Budi,Budi S,@budi,12.500,\n"
        b"Citra,Citra A,@citra,-,\n"
        b"Dewi,Dewi K,@dewi,3000,\n"
        b"Eka,Eka P,@eka,4000,\n"
    )
    columns = file_columns(data, "kol.csv")
    assert [(c.name, c.field, c.samples) for c in columns] == [
        ("Nama", "name", ("Ayu", "Budi", "Citra")),
        ("Nama Lengkap", None, ("Ayu Lestari", "Budi S", "Citra A")),  # name is taken by the earlier column
        ("Nama IG", None, ("@budi", "@citra", "@dewi")),  # blanks are passed over
        ("Pengikut", "followers", ("12.500", "3000", "4000")),
        ("Catatan", "notes", ()),
    ]
    with pytest.raises(TabularError):
        file_columns(b"\x00\x01PK\x03\x04garbage", "kol.xlsx")


def test_values_that_do_not_fit_are_left_out_with_a_column_warning(session) -> None:
    existing_a = create_influencer(session, SPECIALIST, {"name": "A", "email": "a@x.com"})
    existing_b = create_influencer(session, SPECIALIST, {"name": "B", "handles": {"tiktok": "bee"}})
    rows = [
        "Name,Email,Phone,Country,Status,Instagram,TikTok,Followers,Engagement Rate",
        "Good One,good@x.com,,,,good.one,,5000,3.5",  # 2 ok
        ",noname@x.com,,,,,,,",  # 3 missing name: rejected
        "Bad Email,bad@,,,,,,,",  # 4 email left out
        "Bad Phone,,12,ID,,,,,",  # 5 phone that cannot be read: rejected (never imported without it)
        "Bad Country,,,Narnia,,,,,",  # 6 country left out
        "Bad Status,,,,sleeping,,,,",  # 7 status left out
        "Wrong URL,,,,,https://tiktok.com/@wrong,,,",  # 8 handle of another platform left out
        "Bad Followers,,,,,bf,,lots,",  # 9 followers left out
        "Negative,,,,,neg,,-5,",  # 10 negative followers left out
        "Bad ER,,,,,ber,,,150",  # 11 engagement out of range left out
        "Dup In File,good@x.com,,,,,,,",  # 12 email repeated from row 2: rejected
        "Dup Handle,,,,,GOOD.ONE,,,",  # 13 handle repeated from row 2: rejected
        "Ambiguous,a@x.com,,,,,bee,,",  # 14 matches two different influencers: rejected
        "Too Many,,,,,,,,,extra",  # 15 more values than headers: rejected
        "No Handle,,,,,,,100,",  # 16 followers without a handle left out
        "",  # blank line: not a row
        "Good Two,,+6591234567,SG,,,,,",  # 18 ok
    ]
    preview = preview_import(session, "\n".join(rows).encode())
    assert _problems(preview) == {
        (3, "name"): "a name is required",
        (5, "phone"): "'12' is not a valid phone number for ID",
        (12, "email"): "'good@x.com' is also in row 2 of this file",
        (13, "instagram"): "'good.one' is also in row 2 of this file",
        (14, "row"): f"matches two different influencers, A (#{existing_a.id}, by email) and B "
        f"(#{existing_b.id}, by tiktok); merge them first",
        (15, "row"): "Row 15 has 1 more cell(s) than the header; check that row for an unquoted delimiter.",
    }
    warnings = _warnings(preview)
    assert set(warnings) == {"Email", "Country", "Status", "Instagram", "Followers", "Engagement Rate"}
    assert warnings["Status"] == (
        "Column 'Status': 1 value(s) do not fit status (rows 7; e.g. 'sleeping': 'sleeping' is not a status (use "
        "one of active, do_not_contact)); they were left out and the rest of each row was imported. Map the column to "
        "another field, or ignore it (--map 'Status=ignore')."
    )
    assert "rows 9, 10, 16;" in warnings["Followers"]
    assert "lots is not a count" in warnings["Followers"]
    assert "rows 4;" in warnings["Email"]
    assert "rows 6;" in warnings["Country"]
    assert "rows 8;" in warnings["Instagram"]
    assert "TikTok profile, not Instagram" in warnings["Instagram"]
    assert "150 is outside the percents allowed" in warnings["Engagement Rate"]
    counts = apply_import(session, SPECIALIST, preview)
    assert counts == {"imported": 10, "updated": 0, "unchanged": 0, "skipped": 0, "rejected": 6}
    stored = {p.name: p for p in session.scalars(select(Influencer))}
    assert set(stored) == {
        "A", "B", "Good One", "Bad Email", "Bad Country", "Bad Status", "Wrong URL", "Bad Followers",
        "Negative", "Bad ER", "No Handle", "Good Two",
    }  # fmt: skip
    assert stored["Bad Email"].email is None
    assert stored["Bad Status"].status == "active"
    assert stored["Wrong URL"].handles == []
    assert [(h.handle, h.followers) for h in stored["Negative"].handles] == [("neg", None)]
    assert [(h.handle, h.engagement_rate) for h in stored["Bad ER"].handles] == [("ber", None)]


def test_outreach_sheet_imports_every_row(session) -> None:
    preview = preview_import(session, (FIXTURES / "contacts_outreach.csv").read_bytes(), file_name="outreach.csv")
    assert preview.header_map["Link"] == "link"
    assert preview.problems == []
    assert [str(n) for n in preview.notes] == [
        "Column 'Engagement Rate' holds engagement rates as fractions (every value is at most 1): 0.017 is read as "
        "1.7 %."
    ]
    assert list(_warnings(preview)) == ["Status"]
    assert preview.warnings[0].rows == (2, 3, 4, 5, 6)
    assert apply_import(session, SPECIALIST, preview)["imported"] == 5
    handles = {
        h.influencer.name: (h.platform, h.handle, h.followers, h.engagement_rate, h.profile_url)
        for h in session.scalars(select(SocialHandle))
    }
    assert handles == {
        "Rina Kartika": ("instagram", "rinakartika", 10_400_000, Decimal("1.7"), "https://www.instagram.com/rinakartika/"),
        "Dimas Pratama": ("tiktok", "dimaspratama", 977_200, Decimal("4.3"), "https://www.tiktok.com/@dimaspratama"),
        "Sari Wulandari": ("youtube", "sariwulandari", 1_200_000, Decimal("0.9"), "https://www.youtube.com/@sariwulandari"),
        "Teguh Wibowo": (
            "youtube", "channel/UC1a2B3c4D5e6F7g8H9i0JkL", 45_600, None,
            "https://www.youtube.com/channel/UC1a2B3c4D5e6F7g8H9i0JkL",
        ),
        "Putri Anggraini": ("x", "putrianggraini", 12_500, Decimal("2.1"), "https://x.com/putrianggraini"),
    }  # fmt: skip
    people = {p.name: (p.email, p.notes, p.status) for p in session.scalars(select(Influencer))}
    assert people["Dimas Pratama"] == (None, "Food", "active")  # NULL is empty
    assert people["Putri Anggraini"] == ("putri@example.com", None, "active")


def test_header_on_line_two_and_cp1252_semicolons(session) -> None:
    preview = preview_import(session, (FIXTURES / "contacts_header_line2.csv").read_bytes())
    assert preview.header_line == 2
    assert preview.counts()["imported"] == 2
    preview = preview_import(session, (FIXTURES / "contacts_cp1252.csv").read_bytes())
    assert (preview.encoding, preview.delimiter) == ("cp1252", ";")
    apply_import(session, SPECIALIST, preview)
    followers = {h.influencer.name: (h.followers, h.engagement_rate) for h in session.scalars(select(SocialHandle))}
    assert followers["Renée Café"] == (12_500, Decimal("2.1"))  # 12,5 rb; 2,1 % (a % makes the column percents)
    assert followers["José Ramírez"] == (1_200_000, Decimal("0.9"))  # 1,2 jt
    assert followers["Siti Nurhaliza"] == (12_500, Decimal("3.4"))  # 12.500


def test_legacy_xls_with_a_title_row(session) -> None:
    preview = preview_import(session, (FIXTURES / "contacts_legacy.xls").read_bytes(), file_name="kol.xls")
    assert (preview.kind, preview.header_line) == ("xls", 2)
    assert preview.ignored_columns == ["Last contact"]
    apply_import(session, SPECIALIST, preview)
    assert {p.name: p.country for p in session.scalars(select(Influencer))} == {
        "Ayu Lestari": "ID",
        "Renée Café": "ID",
    }


def test_an_unreadable_file_is_one_sentence(session) -> None:
    with pytest.raises(TabularError) as caught:
        preview_import(session, b'Name,Notes\nAyu,"never closed\nBudi,x\n')
    assert str(caught.value) == (
        "Line 2 opens a quote that is not closed where it should be, so the lines after it would be read as one "
        "cell; fix or remove that quote and upload the file again."
    )


@pytest.mark.parametrize("on_duplicate", ["update", "skip"])
def test_duplicates_update_or_skip(session, on_duplicate: str) -> None:
    person = create_influencer(
        session,
        SPECIALIST,
        {
            "name": "Citra",
            "email": "citra@x.com",
            "city": "Medan",
            "status": "do_not_contact",
            "handles": {"instagram": {"handle": "citra", "followers": 100}},
        },
    )
    data = b"Name,Email,City,Instagram,TikTok,Followers,Tags\nCitra K,,Jakarta,@Citra,citra.tt,900,new\n"
    preview = preview_import(session, data, on_duplicate=on_duplicate)
    [plan] = preview.duplicates
    assert (plan.existing_id, plan.matched_on, plan.action) == (person.id, "instagram", on_duplicate)
    counts = apply_import(session, SPECIALIST, preview)
    session.flush()
    session.expire_all()
    person = session.get(Influencer, person.id)
    if on_duplicate == "skip":
        assert counts["skipped"] == 1
        assert (person.name, person.city, len(person.handles)) == ("Citra", "Medan", 1)
    else:
        assert counts["updated"] == 1
        assert (person.name, person.city, person.email) == ("Citra K", "Jakarta", "citra@x.com")
        assert person.status == "do_not_contact"  # a list without a status never reactivates a contact
        assert {h.platform: h.followers for h in person.handles} == {"instagram": 900, "tiktok": None}
        assert [lbl.value for lbl in person.labels] == ["new"]
    assert session.scalar(select(func.count(Influencer.id))) == 1


def test_reimporting_identical_data_is_unchanged_and_bumps_nothing(session) -> None:
    data = (FIXTURES / "contacts_outreach.csv").read_bytes()
    apply_import(session, SPECIALIST, preview_import(session, data))
    session.flush()
    versions = dict(session.execute(select(Influencer.id, Influencer.version_id)).all())
    entries = session.scalar(select(func.count(AuditEntry.id)))
    again = preview_import(session, data)
    assert again.counts() == {"imported": 0, "updated": 0, "unchanged": 5, "skipped": 0, "rejected": 0}
    assert apply_import(session, SPECIALIST, again)["unchanged"] == 5
    session.flush()
    assert dict(session.execute(select(Influencer.id, Influencer.version_id)).all()) == versions
    assert session.scalar(select(func.count(AuditEntry.id))) == entries  # nothing changed: nothing audited


def test_an_import_that_changes_a_contact_bumps_its_version_so_an_open_form_conflicts(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        person = create_influencer(s, SPECIALIST, {"name": "Dewi", "handles": {"instagram": "dewi"}})
        opened = form_values(person)  # an edit form opened now
    with session_scope(migrated_url) as s:  # the import changes only a handle's followers
        preview = preview_import(s, b"Name,Instagram,Followers\nDewi,dewi,15.3K\n")
        assert preview.counts()["updated"] == 1
        apply_import(s, SPECIALIST, preview)
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, opened["id"]).version_id > opened["version_id"]
        with pytest.raises(ConflictError):
            update_influencer(s, SPECIALIST, opened["id"], {"name": "Dewi Ayu"}, opened["version_id"])
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, opened["id"]).name == "Dewi"
        assert s.scalar(select(SocialHandle.followers)) == 15_300


def test_an_edit_saved_between_preview_and_import_is_never_overwritten(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        person = create_influencer(s, SPECIALIST, {"name": "Eka", "city": "Solo", "handles": {"tiktok": "eka"}})
        pid, version = person.id, person.version_id
    with session_scope(migrated_url) as s:
        preview = preview_import(s, b"Name,TikTok,City\nEka,eka,Yogyakarta\n")
    with session_scope(migrated_url) as s:  # someone saves the contact meanwhile
        update_influencer(
            s, SPECIALIST, pid, {"name": "Eka", "city": "Semarang", "handles": {"tiktok": "eka"}}, version
        )
    with session_scope(migrated_url) as s, pytest.raises(ConflictError):
        apply_import(s, SPECIALIST, preview)
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, pid).city == "Semarang"


def test_dry_run_writes_nothing_and_import_is_audited(session) -> None:
    data = b"Name,Instagram\nDewi,dewi\nEka,eka\n"
    preview = preview_import(session, data)
    assert apply_import(session, SPECIALIST, preview, dry_run=True)["imported"] == 2
    assert session.scalar(select(func.count(Influencer.id))) == 0
    apply_import(session, SPECIALIST, preview, source="list.csv")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.after["imported"] == 2
    assert entry.after["source"] == "list.csv"


def test_cli_import(migrated_url: str, tmp_path) -> None:
    path = tmp_path / "kontak.csv"
    path.write_text("Nama;Surel;TikTok\nFajar;fajar@x.com;@Fajar\nRusak;rusak;\n;x@x.com;\n", encoding="utf-8-sig")
    runner = CliRunner()
    dry = runner.invoke(app, ["import", "influencers", str(path), "--dry-run"])
    assert dry.exit_code == 1, dry.output  # some rows rejected
    assert "Would import: 2 imported, 0 updated, 0 unchanged, 0 skipped, 1 rejected" in dry.output
    assert "rejected: row 4, name: a name is required" in dry.output
    assert "warning: Column 'Surel': 1 value(s) do not fit email (rows 3;" in dry.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Influencer.id))) == 0
    done = runner.invoke(app, ["import", "influencers", str(path)])
    assert done.exit_code == 1, done.output
    again = runner.invoke(app, ["import", "influencers", str(path)])
    assert "0 imported, 0 updated, 2 unchanged, 0 skipped, 1 rejected" in again.output
    skip = runner.invoke(app, ["import", "influencers", str(path), "--on-duplicate", "skip"])
    assert "0 imported, 0 updated, 0 unchanged, 2 skipped, 1 rejected" in skip.output
    assert "matches Fajar" in skip.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(SocialHandle.handle)) == "fajar"
        assert s.scalar(select(func.count(InfluencerLabel.id))) == 0
    bad = runner.invoke(app, ["import", "influencers", str(path), "--map", "Nama=nope"])
    assert bad.exit_code == 2
    assert "is not a field" in bad.output
    twice = runner.invoke(app, ["import", "influencers", str(path), "--map", "Surel=tiktok", "--map", "TikTok=tiktok"])
    assert twice.exit_code == 2
    assert "Columns 'Surel' and 'TikTok' are both mapped to tiktok" in " ".join(twice.output.split())
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    result = runner.invoke(app, ["import", "influencers", str(broken)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: broken.xlsx: The Excel workbook is damaged or incomplete")
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["import", "influencers", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2


def test_the_preview_says_which_cells_had_bidi_controls_removed(session) -> None:
    # (A file holding an ESC byte is refused whole by the tabular reader: it is not a text table.)
    data = "Name,Notes\nAyu \u202eLestari,ok\nBudi,\u2066VIP\u2069\nSari,fine\nDewi \u202d,x\n".encode()
    preview = preview_import(session, data)
    assert [p.contact.name for p in preview.rows] == ["Ayu Lestari", "Budi", "Sari", "Dewi"]
    assert preview.rows[1].contact.notes == "VIP"
    bidi = "direction-changing (bidi) control characters were removed"
    assert [str(n) for n in preview.notes] == [
        f"Column 'Name': {bidi} (rows 2, 5); the rest of each value was kept.",
        f"Column 'Notes': {bidi} (rows 3); the rest of each value was kept.",
    ]
