"""Directory queries: tier thresholds at their boundaries, filters, sorting, detail totals, likely duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.contacts import create_influencer
from influencers.payments import add_payment, approve_payment, mark_paid, record_refund
from influencers.queries import influencer_detail, influencer_directory, possible_duplicates, tier_of
from tests.influencers.conftest import FINANCE, MANAGER, SPECIALIST, contract


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (99_999, "micro"),
        (100_000, "mid"),
        (499_999, "mid"),
        (500_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
        (None, None),
    ],
)
def test_tier_thresholds(followers, tier) -> None:
    assert tier_of(followers) == tier


def test_directory_filters_use_the_largest_following(session) -> None:
    def add(name, country="ID", **handles):
        return create_influencer(
            session,
            SPECIALIST,
            {
                "name": name,
                "country": country,
                "niches": "coffee" if name != "Eka" else "food",
                "handles": {p: {"handle": f"{name.lower()}.{p}", "followers": f} for p, f in handles.items()},
            },
        )

    add("Ayu", instagram=9_999, tiktok=10_000)  # micro overall, nano on instagram
    add("Budi", instagram=1_000_000)
    add("Citra", country="SG", youtube=150_000)
    add("Dewi")  # no handles: no tier
    add("Eka", instagram=20_000)
    session.flush()

    def names(**filters):
        frame, total = influencer_directory(session, **filters)
        assert total == len(frame)
        return list(frame["name"])

    assert names() == ["Ayu", "Budi", "Citra", "Dewi", "Eka"]
    assert names(tier="micro") == ["Ayu", "Eka"]
    assert names(tier="nano", platform="instagram") == ["Ayu"]
    assert names(tier="mega") == ["Budi"]
    assert names(platform="youtube") == ["Citra"]
    assert names(country="SG") == ["Citra"]
    assert names(niche="coffee", tier="micro") == ["Ayu"]
    assert names(search="@BUDI.inst") == ["Budi"]
    frame, _ = influencer_directory(session, sort="followers", descending=True)
    assert list(frame["name"]) == ["Budi", "Citra", "Eka", "Ayu", "Dewi"]  # unknown following last
    assert list(frame["tier"])[:2] == ["mega", "mid"]


def test_detail_total_paid_per_currency(program_setup, session) -> None:
    _program, person, collab = program_setup
    contract(session, collab)
    paid = add_payment(session, SPECIALIST, collab.id, "1000000")
    approve_payment(session, MANAGER, paid.id)
    mark_paid(session, FINANCE, paid.id, paid_date=dt.date(2026, 1, 5))
    add_payment(session, SPECIALIST, collab.id, "500000")  # pending: not paid yet
    add_payment(session, SPECIALIST, collab.id, "100", currency="USD")
    detail = influencer_detail(session, person.id)
    assert detail["total_paid"] == {"IDR": 1000000}
    record_refund(session, FINANCE, paid.id, "250000", dt.date(2026, 1, 9), "one story cancelled")
    assert influencer_detail(session, person.id)["total_paid"] == {"IDR": 750000}  # net of the refund
    assert list(detail["collaborations"]["program"]) == ["Kopi Launch"]
    assert list(detail["handles"]["handle"]) == ["ayu.l"]


def test_possible_duplicates_same_handle_elsewhere_or_same_phone(session) -> None:
    a = create_influencer(session, SPECIALIST, {"name": "Gita", "handles": {"instagram": "gita.k"}})
    b = create_influencer(session, SPECIALIST, {"name": "Gita K", "handles": {"tiktok": "gita.k"}})
    c = create_influencer(session, SPECIALIST, {"name": "Hana", "phone": "+6281234567890"})
    d = create_influencer(session, SPECIALIST, {"name": "Hana S", "phone": "+6281234567890"})
    create_influencer(session, SPECIALIST, {"name": "Other", "handles": {"instagram": "other"}})
    session.flush()
    pairs = {(r.first_id, r.second_id, r.shared) for r in possible_duplicates(session).itertuples()}
    assert pairs == {(a.id, b.id, "gita.k"), (c.id, d.id, "+6281234567890")}
