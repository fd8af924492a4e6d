"""Migration 0016 (exact rates): engagement and commission rates stored by 0015 (REAL floats on SQLite, NUMERIC on
PostgreSQL) become the exact Decimals they were written as, scaled integers on SQLite; values the column cannot
hold stop the upgrade and change nothing; going down gives the floats back."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from db.engine import get_engine, session_scope
from influencers.models import Collaboration, SocialHandle
from influencers.queries import pipeline
from migrations.migrate import alembic_config, current_revision, head_revision, upgrade
from tests import builders as b

# As 0015's plain Numeric wrote them on SQLite: REAL floats, whole values INTEGER (NUMERIC affinity), and the
# decimal each should come back as (half up at 4 places, as the new type rounds).
ENGAGEMENT = [
    (3.5, "3.5"),
    (0.1234, "0.1234"),
    (12.3456, "12.3456"),  # x 10^4 is 123455.99999999999 as a float
    (99.99995, "100"),  # a tie: the float is 99.99994999..., its shortest repr 99.99995 rounds up
    (4.99995, "5"),
    (0.00005, "0.0001"),
    (0.00145, "0.0015"),  # x 10^4 is 14.499999999999998: SQL's round() alone would give 0.0014
    (2.675, "2.675"),
    (10, "10"),
    (0, "0"),
    (None, None),
    (9999.9999, "9999.9999"),
]
COMMISSION = [
    (12.5, "12.5"),
    (7.1234, "7.1234"),
    (0.1 + 0.2, "0.3"),
    (100, "100"),
    (None, None),
    (999.9999, "999.9999"),
]


def _old(value: object, sqlite: bool) -> object:
    """The value as 0015 handed it to the database: a float on SQLite, a decimal for PostgreSQL's NUMERIC."""
    return Decimal(repr(value)) if isinstance(value, float | int) and not sqlite else value


def _at_0015_with_rates(url: str, engagement: list[object], commission: list[object]) -> tuple[list, list]:
    """Rows written at revision 0015: people and programs through the ORM (no rate), the rates with raw SQL."""
    command.upgrade(alembic_config(url), "0015_promo_code_sales")
    sqlite = url.startswith("sqlite")
    with session_scope(url) as s:
        program = b.program(s, currency="USD")
        handles, collabs = [], []
        for i, _ in enumerate(engagement):
            handle = SocialHandle(influencer_id=b.influencer(s).id, platform="instagram", handle=f"h{i}")
            s.add(handle)
            handles.append(handle)
        for _ in commission:
            collabs.append(b.collaboration(s, program, fee_type="commission"))
        s.flush()
        handle_ids, collab_ids = [h.id for h in handles], [c.id for c in collabs]
    with get_engine(url).begin() as conn:
        for pk, value in zip(handle_ids, engagement, strict=True):
            conn.execute(
                sa.text("UPDATE social_handle SET engagement_rate = :v WHERE id = :pk"),
                {"v": _old(value, sqlite), "pk": pk},
            )
        for pk, value in zip(collab_ids, commission, strict=True):
            conn.execute(
                sa.text("UPDATE collaboration SET commission_rate = :v WHERE id = :pk"),
                {"v": _old(value, sqlite), "pk": pk},
            )
    return handle_ids, collab_ids


