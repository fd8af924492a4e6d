"""pacing indexes: daily spend per currency in index order, per-campaign spend sums covered

Revision ID: 0005_pacing
Revises: 0002_budgets

The date-leading cover now runs (date, currency, campaign_id, spend), so the Budgets chart's
GROUP BY date, currency reads it in order; (campaign_id, date, spend) covers the per-campaign
window sums when the planner prefers to walk campaigns. The plain (date) index is a prefix of
the cover and goes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_pacing"
down_revision: str | None = "0002_budgets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_insight", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_insight_date_cover")
        batch_op.drop_index("ix_campaign_insight_date")
        batch_op.create_index(
            "ix_campaign_insight_date_cover", ["date", "currency", "campaign_id", "spend"], unique=False
        )
        batch_op.create_index("ix_campaign_insight_campaign_spend", ["campaign_id", "date", "spend"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaign_insight", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_insight_campaign_spend")
        batch_op.drop_index("ix_campaign_insight_date_cover")
        batch_op.create_index("ix_campaign_insight_date", ["date"], unique=False)
        batch_op.create_index(
            "ix_campaign_insight_date_cover", ["date", "campaign_id", "currency", "spend"], unique=False
        )
