"""Defaults that make sense on day 1, on a fake clock (the 1st, 3rd and 8th of a month): the range pages open on,
and pacing verdicts and alerts that wait for three completed days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

from budgets import alerts, pacing
from budgets.pacing import PacingInput
from campaigns.meta_budgets import MetaBudget
from db.calendar import Period, default_range

DEC = Period.month(2026, 12)


def _payday(today: dt.date, **kw) -> PacingInput:
    """A campaign planned at 3,100 for December (100 a day) that spends 300 on every completed day."""
    done = (today - DEC.start).days
    values = {
        "scope_key": "campaign:7",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "USD",
        "period": DEC,
        "today": today,
        "planned": D(3100),
        "actual": D(300) * done,
        "recent_spend": D(300) * min(done, pacing.RECENT_DAYS),
        "recent_days": min(done, pacing.RECENT_DAYS),
        "budget": MetaBudget("campaign", D(300)),
        "run_start": dt.date(2026, 11, 1),
    }
    values.update(kw)
    return PacingInput(**values)


def test_default_range_is_the_last_30_days_until_the_month_has_7_completed_days() -> None:
    assert default_range(dt.date(2026, 12, 1)) == Period(dt.date(2026, 11, 2), dt.date(2026, 12, 1))
    assert default_range(dt.date(2026, 12, 3)) == Period(dt.date(2026, 11, 4), dt.date(2026, 12, 3))
    assert default_range(dt.date(2026, 12, 7)) == Period(dt.date(2026, 11, 8), dt.date(2026, 12, 7))  # 6 done
    assert default_range(dt.date(2026, 12, 8)) == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 8))  # 7 done
    assert default_range(dt.date(2027, 3, 2)) == Period(dt.date(2027, 2, 1), dt.date(2027, 3, 2))  # 28-day February
    assert default_range(dt.date(2026, 12, 31)).days == 31


def test_no_pacing_verdict_or_alert_before_three_completed_days() -> None:
    for day, done in ((1, 0), (2, 1), (3, 2)):
        scope = _payday(dt.date(2026, 12, day))
        assert pacing.completed_days(scope) == done
        verdict = pacing.pace(scope)
        assert verdict.status == pacing.TOO_EARLY, day
        assert verdict.pace_ratio is not None
        assert verdict.pace_ratio > pacing.OVER_PACE_RATIO
        assert alerts.build_alerts([verdict]) == []
    fourth = pacing.pace(_payday(dt.date(2026, 12, 4)))
    assert fourth.status == pacing.OVER_PACING


def test_on_the_8th_the_over_pacing_alert_is_raised() -> None:
    verdict = pacing.pace(_payday(dt.date(2026, 12, 8)))
    assert verdict.status == pacing.OVER_PACING
    (alert,) = alerts.build_alerts([verdict])
    assert alert.kind == alerts.OVER_PACING
    assert alert.values["percent"] == 300  # 300 a day all month against 100 a day planned


def test_a_plan_already_spent_is_exhausted_on_day_two_all_the_same() -> None:
    scope = _payday(dt.date(2026, 12, 2), actual=D(3200), recent_spend=D(3200), recent_days=1)
    verdict = pacing.pace(scope)
    assert verdict.status == pacing.EXHAUSTED
    assert [a.kind for a in alerts.build_alerts([verdict])] == [alerts.EXHAUSTED_EARLY]


def test_a_campaign_that_started_yesterday_mid_month_waits_too() -> None:
    scope = _payday(dt.date(2026, 12, 16), run_start=dt.date(2026, 12, 15), actual=D(300), recent_days=1)
    assert pacing.completed_days(scope) == 1
    assert pacing.pace(scope).status == pacing.TOO_EARLY


def test_lifetime_forecast_waits_for_three_days_as_well() -> None:
    def lifetime(day: int, spent: D) -> PacingInput:
        return _payday(
            dt.date(2026, 12, day),
            budget=MetaBudget("campaign", None, D(3000)),
            run_start=DEC.start,
            run_end=DEC.end,
            lifetime_spent=spent,
        )

    assert pacing.pace(lifetime(2, D(300))).lifetime_exhausted_on is None
    assert pacing.pace(lifetime(5, D(1200))).lifetime_exhausted_on is not None


def test_the_overview_on_a_fake_clock_waits_three_days_before_over_pacing(session, workspace) -> None:
    """Through SQL: the ABO campaign spends 50 a day against a plan of 20 a day; on the 1st and 3rd of November it
    is too early to tell (no alert on the Overview or Budgets), on the 8th it is over-pacing."""
    import datetime as dt

    from budgets.models import BudgetPlan
    from budgets.overview import budget_overview

    session.add(
        BudgetPlan(
            scope_type="campaign",
            scope_key=f"campaign:{workspace['abo']}",
            campaign_id=workspace["abo"],
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 30),
            amount=D(600),
            currency="USD",
        )
    )
    session.flush()
    nov = Period.month(2026, 11)
    key = f"campaign:{workspace['abo']}"
    for day, status in ((1, pacing.TOO_EARLY), (3, pacing.TOO_EARLY), (8, pacing.OVER_PACING)):
        now = dt.datetime(2026, 11, day, 12, 0, tzinfo=dt.UTC)  # the same day in New York and in Jakarta
        overview = budget_overview(session, nov, now=now)
        abo = next(p for p in overview.pacings if p.scope.scope_key == key)
        assert abo.status == status, day
        over = [a for a in alerts.build_alerts(overview.pacings) if a.kind == alerts.OVER_PACING]
        if day < 8:
            assert over == [], day  # no campaign has 3 completed days yet: no over-pacing alert at all
        else:
            assert key in [a.scope_key for a in over]
