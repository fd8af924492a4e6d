"""The reporting currency: the setting, else PANTAU_REPORTING_CURRENCY, else the ad accounts' main currency
(most ad spend over 90 days, compared in euros; else the most common account currency), else USD."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.models import Setting
from db.money import CurrencyError
from db.roles import CLI_ACTOR
from db.settings import get_setting, set_setting
from finance.fx import (
    MAIN_CURRENCY_DAYS,
    _spend_by_currency,
    main_currency,
    reporting_currency,
    reporting_currency_choice,
)

D = dt.date
TODAY = D(2026, 10, 30)  # inside the bundled ECB history


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANTAU_REPORTING_CURRENCY", raising=False)


def _account(session, account_id: str, currency: str, spend: dict[dt.date, str] | None = None) -> None:
    account = AdAccount(account_id=account_id, name=account_id, currency=currency)
    session.add(account)
    session.flush()
    campaign = Campaign(account_id=account.id, meta_id=f"c{account_id}", name="C", currency=currency)
    session.add(campaign)
    session.flush()
    for day, amount in (spend or {}).items():
        session.add(CampaignInsight(campaign_id=campaign.id, date=day, currency=currency, spend=Decimal(amount)))
    session.flush()


def test_no_accounts_reports_in_usd(session) -> None:
    choice = reporting_currency_choice(session, TODAY)
    assert (choice.currency, choice.origin, choice.ignored) == ("USD", "default", None)


def test_an_idr_only_workspace_reports_in_idr(session) -> None:
    _account(session, "1", "IDR")
    assert reporting_currency_choice(session, TODAY).currency == "IDR"
    assert reporting_currency_choice(session, TODAY).origin == "main_currency"
    _account(session, "2", "IDR")
    _account(session, "3", "SGD")
    assert main_currency(session, TODAY) == "IDR"  # most accounts, without recent spend


def test_the_currency_with_the_most_spend_in_euros_wins(session) -> None:
    # Rp 10,000,000 is about EUR 500 and $101 about EUR 90: rupiah wins (compared in euros, not as raw numbers).
    _account(session, "1", "USD", {D(2026, 10, 20): "100"})
    _account(session, "2", "USD", {D(2026, 10, 21): "1"})
    _account(session, "3", "IDR", {D(2026, 10, 20): "10000000"})
    assert main_currency(session, TODAY) == "IDR"
    # $1,000 more: now dollars (about EUR 950 against 500), and the count of accounts does not matter.
    _account(session, "4", "USD", {D(2026, 10, 22): "1000"})
    assert main_currency(session, TODAY) == "USD"


def test_only_the_last_90_days_count(session) -> None:
    _account(session, "1", "USD", {D(2026, 7, 1): "1000000"})  # old spend
    _account(session, "2", "IDR", {D(2026, 10, 1): "50000"})
    _account(session, "3", "IDR")
    assert main_currency(session, TODAY) == "IDR"
    assert main_currency(session, D(2026, 7, 2)) == "USD"


def test_the_main_currency_scan_sums_what_a_plain_group_by_sums(session) -> None:
    # The scan sums per day and currency, then per currency (index order, no sort of every row): on random spend
    # (cents, tenths of a rupiah, large sums, zero), the same sums as one GROUP BY currency over the same rows,
    # the window's first and last day included and the days just outside it left out.
    rng = random.Random(11)
    for n, currency in enumerate(("IDR", "USD", "SGD", "idr")):
        days = {}
        for _ in range(40):
            day = TODAY - dt.timedelta(days=rng.randint(-3, MAIN_CURRENCY_DAYS + 3))
            days[day] = str(Decimal(rng.randint(0, 10**12)).scaleb(-rng.choice((0, 1, 2, 4))))
        days[TODAY] = "1.0001"
        days[TODAY - dt.timedelta(days=MAIN_CURRENCY_DAYS)] = "2.5"
        _account(session, f"{n}", currency, days)
    window = CampaignInsight.date.between(TODAY - dt.timedelta(days=MAIN_CURRENCY_DAYS), TODAY)
    plain = session.execute(
        select(CampaignInsight.currency, func.sum(CampaignInsight.spend))
        .where(window)
        .group_by(CampaignInsight.currency)
    ).all()
    scanned = session.execute(_spend_by_currency(TODAY)).all()
    assert sorted(scanned) == sorted(plain)
    assert {c for c, _s in scanned} == {"IDR", "USD", "SGD", "idr"}
    assert all(isinstance(total, Decimal) for _c, total in scanned)


def test_a_currency_the_ecb_does_not_publish_ranks_after_those_it_does(session) -> None:
    _account(session, "1", "VND", {D(2026, 10, 20): "900000000000"})
    _account(session, "2", "IDR", {D(2026, 10, 20): "1000"})
    assert main_currency(session, TODAY) == "IDR"
    session.execute(CampaignInsight.__table__.delete().where(CampaignInsight.currency == "IDR"))
    assert main_currency(session, TODAY) == "VND"


def test_the_setting_wins_then_the_environment(session, monkeypatch: pytest.MonkeyPatch) -> None:
    _account(session, "1", "IDR")
    monkeypatch.setenv("PANTAU_REPORTING_CURRENCY", "sgd")
    assert (reporting_currency_choice(session).currency, reporting_currency_choice(session).origin) == (
        "SGD",
        "environment",
    )
    set_setting(session, CLI_ACTOR, "reporting_currency", "usd")
    assert get_setting(session, "reporting_currency") == "USD"
    assert reporting_currency_choice(session).origin == "setting"
    assert reporting_currency(session) == "USD"
    set_setting(session, CLI_ACTOR, "reporting_currency", None)  # cleared: back to the environment
    assert reporting_currency(session) == "SGD"


def test_codes_that_are_not_iso_4217_are_refused_or_ignored(session, monkeypatch: pytest.MonkeyPatch) -> None:
    _account(session, "1", "IDR")
    for bad in ("XYZ", "rupiah", "XAU", ""):
        with pytest.raises(CurrencyError):
            set_setting(session, CLI_ACTOR, "reporting_currency", bad)
    # Saved before codes were checked: ignored, never used, and said so.
    session.add(Setting(key="reporting_currency", value="XYZ"))
    session.flush()
    choice = reporting_currency_choice(session, TODAY)
    assert (choice.currency, choice.origin, choice.ignored) == ("IDR", "main_currency", "XYZ")
    session.query(Setting).filter_by(key="reporting_currency").delete()
    monkeypatch.setenv("PANTAU_REPORTING_CURRENCY", "XYZ")
    assert reporting_currency_choice(session, TODAY).ignored == "XYZ"
    assert reporting_currency(session) == "IDR"
