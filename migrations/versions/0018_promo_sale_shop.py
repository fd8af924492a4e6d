"""promo sale shop: every promo code sale says which shop it is from; re-imports replace per shop

Revision ID: 0018_promo_sale_shop
Revises: 0017_contract_reach

`promo_sale` gains `shop` (a code of `influencers.models.SHOPS`: shopee, tokopedia, tiktok_shop, lazada, blibli,
shopify, woocommerce, website, other), and its unique key becomes (collaboration, shop, period start) instead of
(collaboration, period start): the same creator's code sells on several shops in the same days, and a re-import
replaces that shop's sales only.

Existing rows: which shop a stored sale came from was never recorded (neither the sale nor its import's audit entry
keeps the file's shape), so the migration reads the one hint kept, the sale's `source_file` name: a name naming
exactly one shop (`shopee`, `tokopedia`, `tiktok`, `lazada`, `blibli`, `shopify`, `woocommerce` or `wc-`, as a
part of the name, case-insensitively) gives that shop; any other name (none, or several) gives `other`. Before
this revision one import replaced every shop's sales of its period, so a period's stored rows came from one file
and there is never more than one row per (collaboration, period start) to give a shop.

Going down drops the column and restores the old key; it refuses while two shops hold sales of one collaboration
starting on the same day (the old key cannot hold both, and adding them up would lose which shop sold what).
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_promo_sale_shop"
down_revision: str | None = "0017_contract_reach"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of a file name that name a shop (the name lower-cased, split at anything not a letter or digit).
NAME_HINTS = {
    "shopee": "shopee",
    "tokopedia": "tokopedia",
    "tiktok": "tiktok_shop",
    "tiktokshop": "tiktok_shop",
    "lazada": "lazada",
    "blibli": "blibli",
    "shopify": "shopify",
    "woocommerce": "woocommerce",
    "wc": "woocommerce",
}


def shop_from_file_name(name: str | None) -> str:
    """The shop a stored sale's file name names (exactly one of `NAME_HINTS`), else `other`."""
    words = set(re.split(r"[^a-z0-9]+", (name or "").casefold()))
    shops = {NAME_HINTS[w] for w in words if w in NAME_HINTS}
    return shops.pop() if len(shops) == 1 else "other"


def upgrade() -> None:
    with op.batch_alter_table("promo_sale") as batch:
        batch.add_column(sa.Column("shop", sa.String(length=20), nullable=False, server_default="other"))
    bind = op.get_bind()
    names = bind.execute(sa.text("SELECT DISTINCT source_file FROM promo_sale")).scalars().all()
    for name in names:
        shop = shop_from_file_name(name)
        if shop != "other":
            bind.execute(
                sa.text("UPDATE promo_sale SET shop = :shop WHERE source_file = :name"), {"shop": shop, "name": name}
            )
    with op.batch_alter_table("promo_sale") as batch:
        batch.alter_column("shop", existing_type=sa.String(length=20), server_default=None)
        batch.drop_constraint("uq_promo_sale_collaboration_period", type_="unique")
        batch.create_unique_constraint(
            "uq_promo_sale_collaboration_shop_period", ["collaboration_id", "shop", "period_start"]
        )


def downgrade() -> None:
    clashes = op.get_bind().scalar(
        sa.text(
            "SELECT count(*) FROM (SELECT collaboration_id, period_start FROM promo_sale "
            "GROUP BY collaboration_id, period_start HAVING count(*) > 1) AS clash"
        )
    )
    if clashes:
        raise RuntimeError(
            f"{clashes} promo code sale period(s) are held by more than one shop; the schema before 0018 keeps one "
            "row per collaboration and period start. Delete one shop's sales of those periods (or restore a "
            "backup) before downgrading."
        )
    with op.batch_alter_table("promo_sale") as batch:
        batch.drop_constraint("uq_promo_sale_collaboration_shop_period", type_="unique")
        batch.create_unique_constraint("uq_promo_sale_collaboration_period", ["collaboration_id", "period_start"])
        batch.drop_column("shop")
