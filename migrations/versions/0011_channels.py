"""channels: budget plans across channels (a named mix of campaigns, programs and channels)

Revision ID: 0011_channels
Revises: 0007_platforms

Two nullable columns on `budget_plan`, no existing data changes: `name` (what a mixed plan is called) and
`members` (the scope keys it covers: "campaign:12", "program:3", "channel:tiktok_ads"). Plans of the other
scope types keep both empty.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_channels"
down_revision: str | None = "0007_platforms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("budget_plan") as batch:
        batch.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("members", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_plan") as batch:
        batch.drop_column("members")
        batch.drop_column("name")
