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


def visible_pages(actor: Actor) -> list[PageSpec]:
    """The pages `actor` may open, in menu order."""
    return [p for p in PAGES if actor.may_see(p.key)]


def build_navigation(actor: Actor) -> dict[str, list[st.Page]]:
    """Sections of `st.Page` objects for `st.navigation`: the role's pages in the menu.

    Pages the role may not open are registered hidden, so their URL opens the page file and its
    `require_page` guard says "no access" in words instead of silently showing another page.
    """
    sections: dict[str, list[st.Page]] = {}
    hidden: list[st.Page] = []
    for spec in PAGES:
        allowed = actor.may_see(spec.key)
        page = st.Page(
            spec.path,
            title=_(spec.title),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.key == "overview",
            visibility="visible" if allowed else "hidden",
        )
        if allowed:
            sections.setdefault(_(spec.section), []).append(page)
        else:
            hidden.append(page)
    # Every role sees Overview, so the hidden pages join the last visible section (a section of
    # hidden pages only could still show its header).
    if hidden:
        last = list(sections)[-1] if sections else _("Pantau")
        sections.setdefault(last, []).extend(hidden)
    return sections


def page_link(key: str, label: str | None = None) -> None:
    """A link to another page, shown only when the current user may open it."""
    actor = st.session_state.get("actor")
    spec = next(p for p in PAGES if p.key == key)
    if actor is not None and actor.may_see(key):
        st.page_link(spec.path, label=label or _(spec.title), icon=spec.icon)
