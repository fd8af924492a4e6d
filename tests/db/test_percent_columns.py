"""Engagement and commission rates are stored exactly, like money: scaled integers on SQLite (`typeof` is
`integer`), NUMERIC(p, 4) on PostgreSQL, Decimals with 4 places read back, refusals at bind time beyond what the
column holds; and a commission computed from a stored rate is exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.engine import session_scope
from db.types import ExactRate, ScaledDecimal, StorageError, percent
from influencers.models import Collaboration, SocialHandle
from influencers.promo_sales import import_promo_sales
from influencers.roi import collaboration_results
from migrations.schema import metadata
from tests import builders as b
from tests.influencers.conftest import SPECIALIST

ENGAGEMENT = SocialHandle.__table__.c.engagement_rate.type
COMMISSION = Collaboration.__table__.c.commission_rate.type


def test_no_model_column_is_a_plain_numeric() -> None:
    """Every NUMERIC of the schema is one of the exact types (a plain Numeric is REAL, a float, on SQLite)."""
    plain = [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.Numeric) and not isinstance(column.type, ScaledDecimal | ExactRate)
    ]
    assert plain == []
    assert isinstance(ENGAGEMENT, ScaledDecimal)
    assert (ENGAGEMENT.precision, ENGAGEMENT.scale) == (8, 4)
    assert isinstance(COMMISSION, ScaledDecimal)
    assert (COMMISSION.precision, COMMISSION.scale) == (7, 4)


def test_a_percent_is_bound_to_what_its_numeric_holds() -> None:
    assert percent(8).bound == Decimal("9999.9999")
    assert COMMISSION.bound == Decimal("999.9999")
    assert COMMISSION.exact("12.34565") == Decimal("12.3457")  # half up, as PostgreSQL's NUMERIC rounds
    assert COMMISSION.exact(0.1 + 0.2) == Decimal("0.3000")  # a float through its shortest repr
    with pytest.raises(StorageError, match=r"Percent: 1000 is beyond the largest value that can be stored, 999\.9999"):
        COMMISSION.exact(1000)


def _handle(session, rate: object) -> SocialHandle:
    person = b.influencer(session)
    handle = SocialHandle(influencer_id=person.id, platform="instagram", handle=f"h{person.id}", engagement_rate=rate)
    session.add(handle)
    session.flush()
    return handle


@pytest.mark.parametrize("rate", ["3.5", "0.1234", "12.3456", "100", "0", "9999.9999"])
def test_an_engagement_rate_is_a_scaled_integer_and_reads_back_exactly(migrated_url: str, rate: str) -> None:
    with session_scope(migrated_url) as s:
        _handle(s, Decimal(rate))
    with session_scope(migrated_url) as s:
        stored = s.scalar(select(SocialHandle.engagement_rate))
        assert stored == Decimal(rate)
        assert stored.as_tuple().exponent == -4  # four places on both databases, as NUMERIC(8, 4) reads
        if s.get_bind().dialect.name == "sqlite":
            raw = s.execute(sa.text("SELECT typeof(engagement_rate), engagement_rate FROM social_handle")).one()
            assert raw == ("integer", int(Decimal(rate) * 10_000))


@pytest.mark.parametrize(("rate", "message"), [("10000", "beyond the largest value"), (float("nan"), "not a finite")])
def test_a_rate_the_column_cannot_hold_is_refused_at_bind_time(migrated_url: str, rate: object, message: str) -> None:
    with pytest.raises(StorageError, match=message), session_scope(migrated_url) as s:
        _handle(s, rate)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(sa.func.count()).select_from(SocialHandle)) == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    engagement=st.decimals(min_value="-9999.9999", max_value="9999.9999", places=4),
    commission=st.decimals(min_value="-999.9999", max_value="999.9999", places=4),
)
def test_any_rate_with_four_decimals_round_trips_exactly(
    migrated_url: str, engagement: Decimal, commission: Decimal
) -> None:
    with session_scope(migrated_url) as s:
        handle = _handle(s, engagement)
        collab = b.collaboration(s, b.program(s), fee_type="commission", commission_rate=commission)
        ids = handle.id, collab.id
    with session_scope(migrated_url) as s:
        assert s.get(SocialHandle, ids[0]).engagement_rate == engagement
        assert s.get(Collaboration, ids[1]).commission_rate == commission
        if s.get_bind().dialect.name == "sqlite":
            kinds = s.execute(
                sa.text(
                    "SELECT typeof(h.engagement_rate), typeof(c.commission_rate) FROM social_handle h, "
                    "collaboration c WHERE h.id = :h AND c.id = :c"
                ),
                {"h": ids[0], "c": ids[1]},
            ).one()
            assert tuple(kinds) == ("integer", "integer")
        # Rates compare exactly in SQL too (the literal is scaled like the column).
        assert s.scalar(select(SocialHandle.id).where(SocialHandle.engagement_rate == engagement)) == ids[0]
        s.execute(sa.delete(SocialHandle))
        s.execute(sa.delete(Collaboration))


def test_a_commission_of_12_5_percent_on_the_attributed_revenue_is_exact(session) -> None:
    program = b.program(session, name="Kopi Launch", currency="USD")
    collab = b.collaboration(
        session,
        program,
        b.influencer(session, name="Ayu"),
        promo_code="KOPIAYU",
        fee_type="commission",
        fee="100",
        commission_rate=Decimal("12.5"),
        contract_date=dt.date(2026, 10, 20),
    )
    session.flush()
    import_promo_sales(
        session,
        SPECIALIST,
        program.id,
        b"code,date,orders,revenue\nKOPIAYU,2026-11-03,3,1234.56\nKOPIAYU,2026-11-04,1,0.01\n",
        shop="website",
    )
    session.expire_all()
    assert session.get(Collaboration, collab.id).commission_rate == Decimal("12.5")
    (row,) = collaboration_results(session, program_id=program.id).to_dict("records")
    assert row["revenue"] == Decimal("1234.57")
    # 100 committed + 12.5 % of 1,234.57 = 100 + 154.32125: every digit, no float on the way.
    assert row["fee_cost"] == Decimal("254.32125")
