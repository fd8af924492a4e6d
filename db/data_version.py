"""The workspace's data version: a cheap fingerprint that changes whenever anything is written.

Every write in Pantau records an audit entry in the same transaction (`db.audit.record`), and syncs and imports
also add or finish a `sync_run`; scheduled jobs add `job_run` rows. The newest ids (and the number of finished
sync runs) therefore change with every committed write, from any process: the app, the command line, the
worker or another replica. Page caches are keyed on this value, so a write anywhere gives them a new key.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

_VERSION = sa.text(
    "SELECT (SELECT max(id) FROM audit_log), (SELECT max(id) FROM sync_run),"
    " (SELECT count(finished_at) FROM sync_run), (SELECT max(id) FROM job_run)"
)


def data_version(session: Session) -> str:
    """A short string that differs after every committed write (four index lookups and one small count)."""
    row = session.execute(_VERSION).one()
    return ".".join("0" if value is None else str(value) for value in row)
