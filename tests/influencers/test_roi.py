"""ROI formulas with zero and missing values, and the SQL roll-ups next to linked Meta campaigns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.models import AdAccount, Campaign, CampaignInsight
from influencers.charts import cost_vs_conversions, results_over_time
from influencers.deliverables import add_deliverable, record_results
from influencers.programs import update_collaboration, update_program
from influencers.roi import (
    collaboration_results,
    engagements,
    fee_cost,
    metrics,
    program_summary,
    ratio,
    rollup,
)
from influencers.roi import results_over_time as results_frame
from tests.influencers.conftest import SPECIALIST


def test_ratio_never_divides_by_zero() -> None:
    assert ratio(Decimal("100"), 4) == Decimal("25")
    assert ratio(Decimal("100"), 0) is None
    assert ratio(None, 5) is None
    assert ratio(Decimal("5"), None) is None
    assert ratio(Decimal("3"), 1000, 1000) == Decimal("3")


def test_engagements_sum_known_parts() -> None:
    assert engagements(10, 2, 3, 5) == 20
    assert engagements(10, None, None, None) == 10
    assert engagements(None, None, None, None) is None
    assert engagements(0, 0, 0, 0) == 0


@pytest.mark.parametrize(
    ("fee_type", "fee", "rate", "revenue", "del_fees", "count", "expected"),
    [
        ("flat", Decimal("1000"), None, None, None, 0, Decimal("1000")),
        ("flat", None, None, None, None, 0, Decimal("0")),
        ("per_deliverable", Decimal("500"), None, None, Decimal("1500"), 3, Decimal("1500")),
        ("per_deliverable", Decimal("500"), None, None, None, 0, Decimal("500")),
        ("commission", None, Decimal("10"), Decimal("20000"), None, 0, Decimal("2000")),
        ("commission", Decimal("100"), Decimal("10"), None, None, 0, Decimal("100")),
        ("product_only", Decimal("999"), None, None, None, 0, Decimal("0")),
    ],
)
def test_fee_cost(fee_type, fee, rate, revenue, del_fees, count, expected) -> None:
    assert fee_cost(fee_type, fee, rate, revenue, del_fees, count) == expected


def test_metrics_formulas() -> None:
    out = metrics(
        Decimal("1000"),
        impressions=50_000,
        reach=40_000,
        engaged=2_000,
        clicks=500,
        conversions=20,
        revenue=Decimal("5000"),
    )
    assert out == {
        "cpm": Decimal("20"),
        "cpe": Decimal("0.5"),
        "cpc": Decimal("2"),
        "cpa": Decimal("50"),
        "roas": Decimal("5"),
        "engagement_rate": Decimal("5"),
    }


def test_metrics_with_zero_and_missing_values_are_na() -> None:
    out = metrics(Decimal("0"), impressions=0, engaged=None, clicks=0, conversions=None, revenue=Decimal("10"))
    assert out == dict.fromkeys(("cpm", "cpe", "cpc", "cpa", "roas", "engagement_rate"))
    assert metrics(None)["cpa"] is None
    # engagement rate falls back to impressions, then views, when reach is unknown
    assert metrics(Decimal("1"), impressions=None, views=200, engaged=10)["engagement_rate"] == Decimal("5")


def _campaign(session, currency: str, rows: list[tuple[dt.date, str, str]]) -> Campaign:
    account = session.query(AdAccount).first() or AdAccount(account_id="1", name="Acct", currency=currency)
    session.add(account)
    session.flush()
    campaign = Campaign(account_id=account.id, name=f"Boost {currency}", currency=currency)
    session.add(campaign)
    session.flush()
    for day, spend, conversions in rows:
        session.add(
            CampaignInsight(
                campaign_id=campaign.id,
                date=day,
                currency=currency,
                spend=Decimal(spend),
                conversions=Decimal(conversions),
            )
        )
    session.flush()
    return campaign


def test_program_results_and_linked_campaign_cpa(program_setup, session) -> None:
    program, _person, collab = program_setup
    update_collaboration(
        session,
        SPECIALIST,
        collab.id,
        {"fee": "2000000", "product_value": "500000", "currency": "IDR"},
        collab.version_id,
    )
    first = add_deliverable(
        session,
        SPECIALIST,
        collab.id,
        {
            "platform": "instagram",
            "type": "reel",
            "status": "published",
            "url": "https://instagram.com/p/1",
            "published_date": dt.date(2026, 1, 10),
        },
    )
    second = add_deliverable(
        session,
        SPECIALIST,
        collab.id,
        {
            "platform": "instagram",
            "type": "story",
            "status": "published",
            "url": "https://instagram.com/p/2",
            "published_date": dt.date(2026, 1, 12),
        },
    )
    add_deliverable(session, SPECIALIST, collab.id, {"platform": "instagram", "type": "post"})  # no results yet
    record_results(
        session,
        SPECIALIST,
        first.id,
        {
            "impressions": 40000,
            "reach": 30000,
            "likes": 900,
            "comments": 60,
            "shares": 20,
            "saves": 20,
            "clicks": 400,
            "conversions": 20,
            "revenue": "3000000",
        },
    )
    record_results(
        session, SPECIALIST, second.id, {"impressions": 10000, "reach": 8000, "clicks": 100, "conversions": 5}
    )
    boost = _campaign(
        session,
        "IDR",
        [
            (dt.date(2026, 1, 11), "1000000", "10"),
            (dt.date(2026, 1, 12), "500000", "5"),
            (dt.date(2025, 12, 1), "9999999", "1"),
        ],
    )
    update_program(
        session,
        SPECIALIST,
        program.id,
        {
            "name": program.name,
            "currency": "IDR",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2026, 1, 31),
            "landing_url": program.landing_url,
            "campaign_ids": [boost.id],
        },
        program.version_id,
    )
    session.flush()

    [row] = collaboration_results(session, program_id=program.id).to_dict("records")
    assert row["cost"] == Decimal("2500000")
    assert row["impressions"] == 50000
    assert row["engagements"] == 1000
    assert row["cpm"] == Decimal("50000")
    assert row["cpc"] == Decimal("5000")
    assert row["cpa"] == Decimal("100000")
    assert row["cpe"] == Decimal("2500")
    assert row["roas"] == Decimal("1.2")
    assert row["engagement_rate"] == Decimal("1000") * 100 / 38000

    [summary] = program_summary(session, program.id).to_dict("records")
    assert summary["creator_cpa"] == Decimal("100000")
    assert summary["boost_spend"] == Decimal("1500000")  # only the program's dates
    assert summary["boost_cpa"] == Decimal("100000")
    assert summary["creator_plus_boost"] == Decimal("4000000")
    assert summary["combined_cpa"] == Decimal("4000000") / 40

    per_influencer = rollup(collaboration_results(session, program_id=program.id), ["influencer"])
    assert per_influencer.iloc[0]["cost"] == Decimal("2500000")
    over_time = results_frame(session, program.id)
    assert list(over_time["conversions"]) == [20, 5]
    assert results_over_time(over_time, "conversions").to_dict()["layer"]
    assert cost_vs_conversions(per_influencer).to_dict()["mark"]["type"] == "circle"


def test_program_without_results_gives_na(program_setup, session) -> None:
    program, _person, _collab = program_setup
    [row] = collaboration_results(session, program_id=program.id).to_dict("records")
    assert row["cost"] == Decimal("2500000")
    assert all(row[k] is None for k in ("cpm", "cpe", "cpc", "cpa", "roas", "engagement_rate"))
    [summary] = program_summary(session, program.id).to_dict("records")
    assert summary["boost_spend"] is None
    assert summary["creator_cpa"] is None
    assert summary["combined_cpa"] is None
    assert summary["creator_plus_boost"] == Decimal("2500000")
