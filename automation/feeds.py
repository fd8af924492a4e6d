"""The iCalendar feeds people subscribe to: the whole workspace, one program or one person's programs and
creators, titled in a chosen language (`python cli.py calendar ics` and the Calendar page's download)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from sqlalchemy.orm import Session

from automation.i18n import Renderer
from db.calendar import workspace_timezone, workspace_today
from db.config import env
from db.errors import N_, NotFound
from influencers.calendar import CalendarEntry, CalendarFilter, build_ics, calendar_entries, entry_title, workspace_id
from influencers.models import Program

FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
STATUS_LINE = N_("Status: {status}")
WORKSPACE_FEED = N_("Pantau content calendar")
PROGRAM_FEED = N_("Pantau: {program}")
PERSON_FEED = N_("Pantau: {person}'s calendar")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "calendar"


def entry_link(entry: CalendarEntry) -> str | None:
    """The page an entry opens in the app, when PANTAU_BASE_URL says where the app is."""
    base = env("PANTAU_BASE_URL")
    if not base:
        return None
    page = "campaigns" if entry.campaign_id is not None and entry.program_id is None else "programs"
    return f"{base.rstrip('/')}/{page}"


def calendar_feed(
    session: Session,
    *,
    program_id: int | None = None,
    owner: str | None = None,
    language: str = "en",
    today: dt.date | None = None,
) -> tuple[str, bytes]:
    """(file name, .ics bytes) for the workspace, one program or one person, from 90 days back to a year ahead."""
    today = today or workspace_today(session)
    r = Renderer(language)
    if program_id is not None:
        program = session.get(Program, program_id)
        if program is None:
            raise NotFound(N_("There is no program #{id}."), id=program_id)
        name, file = r.text(PROGRAM_FEED, program=program.name), f"pantau-{_slug(program.name)}.ics"
    elif owner:
        name, file = r.text(PERSON_FEED, person=owner), f"pantau-{_slug(owner.split('@')[0])}.ics"
    else:
        name, file = r.gettext(WORKSPACE_FEED), "pantau-calendar.ics"
    since = today - dt.timedelta(days=FEED_PAST_DAYS)
    until = today + dt.timedelta(days=FEED_FUTURE_DAYS)
    entries = calendar_entries(session, since, until, today, CalendarFilter(program_id=program_id, owner=owner))
    # A campaign without a stop time runs "until further notice": in a feed it ends today (and grows each day),
    # not a year ahead.
    entries = [replace(e, end=max(e.start, today)) if e.open_ended else e for e in entries]

    def word(key: str, code: str) -> str:  # a deliverable's type or platform by its label map (PLACEHOLDER_KINDS)
        return str(r.value(key, code, {}))

    def title(entry: CalendarEntry) -> str:
        return entry_title(entry, r.gettext, r.money, word)

    def description(entry: CalendarEntry) -> str:
        status = str(r.value("status", entry.status, {})) if entry.status else "—"
        return r.text(STATUS_LINE, status=status)

    data = build_ics(
        entries,
        workspace=workspace_id(session),
        name=name,
        title=title,
        description=description,
        url=entry_link,
        timezone=workspace_timezone(session),
    )
    return file, data
