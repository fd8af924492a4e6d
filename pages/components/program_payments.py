"""The Programs page's Payments tab: the payments list with each payment's refunds under it, approval (managers),
marking paid and recording a refund on a paid payment (finance), and adding a payment for a creator at Contracted
or later (the amount read in the creator's currency as typed in the user's locale, dates in 2000..2100)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pandas as pd
import streamlit as st

from db.roles import Actor
from finance import refunds
from influencers import payments
from influencers.models import CONTRACTED_STAGES
from pages.components.data import day_values
from pages.components.i18n import N_, _
from pages.components.influencer_forms import form_feedback, refuse, run_action
from pages.components.inputs import date_field
from pages.components.money import money
from pages.components.program_inputs import amount_field, for_people, not_understood, read_amount, shown_as
from pages.components.table_dates import dated_table
from pages.components.terms import PAYMENT_METHOD_LABELS, PAYMENT_STATUS_LABELS, STAGE_LABELS, column_labels, term

METHOD_LABELS = PAYMENT_METHOD_LABELS  # one map, in terms.py
# The domain's refusals on this tab, listed so they are extracted and translated.
MESSAGES = (
    N_("A payment needs a collaboration at Contracted or later; {influencer} is at {stage}."),
    N_("Payment #{id} is {status} and cannot become {target}. A manager must approve it first."),
    N_("Payment #{id} is {status} and cannot become {target}. A paid payment stays paid; record a refund separately."),
    N_("Payment #{id} is {status} and cannot become {target}."),
    N_("Payment #{id} does not exist."),
    N_("the amount is required"),
    N_("the amount must be more than zero"),
    N_("give the date the money left the account"),
    N_("the paid date is in the future"),
    N_("at most {limit} characters"),
    payments.REFUND_NOT_PAID,
    payments.REFUND_OVER,
    payments.REFUND_BEFORE,
    payments.REFUND_FUTURE,
    payments.REFUND_NO_DATE,
    payments.REFUND_NO_REASON,
    payments.REFUND_CLOSED,
)
REFUND_ROW = N_("refund")  # the status word of a refund's own row under its payment (the export's `refund`)
REFUND_KEYS = ("prog_refund_amount", "prog_refund_date", "prog_refund_reason", "prog_refund_reference")
NEW_KEYS = ("prog_pay_new_amount", "prog_pay_new_due", "prog_pay_new_invoice", "prog_pay_new_over_fee")


PAYMENT_DATES = ("due_date", "paid_date")


def payment_table(pays: pd.DataFrame) -> pd.DataFrame:
    """Payments as people read them: amounts with their currency, status and method in words, what was refunded
    and the net paid on a paid payment, and each refund as its own row right under its payment (a negative amount,
    status "refund", its date in the paid date column, its reason)."""
    plain = pays.drop(columns=["version_id", "program", "refunds"], errors="ignore")
    shown = for_people(plain, dates=PAYMENT_DATES)
    shown["amount"] = [money(a, c) for a, c in zip(pays["amount"], pays["currency"], strict=True)]
    shown["status"] = [term(PAYMENT_STATUS_LABELS, s) for s in pays["status"]]
    shown["method"] = [term(METHOD_LABELS, m) if m else "" for m in pays["method"]]
    if "refunds" not in pays.columns:
        return shown
    refunded = [Decimal(r) for r in pays["refunded"]]
    shown["refunded"] = [money(r, c) if r else "" for r, c in zip(refunded, pays["currency"], strict=True)]
    shown["net_paid"] = [
        money(n, c) if s == "paid" else ""
        for n, c, s in zip(pays["net_paid"], pays["currency"], pays["status"], strict=True)
    ]
    shown["reason"] = ""
    rows: list[dict[str, object]] = []
    for (_i, payment), its_refunds in zip(shown.iterrows(), pays["refunds"], strict=True):
        rows.append(payment.to_dict())
        for r in its_refunds:
            rows.append(
                {
                    **dict.fromkeys(shown.columns, ""),
                    "due_date": None,
                    "id": payment["id"],
                    "collaboration_id": payment["collaboration_id"],
                    "influencer": payment["influencer"],
                    "amount": money(-Decimal(r["amount"]), payment["currency"]),
                    "currency": payment["currency"],
                    "status": _(REFUND_ROW),
                    "overdue": "",
                    "paid_date": r["refund_date"],
                    "paid_by": r["recorded_by"] or "",
                    "reference": r["reference"] or "",
                    "reason": r["reason"],
                }
            )
    table = pd.DataFrame(rows, columns=list(shown.columns)).astype(object)
    for name in PAYMENT_DATES:  # real dates again (sortable), a refund's own date in the paid date column
        table[name] = day_values(table[name])
    return table


def _add(actor: Actor, creators: Mapping[int, tuple[str, str]]) -> None:
    cid = st.session_state.get("prog_pay_new_collab")
    if cid is None:
        return
    name, currency = creators[int(cid)]
    amount, ok = read_amount("prog_pay_new_amount", currency, allow_negative=True)  # the service says why not
    if unread := not_understood({"amount": ok}):
        refuse("prog_pay_new", unread)
        return
    shown = money(amount, currency) if amount is not None else ""
    if run_action(
        "prog_pay_new",
        payments.add_payment,
        actor,
        int(cid),
        amount,
        None,
        st.session_state.get("prog_pay_new_due"),
        st.session_state.get("prog_pay_new_invoice"),
        over_fee=bool(st.session_state.get("prog_pay_new_over_fee")),
        success=_("Payment added (pending approval). {amount} for {influencer}.", amount=shown, influencer=name),
    ):
        for key in NEW_KEYS:
            st.session_state.pop(key, None)


def _add_form(actor: Actor, board: pd.DataFrame) -> None:
    payable = board[board["stage"].isin(CONTRACTED_STAGES)]
    waiting = board[~board["stage"].isin(CONTRACTED_STAGES)]
    if payable.empty:
        st.info(_("Payments can be added once a creator is at Contracted or later on the Pipeline tab."))
        form_feedback("prog_pay_new")
        return
    creators = {int(r.id): (str(r.influencer), str(r.currency)) for r in payable.itertuples()}
    with st.form("prog_pay_new_form"):
        st.write(_("Add a payment"))
        a, b, c = st.columns(3)
        cid = a.selectbox(
            _("Creator"),
            list(creators),
            key="prog_pay_new_collab",
            format_func=lambda i: f"{creators[i][0]} ({creators[i][1]})",
        )
        currency = creators[int(cid)][1] if cid is not None else "IDR"
        amount_field(
            _("Amount ({currency})", currency=currency),
            currency,
            key="prog_pay_new_amount",
            container=b,
            check=payments.amount_problem,
        )
        date_field(_("Due date"), key="prog_pay_new_due", container=c)
        a.text_input(_("Invoice number"), key="prog_pay_new_invoice")
        c.checkbox(
            _("More than the agreed fee"),
            key="prog_pay_new_over_fee",
            help=_("A bonus or costs: lets this payment bring the creator's payments above the agreed fee."),
        )
        st.form_submit_button(_("Add payment"), key="prog_pay_new_submit", on_click=_add, args=(actor, creators))
    if not waiting.empty:
        st.caption(
            _(
                "Not payable yet (before Contracted): {names}.",
                names=", ".join(f"{r.influencer} ({term(STAGE_LABELS, r.stage)})" for r in waiting.itertuples()),
            )
        )
    form_feedback("prog_pay_new")


def _mark_paid(actor: Actor, payment_id: int, version: int) -> None:
    run_action(
        "prog_pay",
        payments.mark_paid,
        actor,
        payment_id,
        paid_date=st.session_state.get("prog_paid_date"),
        invoice_number=st.session_state.get("prog_paid_invoice"),
        method=st.session_state.get("prog_paid_method"),
        reference=st.session_state.get("prog_paid_reference"),
        version_id=version,
        success=_("Payment marked paid."),
    )


def _record_refund(actor: Actor, payment_id: int, currency: str) -> None:
    amount, ok = read_amount("prog_refund_amount", currency, allow_negative=True)  # the service says why not
    if unread := not_understood({"amount": ok}):
        refuse("prog_refund", unread)
        return
    shown = money(amount, currency) if amount is not None else ""
    if run_action(
        "prog_refund",
        refunds.record_refund,
        actor,
        payment_id,
        amount,
        st.session_state.get("prog_refund_date"),
        st.session_state.get("prog_refund_reason"),
        st.session_state.get("prog_refund_reference"),
        success=_("Refund recorded: {amount} back on payment #{id}.", amount=shown, id=payment_id),
    ):
        for key in REFUND_KEYS:
            st.session_state.pop(key, None)
        st.session_state.pop("prog_refund__for", None)


def refund_labels() -> dict[str, str]:
    """The refund form's fields as people read them (refusals name them)."""
    return {
        "amount": _("Refund amount"),
        "refund_date": _("Refund date"),
        "reason": _("Reason"),
        "reference": _("Reference"),
    }


