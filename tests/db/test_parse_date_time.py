"""Dates with a time of day, as shops' order exports write an order's moment (`db.parse.parse_date_with_time`), and
the date order of a file column decided once from all its values (`db.parse.decide_date_order`): any day in range
in each supported shape reads back as that day, random text is refused only with a ParseError, a column's order
comes from a part above 12, else the file's language, else the person."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import Message
from db.parse import (
    DATE_ORDER_MIXED,
    DATE_ORDER_UNKNOWN,
    DATE_ORDER_UNKNOWN_ONE,
    EARLIEST,
    LATEST,
    ParseError,
    decide_date_order,
    parse_date,
    parse_date_with_time,
)

PROPERTIES = settings(database=None, deadline=None, max_examples=300)
NOV_3 = date(2026, 11, 3)


def refusal(text: str, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_date_with_time(text, **kwargs)
    return info.value


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("2026-11-03", None),
        ("2026-11-03 10:12", None),
        ("2026-11-03 10:12:31", None),
        ("2026-11-03T10:12:31", None),
        ("2026-11-03T10:12:31.250", None),
        ("2026-11-03T10:12:31.123456789Z", None),
        ("2026-11-03 23:59:59 +07:00", None),
        ("2026-11-03T23:30:00-0500", None),  # the day as written: the offset is not applied
        ("2026/11/03 00:00", None),
        ("03/11/2026 10:12:31", "dmy"),
        ("03/11/2026 10:12:31 AM", "dmy"),
        ("03/11/2026 12:00:00 AM", "dmy"),  # midnight: still the day written
        ("3/11/2026 9:05 pm", "dmy"),
        ("03-11-2026 10:12", "dmy"),
        ("03.11.2026 10.12.31", "dmy"),  # Bahasa Indonesia writes times with dots
        ("11/03/2026 10:12:31 PM", "mdy"),
        ("11/3/2026, 10:12:31 PM", "mdy"),  # a browser's en-US toLocaleString
        ("03/11/2026 10:12:31.5 AM", "dmy"),
        ("3 Nov 2026 22:05", None),
        ("3 November 2026 10.12", None),
        ("Nov 3, 2026 10:12 a.m.", None),
        ("Nov 3, 2026, 10:12:31PM", None),
    ],
)
def test_order_moments_read_as_their_day(text: str, order) -> None:
    assert parse_date_with_time(text, order=order) == NOV_3


def test_the_order_follows_the_locale_without_a_column_order() -> None:
    assert parse_date_with_time("03/11/2026 10:12", "id") == NOV_3
    assert parse_date_with_time("11/03/2026 10:12", "en_US") == NOV_3
    assert parse_date_with_time("25/11/2026 10:12") == date(2026, 11, 25)  # a part above 12 is plain
    assert parse_date_with_time(datetime(2026, 11, 3, 10, 12)) == NOV_3  # a spreadsheet cell's moment
    assert parse_date("03/11/2026", "en_US", order="dmy") == NOV_3  # the column's order wins over the locale


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("03/11/2026 25:00", "dmy"),
        ("03/11/2026 10:60", "dmy"),
        ("03/11/2026 10:12:61", "dmy"),
        ("03/11/2026 13:00 PM", "dmy"),
        ("03/11/2026 0:30 AM", "dmy"),
        ("03/11/2026T10:12", "dmy"),  # `T` only after an ISO date
        ("2026-11-03 10:12 +25:00", None),
        ("2026-11-03 10", None),
        ("10:12:31", None),
        ("2026-11-03 10:12:31 tomorrow", None),
        ("25/11/2026 10:12", "mdy"),  # the column's order is strict
        ("03/11/2026 10:12", None),  # no order, no locale: 3 November or 11 March
    ],
)
def test_bad_times_and_dates_are_refused(text: str, order) -> None:
    error = refusal(text, order=order, field="Created Time")
    assert str(error).startswith("Created Time: "), str(error)
    assert error.params["value"] == text


def test_a_date_form_still_refuses_a_time() -> None:
    with pytest.raises(ParseError):
        parse_date("2026-11-03 10:12")
    with pytest.raises(ParseError):
        parse_date(datetime(2026, 11, 3, 10, 12))


def test_an_unknown_order_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown date order"):
        parse_date_with_time("2026-11-03", order="ymd")  # type: ignore[arg-type]


def _shapes(day: date, moment: time) -> list[tuple[str, str | None]]:
    """The day and time in every shape the reader accepts, each with the order its numeric date needs."""
    hms = moment.strftime("%H:%M:%S")
    hm = moment.strftime("%H:%M")
    twelve = f"{moment.hour % 12 or 12}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"
    dmy, mdy = day.strftime("%d/%m/%Y"), day.strftime("%m/%d/%Y")
    return [
        (day.isoformat(), None),
        (f"{day.isoformat()} {hm}", None),
        (f"{day.isoformat()} {hms}", None),
        (f"{day.isoformat()}T{hms}.{moment.microsecond:06d}Z", None),
        (f"{day.isoformat()}T{hms}+07:00", None),
        (dmy, "dmy"),
        (f"{dmy} {hms}", "dmy"),
        (f"{dmy} {twelve}", "dmy"),
        (f"{day:%d-%m-%Y} {hm}", "dmy"),
        (f"{day:%d.%m.%Y} {moment:%H.%M.%S}", "dmy"),
        (mdy, "mdy"),
        (f"{mdy} {twelve}", "mdy"),
        (f"{day.month}/{day.day}/{day.year}, {twelve.lower()}", "mdy"),
        (f"{format_date(day, 'd MMM y', locale='id_ID')} {hm}", None),
        (f"{format_date(day, 'MMM d, y', locale='en_US')} {twelve}", None),
    ]


@PROPERTIES
@given(day=st.dates(min_value=EARLIEST, max_value=LATEST), moment=st.times())
def test_any_day_in_range_reads_back_in_every_shape(day: date, moment: time) -> None:
    for text, order in _shapes(day, moment):
        assert parse_date_with_time(text, order=order) == day, text


@PROPERTIES
@given(day=st.dates(min_value=EARLIEST, max_value=LATEST), moment=st.times())
def test_the_decided_column_order_reads_every_shape_back(day: date, moment: time) -> None:
    """The column's decision and the reader agree: a column of one shape decided, then read in its order."""
    for text, order in _shapes(day, moment):
        decided = decide_date_order([(2, text)], column="Date", locale="id")
        assert decided.problem is None
        expected = day if order in (None, "dmy") else decided_day(day)
        assert parse_date_with_time(text, order=decided.order) == expected, text


