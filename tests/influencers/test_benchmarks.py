"""Fee benchmarks from the team's own programs: the data points, the split of a fee over its deliverables, tiers,
the fewer-than-three rule, stages, fee types and currencies kept apart, and the nearest-rank percentiles."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from influencers.benchmarks import (
    MIN_POINTS,
    benchmark_for,
    creator_tiers,
    fee_benchmarks,
    fee_per_deliverable,
    nearest_rank,
)
from influencers.models import SocialHandle
from tests import builders


def creator(session, followers: int | None, platform: str = "instagram"):
    person = builders.influencer(session)
    session.add(
        SocialHandle(influencer_id=person.id, platform=platform, handle=f"h{person.id}{platform}", followers=followers)
    )
    session.flush()
    return person


def deal(session, program, followers, fee, *, kinds=(("instagram", "reel"),), **values):
    """A collaboration with one creator of `followers` and one deliverable per (platform, type) in `kinds`."""
    collab = builders.collaboration(session, program, creator(session, followers), fee=fee, **values)
    for platform, kind in kinds:
        builders.deliverable(session, collab, platform=platform, type=kind)
    session.flush()
    return collab


def test_median_and_quartiles_by_nearest_rank_over_micro_reels(session) -> None:
    program = builders.program(session)
    fees = [3_200_000, 1_800_000, 2_500_000, 2_000_000, 2_500_000, 4_000_000, 1_500_000]
    for fee in fees:
        deal(session, program, 50_000, fee)
    [bench] = fee_benchmarks(session)
    # sorted: 1.5, 1.8, 2.0, 2.5, 2.5, 3.2, 4.0 (million); ranks ceil(.25*7)=2, ceil(.5*7)=4, ceil(.75*7)=6
    assert (bench.currency, bench.platform, bench.tier, bench.deliverable_type) == ("IDR", "instagram", "micro", "reel")
    assert bench.count == 7
    assert (bench.p25, bench.median, bench.p75) == (Decimal(1_800_000), Decimal(2_500_000), Decimal(3_200_000))
    # per 1,000 followers: fee / 50 each; the median is 2,500,000 / 50
    assert bench.per_thousand == Decimal(50_000)
    assert bench.is_above(Decimal(3_200_001))
    assert not bench.is_above(Decimal(3_200_000))


def test_fewer_than_three_points_give_no_figures(session) -> None:
    program = builders.program(session)
    deal(session, program, 50_000, 1_000_000)
    deal(session, program, 60_000, 9_000_000)
    [bench] = fee_benchmarks(session)
    assert bench.count == 2
    assert not bench.enough
    assert (bench.median, bench.p25, bench.p75, bench.per_thousand) == (None, None, None, None)
    assert not bench.is_above(Decimal(10**12))
    deal(session, program, 70_000, 2_000_000)
    [bench] = fee_benchmarks(session)
    assert bench.count == MIN_POINTS
    assert bench.median == Decimal(2_000_000)


def test_tiers_come_from_the_followers_on_the_deliverable_platform(session) -> None:
    program = builders.program(session)
    for followers in (9_999, 10_000, 99_999, 100_000, 1_000_000):
        deal(session, program, followers, 1_000_000)
    nobody = builders.collaboration(session, program, creator(session, None), fee=1_000_000)
    builders.deliverable(session, nobody)
    tiktok_only = builders.collaboration(session, program, creator(session, 50_000, "tiktok"), fee=1_000_000)
    builders.deliverable(session, tiktok_only, platform="instagram")
    session.flush()
    counts = {b.tier: b.count for b in fee_benchmarks(session)}
    assert counts == {"nano": 1, "micro": 2, "mid": 1, "mega": 1}  # no count on instagram: left out
    assert creator_tiers(session, tiktok_only.influencer_id) == {"tiktok": "micro"}


def test_flat_fee_split_over_one_kind_only_and_per_deliverable_by_kind(session) -> None:
    program = builders.program(session)
    deal(session, program, 50_000, 3_000_000, kinds=[("instagram", "reel")] * 3)  # 1,000,000 a reel
    deal(session, program, 50_000, 9_000_000, kinds=[("instagram", "reel"), ("instagram", "story")])  # mixed: out
    per_item = builders.collaboration(
        session, program, creator(session, 50_000), fee=1_000_000, fee_type="per_deliverable"
    )
    builders.deliverable(session, per_item, type="reel", fee=2_000_000)
    builders.deliverable(session, per_item, type="reel")  # the collaboration's fee: 1,000,000
    builders.deliverable(session, per_item, type="story", fee=400_000)
    session.flush()
    got = {(b.deliverable_type, b.count) for b in fee_benchmarks(session)}
    assert got == {("reel", 2), ("story", 1)}
    assert fee_per_deliverable(
        "per_deliverable", Decimal(1_000_000), [("instagram", "reel", Decimal(2_000_000)), ("instagram", "reel", None)],
        "IDR",
    ) == {("instagram", "reel"): Decimal(1_500_000)}  # fmt: skip
    assert fee_per_deliverable("flat", Decimal(1_000_000), [("instagram", "reel", None)] * 3, "IDR") == {
        ("instagram", "reel"): Decimal(333_333)
    }
    assert fee_per_deliverable("flat", Decimal(100), [("x", "post", None)] * 3, "USD") == {
        ("x", "post"): Decimal("33.33")
    }
    assert fee_per_deliverable("flat", Decimal(1_000_000), [], "IDR") == {}


def test_product_commission_zero_fee_and_early_or_declined_stages_left_out(session) -> None:
    program = builders.program(session)
    for _n in range(3):
        deal(session, program, 50_000, 1_000_000)
    deal(session, program, 50_000, 0, fee_type="product_only", product_value=5_000_000)
    deal(session, program, 50_000, 90_000_000, fee_type="commission", commission_rate=Decimal(10))
    deal(session, program, 50_000, 0)
    for stage in ("prospect", "contacted", "negotiating", "declined"):
        deal(session, program, 50_000, 80_000_000, stage=stage)
    for stage in ("content_in_review", "live", "completed"):
        deal(session, program, 50_000, 2_000_000, stage=stage)
    [bench] = fee_benchmarks(session)
    assert bench.count == 6
    assert (bench.p25, bench.median, bench.p75) == (Decimal(1_000_000), Decimal(1_000_000), Decimal(2_000_000))


def test_currencies_are_kept_apart(session) -> None:
    rupiah = builders.program(session)
    dollars = builders.program(session, currency="USD")
    for fee in (1_000_000, 2_000_000, 3_000_000):
        deal(session, rupiah, 50_000, fee)
    for fee in ("100", "200.50", "300"):
        deal(session, dollars, 50_000, fee)
    deal(session, rupiah, 50_000, "250", currency="USD")  # a dollar deal in a rupiah program counts in dollars
    benches = fee_benchmarks(session)
    assert [(b.currency, b.count, b.median) for b in benches] == [
        ("IDR", 3, Decimal(2_000_000)),
        ("USD", 4, Decimal("200.50")),
    ]
    assert [b.currency for b in fee_benchmarks(session, currency="USD")] == ["USD"]
    usd = benchmark_for(benches, "USD", "instagram", "micro", "reel")
    assert usd is not None
    assert usd.per_thousand == Decimal("4.01")
    assert benchmark_for(benches, "EUR", "instagram", "micro", "reel") is None


def test_nearest_rank_on_small_lists() -> None:
    values = [Decimal(4), Decimal(1), Decimal(3), Decimal(2)]
    assert [nearest_rank(values, p) for p in (25, 50, 75, 100)] == [Decimal(1), Decimal(2), Decimal(3), Decimal(4)]
    assert nearest_rank([Decimal(7)], 25) == Decimal(7)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_median_lies_between_min_and_max_and_ignores_order(values, shuffler: random.Random) -> None:
    median = nearest_rank(values, 50)
    assert min(values) <= median <= max(values)
    assert median in values
    shuffled = list(values)
    shuffler.shuffle(shuffled)
    assert nearest_rank(shuffled, 50) == median
    assert nearest_rank(values, 25) <= median <= nearest_rank(values, 75)
