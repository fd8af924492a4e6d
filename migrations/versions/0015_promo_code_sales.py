"""promo code sales: the shop's orders and net sales per collaboration's promo code, by day or period

Revision ID: 0015_promo_code_sales
Revises: 0014_account_name_key

One new table, `promo_sale` (influencers/promo_sales.py imports it from a shop's "Sales by discount" report, a
WooCommerce orders export or a hand-made `code,date,orders,revenue` file), no existing data changes. One row per
collaboration and period start (a day, a month, or the dates a file covers); a re-import of a period replaces its
rows. Going down drops the table and every imported sale with it, so it refuses while any sale is stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import Money, UTCDateTime

revision: str = "0015_promo_code_sales"
down_revision: str | None = "0014_account_name_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promo_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collaboration_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("revenue", Money, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["collaboration_id"],
            ["collaboration.id"],
            name=op.f("fk_promo_sale_collaboration_id_collaboration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_sale")),
        sa.UniqueConstraint("collaboration_id", "period_start", name="uq_promo_sale_collaboration_period"),
    )
    with op.batch_alter_table("promo_sale") as batch:
        batch.create_index(batch.f("ix_promo_sale_collaboration_id"), ["collaboration_id"], unique=False)
        batch.create_index("ix_promo_sale_period", ["period_start", "period_end"], unique=False)


def downgrade() -> None:
    kept = op.get_bind().scalar(sa.text("SELECT count(*) FROM promo_sale"))
    if kept:
        raise RuntimeError(
            f"{kept} promo code sale(s) are stored; the schema before 0015 cannot hold them. "
            "Delete them (or restore a backup) before downgrading."
        )
    with op.batch_alter_table("promo_sale") as batch:
        batch.drop_index("ix_promo_sale_period")
        batch.drop_index(batch.f("ix_promo_sale_collaboration_id"))
    op.drop_table("promo_sale")