def decided_day(day: date) -> date:
    """An `mm/dd/yyyy` text read by a Bahasa file's day-first rule: the day and month swapped (when that is a
    day) unless a part above 12 or equal parts decide it plainly."""
    if day.day > 12 or day.day == day.month:
        return day
    return date(day.year, day.day, day.month)


@PROPERTIES
@given(text=st.text(max_size=80), order=st.sampled_from([None, "dmy", "mdy"]), locale=st.sampled_from([None, "id"]))
def test_random_text_is_a_day_or_a_parse_error(text: str, order, locale) -> None:
    try:
        day = parse_date_with_time(text, locale, order=order)
    except ParseError:
        return
    assert EARLIEST <= day <= LATEST


@PROPERTIES
@given(
    stem=st.sampled_from(["03/11/2026", "2026-11-03", "3 Nov 2026", "11/03/2026"]),
    tail=st.text(alphabet=" 0123456789:.,+-TZAPMapm", max_size=24),
)
def test_random_times_after_a_date_are_a_day_or_a_parse_error(stem: str, tail: str) -> None:
    try:
        day = parse_date_with_time(stem + tail, order="dmy")
    except ParseError:
        return
    assert day in (NOV_3, date(2026, 3, 11))


@PROPERTIES
@given(cells=st.lists(st.one_of(st.text(max_size=30), st.none(), st.integers()), max_size=20))
def test_random_columns_are_decided_or_refused_never_raise(cells: list) -> None:
    decided = decide_date_order(list(enumerate(cells, start=2)), column="Date")
    assert (decided.order is None) or decided.problem is None


