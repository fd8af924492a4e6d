"""Audit: who changed what and when, filtered, with the values before and after and a CSV export."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from db import audit
from db.engine import session_scope
from db.roles import require
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, db_key, display_copy, today, when_text
from pages.components.i18n import _, picker_format
from pages.components.table_dates import dated_table
from pages.components.terms import label

actor = require_page("audit")
require(actor, "audit.read")
st.title(_("Audit"))
st.caption(_("Every change: who, when, what, and the values before and after."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _options(db: str) -> dict[str, list[str]]:
    with session_scope() as session:
        return audit.filter_options(session)


def _entries(**filters) -> list[dict]:
    with session_scope() as session:
        return audit.query_entries(session, **filters)


options = _options(db_key())
if not options["actions"]:
    st.info(_("Nothing has been changed yet. Every write (edits, approvals, syncs, imports, exports) appears here."))
    st.stop()

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    actors = c1.multiselect(_("Who"), options["actors"], key="audit_actors", placeholder=_("Everyone"))
    actions = c2.multiselect(
        _("Action"),
        options["actions"],
        key="audit_actions",
        placeholder=_("Every action"),
        format_func=lambda code: label("audit_action", code),
    )
    kinds = c3.multiselect(
        _("Record type"),
        options["entity_types"],
        key="audit_entity_types",
        placeholder=_("All"),
        format_func=lambda code: label("audit_record", code),
    )
    c4, c5 = st.columns([1, 2])
    period = c4.date_input(_("Dates (UTC)"), value=(), key="audit_dates", format=picker_format())
    text = c5.text_input(_("Contains"), key="audit_text", placeholder=_("an email, a name, an id, a value..."))

since = until = None
if isinstance(period, (tuple, list)) and period:
    since = period[0]
    until = period[1] if len(period) > 1 else period[0]
elif isinstance(period, dt.date):
    since = until = period

rows = _entries(actors=actors, actions=actions, entity_types=kinds, since=since, until=until, text=text)
if not rows:
    st.info(_("No change matches these filters. Clear a filter to see more."))
    st.stop()

st.caption(_("{count} changes, newest first.", count=len(rows)))
table = pd.DataFrame(
    [
        {
            _("When"): r["at"],
            _("Who"): r["actor"],
            _("Action"): label("audit_action", r["action"]),
            _("Record type"): label("audit_record", r["entity_type"]),
            _("Record"): str(r["entity_id"] or ""),
            _("Summary"): r["summary"] or "",
            _("Before -> after"): audit.describe_change(r["before"], r["after"], times=when_text),
        }
        for r in rows
    ]
)
table = display_copy(table, times=(_("When"),))
dated_table(table, width="stretch", key="audit_table")


def _record_export() -> None:
    with session_scope() as session:
        audit.record(session, actor, "export", "audit_log", None, after={"rows": len(rows)}, summary="Audit log CSV")


st.download_button(
    _("Download CSV"),
    data=audit.csv_text(rows).encode("utf-8-sig"),
    file_name=f"pantau-audit-{today().isoformat()}.csv",
    mime="text/csv",
    key="audit_download",
    on_click=_record_export,
    icon=":material/download:",
)
