"""payment refunds: money a creator returned on a paid payment, one row per refund

Revision ID: 0013_payment_refunds
Revises: 0012_user_language

One new table, `payment_refund`, no existing data changes: a refund never edits its payment (the payment keeps
its amount and status `paid`; its net paid is the amount less its refunds). Going down drops the table, and
with it every recorded refund, so it refuses while any refund exists.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import Money, UTCDateTime

revision: str = "0013_payment_refunds"
down_revision: str | None = "0012_user_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_refund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("refund_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=320), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_payment_refund_payment_id_payment"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refund")),
    )
    with op.batch_alter_table("payment_refund") as batch:
        batch.create_index(batch.f("ix_payment_refund_payment_id"), ["payment_id"], unique=False)
        batch.create_index("ix_payment_refund_date", ["refund_date"], unique=False)


def downgrade() -> None:
    kept = op.get_bind().scalar(sa.text("SELECT count(*) FROM payment_refund"))
    if kept:
        raise RuntimeError(
            f"{kept} payment refund(s) are recorded; the schema before 0013 cannot hold them. "
            "Export influencer-payments first, then remove them before downgrading."
        )
    with op.batch_alter_table("payment_refund") as batch:
        batch.drop_index("ix_payment_refund_date")
        batch.drop_index(batch.f("ix_payment_refund_payment_id"))
    op.drop_table("payment_refund")
