"""The reporting currency and its converters had later (`fx.reporting_currency_later`, `reporting.LateReporting`):
the same currency as `reporting_currency` in every case of its rule, its scan run beside a clean session, and the
Budgets overview the pages read with it equal to the one with the currency and converters made first."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from budgets.overview import budget_overview
from db.calendar import Period
from db.engine import session_scope
from db.models import Setting
from db.roles import CLI_ACTOR
from db.settings import set_setting
from finance import fx
from finance import reporting as reporting_totals
from tests.finance.test_reporting_currency import TODAY, _account, _no_environment  # noqa: F401 - its autouse fixture
from tests.statements import listening

D = dt.date


def _both(session) -> tuple[str, str]:
    return fx.reporting_currency_later(session, TODAY)(), fx.reporting_currency_choice(session, TODAY).currency


def test_later_gives_the_reporting_currency_in_every_case_of_the_rule(session, monkeypatch) -> None:
    assert _both(session) == ("USD", "USD")  # no accounts: the default
    _account(session, "1", "SGD")
    _account(session, "2", "SGD")
    _account(session, "3", "IDR")
    assert _both(session) == ("SGD", "SGD")  # no spend: the most common account currency
    _account(session, "4", "USD", {D(2026, 10, 20): "100.25", D(2026, 6, 1): "900000"})  # one day too old
    _account(session, "5", "IDR", {D(2026, 10, 20): "10000000.5"})
    assert _both(session) == ("IDR", "IDR")  # the most spend in 90 days, compared in euros
    _account(session, "6", "USD", {TODAY: "1000"})
    assert _both(session) == ("USD", "USD")
    session.add(Setting(key="reporting_currency", value="XYZ"))  # saved before codes were checked: ignored
    session.flush()
    assert _both(session) == ("USD", "USD")
    session.query(Setting).filter_by(key="reporting_currency").delete()
    monkeypatch.setenv("PANTAU_REPORTING_CURRENCY", "sgd")
    assert _both(session) == ("SGD", "SGD")
    set_setting(session, CLI_ACTOR, "reporting_currency", "jpy")
    assert _both(session) == ("JPY", "JPY")


def test_the_scan_runs_beside_a_clean_session_and_is_read_once(migrated_url) -> None:
    with session_scope(migrated_url) as s:
        _account(s, "1", "USD", {D(2026, 10, 20): "100"})
        _account(s, "2", "IDR", {D(2026, 10, 20): "10000000"})
    threads: list[str] = []

    def keep(*_args) -> None:
        threads.append(threading.current_thread().name)

    with listening(migrated_url, keep), session_scope(migrated_url) as s:
        later = fx.reporting_currency_later(s, TODAY)
        assert (later(), later()) == ("IDR", "IDR")
        assert fx.reporting_currency_choice(s, TODAY).currency == "IDR"
    assert sum(name.startswith("pantau-read") for name in threads) == 1


def _figures(overview) -> tuple:
    return (
        overview.totals,
        overview.daily,
        [(p.scope.scope_key, p.scope.actual, p.scope.planned, p.status, p.projected) for p in overview.pacings],
    )


@pytest.mark.parametrize("today", [D(2026, 11, 28), D(2026, 12, 1)])
def test_the_pages_overview_with_late_reporting_equals_the_one_made_first(demo_url, today) -> None:
    """The demo's Budgets page data: the same totals in the reporting currency, days, scopes and missing rates."""
    period = Period.month_of(today - dt.timedelta(days=1))
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    with session_scope(demo_url) as s:
        late = reporting_totals.LateReporting(s, period.start, period.end)
        later = budget_overview(s, period, now=now, today=today, reporting=late)
        late_currency, late_missing = late.currency, late.missing
    with session_scope(demo_url) as s:
        currency = fx.reporting_currency(s)
        rates = fx.Rates(s, period.start, period.end, pivot=currency)
        spent = reporting_totals.day_converter(s, period.start, period.end, currency, pivot=currency)
        first = budget_overview(
            s,
            period,
            now=now,
            today=today,
            converter=rates.convert_or_none,
            reporting_currency=currency,
            spent_converter=spent,
        )
        missing = sorted(set(rates.missing) | set(spent.book.missing))
    assert (late_currency, late_missing) == (currency, missing)
    assert _figures(later) == _figures(first)
    assert any(t.currency == currency for t in first.totals)
    assert any(p.scope.actual for p in first.pacings)
