"""imports: account-level daily rows and Ads Manager rows finer than a campaign-day (ad sets, ads, breakdowns)

Revision ID: 0009_imports
Revises: 0005_pacing

Two new tables, no existing data changes: `account_insight` holds account-level daily rows of Ads Manager
exports without a campaign column, `insight_detail` the ad set, ad and breakdown rows an export gives, keyed
so that an overlapping file replaces rows instead of adding them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.types

revision: str = "0009_imports"
down_revision: str | None = "0008_automation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MONEY = sa.Numeric(precision=20, scale=4)


def _metrics() -> list[sa.Column]:
    return [
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("spend", MONEY, nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("link_clicks", sa.BigInteger(), nullable=True),
        sa.Column("reach", sa.BigInteger(), nullable=True),
        sa.Column("actions", JSON, nullable=True),
        sa.Column("action_values", JSON, nullable=True),
        sa.Column("conversions", MONEY, nullable=False),
        sa.Column("conversion_value", MONEY, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("synced_at", db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "account_insight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *_metrics(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ad_account.id"], name=op.f("fk_account_insight_account_id_ad_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_insight")),
        sa.UniqueConstraint("account_id", "date", name=op.f("uq_account_insight_account_id_date")),
    )
    op.create_table(
        "insight_detail",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("ad_set_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("set_key", sa.String(length=64), nullable=False),
        sa.Column("object_name", sa.String(length=400), nullable=True),
        sa.Column("object_meta_id", sa.String(length=40), nullable=True),
        sa.Column("parent_name", sa.String(length=400), nullable=True),
        sa.Column("breakdown", sa.String(length=200), nullable=False),
        sa.Column("breakdown_value", sa.String(length=400), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        *_metrics(),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ad_account.id"], name=op.f("fk_insight_detail_account_id_ad_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_insight_detail_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ad_set_id"], ["ad_set.id"], name=op.f("fk_insight_detail_ad_set_id_ad_set"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_detail")),
        sa.UniqueConstraint("account_id", "row_key", name="uq_insight_detail_row"),
    )
    op.create_index("ix_insight_detail_campaign", "insight_detail", ["campaign_id", "period_start"], unique=False)
    op.create_index("ix_insight_detail_set", "insight_detail", ["account_id", "set_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_insight_detail_set", table_name="insight_detail")
    op.drop_index("ix_insight_detail_campaign", table_name="insight_detail")
    op.drop_table("insight_detail")
    op.drop_table("account_insight")
