"""locks: who holds a named lock (the per-account sync lock), for the message a second sync gets

Revision ID: 0010_locks
Revises: 0011_channels

One new table, no existing data changes. The locks themselves are PostgreSQL advisory locks or file locks
(db/locks.py); `lock_holder` only says who took one, since when and from which host.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0010_locks"
down_revision: str | None = "0011_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lock_holder",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=320), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_lock_holder")),
    )


def downgrade() -> None:
    op.drop_table("lock_holder")