def _raw(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [
            *conn.execute(sa.text("SELECT id, engagement_rate FROM social_handle ORDER BY id")).all(),
            *conn.execute(sa.text("SELECT id, commission_rate FROM collaboration ORDER BY id")).all(),
        ]


def _expected(pairs: list[tuple[object, str | None]]) -> list[Decimal | None]:
    return [None if text is None else Decimal(text) for _, text in pairs]


def test_the_rates_migration_converts_old_rates_exactly_and_goes_down(database_url: str) -> None:
    sqlite = database_url.startswith("sqlite")
    handle_ids, collab_ids = _at_0015_with_rates(database_url, [v for v, _ in ENGAGEMENT], [v for v, _ in COMMISSION])
    if sqlite:
        with get_engine(database_url).connect() as conn:
            kinds = conn.execute(sa.text("SELECT DISTINCT typeof(engagement_rate) FROM social_handle")).scalars()
            assert set(kinds) == {"real", "integer", "null"}
    before = _raw(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    with session_scope(database_url) as s:
        rates = {h.id: h.engagement_rate for h in s.scalars(select(SocialHandle))}
        assert [rates[pk] for pk in handle_ids] == _expected(ENGAGEMENT)
        commissions = {c.id: c.commission_rate for c in s.scalars(select(Collaboration))}
        assert [commissions[pk] for pk in collab_ids] == _expected(COMMISSION)
        assert all(r is None or r.as_tuple().exponent == -4 for r in [*rates.values(), *commissions.values()])
        if sqlite:
            stored = dict(s.execute(sa.text("SELECT id, engagement_rate FROM social_handle")).all())
            assert stored[handle_ids[3]] == 1_000_000  # 99.99995 % as 100.0000 x 10^4
            kinds = s.execute(
                sa.text(
                    "SELECT typeof(engagement_rate) FROM social_handle WHERE engagement_rate IS NOT NULL UNION "
                    "SELECT typeof(commission_rate) FROM collaboration WHERE commission_rate IS NOT NULL"
                )
            ).scalars()
            assert set(kinds) == {"integer"}
        # The app reads the converted rows: the program board's commission rates are the exact Decimals.
        board = pipeline(s, s.get(Collaboration, collab_ids[0]).program_id)
        assert dict(zip(board["id"], board["commission_rate"], strict=True)) == commissions

    command.downgrade(alembic_config(database_url), "0015_promo_code_sales")
    after = _raw(database_url)
    # The values 0015 would have written for the exact rates: floats on SQLite (whole ones INTEGER again).
    exact = [None if text is None else Decimal(text) for _, text in [*ENGAGEMENT, *COMMISSION]]
    written = [v if v is None or not sqlite else float(v) for v in exact]
    assert after == [(pk, v) for (pk, _), v in zip(before, written, strict=True)]
    if sqlite:
        assert all(type(v) is (int if v == int(v) else float) for _, v in after if v is not None)
    else:
        assert after == before  # NUMERIC(p, 4) before and after
    upgrade(database_url)  # and up again
    with session_scope(database_url) as s:
        rates = {h.id: h.engagement_rate for h in s.scalars(select(SocialHandle))}
        assert [rates[pk] for pk in handle_ids] == _expected(ENGAGEMENT)


def test_the_rates_migration_refuses_rates_it_cannot_keep_and_changes_nothing(database_url: str) -> None:
    sqlite = database_url.startswith("sqlite")
    if sqlite:  # SQLite never enforced NUMERIC(p, 4): text, infinity and values beyond the column's digits
        engagement: list[object] = [3.5, "lots", 12345.5, 9999.99995]
        commission: list[object] = [12.5, float("inf"), 1000.0]
    else:  # PostgreSQL's NUMERIC(p, 4) holds NaN
        engagement, commission = [3.5, Decimal("NaN")], [12.5, Decimal("NaN")]
    handle_ids, collab_ids = _at_0015_with_rates(database_url, engagement, commission)
    before = _raw(database_url)
    with pytest.raises(ValueError, match="changed nothing") as refused:
        upgrade(database_url)
    text = str(refused.value)
    assert f"social_handle.engagement_rate (id {handle_ids[1]}: " in text
    assert f"collaboration.commission_rate (id {collab_ids[1]}: " in text
    assert f"id {handle_ids[0]}:" not in text  # the good ones are not named
    if sqlite:
        assert f"id {handle_ids[2]}: 12345.5" in text
        assert f"id {handle_ids[3]}: 9999.99995" in text  # would round to 10000, beyond NUMERIC(8, 4)
        assert f"id {collab_ids[2]}: 1000" in text
    assert current_revision(database_url) == "0015_promo_code_sales"
    assert [str(r) for r in _raw(database_url)] == [str(r) for r in before]  # str: NaN is not equal to itself
