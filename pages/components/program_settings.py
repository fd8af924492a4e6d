"""The Programs page's program form: create a program and edit the open one (the Program tab), with the budget read
as typed in the user's locale, dates kept in 2000..2100, and a conflict that says what someone else changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from db.roles import Actor
from influencers import programs
from influencers.models import PROGRAM_STATUSES
from pages.components.i18n import N_, _, current_language, date_text
from pages.components.influencer_forms import (
    field_error,
    form_feedback,
    load_form,
    refuse,
    reload_form,
    run_action,
    value,
)
from pages.components.inputs import date_field
from pages.components.money import money
from pages.components.program_inputs import (
    amount_field,
    currency_of,
    field_labels,
    not_understood,
    read_amount,
    shown_as,
)
from pages.components.terms import BLANK, PROGRAM_STATUS_LABELS, term

MESSAGES = (N_("Program #{id} does not exist."),)  # the domain's refusal, listed to be translated
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


def blank_program() -> dict[str, Any]:
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


def form_values(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A saved program (its snapshot) as the form's widgets show it: dates as dates, the budget as money text."""
    values = {k: snapshot.get(k) for k in PROGRAM_KEYS}
    for k in ("start_date", "end_date"):
        values[k] = dt.date.fromisoformat(values[k]) if values[k] else None
    if values["budget"] not in (None, ""):
        values["budget"] = money(Decimal(str(values["budget"])), values["currency"])
    return {k: ("" if v is None and k not in ("start_date", "end_date") else v) for k, v in values.items()}


def readonly_values(snapshot: dict[str, Any], campaigns: pd.DataFrame) -> dict[str, str]:
    """A saved program as text for a role that reads it: dates as `date_text` writes them, the status in words,
    linked campaigns by name, the budget with its currency, and "—" for an empty field."""
    values = form_values(snapshot)
    names = {int(r.id): f"{r.account} | {r.name}" for r in campaigns.itertuples()}
    out: dict[str, str] = {}
    for k in PROGRAM_KEYS:
        v = values[k]
        if k == "status":
            text = term(PROGRAM_STATUS_LABELS, v)
        elif k in ("start_date", "end_date"):
            text = date_text(v)
        elif k == "campaign_ids":
            text = ", ".join(names.get(int(i), f"#{i}") for i in v or [])
        else:
            text = "" if v is None else str(v)
        out[k] = text or BLANK
    return out


def program_data(form: str, fallback_currency: str) -> tuple[dict[str, Any], dict[str, bool]]:
    """In a callback: the typed program, the budget read in the typed currency; and which fields were understood."""
    data = {k: value(form, k) for k in PROGRAM_KEYS}
    data["budget"], budget_ok = read_amount(f"{form}_budget", currency_of(f"{form}_currency", fallback_currency))
    return data, {"budget": budget_ok}


def program_fields(form: str, campaigns: pd.DataFrame, fallback_currency: str) -> None:
    """The program's fields (keys `{form}_<field>`), each with the reason when the last save refused it."""
    labels = field_labels()
    a, b = st.columns(2)
    a.text_input(_("Name"), key=f"{form}_name")
    with a:
        field_error(form, "name", labels=labels)
    b.text_input(_("Brand or product"), key=f"{form}_brand")
    a.text_input(_("Objective"), key=f"{form}_objective")
    b.selectbox(
        _("Status"),
        PROGRAM_STATUSES,
        key=f"{form}_status",
        format_func=shown_as(PROGRAM_STATUSES, lambda s: term(PROGRAM_STATUS_LABELS, s)),
    )
    date_field(_("Start date"), key=f"{form}_start_date", container=a)
    with a:
        field_error(form, "start_date", labels=labels)
    date_field(_("End date"), key=f"{form}_end_date", container=b)
    with b:
        field_error(form, "end_date", labels=labels)
    b.text_input(_("Currency"), key=f"{form}_currency")
    with b:
        field_error(form, "currency", labels=labels)
    currency = currency_of(f"{form}_currency", fallback_currency)
    amount_field(_("Budget ({currency})", currency=currency), currency, key=f"{form}_budget", container=a)
    with a:
        field_error(form, "budget", labels=labels)
    a.text_input(_("Owner (email)"), key=f"{form}_owner")
    b.text_input(_("Promo code prefix"), key=f"{form}_promo_code_prefix")
    with b:
        field_error(form, "promo_code_prefix", labels=labels)
    st.text_input(_("Landing page (tracking links start here)"), key=f"{form}_landing_url")
    field_error(form, "landing_url", labels=labels)
    c1, c2, c3 = st.columns(3)
    c1.text_input("utm_source", key=f"{form}_utm_source")
    c2.text_input("utm_medium", key=f"{form}_utm_medium")
    c3.text_input("utm_campaign", key=f"{form}_utm_campaign")
    st.text_area(_("Brief"), key=f"{form}_brief")
    field_error(form, "brief", labels=labels)
    options = {int(r.id): f"{r.account} | {r.name} ({r.currency})" for r in campaigns.itertuples()}
    st.multiselect(
        _("Linked Meta campaigns (boosted or allowlisted creator content)"),
        list(options),
        key=f"{form}_campaign_ids",
        placeholder=_("Choose options"),
        format_func=lambda i: options.get(i, f"#{i}"),
    )
    field_error(form, "campaign_ids", labels=labels)


