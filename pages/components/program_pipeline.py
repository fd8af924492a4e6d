"""The Programs page's pipeline board: a column per stage that scrolls sideways when eight do not fit, cards that
move in one action (the next stage's button, or "Move to" any allowed stage), several cards moved at once, the
question before Completed with deliverables not published, a warning on contracts without a fee, and the conflict
message when someone else moved a card first."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from db.engine import session_scope
from db.errors import ConflictError, DomainError
from db.roles import Actor, PermissionDenied
from influencers import programs, queries
from pages.components.data import CACHE_TTL, clear_caches, db_key
from pages.components.i18n import N_, _
from pages.components.influencer_forms import FLASH, form_feedback, run_action
from pages.components.inputs import error_text, message_text
from pages.components.money import money
from pages.components.program_inputs import percent_text, plain, shown_as
from pages.components.terms import FEE_TYPE_LABELS, STAGE_LABELS, term

BOARD = (*programs.PIPELINE, "declined")
# The stage columns (13.5rem each, BOARD_CSS) that fit beside the sidebar at 1280 px. The server cannot measure the
# browser's width, so a board with more stages than this says above it that it scrolls sideways.
COLUMNS_IN_VIEW = 4
STATE = "prog_move"  # session keys: prog_move__error, __refused, __conflict, __confirm
# The domain's refusals shown on the board, listed here so they are extracted and translated.
MESSAGES = (
    N_("{influencer} {reason}."),
    N_("Nothing was moved: {count} of the selected collaborations cannot move to {stage}."),
    N_(
        "{count} collaborations have deliverables not published yet ({not_published} in all); "
        "confirm to move them to Completed anyway."
    ),
    N_("{influencer} has no deliverables recorded; confirm to move it to Completed anyway."),
    N_("{influencer} has {count} of {total} deliverables not published yet; confirm to move it to Completed anyway."),
    N_("changed by someone else since the board was loaded (it is now at {stage})"),
    N_("is already at {stage}"),
    N_("cannot move from {stage} to {target}; it can move to {choices}"),
    N_("no longer exists"),
    N_("{stage} is not a stage."),
    N_("Select at least one collaboration to move."),
    N_("Collaboration #{id} does not exist."),
)
# Stages on the board keep whole words: no label or button text is ever broken inside a word. The columns keep a
# width where every stage name and button fits, and the board scrolls sideways instead of squeezing them.
BOARD_CSS = """
<style>
.st-key-prog_board [data-testid="stHorizontalBlock"] {
  flex-wrap: nowrap;
  overflow-x: auto;
  padding-bottom: 0.75rem;
}
.st-key-prog_board [data-testid="stColumn"] {
  flex: 0 0 13.5rem;
  min-width: 13.5rem;
  width: 13.5rem;
}
.st-key-prog_board [class*="st-key-prog_stage_"] p,
.st-key-prog_board [data-testid="stCaptionContainer"],
.st-key-prog_board button,
.st-key-prog_board button p,
.st-key-prog_board label p,
.st-key-prog_bulk button p,
.st-key-prog_bulk label p {
  word-break: normal;
  overflow-wrap: normal;
  hyphens: manual;
}
.st-key-prog_board [class*="st-key-prog_pick_"] p {
  overflow-wrap: anywhere;  /* a creator's name may be one long word */
}
</style>
"""


def stage_text(stage: str) -> str:
    """A stage's label in the user's language (pages.components.terms.STAGE_LABELS)."""
    return term(STAGE_LABELS, stage)


def _clear() -> None:
    for suffix in ("__error", "__refused", "__conflict", "__confirm"):
        st.session_state.pop(f"{STATE}{suffix}", None)


def move(
    actor: Actor,
    versions: Mapping[int, int],
    to_stage: str,
    names: Mapping[int, str],
    confirm_undelivered: bool = False,
) -> bool:
    """Move the cards (collaboration id -> the version the board showed) to `to_stage` in one unit of work and
    remember what to tell the user: done, refused (which and why), a conflict, or the Completed question."""
    _clear()
    try:
        with session_scope() as session:
            programs.move_stages(session, actor, versions, to_stage, confirm_undelivered=confirm_undelivered)
    except programs.UndeliveredDeliverables as exc:
        st.session_state[f"{STATE}__confirm"] = {
            "versions": dict(versions),
            "to": to_stage,
            "names": dict(names),
            "reasons": [message_text(r.reason) for r in exc.refusals],
        }
        return False
    except programs.BulkMoveRefused as exc:
        st.session_state[f"{STATE}__refused"] = (
            error_text(exc),
            [(r.influencer, message_text(r.reason)) for r in exc.refusals],
        )
        return False
    except ConflictError as exc:
        latest = exc.latest
        st.session_state[f"{STATE}__conflict"] = _(
            "Someone else changed {influencer}'s card since the board was loaded: it is now at {stage} "
            "(moved by {who}). Nothing was moved; the board shows the latest stages.",
            influencer=names.get(int(exc.entity_id), f"#{exc.entity_id}"),
            stage=stage_text(str(latest.get("stage"))) if latest else "—",
            who=(latest.get("stage_changed_by") if latest else None) or "—",
        )
        return False
    except (DomainError, PermissionDenied) as exc:
        st.session_state[f"{STATE}__error"] = error_text(exc)
        return False
    clear_caches()
    for cid in versions:
        st.session_state[f"prog_pick_{cid}"] = False
    if len(versions) == 1:
        st.session_state[FLASH] = _("Moved to {stage}.", stage=stage_text(to_stage))
    else:
        st.session_state[FLASH] = _(
            "Moved {count} creators to {stage}.", count=len(versions), stage=stage_text(to_stage)
        )
    return True


def _move_to(actor: Actor, cid: int, version: int, names: Mapping[int, str]) -> None:
    key = f"prog_moveto_{cid}"
    target = st.session_state.get(key)
    st.session_state[key] = None
    if target:
        move(actor, {cid: version}, target, names)


def _move_selected(actor: Actor, versions: Mapping[int, int], names: Mapping[int, str]) -> None:
    target = st.session_state.get("prog_bulk_stage")
    if target:
        move(actor, versions, target, names)


def _unselect(ids: list[int]) -> None:
    for cid in ids:
        st.session_state[f"prog_pick_{cid}"] = False


def _feedback(actor: Actor) -> None:
    if message := st.session_state.get(f"{STATE}__error"):
        st.error(message, icon=":material/error:")
    if message := st.session_state.get(f"{STATE}__conflict"):
        st.error(message, icon=":material/sync_problem:")
    if refused := st.session_state.get(f"{STATE}__refused"):
        message, rows = refused
        st.error(message, icon=":material/block:")
        st.markdown("\n".join(f"- **{plain(name)}** {plain(reason)}" for name, reason in rows))
    if pending := st.session_state.get(f"{STATE}__confirm"):
        with st.container(border=True, key="prog_confirm"):
            st.warning(
                _("Some deliverables are not published yet. Move to {stage} anyway?", stage=stage_text(pending["to"])),
                icon=":material/help:",
            )
            st.markdown("\n".join(f"- {plain(reason)}" for reason in pending["reasons"]))
            a, b = st.columns(2)
            a.button(
                _("Move to {stage} anyway", stage=stage_text(pending["to"])),
                key="prog_move_confirm",
                type="primary",
                on_click=move,
                args=(actor, pending["versions"], pending["to"], pending["names"], True),
            )
            b.button(_("Cancel"), key="prog_move_cancel", on_click=_clear)


def _fee_text(card) -> str:
    if card.fee_type == "commission" and card.commission_rate is not None and not pd.isna(card.commission_rate):
        rate = percent_text(card.commission_rate)
        if card.fee is not None and not pd.isna(card.fee) and card.fee > 0:
            return _("{fee} + {rate} commission", fee=money(card.fee, card.currency), rate=rate)
        return _("{rate} commission", rate=rate)
    if card.fee_type == "product_only":
        shown = (
            ""
            if card.product_value is None or pd.isna(card.product_value)
            else money(card.product_value, card.currency)
        )
        return f"{term(FEE_TYPE_LABELS, 'product_only')} {shown}".strip()
    if card.fee is not None and not pd.isna(card.fee) and card.fee > 0:
        return money(card.fee, card.currency)
    return ""


def _card(actor: Actor, card, without_fee: set[int], names: Mapping[int, str]) -> None:
    cid, stage, version = int(card.id), card.stage, int(card.version_id)
    with st.container(border=True, key=f"prog_card_{cid}"):
        if actor.can("program.edit"):
            st.checkbox(plain(card.influencer), key=f"prog_pick_{cid}")
        else:
            st.markdown(f"**{plain(card.influencer)}**")
        if text := _fee_text(card):
            st.caption(plain(text))
        if cid in without_fee:
            st.markdown(":orange[:material/warning: " + plain(_("No fee agreed yet")) + "]")
        if not actor.can("program.edit"):
            return
        moves = programs.allowed_moves(stage)
        step = moves[0] if stage != "completed" else None  # the next stage (declined: reopen as prospect)
        if step is not None:
            arrow = "↺ " if stage == "declined" else "→ "
            st.button(
                arrow + stage_text(step),
                key=f"prog_move_{cid}_{step}",
                on_click=move,
                args=(actor, {cid: version}, step, names),
                width="stretch",
            )
        st.selectbox(
            _("Move {influencer} to", influencer=plain(card.influencer)),
            moves,
            index=None,
            placeholder=_("Move to…"),
            format_func=shown_as(moves, stage_text),
            key=f"prog_moveto_{cid}",
            label_visibility="collapsed",
            on_change=_move_to,
            args=(actor, cid, version, names),
        )


def _bulk_bar(actor: Actor, board: pd.DataFrame, names: Mapping[int, str]) -> None:
    picked = {int(r.id): int(r.version_id) for r in board.itertuples() if st.session_state.get(f"prog_pick_{r.id}")}
    with st.container(border=True, key="prog_bulk"):
        a, b, c, d = st.columns([2, 3, 2, 2], vertical_alignment="bottom")
        a.markdown(_("**{count} selected**", count=len(picked)) if picked else _("Tick cards to move several at once."))
        b.selectbox(
            _("Move selected to"),
            BOARD,
            format_func=shown_as(BOARD, stage_text),
            key="prog_bulk_stage",
            index=None,
            placeholder=_("Choose a stage"),
        )
        c.button(
            _("Move selected"),
            key="prog_bulk_go",
            type="primary",
            disabled=not picked or not st.session_state.get("prog_bulk_stage"),
            on_click=_move_selected,
            args=(actor, picked, names),
        )
        d.button(
            _("Clear selection"), key="prog_bulk_clear", disabled=not picked, on_click=_unselect, args=(list(picked),)
        )


def pipeline(actor: Actor, program_id: int, board: pd.DataFrame, without_fee: set[int]) -> None:
    """The Pipeline tab: the board, bulk moves and adding a creator as a prospect."""
    names = {int(r.id): str(r.influencer) for r in board.itertuples()}
    _feedback(actor)
    if board.empty:
        st.info(_("No creators in this program yet. Add one below."))
    else:
        if actor.can("program.edit"):
            _bulk_bar(actor, board, names)
        st.html(BOARD_CSS)
        if len(BOARD) > COLUMNS_IN_VIEW:
            st.caption(
                _(":material/swipe_right: Scroll the board sideways to see all {count} stages.", count=len(BOARD))
            )
        with st.container(key="prog_board"):
            columns = st.columns(len(BOARD), gap="small")
            for column, stage in zip(columns, BOARD, strict=True):
                cards = board[board["stage"] == stage]
                with column:
                    with st.container(key=f"prog_stage_{stage}"):
                        st.markdown(f"**{plain(stage_text(stage))}** ({len(cards)})")
                    for card in cards.itertuples():
                        _card(actor, card, without_fee, names)
        if without_fee:
            st.caption(
                _(
                    ":material/warning: {count} contracted collaborations have no fee: set it on the Collaborations "
                    "tab (or choose product only).",
                    count=len(without_fee),
                )
            )
    if actor.can("program.edit"):
        add_creator(actor, program_id, board)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=64)
def _creator_choices(key: str, search: str | None):
    with session_scope() as session:
        return queries.influencer_choices(session, search)


def add_creator(actor: Actor, program_id: int, board: pd.DataFrame) -> None:
    """Find a creator in the directory and add them to the program as a prospect."""
    st.subheader(_("Add a creator to this program"))
    search = st.text_input(_("Find a creator"), key="prog_add_search")
    choices = dict(_creator_choices(db_key(), search or None))
    in_program = set(board["influencer_id"]) if not board.empty else set()
    choices = {k: v for k, v in choices.items() if k not in in_program}
    pick = st.selectbox(
        _("Creator"),
        [None, *choices],
        key="prog_add_pick",
        format_func=shown_as([None, *choices], lambda i: _("Choose a creator") if i is None else choices[i]),
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
