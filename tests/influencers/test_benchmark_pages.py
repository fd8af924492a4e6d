"""Fee benchmarks on the pages through streamlit_app.py: the caption and the warning by a collaboration's fee on the
Programs page, and the Influencers page's Fee benchmarks table and its empty state, in English and Bahasa."""

from __future__ import annotations

from db.engine import session_scope
from influencers.models import Program, SocialHandle
from tests import builders
from tests.influencers.conftest import program_tab
from tests.pages import open_page

INFLUENCERS = "pages/influencers/influencers.py"
PROGRAMS = "pages/programs/programs.py"
# the other six micro Instagram reels; the one on the form is paid 2,500,000: sorted 1.5 1.8 2.0 2.5 2.5 3.2 4.0
OTHERS = (1_500_000, 1_800_000, 2_000_000, 2_500_000, 3_200_000, 4_000_000)


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _frame(at, *columns: str):
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no table with columns {columns}")


def _creator(s, followers: int, platform: str = "instagram"):
    person = builders.influencer(s)
    s.add(SocialHandle(influencer_id=person.id, platform=platform, handle=f"c{person.id}", followers=followers))
    s.flush()
    return person


def _reels(url: str) -> tuple[int, int]:
    """Seven contracted micro Instagram reels in one rupiah program (and two TikTok videos, too few); the ids of
    the program and of the collaboration paid 2,500,000."""
    with session_scope(url) as s:
        program = builders.program(s, name="Ramadan")
        for fee in OTHERS:
            builders.deliverable(s, builders.collaboration(s, program, _creator(s, 40_000), fee=fee))
        for fee in (900_000, 1_100_000):
            collab = builders.collaboration(s, program, _creator(s, 5_000, "tiktok"), fee=fee)
            builders.deliverable(s, collab, platform="tiktok", type="video")
        chosen = builders.collaboration(s, program, _creator(s, 50_000), fee=2_500_000)
        builders.deliverable(s, chosen)
        return program.id, chosen.id


def test_the_terms_form_shows_the_benchmark_and_warns_above_the_middle_half(migrated_url: str, app_test) -> None:
    _program, cid = _reels(migrated_url)
    at = open_page(app_test(), PROGRAMS)
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert not at.exception, at.exception
    assert (
        "Your programs paid micro Instagram creators IDR2,500,000 per reel (median of 7; middle half "
        "IDR1,800,000-IDR3,200,000)." in _texts(at.caption)
    )
    assert "is above what three in four" not in _texts(at.warning)
    at.text_input(key="prog_terms_fee").set_value("3,200,001").run()
    assert (
        "IDR3,200,001 per reel is above what three in four of your programs' micro Instagram creators were paid "
        "(IDR3,200,000 or less)." in _texts(at.warning)
    )
    at.text_input(key="prog_terms_fee").set_value("3,200,000").run()
    assert "is above what three in four" not in _texts(at.warning)


def test_the_terms_form_in_bahasa_and_not_enough_data(migrated_url: str, app_test) -> None:
    program_id, cid = _reels(migrated_url)
    with session_scope(migrated_url) as s:
        program = s.get(Program, program_id)
        tiktok = builders.collaboration(s, program, _creator(s, 8_000, "tiktok"), fee=1_000_000)
        builders.deliverable(s, tiktok, platform="tiktok", type="video")
        no_items = builders.collaboration(s, program, _creator(s, 8_000), fee=1_000_000)
        tiktok_id, no_items_id = tiktok.id, no_items.id
    at = open_page(app_test(), PROGRAMS, language="id")
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert (
        "Program Anda membayar kreator Instagram mikro Rp2.500.000 per reel (median dari 7; separuh tengah "
        "Rp1.800.000-Rp3.200.000)." in _texts(at.caption)
    )
    at.text_input(key="prog_terms_fee").set_value("5.000.000").run()
    assert (
        "Rp5.000.000 per reel lebih tinggi daripada yang dibayarkan kepada tiga dari empat kreator Instagram mikro"
        in (_texts(at.warning))
    )
    at.selectbox(key="prog_collab_pick").set_value(tiktok_id).run()
    captions = _texts(at.caption)
    # three nano TikTok videos now: 900,000, 1,000,000 and 1,100,000
    assert "Program Anda membayar kreator TikTok nano Rp1.000.000 per video (median dari 3;" in captions
    at.selectbox(key="prog_collab_pick").set_value(no_items_id).run()
    assert "Tambahkan deliverable (platform dan jenisnya) di tab Deliverable" in _texts(at.caption)
    assert not at.exception, at.exception


def test_too_few_collaborations_say_so_instead_of_a_number(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        program = builders.program(s)
        first = builders.collaboration(s, program, _creator(s, 200_000), fee=7_000_000)
        builders.deliverable(s, first, type="post")
        builders.deliverable(s, builders.collaboration(s, program, _creator(s, 300_000), fee=9_000_000), type="post")
        cid = first.id
    at = open_page(app_test(), PROGRAMS)
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert (
        "Not enough data for mid-tier Instagram creators per post yet: 2 contracted collaboration(s), a benchmark "
        "needs 3." in _texts(at.caption)
    )
    assert "IDR7,000,000 per post" not in _texts(at.caption)


def test_the_influencers_page_table_in_both_languages(migrated_url: str, app_test) -> None:
    _reels(migrated_url)
    at = open_page(app_test(), INFLUENCERS)
    assert "Fee benchmarks" in [t.label for t in at.tabs]
    table = _frame(at, "Median fee", "Follower tier")
    rows = {(r["Platform"], r["Follower tier"], r["Deliverable"]): r for _i, r in table.iterrows()}
    assert set(rows) == {("Instagram", "Micro (10k to 100k)", "reel"), ("TikTok", "Nano (under 10k)", "video")}
    reel = rows[("Instagram", "Micro (10k to 100k)", "reel")]
    assert (reel["Currency"], reel["Collaborations"], reel["Median fee"]) == ("IDR", 7, "IDR2,500,000")
    assert (reel["25th percentile"], reel["75th percentile"]) == ("IDR1,800,000", "IDR3,200,000")
    # fee x 1000 / followers: 37,500 45,000 50,000 50,000 (2,500,000 over 50,000) 62,500 80,000 100,000
    assert reel["Median per 1,000 followers"] == "IDR50,000"
    video = rows[("TikTok", "Nano (under 10k)", "video")]
    assert (video["Collaborations"], video["Median fee"]) == (2, "Not enough data")
    at = open_page(app_test(), INFLUENCERS, language="id")
    assert "Tolok ukur fee" in [t.label for t in at.tabs]
    table = _frame(at, "Median fee", "Tingkat pengikut")
    shown = {(r["Platform"], r["Deliverable"]): (r["Median fee"], r["Persentil ke-75"]) for _i, r in table.iterrows()}
    assert shown == {
        ("Instagram", "reel"): ("Rp2.500.000", "Rp3.200.000"),
        ("TikTok", "video"): ("Data belum cukup",) * 2,
    }


def test_the_influencers_page_says_how_benchmarks_come(migrated_url: str, app_test) -> None:
    at = open_page(app_test(), INFLUENCERS)
    assert "No benchmarks yet: they appear once collaborations are contracted with a fee" in _texts(at.info)
    at = open_page(app_test(), INFLUENCERS, language="id")
    assert "Belum ada tolok ukur" in _texts(at.info)
