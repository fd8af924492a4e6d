"""Who is using the app: local mode (one admin) or a signed-in user mapped to a role; page guards."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import streamlit as st

from db.config import env
from db.engine import session_scope
from db.roles import LOCAL_ADMIN, Actor
from db.settings import get_setting
from db.users import UserError, admin_emails_from_env, ensure_sign_in_user, set_language
from pages.components.i18n import LANGUAGES, _, current_language
from pages.components.inputs import error_text

ALLOW_NETWORK_ENV = "PANTAU_ALLOW_UNAUTHENTICATED_NETWORK"
ADMIN_EMAILS_ENV = "PANTAU_ADMIN_EMAILS"


def auth_configured() -> bool:
    """True when an identity provider is configured (`[auth]` in secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def is_loopback(host: str | None) -> bool:
    """True for localhost and loopback addresses; an empty host means every interface (not loopback)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_exposure(server_address: str | None, url: str | None) -> str | None:
    """Why local mode would be reachable from the network, or None when it is bound to this machine only.

    Reads the bind address (`server.address`; empty binds every interface) and the host the browser used
    (`st.context.url`; a proxy in front of a loopback server shows up here).
    """
    if not is_loopback(server_address):
        return _("the server listens on {address}", address=server_address or _("every network interface"))
    host = urlsplit(url).hostname if url else None
    if host and not is_loopback(host):
        return _("the app was opened through {host}", host=host)
    return None


def _network_allowed() -> bool:
    return (env(ALLOW_NETWORK_ENV) or "").lower() in {"1", "true", "yes", "on"}


def _refuse_network(reason: str) -> None:
    st.title(_("Sign-in is not configured"))
    st.error(
        _(
            "Pantau is running in local mode (no sign-in) but {reason}, so it shows no data: "
            "anyone on the network would be admin.",
            reason=reason,
        )
    )
    st.markdown(
        _(
            "To fix this, either configure sign-in: add an `[auth]` section to `.streamlit/secrets.toml` "
            "(see docs/auth.md for Google and Microsoft Entra ID), or bind the server to this machine only "
            "(`streamlit run streamlit_app.py --server.address 127.0.0.1`). On a trusted network you can "
            "allow local mode explicitly with the environment variable `{name}=1`.",
            name=ALLOW_NETWORK_ENV,
        )
    )


def _sign_in_screen() -> None:
    st.title("Pantau")
    st.write(_("Sign in to see your team's campaigns, budgets and influencer programs."))
    st.button(_("Sign in"), key="auth_sign_in", on_click=st.login, type="primary")


def _no_access_screen(email: str) -> None:
    st.title(_("No access"))
    st.error(_("{email} has no access to Pantau. Ask an admin to add you.", email=email or "?"))
    st.button(_("Sign out"), key="auth_sign_out_denied", on_click=st.logout)


def _signed_in_actor(email: str) -> Actor | None:
    """Map a signed-in email to an active user (PANTAU_ADMIN_EMAILS and auto-provisioning applied)."""
    try:
        admins = admin_emails_from_env(env(ADMIN_EMAILS_ENV))
    except UserError as exc:
        st.error(_("{name} is not valid: {error}", name=ADMIN_EMAILS_ENV, error=error_text(exc)))
        admins = []
    with session_scope() as session:
        auto = bool(get_setting(session, "auto_provision_viewers"))
        user = ensure_sign_in_user(session, email, admin_emails=admins, auto_provision_viewers=auto)
        if user is None:
            return None
        guessed = st.session_state.get("language_source") == "browser"
        if ("language" not in st.session_state or guessed) and user.language in LANGUAGES:
            # the user's saved choice wins over the browser's language (the sidebar may change it afterwards)
            st.session_state["language"] = user.language
            st.session_state["language_source"] = "user"
        return Actor(email=user.email, role=user.role)


def resolve_actor() -> Actor | None:
    """The current actor, or None after showing the sign-in, no-access or refusal screen."""
    if not auth_configured():
        st.session_state["local_mode"] = True
        reason = network_exposure(st.get_option("server.address"), st.context.url)
        if reason and not _network_allowed():
            _refuse_network(reason)
            return None
        st.session_state["network_override"] = bool(reason)
        return LOCAL_ADMIN
    st.session_state["local_mode"] = False
    if not st.user.get("is_logged_in", False):
        _sign_in_screen()
        return None
    email = str(st.user.get("email") or "").strip().lower()
    # A provider that says the address is unverified does not prove who this is.
    verified = st.user.get("email_verified", True) not in (False, "false")
    actor = _signed_in_actor(email) if email and verified else None
    if actor is None:
        _no_access_screen(email)
        return None
    return actor


def current_actor() -> Actor | None:
    return st.session_state.get("actor")


def require_page(page_key: str) -> Actor:
    """Stop the page with a clear message unless the current user may open it."""
    actor = current_actor()
    if actor is None or not actor.may_see(page_key):
        st.error(_("No access: this page is not permitted for your role."))
        st.stop()
    return actor


def _save_language() -> None:
    language = st.session_state["auth_language"]
    st.session_state["language"] = language
    st.session_state["language_source"] = "person"
    actor = current_actor()
    if actor is None or st.session_state.get("local_mode"):
        return  # local mode keeps the choice in the session
    try:
        with session_scope() as session:
            set_language(session, actor, language)
    except UserError as exc:
        st.session_state["auth_language_error"] = error_text(exc)


def account_sidebar(actor: Actor) -> None:
    """The sidebar's account block: mode banner, who is signed in, language, sign-out."""
    if st.session_state.get("local_mode"):
        if st.session_state.get("network_override"):
            st.sidebar.warning(
                _(
                    "Local mode on a network ({name} is set): everyone who can reach this server is admin.",
                    name=ALLOW_NETWORK_ENV,
                ),
                icon=":material/warning:",
            )
        else:
            st.sidebar.info(
                _("Local mode: no sign-in is configured, you are the local admin. Bound to localhost only."),
                icon=":material/lock_open:",
            )
    st.sidebar.caption(_("Signed in as {email} ({role})", email=actor.email, role=_(actor.role)))
    codes = list(LANGUAGES)
    current = current_language()
    st.session_state.setdefault("auth_language", current if current in LANGUAGES else "en")
    st.sidebar.selectbox(
        _("Language"),
        codes,
        format_func=lambda code: LANGUAGES[code],
        key="auth_language",
        on_change=_save_language,
    )
    if not st.session_state.get("local_mode"):
        st.sidebar.button(_("Sign out"), key="auth_sign_out", on_click=st.logout, icon=":material/logout:")
