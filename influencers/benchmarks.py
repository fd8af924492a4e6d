"""Fee benchmarks from the team's own programs: what a creator of a given size usually costs per deliverable.

Definition (docs/influencers.md, "Fee benchmarks"):
- **data points**: collaborations at stage contracted or later (`CONTRACTED_STAGES`, never declined or before
  contracted) with a flat or per-deliverable fee; commission deals (their cost depends on sales) and product-only
  deals (no fee) are left out, and so is a collaboration whose contracted fee is zero or that has no deliverable.
- **fee per deliverable** (`fee_per_deliverable`): the contracted fee as `influencers.fees.contracted_fee` defines
  it, over the collaboration's deliverables. A flat fee counts only when all its deliverables are of one platform
  and type (a flat fee for a reel and three stories says nothing about either): the fee divided by the number of
  deliverables. A per-deliverable deal gives one point per (platform, type) among its deliverables: those
  deliverables' fees (their own, else the collaboration's) divided by their number. Rounded to the currency.
  One collaboration is one data point per (platform, type), however many deliverables it has.
- **followers** of a point: the creator's reach at contract on the deliverable's platform when recorded, else
  today's. Reach at contract is the count `influencers.reach` recorded when the collaboration first entered a
  contracted stage (the largest when the creator had several handles there), kept however the creator grew since:
  the deal was priced on it. Collaborations contracted before it was recorded (migration 0017), or whose creator
  had no count on that platform then, use today's count (the largest of the creator's handles there).
- **tier**: `influencers.queries.tier_of` of those followers. No count on that platform, at contract or today: the
  point is left out.
- **per currency**: the collaboration's currency; currencies are never mixed nor converted (converting needs
  finance's rate book, a floor above this one).
- **statistics**: count, median, 25th and 75th percentile by the nearest-rank rule on the sorted Decimals (the
  P-th percentile is the value at rank ceil(P/100 x n), so every figure is a fee that was actually paid and no
  float is involved), and the median fee per 1,000 followers (each point's fee x 1000 / its followers as above,
  rounded to the currency; points with zero followers left out of it). Fewer than `MIN_POINTS` points: no
  figures at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.money import quantize
from influencers.fees import contracted_fee
from influencers.models import CONTRACTED_STAGES, Collaboration, Deliverable
from influencers.queries import TIERS, tier_of
from influencers.reach import contract_reach, followers_now

MIN_POINTS = 3  # fewer data points give no benchmark ("not enough data")
BENCHMARKED_FEE_TYPES = ("flat", "per_deliverable")
ZERO = Decimal(0)


@dataclass(frozen=True)
class FeeBenchmark:
    """What the team paid per deliverable for one (currency, platform, tier, deliverable type).

    `median`, `p25`, `p75` and `per_thousand` are None when `count` < MIN_POINTS (`enough` is False), and
    `per_thousand` also when no point has followers."""

    currency: str
    platform: str
    tier: str
    deliverable_type: str
    count: int
    median: Decimal | None
    p25: Decimal | None
    p75: Decimal | None
    per_thousand: Decimal | None

    @property
    def enough(self) -> bool:
        return self.count >= MIN_POINTS

    def is_above(self, fee: Decimal) -> bool:
        """True when `fee` (per deliverable, in this currency) is above the 75th percentile."""
        return self.p75 is not None and fee > self.p75


def nearest_rank(values: Sequence[Decimal], percent: int) -> Decimal:
    """The `percent`-th percentile of `values` by nearest rank: the value at rank ceil(percent/100 x n) of the
    sorted values (rank 1 at least). Exact: one of the values, whatever their order."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))  # integer ceiling
    return ordered[rank - 1]


def fee_per_deliverable(
    fee_type: str,
    fee: Decimal | None,
    deliverables: Iterable[tuple[str, str, Decimal | None]],
    currency: str,
) -> dict[tuple[str, str], Decimal]:
    """{(platform, type): fee per deliverable} of one collaboration, from its fee terms and its deliverables as
    (platform, type, own fee); empty when the collaboration gives no benchmark point (see the module docstring)."""
    items = list(deliverables)
    if fee_type not in BENCHMARKED_FEE_TYPES or not items:
        return {}
    if fee_type == "flat":
        kinds = {(platform, kind) for platform, kind, _own in items}
        total = contracted_fee(fee_type, fee, ())
        if len(kinds) != 1 or total <= 0:
            return {}
        return {kinds.pop(): quantize(total / len(items), currency)}
    groups: dict[tuple[str, str], list[Decimal | None]] = defaultdict(list)
    for platform, kind, own in items:
        groups[(platform, kind)].append(own)
    out = {}
    for key, owns in groups.items():
        total = contracted_fee(fee_type, fee, owns)
        if total > 0:
            out[key] = quantize(total / len(owns), currency)
    return out


