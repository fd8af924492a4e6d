"""Settings: users and roles, workspace settings, the Meta connection, schedules and alert delivery (admins)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from automation.delivery import DeliveryError, send_email, smtp_settings
from automation.i18n import LANGUAGES as ALERT_LANGUAGES
from automation.jobs import JOBS
from automation.recipients import (
    CATEGORY_LABELS,
    FORMAT_LABELS,
    FORMATS,
    add_webhook,
    remove_webhook,
    workspace_webhooks,
)
from automation.rules import CATEGORIES
from automation.schedules import INTERVAL, MAX_EVERY_HOURS, ScheduleError, load_schedules, save_schedule
from db.calendar import workspace_timezone
from db.engine import session_scope
from db.errors import DomainError, FieldErrors
from db.money import CurrencyError, currency_code
from db.roles import ROLES, PermissionDenied
from db.secrets import SecretError, clear_meta_token, store_meta_token, token_status
from db.settings import ORIGIN_SETTING, get_setting, set_setting
from db.users import UserError, add_user, list_users, set_active, set_role
from finance.fx import reporting_currency_choice
from pages.components.auth import require_page
from pages.components.data import clear_caches
from pages.components.finance_exports import ORIGIN_TERMS
from pages.components.i18n import LANGUAGES as LANGUAGE_NAMES
from pages.components.i18n import _
from pages.components.inputs import error_text, message_text
from pages.components.terms import label
from pages.components.text_notices import removed_notices, show_notices
from pages.components.webhook_words import webhook_refusal

actor = require_page("settings")
st.title(_("Settings"))
st.caption(_("Users and roles, workspace settings and the Meta connection."))

FX_POLICIES = ("monthly_average", "month_end", "daily")
FEE_RECOGNITION = ("on_delivery", "over_flight")


def _secrets() -> dict:
    try:
        return {k: st.secrets[k] for k in st.secrets if not isinstance(st.secrets[k], Mapping)}
    except Exception:
        return {}


def _run(action, success: str, typed: Mapping[str, object] | None = None) -> None:
    """Run one write in its own unit of work; domain errors become a message, never a traceback. `typed` (a
    field's label -> what was typed) is what the save cleaned: what it removed is said with the success."""
    try:
        with session_scope() as session:
            action(session)
    except (UserError, SecretError, PermissionDenied, ValueError) as exc:
        st.session_state["settings_flash"] = ("error", error_text(exc))
        return
    clear_caches()
    st.session_state["settings_flash"] = ("success", success, removed_notices(typed or {}))


def _currency_refusal(text: str) -> str | None:
    """Why `text` cannot be the reporting currency (in the user's language), or None: ISO 4217 only."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        return _("Reporting currency must be a three-letter code such as IDR or USD, not {value}.", value=text)
    try:
        currency_code(code)
    except CurrencyError as exc:
        return error_text(exc)
    return None


def _store_token() -> None:
    """Form callback: store the token, then empty the field so the value leaves the session at once."""
    token = st.session_state.get("settings_meta_token_input", "")
    st.session_state["settings_meta_token_input"] = ""
    _run(lambda s: store_meta_token(s, actor, token, _secrets()), _("Meta access token stored encrypted."))


flash = st.session_state.pop("settings_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])
    show_notices(flash[2] if len(flash) > 2 else None)

with session_scope() as session:
    users = [(u.email, u.name or "", u.role, u.active) for u in list_users(session)]
    values = {
        key: get_setting(session, key)
        for key in (
            "reporting_currency",
            "fx_policy",
            "fee_recognition",
            "meta_budget_push",
            "auto_provision_viewers",
            "lookback_days",
            "first_sync_days",
        )
    }
    status = token_status(session, _secrets())
    currency_choice = reporting_currency_choice(session)

# Users and roles
st.subheader(_("Users and roles"))
if users:
    shown = [(email, name, label("role", role), active) for email, name, role, active in users]
    table = pd.DataFrame(shown, columns=[_("Email"), _("Name"), _("Role"), _("Active")])
    st.dataframe(table, hide_index=True, key="settings_users")
else:
    st.info(
        _(
            "No users yet. Add people below, or the first admin with `python cli.py users add EMAIL --role admin` "
            "or the PANTAU_ADMIN_EMAILS environment variable."
        )
    )

with st.form("settings_add_user", clear_on_submit=True):
    st.markdown(_("**Add a person** (or give an existing one a new role)"))
    c1, c2, c3 = st.columns([3, 2, 2])
    new_email = c1.text_input(_("Email"), key="settings_new_email")
    new_name = c2.text_input(_("Name (optional)"), key="settings_new_name")
    new_role = c3.selectbox(_("Role"), ROLES, index=ROLES.index("viewer"), format_func=_, key="settings_new_role")
    if st.form_submit_button(_("Add user"), type="primary"):
        _run(
            lambda s: add_user(s, actor, new_email, new_role, new_name or None),
            _("Saved {email} as {role}.", email=new_email.strip().lower(), role=_(new_role)),
            {_("Name"): new_name},
        )
        st.rerun()

if users:
    with st.container(border=True):
        st.markdown(_("**Change a person's role or access**"))
        emails = [u[0] for u in users]
        c1, c2 = st.columns([3, 2])
        chosen = c1.selectbox(_("Person"), emails, key="settings_user_pick")
        current = next(u for u in users if u[0] == chosen)
        role = c2.selectbox(
            _("Role"), ROLES, index=ROLES.index(current[2]), format_func=_, key=f"settings_user_role_{chosen}"
        )
        b1, b2, _spacer = st.columns([1, 1, 3])
        if b1.button(_("Save role"), key="settings_save_role", disabled=role == current[2]):
            _run(lambda s: set_role(s, actor, chosen, role), _("{email} is now {role}.", email=chosen, role=_(role)))
            st.rerun()
        if current[3]:
            if b2.button(_("Deactivate"), key="settings_deactivate"):
                _run(lambda s: set_active(s, actor, chosen, False), _("{email} can no longer sign in.", email=chosen))
                st.rerun()
        elif b2.button(_("Reactivate"), key="settings_reactivate"):
            _run(lambda s: set_active(s, actor, chosen, True), _("{email} can sign in again.", email=chosen))
            st.rerun()

# Workspace
st.subheader(_("Workspace"))
st.write(
    _(
        "Reporting currency: {currency} ({origin})",
        currency=currency_choice.currency,
        origin=_(ORIGIN_TERMS[currency_choice.origin]),
    )
)
if currency_choice.ignored:
    st.warning(
        _(
            "The configured reporting currency {value} is not an ISO 4217 code and is ignored; type a code below.",
            value=currency_choice.ignored,
        )
    )
with st.form("settings_workspace"):
    c1, c2, c3 = st.columns(3)
    currency = c1.text_input(
        _("Reporting currency"),
        value=currency_choice.currency,
        key="settings_currency",
        help=_(
            "An ISO 4217 code such as IDR or USD. Not set, it follows the ad accounts' main currency: the one with "
            "the most ad spend over the last 90 days, else the most common account currency, else USD."
        ),
    )
    fx_policy = c2.selectbox(
        _("FX rate policy"),
        FX_POLICIES,
        index=FX_POLICIES.index(values["fx_policy"]) if values["fx_policy"] in FX_POLICIES else 0,
        key="settings_fx_policy",
        format_func=lambda code: label("fx_policy", code),
    )
    fee = c3.selectbox(
        _("Influencer fee recognition"),
        FEE_RECOGNITION,
        index=FEE_RECOGNITION.index(values["fee_recognition"]) if values["fee_recognition"] in FEE_RECOGNITION else 0,
        key="settings_fee_recognition",
        format_func=lambda code: label("recognition", code),
    )
    c4, c5 = st.columns(2)
    lookback = c4.number_input(
        _("Sync look-back window (days)"), 1, 90, int(values["lookback_days"]), key="settings_lookback"
    )
    first_sync = c5.number_input(
        _("First sync history (days)"), 1, 1095, int(values["first_sync_days"]), key="settings_first_sync"
    )
    auto = st.toggle(
        _("Let anyone who signs in with an unknown email in as a viewer"),
        value=bool(values["auto_provision_viewers"]),
        key="settings_auto_provision",
        help=_("Off (the default) means people not in the users table see a 'no access' page."),
    )
    push = st.toggle(
        _("Push approved budget changes to Meta"), value=bool(values["meta_budget_push"]), key="settings_budget_push"
    )
    if st.form_submit_button(_("Save settings"), type="primary"):
        code = currency.strip().upper()
        refusal = _currency_refusal(currency)
        if refusal:
            st.session_state["settings_flash"] = ("error", refusal)
        else:
            changes = {
                "fx_policy": fx_policy,
                "fee_recognition": fee,
                "lookback_days": int(lookback),
                "first_sync_days": int(first_sync),
                "auto_provision_viewers": bool(auto),
                "meta_budget_push": bool(push),
            }

            # The reporting currency is stored only when it is changed (or was set): left as it is, it keeps
            # following the ad accounts' main currency.
            if code != currency_choice.currency or currency_choice.origin == ORIGIN_SETTING:
                changes["reporting_currency"] = code

            def _save(session) -> None:
                for key, value in changes.items():
                    set_setting(session, actor, key, value)

            _run(_save, _("Settings saved."))
        st.rerun()

# Meta connection
st.subheader(_("Meta connection"))
if status.source is None:
    st.info(
        _(
            "No Meta access token yet. Set FB_ACCESS_TOKEN in the environment or in .streamlit/secrets.toml, "
            "or enter it below to store it encrypted."
        )
    )
else:
    st.write(_("Access token: {masked} (from {source})", masked=status.masked or "••••", source=_(status.source)))
if status.key_problem:
    st.warning(_("The app cannot store a token: {reason}", reason=message_text(status.key_problem)))
else:
    with st.form("settings_meta_token"):
        st.text_input(
            _("Meta access token (stored encrypted, shown only as its last four characters)"),
            type="password",
            key="settings_meta_token_input",
        )
        st.form_submit_button(_("Store token"), type="primary", on_click=_store_token)
if status.stored and st.button(_("Remove the stored token"), key="settings_meta_token_clear"):
    _run(lambda s: clear_meta_token(s, actor), _("The stored Meta access token was removed."))
    st.rerun()

# Schedules (run by `python cli.py worker`)
st.subheader(_("Schedules"))
with session_scope() as session:
    schedule_rows = {s.job: s for s in load_schedules(session, JOBS.values())}
    zone_name = workspace_timezone(session)
st.caption(
    _(
        "The worker (`python cli.py worker`, see docs/deployment.md) runs these. Times are in the workspace "
        "time zone ({zone}); the Sync page shows each job's last and next run.",
        zone=zone_name,
    )
)
for spec in JOBS.values():
    current = schedule_rows[spec.key]
    with st.form(f"settings_schedule_{spec.key}"):
        c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        on = c1.toggle(_(spec.title), value=current.enabled, key=f"settings_schedule_{spec.key}_on")
        if spec.schedule == INTERVAL:
            every = c2.number_input(
                _("Every how many hours"),
                1,
                MAX_EVERY_HOURS,
                int(current.every_hours or spec.default_every_hours or 12),
                key=f"settings_schedule_{spec.key}_every",
            )
            hour = None
        else:
            hour = c2.number_input(
                _("At this hour of the day (0-23)"),
                0,
                23,
                int(current.hour if current.hour is not None else spec.default_hour or 0),
                key=f"settings_schedule_{spec.key}_hour",
            )
            every = None
        if c3.form_submit_button(_("Save"), type="primary"):
            try:
                with session_scope() as session:
                    save_schedule(session, actor, spec, enabled=on, every_hours=every, hour=hour)
            except ScheduleError as exc:
                st.session_state["settings_flash"] = ("error", message_text(exc.message))
            except PermissionDenied as exc:
                st.session_state["settings_flash"] = ("error", error_text(exc))
            else:
                st.session_state["settings_flash"] = ("success", _("Schedule saved: {job}.", job=_(spec.title)))
            st.rerun()

# Alert delivery: email from the environment, workspace webhooks here
st.subheader(_("Alert delivery"))
try:
    smtp = smtp_settings()
    smtp_problem = None
except DeliveryError as exc:
    smtp, smtp_problem = None, message_text(exc.message)
if smtp_problem:
    st.error(smtp_problem)
elif smtp is None:
    st.info(
        _(
            "Email is off. Set PANTAU_SMTP_HOST, PANTAU_SMTP_PORT, PANTAU_SMTP_USER, PANTAU_SMTP_PASSWORD, "
            "PANTAU_SMTP_FROM and PANTAU_SMTP_STARTTLS in the environment to send alerts by email."
        )
    )
else:
    st.write(
        _(
            "Email goes through {host}:{port} as {sender} (STARTTLS {tls}).",
            host=smtp.host,
            port=smtp.port,
            sender=smtp.sender,
            tls=_("on") if smtp.starttls else _("off"),
        )
    )
    if st.button(_("Send a test email to {email}", email=actor.email), key="settings_test_email"):
        try:
            send_email(
                smtp,
                actor.email,
                _("Pantau test email"),
                _("Alerts from Pantau will reach you at this address."),
            )
        except DeliveryError as exc:
            st.error(message_text(exc.message))
        else:
            st.success(_("Test email sent to {email}.", email=actor.email))

with session_scope() as session:
    hooks = workspace_webhooks(session)
if hooks:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("Name"): h.name,
                    _("Address"): h.masked,
                    _("Format"): _(FORMAT_LABELS[h.webhook_format]),
                    _("Alerts"): ", ".join(_(CATEGORY_LABELS[c]) for c in h.categories),
                    _("Language"): LANGUAGE_NAMES.get(h.language, h.language),
                }
                for h in hooks
            ]
        ),
        hide_index=True,
        key="settings_webhooks",
    )
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    doomed = r1.selectbox(
        _("Webhook"),
        [h.id for h in hooks],
        format_func=lambda i: next(h.name for h in hooks if h.id == i),
        key="settings_webhook_pick",
    )
    if r2.button(_("Remove webhook"), key="settings_webhook_remove"):
        _run(lambda s: remove_webhook(s, actor, doomed), _("Webhook removed."))
        st.rerun()

with st.form("settings_webhook_add", clear_on_submit=True):
    st.markdown(_("**Add a workspace webhook** (a Slack or Teams channel, or any URL that takes JSON)"))
    w1, w2 = st.columns([2, 3])
    hook_name = w1.text_input(_("Name"), placeholder="#marketing-alerts", key="settings_webhook_name")
    hook_url = w2.text_input(_("Webhook address"), type="password", key="settings_webhook_url")
    w3, w4, w5 = st.columns([1, 3, 1])
    hook_format = w3.selectbox(
        _("Format"), FORMATS, format_func=lambda f: _(FORMAT_LABELS[f]), key="settings_webhook_format"
    )
    hook_categories = w4.multiselect(
        _("Alerts"),
        list(CATEGORIES),
        default=list(CATEGORIES),
        format_func=lambda c: _(CATEGORY_LABELS[c]),
        key="settings_webhook_categories",
        placeholder=_("Choose options"),
    )
    hook_language = w5.selectbox(
        _("Language"), list(ALERT_LANGUAGES), format_func=lambda c: LANGUAGE_NAMES[c], key="settings_webhook_language"
    )
    if st.form_submit_button(_("Add webhook"), type="primary"):
        try:
            with session_scope() as session:
                hook = add_webhook(
                    session,
                    actor,
                    name=hook_name,
                    url=hook_url,
                    webhook_format=hook_format,
                    categories=hook_categories,
                    language=hook_language,
                )
                added = hook.name
        except FieldErrors as exc:
            st.session_state["settings_flash"] = ("error", webhook_refusal(exc))
        except (DomainError, PermissionDenied) as exc:
            st.session_state["settings_flash"] = ("error", error_text(exc))
        else:
            st.session_state["settings_flash"] = (
                "success",
                _("Webhook {name} added.", name=added),
                removed_notices({_("Name"): hook_name}),
            )
        st.rerun()
