"""The conversion-definition editor (Campaigns page): see and change which events count as conversions (each
platform its own),
per ad account (its default) or per campaign (an override), recomputing the stored figures at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from campaigns.conversion_definitions import DefinitionError, account_definitions, set_conversion_definition
from campaigns.conversions import conversion_events
from campaigns.platforms import PLATFORM_META
from db.engine import session_scope
from db.errors import ConflictError
from db.roles import Actor, PermissionDenied
from pages.components.data import CACHE_TTL, clear_caches, db_key
from pages.components.i18n import _, date_text
from pages.components.inputs import error_text
from pages.components.money import number
from pages.components.terms import ad_platform_label, label


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _definitions(db: str, account_id: int):
    with session_scope() as session:
        return account_definitions(session, account_id)


def _event_label(code: str) -> str:
    labels = {
        "purchase": _("Purchases"),
        "lead": _("Leads"),
        "app_install": _("App installs"),
        "complete_registration": _("Registrations completed"),
        "add_to_cart": _("Adds to cart"),
        "initiate_checkout": _("Checkouts initiated"),
        "subscribe": _("Subscriptions"),
        "contact": _("Contacts"),
        # TikTok
        "complete_payment": _("Complete payments"),
        "submit_form": _("Website forms submitted"),
        "instant_form": _("Instant forms submitted"),
        "optimization_event": _("Optimisation events"),
        # Google Ads and LinkedIn
        "conversions": _("Conversions"),
        "all_conversions": _("All conversions"),
        "leads": _("Leads"),
    }
    return labels.get(code, code)


def _events_text(events) -> str:
    return ", ".join(_event_label(e) for e in events) if events else _("nothing counts as a conversion")


def _from_file_note() -> str:
    """What the panel says of campaigns imported from an Ads Manager file (the recompute skips their file rows)."""
    return _(
        "Campaigns imported from an Ads Manager file count the file's Results column, as the import stored it, "
        "not these definitions: definitions apply to campaigns synced from the platform's API."
    )


def _origin_label(origin: str) -> str:
    return {
        "campaign": _("this campaign's override"),
        "account": _("the ad account's default"),
        "objective": _("the default for the campaign's objective"),
    }[origin]


def conversion_editor(actor: Actor, account_names: dict[int, str], preferred: list[int]) -> None:
    """See and change which Meta actions count as conversions, per ad account or per campaign."""
    flash = st.session_state.pop("conv_def_flash", None)
    if flash:
        st.success(flash)
    st.caption(
        _(
            "Conversions and conversion value are counted from the raw Meta actions stored on every daily row. "
            "A campaign's own definition wins over its ad account's default; without either, the campaign's "
            "objective decides (sales: purchases, leads: leads, app promotion: installs, others: none). "
            "Saving recomputes the stored figures at once, without a new sync."
        )
    )
    ids = list(account_names)
    first = next((a for a in preferred if a in account_names), ids[0])
    account_id = st.selectbox(
        _("Ad account"), ids, index=ids.index(first), format_func=account_names.get, key="conv_def_account"
    )
    state = _definitions(db_key(), int(account_id))
    events_known = conversion_events(state.platform)  # the events of this account's platform
    # Labels are looked up in dicts built in this run (format functions may be called again outside it).
    scopes = {"account": _("The whole ad account (default)"), "campaign": _("One campaign (override)")}
    scope = st.radio(
        _("Definition for"),
        list(scopes),
        format_func=scopes.get,
        horizontal=True,
        key="conv_def_scope",
    )
    campaign = None
    if scope == "campaign":
        if not state.campaigns:
            st.info(
                _(
                    "This ad account has no campaigns yet. Sync it or import an Ads Manager file on the Sync page; "
                    "an account default set here applies to its campaigns as they arrive."
                )
            )
            return
        by_id = {c.campaign_id: c for c in state.campaigns}
        campaign_id = st.selectbox(
            _("Campaign"), list(by_id), format_func=lambda i: by_id[i].name, key="conv_def_campaign"
        )
        campaign = by_id[campaign_id]
        current = campaign.override
        if campaign.from_file:
            st.info(_from_file_note())
        st.markdown(
            _(
                "In force now: **{events}**, from {origin}.",
                events=_events_text(campaign.events),
                origin=_origin_label(campaign.origin),
            )
        )
        if campaign.updated_by:
            st.caption(
                _("Override set by {who} on {when}.", who=campaign.updated_by, when=date_text(campaign.updated_at))
            )
    else:
        current = state.events
        if current is None:
            st.markdown(
                _(
                    "No account default is set: each campaign counts the default for its objective, "
                    "unless it has its own."
                )
            )
        else:
            st.markdown(_("Account default: **{events}**.", events=_events_text(current)))
            if state.updated_by:
                st.caption(_("Set by {who} on {when}.", who=state.updated_by, when=date_text(state.updated_at)))
        if not state.campaigns:
            st.caption(
                _(
                    "This ad account has no campaigns yet: the default applies to its campaigns once they are "
                    "synced or imported."
                )
            )

    can_edit = actor.can("campaign.edit")
    target = f"{account_id}_{campaign.campaign_id if campaign else 'account'}"
    chosen = st.multiselect(
        _("Events that count as conversions"),
        list(events_known),
        # Pre-filled with what is in force (a campaign without an override shows what it inherits).
        default=list(current if current is not None else (campaign.events if campaign else ())),
        format_func={e: _event_label(e) for e in events_known}.get,
        placeholder=_("Choose options"),
        disabled=not can_edit,
        help=_(
            "Meta reports one event under several overlapping action types; each event is counted once, by the "
            "first of its types present (see the table below). The conversion value uses the same rule on the "
            "action values."
        ),
        key=f"conv_def_events_{target}",
    )
    if not can_edit:
        st.caption(_("Changing conversion definitions is not permitted for your role (admins and specialists can)."))
    else:
        b1, b2 = st.columns(2)
        save = b1.button(_("Save and recompute"), type="primary", key="conv_def_save")
        remove = False
        if current is not None:
            remove = b2.button(
                _("Remove this campaign's override") if campaign else _("Remove the account default"),
                key="conv_def_remove",
            )
        if save or remove:
            events = None if remove else chosen
            if save and not chosen:
                st.error(
                    _(
                        "Pick at least one event to count as a conversion. To go back to the default, remove the "
                        "definition instead."
                    )
                )
            elif save and current is not None and list(current) == list(dict.fromkeys(chosen)):
                st.info(_("Nothing to save: these events are already the definition."))
            else:
                _save_definition(actor, events, int(account_id), campaign, state.name)

    if state.platform == PLATFORM_META:
        st.markdown(_("**Meta action types behind each event** (the first type present is counted)"))
        raw_header = _("Meta action types, in order")
    else:
        st.markdown(
            _(
                "**{platform} report columns behind each event** (stored with every daily row)",
                platform=ad_platform_label(state.platform),
            )
        )
        raw_header = _("Report columns")
    st.dataframe(
        pd.DataFrame(
            {
                _("Event"): [_event_label(e) for e in events_known],
                raw_header: [", ".join(types) for types in events_known.values()],
            }
        ),
        hide_index=True,
        key="conv_def_reference",
    )
    if state.campaigns:
        st.markdown(_("**What each campaign of {account} counts**", account=state.name))
        if any(c.from_file for c in state.campaigns):
            st.caption(_from_file_note())
        st.dataframe(
            pd.DataFrame(
                {
                    _("Campaign"): [c.name for c in state.campaigns],
                    _("Objective"): [label("objective", c.objective) for c in state.campaigns],
                    _("Conversions counted"): [
                        _("the file's Results column") if c.from_file else _events_text(c.events)
                        for c in state.campaigns
                    ],
                    _("From"): [
                        _("the imported Ads Manager file") if c.from_file else _origin_label(c.origin)
                        for c in state.campaigns
                    ],
                }
            ),
            hide_index=True,
            key="conv_def_campaigns",
        )


def _save_definition(actor: Actor, events, account_id: int, campaign, account_name: str) -> None:
    target = campaign.name if campaign else account_name
    with st.status(_("Saving and recomputing the conversions of {target}...", target=target), expanded=True) as box:
        bar = st.progress(0.0, text=_("Recomputing stored daily rows"))

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=_("Recomputed {done} of {total} campaigns", done=done, total=total))

        try:
            with session_scope() as session:
                if campaign is not None:
                    changed = set_conversion_definition(
                        session, actor, events, campaign_id=campaign.campaign_id, progress=progress
                    )
                else:
                    changed = set_conversion_definition(
                        session, actor, events, account_id=account_id, progress=progress
                    )
        except (DefinitionError, PermissionDenied) as exc:
            box.update(label=_("Not saved"), state="error", expanded=True)
            st.error(_("Not saved: {reason}", reason=error_text(exc)))
            return
        except ConflictError:  # a concurrent save of the same definition (db.engine.session_scope)
            box.update(label=_("Not saved"), state="error", expanded=True)
            st.error(_("Someone else changed this definition at the same time. Reload the page and try again."))
            return
        box.update(label=_("Saved"), state="complete", expanded=False)
    clear_caches()
    if events is None:
        message = _(
            "Definition removed for {target}: {rows} daily rows recomputed.", target=target, rows=number(changed)
        )
    else:
        message = _(
            "Saved for {target}: {events} now count as conversions; {rows} daily rows recomputed.",
            target=target,
            events=_events_text(events),
            rows=number(changed),
        )
    st.session_state["conv_def_flash"] = message
    st.rerun()
