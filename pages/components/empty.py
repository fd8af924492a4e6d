"""Empty states: say what the page will show and the next step to get data in."""

from __future__ import annotations

import streamlit as st

from pages.components.i18n import _
from pages.components.navigation import page_link


def empty_state(what: str, *, sync: bool = True, demo: bool = True, extra: str | None = None) -> None:
    """An info box explaining what the page shows, with links to the next steps."""
    st.info(what, icon=":material/info:")
    if extra:
        st.write(extra)
    st.write(_("Next steps:"))
    if sync:
        page_link("sync", _("Connect Meta or import an Ads Manager CSV on the Sync page"))
    if demo:
        page_link("overview", _("Load the demo workspace from the Overview page"))
