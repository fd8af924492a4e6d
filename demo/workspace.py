"""The demo workspace: a deterministic, realistic set of accounts, campaigns, insights,
influencers, programs and FX rates, generated relative to today (its data ends yesterday).

Several channels side by side: three Meta ad accounts (IDR, USD, SGD), a TikTok advertiser (IDR,
Asia/Jakarta) with campaigns, ad groups and daily reports shaped like the TikTok sync writes them, and a
small Google Ads account (IDR) with campaign-level daily rows like a report download import."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from budgets.models import BudgetChange, BudgetPlan
from campaigns.conversions import count_conversions, default_events
from campaigns.models import (
    SOURCE_DEMO,
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    SyncRun,
)
from campaigns.platforms import PLATFORM_GOOGLE, PLATFORM_TIKTOK
from campaigns.tiktok_writer import raw_actions
from db import audit
from db.calendar import workspace_today, zone
from db.models import Setting, User
from db.money import quantize
from db.roles import Actor, require
from db.types import utcnow
from finance.models import FxRate
from influencers.models import (
    STAGES,
    Collaboration,
    CollaborationReach,
    Deliverable,
    Influencer,
    InfluencerLabel,
    Interaction,
    Payment,
    PaymentRefund,
    Program,
    ProgramCampaign,
    SocialHandle,
    StageChange,
)

SEED = 20260101
DAYS = 120
DEMO_FLAG = "demo.loaded"
DEMO_EMAIL_DOMAIN = "demo.pantau.example"
DEMO_FX_SOURCE = "demo"

ACCOUNTS = (
    # account_id, name, currency, time zone, CPM range (major units), daily budget range
    ("100000000000001", "Kopi Nusantara ID", "IDR", "Asia/Jakarta", (18000, 42000), (400_000, 6_000_000)),
    ("100000000000002", "Kopi Nusantara US", "USD", "America/New_York", (6, 14), (40, 600)),
    ("100000000000003", "Kopi Nusantara SG", "SGD", "Asia/Singapore", (7, 16), (60, 400)),
)
OBJECTIVE_MIX = (
    "OUTCOME_SALES",
    "OUTCOME_SALES",
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_LEADS",
    "OUTCOME_APP_PROMOTION",
    "OUTCOME_TRAFFIC",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_SALES",
)
THEMES = (
    "Ramadan Sale",
    "Cold Brew Launch",
    "Payday 25",
    "Harbolnas 12.12",
    "Loyalty App",
    "Barista Class Leads",
    "Brand Awareness Q4",
    "Retargeting 30d",
    "Lookalike Buyers",
    "Video Views Reels",
)
FIRST_NAMES = (
    "Ayu",
    "Budi",
    "Citra",
    "Dewi",
    "Eka",
    "Fajar",
    "Gita",
    "Hendra",
    "Indah",
    "Joko",
    "Kirana",
    "Lestari",
    "Maya",
    "Nadia",
    "Oka",
    "Putri",
    "Rizky",
    "Sari",
    "Tasya",
    "Wulan",
    "Yoga",
    "Zahra",
    "Arif",
    "Bella",
    "Chandra",
    "Dimas",
    "Eva",
    "Farah",
    "Galih",
    "Hana",
)
LAST_NAMES = ("Pratama", "Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kusuma", "Nugroho", "Putri", "Halim")
NICHES = ("coffee", "food", "lifestyle", "travel", "fitness", "beauty", "tech", "parenting")
CITIES = (
    ("ID", "Jakarta"),
    ("ID", "Bandung"),
    ("ID", "Surabaya"),
    ("ID", "Yogyakarta"),
    ("SG", "Singapore"),
    ("ID", "Denpasar"),
    ("US", "Los Angeles"),
)
PROGRAMS = (
    ("Kopi Susu Creators", "Kopi Nusantara", "OUTCOME_SALES", "IDR", Decimal("150000000"), "KOPI"),
    ("Cold Brew Summer Seeding", "Kopi Nusantara Cold Brew", "awareness", "IDR", Decimal("60000000"), "BREW"),
    ("Barista at Home", "Kopi Nusantara Gear", "OUTCOME_LEADS", "USD", Decimal("12000"), "HOME"),
    ("SG Cafe Hopping", "Kopi Nusantara SG", "traffic", "SGD", Decimal("15000"), "SGCAFE"),
)
DEMO_USERS = (
    ("manager@demo.pantau.example", "manager", "Maya Manager"),
    ("specialist@demo.pantau.example", "specialist", "Sari Specialist"),
    ("finance@demo.pantau.example", "finance", "Fajar Finance"),
    ("viewer@demo.pantau.example", "viewer", "Vina Viewer"),
)
# The TikTok advertiser (IDR, Asia/Jakarta): campaigns as (name, objective, budget mode, campaign budget,
# ad group budget mode, daily spend level, lifecycle).
TIKTOK_ADVERTISER = ("7100000000000000101", "Kopi Nusantara TikTok", "IDR", "Asia/Jakarta")
TIKTOK_CAMPAIGNS = (
    ("TikTok | Kopi Susu Spark Ads | Sales", "PRODUCT_SALES", "BUDGET_MODE_DAY", 2_500_000, None, 2_300_000, "active"),
    ("TikTok | Cold Brew LIVE Shopping | Sales", "PRODUCT_SALES", "BUDGET_MODE_INFINITE", None, "BUDGET_MODE_DAY",
     1_800_000, "active"),
    ("TikTok | Barista Class Instant Form | Leads", "LEAD_GENERATION", "BUDGET_MODE_INFINITE", None,
     "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", 900_000, "active"),
    ("TikTok | Loyalty App Installs | App", "APP_PROMOTION", "BUDGET_MODE_TOTAL", 45_000_000, None, 1_200_000,
     "late"),
    ("TikTok | Brand Reach Q4 | Reach", "REACH", "BUDGET_MODE_DAY", 700_000, None, 650_000, "paused"),
    ("TikTok | Harbolnas Flash Sale | Sales", "PRODUCT_SALES", "BUDGET_MODE_DAY", 3_000_000, None, 2_800_000,
     "deleted"),
)  # fmt: skip
# The Google Ads account (IDR, from report downloads): campaigns as (name, campaign type, daily budget).
GOOGLE_ACCOUNT = ("123-456-7890", "Kopi Nusantara Google Ads", "IDR", "Asia/Jakarta")
GOOGLE_CAMPAIGNS = (
    ("Google | Search Brand", "SEARCH", 800_000),
    ("Google | Performance Max Shop", "PERFORMANCE_MAX", 1_500_000),
    ("Google | YouTube Cold Brew", "VIDEO", 600_000),
)
# Rough rates to USD used to build the FX table (1 unit = x USD).
USD_VALUE = {"USD": Decimal("1"), "IDR": Decimal("0.0000625"), "SGD": Decimal("0.745")}


class DemoError(RuntimeError):
    """The demo workspace could not be loaded."""


def demo_loaded(session: Session) -> bool:
    return session.get(Setting, DEMO_FLAG) is not None


def load_demo(
    session: Session,
    actor: Actor,
    *,
    reset: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, int]:
    """Create the demo workspace. Returns counts; does nothing when it is already there
    (unless `reset`, which removes the previous demo data first)."""
    require(actor, "demo.load")
    step = progress or (lambda _msg, _frac: None)
    if demo_loaded(session):
        if not reset:
            return {}
        step("Removing the previous demo data", 0.05)
        remove_demo(session)
    rng = random.Random(SEED)
    today = today or workspace_today(session)
    counts: dict[str, int] = {}
    step("Creating ad accounts, campaigns and ad sets", 0.1)
    campaigns = _accounts_and_campaigns(session, rng, today, counts)
    step("Generating 120 days of daily insights", 0.3)
    _insights(session, rng, today, campaigns, counts)
    step("Adding a TikTok advertiser and a Google Ads account", 0.6)
    # Their own random stream: the Meta figures stay what they were before these channels existed.
    channels = _tiktok(session, random.Random(SEED + 16), today, counts)
    channels += _google(session, random.Random(SEED + 17), today, counts)
    step("Creating influencers and programs", 0.7)
    programs = _influencers_and_programs(session, rng, today, counts, campaigns)
    _refund(session, today, programs, counts)
    step("Adding budget plans, FX rates and users", 0.9)
    _budget_plans(session, rng, today, campaigns + channels, programs, counts)
    _fx_rates(session, today, counts)
    _users(session, counts)
    session.add(Setting(key=DEMO_FLAG, value={"loaded_on": today.isoformat()}, updated_by=actor.email))
    audit.record(session, actor, "import", "demo_workspace", None, after=counts, summary="Demo workspace loaded")
    step("Done", 1.0)
    return counts


def remove_demo(session: Session) -> None:
    """Delete everything the demo created (identified by source, e-mail domain and names)."""
    account_ids = list(session.scalars(select(AdAccount.id).where(AdAccount.source == SOURCE_DEMO)))
    program_ids = list(session.scalars(select(Program.id).where(Program.name.in_([p[0] for p in PROGRAMS]))))
    collab_ids = select(Collaboration.id).where(Collaboration.program_id.in_(program_ids))
    payment_ids = select(Payment.id).where(Payment.collaboration_id.in_(collab_ids))
    session.execute(delete(PaymentRefund).where(PaymentRefund.payment_id.in_(payment_ids)))
    session.execute(delete(Payment).where(Payment.collaboration_id.in_(collab_ids)))
    session.execute(delete(Collaboration).where(Collaboration.program_id.in_(program_ids)))
    session.execute(delete(BudgetPlan).where(BudgetPlan.program_id.in_(program_ids)))
    session.execute(delete(Program).where(Program.id.in_(program_ids)))
    session.execute(delete(Influencer).where(Influencer.email.like(f"%@{DEMO_EMAIL_DOMAIN}")))
    session.execute(delete(BudgetPlan).where(BudgetPlan.scope_key.like("channel:%"), BudgetPlan.notes == "demo"))
    session.execute(delete(SyncRun).where(SyncRun.kind == "demo"))
    session.execute(delete(AdAccount).where(AdAccount.id.in_(account_ids)))
    session.execute(delete(FxRate).where(FxRate.source == DEMO_FX_SOURCE))
    session.execute(delete(User).where(User.email.in_([u[0] for u in DEMO_USERS])))
    session.execute(delete(Setting).where(Setting.key == DEMO_FLAG))
    session.flush()
    session.expunge_all()


def _money(value: float | Decimal, currency: str) -> Decimal:
    return quantize(Decimal(str(value)), currency)


def _local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone(tz)).astimezone(dt.UTC)


def _accounts_and_campaigns(session: Session, rng: random.Random, today: dt.date, counts: dict) -> list[dict]:
    campaigns: list[dict] = []
    for a_index, (account_id, name, currency, tz, cpm, budget_range) in enumerate(ACCOUNTS):
        account = AdAccount(
            account_id=account_id,
            name=name,
            currency=currency,
            timezone_name=tz,
            account_status=1,
            business_name="Kopi Nusantara Group",
            source=SOURCE_DEMO,
            last_synced_at=utcnow(),
        )
        session.add(account)
        session.flush()
        for c_index in range(10):
            objective = OBJECTIVE_MIX[(c_index + a_index) % len(OBJECTIVE_MIX)]
            theme = THEMES[(c_index + 3 * a_index) % len(THEMES)]
            # A mix of lifecycles: running all along, started mid-way, paused, ended and archived/deleted.
            kind = ("active", "active", "active", "active", "late", "paused", "ended", "active", "deleted", "late")[
                c_index
            ]
            start = today - dt.timedelta(days=DAYS + rng.randint(0, 60))
            stop: dt.date | None = None
            status, effective = "ACTIVE", "ACTIVE"
            if kind == "late":
                start = today - dt.timedelta(days=rng.randint(12, 40))
            elif kind == "paused":
                status = effective = "PAUSED"
                stop = today - dt.timedelta(days=rng.randint(5, 25))
            elif kind == "ended":
                stop = today - dt.timedelta(days=rng.randint(30, 70))
                status, effective = "ARCHIVED", "ARCHIVED"
            elif kind == "deleted":
                stop = today - dt.timedelta(days=rng.randint(45, 90))
                status, effective = "DELETED", "DELETED"
            cbo = c_index % 3 != 1  # two thirds campaign budget (CBO), one third ad set budgets (ABO)
            lifetime = c_index in (4, 9)  # launches run on a lifetime budget with an end date
            daily = _money(rng.uniform(*budget_range), currency)
            if currency == "IDR":
                daily = (daily / 10000).to_integral_value(ROUND_HALF_UP) * 10000
            end_time = None
            if lifetime:
                end = today + dt.timedelta(days=rng.randint(10, 30))
                end_time = _local_midnight(end, tz)
            elif stop is not None:
                end_time = _local_midnight(stop, tz)
            campaign = Campaign(
                account_id=account.id,
                meta_id=f"12021{a_index}{c_index:02d}000000{rng.randint(1000, 9999)}",
                name=f"{name.split()[-1]} | {theme} | {objective.split('_', 1)[1].title()}",
                status=status,
                effective_status=effective,
                objective=objective,
                buying_type="AUCTION",
                currency=currency,
                start_time=_local_midnight(start, tz),
                stop_time=end_time,
                source=SOURCE_DEMO,
                last_synced_at=utcnow(),
            )
            n_adsets = 2 + (c_index % 2)
            if cbo and not lifetime:
                campaign.daily_budget = daily
            elif cbo and lifetime:
                days = ((end_time.date() if end_time else today) - start).days or 1
                campaign.lifetime_budget = _money(daily * days, currency)
            session.add(campaign)
            session.flush()
            adsets = []
            for s_index in range(n_adsets):
                audience = ("Broad 18-44", "Lookalike 1%", "Retargeting 30d")[s_index]
                adset = AdSet(
                    campaign_id=campaign.id,
                    meta_id=f"{str(campaign.meta_id)[:-4]}{s_index}{rng.randint(100, 999)}",
                    name=f"{audience} | {theme}",
                    status="ACTIVE" if status == "ACTIVE" else status,
                    effective_status=effective if status != "ACTIVE" else "ACTIVE",
                    optimization_goal="OFFSITE_CONVERSIONS" if objective == "OUTCOME_SALES" else "LINK_CLICKS",
                    billing_event="IMPRESSIONS",
                    bid_strategy="LOWEST_COST_WITHOUT_CAP",
                    currency=currency,
                    source=SOURCE_DEMO,
                    start_time=campaign.start_time,
                    end_time=end_time,
                )
                if not cbo:
                    adset.daily_budget = _money(daily / n_adsets, currency)
                    if currency == "IDR":
                        adset.daily_budget = (adset.daily_budget / 1000).to_integral_value(ROUND_HALF_UP) * 1000
                session.add(adset)
                adsets.append(adset)
            session.flush()
            campaigns.append(
                {
                    "campaign": campaign,
                    "adsets": adsets,
                    "account": account,
                    "start": start,
                    "stop": stop,
                    "daily": daily,
                    "cpm": cpm,
                    "lifetime_end": end_time.astimezone(zone(tz)).date() if lifetime and end_time else None,
                }
            )
    counts["accounts"] = len(ACCOUNTS)
    counts["campaigns"] = len(campaigns)
    counts["ad_sets"] = sum(len(c["adsets"]) for c in campaigns)
    return campaigns


def _actions(objective: str, rng: random.Random, clicks: int, currency: str) -> tuple[list, list]:
    link = int(clicks * rng.uniform(0.6, 0.8))
    lpv = int(link * rng.uniform(0.7, 0.9))
    engagement = clicks + int(clicks * rng.uniform(0.5, 2.0))
    actions = [
        {"action_type": "link_click", "value": str(link)},
        {"action_type": "landing_page_view", "value": str(lpv)},
        {"action_type": "post_engagement", "value": str(engagement)},
        {"action_type": "page_engagement", "value": str(engagement + rng.randint(0, 5))},
    ]
    values: list[dict] = []
    aov = {"IDR": 185000, "USD": 24.5, "SGD": 32.0}[currency]
    if objective == "OUTCOME_SALES":
        purchases = int(lpv * rng.uniform(0.01, 0.05))
        carts = purchases + int(lpv * rng.uniform(0.02, 0.06))
        if carts:
            actions += [
                {"action_type": "offsite_conversion.fb_pixel_add_to_cart", "value": str(carts)},
                {"action_type": "add_to_cart", "value": str(carts)},
                {"action_type": "omni_add_to_cart", "value": str(carts)},
            ]
        if purchases:
            value = _money(purchases * aov * rng.uniform(0.8, 1.3), currency)
            # Meta reports one purchase three times (pixel, purchase, omni): the same event.
            for kind in ("offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase"):
                actions.append({"action_type": kind, "value": str(purchases)})
                values.append({"action_type": kind, "value": str(value)})
    elif objective == "OUTCOME_LEADS":
        leads = int(link * rng.uniform(0.04, 0.12))
        if leads:
            actions += [
                {"action_type": "onsite_conversion.lead_grouped", "value": str(leads)},
                {"action_type": "lead", "value": str(leads)},
            ]
    elif objective == "OUTCOME_APP_PROMOTION":
        installs = int(link * rng.uniform(0.08, 0.2))
        if installs:
            actions += [
                {"action_type": "mobile_app_install", "value": str(installs)},
                {"action_type": "omni_app_install", "value": str(installs)},
            ]
    return actions, values


def _insights(session: Session, rng: random.Random, today: dt.date, campaigns: list[dict], counts: dict) -> None:
    campaign_rows: list[dict] = []
    adset_rows: list[dict] = []
    now = utcnow()
    for item in campaigns:
        campaign: Campaign = item["campaign"]
        currency = campaign.currency
        events = default_events(campaign.objective)
        end = min(today - dt.timedelta(days=1), item["stop"] or today, item["lifetime_end"] or today)
        for offset in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=offset)
            if day < item["start"] or day > end:
                continue
            weekday_boost = 1.08 if day.weekday() in (4, 5) else 1.0
            day_total = Decimal(0)
            totals: dict[str, Any] = {"impressions": 0, "clicks": 0, "link": 0, "actions": {}, "values": {}}
            for adset in item["adsets"]:
                share = Decimal(1) / len(item["adsets"])
                spend = _money(float(item["daily"] * share) * rng.uniform(0.82, 1.06) * weekday_boost, currency)
                cpm = rng.uniform(*item["cpm"])
                impressions = int(float(spend) / cpm * 1000)
                clicks = int(impressions * rng.uniform(0.008, 0.025))
                actions, values = _actions(campaign.objective or "", rng, clicks, currency)
                conversions, value = count_conversions(actions, values, events)
                link = next(int(a["value"]) for a in actions if a["action_type"] == "link_click")
                adset_rows.append(
                    {
                        "ad_set_id": adset.id,
                        "date": day,
                        "currency": currency,
                        "spend": spend,
                        "impressions": impressions,
                        "clicks": clicks,
                        "link_clicks": link,
                        "actions": actions,
                        "action_values": values or None,
                        "conversions": conversions,
                        "conversion_value": value,
                        "source": SOURCE_DEMO,
                        "synced_at": now,
                    }
                )
                day_total += spend
                totals["impressions"] += impressions
                totals["clicks"] += clicks
                totals["link"] += link
                for a in actions:
                    totals["actions"][a["action_type"]] = totals["actions"].get(a["action_type"], 0) + int(a["value"])
                for v in values:
                    key = v["action_type"]
                    totals["values"][key] = totals["values"].get(key, Decimal(0)) + Decimal(v["value"])
            actions = [{"action_type": k, "value": str(v)} for k, v in totals["actions"].items()]
            values = [{"action_type": k, "value": str(v)} for k, v in totals["values"].items()]
            conversions, value = count_conversions(actions, values, events)
            campaign_rows.append(
                {
                    "campaign_id": campaign.id,
                    "date": day,
                    "currency": currency,
                    "spend": day_total,
                    "impressions": totals["impressions"],
                    "clicks": totals["clicks"],
                    "link_clicks": totals["link"],
                    "reach": int(totals["impressions"] / rng.uniform(1.2, 1.9)),
                    "actions": actions,
                    "action_values": values or None,
                    "conversions": conversions,
                    "conversion_value": value,
                    "source": SOURCE_DEMO,
                    "synced_at": now,
                }
            )
    for chunk in range(0, len(campaign_rows), 2000):
        session.execute(insert(CampaignInsight), campaign_rows[chunk : chunk + 2000])
    for chunk in range(0, len(adset_rows), 2000):
        session.execute(insert(AdSetInsight), adset_rows[chunk : chunk + 2000])
    session.add(
        SyncRun(
            kind="demo",
            window_since=today - dt.timedelta(days=DAYS),
            window_until=today - dt.timedelta(days=1),
            finished_at=utcnow(),
            status="success",
            rows=len(campaign_rows) + len(adset_rows),
            objects=len(campaigns),
            triggered_by="demo",
        )
    )
    counts["campaign_insights"] = len(campaign_rows)
    counts["ad_set_insights"] = len(adset_rows)


def _add_rows(session: Session, model: type, rows: list[dict]) -> None:
    for chunk in range(0, len(rows), 2000):
        session.execute(insert(model), rows[chunk : chunk + 2000])


def _tiktok_status(kind: str) -> tuple[str, str]:
    """(status, TikTok secondary status) of a demo campaign's lifecycle."""
    return {
        "active": ("ACTIVE", "CAMPAIGN_STATUS_ENABLE"),
        "late": ("ACTIVE", "CAMPAIGN_STATUS_ENABLE"),
        "paused": ("PAUSED", "CAMPAIGN_STATUS_DISABLE"),
        "deleted": ("DELETED", "CAMPAIGN_STATUS_DELETE"),
    }[kind]


