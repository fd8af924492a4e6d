"""Every paid channel in one ledger: the exports' `platform` column and the ledger's channels per ad platform."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from budgets.errors import BudgetError
from budgets.overview import budget_overview
from budgets.plans import CHANNELS, ad_channel, plan_scopes, set_mix_plan, set_plan
from db.calendar import Period
from db.roles import Actor
from finance.exports import export_chunks, read_rows
from finance.ledger import build_ledger
from influencers.models import Program
from tests import builders as b
from tests.finance.conftest import NOW

D = dt.date
SINCE, UNTIL = D(2026, 10, 1), D(2026, 11, 30)


def _other_platforms(session) -> dict:
    """A TikTok advertiser (IDR) and a Google Ads customer (USD) beside the dataset's Meta accounts."""
    tiktok = b.account(session, platform="tiktok", account_id="7001", name="Kopi TikTok")
    google = b.account(session, platform="google", account_id="123-456-7890", name="Kopi Google", currency="USD")
    tt = b.campaign(session, tiktok, meta_id="1780001", name="TT Payday", daily_budget="200000")
    gg = b.campaign(session, google, meta_id="555", name="Search brand")
    b.insights(session, tt, [D(2026, 10, 31), D(2026, 11, 1)], spend="150000.4", source="tiktok_api")
    b.insights(session, gg, [D(2026, 11, 1)], spend="12.345", source="tiktok_api")
    b.plan(session, tt, SINCE, UNTIL, "6100000")
    b.plan(session, "channel:tiktok_ads", D(2026, 11, 1), UNTIL, "3000000", currency="IDR")
    session.flush()
    return {"tiktok": tt, "google": gg}


def _export(session, name: str) -> tuple[list[str], list[dict[str, str]]]:
    header, rows = read_rows(b"".join(export_chunks(session, name, SINCE, UNTIL, "IDR", now=NOW)))
    return header, [dict(zip(header, r, strict=True)) for r in rows]


def test_channels_are_the_ad_platforms_then_creators() -> None:
    assert CHANNELS == ("meta_ads", "tiktok_ads", "google_ads", "linkedin_ads", "influencer_fees", "product_seeding")
    assert [ad_channel(p) for p in ("meta", "tiktok", "google", "linkedin")] == list(CHANNELS[:4])


def test_ledger_puts_each_campaign_in_its_platforms_channel(fs) -> None:
    _other_platforms(fs)
    lines = build_ledger(fs, SINCE, UNTIL, recognition="on_delivery")
    by = {(ln.month.strftime("%Y-%m"), ln.channel, ln.item_name): ln for ln in lines}
    assert by[("2026-10", "tiktok_ads", "TT Payday")].actual == Decimal("150000")
    assert by[("2026-10", "tiktok_ads", "TT Payday")].planned == Decimal("3100000")
    assert by[("2026-10", "tiktok_ads", "TT Payday")].platform == "tiktok"
    assert by[("2026-11", "google_ads", "Search brand")].actual == Decimal("12.35")
    assert by[("2026-11", "tiktok_ads", "(channel budget)")].planned == Decimal("3000000")
    # Meta's channel holds Meta's campaigns only (it used to take every platform's spend).
    meta = {ln.item_name for ln in lines if ln.channel == "meta_ads"}
    assert meta == {"Sale, 11.11", "-Retarget +1", "@deleted"}
    assert {ln.platform for ln in lines if ln.channel in ("influencer_fees", "product_seeding")} == {None}
    order = [CHANNELS.index(ln.channel) for ln in lines if ln.month == D(2026, 11, 1)]
    assert order == sorted(order)


def test_exports_carry_the_platform_column(fs) -> None:
    _other_platforms(fs)
    for name in ("campaign-daily", "campaign-monthly", "campaigns"):
        header, rows = _export(fs, name)
        assert header[-1] == "platform"
        platforms = {r["campaign_name"]: r["platform"] for r in rows}
        assert platforms["TT Payday"] == "tiktok", name
        assert platforms["Search brand"] == "google", name
        assert platforms["Sale, 11.11"] == "meta", name
    _header, rows = _export(fs, "marketing-spend")
    seen = {(r["channel"], r["program_or_campaign"], r["platform"]) for r in rows}
    assert ("tiktok_ads", "TT Payday", "tiktok") in seen
    assert ("tiktok_ads", "(channel budget)", "tiktok") in seen
    assert ("google_ads", "Search brand", "google") in seen
    assert ("meta_ads", "Sale, 11.11", "meta") in seen
    assert ("influencer_fees", "Kopi Creators", "") in seen


def test_marketing_spend_totals_match_campaign_daily_per_platform(fs) -> None:
    _other_platforms(fs)
    _h, daily = _export(fs, "campaign-daily")
    _h, ledger = _export(fs, "marketing-spend")
    for platform in ("meta", "tiktok", "google"):
        from_daily = sum(Decimal(r["spend_reporting"]) for r in daily if r["platform"] == platform)
        from_ledger = sum(Decimal(r["actual_reporting"] or 0) for r in ledger if r["channel"] == f"{platform}_ads")
        assert from_ledger == from_daily, platform


