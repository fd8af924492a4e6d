"""The content calendar: deliverables by due and planned post date, payments due, program and campaign flights
for a range of days, filtered by program, platform, creator, status and owner; the planned post date of a
deliverable; and the iCalendar feed (built with `icalendar`) whose UIDs stay the same from export to export.

A UID is `pantau-<entry kind>-<record id>@<workspace id>`: the record type and id say which entry it is, the
workspace id (a random id the migration stored once) keeps two workspaces' feeds apart. An edited record keeps
its UID and raises its SEQUENCE (its version), so calendar apps update the event instead of adding another.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign
from db import audit
from db.calendar import last_running_day, local_date
from db.engine import savepoint
from db.errors import N_, DomainError, NotFound
from db.models import Setting
from db.money import format_money
from db.roles import Actor, require
from db.versioning import check_version, flush_or_conflict
from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program, ProgramCampaign

DELIVERABLE_DUE = "deliverable_due"
DELIVERABLE_POST = "deliverable_post"
PAYMENT_DUE = "payment_due"
PROGRAM_FLIGHT = "program_flight"
CAMPAIGN_FLIGHT = "campaign_flight"
KINDS = (DELIVERABLE_DUE, DELIVERABLE_POST, PAYMENT_DUE, PROGRAM_FLIGHT, CAMPAIGN_FLIGHT)
KIND_LABELS = {
    DELIVERABLE_DUE: N_("Deliverable due"),
    DELIVERABLE_POST: N_("Planned post"),
    PAYMENT_DUE: N_("Payment due"),
    PROGRAM_FLIGHT: N_("Program flight"),
    CAMPAIGN_FLIGHT: N_("Campaign flight"),
}
TITLES = {
    DELIVERABLE_DUE: N_("Due: {type} by {creator} on {platform} ({program})"),
    DELIVERABLE_POST: N_("Goes live: {type} by {creator} on {platform} ({program})"),
    PAYMENT_DUE: N_("Payment due: {amount} to {creator} ({program})"),
    PROGRAM_FLIGHT: N_("Program: {program}"),
    CAMPAIGN_FLIGHT: N_("Campaign: {campaign} ({account})"),
}
OVERDUE_TITLE = N_("Overdue: {title}")
HIDDEN_CAMPAIGN_STATUSES = ("DELETED", "ARCHIVED")
WORKSPACE_SETTING = "workspace_id"
PRODID = "-//Pantau//Content calendar//EN"


class CalendarError(DomainError):
    """A calendar change was refused; the message says why."""


@dataclass(frozen=True)
class CalendarFilter:
    """What to show: one program, platform or creator, some record statuses, only overdue items, one owner."""

    program_id: int | None = None
    platform: str | None = None
    influencer_id: int | None = None
    statuses: frozenset[str] = frozenset()  # deliverable and payment statuses (flights are always shown)
    overdue_only: bool = False
    owner: str | None = None  # a person's feed: programs and creators they own


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on the calendar, from `start` to `end` (both included), with what it links to."""

    kind: str
    record_id: int
    start: dt.date
    end: dt.date
    values: dict[str, Any] = field(default_factory=dict)  # the title's placeholders
    status: str | None = None
    overdue: bool = False
    program_id: int | None = None
    campaign_id: int | None = None
    influencer_id: int | None = None
    platform: str | None = None
    version: int = 1
    updated_at: dt.datetime | None = None
    open_ended: bool = False  # a campaign without a stop time: shown running to the end of the range

    @property
    def uid_key(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.record_id}"

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def workspace_id(session: Session) -> str:
    """This workspace's id for iCalendar UIDs (made once by the migration; made here if someone removed it)."""
    row = session.get(Setting, WORKSPACE_SETTING)
    if row is not None and row.value:
        return str(row.value)
    value = uuid.uuid4().hex
    with savepoint(session):
        session.add(Setting(key=WORKSPACE_SETTING, value=value, updated_by="calendar"))
    return value


def _owner_programs(owner: str):
    lowered = owner.strip().lower()
    return or_(func.lower(Program.owner) == lowered, func.lower(Influencer.owner) == lowered)


