"""Reach at contract: a move into a contracted stage records the creator's follower counts per platform (the largest
handle on each), once; later growth, later moves and moving back and forth leave it; bulk moves record each; the
fee benchmarks tier a deal by it and fall back to today's count without it; merges keep it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from db.models import AuditEntry
from influencers.benchmarks import creator_tiers, fee_benchmarks
from influencers.contacts import merge_influencers
from influencers.models import Collaboration, CollaborationReach, SocialHandle
from influencers.programs import move_stage, move_stages
from influencers.reach import contract_reach, enters_contract
from tests import builders
from tests.influencers.conftest import SPECIALIST


def creator(session, **followers: int | None):
    """A creator with one handle per platform keyword (`instagram=40_000`)."""
    person = builders.influencer(session)
    for platform, count in followers.items():
        session.add(
            SocialHandle(influencer_id=person.id, platform=platform, handle=f"c{person.id}{platform}", followers=count)
        )
    session.flush()
    return person


def handle(session, person, platform: str = "instagram") -> SocialHandle:
    return session.scalars(
        select(SocialHandle).where(SocialHandle.influencer_id == person.id, SocialHandle.platform == platform)
    ).first()


def recorded(session, collab) -> dict[str, int]:
    session.expire_all()
    return dict(contract_reach(session, [collab.id]).get(collab.id, {}))


def negotiating(session, program, person):
    collab = builders.collaboration(session, program, person, stage="negotiating", fee=2_000_000)
    session.flush()
    return collab


def test_moving_to_contracted_records_the_followers_per_platform_once(session) -> None:
    program = builders.program(session)
    person = creator(session, instagram=40_000, tiktok=12_000, youtube=None)
    session.add(SocialHandle(influencer_id=person.id, platform="instagram", handle="second", followers=45_000))
    collab = negotiating(session, program, person)
    assert recorded(session, collab) == {}
    move_stage(session, SPECIALIST, collab.id, "contracted")
    session.flush()
    # the largest Instagram handle; YouTube has no count and gets no row
    assert recorded(session, collab) == {"instagram": 45_000, "tiktok": 12_000}
    row = session.scalars(select(CollaborationReach).where(CollaborationReach.platform == "tiktok")).one()
    assert row.recorded_at == session.get(Collaboration, collab.id).stage_changed_at
    # part of the move's own audit entry
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stage", AuditEntry.entity_id == str(collab.id))
    ).one()
    assert entry.after["contract_reach"] == {"instagram": 45_000, "tiktok": 12_000}
    assert entry.after["stage"] == "contracted"

    # the creator grows; the deal keeps the count it was priced on, through later moves too
    handle(session, person).followers = 300_000
    session.flush()
    move_stage(session, SPECIALIST, collab.id, "content_in_review")
    session.flush()
    assert recorded(session, collab) == {"instagram": 45_000, "tiktok": 12_000}
    later = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stage", AuditEntry.entity_id == str(collab.id))
    ).all()
    assert [e.after.get("contract_reach") for e in later] == [{"instagram": 45_000, "tiktok": 12_000}, None]


def test_moving_back_below_contracted_and_forward_again_keeps_the_first_record(session) -> None:
    program = builders.program(session)
    person = creator(session, instagram=40_000)
    collab = negotiating(session, program, person)
    move_stage(session, SPECIALIST, collab.id, "contracted")
    session.flush()
    handle(session, person).followers = 300_000
    move_stage(session, SPECIALIST, collab.id, "negotiating")
    session.flush()
    assert recorded(session, collab) == {"instagram": 40_000}  # moving back keeps it
    move_stage(session, SPECIALIST, collab.id, "contracted")
    session.flush()
    assert recorded(session, collab) == {"instagram": 40_000}
    assert len(session.scalars(select(CollaborationReach)).all()) == 1


def test_a_bulk_move_records_each_collaboration(session) -> None:
    program = builders.program(session)
    people = [creator(session, instagram=n) for n in (5_000, 40_000, 300_000)]
    nobody = creator(session, instagram=None)  # no count anywhere: nothing to record
    collabs = [negotiating(session, program, p) for p in [*people, nobody]]
    session.expire_all()
    versions = {c.id: session.get(Collaboration, c.id).version_id for c in collabs}
    move_stages(session, SPECIALIST, versions, "contracted")
    session.flush()
    session.expire_all()
    got = contract_reach(session, [c.id for c in collabs])
    assert {cid: dict(v) for cid, v in got.items()} == {
        collabs[0].id: {"instagram": 5_000},
        collabs[1].id: {"instagram": 40_000},
        collabs[2].id: {"instagram": 300_000},
    }
    # the creator without a count gets the count it has when the deal is contracted again, not an invented one
    handle(session, nobody).followers = 8_000
    move_stage(session, SPECIALIST, collabs[3].id, "negotiating")
    move_stage(session, SPECIALIST, collabs[3].id, "contracted")
    session.flush()
    assert recorded(session, collabs[3]) == {"instagram": 8_000}


def test_a_collaboration_contracted_before_the_record_gets_none_from_later_moves(session) -> None:
    program = builders.program(session)
    legacy = builders.collaboration(session, program, creator(session, instagram=40_000), fee=1_000_000)
    session.flush()
    move_stage(session, SPECIALIST, legacy.id, "content_in_review")
    session.flush()
    assert recorded(session, legacy) == {}
    assert enters_contract("negotiating", "contracted")
    assert not enters_contract("contracted", "content_in_review")
    assert not enters_contract("negotiating", "declined")
    assert not enters_contract(None, "prospect")


def _reel(session, program, person, fee: int, at_contract: int | None):
    """A contracted flat-fee reel; `at_contract`: its recorded Instagram count (None: contracted before records)."""
    collab = builders.collaboration(session, program, person, fee=fee)
    builders.deliverable(session, collab)
    if at_contract is not None:
        session.add(CollaborationReach(collaboration_id=collab.id, platform="instagram", followers=at_contract))
    session.flush()
    return collab


def test_the_benchmark_tiers_a_deal_by_its_reach_at_contract_else_todays(session) -> None:
    program = builders.program(session)
    grown = creator(session, instagram=300_000)  # mid-tier today (100k to 500k), micro when the deals were signed
    for fee in (1_000_000, 2_000_000, 3_000_000):
        _reel(session, program, grown, fee, 40_000)
        program = builders.program(session)  # one collaboration per program and creator
    _reel(session, program, creator(session, instagram=300_000), 9_000_000, None)  # no record: today's, mid
    benches = {b.tier: b for b in fee_benchmarks(session)}
    assert set(benches) == {"micro", "mid"}
    micro = benches["micro"]
    assert (micro.count, micro.median) == (3, Decimal(2_000_000))
    assert micro.per_thousand == Decimal(50_000)  # 2,000,000 x 1000 / 40,000: the same count as the tier
    assert benches["mid"].count == 1
    # a record on another platform does not stand for the deliverable's
    other = _reel(session, builders.program(session), creator(session, instagram=300_000), 9_000_000, None)
    session.add(CollaborationReach(collaboration_id=other.id, platform="tiktok", followers=5_000))
    session.flush()
    assert {b.tier: b.count for b in fee_benchmarks(session)} == {"micro": 3, "mid": 2}
    # the terms form's hint tiers the collaboration as its points are
    collab = session.scalars(select(Collaboration).where(Collaboration.influencer_id == grown.id)).first()
    assert creator_tiers(session, grown.id) == {"instagram": "mid"}
    assert creator_tiers(session, grown.id, collab.id) == {"instagram": "micro"}


def test_merging_creators_keeps_the_collaborations_reach(session) -> None:
    keep = creator(session, instagram=20_000)
    other = creator(session, instagram=40_000)
    alone = negotiating(session, builders.program(session), other)
    move_stage(session, SPECIALIST, alone.id, "contracted")
    shared = builders.program(session)
    kept_side = negotiating(session, shared, keep)
    folded = negotiating(session, shared, other)
    move_stage(session, SPECIALIST, folded.id, "contracted")  # further along: it is the one kept
    legacy_program = builders.program(session)
    legacy = builders.collaboration(session, legacy_program, keep, fee=1_000_000)  # contracted, no record
    lower = negotiating(session, legacy_program, other)
    move_stage(session, SPECIALIST, lower.id, "contracted")
    move_stage(session, SPECIALIST, lower.id, "negotiating")  # folded into the legacy one, its record kept there
    session.flush()
    merge_influencers(session, SPECIALIST, keep.id, other.id)
    session.flush()
    session.expire_all()
    assert session.get(Collaboration, alone.id).influencer_id == keep.id
    assert recorded(session, alone) == {"instagram": 40_000}
    assert session.get(Collaboration, kept_side.id) is None
    assert recorded(session, folded) == {"instagram": 40_000}
    assert session.get(Collaboration, lower.id) is None
    assert recorded(session, legacy) == {"instagram": 40_000}
    assert len(session.scalars(select(CollaborationReach)).all()) == 3


def test_the_demo_contracted_collaborations_have_reach_at_contract(demo_url: str) -> None:
    from db.engine import session_scope
    from influencers.models import CONTRACTED_STAGES
    from influencers.reach import followers_now

    with session_scope(demo_url) as s:
        collabs = s.scalars(select(Collaboration).where(Collaboration.stage.in_(CONTRACTED_STAGES))).all()
        reach = contract_reach(s, [c.id for c in collabs])
        today = followers_now(s, [c.influencer_id for c in collabs])
        assert collabs
        assert set(reach) == {c.id for c in collabs}
        for c in collabs:
            assert set(reach[c.id]) == set(today[c.influencer_id])
            assert all(reach[c.id][p] <= today[c.influencer_id][p] for p in reach[c.id])
        assert any(reach[c.id] != today[c.influencer_id] for c in collabs)  # some creators grew since
