"""The page registry: which page file belongs to which section, and who may open it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from db.roles import Actor
from pages.components.i18n import N_, _


@dataclass(frozen=True)
class PageSpec:
    key: str  # the key in db.roles.PAGE_ACCESS
    path: str
    title: str
    icon: str
    section: str
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview", "pages/overview/overview.py", N_("Overview"), ":material/dashboard:", N_("Performance"), "overview"
    ),
    PageSpec(
        "campaigns",
        "pages/campaigns/campaigns.py",
        N_("Campaigns"),
        ":material/campaign:",
        N_("Performance"),
        "campaigns",
    ),
    PageSpec(
        "budgets",
        "pages/budgets/budgets.py",
        N_("Budgets"),
        ":material/account_balance_wallet:",
        N_("Performance"),
        "budgets",
    ),
    PageSpec(
        "influencers",
        "pages/influencers/influencers.py",
        N_("Influencers"),
        ":material/groups:",
        N_("Influencers"),
        "influencers",
    ),
    PageSpec(
        "programs",
        "pages/programs/programs.py",
        N_("Programs"),
        ":material/view_kanban:",
        N_("Influencers"),
        "programs",
    ),
    PageSpec(
        "calendar",
        "pages/calendar/calendar.py",
        N_("Calendar"),
        ":material/calendar_month:",
        N_("Influencers"),
        "calendar",
    ),
    PageSpec("exports", "pages/exports/exports.py", N_("Exports"), ":material/download:", N_("Finance"), "exports"),
    PageSpec("sync", "pages/sync/sync.py", N_("Sync"), ":material/sync:", N_("Admin"), "sync"),
    PageSpec("settings", "pages/settings/settings.py", N_("Settings"), ":material/settings:", N_("Admin"), "settings"),
    PageSpec("audit", "pages/settings/audit.py", N_("Audit"), ":material/history:", N_("Admin"), "audit"),
    PageSpec(
        "notifications",
        "pages/account/notifications.py",
        N_("My alerts"),
        ":material/notifications:",
        N_("Account"),
        "my-alerts",
    ),
)


# The page shown at the app's root address ("/"): Streamlit serves its default page there only.
DEFAULT_PAGE = "overview"

# Addresses that open another page: an old or alternative url path -> the key of the page it opens. The default
# page's own url path is one of them (`/overview` would otherwise show Streamlit's English "Page not found"
# dialog). A page whose url path is ever renamed keeps its old one here, so bookmarks keep working.
ALIASES: dict[str, str] = {"overview": DEFAULT_PAGE}


def visible_pages(actor: Actor) -> list[PageSpec]:
    """The pages `actor` may open, in menu order."""
    return [p for p in PAGES if actor.may_see(p.key)]


def build_navigation(actor: Actor) -> dict[str, list[st.Page]]:
    """Sections of `st.Page` objects for `st.navigation`: the role's pages in the menu.

    Pages the role may not open are registered hidden, so their URL opens the page file and its
    `require_page` guard says "no access" in words instead of silently showing another page.

    The default page is served at "/" (Streamlit keys a page by its url path, so it is registered with the empty
    one), and every address in `ALIASES` is a hidden page that switches to the page it names: the address bar
    then shows that page's own address and the menu marks it.
    """
    sections: dict[str, list[st.Page]] = {}
    hidden: list[st.Page] = []
    for spec in PAGES:
        allowed = actor.may_see(spec.key)
        default = spec.key == DEFAULT_PAGE
        page = st.Page(
            spec.path,
            title=_(spec.title),
            icon=spec.icon,
            url_path="" if default else spec.url_path,
            default=default,
            visibility="visible" if allowed else "hidden",
        )
        if allowed:
            sections.setdefault(_(spec.section), []).append(page)
        else:
            hidden.append(page)
    hidden.extend(_alias_page(url_path, key) for url_path, key in ALIASES.items())
    # Every role sees Overview, so the hidden pages join the last visible section (a section of
    # hidden pages only could still show its header).
    if hidden:
        last = list(sections)[-1] if sections else _("Pantau")
        sections.setdefault(last, []).extend(hidden)
    return sections


def _alias_page(url_path: str, key: str) -> st.Page:
    """A hidden page at `url_path` that opens the page `key` (whose own guard then decides on access)."""
    spec = next(p for p in PAGES if p.key == key)

    def open_page() -> None:
        st.switch_page(spec.path)

    return st.Page(open_page, title=_(spec.title), icon=spec.icon, url_path=url_path, visibility="hidden")


def signed_out_navigation() -> list[st.Page]:
    """The pages registered while nobody is signed in: the sign-in screen, drawn before navigation, at every
    address. No page file is registered, so none runs by URL; each page's and alias's address is a hidden page
    doing nothing, so a bookmark opened signed out shows the sign-in screen without Streamlit's English "Page
    not found" dialog."""

    def nothing() -> None:
        return None

    addresses = [p.url_path for p in PAGES] + [a for a in ALIASES if a not in {p.url_path for p in PAGES}]
    return [st.Page(nothing, title="Pantau", url_path="signin", default=True)] + [
        st.Page(nothing, title="Pantau", url_path=address, visibility="hidden") for address in addresses
    ]


def page_link(key: str, label: str | None = None) -> None:
    """A link to another page, shown only when the current user may open it."""
    actor = st.session_state.get("actor")
    spec = next(p for p in PAGES if p.key == key)
    if actor is not None and actor.may_see(key):
        st.page_link(spec.path, label=label or _(spec.title), icon=spec.icon)
