"""Migration 0015 (promo code sales): the table appears beside the collaborations, sales can be imported into it;
going down refuses while sales are stored, then drops the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from db.engine import get_engine, session_scope
from db.types import Money, UTCDateTime
from migrations.migrate import alembic_config
from tests import builders as b

# promo_sale as revisions 0015-0017 have it (no shop)
OLD_SALE = sa.table(
    "promo_sale",
    sa.column("collaboration_id", sa.Integer),
    sa.column("period_start", sa.Date),
    sa.column("period_end", sa.Date),
    sa.column("code", sa.String),
    sa.column("orders", sa.BigInteger),
    sa.column("revenue", Money),
    sa.column("currency", sa.String),
    sa.column("source_file", sa.String),
    sa.column("imported_at", UTCDateTime()),
    sa.column("imported_by", sa.String),
)


def old_sale(collab_id: int, day: dt.date = dt.date(2026, 11, 3), source_file: str = "sales.csv") -> dict[str, Any]:
    return {
        "collaboration_id": collab_id,
        "period_start": day,
        "period_end": day,
        "code": "KOPIAYU",
        "orders": 2,
        "revenue": Decimal("250000"),
        "currency": "IDR",
        "source_file": source_file,
        "imported_at": dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC),
        "imported_by": "specialist@example.com",
    }


def test_the_promo_sales_migration_up_and_down(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0014_account_name_key")
    engine = get_engine(database_url)
    with engine.connect() as conn:
        assert "promo_sale" not in sa.inspect(conn).get_table_names()
    command.upgrade(config, "0015_promo_code_sales")
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {c["name"]: c["nullable"] for c in inspector.get_columns("promo_sale")}
        assert [name for name, nullable in columns.items() if nullable] == ["imported_by"]
        (fk,) = inspector.get_foreign_keys("promo_sale")
        assert (fk["referred_table"], fk["constrained_columns"]) == ("collaboration", ["collaboration_id"])
    with session_scope(database_url) as s:
        program = b.program(s, currency="IDR")
        collab = b.collaboration(s, program, promo_code="KOPIAYU")
        s.flush()
        collab_id = collab.id
    with engine.begin() as conn:  # a sale as 0015 stores it (the model is the head's: it has a shop since 0018)
        conn.execute(sa.insert(OLD_SALE).values(old_sale(collab_id)))
    with pytest.raises(RuntimeError, match="1 promo code sale"):
        command.downgrade(config, "0014_account_name_key")
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM promo_sale")) == 1  # nothing was dropped
        conn.execute(sa.text("DELETE FROM promo_sale"))
    command.downgrade(config, "0014_account_name_key")
    with engine.connect() as conn:
        assert "promo_sale" not in sa.inspect(conn).get_table_names()
