"""Budget notices for a month that has ended: its final verdict "over plan" is sent once, by email (loopback SMTP)
and webhook (loopback receiver), in each person's language; within plan and under plan send nothing; nothing
ever says a finished month over-paces, is projected or runs out; an account still on the month's last day waits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from automation import digest, rules
from automation.recipients import add_webhook
from db.engine import session_scope
from db.models import SentAlert
from db.users import add_user
from tests import builders as b
from tests.automation.conftest import ADMIN

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

D = dt.date
OCTOBER = b.days(D(2026, 10, 1), D(2026, 10, 31))
# 05:00 UTC on Monday 2 November 2026: 12:00 in Jakarta, midnight in New York; October is over everywhere.
NOW = dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC)
# 03:00 UTC on 1 November: 10:00 in Jakarta, but still 23:00 on 31 October in New York.
NY_STILL_OCTOBER = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
FORECAST_WORDS = ("projected", "runs out", "before the period ends", "proyeksi", "habis")


@pytest.fixture
def october(migrated_url: str) -> str:
    """October in Jakarta: one campaign over its plan, one within (96%), one under (30%), a lifetime-budget campaign
    that spent fast and runs on into December; a New York campaign over its plan. No November plans or spend."""
    with session_scope(migrated_url) as s:
        for email, role, lang in (
            ("manager@example.com", "manager", "en"),
            ("spesialis@example.com", "specialist", "id"),
        ):
            user, _ = add_user(s, ADMIN, email, role)
            user.language = lang
        idr = b.account(s, name="Acme ID")
        for name, plan in (("Harbolnas Sale", "40000000"), ("Ramadan Teaser", "64000000"), ("Brand Awal", "200000000")):
            campaign = b.campaign(s, idr, name=name, daily_budget="2000000")
            b.insights(s, campaign, OCTOBER, spend="2000000")  # 62,000,000 spent
            b.plan(s, campaign, OCTOBER[0], OCTOBER[-1], plan)
        lifetime = b.campaign(
            s,
            idr,
            name="Lifetime Kopi",
            lifetime_budget="70000000",
            start_time=b.utc(2026, 10, 1),
            stop_time=b.utc(2026, 12, 31),
        )
        b.insights(s, lifetime, OCTOBER, spend="2000000")
        b.plan(s, lifetime, OCTOBER[0], OCTOBER[-1], "50000000")
        usd = b.account(s, name="Acme US", currency="USD", timezone_name="America/New_York")
        us = b.campaign(s, usd, name="Black Friday US", daily_budget="150")
        b.insights(s, us, OCTOBER, spend="150")  # 4650.00 spent
        b.plan(s, us, OCTOBER[0], OCTOBER[-1], "3000")
    return migrated_url


def _pacing(url: str, now: dt.datetime) -> list[rules.Notice]:
    with session_scope(url) as s:
        return [n for n in rules.collect_notices(s, now) if n.category == rules.PACING]


def test_only_over_plan_is_a_final_notice(october: str) -> None:
    notices = _pacing(october, NOW)
    assert sorted((n.kind, n.values["name"]) for n in notices) == [
        ("over_plan", "Black Friday US"),
        ("over_plan", "Harbolnas Sale"),
        ("over_plan", "Lifetime Kopi"),
    ]  # Ramadan Teaser (within plan) and Brand Awal (under plan) raise nothing
    harbolnas = next(n for n in notices if n.values["name"] == "Harbolnas Sale")
    assert (
        harbolnas.template
        == "{name}: {actual} spent against a plan of {planned} ({percent}% of plan); the period ended on {end}."
    )
    assert (harbolnas.values["actual"], harbolnas.values["planned"], harbolnas.values["percent"]) == (
        62000000,
        40000000,
        155,
    )
    assert harbolnas.values["end"] == D(2026, 10, 31)
    assert harbolnas.window >= dt.timedelta(days=31)  # a verdict never changes: not resent every pacing window
    assert not any(
        n.kind in ("over_pacing", "under_pacing", "budget_exhausted", "lifetime_ends_early") for n in notices
    )


def test_an_account_still_on_the_last_day_gets_no_verdict_and_no_forecast(october: str) -> None:
    notices = _pacing(october, NY_STILL_OCTOBER)
    # Jakarta's October is over: its verdicts; New York is still on 31 October, so it waits for a later run and is
    # never told an October that is nearly over "over-paces".
    assert sorted(n.values["name"] for n in notices if n.kind == "over_plan") == ["Harbolnas Sale", "Lifetime Kopi"]
    assert all(n.values.get("name") != "Black Friday US" for n in notices)


def _verdicts(url: str, now: dt.datetime) -> list[str]:
    return sorted(n.values["name"] for n in _pacing(url, now) if n.kind == "over_plan")


def test_final_verdicts_are_news_for_a_week(october: str) -> None:
    week = ["Black Friday US", "Harbolnas Sale", "Lifetime Kopi"]
    assert _verdicts(october, dt.datetime(2026, 11, 7, 5, tzinfo=dt.UTC)) == week  # 7 days after the end
    assert _verdicts(october, dt.datetime(2026, 11, 8, 5, tzinfo=dt.UTC)) == []


def test_the_email_says_over_plan_once_in_each_language(october: str, smtp_server) -> None:
    report = digest.send_due(october, now=NOW)
    assert report.errors == []
    by_to = {next(iter(to)): m.get_body(("plain",)).get_content() for to, m in smtp_server.messages}
    english, bahasa = by_to["manager@example.com"], by_to["spesialis@example.com"]
    assert "Harbolnas Sale: IDR" in english
    assert "(155% of plan); the period ended on Oct 31, 2026." in english
    assert "Black Friday US: $4,650.00 spent against a plan of $3,000.00 (155% of plan)" in english
    assert (
        "Harbolnas Sale: Rp62.000.000 terpakai dari rencana Rp40.000.000 (155% dari rencana); periode berakhir pada "
        "31 Okt 2026." in bahasa
    )
    for text in (english, bahasa):
        assert "Ramadan Teaser" not in text
        assert "Brand Awal" not in text
        assert not [word for word in FORECAST_WORDS if word in text.lower()]
    # Sent once: the next digests (past the three-day pacing window, still within the week) repeat no verdict.
    # (November is running: its own forecasts, such as the lifetime campaign's, are November's news.)
    for later in (dt.timedelta(hours=1), dt.timedelta(days=4), dt.timedelta(days=6)):
        for delivery in digest.send_due(october, now=NOW + later).deliveries:
            assert "the period ended on" not in delivery.text
            assert "periode berakhir pada" not in delivery.text
    with session_scope(october) as s:
        verdicts = s.scalars(select(SentAlert.fingerprint).where(SentAlert.kind == "over_plan")).all()
    assert len(verdicts) == 6  # three verdicts, two people, once each


def test_the_webhook_carries_the_verdict(october: str, webhook_receiver) -> None:
    with session_scope(october) as s:
        add_webhook(
            s,
            ADMIN,
            name="#budgets",
            url=f"{webhook_receiver.url}/hooks/json/T1/B1/SECRETX",
            webhook_format="json",
            categories=["pacing"],
            language="id",
        )
    report = digest.send_due(october, now=NOW)
    assert report.errors == []
    (body,) = [payload for path, payload in webhook_receiver.posts if path.startswith("/hooks/json/")]
    alerts = body["alerts"]
    assert sorted(a["kind"] for a in alerts) == ["over_plan"] * 3
    assert all("periode berakhir pada 31 Okt 2026" in a["message"] for a in alerts)
    assert not [a for a in alerts if any(word in a["message"].lower() for word in FORECAST_WORDS)]