def _saved_text(data: dict[str, Any]) -> str:
    if data.get("budget") is None:
        return ""
    return " " + _("Budget: {amount}.", amount=money(data["budget"], str(data["currency"]).strip().upper()))


def _create(actor: Actor) -> None:
    form = "prog_new"
    data, understood = program_data(form, "IDR")
    if unread := not_understood(understood):
        refuse(form, unread)
        return
    created: dict[str, int] = {}

    def create(session) -> None:
        created["id"] = programs.create_program(session, actor, data).id

    if run_action(form, create, success=_("Program created.") + _saved_text(data)):
        st.session_state["prog_select"] = created["id"]
        reload_form(form)


def new_program(actor: Actor, campaigns: pd.DataFrame, *, expanded: bool) -> None:
    """The "New program" form in an expander."""
    with st.expander(_("New program"), expanded=expanded):
        load_form("prog_new", "new", blank_program())
        with st.container(border=True, key="prog_new_form"):
            program_fields("prog_new", campaigns, "IDR")
            st.button(_("Create program"), on_click=_create, args=(actor,), type="primary", key="prog_new_submit")
        form_feedback("prog_new", labels=field_labels())


def _save(actor: Actor, program_id: int, currency: str) -> None:
    form = "prog_edit"
    data, understood = program_data(form, currency)
    if unread := not_understood(understood):
        refuse(form, unread)
        return
    if run_action(
        form,
        programs.update_program,
        actor,
        program_id,
        data,
        st.session_state.get("prog_edit__version"),
        success=_("Program saved.") + _saved_text(data),
    ):
        reload_form(form)


def program_settings(actor: Actor, program_id: int, snapshot: dict[str, Any], campaigns: pd.DataFrame) -> None:
    """The Program tab: the program's settings, editable with `program.edit`."""
    if not actor.can("program.edit"):
        shown = readonly_values(snapshot, campaigns)
        st.dataframe(
            pd.DataFrame(
                {
                    _("Field"): [field_labels().get(k, k) for k in PROGRAM_KEYS],
                    _("Value"): [shown[k] for k in PROGRAM_KEYS],
                }
            ),
            hide_index=True,
            key="prog_edit_readonly",
        )
        return
    # Loaded when another program is opened, the language changes (amounts are written its way) or after a save,
    # never because someone else saved: what the user is typing stays, and saving it on the old version is refused
    # as a conflict.
    loaded = st.session_state.get("prog_edit__loaded") or (None, None, None)
    if (loaded[0], loaded[2]) != (program_id, current_language()):
        token = (program_id, snapshot["version_id"], current_language())
        load_form("prog_edit", token, form_values(snapshot), base=snapshot)
        st.session_state["prog_edit__version"] = snapshot["version_id"]
    with st.container(border=True, key="prog_edit_form"):
        program_fields("prog_edit", campaigns, snapshot["currency"])
        st.button(
            _("Save program"),
            on_click=_save,
            args=(actor, program_id, snapshot["currency"]),
            type="primary",
            key="prog_edit_submit",
        )
    form_feedback("prog_edit", labels=field_labels())
    if st.session_state.get("prog_edit__conflict") and st.button(
        _("Discard my changes and load the latest values"), key="prog_edit_reload"
    ):
        reload_form("prog_edit")
        st.rerun()
