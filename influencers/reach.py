"""Reach at contract: the creator's follower count per platform when a collaboration first entered a contracted
stage, kept as the deal was priced on it (`CollaborationReach`), and read back for the fee benchmarks.

Rules (docs/influencers.md, "Fee benchmarks"):
- recorded by the stage move that takes a collaboration from a stage before contracted (or declined) into
  `CONTRACTED_STAGES`, in the same unit of work as the move: one row per platform where the creator has a follower
  count, the largest when the creator has several handles there (as `benchmarks.creator_tiers` reads them);
- the first record stays: a collaboration that already has one gets nothing new when it moves back below contracted
  and forward again (the price was set the first time), and a later follower change never touches it;
- collaborations contracted before the record existed (migration 0017) have none and get none from moves within the
  contracted stages; nothing is invented for them, and the benchmarks use today's count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from influencers.models import CONTRACTED_STAGES, Collaboration, CollaborationReach, SocialHandle


def enters_contract(from_stage: str | None, to_stage: str) -> bool:
    """True for a move into a contracted stage from outside them (the moment a deal's fee is committed)."""
    return to_stage in CONTRACTED_STAGES and from_stage not in CONTRACTED_STAGES


def followers_now(session: Session, influencer_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{influencer id: {platform: the largest follower count of its handles there}}, platforms without a count
    left out."""
    people = sorted(set(influencer_ids))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not people:
        return out
    for person, platform, most in session.execute(
        select(SocialHandle.influencer_id, SocialHandle.platform, func.max(SocialHandle.followers))
        .where(SocialHandle.influencer_id.in_(people), SocialHandle.followers.is_not(None))
        .group_by(SocialHandle.influencer_id, SocialHandle.platform)
    ):
        if most is not None:
            out[person][platform] = int(most)
    return out


def contract_reach(session: Session, collaboration_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{collaboration id: {platform: followers at contract}} for those of `collaboration_ids` with a record."""
    ids = sorted(set(collaboration_ids))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not ids:
        return out
    for cid, platform, followers in session.execute(
        select(CollaborationReach.collaboration_id, CollaborationReach.platform, CollaborationReach.followers).where(
            CollaborationReach.collaboration_id.in_(ids)
        )
    ):
        out[cid][platform] = int(followers)
    return out


def record_contract_reach(
    session: Session, collabs: Iterable[Collaboration], now: dt.datetime
) -> dict[int, dict[str, int]]:
    """Record today's follower counts of each of `collabs` that has no record yet (the caller checked that each
    enters a contracted stage); adds the rows to the session without flushing. {collaboration id: {platform:
    followers}} of what was recorded (a creator without any count gets nothing)."""
    pending = list(collabs)
    if not pending:
        return {}
    have = set(contract_reach(session, [c.id for c in pending]))
    todo = [c for c in pending if c.id not in have]
    counts = followers_now(session, [c.influencer_id for c in todo])
    recorded: dict[int, dict[str, int]] = {}
    for collab in todo:
        reach = counts.get(collab.influencer_id, {})
        for platform, followers in sorted(reach.items()):
            session.add(
                CollaborationReach(collaboration_id=collab.id, platform=platform, followers=followers, recorded_at=now)
            )
        if reach:
            recorded[collab.id] = dict(sorted(reach.items()))
    return recorded
