"""contract reach: the follower counts a collaboration was contracted on, per platform

Revision ID: 0017_contract_reach
Revises: 0016_exact_rates

One new table, `collaboration_reach` (collaboration_id, platform, followers, recorded_at; one row per collaboration
and platform). `influencers.reach.record_contract_reach` writes it when a collaboration first enters a contracted
stage (the creator's largest follower count per platform at that moment) and never updates it; the fee benchmarks
tier a deal by it instead of by today's count.

No backfill: the follower counts of collaborations contracted before this revision were never kept, and today's
count is not the one the deal was priced on, so they get no row and the benchmarks go on using today's count for
them. Going down drops the table and every recorded count with it (they cannot be recreated later: counts move),
so it refuses while any is stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0017_contract_reach"
down_revision: str | None = "0016_exact_rates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collaboration_reach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("followers", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration.id"],
            name=op.f("fk_collaboration_reach_collaboration_id_collaboration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaboration_reach")),
        sa.UniqueConstraint("collaboration_id", "platform", name="uq_collaboration_reach_platform"),
    )


def downgrade() -> None:
    kept = op.get_bind().scalar(sa.text("SELECT count(*) FROM collaboration_reach"))
    if kept:
        raise RuntimeError(
            f"{kept} follower count(s) recorded at contract are stored; the schema before 0017 cannot hold them. "
            "Delete them (or restore a backup) before downgrading."
        )
    op.drop_table("collaboration_reach")
