"""The lifetime-budget run-out forecast (`lifetime_exhausted_on`) as reported: a campaign that spent fast in October
and nothing in November was told, a few days into November, "the lifetime budget runs out around 19 Nov". A
forecast needs a scope spending now (`budgets.pacing.spends_now`); both pacing paths and the notices agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from automation import rules
from budgets import alerts, pacing
from budgets.pacing import PacingInput
from budgets.pacing_frame import pace_all
from campaigns.meta_budgets import MetaBudget
from db.calendar import Period
from db.engine import session_scope
from tests import builders as b

NOV = Period.month(2026, 11)
LIFETIME = MetaBudget("campaign", None, D(100_000_000))


def kopi(**kw: object) -> PacingInput:
    """Rp100.000.000 lifetime, 1 Oct - 31 Dec; Rp80.000.000 spent in October, Rp8.750.000 of it on 28-31 Oct; seen
    on 4 November (Jakarta), when the last 7 completed days are 28 Oct - 3 Nov."""
    values: dict[str, object] = {
        "scope_key": "campaign:7",
        "scope_type": "campaign",
        "name": "Kopi Kilat",
        "currency": "IDR",
        "period": NOV,
        "today": dt.date(2026, 11, 4),
        "planned": D(20_000_000),
        "budget": LIFETIME,
        "run_start": dt.date(2026, 10, 1),
        "run_end": dt.date(2026, 12, 31),
        "actual": D(0),
        "recent_spend": D(8_750_000),
        "recent_days": 7,
        "lifetime_spent": D(80_000_000),
    }
    values.update(kw)
    return PacingInput(**values)  # type: ignore[arg-type]


def both(scope: PacingInput) -> pacing.Pacing:
    """`pace` and `pace_all` give the same verdict; that verdict."""
    one, many = pacing.pace(scope), pace_all([scope])[0]
    assert one == many
    return one


def test_october_spend_and_none_in_november_forecasts_no_run_out() -> None:
    p = both(kopi())
    assert p.lifetime_exhausted_on is None  # was 19 Nov: 20,000,000 left at 1,250,000 a day from October's days
    assert pacing.LIFETIME_ENDS_EARLY not in p.flags
    assert not pacing.spends_now(p.scope)
    assert [a.kind for a in alerts.build_alerts([p], [])] == []


def test_still_spending_in_november_gets_the_forecast_from_the_last_seven_days() -> None:
    """Spending in the period: the run-rate is the last 7 completed days, 28 Oct - 3 Nov (days before the period
    start count while the period is young): 8,750,000 / 7 = 1,250,000 a day, 20,000,000 left = 16 days, 4-19 Nov."""
    p = both(kopi(actual=D(3_750_000), recent_spend=D(8_750_000), lifetime_spent=D(80_000_000)))
    assert p.daily_rate == D(1_250_000)
    assert p.lifetime_exhausted_on == dt.date(2026, 11, 19)
    assert pacing.LIFETIME_ENDS_EARLY in p.flags
    found = [a for a in alerts.build_alerts([p], []) if a.kind == alerts.LIFETIME_ENDS_EARLY]
    assert [(a.kind, a.values["day"], a.values["end"]) for a in found] == [
        (alerts.LIFETIME_ENDS_EARLY, dt.date(2026, 11, 19), dt.date(2026, 12, 31))
    ]


def test_no_recent_spend_forecasts_nothing_even_with_a_daily_budget_beside_the_lifetime() -> None:
    """An ABO campaign whose ad sets hold daily and lifetime budgets: with no spend in the last 7 days its run-rate
    falls back to the daily budget, a budget's rate and no observed one, so no run-out day is forecast from it."""
    both_budgets = MetaBudget("adset", D(5_000_000), D(100_000_000))
    p = both(kopi(today=dt.date(2026, 11, 20), budget=both_budgets, actual=D(6_000_000), recent_spend=D(0)))
    assert p.daily_rate == D(5_000_000)  # still what the projection uses
    assert p.lifetime_exhausted_on is None


def test_stopped_campaign_forecasts_nothing() -> None:
    p = both(kopi(actual=D(3_750_000), accruing=False))
    assert p.lifetime_exhausted_on is None
    assert p.flags == (pacing.STOPPED,)


def test_a_lifetime_budget_already_spent_ran_out_on_the_day_it_was_spent() -> None:
    """Nothing left of the budget while it still accrues: it ran out on the day its spend to date reached the
    budget (28 October here), a fact, not "runs out around {today}"; the alert says "ran out on"."""
    p = both(kopi(lifetime_spent=D(100_000_000), lifetime_spent_on=dt.date(2026, 10, 28)))
    assert p.lifetime_exhausted_on == dt.date(2026, 10, 28)
    assert pacing.LIFETIME_SPENT in p.flags
    assert pacing.LIFETIME_ENDS_EARLY not in p.flags
    (alert,) = alerts.build_alerts([p], [])
    assert (alert.kind, alert.template) == (alerts.LIFETIME_SPENT, alerts.LIFETIME_RAN_OUT_TEXT)
    assert alert.message() == (
        "Kopi Kilat: the lifetime budget ran out on 2026-10-28, so delivery has stopped; "
        "the campaign is scheduled until 2026-12-31."
    )