def _tiktok_metrics(objective: str, rng: random.Random, clicks: int) -> dict:
    """One ad group's conversion metrics for a day, named as TikTok's report names them."""
    payments = int(clicks * rng.uniform(0.01, 0.04)) if objective == "PRODUCT_SALES" else 0
    forms = int(clicks * rng.uniform(0.05, 0.12)) if objective == "LEAD_GENERATION" else 0
    installs = int(clicks * rng.uniform(0.08, 0.18)) if objective == "APP_PROMOTION" else 0
    return {
        "complete_payment": payments,
        "total_complete_payment_rate": Decimal(payments * rng.randint(60, 160) * 1000) if payments else Decimal(0),
        "form": int(clicks * rng.uniform(0, 0.01)),
        "onsite_form": forms,
        "app_install": installs,
        "conversion": payments + forms + installs,
    }


def _tiktok(session: Session, rng: random.Random, today: dt.date, counts: dict) -> list[dict]:
    """A TikTok advertiser with campaigns in every budget mode, two ad groups each and daily reports (campaign
    rows are the sums of their ad groups'), stored the way the TikTok sync stores them."""
    advertiser, name, currency, tz = TIKTOK_ADVERTISER
    account = AdAccount(
        platform=PLATFORM_TIKTOK,
        account_id=advertiser,
        name=name,
        currency=currency,
        timezone_name=tz,
        business_name="Kopi Nusantara Group",
        source=SOURCE_DEMO,
        last_synced_at=utcnow(),
    )
    session.add(account)
    session.flush()
    now = utcnow()
    items: list[dict] = []
    campaign_rows: list[dict] = []
    group_rows: list[dict] = []
    for c_index, (title, objective, mode, budget, group_mode, level, kind) in enumerate(TIKTOK_CAMPAIGNS):
        start = today - dt.timedelta(days=DAYS + rng.randint(0, 30))
        stop: dt.date | None = None
        if kind == "late":
            start = today - dt.timedelta(days=rng.randint(20, 35))
        elif kind == "paused":
            stop = today - dt.timedelta(days=rng.randint(6, 15))
        elif kind == "deleted":
            stop = today - dt.timedelta(days=rng.randint(40, 60))
        end = today + dt.timedelta(days=25) if mode == "BUDGET_MODE_TOTAL" else None
        status, secondary = _tiktok_status(kind)
        campaign = Campaign(
            account_id=account.id,
            platform=PLATFORM_TIKTOK,
            meta_id=f"17{c_index:02d}0000000000000{rng.randint(100, 999)}",
            name=title,
            status=status,
            effective_status=secondary,
            objective=objective,
            currency=currency,
            daily_budget=Decimal(budget) if budget is not None and mode == "BUDGET_MODE_DAY" else None,
            lifetime_budget=Decimal(budget) if budget is not None and mode == "BUDGET_MODE_TOTAL" else None,
            start_time=_local_midnight(start, tz),
            stop_time=_local_midnight(end, tz) if end else None,
            source=SOURCE_DEMO,
            last_synced_at=now,
        )
        session.add(campaign)
        session.flush()
        groups = []
        for g_index, audience in enumerate(("Broad 18-34", "Interest: coffee")):
            group_status = status
            group_secondary = {
                "ACTIVE": "ADGROUP_STATUS_DELIVERY_OK",
                "PAUSED": "ADGROUP_STATUS_DISABLE",
                "DELETED": "ADGROUP_STATUS_CAMPAIGN_DELETE",
            }[status]
            group_budget = Decimal(level // 2 // 1000 * 1000) if group_mode else None
            group = AdSet(
                campaign_id=campaign.id,
                platform=PLATFORM_TIKTOK,
                meta_id=f"{str(campaign.meta_id)[:-3]}{g_index}{rng.randint(10, 99)}",
                name=f"{audience} | {title.split(' | ')[1]}",
                status=group_status,
                effective_status=group_secondary,
                optimization_goal={"PRODUCT_SALES": "VALUE", "LEAD_GENERATION": "LEAD_GENERATION"}.get(
                    objective, "INSTALL" if objective == "APP_PROMOTION" else "REACH"
                ),
                billing_event="OCPM",
                bid_strategy="BID_TYPE_NO_BID",
                currency=currency,
                daily_budget=group_budget,
                start_time=campaign.start_time,
                end_time=campaign.stop_time,
                source=SOURCE_DEMO,
                last_synced_at=now,
            )
            session.add(group)
            groups.append(group)
        session.flush()
        events = default_events(objective, PLATFORM_TIKTOK)
        last = min(today - dt.timedelta(days=1), stop or today)
        for offset in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=offset)
            if day < start or day > last:
                continue
            totals: dict = {}
            spend_total = Decimal(0)
            for group in groups:
                spend = Decimal(int(level / len(groups) * rng.uniform(0.8, 1.1)) // 100 * 100)
                impressions = int(float(spend) / rng.uniform(15000, 35000) * 1000)
                clicks = int(impressions * rng.uniform(0.006, 0.02))
                metrics = _tiktok_metrics(objective, rng, clicks)
                actions, values = raw_actions(metrics)
                conversions, value = count_conversions(actions, values, events, PLATFORM_TIKTOK)
                group_rows.append(
                    {
                        "ad_set_id": group.id,
                        "date": day,
                        "currency": currency,
                        "spend": spend,
                        "impressions": impressions,
                        "clicks": clicks,
                        "actions": actions,
                        "action_values": values,
                        "conversions": conversions,
                        "conversion_value": value,
                        "source": SOURCE_DEMO,
                        "synced_at": now,
                    }
                )
                spend_total += spend
                totals["impressions"] = totals.get("impressions", 0) + impressions
                totals["clicks"] = totals.get("clicks", 0) + clicks
                for key, number in metrics.items():
                    totals[key] = totals.get(key, 0) + number
            actions, values = raw_actions(totals)
            conversions, value = count_conversions(actions, values, events, PLATFORM_TIKTOK)
            campaign_rows.append(
                {
                    "campaign_id": campaign.id,
                    "date": day,
                    "currency": currency,
                    "spend": spend_total,
                    "impressions": totals["impressions"],
                    "clicks": totals["clicks"],
                    "reach": int(totals["impressions"] / rng.uniform(1.3, 2.2)),
                    "actions": actions,
                    "action_values": values,
                    "conversions": conversions,
                    "conversion_value": value,
                    "source": SOURCE_DEMO,
                    "synced_at": now,
                }
            )
        items.append({"campaign": campaign, "account": account, "daily": Decimal(level)})
    _add_rows(session, CampaignInsight, campaign_rows)
    _add_rows(session, AdSetInsight, group_rows)
    counts["accounts"] += 1
    counts["campaigns"] += len(items)
    counts["ad_sets"] += 2 * len(items)
    counts["campaign_insights"] += len(campaign_rows)
    counts["ad_set_insights"] += len(group_rows)
    return items


def _google(session: Session, rng: random.Random, today: dt.date, counts: dict) -> list[dict]:
    """A small Google Ads account known from report downloads: campaigns with daily budgets and campaign-level
    daily rows (Conversions can be fractional: Google's data-driven attribution splits them)."""
    customer, name, currency, tz = GOOGLE_ACCOUNT
    account = AdAccount(
        platform=PLATFORM_GOOGLE,
        account_id=customer,
        name=name,
        currency=currency,
        timezone_name=tz,
        source=SOURCE_DEMO,
        sync_enabled=False,
        last_synced_at=utcnow(),
    )
    session.add(account)
    session.flush()
    now = utcnow()
    items: list[dict] = []
    rows: list[dict] = []
    for c_index, (title, campaign_type, budget) in enumerate(GOOGLE_CAMPAIGNS):
        start = today - dt.timedelta(days=DAYS + rng.randint(0, 30))
        campaign = Campaign(
            account_id=account.id,
            platform=PLATFORM_GOOGLE,
            meta_id=f"2{c_index}{rng.randint(100000000, 999999999)}",
            name=title,
            status="ACTIVE",
            effective_status="ACTIVE",
            objective=campaign_type,
            currency=currency,
            daily_budget=Decimal(budget),
            start_time=_local_midnight(start, tz),
            source=SOURCE_DEMO,
            last_synced_at=now,
        )
        session.add(campaign)
        session.flush()
        events = default_events(campaign_type, PLATFORM_GOOGLE)
        for offset in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=offset)
            if day < start:
                continue
            spend = Decimal(int(budget * rng.uniform(0.75, 1.05)))
            clicks = int(float(spend) / rng.uniform(1500, 4500))
            impressions = int(clicks / rng.uniform(0.02, 0.08))
            conversions = (Decimal(clicks) * Decimal(str(round(rng.uniform(0.02, 0.07), 2)))).quantize(Decimal("0.01"))
            value = (conversions * rng.randint(120, 220) * 1000).quantize(Decimal(1))
            all_conversions = conversions + rng.randint(0, 4)
            actions = [
                {"action_type": "conversions", "value": str(conversions)},
                {"action_type": "all_conversions", "value": str(all_conversions)},
            ]
            values = [
                {"action_type": "conversions", "value": str(value)},
                {"action_type": "all_conversions", "value": str(value + rng.randint(0, 3) * 100000)},
            ]
            counted, worth = count_conversions(actions, values, events, PLATFORM_GOOGLE)
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "date": day,
                    "currency": currency,
                    "spend": spend,
                    "impressions": impressions,
                    "clicks": clicks,
                    "actions": actions,
                    "action_values": values,
                    "conversions": counted,
                    "conversion_value": worth,
                    "source": SOURCE_DEMO,
                    "synced_at": now,
                }
            )
        items.append({"campaign": campaign, "account": account, "daily": Decimal(budget)})
    _add_rows(session, CampaignInsight, rows)
    counts["accounts"] += 1
    counts["campaigns"] += len(items)
    counts["campaign_insights"] += len(rows)
    return items


