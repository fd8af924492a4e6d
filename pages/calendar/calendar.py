"""Calendar: deliverables by due and planned post date, payments due, program and campaign flights, by month or
week, filtered; overdue items stand out; each entry opens its program or campaign; an .ics download."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st
from babel.dates import format_date

from automation.feeds import calendar_feed
from db.calendar import month_end, month_start
from db.engine import session_scope
from db.errors import N_, DomainError
from db.roles import PermissionDenied
from influencers.calendar import (
    CAMPAIGN_FLIGHT,
    CELL_LINES,
    DELIVERABLE_DUE,
    DELIVERABLE_POST,
    FLIGHT_CONTINUES,
    FLIGHT_ENDS,
    FLIGHT_STARTS,
    FLIGHTS,
    KIND_LABELS,
    PAYMENT_DUE,
    PROGRAM_FLIGHT,
    CalendarEntry,
    CalendarFilter,
    calendar_entries,
    entry_title,
    fold_continuing,
    grid_days,
    set_planned_post_date,
)
from influencers.models import DELIVERABLE_STATUSES, PAYMENT_STATUSES, PLATFORMS
from influencers.queries import influencer_choices, program_table
from pages.components.auth import require_page
from pages.components.data import CACHE_TTL, clear_caches, day_values, db_key, today
from pages.components.i18n import _, current_language, current_locale, date_column, date_text, month_text, picker_format
from pages.components.inputs import error_text
from pages.components.money import money
from pages.components.table_dates import BLANK_CELL
from pages.components.terms import (
    DELIVERABLE_STATUS_LABELS,
    DELIVERABLE_TYPE_LABELS,
    PAYMENT_STATUS_LABELS,
    label,
    platform_label,
    term,
)

actor = require_page("calendar")
st.title(_("Calendar"))
st.caption(
    _(
        "The posting plan at a glance: deliverables by due and planned post date, payments due, program and "
        "campaign flights. Overdue items are marked in red."
    )
)

flash = st.session_state.pop("cal_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])

now_day = today()
if "cal_day" not in st.session_state:
    st.session_state["cal_day"] = now_day


def _shift(direction: int) -> None:
    day = st.session_state["cal_day"]
    if st.session_state.get("cal_view", "month") == "week":
        st.session_state["cal_day"] = day + dt.timedelta(days=7 * direction)
    else:
        first = month_start(day)
        st.session_state["cal_day"] = (
            month_start(first - dt.timedelta(days=1)) if direction < 0 else month_end(first) + dt.timedelta(days=1)
        )


def _today() -> None:
    st.session_state["cal_day"] = now_day


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _choices(key: str):
    with session_scope() as session:
        return program_table(session), influencer_choices(session)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=64)
def _entries(key: str, since: dt.date, until: dt.date, day: dt.date, filters: CalendarFilter):
    with session_scope() as session:
        return calendar_entries(session, since, until, day, filters)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=64)
def _feeds(key: str, program_id: int | None, owner: str, language: str, day: dt.date):
    """The two .ics downloads (this scope's and the person's own), built once for every session."""
    with session_scope() as session:
        return (
            calendar_feed(session, program_id=program_id, language=language, today=day),
            calendar_feed(session, owner=owner, language=language, today=day),
        )


programs, creators = _choices(db_key())
program_names = dict(zip(programs["id"].astype(int), programs["name"], strict=True)) if len(programs) else {}
creator_names = dict(creators)

# The three moves share one row sized to their words ("Sebelumnya", "Berikutnya" are never cut to "Sebelu…").
c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="bottom")
view = c1.segmented_control(
    _("View"),
    ["month", "week"],
    format_func=lambda v: _("Month") if v == "month" else _("Week"),
    default="month",
    key="cal_view",
)
view = view or "month"
c2.date_input(
    _("Show the {view} of", view=_("month") if view == "month" else _("week")), key="cal_day", format=picker_format()
)
moves = c3.container(horizontal=True, gap="small")
moves.button(_("Previous"), key="cal_prev", on_click=_shift, args=(-1,), icon=":material/chevron_left:")
moves.button(_("Today"), key="cal_today", on_click=_today)
moves.button(_("Next"), key="cal_next", on_click=_shift, args=(1,), icon=":material/chevron_right:")

f1, f2, f3, f4 = st.columns(4, vertical_alignment="bottom")
program_id = f1.selectbox(
    _("Program"),
    [None, *program_names],
    format_func=lambda i: _("All programs") if i is None else program_names[i],
    key="cal_program",
)
platform = f2.selectbox(
    _("Platform"),
    [None, *PLATFORMS],
    format_func=lambda p: _("All platforms") if p is None else platform_label(p),
    key="cal_platform",
)
creator = f3.selectbox(
    _("Creator"),
    [None, *creator_names],
    format_func=lambda i: _("All creators") if i is None else creator_names[i],
    key="cal_creator",
)
STATUS_CHOICES = list(dict.fromkeys([*DELIVERABLE_STATUSES, *PAYMENT_STATUSES]))
statuses = f4.multiselect(
    _("Status"),
    STATUS_CHOICES,
    format_func=lambda s: term({**PAYMENT_STATUS_LABELS, **DELIVERABLE_STATUS_LABELS}, s),
    key="cal_status",
    placeholder=_("Any status"),
)
overdue_only = st.checkbox(_("Overdue only"), key="cal_overdue")  # its own line: the whole label in view

anchor = st.session_state["cal_day"]
if view == "week":
    since = anchor - dt.timedelta(days=anchor.weekday())  # Monday
    until = since + dt.timedelta(days=6)
    heading = _("Week of {day}", day=date_text(since))
else:
    since, until = month_start(anchor), month_end(anchor)
    heading = month_text(since)
filters = CalendarFilter(
    program_id=program_id,
    platform=platform,
    influencer_id=creator,
    statuses=frozenset(statuses),
    overdue_only=overdue_only,
)
entries = _entries(db_key(), since, until, now_day, filters)


def _word(key: str, code: str) -> str:
    return platform_label(code) if key == "platform" else term(DELIVERABLE_TYPE_LABELS, code)


def title(entry: CalendarEntry) -> str:
    return entry_title(entry, _, money, _word)


STATUS_KINDS = {
    DELIVERABLE_DUE: "deliverable_status",
    DELIVERABLE_POST: "deliverable_status",
    PAYMENT_DUE: "payment_status",
    PROGRAM_FLIGHT: "program_status",
    CAMPAIGN_FLIGHT: "campaign_status",
}


def status_text(entry: CalendarEntry) -> str:
    """An entry's status label: each kind names its record's status (a campaign's is stored upper case; the
    calendar feed writes it lower case)."""
    kind = STATUS_KINDS[entry.kind]
    code = entry.status.upper() if kind == "campaign_status" and entry.status else entry.status
    return label(kind, code)


st.subheader(heading)
overdue = [e for e in entries if e.overdue]
m1, m2, m3, m4 = st.columns(4)
m1.metric(_("Deliverables due"), sum(e.kind == DELIVERABLE_DUE for e in entries))
m2.metric(_("Planned posts"), sum(e.kind == DELIVERABLE_POST for e in entries))
m3.metric(_("Payments due"), sum(e.kind == PAYMENT_DUE for e in entries))
m4.metric(_("Overdue"), len(overdue))
if overdue:
    st.warning(_("{count} item(s) in this view are overdue.", count=len(overdue)))
if not entries:
    st.info(_("Nothing on the calendar for this {view} with these filters.", view=_(view)))

# The grid: one cell per day, Monday first; overdue entries in red, today outlined.
COLOURS = {
    DELIVERABLE_DUE: "#1565c0",
    DELIVERABLE_POST: "#2e7d32",
    PAYMENT_DUE: "#6a1b9a",
    CAMPAIGN_FLIGHT: "#ef6c00",
}
# A flight (program, campaign) is marked on its first and last day only, after the day's deliverables and payments
# (`influencers.calendar.grid_days`, the way Google Calendar and Hootsuite treat multi-day items): copied into every
# cell, twenty running campaigns buried each day's deliverables under "+20 more". One that began before the shown
# month or week is on its first day too, last in the cell, marked as continuing with its end date; those that do not
# fit in the cell's six lines are counted in one line (`fold_continuing`). The agenda lists every flight.
days = grid_days(entries, since, until)
FLIGHT_MARKS = {FLIGHT_STARTS: N_("Starts: {title}"), FLIGHT_ENDS: N_("Ends: {title}")}


def cell_title(entry: CalendarEntry, mark: str | None) -> str:
    """An entry's line in a day cell: its title, for a flight with whether it starts, ends or continues that day
    (a continuing one with the day it ends, or that it has no end date)."""
    if mark == FLIGHT_CONTINUES:
        if entry.open_ended:
            return _("▸ {title} (continues, no end date)", title=title(entry))
        return _("▸ {title} (continues, until {day})", title=title(entry), day=date_text(entry.end))
    return _(FLIGHT_MARKS[mark]).format(title=title(entry)) if mark else title(entry)


first_cell = since - dt.timedelta(days=since.weekday())
last_cell = until + dt.timedelta(days=6 - until.weekday())
header = "".join(
    f"<th>{html.escape(format_date(first_cell + dt.timedelta(days=i), 'EEE', locale=current_locale()))}</th>"
    for i in range(7)
)
rows = []
cell = first_cell
while cell <= last_cell:
    cells = []
    for _i in range(7):
        inside = since <= cell <= until
        style = "border:2px solid #d81b60;" if cell == now_day else ""
        items = []
        shown, folded = fold_continuing(days.get(cell, [])) if inside else ([], 0)
        for entry, mark in shown[:CELL_LINES]:
            colour = "#c62828" if entry.overdue else COLOURS.get(entry.kind, "#455a64")
            weight = "font-weight:600;" if entry.overdue else ""
            text = html.escape(cell_title(entry, mark))
            items.append(f'<div style="color:{colour};{weight}font-size:0.8em">{text}</div>')
        more = len(shown) - CELL_LINES
        if more > 0:
            more_text = html.escape(_("+{count} more", count=more))  # outside the f-string: the extractor sees it
            items.append(f'<div style="font-size:0.75em">{more_text}</div>')
        if folded:
            folded_text = html.escape(
                _("▸ {count} more flight(s) continue from earlier; the agenda lists them", count=folded)
            )
            items.append(f'<div style="color:#455a64;font-size:0.8em">{folded_text}</div>')
        number = f"<b>{cell.day}</b>" if inside else f'<span style="color:#9e9e9e">{cell.day}</span>'
        cells.append(f'<td style="vertical-align:top;width:14%;{style}">{number}{"".join(items)}</td>')
        cell += dt.timedelta(days=1)
    rows.append(f"<tr>{''.join(cells)}</tr>")
st.markdown(
    f'<table style="width:100%;table-layout:fixed"><tr>{header}</tr>{"".join(rows)}</table>',
    unsafe_allow_html=True,
)
if any(e.kind in FLIGHTS for e in entries):
    st.caption(
        _(
            "Program and campaign flights are shown on the day they start and the day they end; one that began "
            "earlier is shown on the first day of this {view} as continuing, with its end date. The agenda below "
            "lists every flight running in this {view}.",
            view=_(view),
        )
    )

# The agenda: the same entries as a table; picking a row opens its program or campaign.
if entries:
    st.subheader(_("Agenda"))
    table = pd.DataFrame(
        {
            "start": day_values(e.start for e in entries),
            "end": day_values(e.end for e in entries),
            "kind": [_(KIND_LABELS[e.kind]) for e in entries],
            "title": [title(e) for e in entries],
            "status": [status_text(e) for e in entries],
            "overdue": [e.overdue for e in entries],
        }
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="cal_agenda",
        on_select="rerun",
        selection_mode="single-row",
        placeholder=BLANK_CELL,
        column_config={
            "start": date_column(_("From")),
            "end": date_column(_("To")),
            "kind": _("Kind"),
            "title": _("What"),
            "status": _("Status"),
            "overdue": st.column_config.CheckboxColumn(_("Overdue")),
        },
    )
    rows_picked = getattr(getattr(picked, "selection", None), "rows", None) or []
    labels = {i: f"{date_text(e.start)} · {title(e)}" for i, e in enumerate(entries)}
    default = rows_picked[0] if rows_picked else None
    choice = st.selectbox(
        _("Open an entry"),
        list(labels),
        index=default,
        format_func=labels.get,
        placeholder=_("Pick an entry (or a table row) to open its program or campaign"),
        key="cal_open_pick",
    )
    if choice is not None:
        entry = entries[choice]
        if entry.program_id is not None and st.button(
            _("Open program {name}", name=program_names.get(entry.program_id, entry.program_id)),
            key="cal_open_program",
            icon=":material/open_in_new:",
        ):
            st.session_state["prog_select"] = entry.program_id
            st.switch_page("pages/programs/programs.py")
        if entry.campaign_id is not None and st.button(
            _("Open campaign {name}", name=entry.values.get("campaign", entry.campaign_id)),
            key="cal_open_campaign",
            icon=":material/open_in_new:",
        ):
            st.session_state["campaigns_detail"] = entry.campaign_id
            st.switch_page("pages/campaigns/campaigns.py")

# Planning a post date (specialists, managers, admins).
postable = {
    e.record_id: e for e in entries if e.kind in (DELIVERABLE_DUE, DELIVERABLE_POST) and e.status != "published"
}
if actor.can("program.edit") and postable:
    with st.expander(_("Plan a post date"), icon=":material/edit_calendar:"), st.form("cal_plan_post"):
        pick = st.selectbox(
            _("Deliverable"),
            list(postable),
            format_func=lambda i: title(postable[i]),
            key="cal_plan_deliverable",
        )
        day = st.date_input(_("Goes live on"), value=postable[pick].start, key="cal_plan_day", format=picker_format())
        clear = st.checkbox(_("Remove the planned post date"), key="cal_plan_clear")
        if st.form_submit_button(_("Save post date"), type="primary"):
            try:
                with session_scope() as session:
                    set_planned_post_date(session, actor, pick, None if clear else day, postable[pick].version)
            except (DomainError, PermissionDenied) as exc:
                message = error_text(exc)
                st.session_state["cal_flash"] = ("error", message)
            else:
                clear_caches()
                st.session_state["cal_flash"] = ("success", _("Post date saved."))
            st.rerun()
elif not actor.can("program.edit"):
    st.caption(_("Your role reads the calendar; planning post dates is for specialists and managers."))

# Feeds for calendar apps.
st.subheader(_("In your own calendar"))
st.caption(
    _(
        "Download an .ics file and import it into Google Calendar, Outlook or Apple Calendar; entries keep their "
        "identity, so importing a newer file updates them instead of adding copies."
    )
)
(scope_name, scope_ics), (mine_name, mine_ics) = _feeds(db_key(), program_id, actor.email, current_language(), now_day)
d1, d2 = st.columns(2)
d1.download_button(
    _("Download {scope} (.ics)", scope=program_names[program_id] if program_id else _("all programs")),
    scope_ics,
    file_name=scope_name,
    mime="text/calendar",
    key="cal_download",
    icon=":material/download:",
)
d2.download_button(
    _("Download my calendar (.ics)"),
    mine_ics,
    file_name=mine_name,
    mime="text/calendar",
    key="cal_download_mine",
    icon=":material/download:",
    help=_("The programs and creators you own."),
)
