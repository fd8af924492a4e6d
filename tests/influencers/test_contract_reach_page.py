"""The Programs page's Collaborations tab shows the follower counts a collaboration was contracted on, in the user's
language, or that its benchmarks use today's count when none was recorded; the fee hint tiers by the record."""

from __future__ import annotations

from db.engine import session_scope
from influencers.models import SocialHandle
from influencers.programs import move_stage
from tests import builders
from tests.influencers.conftest import SPECIALIST, program_tab
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _world(url: str) -> tuple[int, int]:
    """A deal contracted at 45,000 Instagram and 12,000 TikTok followers, whose creator has 300,000 on Instagram
    now; and a collaboration contracted before counts were recorded. Their ids."""
    with session_scope(url) as s:
        program = builders.program(s, name="Ramadan")
        person = builders.influencer(s, name="Ayu")
        ig = SocialHandle(influencer_id=person.id, platform="instagram", handle="ayu", followers=45_000)
        s.add_all([ig, SocialHandle(influencer_id=person.id, platform="tiktok", handle="ayu.tt", followers=12_000)])
        collab = builders.collaboration(s, program, person, stage="negotiating", fee=2_500_000)
        builders.deliverable(s, collab)
        s.flush()
        move_stage(s, SPECIALIST, collab.id, "contracted")
        s.flush()
        ig.followers = 300_000
        legacy = builders.collaboration(s, program, fee=1_000_000)
        s.flush()
        return collab.id, legacy.id


def test_the_collaboration_shows_its_followers_at_contract_in_bahasa_and_english(migrated_url: str, app_test) -> None:
    cid, legacy_id = _world(migrated_url)
    at = open_page(app_test(), PROGRAMS, language="id")
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert not at.exception, at.exception
    captions = _texts(at.caption)
    assert "Pengikut saat kontrak: 45.000 (Instagram), 12.000 (TikTok)" in captions
    # the fee hint compares with the tier the deal was priced at (micro), not today's (mid)
    assert "kreator Instagram mikro" in captions
    assert "kreator Instagram menengah" not in captions
    at.selectbox(key="prog_collab_pick").set_value(legacy_id).run()
    captions = _texts(at.caption)
    assert "Pengikut saat kontrak" not in captions
    assert "Jumlah pengikut tidak tercatat saat kontrak; tolok ukur fee memakai jumlah hari ini." in captions

    at = open_page(app_test(), PROGRAMS)
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert "Followers at contract: 45,000 (Instagram), 12,000 (TikTok)" in _texts(at.caption)
    assert not at.exception, at.exception
