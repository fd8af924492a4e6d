"""ROI formulas with zero and missing values, and the SQL roll-ups next to linked Meta campaigns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.engine import session_scope
from finance.ledger import build_ledger
from influencers import fees
from influencers.charts import cost_vs_conversions, results_over_time
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable, record_results
from influencers.models import CONTRACTED_STAGES, Collaboration, Program
from influencers.programs import add_collaboration, update_collaboration, update_program
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
from tests.influencers.conftest import SPECIALIST, contract


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
    ("fee_type", "committed", "rate", "revenue", "contracted", "expected"),
    [
        ("flat", Decimal("1000"), None, None, True, Decimal("1000")),
        ("flat", Decimal("0"), None, None, True, Decimal("0")),
        ("per_deliverable", Decimal("1500"), None, None, True, Decimal("1500")),
        ("commission", Decimal("0"), Decimal("10"), Decimal("20000"), True, Decimal("2000")),
        ("commission", Decimal("100"), Decimal("10"), None, True, Decimal("100")),
        ("commission", Decimal("100"), Decimal("10"), Decimal("20000"), False, Decimal("0")),
        ("flat", Decimal("1000"), None, None, False, Decimal("0")),
        ("product_only", Decimal("0"), None, None, True, Decimal("0")),
    ],
)
def test_fee_cost(fee_type, committed, rate, revenue, contracted, expected) -> None:
    assert fee_cost(committed, fee_type, rate, revenue, contracted=contracted) == expected


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
    contract(session, collab)  # a cost once contracted (a proposed fee costs nothing yet)
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
    program, _person, collab = program_setup
    contract(session, collab)
    [row] = collaboration_results(session, program_id=program.id).to_dict("records")
    assert row["cost"] == Decimal("2500000")
    assert all(row[k] is None for k in ("cpm", "cpe", "cpc", "cpa", "roas", "engagement_rate"))
    [summary] = program_summary(session, program.id).to_dict("records")
    assert summary["boost_spend"] is None
    assert summary["creator_cpa"] is None
    assert summary["combined_cpa"] is None
    assert summary["creator_plus_boost"] == Decimal("2500000")


def test_proposed_fees_before_contracted_do_not_count(program_setup, session) -> None:
    """A prospect's proposed fee and product value are not a cost (nor in the ledger); a contracted one's are."""
    program, _prospect, prospect = program_setup  # fee 2,500,000 proposed, still at Prospect
    update_collaboration(
        session,
        SPECIALIST,
        prospect.id,
        {"fee": "2500000", "product_value": "300000", "currency": "IDR"},
        prospect.version_id,
    )
    signed = add_collaboration(
        session,
        SPECIALIST,
        program.id,
        create_influencer(session, SPECIALIST, {"name": "Budi Santoso", "handles": {"tiktok": "@budi"}}).id,
        {"fee": "1000000", "product_value": "200000"},
    )
    contract(session, signed)
    session.flush()

    rows = {r["influencer"]: r for r in collaboration_results(session, program_id=program.id).to_dict("records")}
    assert rows["Ayu Lestari"]["stage"] == "prospect"
    assert rows["Ayu Lestari"]["cost"] == Decimal("0")
    assert rows["Budi Santoso"]["cost"] == Decimal("1200000")
    [summary] = program_summary(session, program.id).to_dict("records")
    assert summary["creator_cost"] == Decimal("1200000")
    assert summary["creator_cost"] == _ledger_committed(session)[(program.id, "IDR")]


def _ledger_committed(session) -> dict[tuple[int, str], Decimal]:
    """Per (program, currency): the marketing ledger's committed influencer fees plus product value, all time."""
    out: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for line in build_ledger(session, dt.date(2000, 1, 1), dt.date(2100, 12, 31)):
        if line.item_type == "program" and line.channel in (fees.CHANNEL_FEES, fees.CHANNEL_SEEDING):
            out[(int(line.item_id), line.currency)] += line.committed or Decimal(0)
    return dict(out)


def test_creator_cost_is_the_ledgers_committed_amount_for_every_demo_program(demo_url: str) -> None:
    """The Results view's creator cost (program_summary) = what the marketing ledger commits for the program:
    influencer fees and product value of contracted collaborations (prospects' proposals left out)."""
    with session_scope() as s:
        ledger = _ledger_committed(s)
        # Commission earned on revenue is ROI cost too; the demo's commission deals have none yet, so the two agree.
        results = collaboration_results(s)
        assert all(r["revenue"] is None for r in results.to_dict("records") if r["fee_type"] == "commission")
        programs = s.scalars(select(Program).order_by(Program.id)).all()
        assert len(programs) == 4
        for program in programs:
            summary = program_summary(s, program.id)
            shown = {r["currency"]: r["creator_cost"] for r in summary.to_dict("records")}
            expected = {cur: amount for (pid, cur), amount in ledger.items() if pid == program.id}
            assert shown == expected, program.name
        # The demo is generated relative to today, so its amounts move with the date: the rule is checked, not a sum.
        barista = next(p for p in programs if p.name == "Barista at Home")
        [row] = program_summary(s, barista.id).to_dict("records")
        rows = collaboration_results(s, program_id=barista.id).to_dict("records")
        contracted = [r for r in rows if r["stage"] in CONTRACTED_STAGES]
        assert row["creator_cost"] == sum((r["fee_cost"] + r["product_value"] for r in contracted), Decimal(0)) > 0
        proposed = s.scalars(
            select(Collaboration).where(
                Collaboration.program_id == barista.id,
                Collaboration.stage.not_in(CONTRACTED_STAGES),
                Collaboration.fee > 0,
            )
        ).all()
        assert proposed  # prospects and negotiations with a fee on the table...
        assert all(r["cost"] == 0 for r in rows if r["stage"] not in CONTRACTED_STAGES)  # ...cost nothing yet