def _deliverables(session: Session, since: dt.date, until: dt.date, f: CalendarFilter, today: dt.date):
    stmt = (
        select(Deliverable, Collaboration, Influencer.name, Influencer.id, Program.name, Program.id)
        .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(
            Collaboration.stage != "declined",
            or_(
                Deliverable.due_date.between(since, until),
                Deliverable.planned_post_date.between(since, until),
                Deliverable.published_date.between(since, until),
            ),
        )
        .order_by(Deliverable.id)
    )
    if f.program_id is not None:
        stmt = stmt.where(Program.id == f.program_id)
    if f.platform:
        stmt = stmt.where(Deliverable.platform == f.platform)
    if f.influencer_id is not None:
        stmt = stmt.where(Influencer.id == f.influencer_id)
    if f.statuses:
        stmt = stmt.where(Deliverable.status.in_(sorted(f.statuses)))
    if f.owner:
        stmt = stmt.where(_owner_programs(f.owner))
    entries = []
    for item, _collab, creator, creator_id, program, program_id in session.execute(stmt):
        base: dict[str, Any] = {
            "record_id": item.id,
            "status": item.status,
            "program_id": program_id,
            "influencer_id": creator_id,
            "platform": item.platform,
            "version": item.version_id,
            "updated_at": item.updated_at,
        }
        values = {"type": item.type, "creator": creator, "platform": item.platform, "program": program}
        published = item.status == "published"
        if item.due_date and since <= item.due_date <= until:
            late = not published and item.due_date < today
            entries.append(
                CalendarEntry(
                    DELIVERABLE_DUE, start=item.due_date, end=item.due_date, values=values, overdue=late, **base
                )
            )
        post = item.published_date if published and item.published_date else item.planned_post_date
        if post and since <= post <= until:
            late = not published and post < today
            entries.append(CalendarEntry(DELIVERABLE_POST, start=post, end=post, values=values, overdue=late, **base))
    return entries


def _payments(session: Session, since: dt.date, until: dt.date, f: CalendarFilter, today: dt.date):
    if f.platform:
        return []  # payments belong to no platform
    stmt = (
        select(Payment, Influencer.name, Influencer.id, Program.name, Program.id)
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .join(Program, Program.id == Collaboration.program_id)
        .where(Payment.due_date.between(since, until), Payment.status != "cancelled")
        .order_by(Payment.id)
    )
    if f.program_id is not None:
        stmt = stmt.where(Program.id == f.program_id)
    if f.influencer_id is not None:
        stmt = stmt.where(Influencer.id == f.influencer_id)
    if f.statuses:
        stmt = stmt.where(Payment.status.in_(sorted(f.statuses)))
    if f.owner:
        stmt = stmt.where(_owner_programs(f.owner))
    return [
        CalendarEntry(
            PAYMENT_DUE,
            p.id,
            p.due_date,
            p.due_date,
            {"amount": p.amount, "currency": p.currency, "creator": creator, "program": program},
            status=p.status,
            overdue=p.status in ("pending", "approved") and p.due_date < today,
            program_id=program_id,
            influencer_id=creator_id,
            version=p.version_id,
            updated_at=p.updated_at,
        )
        for p, creator, creator_id, program, program_id in session.execute(stmt)
        if p.due_date is not None  # the query keeps due dates in the range only
    ]


def _programs(session: Session, since: dt.date, until: dt.date, f: CalendarFilter):
    if f.platform or f.influencer_id is not None or f.statuses or f.overdue_only:
        return []
    stmt = select(Program).where(
        Program.start_date.is_not(None),
        Program.start_date <= until,
        or_(Program.end_date.is_(None), Program.end_date >= since),
        Program.status != "cancelled",
    )
    if f.program_id is not None:
        stmt = stmt.where(Program.id == f.program_id)
    if f.owner:
        owned = select(Collaboration.program_id).join(Influencer, Influencer.id == Collaboration.influencer_id)
        owned = owned.where(func.lower(Influencer.owner) == f.owner.strip().lower())
        stmt = stmt.where(or_(func.lower(Program.owner) == f.owner.strip().lower(), Program.id.in_(owned)))
    return [
        CalendarEntry(
            PROGRAM_FLIGHT,
            p.id,
            p.start_date,
            p.end_date or p.start_date,
            {"program": p.name},
            status=p.status,
            program_id=p.id,
            version=p.version_id,
            updated_at=p.updated_at,
        )
        for p in session.scalars(stmt.order_by(Program.start_date, Program.id))
        if p.start_date is not None  # the query keeps programs with a start only
    ]


