"""Programs: influencer programs with their pipeline board, collaborations, deliverables, payments and
results. Finance sees everything read-only and can mark approved payments paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from db.engine import session_scope
from influencers import charts, deliverables, payments, programs, queries, roi
from influencers.models import DELIVERABLE_STATUSES, DELIVERABLE_TYPES, FEE_TYPES, PLATFORMS, PROGRAM_STATUSES
from pages.components.auth import require_page
from pages.components.budget_widgets import tile
from pages.components.data import CACHE_TTL, db_key, today
from pages.components.empty import empty_state
from pages.components.i18n import _
from pages.components.influencer_forms import (
    field_error,
    flash,
    fmt,
    form_feedback,
    load_form,
    reload_form,
    run_action,
    value,
)
from pages.components.money import money
from pages.components.terms import (
    DELIVERABLE_STATUS_LABELS,
    DELIVERABLE_TYPE_LABELS,
    FEE_TYPE_LABELS,
    PAYMENT_STATUS_LABELS,
    PROGRAM_STATUS_LABELS,
    RESULT_LABELS,
    column_labels,
    platform_label,
    term,
)

actor = require_page("programs")
can_edit = actor.can("program.edit")
st.title(_("Programs"))
st.caption(_("Influencer programs: pipeline, deliverables, payments and results."))
if not can_edit:
    st.info(_("You can look at programs here; only marking payments paid is open to your role."))
flash()
TODAY = today()
PROGRAM_KEYS = (
    "name",
    "brand",
    "objective",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "owner",
    "brief",
    "promo_code_prefix",
    "landing_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "status",
    "campaign_ids",
)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _programs(key: str):
    with session_scope() as session:
        return queries.program_table(session), queries.campaign_options(session)


def _program_data(form: str) -> dict:
    data = {k: value(form, k) for k in PROGRAM_KEYS}
    budget = data.get("budget")
    data["budget"] = None if budget in (None, "") else str(budget).replace(",", "")
    return data


def _program_fields(form: str, campaigns: pd.DataFrame) -> None:
    a, b = st.columns(2)
    a.text_input(_("Name"), key=f"{form}_name")
    with a:
        field_error(form, "name")
    b.text_input(_("Brand or product"), key=f"{form}_brand")
    a.text_input(_("Objective"), key=f"{form}_objective")
    b.selectbox(
        _("Status"), PROGRAM_STATUSES, key=f"{form}_status", format_func=lambda s: term(PROGRAM_STATUS_LABELS, s)
    )
    a.date_input(_("Start date"), value=None, key=f"{form}_start_date")
    b.date_input(_("End date"), value=None, key=f"{form}_end_date")
    with b:
        field_error(form, "end_date")
    a.text_input(_("Budget"), key=f"{form}_budget")
    with a:
        field_error(form, "budget")
    b.text_input(_("Currency"), key=f"{form}_currency")
    with b:
        field_error(form, "currency")
    a.text_input(_("Owner (email)"), key=f"{form}_owner")
    b.text_input(_("Promo code prefix"), key=f"{form}_promo_code_prefix")
    with b:
        field_error(form, "promo_code_prefix")
    st.text_input(_("Landing page (tracking links start here)"), key=f"{form}_landing_url")
    field_error(form, "landing_url")
    c1, c2, c3 = st.columns(3)
    c1.text_input("utm_source", key=f"{form}_utm_source")
    c2.text_input("utm_medium", key=f"{form}_utm_medium")
    c3.text_input("utm_campaign", key=f"{form}_utm_campaign")
    st.text_area(_("Brief"), key=f"{form}_brief")
    labels = {int(r.id): f"{r.account} | {r.name} ({r.currency})" for r in campaigns.itertuples()}
    st.multiselect(
        _("Linked Meta campaigns (boosted or allowlisted creator content)"),
        list(labels),
        key=f"{form}_campaign_ids",
        format_func=lambda i: labels.get(i, f"#{i}"),
    )
    field_error(form, "campaign_ids")


def _blank_program() -> dict:
    return {
        "name": "",
        "brand": "",
        "objective": "",
        "start_date": None,
        "end_date": None,
        "budget": "",
        "currency": "IDR",
        "owner": "",
        "brief": "",
        "promo_code_prefix": "",
        "landing_url": "",
        "utm_source": "influencer",
        "utm_medium": "social",
        "utm_campaign": "",
        "status": "planned",
        "campaign_ids": [],
    }


def _create_program() -> None:
    def create(session, data):
        st.session_state["prog_select"] = programs.create_program(session, actor, data).id

    if run_action("prog_new", create, _program_data("prog_new"), success=_("Program created.")):
        reload_form("prog_new")


table, campaign_options = _programs(db_key())
if can_edit:
    with st.expander(_("New program"), expanded=table.empty):
        load_form("prog_new", "new", _blank_program())
        with st.form("prog_new_form"):
            _program_fields("prog_new", campaign_options)
            st.form_submit_button(_("Create program"), on_click=_create_program, type="primary", key="prog_new_submit")
        form_feedback("prog_new")
if table.empty:
    empty_state(
        _("Influencer programs and their pipelines appear here once you create one."),
        sync=False,
        extra=_("Create a program above, then add creators from the Influencers directory to its pipeline."),
    )
    st.stop()
st.dataframe(
    table.drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    key="programs_table",
    column_config=column_labels(table.columns),
)
names = dict(zip(table["id"].astype(int), table["name"], strict=True))
if st.session_state.get("prog_select") not in names:
    st.session_state["prog_select"] = next(iter(names))
program_id = st.selectbox(_("Program"), list(names), key="prog_select", format_func=lambda i: names[i])

with session_scope() as session:
    program = programs.get_program(session, program_id)
    program_values = programs.program_snapshot(program, session)
    board = queries.pipeline(session, program_id)
    items = queries.program_deliverables(session, program_id, TODAY)
    pays = queries.program_payments(session, program_id, TODAY)
    results = roi.collaboration_results(session, program_id=program_id)
    summary = roi.program_summary(session, program_id)
    over_time = roi.results_over_time(session, program_id)

currency = program_values["currency"]
m = st.columns(4)
if program_values["budget"]:
    tile(m[0], _("Budget"), Decimal(program_values["budget"]), currency)
else:
    m[0].metric(_("Budget"), "-")
m[1].metric(_("Collaborations"), len(board))
m[2].metric(_("Overdue deliverables"), int(items["late"].sum()) if not items.empty else 0)
m[3].metric(_("Overdue payments"), int(pays["overdue"].sum()) if not pays.empty else 0)

tab_pipeline, tab_collabs, tab_items, tab_pay, tab_results, tab_settings = st.tabs(
    [_("Pipeline"), _("Collaborations"), _("Deliverables"), _("Payments"), _("Results"), _("Program")]
)

# -- pipeline board ----------------------------------------------------------------------------


def _move(collaboration_id: int, to_stage: str, version: int) -> None:
    run_action(
        "prog_move",
        programs.move_stage,
        actor,
        collaboration_id,
        to_stage,
        version,
        success=_("Moved to {stage}.", stage=_(programs.STAGE_LABELS[to_stage])),
    )


with tab_pipeline:
    form_feedback("prog_move")
    if board.empty:
        st.info(_("No creators in this program yet. Add one below."))
    stages = [*programs.PIPELINE, "declined"]
    columns = st.columns(len(stages))
    for column, stage in zip(columns, stages, strict=True):
        cards = board[board["stage"] == stage] if not board.empty else board
        column.markdown(f"**{_(programs.STAGE_LABELS[stage])}** ({len(cards)})")
        for card in cards.itertuples():
            box = column.container(border=True)
            box.write(card.influencer)
            if card.fee is not None and not pd.isna(card.fee):
                box.caption(money(card.fee, card.currency))
            if can_edit:
                for target in programs.allowed_moves(stage):
                    box.button(
                        ("→ " if target != "declined" and stages.index(target) > stages.index(stage) else "")
                        + _(programs.STAGE_LABELS[target]),
                        key=f"prog_move_{card.id}_{target}",
                        on_click=_move,
                        args=(int(card.id), target, int(card.version_id)),
                    )
    if can_edit:
        st.subheader(_("Add a creator to this program"))
        search = st.text_input(_("Find a creator"), key="prog_add_search")
        with session_scope() as session:
            choices = dict(queries.influencer_choices(session, search or None))
        in_program = set(board["influencer_id"]) if not board.empty else set()
        choices = {k: v for k, v in choices.items() if k not in in_program}
        pick = st.selectbox(
            _("Creator"),
            [None, *choices],
            key="prog_add_pick",
            format_func=lambda i: _("Choose a creator") if i is None else choices[i],
        )
        if st.button(_("Add as prospect"), key="prog_add_go", disabled=pick is None):
            run_action(
                "prog_add",
                programs.add_collaboration,
                actor,
                program_id,
                int(pick),
                success=_("Added to the pipeline."),
            )
            st.rerun()
        form_feedback("prog_add")

# -- collaborations ----------------------------------------------------------------------------


def _save_terms(collaboration_id: int) -> None:
    form = "prog_terms"
    terms = {
        k: value(form, k)
        for k in (
            "fee_type",
            "currency",
            "contract_date",
            "start_date",
            "end_date",
            "promo_code",
            "tracking_url",
            "notes",
        )
    }
    for k in ("fee", "commission_rate", "product_value"):
        raw = value(form, k)
        terms[k] = None if raw in (None, "") else str(raw).replace(",", "")
    if run_action(
        form,
        programs.update_collaboration,
        actor,
        collaboration_id,
        terms,
        st.session_state.get("prog_terms__version"),
        success=_("Terms saved."),
    ):
        reload_form(form)


with tab_collabs:
    if board.empty:
        st.info(_("No collaborations yet: add creators on the Pipeline tab."))
    else:
        shown = board.drop(columns=["influencer_id", "version_id", "notes"])
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key="prog_collab_table",
            column_config=column_labels(shown.columns, tracking_url=st.column_config.LinkColumn(_("Tracking link"))),
        )
        collab_pick_labels = {
            int(r.id): f"{r.influencer} ({_(programs.STAGE_LABELS[r.stage])})" for r in board.itertuples()
        }
        chosen = st.selectbox(
            _("Collaboration"),
            list(collab_pick_labels),
            key="prog_collab_pick",
            format_func=lambda i: collab_pick_labels[i],
        )
        row = board[board["id"] == chosen].iloc[0]
        with session_scope() as session:
            history = queries.stage_history(session, chosen)
        st.caption(_("Stage history"))
        st.dataframe(history, hide_index=True, key="prog_collab_history", column_config=column_labels(history.columns))
        if can_edit:
            if st.session_state.get("prog_terms__loaded", (None,))[0] != chosen:

                def _num(v):
                    return "" if v is None or pd.isna(v) else str(v)

                load_form(
                    "prog_terms",
                    (chosen, int(row.version_id)),
                    {
                        "fee_type": row.fee_type,
                        "fee": _num(row.fee),
                        "commission_rate": _num(row.commission_rate),
                        "product_value": _num(row.product_value),
                        "currency": row.currency,
                        "contract_date": row.contract_date,
                        "start_date": row.start_date,
                        "end_date": row.end_date,
                        "promo_code": row.promo_code or "",
                        "tracking_url": row.tracking_url or "",
                        "notes": row.notes or "",
                    },
                )
                st.session_state["prog_terms__version"] = int(row.version_id)
            with st.form("prog_terms_form"):
                a, b, c = st.columns(3)
                a.selectbox(
                    _("Fee type"),
                    FEE_TYPES,
                    key="prog_terms_fee_type",
                    format_func=lambda f: term(FEE_TYPE_LABELS, f),
                )
                b.text_input(_("Fee"), key="prog_terms_fee")
                c.text_input(_("Currency"), key="prog_terms_currency")
                a.text_input(_("Commission %"), key="prog_terms_commission_rate")
                b.text_input(_("Product value"), key="prog_terms_product_value")
                c.date_input(_("Contract date"), value=None, key="prog_terms_contract_date")
                a.date_input(_("Flight start"), value=None, key="prog_terms_start_date")
                b.date_input(_("Flight end"), value=None, key="prog_terms_end_date")
                c.text_input(_("Promo code"), key="prog_terms_promo_code")
                st.text_input(_("Tracking link"), key="prog_terms_tracking_url")
                st.text_area(_("Notes"), key="prog_terms_notes")
                field_error("prog_terms", "fee", "commission_rate", "product_value", "currency", "end_date")
                st.form_submit_button(
                    _("Save terms"), on_click=_save_terms, args=(chosen,), type="primary", key="prog_terms_submit"
                )
            form_feedback("prog_terms")
            if st.session_state.get("prog_terms__conflict") and st.button(
                _("Discard my changes and load the latest values"), key="prog_terms_reload"
            ):
                reload_form("prog_terms")
                st.rerun()

# -- deliverables ------------------------------------------------------------------------------

with tab_items:
    if items.empty:
        st.info(_("No deliverables yet. Add the content each creator owes below."))
    else:
        late = items[items["late"]]
        upcoming = items[items["upcoming"]]
        st.subheader(_("Overdue ({count})", count=len(late)))
        if late.empty:
            st.caption(_("Nothing overdue."))
        else:
            st.dataframe(
                late[["id", "influencer", "platform", "type", "due_date", "status"]],
                hide_index=True,
                key="prog_items_late",
                column_config=column_labels(late.columns),
            )
        st.subheader(_("Due in the next 14 days ({count})", count=len(upcoming)))
        if upcoming.empty:
            st.caption(_("Nothing due soon."))
        else:
            st.dataframe(
                upcoming[["id", "influencer", "platform", "type", "due_date", "status"]],
                hide_index=True,
                key="prog_items_upcoming",
                column_config=column_labels(upcoming.columns),
            )
        st.subheader(_("All deliverables"))
        st.dataframe(
            items.drop(columns=["version_id"]),
            hide_index=True,
            width="stretch",
            key="prog_items_all",
            column_config=column_labels(items.columns, url=st.column_config.LinkColumn(_("Link"))),
        )
    if can_edit and not board.empty:
        collab_labels = {int(r.id): r.influencer for r in board.itertuples()}
        with st.form("prog_item_form", clear_on_submit=True):
            st.write(_("Add a deliverable"))
            a, b, c = st.columns(3)
            cid = a.selectbox(
                _("Creator"), list(collab_labels), key="prog_item_collab", format_func=lambda i: collab_labels[i]
            )
            platform = b.selectbox(_("Platform"), PLATFORMS, key="prog_item_platform", format_func=platform_label)
            kind = c.selectbox(
                _("Type"),
                DELIVERABLE_TYPES,
                key="prog_item_type",
                format_func=lambda t: term(DELIVERABLE_TYPE_LABELS, t),
            )
            due = a.date_input(_("Due date"), value=None, key="prog_item_due")
            status = b.selectbox(
                _("Status"),
                DELIVERABLE_STATUSES,
                key="prog_item_status",
                format_func=lambda s: term(DELIVERABLE_STATUS_LABELS, s),
            )
            url = c.text_input(_("Link"), key="prog_item_url")
            fee = a.text_input(_("Fee (per-deliverable terms)"), key="prog_item_fee")
            if st.form_submit_button(_("Add deliverable"), key="prog_item_submit"):
                run_action(
                    "prog_item",
                    deliverables.add_deliverable,
                    actor,
                    cid,
                    {
                        "platform": platform,
                        "type": kind,
                        "due_date": due,
                        "status": status,
                        "url": url or None,
                        "fee": fee or None,
                    },
                    success=_("Deliverable added."),
                )
                st.rerun()
        form_feedback("prog_item")
    if can_edit and not items.empty:
        item_labels = {int(r.id): f"#{r.id} {r.influencer} {r.platform} {r.type}" for r in items.itertuples()}
        with st.form("prog_results_form"):
            st.write(_("Record results or publish a deliverable"))
            pick = st.selectbox(
                _("Deliverable"), list(item_labels), key="prog_results_pick", format_func=lambda i: item_labels[i]
            )
            cols = st.columns(5)
            entered = {}
            for i, name in enumerate(deliverables.RESULT_FIELDS):
                entered[name] = cols[i % 5].text_input(_(RESULT_LABELS.get(name, name)), key=f"prog_results_{name}")
            c1, c2 = st.columns(2)
            new_status = c1.selectbox(
                _("Status"),
                [None, *DELIVERABLE_STATUSES],
                key="prog_results_status",
                format_func=lambda s: _("Unchanged") if s is None else term(DELIVERABLE_STATUS_LABELS, s),
            )
            link = c2.text_input(_("Link (needed to publish)"), key="prog_results_url")
            if st.form_submit_button(_("Save results"), key="prog_results_submit"):
                row = items[items["id"] == pick].iloc[0]

                def save(session):
                    if new_status or link:
                        deliverables.update_deliverable(
                            session,
                            actor,
                            pick,
                            {
                                "platform": row.platform,
                                "type": row.type,
                                "due_date": row.due_date,
                                "status": new_status or row.status,
                                "url": link or row.url,
                                "published_date": row.published_date,
                                "fee": row.fee,
                            },
                            int(row.version_id),
                        )
                    results_in = {k: v.replace(",", "") for k, v in entered.items() if v}
                    if results_in:
                        deliverables.record_results(session, actor, pick, results_in)

                run_action("prog_results", save, success=_("Deliverable saved."))
                st.rerun()
        form_feedback("prog_results")
        upload = st.file_uploader(
            _("Import results from CSV (deliverable_id or url, then result columns)"),
            type=["csv"],
            key="prog_results_csv",
        )
        if upload is not None and st.button(_("Import results"), key="prog_results_csv_go"):
            holder: dict = {}

            def do_import(session):
                holder["r"] = deliverables.import_results(session, actor, upload.getvalue(), program_id=program_id)

            if run_action("prog_results_csv", do_import):
                report = holder["r"]
                st.success(
                    _(
                        "Results imported: {updated} updated, {rejected} rejected.",
                        updated=report.updated,
                        rejected=report.rejected,
                    )
                )
                if report.problems:
                    st.dataframe(
                        pd.DataFrame(report.problems, columns=["row", "field", "reason"]),
                        hide_index=True,
                        key="prog_results_csv_problems",
                    )
            form_feedback("prog_results_csv")

# -- payments ----------------------------------------------------------------------------------

with tab_pay:
    if pays.empty:
        st.info(_("No payments yet. Add one for a contracted creator below."))
    else:
        st.dataframe(
            pays.drop(columns=["version_id", "program"]),
            hide_index=True,
            width="stretch",
            key="prog_pay_table",
            column_config=column_labels(pays.columns),
        )
        open_pays = pays[pays["status"].isin(["pending", "approved"])]
        if not open_pays.empty:
            pay_labels = {
                int(r.id): (
                    _("#{id} {influencer} {amount} ({status}, overdue)")
                    if r.overdue
                    else _("#{id} {influencer} {amount} ({status})")
                ).format(
                    id=r.id,
                    influencer=r.influencer,
                    amount=money(r.amount, r.currency),
                    status=term(PAYMENT_STATUS_LABELS, r.status),
                )
                for r in open_pays.itertuples()
            }
            pick = st.selectbox(
                _("Payment"), list(pay_labels), key="prog_pay_pick", format_func=lambda i: pay_labels[i]
            )
            row = open_pays[open_pays["id"] == pick].iloc[0]
            version = int(row.version_id)
            if (
                actor.can("payment.approve")
                and row.status == "pending"
                and st.button(_("Approve payment"), key="prog_pay_approve")
            ):
                run_action("prog_pay", payments.approve_payment, actor, pick, version, success=_("Payment approved."))
                st.rerun()
            if actor.can("payment.mark_paid") and row.status == "approved":
                with st.form("prog_paid_form"):
                    a, b = st.columns(2)
                    paid_on = a.date_input(_("Paid date"), value=TODAY, key="prog_paid_date")
                    invoice = b.text_input(_("Invoice number"), value=row.invoice_number or "", key="prog_paid_invoice")
                    method = a.selectbox(
                        _("Method"), ["bank_transfer", "e_wallet", "card", "cash", "other"], key="prog_paid_method"
                    )
                    reference = b.text_input(_("Reference"), key="prog_paid_reference")
                    if st.form_submit_button(_("Mark paid"), key="prog_paid_submit", type="primary"):
                        run_action(
                            "prog_pay",
                            payments.mark_paid,
                            actor,
                            pick,
                            paid_date=paid_on,
                            invoice_number=invoice,
                            method=method,
                            reference=reference,
                            version_id=version,
                            success=_("Payment marked paid."),
                        )
                        st.rerun()
            elif row.status == "pending" and not actor.can("payment.approve"):
                st.caption(_("A manager approves this payment before finance can pay it."))
        form_feedback("prog_pay")
    if can_edit and not board.empty:
        pay_collab_labels = {int(r.id): f"{r.influencer} ({r.currency})" for r in board.itertuples()}
        with st.form("prog_pay_new_form", clear_on_submit=True):
            st.write(_("Add a payment"))
            a, b, c = st.columns(3)
            cid = a.selectbox(
                _("Creator"),
                list(pay_collab_labels),
                key="prog_pay_new_collab",
                format_func=lambda i: pay_collab_labels[i],
            )
            amount = b.text_input(_("Amount"), key="prog_pay_new_amount")
            due = c.date_input(_("Due date"), value=None, key="prog_pay_new_due")
            invoice = a.text_input(_("Invoice number"), key="prog_pay_new_invoice")
            if st.form_submit_button(_("Add payment"), key="prog_pay_new_submit"):
                run_action(
                    "prog_pay_new",
                    payments.add_payment,
                    actor,
                    cid,
                    amount.replace(",", ""),
                    None,
                    due,
                    invoice,
                    success=_("Payment added (pending approval)."),
                )
                st.rerun()
        form_feedback("prog_pay_new")

# -- results -----------------------------------------------------------------------------------

with tab_results:
    if results.empty:
        st.info(_("Results appear once creators are in the program and their deliverables have results."))
    else:
        st.subheader(_("Program"))
        st.dataframe(
            summary.map(fmt), hide_index=True, key="prog_results_summary", column_config=column_labels(summary.columns)
        )
        st.caption(
            _(
                "Creator cost = fees + product value. CPA of creators next to the CPA of the linked Meta campaigns; "
                "creator plus boost = creator cost + linked campaigns' spend in the program dates. n/a = not "
                "computable (missing or zero)."
            )
        )
        st.subheader(_("Per collaboration"))
        cols = ["influencer", "stage", "currency", *roi.ROI_COLUMNS]
        st.dataframe(
            results[cols].map(fmt),
            hide_index=True,
            width="stretch",
            key="prog_results_table",
            column_config=column_labels(cols),
        )
        if not over_time.empty:
            metric = st.selectbox(
                _("Metric over time"), ["views", "engagements", "clicks", "conversions"], key="prog_results_metric"
            )
            st.altair_chart(charts.results_over_time(over_time, metric), width="stretch", key="prog_chart_time")
        per_influencer = roi.rollup(results, ["influencer"])
        st.altair_chart(charts.cost_vs_conversions(per_influencer), width="stretch", key="prog_chart_cost")

# -- program settings --------------------------------------------------------------------------


def _save_program() -> None:
    if run_action(
        "prog_edit",
        programs.update_program,
        actor,
        program_id,
        _program_data("prog_edit"),
        st.session_state.get("prog_edit__version"),
        success=_("Program saved."),
    ):
        reload_form("prog_edit")


with tab_settings:
    if not can_edit:
        st.json({k: v for k, v in program_values.items() if k not in ("version_id",)})
    else:
        if st.session_state.get("prog_edit__loaded", (None,))[0] != program_id:
            values = {k: program_values.get(k) for k in PROGRAM_KEYS}
            for k in ("start_date", "end_date"):
                values[k] = dt.date.fromisoformat(values[k]) if values[k] else None
            values = {k: ("" if v is None and k not in ("start_date", "end_date") else v) for k, v in values.items()}
            load_form("prog_edit", (program_id, program_values["version_id"]), values)
            st.session_state["prog_edit__version"] = program_values["version_id"]
        with st.form("prog_edit_form"):
            _program_fields("prog_edit", campaign_options)
            st.form_submit_button(_("Save program"), on_click=_save_program, type="primary", key="prog_edit_submit")
        form_feedback("prog_edit")
        if st.session_state.get("prog_edit__conflict") and st.button(
            _("Discard my changes and load the latest values"), key="prog_edit_reload"
        ):
            reload_form("prog_edit")
            st.rerun()
