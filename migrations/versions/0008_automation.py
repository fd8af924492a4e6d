"""automation: job runs, alert recipients and sent alerts; a deliverable's planned post date; the workspace id

Revision ID: 0008_automation
Revises: 0005_pacing

`job_run` is the claim table of the worker (one row per job, scheduled time and attempt); `alert_recipient`
holds each person's alert preferences and the workspace webhooks; `sent_alert` remembers what was delivered so
the same condition is not sent twice within its window. `deliverable.planned_post_date` is new and empty for
existing rows (nothing to convert). The `workspace_id` setting (a random id, made once) keeps iCalendar UIDs
stable and distinct between workspaces.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import JSONData, UTCDateTime

revision: str = "0008_automation"
down_revision: str | None = "0006_exact_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("scheduled_for", UTCDateTime(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("details", JSONData, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
        sa.UniqueConstraint("job", "scheduled_for", "attempt", name=op.f("uq_job_run_job_scheduled_for_attempt")),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_job_started_at", ["job", "started_at"], unique=False)
        batch_op.create_index("ix_job_run_status", ["status"], unique=False)

    op.create_table(
        "alert_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(length=2000), nullable=True),
        sa.Column("webhook_format", sa.String(length=20), nullable=False),
        sa.Column("categories", JSONData, nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_alert_recipient_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_recipient")),
        sa.UniqueConstraint("user_id", name=op.f("uq_alert_recipient_user_id")),
    )

    op.create_table(
        "sent_alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("job_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_run_id"], ["job_run.id"], name=op.f("fk_sent_alert_job_run_id_job_run"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["alert_recipient.id"],
            name=op.f("fk_sent_alert_recipient_id_alert_recipient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_alert")),
    )
    with op.batch_alter_table("sent_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sent_alert_recipient_fingerprint", ["recipient_id", "channel", "fingerprint", "sent_at"], unique=False
        )

    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_post_date", sa.Date(), nullable=True))

    setting = sa.table(
        "setting",
        sa.column("key", sa.String),
        sa.column("value", JSONData),
        sa.column("version_id", sa.Integer),
        sa.column("updated_at", UTCDateTime()),
        sa.column("updated_by", sa.String),
    )
    exists = op.get_bind().execute(sa.select(setting.c.key).where(setting.c.key == "workspace_id")).first()
    if exists is None:
        op.bulk_insert(
            setting,
            [
                {
                    "key": "workspace_id",
                    "value": uuid.uuid4().hex,
                    "version_id": 1,
                    "updated_at": dt.datetime.now(dt.UTC),
                    "updated_by": "migration 0008_automation",
                }
            ],
        )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM setting WHERE key = 'workspace_id'"))
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_column("planned_post_date")
    with op.batch_alter_table("sent_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_sent_alert_recipient_fingerprint")
    op.drop_table("sent_alert")
    op.drop_table("alert_recipient")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index("ix_job_run_status")
        batch_op.drop_index("ix_job_run_job_started_at")
    op.drop_table("job_run")