def _campaigns(session: Session, since: dt.date, until: dt.date, f: CalendarFilter):
    if f.platform or f.influencer_id is not None or f.statuses or f.overdue_only:
        return []
    stmt = (
        select(Campaign, AdAccount.name, AdAccount.timezone_name)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(
            Campaign.start_time.is_not(None),
            or_(Campaign.status.is_(None), Campaign.status.not_in(HIDDEN_CAMPAIGN_STATUSES)),
        )
        .order_by(Campaign.start_time, Campaign.id)
    )
    # Each campaign's program (the first linked), so an entry opens its program; a program filter keeps only its own.
    link_stmt = (
        select(ProgramCampaign.campaign_id, ProgramCampaign.program_id)
        .join(Program, Program.id == ProgramCampaign.program_id)
        .order_by(ProgramCampaign.program_id.desc())
    )
    if f.program_id is not None:
        link_stmt = link_stmt.where(ProgramCampaign.program_id == f.program_id)
    if f.owner:
        link_stmt = link_stmt.where(func.lower(Program.owner) == f.owner.strip().lower())
    links: dict[int, int] = dict(session.execute(link_stmt).all())
    if f.program_id is not None or f.owner:
        stmt = stmt.where(Campaign.id.in_(list(links)))
    entries = []
    for campaign, account, tz in session.execute(stmt):
        start = local_date(campaign.start_time, tz)
        end = last_running_day(campaign.stop_time, tz) if campaign.stop_time else None
        if start is None or start > until or (end is not None and end < since):
            continue
        entries.append(
            CalendarEntry(
                CAMPAIGN_FLIGHT,
                campaign.id,
                start,
                max(end, start) if end is not None else max(until, start),
                {"campaign": campaign.name, "account": account},
                status=(campaign.effective_status or campaign.status or "").lower() or None,
                campaign_id=campaign.id,
                program_id=links.get(campaign.id),
                version=campaign.version_id,
                updated_at=campaign.updated_at,
                open_ended=end is None,
            )
        )
    return entries


def calendar_entries(
    session: Session, since: dt.date, until: dt.date, today: dt.date, filters: CalendarFilter | None = None
) -> list[CalendarEntry]:
    """Everything on the calendar between `since` and `until`, sorted by start day, kind and record."""
    f = filters or CalendarFilter()
    entries = [
        *_deliverables(session, since, until, f, today),
        *_payments(session, since, until, f, today),
        *_programs(session, since, until, f),
        *_campaigns(session, since, until, f),
    ]
    if f.overdue_only:
        entries = [e for e in entries if e.overdue]
    entries.sort(key=lambda e: (e.start, KINDS.index(e.kind), e.record_id))
    return entries


FLIGHTS = (PROGRAM_FLIGHT, CAMPAIGN_FLIGHT)
# How a flight is marked: on its first day, on its last day, and on the range's first day when it began earlier.
FLIGHT_STARTS, FLIGHT_ENDS, FLIGHT_CONTINUES = "starts", "ends", "continues"
CELL_LINES = 6  # the lines a day cell of the grid shows; what does not fit is counted

GridItem = tuple[CalendarEntry, str | None]


def grid_days(entries: Iterable[CalendarEntry], since: dt.date, until: dt.date) -> dict[dt.date, list[GridItem]]:
    """What each day cell of the month or week grid shows: (entry, mark) in order, deliverables and payments first.

    A one-day entry (deliverable, post, payment) is on its day (mark None). A flight (program, campaign) is on its
    first day (FLIGHT_STARTS) and its last day (FLIGHT_ENDS), as Google Calendar and Hootsuite mark a multi-day
    item's ends rather than copying it into every cell: twenty running campaigns on every day buried the
    deliverables and payments under "+20 more". A campaign without a stop time (`open_ended`) has no last day.

    A flight that began before `since` and still runs after it is also on `since`, the range's first day, marked
    FLIGHT_CONTINUES (as a calendar carries a running event into the first cell of a month or week), so a flight
    spanning the whole range is not missing from its grid. A flight ending after `until` gets no mark on the last
    day: its first-day mark (starts or continues) is in the range already, and the next month or week carries it on.
    Continuing flights come last in their cell (what starts or ends that day is the news), programs before
    campaigns. The agenda lists every entry of the range.
    """
    days: dict[dt.date, list[GridItem]] = {}
    for entry in entries:
        marks: list[tuple[dt.date, str | None]]
        if entry.kind not in FLIGHTS:
            marks = [(day, None) for day in entry.days()]
        else:
            marks = [(entry.start, FLIGHT_STARTS)]
            ends = not entry.open_ended and entry.end != entry.start
            if ends:
                marks.append((entry.end, FLIGHT_ENDS))
            if entry.start < since and (entry.open_ended or entry.end > since):
                marks.append((since, FLIGHT_CONTINUES))  # its end on `since` itself says "ends" there instead
        for day, mark in marks:
            if since <= day <= until:
                days.setdefault(day, []).append((entry, mark))
    for cell in days.values():
        # stable: each kind keeps the entries' order (by start day)
        cell.sort(key=lambda item: (item[1] == FLIGHT_CONTINUES, KINDS.index(item[0].kind)))
    return days