def test_channel_plans_roll_up_their_platforms_campaigns_only(fs) -> None:
    made = _other_platforms(fs)
    b.plan(fs, "channel:meta_ads", D(2026, 11, 1), UNTIL, "1000000", currency="IDR")
    b.plan(fs, "channel:google_ads", D(2026, 11, 1), UNTIL, "100", currency="USD")
    nov = Period.month(2026, 11)
    overview = budget_overview(fs, nov, now=dt.datetime(2026, 11, 3, 5, tzinfo=dt.UTC))
    by_key = {p.scope.scope_key: p for p in overview.pacings}
    assert by_key["channel:tiktok_ads"].actual == Decimal("150000.4")  # Nov 1 only: the campaign's own day
    assert by_key["channel:google_ads"].actual == Decimal("12.345")
    # Meta's channel: the IDR Meta campaigns' November spend (c1 100,000; the USD one has no IDR rate here).
    assert by_key["channel:meta_ads"].actual >= Decimal("100000")
    assert by_key["channel:meta_ads"].actual < Decimal("150000")
    assert by_key[f"campaign:{made['tiktok'].id}"].scope.platform == "tiktok"


def test_every_channel_can_take_a_plan(fs) -> None:
    keys = {key for key, kind, _name, _cur in plan_scopes(fs) if kind == "channel"}
    assert keys == {f"channel:{c}" for c in CHANNELS}


def test_a_plan_across_channels_paces_its_campaigns_programs_and_channels_once(fs) -> None:
    manager = Actor("manager@example.com", "manager")
    made = _other_platforms(fs)
    nov = Period.month(2026, 11)
    program_id = fs.scalar(select(Program.id))
    members = [f"campaign:{made['tiktok'].id}", "channel:tiktok_ads", f"campaign:{made['google'].id}"]
    members.append(f"program:{program_id}")
    plan = set_mix_plan(fs, manager, "Payday, all channels", members, nov, "9000000", currency="IDR", reason="launch")
    assert plan.scope_key == "mix:payday, all channels"
    assert plan.members == sorted(set(members))
    overview = budget_overview(
        fs,
        nov,
        now=dt.datetime(2026, 11, 3, 5, tzinfo=dt.UTC),
        converter=lambda amount, cur, to, day: amount * 16000 if (cur, to) == ("USD", "IDR") else None,
    )
    mix = next(p for p in overview.pacings if p.scope.scope_key == plan.scope_key)
    assert mix.scope.name == "Payday, all channels"
    by_key = {p.scope.scope_key: p for p in overview.pacings}
    # The TikTok campaign is named and inside the TikTok channel: it counts once; Google's 12.345 USD at 16,000.
    expected = (
        by_key[f"campaign:{made['tiktok'].id}"].actual
        + by_key[f"campaign:{made['google'].id}"].actual * 16000
        + by_key[f"program:{program_id}"].actual
    )
    assert mix.actual == expected
    assert mix.planned == Decimal("9000000")
    with pytest.raises(BudgetError, match="at least two"):
        set_mix_plan(fs, manager, "Solo", [members[0]], nov, "1", currency="IDR", reason="r")
    with pytest.raises(BudgetError, match="campaign:999999 is not a campaign"):
        set_mix_plan(fs, manager, "Ghost", [members[0], "campaign:999999"], nov, "1", currency="IDR", reason="r")
    with pytest.raises(BudgetError, match="Name the plan"):
        set_mix_plan(fs, manager, "  ", members, nov, "1", currency="IDR", reason="r")
    # A bare `mix:` scope through set_plan would pace nothing: refused; the existing plan may change its amount.
    with pytest.raises(BudgetError, match="at least two"):
        set_plan(fs, manager, "mix:bare", nov, "1", currency="IDR", reason="r")
    changed = set_plan(fs, manager, plan.scope_key, nov, "9500000", currency="IDR", reason="more", version_id=None)
    assert (changed.id, changed.amount, changed.members) == (plan.id, Decimal("9500000"), sorted(set(members)))


def test_a_channel_budget_row_holds_the_plan_and_no_actual(fs) -> None:
    _other_platforms(fs)
    _header, rows = _export(fs, "marketing-spend")
    (budget,) = [r for r in rows if r["program_or_campaign"] == "(channel budget)" and r["month"] == "2026-11"]
    assert Decimal(budget["planned"]) == Decimal("3000000")
    assert (budget["actual"], budget["actual_reporting"]) == ("", "")  # the spend is on the campaign rows
    spent = [r for r in rows if r["channel"] == "tiktok_ads" and r["program_or_campaign"] == "TT Payday"]
    assert spent
    assert all(Decimal(r["actual"]) > 0 for r in spent)
