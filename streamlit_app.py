"""Pantau's entry point: page config, schema check, current user and role, role-based navigation."""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

# A local PNG, not an emoji or icon name: Streamlit turns those into a favicon fetched from an outside host,
# and Pantau asks no outside host for anything (it must work offline).
PAGE_ICON = Path(__file__).resolve().parent / "assets" / "pantau-icon.png"
st.set_page_config(page_title="Pantau", page_icon=str(PAGE_ICON), layout="wide")

from db.config import database_url  # noqa: E402
from db.secrets import install_log_redaction  # noqa: E402
from migrations.migrate import ensure_schema  # noqa: E402
from pages.components.auth import account_sidebar, auth_configured, current_connection, resolve_actor  # noqa: E402
from pages.components.data import refresh_data_version  # noqa: E402
from pages.components.i18n import _  # noqa: E402
from pages.components.metric_fit import fit_metrics  # noqa: E402
from pages.components.navigation import build_navigation, signed_out_navigation  # noqa: E402
from pages.components.uploader_words import translate_uploaders  # noqa: E402
from pages.components.warmup import warm_up  # noqa: E402


@st.cache_resource(show_spinner=False)
def _schema_ready(url: str) -> bool:
    """Create or migrate the schema once per server process and database; import what the pages use."""
    ensure_schema(url)
    install_log_redaction("streamlit")
    return True


def _freeze_long_lived() -> None:
    """Move what is loaded now (modules, the engine, the catalogs) out of the garbage collector's sight: it
    lives as long as the process, and walking it again on every collection is what made collections slow
    (`runner.postScriptGC = false` in .streamlit/config.toml; docs/deployment.md, section 9)."""
    gc.collect()  # collect first, so no garbage of this moment is frozen for good
    gc.freeze()


@st.cache_resource(show_spinner=False)
def _long_lived_frozen() -> bool:
    """Once per process, after the first schema check: `_freeze_long_lived()`."""
    _freeze_long_lived()
    return True


@st.cache_resource(show_spinner=False)
def _warmed_up() -> bool:
    """Once per process: import what every page uses (pages/components/warmup.py)."""
    warm_up()
    _freeze_long_lived()  # every page's modules are loaded now
    return True


def main() -> None:
    try:
        _schema_ready(database_url())
        _long_lived_frozen()
        refresh_data_version()  # page caches are keyed on it: nothing cached before a write is shown after it
    except Exception as exc:
        st.error(_("The database could not be opened or migrated: {error}", error=type(exc).__name__))
        st.caption(_("Check DATABASE_URL and that the database server is reachable."))
        st.stop()

    if auth_configured():
        # A team deployment shows people an error's type, never its message or traceback (which could carry a
        # token or personal data); the full traceback still goes to the server log, through the redaction filter.
        st.set_option("client.showErrorDetails", "type")
    st.session_state.pop("actor", None)  # decided afresh on every run: a role change applies at once
    actor = resolve_actor()
    if actor is None:
        # No page file is registered, so none can run by URL: every path shows the screen above.
        st.navigation(signed_out_navigation(), position="hidden")
        if current_connection().unattended:
            _warmed_up()  # the script health check: a warm-up request at server start (docs/deployment.md)
        st.stop()
    st.session_state["actor"] = actor
    account_sidebar(actor)
    translate_uploaders()  # Streamlit's uploader button word, in the session's language
    fit_metrics()  # every metric tile holds its value on any screen

    page = st.navigation(build_navigation(actor))
    page.run()


main()
