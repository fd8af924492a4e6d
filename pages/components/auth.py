"""Who is using the app: local mode (one admin) or a signed-in user mapped to a role; page guards."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from db.config import env
from db.engine import session_scope
from db.roles import LOCAL_ADMIN, Actor
from db.settings import get_setting
from db.users import UserError, admin_emails_from_env, ensure_sign_in_user, set_language
from pages.components.i18n import LANGUAGES, _, choose_language, current_language
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
    return is_loopback_ip(host)


def is_loopback_ip(address: str | None) -> bool:
    """True for a loopback IP address (127.0.0.0/8, ::1, ::ffff:127.x); names and garbage are not."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_loopback)


# Headers a reverse proxy, load balancer or tunnel adds: any of them means the browser is not on this machine,
# whatever the TCP peer (the proxy) is. Names are lower case (the handshake's headers are matched case-blind).
PROXY_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-server",
    "x-forwarded-prefix",
    "x-real-ip",
    "x-client-ip",
    "x-cluster-client-ip",
    "x-original-forwarded-for",
    "x-original-host",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "via",
)


@dataclass(frozen=True)
class Connection:
    """What the server itself knows about a session's connection (never what the browser reports).

    `bind_address` is the `server.address` option; `peer` the TCP peer of the websocket (None when the server
    could not tell); `headers` the websocket handshake's headers, names in lower case; `in_process` is True
    only when the script runs without a network server at all (Streamlit's AppTest).
    """

    bind_address: str | None
    peer: str | None
    headers: tuple[tuple[str, str], ...] = ()
    in_process: bool = False

    @property
    def unattended(self) -> bool:
        """No browser at all: the server's own script health check (a run with no websocket client)."""
        return self.peer is None and not self.headers and not self.in_process


def _header_host(value: str) -> str | None:
    """The host name of a Host header (`name:port`, `[v6]:port`) or an Origin (`scheme://name:port`)."""
    value = value.strip()
    if "://" not in value:
        value = "//" + value
    try:
        return urlsplit(value).hostname
    except ValueError:
        return value


def network_exposure(connection: Connection) -> str | None:
    """Why local mode would be reachable from the network, or None when this session is on this machine.

    Decided by the server only: the bind address must be loopback, the TCP peer must be a loopback address,
    no proxy header may be present, and the Host and Origin the browser connected with must name this
    machine (a DNS-rebinding page reaches 127.0.0.1 under its own name). `st.context.url`, which the browser
    sends in every message, is never read for this.
    """
    if not is_loopback(connection.bind_address):
        return _("the server listens on {address}", address=connection.bind_address or _("every network interface"))
    headers = connection.headers
    for name, _value in headers:
        if name in PROXY_HEADERS:
            return _("the connection came through a proxy (it sent the {header} header)", header=name)
    if not connection.in_process:
        if connection.peer is None:
            return _("the server could not tell where the connection comes from")
        if not is_loopback_ip(connection.peer):
            return _("the connection comes from {address}", address=connection.peer)
    for name, value in headers:
        if name in ("host", "origin") and value.strip().lower() != "null":
            host = _header_host(value)
            if not is_loopback(host):
                return _("the app was opened through {host}", host=host or value)
    return None


def current_connection() -> Connection:
    """The server's facts about this session's connection: bind address, TCP peer, handshake headers.

    Reads the session's websocket client kept by the Streamlit runtime (the raw peer, not
    `st.context.ip_address`, which turns loopback into None). Under AppTest the runtime is a stand-in with no
    network server: that is the only case reported as in-process.
    """
    bind_address = st.get_option("server.address")
    instance = runtime.get_instance() if runtime.exists() else None
    if instance is None or type(instance) is not runtime.Runtime:
        return Connection(bind_address=bind_address, peer=None, in_process=True)
    ctx = get_script_run_ctx()
    client = instance.get_client(ctx.session_id) if ctx is not None else None
    context = getattr(client, "client_context", None) if client is not None else None
    if context is None:
        return Connection(bind_address=bind_address, peer=None)
    peer = context.remote_ip if isinstance(context.remote_ip, str) else None
    headers = tuple((str(name).lower(), str(value)) for name, value in context.headers)
    return Connection(bind_address=bind_address, peer=peer, headers=headers)


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
            choose_language(user.language, "user")
        return Actor(email=user.email, role=user.role)


def resolve_actor() -> Actor | None:
    """The current actor, or None after showing the sign-in, no-access or refusal screen."""
    if not auth_configured():
        st.session_state["local_mode"] = True
        reason = network_exposure(current_connection())
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
    choose_language(language, "person")
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
