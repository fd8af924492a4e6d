"""The Campaigns page's data (`budgets.campaign_page.campaign_page_data`): its table read on a session of its own
beside the pacing column (`db.reads.alongside`) equals the table and the statuses read one after the other, and a
session that has written reads both itself and sees what it wrote. SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from budgets.campaign_page import campaign_page_data
from budgets.overview import campaign_statuses
from campaigns import performance
from db import reads
from db.calendar import Period
from db.engine import session_scope
from tests import builders
from tests.statements import threads_running


@pytest.mark.parametrize("today", [dt.date(2026, 11, 28), dt.date(2026, 12, 1)])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"statuses": ("ACTIVE",)},
        {"search": "a", "platforms": ("meta",)},
    ],
)
def test_the_page_data_equals_the_table_and_the_statuses_read_in_order(demo_url, today, filters) -> None:
    month = Period.month_of(today - dt.timedelta(days=1))
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    query = performance.CampaignFilters(month.start, today, **filters)
    with threads_running(demo_url) as seen, session_scope(demo_url) as s:
        table, statuses = campaign_page_data(s, query, month, now)
    # the table's statement (grouped per campaign over the filter's dates) ran on the other thread
    assert any(name.startswith("pantau-read-fn") and "ad_account.name" in sql for name, sql in seen)
    with session_scope(demo_url) as s:
        alone = performance.campaign_performance(s, query)
        alone_statuses = campaign_statuses(s, month, now)
    pd.testing.assert_frame_equal(table, alone)
    assert statuses == alone_statuses
    assert len(table)  # the demo has campaigns with plans and spend
    assert statuses


def test_a_session_that_has_written_reads_its_own_table(migrated_url) -> None:
    day = dt.date(2026, 11, 10)
    with session_scope(migrated_url) as s:
        builders.campaign(s, builders.account(s, currency="IDR"), name="Committed")
    with threads_running(migrated_url) as seen, session_scope(migrated_url) as s:
        account = builders.account(s, currency="USD")
        builders.campaign(s, account, name="Not committed yet")
        s.flush()
        assert reads.has_written(s)
        table, _statuses = campaign_page_data(
            s, performance.CampaignFilters(day, day), Period.month_of(day), dt.datetime(2026, 11, 11, tzinfo=dt.UTC)
        )
        s.rollback()
    assert sorted(table["name"]) == ["Committed", "Not committed yet"]
    assert not any(name.startswith("pantau-read") for name, _sql in seen)


def test_an_error_of_the_table_reaches_the_caller(migrated_url, monkeypatch) -> None:
    def broken(session, filters):
        raise LookupError("the table's read failed")

    monkeypatch.setattr(performance, "campaign_performance", broken)
    with session_scope(migrated_url) as s, pytest.raises(LookupError, match="the table's read failed"):
        campaign_page_data(
            s, performance.CampaignFilters(dt.date(2026, 11, 1), dt.date(2026, 11, 2)), Period.month(2026, 11)
        )


def test_statuses_from_the_callers_reader_are_used_as_given(demo_url, monkeypatch) -> None:
    """The page passes its cached statuses: the pacing column is not worked out again for a change of filters."""
    import budgets.campaign_page as page_data

    def not_again(*_args, **_kwargs):
        raise AssertionError("the statuses were worked out again")

    monkeypatch.setattr(page_data, "campaign_statuses", not_again)
    month = Period.month(2026, 11)
    with session_scope(demo_url) as s:
        table, statuses = campaign_page_data(
            s, performance.CampaignFilters(month.start, month.end), month, statuses=lambda: {1: "on_track"}
        )
    assert statuses == {1: "on_track"}
    assert len(table)
