"""The Import tab's column list: every column of the file with the field it feeds (a picker of field labels and
"Do not import"), sample values beside it, choices kept per file, and a field given two columns refused."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import session_scope
from influencers.models import Influencer, SocialHandle
from tests.influencers.test_pages import INFLUENCERS, _open, _texts

ENGLISH = b"Nama,Nama IG,Kota,Hobi\nAyu,@ayu,Bandung,kopi\nBudi,,Jakarta,\nCitra,@citra,,teh\nDewi,@dewi,Bali,x\n"


def _picker(at, column: str):
    """The field picker of one column of the file (its label is the column's header)."""
    found = [box for box in at.selectbox if box.label == column]
    assert len(found) == 1, [box.label for box in at.selectbox]
    return found[0]


def _upload(at, name: str, data: bytes):
    at.file_uploader(key="inf_import_file").upload(name, data, "text/csv").run()
    assert not at.exception, at.exception
    return at


def _handles(url: str) -> dict[str, dict[str, str]]:
    with session_scope(url) as s:
        rows = s.execute(
            select(Influencer.name, SocialHandle.platform, SocialHandle.handle).outerjoin(SocialHandle)
        ).all()
    out: dict[str, dict[str, str]] = {}
    for name, platform, handle in rows:
        out.setdefault(name, {})
        if platform:
            out[name][platform] = handle
    return out


def test_the_column_list_offers_fields_by_label_with_samples_and_imports_the_choice(
    migrated_url: str, app_test
) -> None:
    at = _upload(_open(app_test(), INFLUENCERS), "kontak.csv", ENGLISH)
    assert _picker(at, "Nama").value == "name"  # recognised columns show their field, and can be changed
    assert _picker(at, "Kota").value == "city"
    unknown = _picker(at, "Nama IG")
    assert unknown.value is None  # not recognised: waits for a choice
    assert unknown.options[0] == "Do not import"
    assert {"Name", "Instagram", "Followers (Instagram)", "Engagement rate %"} <= set(unknown.options)
    for code in ("instagram_followers", "engagement_rate", "ignore", "avg_views"):
        assert code not in unknown.options
    captions = _texts(at.caption)
    assert "e.g. @ayu, @citra, @dewi" in captions  # the first three non-empty values
    assert "e.g. Bandung, Jakarta, Bali" in captions
    assert "COLUMN=field" not in captions
    assert "=ignore" not in _texts(at.warning)
    assert "Not imported (no field): Nama IG, Hobi." in _texts(at.warning)

    _picker(at, "Nama IG").select("instagram").run()
    assert not at.exception, at.exception
    assert _picker(at, "Nama IG").value == "instagram"  # the choice stays on the next runs
    warnings = _texts(at.warning)
    assert "Not imported (no field): Hobi." in warnings
    assert "Nama IG" not in warnings
    _picker(at, "Hobi").select("ignore").run()
    assert not at.exception, at.exception
    assert "Not imported" not in _texts(at.warning)  # left out on purpose: nothing to warn of
    at.button(key="inf_import_go").click().run()
    assert not at.exception, at.exception
    assert "Imported 4, updated 0, unchanged 0, skipped 0, rejected 0." in _texts(at.success)
    assert _handles(migrated_url) == {
        "Ayu": {"instagram": "ayu"},
        "Budi": {},
        "Citra": {"instagram": "citra"},
        "Dewi": {"instagram": "dewi"},
    }


def test_two_columns_for_one_field_are_refused_naming_both(migrated_url: str, app_test) -> None:
    data = b"Nama,Instagram,Nama IG\nAyu,@lama,@ayu\nBudi,@budi_old,@budi\n"
    at = _upload(_open(app_test(), INFLUENCERS), "ig.csv", data)
    _picker(at, "Nama IG").select("instagram").run()
    assert not at.exception, at.exception
    assert _texts(at.error) == (
        "Columns 'Instagram' and 'Nama IG' are both mapped to Instagram; a field takes one column: choose another "
        "field for one of them, or Do not import."
    )
    assert not at.metric  # no preview, nothing to import
    assert not [b for b in at.button if b.key == "inf_import_go"]
    _picker(at, "Instagram").select("ignore").run()
    assert not at.exception, at.exception
    assert not at.error
    at.button(key="inf_import_go").click().run()
    assert not at.exception, at.exception
    assert _handles(migrated_url) == {"Ayu": {"instagram": "ayu"}, "Budi": {"instagram": "budi"}}


def test_a_column_chosen_as_the_name_lets_a_file_without_a_name_header_import(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test(), INFLUENCERS), "kol.csv", b"KOL,Instagram\nEka,@eka\n")
    assert "choose Name for it in the list of columns" in _texts(at.error)
    _picker(at, "KOL").select("name").run()
    assert not at.exception, at.exception
    assert not at.error
    assert {m.label: m.value for m in at.metric}["New"] == "1"
    at.button(key="inf_import_go").click().run()
    assert _handles(migrated_url) == {"Eka": {"instagram": "eka"}}


