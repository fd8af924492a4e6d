"""Fee benchmarks on the pages (`influencers.benchmarks`): the caption and the above-the-middle-half warning next to
a collaboration's fee on the Programs page, and the Influencers page's "Fee benchmarks" table."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import streamlit as st

from db.engine import session_scope
from influencers.benchmarks import (
    BENCHMARKED_FEE_TYPES,
    MIN_POINTS,
    FeeBenchmark,
    benchmark_for,
    creator_tiers,
    fee_benchmarks,
    fee_per_deliverable,
)
from pages.components.data import CACHE_TTL, db_key
from pages.components.i18n import _
from pages.components.money import money
from pages.components.terms import DELIVERABLE_TYPE_LABELS, TIER_LABELS, platform_label, term


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _benchmarks(key: str) -> list[FeeBenchmark]:  # key: the database and its data version (cache key)
    with session_scope() as session:
        return fee_benchmarks(session)


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=256)
def _tiers(key: str, influencer_id: int, collaboration_id: int | None) -> dict[str, str]:
    with session_scope() as session:
        return creator_tiers(session, influencer_id, collaboration_id)


def _who(platform: str, tier: str) -> dict[str, str]:
    return {"tier": term(TIER_LABELS, tier), "platform": platform_label(platform)}


def benchmark_text(bench: FeeBenchmark) -> str:
    """'Your programs paid micro Instagram creators Rp2.500.000 per reel (median of 7; middle half ...)', or why
    there is no benchmark yet."""
    who = _who(bench.platform, bench.tier)
    kind = term(DELIVERABLE_TYPE_LABELS, bench.deliverable_type)
    if not bench.enough or bench.median is None or bench.p25 is None or bench.p75 is None:
        return _(
            "Not enough data for {tier} {platform} creators per {type} yet: {count} contracted collaboration(s), a "
            "benchmark needs {needed}.",
            type=kind,
            count=bench.count,
            needed=MIN_POINTS,
            **who,
        )
    return _(
        "Your programs paid {tier} {platform} creators {median} per {type} (median of {count}; middle half "
        "{low}-{high}).",
        median=money(bench.median, bench.currency),
        type=kind,
        count=bench.count,
        low=money(bench.p25, bench.currency),
        high=money(bench.p75, bench.currency),
        **who,
    )


def fee_hint(
    influencer: str,
    influencer_id: int,
    fee_type: str,
    fee: Decimal | None,
    currency: str,
    deliverables: Iterable[tuple[str, str, Decimal | None]],
    collaboration_id: int | None = None,
) -> None:
    """Under a collaboration's fee: the benchmark of each (platform, type) among its deliverables for the creator's
    tier there (by the reach `collaboration_id` was contracted on where recorded, as the benchmarks count it), and a
    warning when the fee per deliverable entered is above the 75th percentile."""
    if fee_type not in BENCHMARKED_FEE_TYPES:
        return
    items = list(deliverables)
    if not items:
        st.caption(
            _(
                "Add the deliverables (platform and type) on the Deliverables tab to compare this fee with your "
                "programs."
            )
        )
        return
    key = db_key()
    tiers = _tiers(key, influencer_id, collaboration_id)
    benchmarks = _benchmarks(key)
    per_item = fee_per_deliverable(fee_type, fee, items, currency) if fee is not None else {}
    kinds = sorted({(platform, kind) for platform, kind, _own in items})
    if fee_type == "flat" and len(kinds) > 1:
        st.caption(_("A flat fee over different kinds of deliverable is not compared with the benchmarks."))
    for platform, kind in kinds:
        tier = tiers.get(platform)
        if tier is None:
            st.caption(
                _(
                    "Add {influencer}'s follower count on {platform} to compare this fee with your programs.",
                    influencer=influencer,
                    platform=platform_label(platform),
                )
            )
            continue
        bench = benchmark_for(benchmarks, currency, platform, tier, kind) or FeeBenchmark(
            currency, platform, tier, kind, 0, None, None, None, None
        )
        st.caption(benchmark_text(bench))
        entered = per_item.get((platform, kind))
        if entered is not None and bench.is_above(entered) and bench.p75 is not None:
            st.warning(
                _(
                    "{fee} per {type} is above what three in four of your programs' {tier} {platform} creators were "
                    "paid ({high} or less).",
                    fee=money(entered, currency),
                    type=term(DELIVERABLE_TYPE_LABELS, kind),
                    high=money(bench.p75, currency),
                    **_who(platform, tier),
                ),
                icon=":material/warning:",
            )


def benchmark_table(benchmarks: Iterable[FeeBenchmark], tier_labels: dict[str, str]) -> pd.DataFrame:
    """The benchmarks as people read them: words for platform, tier and type, money in its currency, "Not enough
    data" where there are fewer than MIN_POINTS collaborations."""
    not_enough = _("Not enough data")
    rows = []
    for b in benchmarks:

        def shown(amount: Decimal | None, b: FeeBenchmark = b) -> str:
            if not b.enough:
                return not_enough
            return "" if amount is None else money(amount, b.currency)

        rows.append(
            {
                _("Platform"): platform_label(b.platform),
                _("Follower tier"): tier_labels.get(b.tier, b.tier),
                _("Deliverable"): term(DELIVERABLE_TYPE_LABELS, b.deliverable_type),
                _("Currency"): b.currency,
                _("Collaborations"): b.count,
                _("Median fee"): shown(b.median),
                _("25th percentile"): shown(b.p25),
                _("75th percentile"): shown(b.p75),
                _("Median per 1,000 followers"): shown(b.per_thousand),
            }
        )
    return pd.DataFrame(rows)


def benchmarks_tab(tier_labels: dict[str, str]) -> None:
    """The Influencers page's Fee benchmarks tab."""
    st.write(
        _(
            "What your own programs paid per deliverable, by platform, follower tier and type: collaborations at "
            "contracted or later with a flat or per-deliverable fee, in their own currency. A benchmark needs at "
            "least {needed} collaborations.",
            needed=MIN_POINTS,
        )
    )
    benchmarks = _benchmarks(db_key())
    if not benchmarks:
        st.info(
            _(
                "No benchmarks yet: they appear once collaborations are contracted with a fee, their deliverables "
                "are planned and the creators' follower counts are entered.",
            ),
            icon=":material/info:",
        )
        return
    st.dataframe(benchmark_table(benchmarks, tier_labels), hide_index=True, width="stretch", key="inf_benchmarks")
