"""The Programs page's Collaborations tab: every creator's terms, follower counts at contract and stage history, and
the terms form (fees and product value read as typed in the user's locale, a warning while a contract has no fee,
what the team's programs paid creators of the same tier for the same deliverables (`fee_benchmarks`), conflicts
with what changed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from db import audit
from db.engine import session_scope
from db.roles import Actor
from influencers import programs, queries, reach
from influencers.models import CONTRACTED_STAGES, FEE_TYPES
from pages.components.data import CACHE_TTL, db_key
from pages.components.fee_benchmarks import fee_hint
from pages.components.i18n import _, current_language
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
from pages.components.money import money, number
from pages.components.program_inputs import (
    amount_field,
    currency_of,
    field_labels,
    for_people,
    not_understood,
    percent_text,
    rate_field,
    read_amount,
    read_rate,
    shown_as,
)
from pages.components.table_dates import dated_table
from pages.components.terms import FEE_TYPE_LABELS, STAGE_LABELS, column_labels, platform_label, term

FORM = "prog_terms"
TEXT_KEYS = ("fee_type", "currency", "contract_date", "start_date", "end_date", "promo_code", "tracking_url", "notes")


def _money_or_blank(amount: Any, currency: str) -> str:
    return "" if amount is None or pd.isna(amount) else money(amount, currency)


def collaboration_table(board: pd.DataFrame) -> pd.DataFrame:
    """The board's rows as people read them: stage and fee type in words, amounts with their currency."""
    shown = for_people(
        board.drop(columns=["influencer_id", "version_id", "notes"]),
        dates=("contract_date", "start_date", "end_date"),
        times=("stage_changed_at",),
    )
    shown["stage"] = [term(STAGE_LABELS, s) for s in board["stage"]]
    shown["fee_type"] = [term(FEE_TYPE_LABELS, f) for f in board["fee_type"]]
    for name in ("fee", "product_value"):
        shown[name] = [_money_or_blank(a, c) for a, c in zip(board[name], board["currency"], strict=True)]
    shown["commission_rate"] = [percent_text(r) for r in board["commission_rate"]]
    return shown


def _form_values(row, currency: str) -> dict[str, Any]:
    def amount(v: Any) -> str:
        return "" if v is None or pd.isna(v) else money(v, currency)

    return {
        "fee_type": row.fee_type,
        "fee": amount(row.fee),
        "commission_rate": ""
        if row.commission_rate is None or pd.isna(row.commission_rate)
        else (f"{Decimal(row.commission_rate).normalize():f}"),
        "product_value": amount(row.product_value),
        "currency": row.currency,
        "contract_date": row.contract_date,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "promo_code": row.promo_code or "",
        "tracking_url": row.tracking_url or "",
        "notes": row.notes or "",
    }


def _save_terms(actor: Actor, collaboration_id: int, fallback_currency: str) -> None:
    terms = {k: value(FORM, k) for k in TEXT_KEYS}
    currency = currency_of(f"{FORM}_currency", fallback_currency)
    fee, fee_ok = read_amount(f"{FORM}_fee", currency)
    product, product_ok = read_amount(f"{FORM}_product_value", currency)
    rate, rate_ok = read_rate(f"{FORM}_commission_rate")
    if unread := not_understood({"fee": fee_ok, "product_value": product_ok, "commission_rate": rate_ok}):
        refuse(FORM, unread)
        return
    terms.update(fee=fee, product_value=product, commission_rate=rate)
    saved = _("Terms saved.")
    if fee is not None:
        saved += " " + _("Fee: {amount}.", amount=money(fee, currency))
    if run_action(
        FORM,
        programs.update_collaboration,
        actor,
        collaboration_id,
        terms,
        st.session_state.get(f"{FORM}__version"),
        success=saved,
    ):
        reload_form(FORM)


