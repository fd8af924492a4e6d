"""platforms: ad accounts, campaigns and ad sets carry their ad platform; account ids are unique per platform

Revision ID: 0007_platforms
Revises: 0005_pacing

Every existing row came from Meta (the API sync, Ads Manager files or the demo), so the new `platform`
columns are added with the server default `meta` and every existing row reads `meta`. A check constraint
keeps the column to the known codes (campaigns/platforms.py). The ad account id was unique on its own; it
is now unique per platform, so a TikTok advertiser id can never collide with a Meta ad account id.
Campaign and ad set keys stay under their account and campaign (each on one platform).

SQLite can only change constraints by rebuilding a table (copy, drop, rename). Dropping `ad_account` or
`campaign` with foreign keys enforced would cascade-delete every campaign, ad set, insight, plan and definition
below it, so on SQLite the rebuild runs with foreign keys off, in one transaction of its own, checked with
`PRAGMA foreign_key_check` before it commits, and foreign keys are switched back on afterwards.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0007_platforms"
down_revision: str | None = "0009_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out (not imported from campaigns.platforms): a migration must not change when the code does.
CHECK = "platform IN ('meta', 'tiktok', 'google', 'linkedin')"


def _platform() -> sa.Column:
    return sa.Column("platform", sa.String(length=20), server_default="meta", nullable=False)


@contextmanager
def _without_cascades() -> Iterator[None]:
    """On SQLite: foreign keys off around a table rebuild, in one transaction, every reference checked after."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.dbapi_connection
    assert raw is not None, "an open connection has a DBAPI connection"
    if raw.in_transaction:  # PRAGMA foreign_keys is ignored inside a transaction: refuse rather than cascade
        raise RuntimeError("0007_platforms must start outside a transaction on SQLite; run `python cli.py db upgrade`.")
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        raw.execute("BEGIN")
        try:
            yield
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"0007_platforms would leave {len(broken)} broken references; nothing changed.")
        except BaseException:
            raw.rollback()
            raise
        raw.commit()
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(steps: Callable[[], None]) -> None:
    with _without_cascades():
        steps()


def upgrade() -> None:
    _run(_upgrade)


def downgrade() -> None:
    others = op.get_bind().scalar(sa.text("SELECT count(*) FROM ad_account WHERE platform <> 'meta'"))
    if others:
        raise RuntimeError(
            f"{others} ad account(s) are not Meta accounts; the schema before 0007 cannot tell them apart. "
            "Remove them (and their campaigns) before downgrading."
        )
    _run(_downgrade)


def _upgrade() -> None:
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


def _downgrade() -> None:
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
