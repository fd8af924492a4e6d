"""platforms: ad accounts, campaigns and ad sets carry their ad platform; account ids are unique per platform

Revision ID: 0007_platforms
Revises: 0005_pacing

Every existing row came from Meta (the API sync, Ads Manager files or the demo), so the new `platform`
columns are added with the server default `meta` and every existing row reads `meta`. A check constraint
keeps the column to the known codes (campaigns/platforms.py). The ad account id was unique on its own; it
is now unique per platform, so a TikTok advertiser id can never collide with a Meta ad account id.
Campaign and ad set keys stay under their account and campaign (each on one platform).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_platforms"
down_revision: str | None = "0005_pacing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out (not imported from campaigns.platforms): a migration must not change when the code does.
CHECK = "platform IN ('meta', 'tiktok', 'google', 'linkedin')"


def _platform() -> sa.Column:
    return sa.Column("platform", sa.String(length=20), server_default="meta", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("ad_account", schema=None) as batch_op:
        batch_op.add_column(_platform())
        batch_op.drop_constraint("uq_ad_account_account_id", type_="unique")
        batch_op.create_unique_constraint("uq_ad_account_platform_account_id", ["platform", "account_id"])
        batch_op.create_check_constraint("ck_ad_account_platform", CHECK)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(_platform())
        batch_op.create_index("ix_campaign_platform", ["platform"], unique=False)
        batch_op.create_check_constraint("ck_campaign_platform", CHECK)
    with op.batch_alter_table("ad_set", schema=None) as batch_op:
        batch_op.add_column(_platform())
        batch_op.create_check_constraint("ck_ad_set_platform", CHECK)


def downgrade() -> None:
    others = op.get_bind().scalar(sa.text("SELECT count(*) FROM ad_account WHERE platform <> 'meta'"))
    if others:
        raise RuntimeError(
            f"{others} ad account(s) are not Meta accounts; the schema before 0007 cannot tell them apart. "
            "Remove them (and their campaigns) before downgrading."
        )
    with op.batch_alter_table("ad_set", schema=None) as batch_op:
        batch_op.drop_constraint("ck_ad_set_platform", type_="check")
        batch_op.drop_column("platform")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("ck_campaign_platform", type_="check")
        batch_op.drop_index("ix_campaign_platform")
        batch_op.drop_column("platform")
    with op.batch_alter_table("ad_account", schema=None) as batch_op:
        batch_op.drop_constraint("ck_ad_account_platform", type_="check")
        batch_op.drop_constraint("uq_ad_account_platform_account_id", type_="unique")
        batch_op.create_unique_constraint("uq_ad_account_account_id", ["account_id"])
        batch_op.drop_column("platform")
