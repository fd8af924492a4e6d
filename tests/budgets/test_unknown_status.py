"""Campaigns with no status (imported from an Ads Manager export without a Delivery column) are paced on their
latest spend: one still spending every day projects past its plan, one that stopped a week ago projects as stopped,
both flagged `status_unknown`; a known PAUSED campaign keeps the status rule. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from budgets.overview import budget_overview
from budgets.pacing import OVER_PACING, STATUS_UNKNOWN, STOPPED, STOPPED_BELOW_PLAN
from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.meta_budgets import is_accruing, spent_lately_window
from campaigns.models import SOURCE_ADS_MANAGER_CSV, Campaign
from db.calendar import Period, local_today
from db.engine import session_scope
from db.roles import CLI_ACTOR
from tests import builders as b
from tests.pages import open_page

from .conftest import NOV_END, NOV_START, NOW

NOV_15 = dt.date(2026, 11, 15)  # the last completed day in Jakarta at NOW (19:00 on the 16th)
HEADER = "Awal pelaporan,Akhir pelaporan,Nama kampanye,Hasil,Indikator Hasil,Jumlah yang dibelanjakan (IDR),Impresi"


def _export() -> bytes:
    """A daily Ads Manager export as Meta writes it in Bahasa Indonesia (BOM, the totals row first), without the
    Delivery (Penayangan kampanye) column: Harbolnas spends Rp500.000 a day up to today's partial day, Flash Sale
    spent Rp1.000.000 a day from the 1st to the 8th and nothing since."""
    lines = [HEADER, "2026-11-01,2026-11-16,,,,15750000,1203300"]
    day = NOV_START
    while day <= dt.date(2026, 11, 16):
        spend = "120000" if day == dt.date(2026, 11, 16) else "500000"
        lines.append(f"{day},{day},Promo Harbolnas 12.12,14,actions:offsite_conversion.fb_pixel_purchase,{spend},41200")
        if day <= dt.date(2026, 11, 8):
            lines.append(f"{day},{day},Flash Sale 11.11,30,actions:offsite_conversion.fb_pixel_purchase,1000000,88000")
        day += dt.timedelta(days=1)
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_imported_campaigns_without_a_status_are_paced_on_their_latest_spend(session) -> None:
    preview = preview_import(
        session, _export(), "Toko-Kopi-Kampanye-1-Nov-2026-16-Nov-2026.csv", AccountTarget(name="Toko Kopi"), now=NOW
    )
    assert not preview.rejected
    apply_import(session, CLI_ACTOR, preview)
    imported = {c.name: c for c in session.scalars(select(Campaign))}
    harbolnas, flash = imported["Promo Harbolnas 12.12"], imported["Flash Sale 11.11"]
    assert harbolnas.status is None
    assert flash.status is None
    account = harbolnas.account
    assert account.timezone_name == "Asia/Jakarta"

    # A synced campaign paused today after spending every day: its status still decides.
    paused = b.campaign(session, account, name="Retargeting 30 hari", status="PAUSED", effective_status="PAUSED")
    b.insights(session, paused, b.days(NOV_START, NOV_15), spend=500_000)
    for campaign in (harbolnas, flash, paused):
        b.plan(session, campaign, NOV_START, NOV_END, 10_000_000)

    overview = budget_overview(session, Period.month(2026, 11), now=NOW)
    by_id = {p.scope.campaign_id: p for p in overview.pacings}

    running = by_id[harbolnas.id]
    assert running.scope.accruing
    assert running.scope.status_unknown
    assert running.actual == Decimal(7_500_000)  # Nov 1-15; the 16th is still today
    assert running.daily_rate == Decimal(500_000)
    assert running.projected == Decimal(15_000_000)  # + 15 days (16-30) at the run-rate, not "stopped" at 7.5M
    assert running.status == OVER_PACING
    assert running.flags == (STATUS_UNKNOWN,)

    stopped = by_id[flash.id]
    assert not stopped.scope.accruing
    assert stopped.projected == stopped.actual == Decimal(8_000_000)
    assert stopped.status == STOPPED_BELOW_PLAN  # short of plan because it stopped
    assert stopped.flags == (STOPPED, STATUS_UNKNOWN)

    known = by_id[paused.id]
    assert not known.scope.accruing
    assert not known.scope.status_unknown
    assert known.projected == known.actual == Decimal(7_500_000)  # spent up to yesterday, but PAUSED is PAUSED
    assert known.status == STOPPED_BELOW_PLAN
    assert known.flags == (STOPPED,)

    # The page's columns carry the same flags as the objects.
    results = overview.results
    flags = dict(zip(results.campaign_id.tolist(), results.verdicts.flags(), strict=True))
    assert flags[harbolnas.id] == (STATUS_UNKNOWN,)
    assert flags[flash.id] == (STOPPED, STATUS_UNKNOWN)
    assert flags[paused.id] == (STOPPED,)


def test_the_unknown_status_rule() -> None:
    """Spend on the last two completed days runs a campaign with no status; a known status keeps its rule; a
    stopped effective state or a past end stops either."""
    today = dt.date(2026, 11, 16)
    assert spent_lately_window(today) == (dt.date(2026, 11, 14), dt.date(2026, 11, 15))
    for blank in (None, "", "  "):
        assert is_accruing(blank, None, None, today, spent_lately=True)
        assert not is_accruing(blank, None, None, today, spent_lately=False)
        assert not is_accruing(blank, "ARCHIVED", None, today, spent_lately=True)
        assert not is_accruing(blank, None, dt.date(2026, 11, 15), today, spent_lately=True)
    assert not is_accruing("PAUSED", None, None, today, spent_lately=True)
    assert is_accruing("active", None, None, today, spent_lately=False)


def test_the_budgets_table_flags_an_unknown_status_in_bahasa_indonesia(migrated_url: str, app_test) -> None:
    """The Budgets page's Flags column names the flag in the reader's language (AppTest, local mode)."""
    today = local_today("Asia/Jakarta")
    with session_scope() as s:
        account = b.account(s, name="Toko Kopi", currency="IDR", timezone_name="Asia/Jakarta")
        imported = b.campaign(s, account, name="Promo Harbolnas 12.12", status=None, source=SOURCE_ADS_MANAGER_CSV)
        b.insights(s, imported, b.days(today - dt.timedelta(days=10), today - dt.timedelta(days=1)), spend=500_000)
        month = Period.month(today.year, today.month)
        b.plan(s, imported, month.start, month.end, 10_000_000)
    at = open_page(app_test(timeout=90), "pages/budgets/budgets.py", language="id")
    assert not at.error, [e.value for e in at.error]
    cells = [str(v) for d in at.dataframe for column in d.value.columns for v in d.value[column].tolist()]
    assert "status tidak diketahui (file impor, tanpa kolom status)" in cells
