"""CSV import: encodings, delimiters, header names in English and Indonesian, explicit mapping, every
problem kind by row/field/reason, duplicates (update or skip), dry run and one commit of the valid rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from db.engine import session_scope
from db.models import AuditEntry
from influencers.contacts import create_influencer
from influencers.csv_import import ImportFileError, apply_import, parse_mapping, preview_import
from influencers.models import Influencer, InfluencerLabel, SocialHandle
from tests.influencers.conftest import SPECIALIST


def _problems(preview) -> dict[tuple[int, str], str]:
    return {(p.row, p.field): p.reason for p in preview.problems}


def test_indonesian_headers_semicolon_and_bom(session) -> None:
    text = "\ufeffNama;Surel;No HP;Negara;Kota;Instagram;Pengikut;Kategori;Label\n"
    text += "Ayu Lestari;Ayu@X.com;0812 3456 7890;Indonesia;Bandung;https://instagram.com/Ayu.L;12,5rb;kopi, food;vip\n"
    preview = preview_import(session, text.encode("utf-8"))
    assert preview.encoding == "utf-8-sig"
    assert preview.delimiter == ";"
    assert preview.header_map["No HP"] == "phone"
    assert preview.problems == []
    assert apply_import(session, SPECIALIST, preview) == {"imported": 1, "updated": 0, "skipped": 0, "rejected": 0}
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
    assert preview.encoding == "latin-1"
    apply_import(session, SPECIALIST, preview)
    person = session.scalars(select(Influencer)).one()
    assert person.name == "José Ramírez"
    assert person.handles[0].followers == 1200


def test_explicit_mapping_and_ignored_columns_are_reported(session) -> None:
    data = b"Creator Name,IG Account,Shoe size\nBudi,@budi,42\n"
    with pytest.raises(ImportFileError, match="no column is recognised as the name"):
        preview_import(session, b"IG Account\n@budi\n")
    preview = preview_import(session, data, mapping=parse_mapping(["IG Account=instagram"]))
    assert preview.header_map == {"Creator Name": "name", "IG Account": "instagram"}
    assert preview.ignored_columns == ["Shoe size"]
    with pytest.raises(ImportFileError, match="is not a field"):
        parse_mapping(["IG Account=instagrm"])
    with pytest.raises(ImportFileError, match="COLUMN=field"):
        parse_mapping(["instagram"])


def test_every_problem_kind_rejects_the_whole_row(session) -> None:
    existing_a = create_influencer(session, SPECIALIST, {"name": "A", "email": "a@x.com"})
    existing_b = create_influencer(session, SPECIALIST, {"name": "B", "handles": {"tiktok": "bee"}})
    rows = [
        "Name,Email,Phone,Country,Status,Instagram,TikTok,Followers,Engagement Rate",
        "Good One,good@x.com,,,,good.one,,5000,3.5",  # 2 ok
        ",noname@x.com,,,,,,,",  # 3 missing name
        "Bad Email,bad@,,,,,,,",  # 4 email
        "Bad Phone,,12,ID,,,,,",  # 5 phone
        "Bad Country,,,Narnia,,,,,",  # 6 country
        "Bad Status,,,,sleeping,,,,",  # 7 status
        "Wrong URL,,,,,https://tiktok.com/@wrong,,,",  # 8 handle from another platform
        "Bad Followers,,,,,bf,,lots,",  # 9 followers not a number
        "Negative,,,,,neg,,-5,",  # 10 negative
        "Bad ER,,,,,ber,,,150",  # 11 engagement out of range
        "Dup In File,good@x.com,,,,,,,",  # 12 email repeated from row 2
        "Dup Handle,,,,,GOOD.ONE,,,",  # 13 handle repeated from row 2
        "Ambiguous,a@x.com,,,,,bee,,",  # 14 matches two different influencers
        "Too Many,,,,,,,,,extra",  # 15 more values than headers
        "No Handle,,,,,,,100,",  # 16 followers without a handle
        "",  # blank line: not a row
        "Good Two,,+6591234567,SG,,,,,",  # 18 ok
    ]
    preview = preview_import(session, "\n".join(rows).encode())
    problems = _problems(preview)
    assert "a name is required" in problems[(3, "name")]
    assert "not a valid e-mail" in problems[(4, "email")]
    assert "not a valid phone number for ID" in problems[(5, "phone")]
    assert "not a country" in problems[(6, "country")]
    assert "not a status" in problems[(7, "status")]
    assert "TikTok profile, not Instagram" in problems[(8, "instagram")]
    assert "not a whole number" in problems[(9, "followers")]
    assert (10, "followers") in problems
    assert "between 0 and 100" in problems[(11, "engagement_rate")]
    assert "also in row 2" in problems[(12, "email")]
    assert "also in row 2" in problems[(13, "instagram")]
    assert f"#{existing_a.id}" in problems[(14, "row")]
    assert f"#{existing_b.id}" in problems[(14, "row")]
    assert "10 values but the header has 9" in problems[(15, "row")]
    assert "need a handle" in problems[(16, "followers")]
    assert {p.row for p in preview.problems} == set(range(3, 17))
    counts = apply_import(session, SPECIALIST, preview)
    assert counts == {"imported": 2, "updated": 0, "skipped": 0, "rejected": 14}
    names = set(session.scalars(select(Influencer.name)))
    assert names == {"A", "B", "Good One", "Good Two"}


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
        assert person.status == "do_not_contact"  # a CSV without a status never reactivates a contact
        assert {h.platform: h.followers for h in person.handles} == {"instagram": 900, "tiktok": None}
        assert [lbl.value for lbl in person.labels] == ["new"]
    assert session.scalar(select(func.count(Influencer.id))) == 1


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
    path.write_text("Nama;Surel;TikTok\nFajar;fajar@x.com;@Fajar\nRusak;rusak;\n", encoding="utf-8-sig")
    runner = CliRunner()
    dry = runner.invoke(app, ["import", "influencers", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import: 1 imported, 0 updated, 0 skipped, 1 rejected" in dry.output
    assert "row 3, email:" in dry.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Influencer.id))) == 0
    done = runner.invoke(app, ["import", "influencers", str(path)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, ["import", "influencers", str(path), "--on-duplicate", "skip"])
    assert "0 imported, 0 updated, 1 skipped, 1 rejected" in again.output
    assert "matches Fajar" in again.output
    with session_scope(migrated_url) as s:
        assert s.scalar(select(SocialHandle.handle)) == "fajar"
        assert s.scalar(select(func.count(InfluencerLabel.id))) == 0
    bad = runner.invoke(app, ["import", "influencers", str(path), "--map", "Nama=nope"])
    assert bad.exit_code == 1
    assert "is not a field" in bad.output
    missing = runner.invoke(app, ["import", "influencers", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1