def _summary(currency: str, key: tuple[str, str, str], points: list[tuple[Decimal, int]]) -> FeeBenchmark:
    platform, tier, kind = key
    if len(points) < MIN_POINTS:
        return FeeBenchmark(currency, platform, tier, kind, len(points), None, None, None, None)
    fees = [fee for fee, _followers in points]
    per_k = [quantize(fee * 1000 / followers, currency) for fee, followers in points if followers > 0]
    return FeeBenchmark(
        currency,
        platform,
        tier,
        kind,
        len(points),
        nearest_rank(fees, 50),
        nearest_rank(fees, 25),
        nearest_rank(fees, 75),
        nearest_rank(per_k, 50) if per_k else None,
    )


def fee_benchmarks(session: Session, *, currency: str | None = None) -> list[FeeBenchmark]:
    """Every (currency, platform, tier, deliverable type) with at least one data point, sorted by currency,
    platform, tier (smallest first) and type; those under MIN_POINTS points carry their count and no figures.
    `currency`: only that currency's."""
    stmt = (
        select(Collaboration.id, Collaboration.influencer_id, Collaboration.fee_type, Collaboration.fee)
        .add_columns(Collaboration.currency)
        .where(Collaboration.stage.in_(CONTRACTED_STAGES), Collaboration.fee_type.in_(BENCHMARKED_FEE_TYPES))
        .order_by(Collaboration.id)
    )
    if currency is not None:
        stmt = stmt.where(Collaboration.currency == currency)
    collabs = session.execute(stmt).all()
    if not collabs:
        return []
    ids = [c.id for c in collabs]
    items: dict[int, list[tuple[str, str, Decimal | None]]] = defaultdict(list)
    for cid, platform, kind, own in session.execute(
        select(Deliverable.collaboration_id, Deliverable.platform, Deliverable.type, Deliverable.fee)
        .where(Deliverable.collaboration_id.in_(ids))
        .order_by(Deliverable.collaboration_id, Deliverable.id)
    ):
        items[cid].append((platform, kind, own))
    today = followers_now(session, {c.influencer_id for c in collabs})
    at_contract = contract_reach(session, ids)
    points: dict[str, dict[tuple[str, str, str], list[tuple[Decimal, int]]]] = defaultdict(lambda: defaultdict(list))
    for cid, person, fee_type, fee, cur in collabs:
        for (platform, kind), per_item in fee_per_deliverable(fee_type, fee, items[cid], cur).items():
            count = at_contract.get(cid, {}).get(platform, today.get(person, {}).get(platform))
            tier = tier_of(count)
            if count is None or tier is None:
                continue
            points[cur][(platform, tier, kind)].append((per_item, count))
    tier_order = list(TIERS)
    return [
        _summary(cur, key, points[cur][key])
        for cur in sorted(points)
        for key in sorted(points[cur], key=lambda k: (k[0], tier_order.index(k[1]), k[2]))
    ]


def benchmark_for(
    benchmarks: Iterable[FeeBenchmark], currency: str, platform: str, tier: str | None, deliverable_type: str
) -> FeeBenchmark | None:
    """The benchmark of one (currency, platform, tier, type) among `benchmarks`, None when there is none."""
    return next(
        (
            b
            for b in benchmarks
            if (b.currency, b.platform, b.tier, b.deliverable_type) == (currency, platform, tier, deliverable_type)
        ),
        None,
    )


def creator_tiers(session: Session, influencer_id: int, collaboration_id: int | None = None) -> dict[str, str]:
    """{platform: tier} of one creator, from the largest follower count of its handles on each platform; with
    `collaboration_id`, the reach that collaboration was contracted on where recorded (as its benchmark points are
    tiered), today's count elsewhere."""
    counts = dict(followers_now(session, [influencer_id]).get(influencer_id, {}))
    if collaboration_id is not None:
        counts.update(contract_reach(session, [collaboration_id]).get(collaboration_id, {}))
    return {platform: tier for platform, most in sorted(counts.items()) if (tier := tier_of(most))}