def fold_continuing(cell: list[GridItem], lines: int = CELL_LINES) -> tuple[list[GridItem], int]:
    """A cell's entries to name, and how many continuing flights are left out for one line counting them.

    When everything fits in `lines`, everything is named. Otherwise the day's own entries (deliverables,
    payments, flights starting or ending) are all kept, and the continuing flights fill what is left of `lines`
    after the counting line, in the cell's order: thirty always-on campaigns must not push the first day's
    deliverables out of view."""
    continuing = [item for item in cell if item[1] == FLIGHT_CONTINUES]
    if len(cell) <= lines or not continuing:
        return cell, 0
    own = [item for item in cell if item[1] != FLIGHT_CONTINUES]
    room = max(lines - 1 - len(own), 0)
    return own + continuing[:room], len(continuing) - room


def entry_title(
    entry: CalendarEntry,
    translate: Callable[[str], str] | None = None,
    money: Callable[[Decimal, str], str] | None = None,
    word: Callable[[str, str], str] | None = None,
) -> str:
    """The entry's title in a language (`translate`), money formatted by `money`, codes shown by `word(kind, code)`
    (defaults: English, plain amounts, codes as they are)."""
    tr = translate or (lambda text: text)
    values = dict(entry.values)
    if "amount" in values:
        values["amount"] = (money or (lambda a, c: format_money(a, c)))(values["amount"], values.pop("currency"))
    for key in ("type", "platform"):
        if key in values and word is not None:
            values[key] = word(key, str(values[key]))
    title = tr(TITLES[entry.kind]).format(**values)
    return tr(OVERDUE_TITLE).format(title=title) if entry.overdue else title


def build_ics(
    entries: Iterable[CalendarEntry],
    *,
    workspace: str,
    name: str,
    title: Callable[[CalendarEntry], str] = entry_title,
    description: Callable[[CalendarEntry], str] | None = None,
    url: Callable[[CalendarEntry], str | None] | None = None,
    timezone: str | None = None,
) -> bytes:
    """An iCalendar file (RFC 5545) of all-day events with stable UIDs; the same data gives the same bytes."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if timezone:
        cal.add("x-wr-timezone", timezone)
    for entry in sorted(entries, key=lambda e: (e.start, KINDS.index(e.kind), e.record_id)):
        event = Event()
        event.add("uid", f"pantau-{entry.uid_key}@{workspace}")
        stamp = (entry.updated_at or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", max(0, entry.version - 1))
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", title(entry))
        event.add("transp", "TRANSPARENT")
        event.add("categories", [entry.kind])
        if entry.status:
            event.add("x-pantau-status", entry.status)
        if description is not None:
            event.add("description", description(entry))
        link = url(entry) if url is not None else None
        if link:
            event.add("url", link)
        cal.add_component(event)
    return cal.to_ical()


def set_planned_post_date(
    session: Session, actor: Actor, deliverable_id: int, day: dt.date | None, version_id: int | None = None
) -> Deliverable:
    """Plan (or clear) when a deliverable goes live; refused on a stale version, audited."""
    require(actor, "program.edit")
    item = session.get(Deliverable, deliverable_id)
    if item is None:
        raise NotFound(N_("There is no deliverable #{id}."), id=deliverable_id)
    check_version("deliverable", item, version_id)
    if day is not None and item.status == "published":
        raise CalendarError(
            N_("Deliverable #{id} is already published; its post date is the published date."), id=deliverable_id
        )
    before = item.planned_post_date
    if before == day:
        return item
    item.planned_post_date = day
    flush_or_conflict(session, "deliverable", Deliverable, item.id)
    audit.record(
        session,
        actor,
        "update",
        "deliverable",
        item.id,
        before={"planned_post_date": before.isoformat() if before else None},
        after={"planned_post_date": day.isoformat() if day else None},
        summary=f"Planned post date of deliverable #{item.id}: {before or '—'} -> {day or '—'}",
    )
    return item
