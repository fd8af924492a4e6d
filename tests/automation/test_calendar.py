"""The content calendar: entries and filters, the planned post date, the .ics feed parsed back (stable UIDs, an
edited deliverable keeps its UID), the CLI, and the Calendar page for each role."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from automation.feeds import calendar_feed
from campaigns.models import AdAccount, Campaign
from db.engine import session_scope
from db.errors import ConflictError
from db.roles import Actor, PermissionDenied
from influencers.calendar import (
    CAMPAIGN_FLIGHT,
    DELIVERABLE_DUE,
    DELIVERABLE_POST,
    FLIGHT_CONTINUES,
    FLIGHT_ENDS,
    FLIGHT_STARTS,
    PAYMENT_DUE,
    PROGRAM_FLIGHT,
    CalendarError,
    CalendarFilter,
    calendar_entries,
    grid_days,
    set_planned_post_date,
    workspace_id,
)
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable, update_deliverable
from influencers.models import Deliverable, ProgramCampaign
from influencers.payments import add_payment
from influencers.programs import add_collaboration, create_program
from tests.builders import contract

FLIGHT_KINDS = (PROGRAM_FLIGHT, CAMPAIGN_FLIGHT)
SPECIALIST = Actor("specialist@example.com", "specialist")
TODAY = dt.date(2026, 11, 16)
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def plan(migrated_url: str) -> dict:
    """Two programs; a reel due the 10th (overdue), a TikTok due the 20th planned to go live the 22nd, a payment due
    the 12th; a campaign (Jakarta account) linked to the first program, running the 5th to the 25th."""
    with session_scope(migrated_url) as s:
        kopi = create_program(
            s,
            SPECIALIST,
            {"name": "Kopi Launch", "currency": "IDR", "start_date": "2026-11-01", "end_date": "2026-11-30"},
        )
        kopi.owner = "Owner@example.com"
        teh = create_program(s, SPECIALIST, {"name": "Teh Ramadan", "currency": "IDR", "start_date": "2026-12-01"})
        ayu = create_influencer(s, SPECIALIST, {"name": "Ayu Lestari", "handles": {"instagram": "@ayu.l"}})
        budi = create_influencer(s, SPECIALIST, {"name": "Budi Santoso", "handles": {"tiktok": "@budi"}})
        c1 = add_collaboration(s, SPECIALIST, kopi.id, ayu.id, {"fee": "2500000"})
        c2 = add_collaboration(s, SPECIALIST, teh.id, budi.id, {"fee": "1000000"})
        reel = add_deliverable(
            s, SPECIALIST, c1.id, {"platform": "instagram", "type": "reel", "due_date": "2026-11-10"}
        )
        tiktok = add_deliverable(
            s, SPECIALIST, c2.id, {"platform": "tiktok", "type": "video", "due_date": "2026-11-20"}
        )
        tiktok.planned_post_date = dt.date(2026, 11, 22)
        contract(s, SPECIALIST, c1.id)
        pay = add_payment(s, SPECIALIST, c1.id, "2500000", due_date=dt.date(2026, 11, 12))
        account = AdAccount(account_id="9", name="Acme ID", currency="IDR", timezone_name="Asia/Jakarta")
        s.add(account)
        s.flush()
        campaign = Campaign(
            account_id=account.id,
            name="Kopi boost",
            currency="IDR",
            status="ACTIVE",
            effective_status="ACTIVE",
            daily_budget=Decimal(500_000),
            start_time=dt.datetime(2026, 11, 4, 17, 0, tzinfo=dt.UTC),  # Nov 5 00:00 Jakarta
            stop_time=dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC),  # Nov 26 00:00: last day Nov 25
        )
        s.add(campaign)
        s.flush()
        s.add(ProgramCampaign(program_id=kopi.id, campaign_id=campaign.id))
        return {
            "url": migrated_url,
            "kopi": kopi.id,
            "teh": teh.id,
            "ayu": ayu.id,
            "reel": reel.id,
            "tiktok": tiktok.id,
            "payment": pay.id,
            "campaign": campaign.id,
        }


def _entries(url: str, **filters) -> list:
    with session_scope(url) as s:
        return calendar_entries(s, *NOV, TODAY, CalendarFilter(**filters))


def test_the_month_shows_deliverables_posts_payments_and_flights(plan) -> None:
    entries = _entries(plan["url"])
    found = {(e.kind, e.record_id): e for e in entries}
    assert set(found) == {
        (DELIVERABLE_DUE, plan["reel"]),
        (DELIVERABLE_DUE, plan["tiktok"]),
        (DELIVERABLE_POST, plan["tiktok"]),
        (PAYMENT_DUE, plan["payment"]),
        (PROGRAM_FLIGHT, plan["kopi"]),
        (CAMPAIGN_FLIGHT, plan["campaign"]),
    }
    assert found[(DELIVERABLE_DUE, plan["reel"])].overdue  # due the 10th, not published
    assert not found[(DELIVERABLE_DUE, plan["tiktok"])].overdue
    assert found[(PAYMENT_DUE, plan["payment"])].overdue
    flight = found[(CAMPAIGN_FLIGHT, plan["campaign"])]
    assert (flight.start, flight.end, flight.program_id) == (dt.date(2026, 11, 5), dt.date(2026, 11, 25), plan["kopi"])
    assert [e.start for e in entries] == sorted(e.start for e in entries)


def test_filters_by_program_platform_creator_status_overdue_and_owner(plan) -> None:
    url = plan["url"]
    kinds = lambda entries: sorted((e.kind, e.record_id) for e in entries)  # noqa: E731
    by_program = kinds(_entries(url, program_id=plan["kopi"]))
    assert by_program == sorted(
        [
            (DELIVERABLE_DUE, plan["reel"]),
            (PAYMENT_DUE, plan["payment"]),
            (PROGRAM_FLIGHT, plan["kopi"]),
            (CAMPAIGN_FLIGHT, plan["campaign"]),
        ]
    )
    assert kinds(_entries(url, platform="tiktok")) == [
        (DELIVERABLE_DUE, plan["tiktok"]),
        (DELIVERABLE_POST, plan["tiktok"]),
    ]
    assert kinds(_entries(url, influencer_id=plan["ayu"])) == [
        (DELIVERABLE_DUE, plan["reel"]),
        (PAYMENT_DUE, plan["payment"]),
    ]
    assert kinds(_entries(url, statuses=frozenset({"pending"}))) == [(PAYMENT_DUE, plan["payment"])]
    assert kinds(_entries(url, overdue_only=True)) == [(DELIVERABLE_DUE, plan["reel"]), (PAYMENT_DUE, plan["payment"])]
    mine = kinds(_entries(url, owner="owner@example.com"))
    assert (DELIVERABLE_DUE, plan["tiktok"]) not in mine
    assert (PROGRAM_FLIGHT, plan["kopi"]) in mine


def test_planned_post_date_is_checked_audited_and_refused_when_stale(plan) -> None:
    url = plan["url"]
    with session_scope(url) as s:
        with pytest.raises(PermissionDenied):
            set_planned_post_date(s, Actor("f@example.com", "finance"), plan["reel"], dt.date(2026, 11, 18))
        item = set_planned_post_date(s, SPECIALIST, plan["reel"], dt.date(2026, 11, 18), version_id=1)
        assert item.planned_post_date == dt.date(2026, 11, 18)
    with session_scope(url) as s, pytest.raises(ConflictError):
        set_planned_post_date(s, SPECIALIST, plan["reel"], dt.date(2026, 11, 19), version_id=1)
    with session_scope(url) as s:
        update_deliverable(
            s,
            SPECIALIST,
            plan["tiktok"],
            {
                "platform": "tiktok",
                "type": "video",
                "due_date": "2026-11-20",
                "status": "published",
                "url": "https://www.tiktok.com/@budi/video/1",
                "published_date": "2026-11-21",
            },
            None,
        )
    with session_scope(url) as s, pytest.raises(CalendarError, match="already published"):
        set_planned_post_date(s, SPECIALIST, plan["tiktok"], dt.date(2026, 11, 23))
    post = [e for e in _entries(url) if e.kind == DELIVERABLE_POST and e.record_id == plan["tiktok"]]
    assert [(e.start, e.overdue) for e in post] == [(dt.date(2026, 11, 21), False)]  # the real post date


def _parse(data: bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_ics_feed_parses_back_with_stable_uids(plan) -> None:
    url = plan["url"]
    with session_scope(url) as s:
        name, first = calendar_feed(s, today=TODAY)
        _name, second = calendar_feed(s, today=TODAY)
        ws = workspace_id(s)
    assert name == "pantau-calendar.ics"
    assert first == second  # the same data gives the same bytes
    events = _parse(first)
    reel_uid = f"pantau-deliverable-due-{plan['reel']}@{ws}"
    assert reel_uid in events
    reel = events[reel_uid]
    assert str(reel["SUMMARY"]) == "Overdue: Due: reel by Ayu Lestari on Instagram (Kopi Launch)"
    assert reel.decoded("DTSTART") == dt.date(2026, 11, 10)
    assert reel.decoded("DTEND") == dt.date(2026, 11, 11)  # exclusive end of an all-day event
    flight = events[f"pantau-campaign-flight-{plan['campaign']}@{ws}"]
    assert (flight.decoded("DTSTART"), flight.decoded("DTEND")) == (dt.date(2026, 11, 5), dt.date(2026, 11, 26))
    payment = events[f"pantau-payment-due-{plan['payment']}@{ws}"]
    assert "IDR" in str(payment["SUMMARY"])
    assert "2,500,000" in str(payment["SUMMARY"])

    with session_scope(url) as s:  # edit the reel: it moves and gets a post date
        update_deliverable(
            s, SPECIALIST, plan["reel"], {"platform": "instagram", "type": "reel", "due_date": "2026-11-18"}, None
        )
        version = s.get(Deliverable, plan["reel"]).version_id
        set_planned_post_date(s, SPECIALIST, plan["reel"], dt.date(2026, 11, 24), version_id=version)
    with session_scope(url) as s:
        _name, third = calendar_feed(s, today=TODAY)
    edited = _parse(third)
    assert set(events) < set(edited)  # every old UID is still there (plus the new post entry)
    moved = edited[reel_uid]
    assert moved.decoded("DTSTART") == dt.date(2026, 11, 18)
    assert int(moved["SEQUENCE"]) > int(reel["SEQUENCE"])
    assert f"pantau-deliverable-post-{plan['reel']}@{ws}" in edited


def test_feeds_per_program_and_in_bahasa_indonesia(plan) -> None:
    with session_scope(plan["url"]) as s:
        name, data = calendar_feed(s, program_id=plan["kopi"], language="id", today=TODAY)
    assert name == "pantau-kopi-launch.ics"
    cal = Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "Pantau: Kopi Launch"
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert "Terlambat: Tenggat: reel oleh Ayu Lestari di Instagram (Kopi Launch)" in summaries
    assert any(s.startswith("Terlambat: Pembayaran jatuh tempo: Rp2.500.000") for s in summaries)
    assert not any("Budi" in s for s in summaries)


def test_cli_writes_the_ics_file(plan, tmp_path) -> None:
    from cli import app

    target = tmp_path / "kopi.ics"
    result = CliRunner().invoke(app, ["calendar", "ics", "--program", str(plan["kopi"]), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert b"BEGIN:VCALENDAR" in target.read_bytes()
    missing = CliRunner().invoke(app, ["calendar", "ics", "--program", "999"])
    assert missing.exit_code == 1
    assert "There is no program #999" in missing.output


# -- the page ------------------------------------------------------------------------------------------


def _page(as_role, role: str):
    at = as_role(role)
    at.session_state["cal_day"] = dt.date(2026, 11, 16)
    at.switch_page("pages/calendar/calendar.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["admin", "manager", "specialist"])
def test_calendar_page_for_planners(plan, as_role, role: str) -> None:
    at = _page(as_role, role)
    assert [t.value for t in at.title] == ["Calendar"]
    grid = " ".join(m.value for m in at.markdown)
    assert "Ayu Lestari" in grid
    assert "#c62828" in grid
    assert any(b.key == "cal_download" for b in at.get("download_button"))
    assert at.get("expander")  # Plan a post date


def test_calendar_page_is_read_only_for_finance_and_closed_to_viewers(plan, as_role) -> None:
    at = _page(as_role, "finance")
    assert [t.value for t in at.title] == ["Calendar"]
    assert not at.get("expander")
    assert any("planning post dates is for specialists" in c.value for c in at.caption)
    viewer = as_role("viewer")
    viewer.switch_page("pages/calendar/calendar.py").run()
    assert "not permitted" in " ".join(e.value for e in viewer.error)


def test_calendar_filters_and_opening_a_program(plan, as_role) -> None:
    at = _page(as_role, "manager")
    at.selectbox(key="cal_program").select(plan["kopi"]).run()
    assert not at.exception
    options = at.selectbox(key="cal_open_pick").options
    assert any("Budi" in o for o in options) is False
    reel = next(i for i, o in enumerate(options) if "Ayu Lestari" in o and "Due" in o)
    at.selectbox(key="cal_open_pick").set_value(reel).run()
    at.button(key="cal_open_program").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Programs"]
    assert at.selectbox(key="prog_select").value == plan["kopi"]


def test_planning_a_post_date_on_the_page(plan, as_role) -> None:
    at = _page(as_role, "specialist")
    at.selectbox(key="cal_plan_deliverable").select(plan["reel"])
    at.date_input(key="cal_plan_day").set_value(dt.date(2026, 11, 27))
    at.button(key="FormSubmitter:cal_plan_post-Save post date").click().run()
    assert not at.exception, at.exception
    assert "Post date saved." in [s.value for s in at.success]
    with session_scope(plan["url"]) as s:
        assert s.get(Deliverable, plan["reel"]).planned_post_date == dt.date(2026, 11, 27)


# -- flights running through the shown month or week --------------------------------------------------------


@pytest.fixture
def spanning(plan) -> dict:
    """Besides `plan`: a program running mid-October to January (through all of November), one from October 20 to
    November 10, and a campaign started in October with no stop time (always on)."""
    with session_scope(plan["url"]) as s:
        ramadan = create_program(
            s,
            SPECIALIST,
            {"name": "Ramadan 2026", "currency": "IDR", "start_date": "2026-10-15", "end_date": "2027-01-10"},
        )
        autumn = create_program(
            s,
            SPECIALIST,
            {"name": "Autumn Teasers", "currency": "IDR", "start_date": "2026-10-20", "end_date": "2026-11-10"},
        )
        account = s.query(AdAccount).one()
        always = Campaign(
            account_id=account.id,
            name="Always on brand",
            currency="IDR",
            status="ACTIVE",
            effective_status="ACTIVE",
            daily_budget=Decimal(100_000),
            start_time=dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC),
        )
        s.add(always)
        s.flush()
        return {**plan, "ramadan": ramadan.id, "autumn": autumn.id, "always": always.id}


def test_a_flight_running_through_the_month_is_on_its_first_day_as_continuing(spanning) -> None:
    entries = _entries(spanning["url"])
    found = {(e.kind, e.record_id): e for e in entries}
    ramadan = found[(PROGRAM_FLIGHT, spanning["ramadan"])]
    autumn = found[(PROGRAM_FLIGHT, spanning["autumn"])]
    always = found[(CAMPAIGN_FLIGHT, spanning["always"])]
    assert (ramadan.start, ramadan.end) == (dt.date(2026, 10, 15), dt.date(2027, 1, 10))
    assert always.open_ended
    assert always.start == dt.date(2026, 10, 1)
    kopi = found[(PROGRAM_FLIGHT, spanning["kopi"])]  # Nov 1 to Nov 30: starts and ends inside the month
    days = grid_days(entries, *NOV)
    where: dict[tuple[str, int, str | None], list[dt.date]] = {}
    for day, cell in sorted(days.items()):
        for e, mark in cell:
            where.setdefault((e.kind, e.record_id, mark), []).append(day)
    nov_1 = [dt.date(2026, 11, 1)]
    assert where[(PROGRAM_FLIGHT, ramadan.record_id, FLIGHT_CONTINUES)] == nov_1
    assert where[(PROGRAM_FLIGHT, autumn.record_id, FLIGHT_CONTINUES)] == nov_1
    assert where[(PROGRAM_FLIGHT, autumn.record_id, FLIGHT_ENDS)] == [dt.date(2026, 11, 10)]
    assert where[(CAMPAIGN_FLIGHT, always.record_id, FLIGHT_CONTINUES)] == nov_1
    assert where[(PROGRAM_FLIGHT, kopi.record_id, FLIGHT_STARTS)] == nov_1  # begins on the 1st: not "continues"
    assert where[(PROGRAM_FLIGHT, kopi.record_id, FLIGHT_ENDS)] == [dt.date(2026, 11, 30)]
    assert (PROGRAM_FLIGHT, kopi.record_id, FLIGHT_CONTINUES) not in where
    # The spanning ones are on no other day: not on the month's last day, nor marked as starting.
    assert [k for k in where if k[:2] == (PROGRAM_FLIGHT, ramadan.record_id)] == [
        (PROGRAM_FLIGHT, ramadan.record_id, FLIGHT_CONTINUES)
    ]
    assert [k for k in where if k[:2] == (CAMPAIGN_FLIGHT, always.record_id)] == [
        (CAMPAIGN_FLIGHT, always.record_id, FLIGHT_CONTINUES)
    ]
    # On Nov 1, the day's other entries come first, then the flights: programs before campaigns.
    first_day = [(e.kind, mark) for e, mark in days[dt.date(2026, 11, 1)]]
    assert first_day.index((CAMPAIGN_FLIGHT, FLIGHT_CONTINUES)) > first_day.index((PROGRAM_FLIGHT, FLIGHT_CONTINUES))


def test_a_week_inside_a_flight_shows_it_on_the_monday(spanning) -> None:
    week = dt.date(2026, 11, 16), dt.date(2026, 11, 22)
    with session_scope(spanning["url"]) as s:
        entries = calendar_entries(s, *week, TODAY)
    days = grid_days(entries, *week)
    monday = {(e.record_id, mark) for e, mark in days[dt.date(2026, 11, 16)] if e.kind in FLIGHT_KINDS}
    assert (spanning["ramadan"], FLIGHT_CONTINUES) in monday
    assert (spanning["always"], FLIGHT_CONTINUES) in monday
    assert (spanning["autumn"], FLIGHT_CONTINUES) not in monday  # it ended on the 10th: not in this week at all
    others = [mark for day, cell in days.items() if day != week[0] for e, mark in cell if e.kind in FLIGHT_KINDS]
    assert FLIGHT_CONTINUES not in others


def _grid_in_bahasa(as_role, view: str) -> tuple[object, list[str]]:
    """The Calendar page in Bahasa Indonesia on the month or the week of Nov 16, 2026, and its grid's cells."""
    at = as_role("manager")
    at.session_state["language"] = "id"
    at.session_state["language_source"] = "person"
    at.session_state["cal_day"] = dt.date(2026, 11, 16)
    at.session_state["cal_view"] = view
    at.switch_page("pages/calendar/calendar.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Kalender"]
    grid = next(m.value for m in at.markdown if m.value.startswith("<table"))
    return at, re.findall(r"<td[^>]*>(.*?)</td>", grid)