def test_a_new_file_starts_from_its_own_recognised_fields(migrated_url: str, app_test) -> None:
    at = _upload(_open(app_test(), INFLUENCERS), "a.csv", ENGLISH)
    _picker(at, "Nama IG").select("tiktok").run()
    _picker(at, "Kota").select("notes").run()
    assert (_picker(at, "Nama IG").value, _picker(at, "Kota").value) == ("tiktok", "notes")
    other = b"Nama,Nama IG,Kota,Hobi\nFajar,@fajar,Medan,lari\n"
    at = _upload(at, "b.csv", other)
    assert (_picker(at, "Nama IG").value, _picker(at, "Kota").value) == (None, "city")
    assert "e.g. @fajar" in _texts(at.caption)


def test_the_column_list_in_bahasa_shows_labels_and_imports(migrated_url: str, app_test) -> None:
    data = (
        b"Nama,Surel,No. HP,Pengikut,Nama IG,Catatan Internal\n"
        b"Ayu,ayu@contoh.id,0812-3456-7890,12.500,@ayu,VIP\n"
        b"Budi,,,,@budi,\n"
    )
    at = app_test()
    at.session_state["language"] = "id"
    at = _upload(_open(at, INFLUENCERS), "kol.csv", data)
    assert "Kolom di file" in [h.value for h in at.subheader]
    picker = _picker(at, "Nama IG")
    assert picker.options[0] == "Jangan impor"
    assert "Pengikut (Instagram)" in picker.options
    for code in ("instagram_followers", "engagement_rate", "agency_name", "ignore"):
        assert code not in picker.options
    assert picker.placeholder == "Pilih bidang"
    assert _picker(at, "Surel").value == "email"
    assert _picker(at, "No. HP").value == "phone"
    assert "mis. ayu@contoh.id" in _texts(at.caption)
    assert "Tidak diimpor (tanpa bidang): Nama IG, Catatan Internal." in _texts(at.warning)
    _picker(at, "Nama IG").select("instagram").run()
    _picker(at, "Catatan Internal").select("notes").run()
    assert not at.exception, at.exception
    assert "Tidak diimpor" not in _texts(at.warning)
    _picker(at, "Nama IG").select("email").run()  # two columns for the e-mail: refused in Bahasa, by label
    assert _texts(at.error) == (
        "Kolom 'Surel' dan 'Nama IG' sama-sama dipetakan ke Email; satu bidang hanya menerima satu kolom: pilih "
        "bidang lain untuk salah satunya, atau Jangan impor."
    )
    _picker(at, "Nama IG").select("instagram").run()
    at.button(key="inf_import_go").click().run()
    assert not at.exception, at.exception
    with session_scope(migrated_url) as s:
        ayu = s.scalars(select(Influencer).where(Influencer.name == "Ayu")).one()
        assert (ayu.email, ayu.phone, ayu.notes) == ("ayu@contoh.id", "+6281234567890", "VIP")
    assert _handles(migrated_url)["Budi"] == {"instagram": "budi"}