def _influencers_and_programs(
    session: Session, rng: random.Random, today: dt.date, counts: dict, campaigns: list[dict]
) -> list[Program]:
    influencers: list[Influencer] = []
    for index in range(60):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        country, city = CITIES[index % len(CITIES)]
        slug = f"{first}.{last}{index}".lower()
        tier = rng.choice((3_000, 25_000, 120_000, 600_000, 2_500_000))
        person = Influencer(
            name=f"{first} {last}",
            email=f"{slug}@{DEMO_EMAIL_DOMAIN}",
            phone=f"+62812{rng.randint(1000000, 9999999)}" if country == "ID" else None,
            country=country,
            city=city,
            language="id" if country == "ID" else "en",
            status="do_not_contact" if index % 29 == 28 else "active",
            owner="specialist@demo.pantau.example",
            agency_name="Kreator Talent" if index % 5 == 0 else None,
        )
        person.labels = [
            InfluencerLabel(kind="niche", value=NICHES[index % len(NICHES)]),
            InfluencerLabel(kind="niche", value=NICHES[(index + 3) % len(NICHES)]),
            InfluencerLabel(kind="tag", value="top-performer" if index % 7 == 0 else "new"),
        ]
        handle = f"{first}{last}{index}".lower()
        platforms = ["instagram", "tiktok"] + (["youtube"] if index % 3 == 0 else [])
        person.handles = [
            SocialHandle(
                platform=platform,
                handle=f"{handle}{'' if platform == 'instagram' else '.' + platform[:2]}",
                profile_url=None,
                followers=int(tier * rng.uniform(0.6, 1.6)),
                engagement_rate=Decimal(str(round(rng.uniform(1.2, 7.5), 2))),
                avg_views=int(tier * rng.uniform(0.1, 0.5)),
                metrics_updated_at=utcnow(),
            )
            for platform in platforms
        ]
        session.add(person)
        influencers.append(person)
    session.flush()
    for person in influencers[:20]:
        session.add(
            Interaction(
                influencer_id=person.id,
                at=_local_midnight(today - dt.timedelta(days=rng.randint(1, 60)), "Asia/Jakarta"),
                channel=rng.choice(("email", "dm", "whatsapp")),
                summary="Sent the brief and rate card request",
                by_user="specialist@demo.pantau.example",
            )
        )

    programs: list[Program] = []
    pool = list(influencers)
    rng.shuffle(pool)
    collab_count = deliverable_count = payment_count = reach_count = 0
    for p_index, (name, brand, objective, currency, budget, prefix) in enumerate(PROGRAMS):
        start = today.replace(day=1) - dt.timedelta(days=45 - 10 * p_index)
        program = Program(
            name=name,
            brand=brand,
            objective=objective,
            start_date=start,
            end_date=start + dt.timedelta(days=90),
            budget=budget,
            currency=currency,
            owner="specialist@demo.pantau.example",
            brief=f"{brand}: authentic creator content, two posts and stories, link in bio with promo code.",
            promo_code_prefix=prefix,
            landing_url="https://kopinusantara.example/shop",
            utm_source="influencer",
            utm_medium="social",
            utm_campaign=prefix.lower(),
            status="active",
        )
        session.add(program)
        session.flush()
        programs.append(program)
        linked = [c["campaign"] for c in campaigns if c["account"].currency == currency][:2]
        for campaign in linked:
            session.add(ProgramCampaign(program_id=program.id, campaign_id=campaign.id))
        members = [pool.pop() for _ in range(12)]
        for m_index, person in enumerate(members):
            stage = STAGES[m_index % len(STAGES)]
            fee_unit = {"IDR": 2_500_000, "USD": 250, "SGD": 300}[currency]
            fee = _money(fee_unit * rng.choice((1, 2, 3, 5, 8)), currency)
            fee_type = ("flat", "per_deliverable", "flat", "commission", "product_only", "flat")[m_index % 6]
            contracted = STAGES.index(stage) >= STAGES.index("contracted") and stage != "declined"
            collab = Collaboration(
                program_id=program.id,
                influencer_id=person.id,
                stage=stage,
                stage_changed_at=_local_midnight(today - dt.timedelta(days=rng.randint(1, 30)), "Asia/Jakarta"),
                stage_changed_by="specialist@demo.pantau.example",
                fee_type=fee_type,
                fee=None if fee_type == "product_only" else fee,
                commission_rate=Decimal("10") if fee_type == "commission" else None,
                product_value=_money(fee_unit * 0.2, currency),
                currency=currency,
                contract_date=start + dt.timedelta(days=m_index) if contracted else None,
                start_date=start + dt.timedelta(days=7),
                end_date=start + dt.timedelta(days=60),
                promo_code=f"{prefix}{person.name.split()[0].upper()}{m_index}",
                tracking_url=(
                    f"https://kopinusantara.example/shop?utm_source=influencer&utm_medium=social"
                    f"&utm_campaign={prefix.lower()}&utm_content={person.handles[0].handle}"
                ),
            )
            session.add(collab)
            session.flush()
            collab_count += 1
            previous = None
            for reached in STAGES[: STAGES.index(stage) + 1] if stage != "declined" else ("prospect", "declined"):
                session.add(
                    StageChange(
                        collaboration_id=collab.id,
                        from_stage=previous,
                        to_stage=reached,
                        by_user="specialist@demo.pantau.example",
                    )
                )
                previous = reached
            if not contracted:
                continue
            # The follower counts the deal was priced on (as a stage move records them): these creators have
            # grown since, by 0, 10 or 20 percent, so a few demo deals sit a tier below their creator's today.
            signed = min(collab.contract_date or today, today)
            for social in person.handles:
                if social.followers is not None:
                    session.add(
                        CollaborationReach(
                            collaboration_id=collab.id,
                            platform=social.platform,
                            followers=social.followers * (100 - 10 * (m_index % 3)) // 100,
                            recorded_at=_local_midnight(signed, "Asia/Jakarta"),
                        )
                    )
                    reach_count += 1
            for d_index in range(2):
                due = start + dt.timedelta(days=14 + 14 * d_index + m_index)
                published = stage in ("live", "completed") and (d_index == 0 or stage == "completed")
                views = int((person.handles[0].followers or 0) * rng.uniform(0.1, 0.6)) if published else None
                session.add(
                    Deliverable(
                        collaboration_id=collab.id,
                        platform=person.handles[d_index % len(person.handles)].platform,
                        type=("reel", "story", "post", "video")[(m_index + d_index) % 4],
                        due_date=due,
                        status="published"
                        if published
                        else ("approved" if stage == "content_in_review" else "planned"),
                        url=f"https://instagram.com/p/demo{collab.id}{d_index}" if published else None,
                        published_date=min(due, today - dt.timedelta(days=1)) if published else None,
                        fee=_money(fee / 2, currency) if fee_type == "per_deliverable" else None,
                        reach=int(views * 0.8) if views else None,
                        impressions=views,
                        views=views,
                        likes=int(views * rng.uniform(0.02, 0.08)) if views else None,
                        comments=int(views * rng.uniform(0.001, 0.01)) if views else None,
                        shares=int(views * rng.uniform(0.001, 0.01)) if views else None,
                        saves=int(views * rng.uniform(0.001, 0.02)) if views else None,
                        clicks=int(views * rng.uniform(0.002, 0.02)) if views else None,
                        conversions=int(views * rng.uniform(0.0002, 0.002)) if views else None,
                        revenue=_money(
                            views * rng.uniform(0.0002, 0.002) * {"IDR": 185000, "USD": 24.5, "SGD": 32}[currency],
                            currency,
                        )
                        if views
                        else None,
                        results_updated_at=utcnow() if views else None,
                    )
                )
                deliverable_count += 1
            if fee_type == "product_only":
                continue
            status = {
                "contracted": "pending",
                "content_in_review": "approved",
                "live": "approved",
                "completed": "paid",
            }[stage]
            paid_on = start + dt.timedelta(days=32 + m_index)
            if status == "paid" and paid_on > today:
                # Money cannot leave the account in the future (the payment form refuses it): a payment whose
                # day has not come yet is approved and waits for its due date.
                status = "approved"
            payment = Payment(
                collaboration_id=collab.id,
                amount=fee,
                currency=currency,
                due_date=start + dt.timedelta(days=30 + m_index),
                status=status,
                approved_by="manager@demo.pantau.example" if status in ("approved", "paid") else None,
                approved_at=utcnow() if status in ("approved", "paid") else None,
                paid_date=paid_on if status == "paid" else None,
                paid_by="finance@demo.pantau.example" if status == "paid" else None,
                invoice_number=f"INV-{prefix}-{collab.id:04d}",
                method="bank_transfer" if status == "paid" else None,
            )
            session.add(payment)
            payment_count += 1
    counts["influencers"] = len(influencers)
    counts["programs"] = len(programs)
    counts["collaborations"] = collab_count
    counts["deliverables"] = deliverable_count
    counts["follower_counts_at_contract"] = reach_count
    counts["payments"] = payment_count
    return programs


