"""Programs: influencer programs with their pipeline board, collaborations, deliverables, payments and
results. Finance sees everything read-only and can mark approved payments paid."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from db.engine import session_scope
from influencers import programs, queries, roi
from pages.components.auth import require_page
from pages.components.budget_widgets import tile
from pages.components.data import CACHE_TTL, db_key, today
from pages.components.empty import empty_state
from pages.components.i18n import _
from pages.components.influencer_forms import flash
from pages.components.lazy_tabs import lazy_tabs
from pages.components.money import money
from pages.components.program_collaborations import collaborations
from pages.components.program_deliverables import deliverables_tab
from pages.components.program_inputs import blank, for_people
from pages.components.program_payments import payments_tab
from pages.components.program_pipeline import pipeline
from pages.components.program_results import results_tab
from pages.components.program_settings import new_program, program_settings
from pages.components.table_dates import dated_table
from pages.components.terms import PROGRAM_STATUS_LABELS, column_labels, term

actor = require_page("programs")
st.title(_("Programs"))
st.caption(_("Influencer programs: pipeline, deliverables, payments and results."))
if not actor.can("program.edit"):
    st.info(_("You can look at programs here; only marking payments paid is open to your role."))
flash()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _programs(key: str):
    with session_scope() as session:
        return queries.program_table(session), queries.campaign_options(session)


table, campaign_options = _programs(db_key())
if actor.can("program.edit"):
    new_program(actor, campaign_options, expanded=table.empty)
if table.empty:
    empty_state(
        _("Influencer programs and their pipelines appear here once you create one."),
        sync=False,
        extra=_("Create a program above, then add creators from the Influencers directory to its pipeline."),
    )
    st.stop()
listed = for_people(
    table.drop(columns=["id"]).assign(
        status=[term(PROGRAM_STATUS_LABELS, s) for s in table["status"]],
        budget=["" if blank(b) else money(b, c) for b, c in zip(table["budget"], table["currency"], strict=True)],
    ),
    dates=("start_date", "end_date"),
)
dated_table(listed, column_labels(listed.columns), width="stretch", key="programs_table")
names = dict(zip(table["id"].astype(int), table["name"], strict=True))
if st.session_state.get("prog_select") not in names:
    st.session_state["prog_select"] = next(iter(names))
program_id = st.selectbox(_("Program"), list(names), key="prog_select", format_func=lambda i: names[i])


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=64)
def _program_view(key: str, program_id: int, day):
    """Everything the program's tabs show, read once for every session (the key carries the data version)."""
    with session_scope() as session:
        program = programs.get_program(session, program_id)
        return (
            programs.program_snapshot(program, session),
            queries.pipeline(session, program_id),
            programs.collaborations_without_fee(session, program_id),
            queries.program_deliverables(session, program_id, day),
            queries.program_payments(session, program_id, day),
            roi.collaboration_results(session, program_id=program_id),
            roi.program_summary(session, program_id),
            roi.results_over_time(session, program_id),
        )


day = today()
snapshot, board, without_fee, items, pays, results, summary, over_time = _program_view(db_key(), int(program_id), day)

m = st.columns(4)
if snapshot["budget"]:
    tile(m[0], _("Budget"), Decimal(snapshot["budget"]), snapshot["currency"])
else:
    m[0].metric(_("Budget"), "—")
m[1].metric(_("Collaborations"), len(board))
m[2].metric(_("Overdue deliverables"), int(items["late"].sum()) if not items.empty else 0)
m[3].metric(_("Overdue payments"), int(pays["overdue"].sum()) if not pays.empty else 0)

# Only the open tab runs: the six tabs hold some 75 widgets, and building all of them on every rerun of every
# session was most of this page's cost (docs/deployment.md, section 9).
lazy_tabs(
    {
        "pipeline": _("Pipeline"),
        "collaborations": _("Collaborations"),
        "deliverables": _("Deliverables"),
        "payments": _("Payments"),
        "results": _("Results"),
        "program": _("Program"),
    },
    {
        "pipeline": lambda: pipeline(actor, program_id, board, without_fee),
        "collaborations": lambda: collaborations(actor, board, items),
        "deliverables": lambda: deliverables_tab(actor, program_id, board, items),
        "payments": lambda: payments_tab(actor, board, pays, day),
        "results": lambda: results_tab(results, summary, over_time, actor, int(program_id)),
        "program": lambda: program_settings(actor, program_id, snapshot, campaign_options),
    },
    key="prog_tab",
)