# ---------------------------------------------------------------------------------------------
# The column's order
# ---------------------------------------------------------------------------------------------


def _column(*values: str) -> list[tuple[int, str]]:
    return list(enumerate(values, start=2))


def test_a_first_part_above_12_makes_the_column_day_first() -> None:
    decided = decide_date_order(
        _column("03/11/2026 10:12:31 AM", "25/11/2026 09:00:00 PM", "04/11/2026 08:00:00 AM"), column="Created Time"
    )
    assert (decided.order, decided.source, decided.evidence) == ("dmy", "values", (3, "25/11/2026 09:00:00 PM"))
    assert not decided.needs_choice
    assert decided.problem is None


def test_a_second_part_above_12_makes_the_column_month_first() -> None:
    decided = decide_date_order(_column("11/03/2026 10:12:31 PM", "11/25/2026 10:12:31 PM"), column="Created Time")
    assert (decided.order, decided.evidence) == ("mdy", (3, "11/25/2026 10:12:31 PM"))


def test_both_ways_in_one_column_is_refused_naming_the_two_rows() -> None:
    decided = decide_date_order(
        _column("03/11/2026", "25/11/2026 10:00", "01/01/2026", "11/25/2026 10:00"), column="Tanggal"
    )
    assert decided.order is None
    assert decided.problem is not None
    assert decided.problem.text == DATE_ORDER_MIXED
    assert str(decided.problem) == (
        "the dates of column 'Tanggal' are written both day first (25/11/2026 10:00 in row 3) and month first "
        "(11/25/2026 10:00 in row 5); export the file again with one date format"
    )


def test_a_column_of_small_parts_follows_the_files_language() -> None:
    decided = decide_date_order(_column("03-11-2026 10:12", "04-11-2026 09:00"), column="Waktu", locale="id")
    assert (decided.order, decided.source, decided.needs_choice) == ("dmy", "language", False)


def test_a_column_of_small_parts_in_an_unknown_language_is_refused_naming_the_column_and_two_values() -> None:
    fix = Message("give --date-order")
    decided = decide_date_order(
        _column("03/11/2026 10:12:31 AM", "03/11/2026 11:00:00 AM", "04/11/2026 09:00:00 AM", "05/11/2026"),
        column="Created Time",
        fix=fix,
    )
    assert decided.order is None
    assert decided.needs_choice
    assert decided.problem is not None
    assert decided.problem.text == DATE_ORDER_UNKNOWN
    assert str(decided.problem) == (
        "the dates of column 'Created Time' could be day/month/year or month/day/year (03/11/2026 10:12:31 AM in "
        "row 2, 03/11/2026 11:00:00 AM in row 3): none of them has a part above 12, and the file's language does not "
        "say which; give --date-order"
    )
    one = decide_date_order(_column("03/11/2026", "2026-11-04"), column="Date")
    assert one.problem is not None
    assert one.problem.text == DATE_ORDER_UNKNOWN_ONE
    assert "(03/11/2026 in row 2)" in str(one.problem)


def test_a_chosen_order_wins_and_still_says_a_choice_was_needed() -> None:
    values = _column("03/11/2026 10:12:31 AM", "04/11/2026 09:00:00 AM")
    chosen = decide_date_order(values, column="Created Time", chosen="mdy")
    assert (chosen.order, chosen.source, chosen.needs_choice, chosen.problem) == ("mdy", "chosen", True, None)
    settled = decide_date_order(_column("25/11/2026"), column="Created Time", chosen="dmy")
    assert not settled.needs_choice


def test_columns_without_two_way_dates_need_no_order() -> None:
    for values in (("2026-11-03 10:12", "3 Nov 2026"), ("05/05/2026", "11/11/2026 10:00"), ("", "-")):
        decided = decide_date_order(_column(*values), column="Date")
        assert (decided.order, decided.problem, decided.needs_choice) == (None, None, False)
        for text in values:
            if text.strip("-"):
                parse_date_with_time(text, order=decided.order)  # read without an order