def _refund(session: Session, today: dt.date, programs: list[Program], counts: dict) -> None:
    """One creator who cancelled after being paid returns half the fee: the earliest paid IDR payment gets a
    refund about two weeks after its paid date (by yesterday at the latest), so the Payments tab, the ledger's
    paid and the influencer-payments export each show a refund."""
    session.flush()
    paid = session.scalars(
        select(Payment)
        .join(Collaboration, Collaboration.id == Payment.collaboration_id)
        .where(
            Collaboration.program_id.in_([p.id for p in programs]),
            Payment.status == "paid",
            Payment.currency == "IDR",
            Payment.paid_date.is_not(None),
        )
        .order_by(Payment.paid_date, Payment.id)
    ).first()
    if paid is None or paid.paid_date is None:
        counts["refunds"] = 0
        return
    day = max(paid.paid_date, min(paid.paid_date + dt.timedelta(days=12), today - dt.timedelta(days=1)))
    session.add(
        PaymentRefund(
            payment_id=paid.id,
            amount=_money(paid.amount / 2, paid.currency),
            currency=paid.currency,
            refund_date=day,
            reason="Creator cancelled the second reel after being paid; returned half the fee",
            reference=f"TRF-BCA-{day:%Y%m%d}-{paid.id:04d}",
            recorded_by="finance@demo.pantau.example",
        )
    )
    counts["refunds"] = 1


