"""The demo workspace: deterministic, realistic, ends yesterday, every stage and budget kind present."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from campaigns.conversions import count_conversions, default_events
from campaigns.models import AdAccount, AdSet, Campaign, CampaignInsight
from db.engine import session_scope
from db.roles import CLI_ACTOR, Actor, PermissionDenied
from demo.workspace import load_demo
from finance.models import FxRate
from influencers.models import STAGES, Collaboration, Payment, Program, SocialHandle

TODAY = dt.date(2026, 11, 27)


def _fingerprint(url: str) -> list:
    with session_scope(url) as s:
        return s.execute(
            select(Campaign.name, CampaignInsight.date, CampaignInsight.spend, CampaignInsight.conversions)
            .join(Campaign)
            .order_by(Campaign.name, CampaignInsight.date)
        ).all()


def test_demo_is_deterministic(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        load_demo(s, CLI_ACTOR, today=TODAY)
    first = _fingerprint(migrated_url)
    with session_scope(migrated_url) as s:
        load_demo(s, CLI_ACTOR, today=TODAY, reset=True)
    assert _fingerprint(migrated_url) == first


def test_demo_covers_the_domain(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        load_demo(s, CLI_ACTOR, today=TODAY)
    with session_scope(migrated_url) as s:
        meta = {a.currency: a.timezone_name for a in s.scalars(select(AdAccount).where(AdAccount.platform == "meta"))}
        assert meta == {"IDR": "Asia/Jakarta", "USD": "America/New_York", "SGD": "Asia/Singapore"}
        # Several channels side by side: a TikTok advertiser (IDR, Jakarta) and a Google Ads account.
        others = s.execute(
            select(AdAccount.platform, AdAccount.currency, AdAccount.timezone_name).where(AdAccount.platform != "meta")
        ).all()
        assert sorted(others) == [("google", "IDR", "Asia/Jakarta"), ("tiktok", "IDR", "Asia/Jakarta")]
        by_platform = select(Campaign.platform, func.count(Campaign.id)).group_by(Campaign.platform)
        per_platform = dict(list(s.execute(by_platform)))
        assert per_platform == {"meta": 30, "tiktok": 6, "google": 3}
        assert s.scalar(select(func.count(AdSet.id)).where(AdSet.platform == "tiktok")) == 12
        assert s.scalar(select(func.count(AdSet.id)).where(AdSet.platform == "google")) == 0  # campaign rows only
        # Every platform has daily rows up to yesterday, and campaigns and their ad sets agree on the platform.
        last = select(Campaign.platform, func.max(CampaignInsight.date)).join(Campaign).group_by(Campaign.platform)
        last_days = dict(list(s.execute(last)))
        assert last_days == dict.fromkeys(("meta", "tiktok", "google"), TODAY - dt.timedelta(days=1))
        assert (
            s.scalar(select(func.count()).select_from(AdSet).join(Campaign).where(AdSet.platform != Campaign.platform))
            == 0
        )
        tiktok_statuses = set(s.scalars(select(Campaign.status).where(Campaign.platform == "tiktok")))
        assert tiktok_statuses == {"ACTIVE", "PAUSED", "DELETED"}
        assert s.scalar(select(func.max(CampaignInsight.date))) == TODAY - dt.timedelta(days=1)
        assert s.scalar(select(func.min(CampaignInsight.date))) == TODAY - dt.timedelta(days=120)
        statuses = set(s.scalars(select(Campaign.status)))
        assert {"ACTIVE", "PAUSED", "ARCHIVED", "DELETED"} <= statuses
        assert s.scalar(select(func.count()).where(Campaign.daily_budget.is_not(None))) > 0
        assert s.scalar(select(func.count()).where(Campaign.lifetime_budget.is_not(None))) > 0
        assert s.scalar(select(func.count()).where(AdSet.daily_budget.is_not(None))) > 0
        assert set(s.scalars(select(Collaboration.stage))) == set(STAGES)
        assert set(s.scalars(select(SocialHandle.platform))) == {"instagram", "tiktok", "youtube"}
        assert s.scalar(select(func.count(Program.id))) == 4
        assert {"pending", "approved", "paid"} <= set(s.scalars(select(Payment.status)))
        assert s.scalar(select(func.count(FxRate.id))) > 0
        # Conversions stored with each Meta row follow the raw actions: overlapping purchase types counted once.
        # (Meta rows only, in id order: without an ORDER BY PostgreSQL may hand back TikTok rows first.)
        meta_rows = (
            select(CampaignInsight, Campaign.objective)
            .join(Campaign)
            .where(Campaign.platform == "meta")
            .order_by(CampaignInsight.id)
            .limit(300)
        )
        for row, objective in s.execute(meta_rows):
            expected, value = count_conversions(row.actions, row.action_values, default_events(objective))
            assert row.conversions == expected
            assert row.conversion_value == value
        # TikTok and Google rows follow their own platform's events (complete payments; Google's Conversions).
        for platform in ("tiktok", "google"):
            rows = s.execute(
                select(CampaignInsight, Campaign.objective).join(Campaign).where(Campaign.platform == platform)
            ).all()
            assert sum(r.conversions for r, _objective in rows) > 0
            for row, objective in rows:
                events = default_events(objective, platform)
                assert (row.conversions, row.conversion_value) == count_conversions(
                    row.actions, row.action_values, events, platform
                )


def test_only_admins_load_the_demo(migrated_url: str) -> None:
    with pytest.raises(PermissionDenied, match="viewer"), session_scope(migrated_url) as s:
        load_demo(s, Actor("v@example.com", "viewer"), today=TODAY)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Campaign.id))) == 0


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 12, 3), dt.date(2026, 11, 27), dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2026, 3, 1)],
)
def test_no_payment_is_paid_after_today(migrated_url: str, today: dt.date) -> None:
    """The payment form refuses a paid date in the future (influencers.payments), so the demo never makes one:
    a payment whose day has not come yet is still approved, waiting for its due date."""
    with session_scope(migrated_url) as s:
        load_demo(s, CLI_ACTOR, today=today)
    with session_scope(migrated_url) as s:
        payments = s.scalars(select(Payment)).all()
        paid = [p for p in payments if p.status == "paid"]
        assert paid, "the demo has paid payments"
        assert all(p.paid_date is not None and p.paid_date <= today for p in paid), [
            (p.id, p.paid_date) for p in paid if p.paid_date is None or p.paid_date > today
        ]
        assert all(p.paid_date is None for p in payments if p.status != "paid")
        assert all(p.due_date is not None for p in payments if p.status != "paid")


@pytest.mark.parametrize("today", [dt.date(2026, 11, 27), dt.date(2027, 1, 1), dt.date(2026, 3, 1)])
def test_one_creator_returns_part_of_a_paid_fee(migrated_url: str, today: dt.date) -> None:
    """A creator who cancelled after being paid returns half the fee: one refund on a paid IDR payment, dated on or
    after its paid date and by yesterday, shown as its own negative row in the influencer-payments export."""
    from decimal import Decimal

    from db.money import plain
    from finance.exports import export_chunks, read_rows
    from influencers.models import PaymentRefund
    from influencers.payments import net_paid

    with session_scope(migrated_url) as s:
        counts = load_demo(s, CLI_ACTOR, today=today)
    assert counts["refunds"] == 1
    with session_scope(migrated_url) as s:
        refund = s.scalars(select(PaymentRefund)).one()
        payment = s.get(Payment, refund.payment_id)
        assert (payment.status, payment.currency, refund.currency) == ("paid", "IDR", "IDR")
        assert Decimal(0) < refund.amount < payment.amount
        assert refund.amount + net_paid(s, payment) == payment.amount
        assert payment.paid_date <= refund.refund_date <= max(payment.paid_date, today - dt.timedelta(days=1))
        assert refund.reason
        assert refund.recorded_by
        month = refund.refund_date.replace(day=1)
        data = b"".join(export_chunks(s, "influencer-payments", month, refund.refund_date, "IDR", bom=False))
        header, rows = read_rows(data)
        lines = [dict(zip(header, row, strict=True)) for row in rows]
        refunds = [r for r in lines if r["entry_type"] == "refund"]
        assert [(r["payment_id"], r["amount"], r["paid_date"]) for r in refunds] == [
            (str(payment.id), f"-{plain(refund.amount, 'IDR')}", refund.refund_date.isoformat())
        ]
    # --reset removes the refund with its payment and makes the same one again.
    with session_scope(migrated_url) as s:
        assert load_demo(s, CLI_ACTOR, today=today, reset=True)["refunds"] == 1
    with session_scope(migrated_url) as s:
        assert len(s.scalars(select(PaymentRefund)).all()) == 1