def test_the_calendar_page_shows_a_continuing_flight_in_bahasa(spanning, as_role) -> None:
    at, cells = _grid_in_bahasa(as_role, "month")
    first = next(c for c in cells if c.startswith("<b>1</b>"))  # November 1st, a Sunday
    assert "▸ Program: Ramadan 2026 (berlanjut, sampai 10 Jan 2027)" in first
    assert "▸ Program: Autumn Teasers (berlanjut, sampai 10 Nov 2026)" in first
    assert "▸ Kampanye: Always on brand (Acme ID) (berlanjut, tanpa tanggal akhir)" in first
    assert sum("Ramadan 2026" in c for c in cells) == 1  # on the first day only
    assert any("Berakhir: Program: Autumn Teasers" in c for c in cells)
    caption = (
        "Masa tayang program dan kampanye ditampilkan pada hari mulai dan hari berakhirnya; yang dimulai lebih "
        "awal ditampilkan pada hari pertama bulan ini sebagai berlanjut, dengan tanggal berakhirnya. Agenda di "
        "bawah mencantumkan setiap masa tayang yang berjalan dalam bulan ini."
    )
    assert caption in [c.value for c in at.caption]
    # The week view carries it into the Monday.
    _week, cells = _grid_in_bahasa(as_role, "week")
    monday = cells[0]
    assert monday.startswith("<b>16</b>")
    assert "▸ Program: Ramadan 2026 (berlanjut, sampai 10 Jan 2027)" in monday