def _budget_plans(
    session: Session, rng: random.Random, today: dt.date, campaigns: list[dict], programs: list[Program], counts: dict
) -> None:
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    month_end = next_month - dt.timedelta(days=1)
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    plans = 0
    for item in campaigns:
        campaign: Campaign = item["campaign"]
        if campaign.status in ("DELETED",) or item is campaigns[3]:
            continue  # one active campaign has no plan: "spending with no plan"
        for start, end in ((previous_start, month_start - dt.timedelta(days=1)), (month_start, month_end)):
            days = (end - start).days + 1
            factor = Decimal(str(round(rng.uniform(0.85, 1.2), 2)))
            session.add(
                BudgetPlan(
                    scope_type="campaign",
                    scope_key=f"campaign:{campaign.id}",
                    campaign_id=campaign.id,
                    period_start=start,
                    period_end=end,
                    amount=_money(item["daily"] * days * factor, campaign.currency),
                    currency=campaign.currency,
                    created_by="manager@demo.pantau.example",
                )
            )
            plans += 1
    for program in programs:
        session.add(
            BudgetPlan(
                scope_type="program",
                scope_key=f"program:{program.id}",
                program_id=program.id,
                period_start=month_start,
                period_end=month_end,
                amount=_money((program.budget or Decimal(0)) / 3, program.currency),
                currency=program.currency,
                created_by="manager@demo.pantau.example",
            )
        )
        plans += 1
    for channel, amount in (("meta_ads", Decimal("45000")), ("influencer_fees", Decimal("18000"))):
        session.add(
            BudgetPlan(
                scope_type="channel",
                scope_key=f"channel:{channel}",
                channel=channel,
                period_start=month_start,
                period_end=month_end,
                amount=amount,
                currency="USD",
                notes="demo",
                created_by="manager@demo.pantau.example",
            )
        )
        plans += 1
    session.flush()
    target = campaigns[0]["campaign"]
    plan = session.scalar(
        select(BudgetPlan).where(BudgetPlan.campaign_id == target.id, BudgetPlan.period_start == month_start)
    )
    if plan is not None:
        session.add(
            BudgetChange(
                budget_plan_id=plan.id,
                campaign_id=target.id,
                target="plan",
                old_amount=plan.amount,
                new_amount=_money(plan.amount * Decimal("1.2"), plan.currency),
                currency=plan.currency,
                reason="Payday weekend: CPA is 30% under target, scale up",
                status="proposed",
                proposed_by="specialist@demo.pantau.example",
            )
        )
    counts["budget_plans"] = plans


