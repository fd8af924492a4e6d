"""What a specialist stumbled on walking the demo workspace in Bahasa Indonesia (brief M, AppTest on the demo):
the directory's sort choices as codes, a creator's figures in English notation and a fee without its currency,
Overview's ROAS ranking burying campaigns that track no value at the bottom (and ROAS out of view), and the Sync
page's empty "Sync from" sections when no token is set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from campaigns import performance
from db.engine import session_scope
from db.money import format_money, format_number
from influencers.models import Collaboration, Influencer
from pages.components.data import today
from pages.components.i18n import BABEL_LOCALES
from pages.components.money import number
from tests.pages import open_page

ID = BABEL_LOCALES["id"]
INFLUENCERS, OVERVIEW, SYNC = "pages/influencers/influencers.py", "pages/overview/overview.py", "pages/sync/sync.py"


def _tables(at, *columns: str) -> list:
    """The data frames showing all of `columns`, in page order (AppTest does not expose dataframe keys)."""
    found = [e.value for e in at.dataframe if set(columns) <= set(e.value.columns)]
    assert found, f"no table with {columns}: {[list(e.value.columns) for e in at.dataframe]}"
    return found


def test_directory_sort_offers_words_in_bahasa_and_sorts_by_the_choice(demo_url, app_test) -> None:
    at = open_page(app_test(), INFLUENCERS, language="id")
    sort = at.selectbox(key="inf_sort")
    assert sort.options == ["Nama", "Pengikut", "Negara", "Status", "Terakhir diubah"]
    assert sort.value == "name"
    assert at.toggle(key="inf_desc").value is False  # names A to Z
    sort.set_value("followers").run()
    assert not at.exception, at.exception
    assert at.toggle(key="inf_desc").value is True  # choosing "Pengikut" puts the largest first
    followers = [v for v in _tables(at, "tier", "handles")[0]["followers"] if v == v]  # NaN: no handle figure
    assert followers == sorted(followers, reverse=True)
    at.toggle(key="inf_desc").set_value(False).run()  # the user's own choice of direction is kept
    followers = [v for v in _tables(at, "tier", "handles")[0]["followers"] if v == v]
    assert followers == sorted(followers)


def test_a_creators_figures_and_fee_read_the_indonesian_way(demo_url, app_test) -> None:
    with session_scope() as s:
        person = s.scalars(
            select(Influencer)
            .join(Collaboration, Collaboration.influencer_id == Influencer.id)
            .where(Collaboration.fee.is_not(None), Collaboration.currency == "IDR")
            .order_by(Influencer.id)
        ).first()
        pid = person.id
        handle = next(h for h in sorted(person.handles, key=lambda h: h.platform) if h.followers)
        collab = s.scalars(select(Collaboration).where(Collaboration.influencer_id == pid).order_by(Collaboration.id))
        fees = {c.id: (c.fee, c.currency) for c in collab}
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    handles = _tables(at, "handle", "avg_views")[0]
    row = handles[handles["handle"] == handle.handle].iloc[0]
    assert row["followers"] == format_number(handle.followers, ID)  # 31.115: the page's language
    assert "." in row["followers"] or handle.followers < 1000
    if handle.engagement_rate is not None:
        assert row["engagement_rate"] == format_number(handle.engagement_rate, ID, 2)
        assert "," in row["engagement_rate"]  # 2,73, never 2.73
    collabs = _tables(at, "promo_code", "fee")[0]
    for cid, shown in zip(collabs["id"], collabs["fee"], strict=True):
        fee, currency = fees[int(cid)]
        assert shown == ("" if fee is None else format_money(fee, currency, ID)), cid
    assert any(v.startswith("Rp") and "." in v for v in collabs["fee"])  # Rp12.500.000, never 12500000


def test_overview_ranks_only_campaigns_with_a_roas_and_shows_it_beside_the_name(demo_url, app_test) -> None:
    day = today()
    start, until = day.replace(day=1), day - dt.timedelta(days=1)
    at = open_page(app_test(), OVERVIEW)
    assert not at.error, [e.value for e in at.error]
    if until < start:  # the 1st of a month: no completed day, nothing to rank
        assert "Top campaigns by ROAS" in [s.value for s in at.subheader]
        return
    with session_scope() as s:
        month = performance.campaign_performance(s, performance.CampaignFilters(start, until))
    spent = month[month["spend"] > Decimal(0)]
    with_roas = [r for r in spent["roas"] if r is not None and r == r]
    without = len(spent) - len(with_roas)
    assert without > 0  # the demo has leads and awareness campaigns without conversion value
    top, bottom = _tables(at, "Campaign", "ROAS")
    for table in (top, bottom):
        assert list(table.columns)[:2] == ["Campaign", "ROAS"]  # what it ranks by, in view beside the name
        assert "—" not in set(table["ROAS"])
    best = sorted(with_roas, reverse=True)
    assert list(top["ROAS"]) == [number(v, 2) for v in best[:5]]
    assert list(bottom["ROAS"]) == [number(v, 2) for v in sorted(with_roas)[:5]]
    captions = [c.value for c in at.caption]
    assert (
        f"{without} campaign(s) with spend track no conversion value (leads, awareness) and are not ranked by "
        "ROAS: compare them by CPA on the Campaigns page." in captions
    ), captions


def test_sync_without_tokens_says_what_opens_the_buttons_and_what_works_meanwhile(migrated_url, app_test) -> None:
    at = open_page(app_test(), SYNC, language="id")
    assert "sync_run" not in {b.key for b in at.button}  # no token: no button, and the section says why
    captions = [c.value for c in at.caption]
    assert (
        "Tombol Sinkronkan sekarang muncul di sini setelah token akses Meta diatur (lihat Koneksi Meta di atas). "
        "Sementara itu, impor ekspor Ads Manager di bawah." in captions
    ), captions
    assert any(c.startswith("Tombol Sinkronkan TikTok sekarang muncul di sini") for c in captions), captions


def test_overview_with_no_campaign_tracking_a_value_says_so_instead_of_ranking(migrated_url, app_test) -> None:
    from tests import builders as b

    day = today()
    start, until = day.replace(day=1), day - dt.timedelta(days=1)
    with session_scope() as s:
        leads = b.campaign(s, b.account(s), name="ID | Leads push", objective="OUTCOME_LEADS")
        b.insights(s, leads, [max(start, until)], spend="2500000", conversions=40)
    at = open_page(app_test(), OVERVIEW, language="id")
    assert not at.error, [e.value for e in at.error]
    if until < start:  # the 1st of a month: no completed day, nothing to rank (and no caption about it)
        assert not [c for c in at.caption if "tidak diurutkan menurut ROAS" in c.value]
        return
    captions = [c.value for c in at.caption]
    assert not _tables_or_none(at)  # no ROAS table with nothing in it, and none listing a "—" campaign
    assert "Belum ada kampanye yang melacak nilai konversi bulan ini, jadi tidak ada ROAS untuk diurutkan." in captions
    assert (
        "1 kampanye dengan belanja iklan tidak melacak nilai konversi (prospek, awareness) dan tidak diurutkan "
        "menurut ROAS: bandingkan menurut CPA di halaman Kampanye." in captions
    ), captions


def _tables_or_none(at) -> list:
    return [e.value for e in at.dataframe if {"Kampanye", "ROAS"} <= set(e.value.columns)]