def _refund_form(actor: Actor, pays: pd.DataFrame, today: dt.date) -> None:
    """The "Record a refund" form, on paid payments with something left to refund (whoever may mark payments
    paid); what is left to refund is the payment's net paid (`payments.net_of`, as the list read it)."""
    if not actor.can("payment.mark_paid"):
        return
    paid = pays[pays["status"] == "paid"]
    left = {int(r.id): Decimal(r.net_paid) for r in paid.itertuples()}
    refundable = paid[[left[int(i)] > 0 for i in paid["id"]]]
    if refundable.empty:
        return
    labels = {
        int(r.id): _("#{id} {influencer} {amount}, {left} left to refund").format(
            id=r.id,
            influencer=r.influencer,
            amount=money(r.amount, r.currency),
            left=money(left[int(r.id)], r.currency),
        )
        for r in refundable.itertuples()
    }
    currencies = {int(r.id): str(r.currency) for r in refundable.itertuples()}
    with st.expander(_("Record a refund"), expanded=bool(st.session_state.get("prog_refund__errors"))):
        st.caption(
            _(
                "Money a creator paid back on a paid payment (a cancelled job, a payment made twice). The payment "
                "stays as it was paid; the refund counts on its own date."
            )
        )
        pick = st.selectbox(
            _("Paid payment"), list(labels), key="prog_refund_pick", format_func=lambda i: labels[int(i)]
        )
        if pick is None:
            return
        currency = currencies[int(pick)]
        if st.session_state.get("prog_refund__for") != int(pick):
            st.session_state["prog_refund__for"] = int(pick)
            st.session_state["prog_refund_date"] = today
        with st.form("prog_refund_form"):
            a, b = st.columns(2)
            amount_field(
                _("Refund amount ({currency})", currency=currency),
                currency,
                key="prog_refund_amount",
                container=a,
                check=payments.amount_problem,
            )
            date_field(_("Refund date"), key="prog_refund_date", container=b)
            a.text_input(_("Reason"), key="prog_refund_reason")
            b.text_input(_("Reference"), key="prog_refund_reference")
            st.form_submit_button(
                _("Record refund"),
                key="prog_refund_submit",
                on_click=_record_refund,
                args=(actor, int(pick), currency),
            )
    form_feedback("prog_refund", labels=refund_labels())