def _fx_rates(session: Session, today: dt.date, counts: dict) -> None:
    rows = []
    for offset in range(DAYS + 45, -1, -1):
        day = today - dt.timedelta(days=offset)
        wobble = Decimal(1) + Decimal(((offset * 37) % 21) - 10) / Decimal(1000)
        for base, quote in (("USD", "IDR"), ("SGD", "IDR"), ("SGD", "USD")):
            rate = (USD_VALUE[base] / USD_VALUE[quote] * wobble).quantize(Decimal("0.0000000001"))
            rows.append({"date": day, "from_currency": base, "to_currency": quote, "rate": rate})
            inverse = (Decimal(1) / rate).quantize(Decimal("0.0000000001"))
            rows.append({"date": day, "from_currency": quote, "to_currency": base, "rate": inverse})
    now = utcnow()
    for row in rows:
        row.update(source=DEMO_FX_SOURCE, version_id=1, created_at=now, updated_at=now)
    session.execute(insert(FxRate), rows)
    counts["fx_rates"] = len(rows)


def _users(session: Session, counts: dict) -> None:
    added = 0
    for email, role, name in DEMO_USERS:
        if session.scalar(select(User).where(User.email == email)) is None:
            session.add(User(email=email, role=role, name=name))
            added += 1
    counts["users"] = added
