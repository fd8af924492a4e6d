"""Who is using the app: local mode (one admin) or a signed-in user mapped to a role; page guards."""

from __future__ import annotations

import streamlit as st

from db.engine import session_scope
from db.roles import LOCAL_ADMIN, Actor
from db.users import find_user
from pages.components.i18n import _


def auth_configured() -> bool:
    """True when an identity provider is configured (`[auth]` in secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def resolve_actor() -> Actor | None:
    """The current actor, or None after showing the sign-in or no-access screen."""
    if not auth_configured():
        st.session_state["local_mode"] = True
        return LOCAL_ADMIN
    st.session_state["local_mode"] = False
    if not st.user.is_logged_in:
        st.title("Pantau")
        st.write(_("Sign in to see your team's campaigns, budgets and influencer programs."))
        st.button(_("Sign in"), key="auth_sign_in", on_click=st.login, type="primary")
        return None
    email = str(st.user.get("email") or "")
    with session_scope() as session:
        user = find_user(session, email) if email else None
        actor = Actor(email=user.email, role=user.role) if user is not None and user.active else None
    if actor is None:
        st.title(_("No access"))
        st.error(_("{email} has no access to Pantau. Ask an admin to add you.", email=email or "?"))
        st.button(_("Sign out"), key="auth_sign_out_denied", on_click=st.logout)
        return None
    return actor


def current_actor() -> Actor | None:
    return st.session_state.get("actor")


def require_page(page_key: str) -> Actor:
    """Stop the page with a clear message unless the current user may open it."""
    actor = current_actor()
    if actor is None or not actor.may_see(page_key):
        st.error(_("You do not have access to this page (not permitted for your role)."))
        st.stop()
    return actor
