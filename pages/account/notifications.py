"""My alerts: which alerts a signed-in person receives, in which language, by email and/or their own webhook."""

from __future__ import annotations

import streamlit as st

from automation.delivery import smtp_settings
from automation.i18n import LANGUAGES
from automation.recipients import CATEGORY_LABELS, FORMAT_LABELS, FORMATS, preferences, save_preferences
from db.engine import session_scope
from db.errors import ConflictError, DomainError, FieldErrors
from db.roles import PermissionDenied
from db.users import find_user
from pages.components.auth import require_page
from pages.components.i18n import LANGUAGES as LANGUAGE_NAMES
from pages.components.i18n import _
from pages.components.inputs import error_text
from pages.components.webhook_words import webhook_refusal

actor = require_page("notifications")
st.title(_("My alerts"))
st.caption(
    _(
        "Pantau sends a digest when something needs you: budgets pacing off plan, overdue deliverables and "
        "payments, failed syncs, changes awaiting approval, a Meta token about to expire. Each condition is sent "
        "once within its window."
    )
)

flash = st.session_state.pop("alerts_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])

with session_scope() as session:
    user = find_user(session, actor.email)
    prefs = preferences(session, user) if user is not None else None

if prefs is None:
    st.info(
        _(
            "Alert preferences belong to people in the users table; in local mode there is no one to send to. "
            "Add people on the Settings page."
        )
    )
    st.stop()

try:
    email_ready = smtp_settings() is not None
except DomainError:
    email_ready = False
if not email_ready:
    st.warning(_("Email is not set up on this server yet (an admin sets PANTAU_SMTP_HOST); webhooks still work."))
if prefs.recipient_id is None:
    st.caption(_("You have not chosen yet: you receive every alert your role allows, by email, in your language."))

with st.form("alerts_prefs"):
    enabled = st.toggle(_("Send me alerts"), value=prefs.enabled, key="alerts_enabled")
    categories = st.multiselect(
        _("What I receive"),
        prefs.allowed,
        default=prefs.categories,
        format_func=lambda c: _(CATEGORY_LABELS[c]),
        key="alerts_categories",
        placeholder=_("Choose options"),
        help=_("Only the alerts your role may see are offered."),
    )
    language = st.selectbox(
        _("Language of my alerts"),
        list(LANGUAGES),
        index=list(LANGUAGES).index(prefs.language),
        format_func=lambda code: LANGUAGE_NAMES[code],
        key="alerts_language",
    )
    email_enabled = st.checkbox(
        _("By email to {email}", email=actor.email), value=prefs.email_enabled, key="alerts_email"
    )
    c1, c2 = st.columns([3, 1])
    webhook = c1.text_input(
        _("My own webhook (optional; Slack, Teams or any URL)"),
        type="password",
        placeholder=prefs.webhook_masked or "https://hooks.slack.com/services/…",
        key="alerts_webhook",
        help=_("Stored, never shown again; leave empty to keep the current one."),
    )
    webhook_format = c2.selectbox(
        _("Format"),
        FORMATS,
        index=FORMATS.index(prefs.webhook_format),
        format_func=lambda f: _(FORMAT_LABELS[f]),
        key="alerts_webhook_format",
    )
    remove = bool(prefs.webhook_masked) and st.checkbox(
        _("Remove my webhook ({masked})", masked=prefs.webhook_masked), key="alerts_webhook_remove"
    )
    if st.form_submit_button(_("Save my alerts"), type="primary"):
        try:
            with session_scope() as session:
                save_preferences(
                    session,
                    actor,
                    find_user(session, actor.email),
                    enabled=enabled,
                    categories=categories,
                    language=language,
                    email_enabled=email_enabled,
                    webhook_url=webhook or None,
                    keep_webhook=not remove,
                    webhook_format=webhook_format,
                    version_id=prefs.version_id,
                )
        except FieldErrors as exc:
            st.session_state["alerts_flash"] = ("error", webhook_refusal(exc))
        except (ConflictError, PermissionDenied, DomainError) as exc:
            message = error_text(exc)
            st.session_state["alerts_flash"] = ("error", message)
        else:
            st.session_state["alerts_flash"] = ("success", _("Your alert preferences are saved."))
        st.session_state.pop("alerts_webhook", None)
        st.rerun()
