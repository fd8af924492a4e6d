"""Programs page, promo code sales: move stored sales from one shop to another (`influencers.promo_shops`).

Shown under the per-shop table to who may edit the program, when a shop holds sales: the shop they are stored
under (`Other` first, where sales imported before shops were kept apart are), optionally one imported file, and
the shop they are from. What would move is worked out by a dry run of the same call before the button is
pressed, so a refusal (the target shop already holds those days) is said before anything is written.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from db.engine import session_scope
from influencers import promo_shops
from influencers.promo_sales import SHOPS
from pages.components.i18n import _
from pages.components.import_preview import dry_run
from pages.components.influencer_forms import form_feedback, run_action
from pages.components.money import number
from pages.components.terms import SHOP_LABELS, term

FORM = "prog_promo_move"
ALL_FILES = ""  # the file select's "every file" choice


def move_shop_section(actor: Any, program_id: int, shops: pd.DataFrame) -> None:
    """The move, for the shops of `shops` (`promo_sales.sales_by_shop`'s frame)."""
    held = [code for code in SHOPS if code in set(shops["shop"])]
    if not held:
        return
    # the labels worked out in this run (a select's format_func is also called outside it, e.g. by AppTest)
    labels = {code: term(SHOP_LABELS, code) for code in SHOPS}
    every_file = _("Every file")
    if message := st.session_state.pop(f"{FORM}_done", None):
        st.success(message)
    with st.expander(_("Move stored sales to another shop"), key=f"{FORM}_open"):
        st.caption(
            _(
                "Sales imported before shops were kept apart are under Other shop when the file's name named no shop. "
                "Move them to the shop they are from, so that shop's next import replaces them instead of adding "
                "up with them."
            )
        )
        source = st.selectbox(
            _("Sales stored under"),
            held,
            index=held.index("other") if "other" in held else 0,
            key=f"{FORM}_from",
            format_func=labels.__getitem__,
        )
        with session_scope() as session:
            files = promo_shops.shop_files(session, program_id, source)
        file = st.selectbox(
            _("Imported from"),
            [ALL_FILES, *files],
            key=f"{FORM}_file_{source}",
            format_func=lambda name: name or every_file,
        )
        target = st.selectbox(
            _("Shop they are from"),
            [code for code in SHOPS if code != source],
            index=None,
            key=f"{FORM}_to_{source}",
            format_func=labels.__getitem__,
            placeholder=_("Choose the shop"),
        )
        if target is None:
            return

        def move(session, *, only_preview: bool = False) -> promo_shops.ShopMove:
            return promo_shops.move_shop(
                session, actor, program_id, source, target, source_file=file or None, dry_run=only_preview
            )

        preview = dry_run(lambda session: move(session, only_preview=True))
        if preview is None:
            return
        st.info(
            _(
                "{sales} sale row(s) of {creators} creator(s), {orders} order(s), move from {source} to {target}.",
                sales=number(preview.moved),
                creators=number(preview.creators),
                orders=number(preview.orders),
                source=labels[source],
                target=labels[target],
            )
        )
        done: dict[str, promo_shops.ShopMove] = {}

        def go(session) -> None:
            done["r"] = move(session)

        pressed = st.button(
            _("Move {count} sale row(s)", count=number(preview.moved)), key=f"{FORM}_go", type="primary"
        )
        if pressed and run_action(FORM, go):
            # said after the rerun, which draws the tables above with the sales in their new shop
            st.session_state[f"{FORM}_done"] = _(
                "Moved {sales} sale row(s) to {target}.", sales=done["r"].moved, target=labels[target]
            )
            st.rerun()
        form_feedback(FORM)
