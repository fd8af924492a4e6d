"""Audit: who changed what, and when."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditEntry
from pages.components.auth import require_page
from pages.components.i18n import _

require_page("audit")
st.title(_("Audit"))
st.caption(_("Every change: who, when, what, and the values before and after."))

with session_scope() as session:
    rows = (
        session.execute(
            select(
                AuditEntry.at,
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.entity_type,
                AuditEntry.entity_id,
                AuditEntry.summary,
            )
            .order_by(AuditEntry.at.desc())
            .limit(200)
        )
        .mappings()
        .all()
    )
if not rows:
    st.info(_("Nothing has been changed yet. Every write (edits, approvals, syncs, imports, exports) appears here."))
else:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="audit_table")
