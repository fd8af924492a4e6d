"""budgets: indexes for pacing aggregations, budget plans and budget changes

Revision ID: 0002_budgets
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_budgets"
down_revision: str | None = "0002_crm"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_insight", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_insight_date_cover", ["date", "campaign_id", "currency", "spend"], unique=False
        )
    with op.batch_alter_table("budget_plan", schema=None) as batch_op:
        batch_op.create_index("ix_budget_plan_campaign_id", ["campaign_id"], unique=False)
        batch_op.create_index("ix_budget_plan_program_id", ["program_id"], unique=False)
    with op.batch_alter_table("budget_change", schema=None) as batch_op:
        batch_op.create_index("ix_budget_change_campaign_id", ["campaign_id"], unique=False)
        batch_op.create_index("ix_budget_change_budget_plan_id", ["budget_plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("budget_change", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_change_budget_plan_id")
        batch_op.drop_index("ix_budget_change_campaign_id")
    with op.batch_alter_table("budget_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_plan_program_id")
        batch_op.drop_index("ix_budget_plan_campaign_id")
    with op.batch_alter_table("campaign_insight", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_insight_date_cover")
