"""Migration 0017 (contract reach): the table appears with nothing backfilled (collaborations contracted before it
keep no invented count, and the benchmarks use today's count for them); a move records into it; going down refuses
while counts are stored, then drops the table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from db.engine import get_engine, session_scope
from influencers.benchmarks import fee_benchmarks
from influencers.models import SocialHandle
from influencers.programs import move_stage
from migrations.migrate import alembic_config, current_revision, head_revision, upgrade
from tests import builders as b
from tests.influencers.conftest import SPECIALIST


def _creator(s, followers: int):
    person = b.influencer(s)
    s.add(SocialHandle(influencer_id=person.id, platform="instagram", handle=f"m{person.id}", followers=followers))
    s.flush()
    return person


def test_the_contract_reach_migration_up_and_down(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0016_exact_rates")
    engine = get_engine(database_url)
    with engine.connect() as conn:
        assert "collaboration_reach" not in sa.inspect(conn).get_table_names()
    with session_scope(database_url) as s:  # contracted before 0017, with today's count (mid-tier) only
        program = b.program(s, currency="IDR")
        for fee in (1_000_000, 2_000_000, 3_000_000):
            b.deliverable(s, b.collaboration(s, program, _creator(s, 300_000), fee=fee))
        negotiating = b.collaboration(s, program, _creator(s, 40_000), stage="negotiating", fee=1_500_000)
        b.deliverable(s, negotiating)
        s.flush()
        negotiating_id = negotiating.id
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {c["name"]: c["nullable"] for c in inspector.get_columns("collaboration_reach")}
        assert columns == {
            "id": False,
            "collaboration_id": False,
            "platform": False,
            "followers": False,
            "recorded_at": False,
        }
        (fk,) = inspector.get_foreign_keys("collaboration_reach")
        assert (fk["referred_table"], fk["constrained_columns"]) == ("collaboration", ["collaboration_id"])
        assert fk["options"].get("ondelete") == "CASCADE"
        (unique,) = inspector.get_unique_constraints("collaboration_reach")
        assert unique["column_names"] == ["collaboration_id", "platform"]
        assert conn.scalar(sa.text("SELECT count(*) FROM collaboration_reach")) == 0  # nothing invented
    with session_scope(database_url) as s:
        assert {x.tier: x.count for x in fee_benchmarks(s)} == {"mid": 3}  # today's count, as before
        move_stage(s, SPECIALIST, negotiating_id, "contracted")
    with session_scope(database_url) as s:
        assert {x.tier: x.count for x in fee_benchmarks(s)} == {"micro": 1, "mid": 3}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT collaboration_id, platform, followers FROM collaboration_reach")).all() == [
            (negotiating_id, "instagram", 40_000)
        ]
    with pytest.raises(RuntimeError, match="1 follower count"):
        command.downgrade(config, "0016_exact_rates")
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM collaboration_reach")) == 1  # nothing was dropped
        conn.execute(sa.text("DELETE FROM collaboration_reach"))
    command.downgrade(config, "0016_exact_rates")
    assert current_revision(database_url) == "0016_exact_rates"
    with engine.connect() as conn:
        assert "collaboration_reach" not in sa.inspect(conn).get_table_names()
    upgrade(database_url)  # and up again
    assert current_revision(database_url) == head_revision()
