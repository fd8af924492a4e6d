"""Days and months in domain messages (db.errors `Day`, `Month`): ISO on the command line and in logs, the reader's
date on pages (`20 Okt 2026`, `Oktober 2026`), kept through `to_data`/`from_data`; and page variants of sentences
that name a command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.errors import Day, DomainError, Message, Month, period_param

D = dt.date


@pytest.fixture
def bahasa(monkeypatch):
    """Pages speak Bahasa Indonesia (as tests/sync/test_sync_page.py `_in_bahasa`)."""
    from pages.components import i18n

    monkeypatch.setattr(i18n, "current_language", lambda: "id")


@pytest.fixture
def english(monkeypatch):
    from pages.components import i18n

    monkeypatch.setattr(i18n, "current_language", lambda: "en")


def _page(message: Message) -> str:
    from pages.components.inputs import message_text

    return message_text(message)


REFUND_BEFORE = "the refund date {date} is before the payment's paid date {paid_date}"


def test_a_day_is_iso_on_the_command_line_and_the_readers_date_on_a_page(bahasa) -> None:
    message = Message(REFUND_BEFORE, {"date": Day(D(2026, 10, 19)), "paid_date": Day(D(2026, 10, 20))})
    assert str(message) == "the refund date 2026-10-19 is before the payment's paid date 2026-10-20"
    assert _page(message) == "tanggal pengembalian 19 Okt 2026 sebelum tanggal dibayar pembayaran itu, 20 Okt 2026"


def test_english_pages_write_the_english_date(english) -> None:
    message = Message(REFUND_BEFORE, {"date": Day(D(2026, 10, 19)), "paid_date": D(2026, 10, 20)})
    assert _page(message) == "the refund date Oct 19, 2026 is before the payment's paid date Oct 20, 2026"


def test_a_month_is_year_month_on_the_command_line_and_named_on_a_page(bahasa) -> None:
    message = Message("{month} is not closed.", {"month": Month(D(2026, 8, 17))})
    assert str(message) == "2026-08 is not closed."
    assert _page(message) == "Agustus 2026 belum ditutup."


def test_a_bare_date_is_a_day_and_a_datetime_is_not() -> None:
    assert Message("{d}", {"d": D(2026, 10, 20)}).to_data()["params"]["d"] == {"day": "2026-10-20"}
    moment = dt.datetime(2026, 10, 20, 9, 30)
    assert Message("{d}", {"d": moment}).to_data()["params"]["d"] == str(moment)  # a moment stays its text
    assert Day(moment) == Day(D(2026, 10, 20))  # given as a Day, a moment counts as its date


def test_nested_messages_and_domain_errors_keep_their_dates(bahasa) -> None:
    inner = Message("{month} is not closed.", {"month": Month(D(2026, 10, 1))})
    error = DomainError(Message("{first}; {second}", {"first": inner}), second=Day(D(2026, 11, 1)))
    assert str(error) == "2026-10 is not closed.; 2026-11-01"
    assert _page(error.message) == "Oktober 2026 belum ditutup.; 1 Nov 2026"


def test_stored_days_and_months_round_trip_through_json(bahasa) -> None:
    message = Message(
        "{month} is closed; {day}",
        {"month": Month(D(2026, 10, 1)), "day": Day(D(2026, 10, 20)), "plain": D(2026, 1, 2), "n": 3},
        page_text="page: {month} {day}",
    )
    data = json.loads(json.dumps(message.to_data()))  # as a failed sync run stores it
    again = Message.from_data(data)
    assert again.params == {
        "month": Month(D(2026, 10, 1)),
        "day": Day(D(2026, 10, 20)),
        "plain": Day(D(2026, 1, 2)),
        "n": 3,
    }
    assert again.page_text == "page: {month} {day}"
    assert str(again) == str(message) == "2026-10 is closed; 2026-10-20"
    assert _page(again) == "page: Oktober 2026 20 Okt 2026"


def test_old_stored_messages_with_iso_text_still_render(bahasa) -> None:
    old = {"text": REFUND_BEFORE, "params": {"date": "2026-10-19", "paid_date": "2026-10-20"}}
    message = Message.from_data(old)
    assert message.page_text is None
    assert str(message) == "the refund date 2026-10-19 is before the payment's paid date 2026-10-20"
    assert _page(message) == "tanggal pengembalian 2026-10-19 sebelum tanggal dibayar pembayaran itu, 2026-10-20"


@given(day=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_any_day_and_month_round_trip(day: dt.date) -> None:
    message = Message("{d} {m}", {"d": Day(day), "m": Month(day)})
    again = Message.from_data(json.loads(json.dumps(message.to_data())))
    assert again == message
    assert str(again) == f"{day.isoformat()} {day:%Y-%m}"
    assert period_param(day.isoformat()) == Day(day)
    assert period_param(f"{day:%Y-%m}") == Month(day)


@given(text=st.text(max_size=12))
def test_period_param_keeps_any_other_text(text: str) -> None:
    value = period_param(text)
    assert str(value) == text or isinstance(value, Day | Month)


def test_the_page_variant_is_shown_on_pages_only(bahasa) -> None:
    message = Message("Run `python cli.py fx update`.", page_text="FX rates")
    assert str(message) == "Run `python cli.py fx update`."
    assert message.render() == "Run `python cli.py fx update`."
    assert message.render(page=True) == "FX rates"
    assert "cli.py" not in _page(message)


def test_a_failed_sync_runs_stored_error_keeps_its_days_and_page_variant(bahasa) -> None:
    """A failed run's error as `SyncRun.details` keeps it (campaigns.sync_runs): the run history reads its days as
    dates and the page variant, never the command-line advice; an older run's ISO text still shows as it was."""
    from campaigns.meta_client import MetaError
    from campaigns.sync_runs import error_details, run_error

    error = MetaError(
        "async",
        Message(
            "Meta's report run for {account} ({level}, {since}..{until}) was still '{state}' at {percent}% after "
            "{seconds} s; run the sync again later or with a shorter --since/--until window.",
            page_text="Meta's report run for {account} ({level}, {since}..{until}) was still '{state}' at "
            "{percent}% after {seconds} s; run the sync again later.",
        ),
        account="act_111",
        level="campaign",
        since=Day(D(2026, 10, 1)),
        until=Day(D(2026, 10, 31)),
        state="Job Running",
        percent="90",
        seconds="600",
    )
    details = json.loads(json.dumps(error_details(error.message)))  # the JSON column
    stored = run_error({"details": details, "error": str(error)})
    assert stored is not None
    assert str(stored) == str(error)  # the English sentence, ISO days and the CLI's advice
    assert _page(stored) == (
        "Proses laporan Meta untuk act_111 (campaign, 1 Okt 2026..31 Okt 2026) masih 'Job Running' di 90% setelah "
        "600 detik; jalankan sinkronisasi lagi nanti."
    )
    old = {"text": error.message.text, "params": {**details["error_message"]["params"], "since": "2026-10-01"}}
    assert "(campaign, 2026-10-01..31 Okt 2026)" in _page(Message.from_data(old))


@pytest.mark.parametrize("stored", [{"day": "2026-13-45"}, {"day": "yesterday"}, {"month": "2026-1"}, {"day": 7}])
def test_a_damaged_stored_date_shows_as_its_text(stored, bahasa) -> None:
    message = Message.from_data({"text": "on {when}", "params": {"when": stored}})
    assert _page(message) == f"on {next(iter(stored.values()))}"  # never an exception on the run history
