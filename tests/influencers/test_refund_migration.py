"""Migration 0013 (payment refunds) on a database holding payments: the table appears, the payments are untouched,
refunds can be recorded; going down refuses while refunds exist, then drops the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from db.engine import get_engine, session_scope
from influencers.models import Payment
from influencers.payments import net_paid, record_refund
from migrations.migrate import alembic_config
from tests import builders as b
from tests.influencers.conftest import FINANCE


def _payments(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text("SELECT id, status, paid_date FROM payment ORDER BY id"))]


def test_the_refunds_migration_up_and_down(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0012_user_language")
    engine = get_engine(database_url)
    with session_scope(database_url) as s:  # tables the 0012 schema has, written through the ORM
        collab = b.collaboration(s, b.program(s), fee="2500000")
        b.payment(s, collab, "2500000", status="paid", paid_date=dt.date(2026, 10, 20))
        b.payment(s, collab, "100000", status="pending")
    with engine.connect() as conn:
        before = _payments(conn)
        assert "payment_refund" not in sa.inspect(conn).get_table_names()
    command.upgrade(config, "0013_payment_refunds")
    with engine.connect() as conn:
        assert _payments(conn) == before
        inspector = sa.inspect(conn)
        columns = {c["name"]: c["nullable"] for c in inspector.get_columns("payment_refund")}
        assert [name for name, nullable in columns.items() if nullable] == ["reference", "recorded_by"]
        assert {i["name"] for i in inspector.get_indexes("payment_refund")} == {
            "ix_payment_refund_date",
            "ix_payment_refund_payment_id",
        }
        (fk,) = inspector.get_foreign_keys("payment_refund")
        assert (fk["referred_table"], fk["constrained_columns"]) == ("payment", ["payment_id"])
    paid_id = before[0][0]
    with session_scope(database_url) as s:
        record_refund(s, FINANCE, paid_id, "2500000", dt.date(2026, 10, 22), "paid twice")
    with session_scope(database_url) as s:
        payment = s.get(Payment, paid_id)
        assert net_paid(s, payment) == Decimal(0)
    with pytest.raises(RuntimeError, match="1 payment refund"):
        command.downgrade(config, "0012_user_language")
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM payment_refund")) == 1  # nothing was dropped
        conn.execute(sa.text("DELETE FROM payment_refund"))
    command.downgrade(config, "0012_user_language")
    with engine.connect() as conn:
        assert "payment_refund" not in sa.inspect(conn).get_table_names()
        assert _payments(conn) == before
