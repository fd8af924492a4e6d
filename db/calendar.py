"""Calendar rules in one place: time zones (with the one fallback), "today" for an account and for the
workspace, months and their segments, and the `Period` (a range of whole days) every budget uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

DEFAULT_WORKSPACE_TIMEZONE = "Asia/Jakarta"
EARLIEST_DATE = dt.date(2000, 1, 1)  # dates people type or files carry must fall in this range
LATEST_DATE = dt.date(2100, 12, 31)


@lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name`; UTC when it is missing or unknown (Meta and imports may send neither)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_timezone(name: object) -> bool:
    """True for a known IANA zone name such as `Asia/Jakarta`."""
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _moment(now: dt.datetime | None) -> dt.datetime:
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    return moment


def local_today(timezone_name: str | None, now: dt.datetime | None = None) -> dt.date:
    """The calendar day at `now` (aware; default the current time) in a zone: an ad account's today."""
    return _moment(now).astimezone(zone(timezone_name)).date()


def local_date(moment: dt.datetime | None, timezone_name: str | None) -> dt.date | None:
    """The local calendar day of a UTC timestamp (campaign start and stop times)."""
    if moment is None:
        return None
    return moment.astimezone(zone(timezone_name)).date()


def local_datetime(moment: dt.datetime | None, timezone_name: str | None) -> dt.datetime | None:
    """A UTC timestamp in a zone (for showing and exporting)."""
    if moment is None:
        return None
    return moment.astimezone(zone(timezone_name))


def last_running_day(stop_time: dt.datetime | None, timezone_name: str | None) -> dt.date | None:
    """The last local day a campaign may spend: a stop at local midnight means the day before."""
    if stop_time is None:
        return None
    local = stop_time.astimezone(zone(timezone_name))
    day = local.date()
    return day - dt.timedelta(days=1) if local.time() == dt.time(0) else day


def week_start(day: dt.date) -> dt.date:
    """The Sunday that opens `day`'s Sunday-Saturday week (Meta's weekly budget cap)."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


# A page's default range: month to date once the month has this many completed days, else the last 30 days, so
# nobody opens Campaigns on the 1st to one partial day.
MONTH_TO_DATE_MIN_DAYS = 7
RECENT_RANGE_DAYS = 30


def default_range(today: dt.date) -> Period:
    """The range a page opens on (Campaigns, the Budgets custom range): month to date once the month has at least
    `MONTH_TO_DATE_MIN_DAYS` completed days before today (from the 8th), else the last 30 days up to today."""
    if today.day - 1 >= MONTH_TO_DATE_MIN_DAYS:
        return Period(month_start(today), today)
    return Period(today - dt.timedelta(days=RECENT_RANGE_DAYS - 1), today)


def month_segments(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The range cut at month boundaries: [(since, end of its month), ..., (start of last month, until)]."""
    segments = []
    start = since
    while start <= until:
        end = min(month_end(start), until)
        segments.append((start, end))
        start = end + dt.timedelta(days=1)
    return segments


def is_whole_month(since: dt.date, until: dt.date) -> bool:
    return since == month_start(since) and until == month_end(since)


@dataclass(frozen=True)
class Period:
    """A range of calendar days from `start` to `end`, both included (a budget period, a report range)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period end {self.end} is before its start {self.start}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        return cls(start, month_end(start))

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        return cls.month(day.year, day.month)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def overlap_days(self, start: dt.date | None, end: dt.date | None) -> int:
        """Days of this period inside [start, end] (open ends allowed)."""
        first = max(self.start, start) if start else self.start
        last = min(self.end, end) if end else self.end
        return max((last - first).days + 1, 0)


def workspace_timezone(session: Session) -> str:
    """The workspace time zone (Settings page, else PANTAU_WORKSPACE_TIMEZONE, else Asia/Jakarta)."""
    from db.settings import get_setting

    name = get_setting(session, "workspace_timezone")
    return name if is_timezone(name) else DEFAULT_WORKSPACE_TIMEZONE


def workspace_today(session: Session, now: dt.datetime | None = None) -> dt.date:
    """Today in the workspace time zone: the date every page, form and payment uses (pacing aside)."""
    return local_today(workspace_timezone(session), now)
