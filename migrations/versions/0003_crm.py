"""crm: indexes for the influencer directory filters (country, status, merged records)

Revision ID: 0002_crm
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_crm"
down_revision: str | None = "0002_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_influencer_country", "influencer", ["country"], unique=False)
    op.create_index("ix_influencer_merged_into_id", "influencer", ["merged_into_id"], unique=False)
    op.create_index("ix_influencer_status", "influencer", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_influencer_status", table_name="influencer")
    op.drop_index("ix_influencer_merged_into_id", table_name="influencer")
    op.drop_index("ix_influencer_country", table_name="influencer")
