"""user language: NULL means "not chosen yet", so the browser's language applies until the person chooses

Revision ID: 0012_user_language
Revises: 0010_locks

`user_account.language` becomes nullable. A person who never opened the language picker cannot be told from
one who chose English by the column alone (both read "en"), but every choice made in the app is in the audit
log (`set_language` records action "preference" on the "user" record). So the rows with such an entry keep
their language (the latest choice), and every other row becomes NULL: those people now get their browser's
language until they choose. Going back down writes "en" for NULL (the old default) and restores NOT NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_user_language"
down_revision: str | None = "0010_locks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEVER_CHOSE = sa.text(
    "UPDATE user_account SET language = NULL WHERE NOT EXISTS ("
    "SELECT 1 FROM audit_log WHERE audit_log.action = 'preference' AND audit_log.entity_type = 'user' "
    "AND audit_log.entity_id = CAST(user_account.id AS VARCHAR(100)))"
)


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("language", existing_type=sa.String(length=10), nullable=True)
    op.execute(NEVER_CHOSE)


def downgrade() -> None:
    op.execute(sa.text("UPDATE user_account SET language = 'en' WHERE language IS NULL"))
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("language", existing_type=sa.String(length=10), nullable=False)