def test_a_spent_lifetime_budget_whose_day_is_unknown_has_run_out() -> None:
    """The day cannot be told (no daily spend behind the total): "has run out", no date and still no forecast."""
    p = both(kopi(lifetime_spent=D(100_000_000)))
    assert p.lifetime_exhausted_on is None
    assert p.flags == (pacing.LIFETIME_SPENT,)
    (alert,) = alerts.build_alerts([p], [])
    assert (alert.kind, alert.template) == (alerts.LIFETIME_SPENT, alerts.LIFETIME_HAS_RUN_OUT_TEXT)
    assert "day" not in alert.values
    assert "runs out around" not in alert.message()


@pytest.mark.parametrize("recent_spend", [D(1), D(8_750_000), D(700_000_000)])
def test_zero_period_spend_never_forecasts_whatever_the_recent_rate(recent_spend: D) -> None:
    assert both(kopi(recent_spend=recent_spend)).lifetime_exhausted_on is None


# 05:00 UTC on Thursday 5 November 2026: 12:00 in Jakarta, 1-4 November completed.
NOW = dt.datetime(2026, 11, 5, 5, 0, tzinfo=dt.UTC)
OCTOBER = b.days(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_notices_from_the_database_match_the_report(migrated_url: str) -> None:
    """Two Jakarta campaigns with Rp100.000.000 lifetime budgets that spent Rp2.500.000 a day in October: one spent
    nothing in November (no notice), the other goes on (its run-out notice, 5 days of 12,500,000 left: 9 Nov)."""
    with session_scope(migrated_url) as s:
        idr = b.account(s, name="Acme ID")
        schedule = {"start_time": b.utc(2026, 9, 30, 17), "stop_time": b.utc(2026, 12, 31, 17)}  # 1 Oct - 31 Dec
        silent = b.campaign(s, idr, name="Kopi Kilat", lifetime_budget="100000000", **schedule)
        busy = b.campaign(s, idr, name="Kopi Lanjut", lifetime_budget="100000000", **schedule)
        b.insights(s, silent, OCTOBER, spend="2500000")
        b.insights(s, busy, [*OCTOBER, *b.days(dt.date(2026, 11, 1), dt.date(2026, 11, 4))], spend="2500000")
    with session_scope(migrated_url) as s:
        notices = [n for n in rules.collect_notices(s, NOW) if n.category == rules.PACING]
    runs_out = [n for n in notices if n.kind == alerts.LIFETIME_ENDS_EARLY]
    assert [(n.values["name"], n.values["day"]) for n in runs_out] == [("Kopi Lanjut", dt.date(2026, 11, 9))]
    assert all(n.values["name"] != "Kopi Kilat" for n in notices)


def test_a_lifetime_budget_spent_days_ago_ran_out_on_that_day_in_the_notices_and_the_digest(
    migrated_url: str,
) -> None:
    """Rp100.000.000 lifetime, Rp5.000.000 a day from 1 October (Jakarta): spend to date reaches the budget on 20
    October, and the insights go on at a trickle (Meta's late rows) while the campaign still accrues. On 5 November
    the Budgets overview and the notices say it ran out on 20 October, not "runs out around 5 Nov"; the
    Indonesian digest line says the same."""
    from automation.digest import notice_text
    from automation.i18n import Renderer
    from budgets.overview import budget_overview

    with session_scope(migrated_url) as s:
        idr = b.account(s, name="Acme ID")
        schedule = {"start_time": b.utc(2026, 9, 30, 17), "stop_time": b.utc(2026, 12, 31, 17)}  # 1 Oct - 31 Dec
        spent = b.campaign(s, idr, name="Kopi Habis", lifetime_budget="100000000", **schedule)
        b.insights(s, spent, b.days(dt.date(2026, 10, 1), dt.date(2026, 10, 20)), spend="5000000")
        b.insights(s, spent, b.days(dt.date(2026, 10, 21), dt.date(2026, 11, 4)), spend="1000")
    with session_scope(migrated_url) as s:
        (p,) = [p for p in budget_overview(s, NOV, now=NOW).pacings if p.scope.name == "Kopi Habis"]
        notices = [n for n in rules.collect_notices(s, NOW) if n.category == rules.PACING]
    assert p.scope.lifetime_spent_on == dt.date(2026, 10, 20)
    assert p.lifetime_exhausted_on == dt.date(2026, 10, 20)
    assert pacing.LIFETIME_SPENT in p.flags  # (and spending without a plan)
    assert pacing.LIFETIME_ENDS_EARLY not in p.flags
    (notice,) = [n for n in notices if n.values["name"] == "Kopi Habis" and n.kind.startswith("lifetime")]
    assert (notice.kind, notice.template, notice.values["day"]) == (
        alerts.LIFETIME_SPENT,
        alerts.LIFETIME_RAN_OUT_TEXT,
        dt.date(2026, 10, 20),
    )
    line = notice_text(Renderer("id"), notice)
    assert line == (
        "Kopi Habis: anggaran seumur hidup habis pada 20 Okt 2026, jadi penayangan berhenti; "
        "kampanye dijadwalkan berjalan sampai 31 Des 2026."
    )
    assert "5 Nov" not in line, line
