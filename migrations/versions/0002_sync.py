"""campaign period insights (Ads Manager exports without a daily breakdown)

Revision ID: 0002_sync
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.types

revision: str = "0002_sync"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "campaign_period_insight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("spend", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("link_clicks", sa.BigInteger(), nullable=True),
        sa.Column("reach", sa.BigInteger(), nullable=True),
        sa.Column("actions", JSON, nullable=True),
        sa.Column("action_values", JSON, nullable=True),
        sa.Column("conversions", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("conversion_value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("synced_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_period_insight_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_period_insight")),
        sa.UniqueConstraint(
            "campaign_id",
            "period_start",
            "period_end",
            name=op.f("uq_campaign_period_insight_campaign_id_period_start_period_end"),
        ),
    )


def downgrade() -> None:
    op.drop_table("campaign_period_insight")