def _actions(actor: Actor, pays: pd.DataFrame, today: dt.date) -> None:
    open_pays = pays[pays["status"].isin(["pending", "approved"])]
    if open_pays.empty:
        return
    labels = {
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
    pick = st.selectbox(_("Payment"), list(labels), key="prog_pay_pick", format_func=lambda i: labels[i])
    row = open_pays[open_pays["id"] == pick].iloc[0]
    version = int(row.version_id)
    if actor.can("payment.approve") and row.status == "pending":
        st.button(
            _("Approve payment"),
            key="prog_pay_approve",
            on_click=run_action,
            args=("prog_pay", payments.approve_payment, actor, int(pick), version),
            kwargs={"success": _("Payment approved.")},
        )
    if actor.can("payment.mark_paid") and row.status == "approved":
        if st.session_state.get("prog_paid__for") != int(pick):
            st.session_state["prog_paid__for"] = int(pick)
            st.session_state["prog_paid_date"] = today
            st.session_state["prog_paid_invoice"] = row.invoice_number or ""
        with st.form("prog_paid_form"):
            a, b = st.columns(2)
            date_field(_("Paid date"), key="prog_paid_date", container=a)
            b.text_input(_("Invoice number"), key="prog_paid_invoice")
            a.selectbox(
                _("Method"),
                list(METHOD_LABELS),
                key="prog_paid_method",
                format_func=shown_as(METHOD_LABELS, lambda m: term(METHOD_LABELS, m)),
            )
            b.text_input(_("Reference"), key="prog_paid_reference")
            st.form_submit_button(
                _("Mark paid"),
                key="prog_paid_submit",
                type="primary",
                on_click=_mark_paid,
                args=(actor, int(pick), version),
            )
    elif row.status == "pending" and not actor.can("payment.approve"):
        st.caption(_("A manager approves this payment before finance can pay it."))


def payments_tab(actor: Actor, board: pd.DataFrame, pays: pd.DataFrame, today: dt.date) -> None:
    """The Payments tab."""
    if pays.empty:
        st.info(_("No payments yet. Add one for a contracted creator below."))
    else:
        shown = payment_table(pays)
        dated_table(shown, column_labels(shown.columns), width="stretch", key="prog_pay_table")
        _actions(actor, pays, today)
        form_feedback("prog_pay")
        _refund_form(actor, pays, today)
    if actor.can("program.edit") and not board.empty:
        _add_form(actor, board)