def terms_form(actor: Actor, row, deliverables: list[tuple[str, str, Decimal | None]]) -> None:
    """Edit one collaboration's terms (`program.edit`); `deliverables`: its (platform, type, own fee)."""
    deliverable_fees = [own for _platform, _type, own in deliverables]
    chosen = int(row.id)
    # Loaded for another collaboration or language (amounts are written the language's way), never because
    # someone else saved: what the user typed stays, and saving it on the old version is a conflict.
    loaded = st.session_state.get(f"{FORM}__loaded") or (None, None, None)
    if (loaded[0], loaded[2]) != (chosen, current_language()):
        with session_scope() as session:
            base = audit.snapshot(programs.get_collaboration(session, chosen))
        load_form(FORM, (chosen, int(row.version_id), current_language()), _form_values(row, row.currency), base=base)
        st.session_state[f"{FORM}__version"] = int(row.version_id)
    labels = field_labels()
    with st.container(border=True, key="prog_terms_form"):
        a, b, c = st.columns(3)
        fee_type = a.selectbox(
            _("Fee type"),
            FEE_TYPES,
            key=f"{FORM}_fee_type",
            format_func=shown_as(FEE_TYPES, lambda f: term(FEE_TYPE_LABELS, f)),
        )
        c.text_input(_("Currency"), key=f"{FORM}_currency")
        currency = currency_of(f"{FORM}_currency", row.currency)
        fee, _ok = amount_field(_("Fee ({currency})", currency=currency), currency, key=f"{FORM}_fee", container=b)
        rate, _ok = rate_field(_("Commission %"), key=f"{FORM}_commission_rate", container=a)
        amount_field(
            _("Product value ({currency})", currency=currency),
            currency,
            key=f"{FORM}_product_value",
            container=b,
        )
        date_field(_("Contract date"), key=f"{FORM}_contract_date", container=c)
        date_field(_("Flight start"), key=f"{FORM}_start_date", container=a)
        date_field(_("Flight end"), key=f"{FORM}_end_date", container=b)
        c.text_input(_("Promo code"), key=f"{FORM}_promo_code")
        st.text_input(_("Tracking link"), key=f"{FORM}_tracking_url")
        st.text_area(_("Notes"), key=f"{FORM}_notes")
        field_error(
            FORM,
            "fee_type",
            "fee",
            "commission_rate",
            "product_value",
            "currency",
            "contract_date",
            "start_date",
            "end_date",
            "promo_code",
            "tracking_url",
            "notes",
            labels=labels,
        )
        if programs.fee_missing(row.stage, fee_type, fee, rate, deliverable_fees):
            st.warning(
                _(
                    "{influencer} is at {stage} but no fee is agreed: enter the fee, or choose product only.",
                    influencer=row.influencer,
                    stage=term(STAGE_LABELS, row.stage),
                ),
                icon=":material/warning:",
            )
        fee_hint(row.influencer, int(row.influencer_id), fee_type, fee, currency, deliverables, chosen)
        st.button(
            _("Save terms"),
            on_click=_save_terms,
            args=(actor, chosen, row.currency),
            type="primary",
            key=f"{FORM}_submit",
        )
    form_feedback(FORM, labels=field_labels())
    if st.session_state.get(f"{FORM}__conflict") and st.button(
        _("Discard my changes and load the latest values"), key=f"{FORM}_reload"
    ):
        reload_form(FORM)
        st.rerun()


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=256)
def _contract_reach(key: str, collaboration_id: int) -> dict[str, int]:
    with session_scope() as session:
        return dict(reach.contract_reach(session, [collaboration_id]).get(collaboration_id, {}))


def reach_line(counts: dict[str, int]) -> str:
    """'Followers at contract: 45.000 (Instagram), 12.000 (TikTok)' in the user's language."""
    shown = ", ".join(f"{number(n)} ({platform_label(p)})" for p, n in sorted(counts.items()))
    return _("Followers at contract: {counts}", counts=shown)


def contract_reach_caption(row) -> None:
    """The follower counts the collaboration was contracted on (`influencers.reach`), or, for one contracted
    before they were recorded, that its benchmarks use today's counts."""
    counts = _contract_reach(db_key(), int(row.id))
    if counts:
        st.caption(reach_line(counts))
    elif row.stage in CONTRACTED_STAGES:
        st.caption(_("No follower count was recorded at contract; fee benchmarks use today's count."))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=256)
def _stage_history(key: str, collaboration_id: int):
    with session_scope() as session:
        return queries.stage_history(session, collaboration_id)


def collaborations(actor: Actor, board: pd.DataFrame, items: pd.DataFrame) -> None:
    """The Collaborations tab."""
    if board.empty:
        st.info(_("No collaborations yet: add creators on the Pipeline tab."))
        return
    shown = collaboration_table(board)
    dated_table(
        shown,
        column_labels(shown.columns, tracking_url=st.column_config.LinkColumn(_("Tracking link"))),
        width="stretch",
        key="prog_collab_table",
    )
    picks = {int(r.id): f"{r.influencer} ({term(STAGE_LABELS, r.stage)})" for r in board.itertuples()}
    chosen = st.selectbox(_("Collaboration"), list(picks), key="prog_collab_pick", format_func=lambda i: picks[i])
    row = next(r for r in board.itertuples() if int(r.id) == chosen)
    contract_reach_caption(row)
    history = _stage_history(db_key(), int(chosen))
    history = for_people(
        history.assign(
            from_stage=[term(STAGE_LABELS, s) if s else "" for s in history["from_stage"]],
            to_stage=[term(STAGE_LABELS, s) for s in history["to_stage"]],
        ),
        times=("at",),
    )
    st.caption(_("Stage history"))
    dated_table(history, column_labels(history.columns), key="prog_collab_history")
    if actor.can("program.edit"):
        own = items.loc[items["collaboration_id"] == chosen] if not items.empty else items
        terms_form(
            actor,
            row,
            [(d.platform, d.type, None if d.fee is None or pd.isna(d.fee) else d.fee) for d in own.itertuples()],
        )
