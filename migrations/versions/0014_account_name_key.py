"""account name key: a new ad account created from a file takes a name no other such account has, kept by the database

Revision ID: 0014_account_name_key
Revises: 0013_payment_refunds

`ad_account.name_key` (campaigns/account_names.py: the SHA-256 of the name folded for comparison) is filled for
accounts created from a file (Ads Manager, TikTok, Google Ads, LinkedIn exports) and left empty for accounts from
the platforms' APIs and the demo; a unique index on (platform, name_key) then refuses a second account of one
name that two imports at once would create.

Existing data is never renamed and never stops the migration: where accounts created from files before the rule
already share a name, the oldest one (lowest id) takes the key and the others keep none (they stay as they are,
listed in the migration's log); renaming one of them gives it a key like any account. Going down drops the
index and the column, which hold nothing but what the names say.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from campaigns.account_names import name_key
from campaigns.models import FILE_ACCOUNT_SOURCES

revision: str = "0014_account_name_key"
down_revision: str | None = "0013_payment_refunds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_ad_account_platform_name_key"
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    with op.batch_alter_table("ad_account") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    accounts = sa.table(
        "ad_account",
        sa.column("id", sa.Integer),
        sa.column("platform", sa.String),
        sa.column("name", sa.String),
        sa.column("source", sa.String),
        sa.column("name_key", sa.String),
    )
    rows = bind.execute(
        sa.select(accounts.c.id, accounts.c.platform, accounts.c.name)
        .where(accounts.c.source.in_(sorted(FILE_ACCOUNT_SOURCES)))
        .order_by(accounts.c.id)
    )
    holders: dict[tuple[str, str], tuple[int, str]] = {}
    for account_id, platform, name in rows.all():
        key = name_key(name or "")
        holder = holders.get((platform, key))
        if holder is not None:
            log.warning(
                "Ad account #%s '%s' (%s) has the name of ad account #%s '%s'; it keeps its name without a name key.",
                account_id,
                name,
                platform,
                *holder,
            )
            continue
        holders[(platform, key)] = (account_id, name)
        bind.execute(sa.update(accounts).where(accounts.c.id == account_id).values(name_key=key))
    with op.batch_alter_table("ad_account") as batch:
        batch.create_index(INDEX, ["platform", "name_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("ad_account") as batch:
        batch.drop_index(INDEX)
        batch.drop_column("name_key")
