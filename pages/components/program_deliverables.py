"""The Programs page's Deliverables tab: overdue and upcoming content, the add form (due date in 2000..2100, a fee read
in the creator's currency), results by form (counts and revenue read in the user's locale) or by file (CSV or
Excel, previewed before anything is written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from db.engine import session_scope
from db.errors import Message
from db.parse import ParseError, parse_amount, parse_count
from db.roles import Actor
from influencers import deliverables
from influencers.models import DELIVERABLE_STATUSES, DELIVERABLE_TYPES, PLATFORMS
from pages.components.decimal_mark import decimal_mark_select
from pages.components.i18n import N_, _, current_locale
from pages.components.import_preview import dry_run, number_convention_caption
from pages.components.influencer_forms import form_feedback, refuse, run_action
from pages.components.inputs import date_field, message_text
from pages.components.money import money, number
from pages.components.program_inputs import amount_field, for_people, not_understood, read_amount, shown_as, typed
from pages.components.table_dates import dated_table
from pages.components.terms import (
    DELIVERABLE_STATUS_LABELS,
    DELIVERABLE_TYPE_LABELS,
    RESULT_LABELS,
    column_labels,
    platform_label,
    term,
)

MESSAGES = (N_("Deliverable #{id} does not exist."),)  # the domain's refusal, listed to be translated
ADD_KEYS = ("prog_item_due", "prog_item_url", "prog_item_fee", "prog_item_status")
RESULT_KEYS = tuple(f"prog_results_{name}" for name in deliverables.RESULT_FIELDS)


def deliverable_table(items: pd.DataFrame, currencies: Mapping[int, str]) -> pd.DataFrame:
    """Deliverables as people read them: platform, type and status in words, amounts with their currency."""
    counts = tuple(f for f in deliverables.RESULT_FIELDS if f != "revenue")
    shown = for_people(items.drop(columns=["version_id"]), dates=("due_date", "published_date"), counts=counts)
    shown["platform"] = [platform_label(p) for p in items["platform"]]
    shown["type"] = [term(DELIVERABLE_TYPE_LABELS, t) for t in items["type"]]
    shown["status"] = [term(DELIVERABLE_STATUS_LABELS, s) for s in items["status"]]
    for name in ("fee", "revenue"):
        shown[name] = [
            "" if v is None or pd.isna(v) else money(v, currencies.get(int(c), ""))
            for v, c in zip(items[name], items["collaboration_id"], strict=True)
        ]
    return shown


def _add(actor: Actor, currencies: Mapping[int, str]) -> None:
    cid = st.session_state.get("prog_item_collab")
    if cid is None:
        return
    fee, fee_ok = read_amount("prog_item_fee", currencies[int(cid)])
    if unread := not_understood({"fee": fee_ok}):
        refuse("prog_item", unread)
        return
    data = {
        "platform": st.session_state.get("prog_item_platform"),
        "type": st.session_state.get("prog_item_type"),
        "due_date": st.session_state.get("prog_item_due"),
        "status": st.session_state.get("prog_item_status"),
        "url": st.session_state.get("prog_item_url") or None,
        "fee": fee,
    }
    if run_action("prog_item", deliverables.add_deliverable, actor, int(cid), data, success=_("Deliverable added.")):
        for key in ADD_KEYS:
            st.session_state.pop(key, None)


def _results(actor: Actor, items: pd.DataFrame, currencies: Mapping[int, str]) -> None:
    pick = st.session_state.get("prog_results_pick")
    if pick is None:
        return
    row = items[items["id"] == pick].iloc[0]
    currency = currencies[int(row.collaboration_id)]
    errors: dict[str, str | Message] = {}
    results: dict[str, Any] = {}
    for name in deliverables.RESULT_FIELDS:
        key = f"prog_results_{name}"
        if not typed(key):
            continue
        text = str(st.session_state[key])
        try:
            results[name] = (
                parse_amount(text, currency, current_locale())
                if name == "revenue"
                else parse_count(text, current_locale())
            )
        except ParseError as exc:
            errors[name] = exc.message
    if errors:
        refuse("prog_results", errors)
        return
    new_status = st.session_state.get("prog_results_status")
    link = (st.session_state.get("prog_results_url") or "").strip()

    def save(session) -> None:
        if new_status or link:
            deliverables.update_deliverable(
                session,
                actor,
                int(pick),
                {
                    "platform": row.platform,
                    "type": row.type,
                    "due_date": row.due_date,
                    "status": new_status or row.status,
                    "url": link or row.url,
                    "published_date": row.published_date,
                    "fee": None if row.fee is None or pd.isna(row.fee) else row.fee,
                },
                int(row.version_id),
            )
            version = None  # the same unit of work wrote the new version
        else:
            version = int(row.version_id)
        if results:
            deliverables.record_results(session, actor, int(pick), results, version)

    if run_action("prog_results", save, success=_("Deliverable saved.")):
        for key in (*RESULT_KEYS, "prog_results_status", "prog_results_url"):
            st.session_state.pop(key, None)


def _lists(items: pd.DataFrame, currencies: Mapping[int, str]) -> None:
    shown = deliverable_table(items, currencies)
    columns = ["id", "influencer", "platform", "type", "due_date", "status"]
    late, upcoming = shown[items["late"]], shown[items["upcoming"]]
    st.subheader(_("Overdue ({count})", count=len(late)))
    dated_table(late[columns], column_labels(columns), key="prog_items_late", empty=_("Nothing overdue."))
    st.subheader(_("Due in the next 14 days ({count})", count=len(upcoming)))
    dated_table(upcoming[columns], column_labels(columns), key="prog_items_upcoming", empty=_("Nothing due soon."))
    st.subheader(_("All deliverables"))
    dated_table(
        shown,
        column_labels(shown.columns, url=st.column_config.LinkColumn(_("Link"))),
        width="stretch",
        key="prog_items_all",
    )


def _add_form(actor: Actor, board: pd.DataFrame, currencies: Mapping[int, str]) -> None:
    creators = {int(r.id): r.influencer for r in board.itertuples()}
    with st.form("prog_item_form"):
        st.write(_("Add a deliverable"))
        a, b, c = st.columns(3)
        cid = a.selectbox(_("Creator"), list(creators), key="prog_item_collab", format_func=lambda i: creators[i])
        b.selectbox(_("Platform"), PLATFORMS, key="prog_item_platform", format_func=shown_as(PLATFORMS, platform_label))
        c.selectbox(
            _("Type"),
            DELIVERABLE_TYPES,
            key="prog_item_type",
            format_func=shown_as(DELIVERABLE_TYPES, lambda t: term(DELIVERABLE_TYPE_LABELS, t)),
        )
        date_field(_("Due date"), key="prog_item_due", container=a)
        b.selectbox(
            _("Status"),
            DELIVERABLE_STATUSES,
            key="prog_item_status",
            format_func=shown_as(DELIVERABLE_STATUSES, lambda s: term(DELIVERABLE_STATUS_LABELS, s)),
        )
        c.text_input(_("Link"), key="prog_item_url")
        currency = currencies.get(int(cid), "") if cid is not None else ""
        amount_field(
            _("Fee (per-deliverable terms, {currency})", currency=currency),
            currency or "IDR",
            key="prog_item_fee",
            container=a,
        )
        st.form_submit_button(_("Add deliverable"), key="prog_item_submit", on_click=_add, args=(actor, currencies))
    form_feedback("prog_item")


def _results_form(actor: Actor, items: pd.DataFrame, currencies: Mapping[int, str]) -> None:
    names = {
        int(r.id): f"#{r.id} {r.influencer} {platform_label(r.platform)} {term(DELIVERABLE_TYPE_LABELS, r.type)}"
        for r in items.itertuples()
    }
    with st.form("prog_results_form"):
        st.write(_("Record results or publish a deliverable"))
        st.selectbox(_("Deliverable"), list(names), key="prog_results_pick", format_func=lambda i: names[i])
        cols = st.columns(5)
        for i, name in enumerate(deliverables.RESULT_FIELDS):
            cols[i % 5].text_input(_(RESULT_LABELS.get(name, name)), key=f"prog_results_{name}")
        c1, c2 = st.columns(2)
        c1.selectbox(
            _("Status"),
            [None, *DELIVERABLE_STATUSES],
            key="prog_results_status",
            format_func=shown_as(
                [None, *DELIVERABLE_STATUSES],
                lambda s: _("Unchanged") if s is None else term(DELIVERABLE_STATUS_LABELS, s),
            ),
        )
        c2.text_input(_("Link (needed to publish)"), key="prog_results_url")
        st.form_submit_button(
            _("Save results"), key="prog_results_submit", on_click=_results, args=(actor, items, currencies)
        )
    form_feedback("prog_results")


RESULT_FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xls"]  # what db.tabular.read_table reads, as on the Sync page


def _report_notes(report: deliverables.ResultsImport) -> None:
    """What a results file said beyond its rows: totals skipped, the number convention, warnings, refused rows."""
    if report.totals:
        st.caption(_("{count} total row(s) were skipped.", count=report.totals))
    number_convention_caption(report.numbers)
    for warning in report.warnings:  # e.g. the file's last row may be cut: a warning, never a refusal
        st.warning(message_text(warning))
    if report.problems:
        st.warning(_("{count} row(s) will be rejected:", count=report.rejected))
        st.dataframe(
            pd.DataFrame(
                [(line, name, message_text(reason)) for line, name, reason in report.problems],
                columns=["row", "field", "reason"],
            ),
            hide_index=True,
            key="prog_results_csv_problems",
            column_config=column_labels(["row", "field", "reason"]),
        )


def _changes_table(report: deliverables.ResultsImport) -> pd.DataFrame:
    """The rows a results file writes, as people read them: row, deliverable and each figure read."""
    fields = [f for f in deliverables.RESULT_FIELDS if any(f in c.values for c in report.changes)]
    rows = []
    for change in report.changes:
        shown: dict[str, object] = {_("Row"): change.row, _("Deliverable"): f"#{change.deliverable_id}"}
        for name in fields:
            value = change.values.get(name)
            label = _(RESULT_LABELS.get(name, name))
            if value is None:
                shown[label] = ""
            elif name == "revenue":
                shown[label] = money(value, change.currency)
            else:
                shown[label] = number(value)  # counts: views, likes, clicks, ...
        rows.append(shown)
    return pd.DataFrame(rows)


def _import(actor: Actor, program_id: int) -> None:
    """Upload a results file, see what it would write (a dry run of the same import), then import it."""
    upload = st.file_uploader(
        _("Import results from a file (CSV or Excel: deliverable_id or url, then result columns)"),
        type=RESULT_FILE_TYPES,
        key="prog_results_csv",
    )
    if upload is None:
        form_feedback("prog_results_csv")
        return
    with session_scope() as session:
        needed = deliverables.decimal_mark_needed(
            session, upload.getvalue(), program_id=program_id, file_name=upload.name
        )
    decimal_mark = decimal_mark_select(
        needed,
        key="prog_results_decimal_mark",
        help=_(
            "Some figures could be read two ways (150.000 is 150 or 150000): no figure in the file shows its "
            "decimal mark. Check a figure you know on the platform; a figure written with the other mark is "
            "rejected."
        ),
    )
    preview = dry_run(
        lambda session: deliverables.import_results(
            session,
            actor,
            upload.getvalue(),
            program_id=program_id,
            dry_run=True,
            file_name=upload.name,
            decimal_mark=decimal_mark,
        )
    )
    if preview is None:
        return
    st.info(
        _(
            "{file}: {rows} row(s) to import, {rejected} rejected. Nothing is written until you press Import.",
            file=upload.name,
            rows=number(preview.updated),
            rejected=number(preview.rejected),
        )
    )
    _report_notes(preview)
    if not preview.changes:
        st.error(_("No row of this file can be imported; fix the rows listed above and upload it again."))
        form_feedback("prog_results_csv")
        return
    st.dataframe(_changes_table(preview), hide_index=True, key="prog_results_csv_preview")
    if st.button(_("Import {count} row(s)", count=number(preview.updated)), key="prog_results_csv_go", type="primary"):
        holder: dict[str, Any] = {}

        def do_import(session) -> None:
            holder["r"] = deliverables.import_results(
                session,
                actor,
                upload.getvalue(),
                program_id=program_id,
                file_name=upload.name,
                decimal_mark=decimal_mark,
            )

        if run_action("prog_results_csv", do_import):
            report = holder["r"]
            st.success(
                _(
                    "Results imported: {updated} updated, {rejected} rejected.",
                    updated=number(report.updated),
                    rejected=number(report.rejected),
                )
            )
    form_feedback("prog_results_csv")


def deliverables_tab(actor: Actor, program_id: int, board: pd.DataFrame, items: pd.DataFrame) -> None:
    """The Deliverables tab."""
    currencies = {int(r.id): str(r.currency) for r in board.itertuples()}
    if items.empty:
        st.info(_("No deliverables yet. Add the content each creator owes below."))
    else:
        _lists(items, currencies)
    if not actor.can("program.edit"):
        return
    if not board.empty:
        _add_form(actor, board, currencies)
    if not items.empty:
        _results_form(actor, items, currencies)
        _import(actor, program_id)
