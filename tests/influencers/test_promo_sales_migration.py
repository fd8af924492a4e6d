"""Migration 0015 (promo code sales): the table appears beside the collaborations, sales can be imported into it;
going down refuses while sales are stored, then drops the table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from db.engine import get_engine, session_scope
from influencers.promo_sales import import_promo_sales
from migrations.migrate import alembic_config
from tests import builders as b
from tests.influencers.conftest import SPECIALIST


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
        b.collaboration(s, program, promo_code="KOPIAYU")
        s.flush()
        import_promo_sales(s, SPECIALIST, program.id, b"code,date,orders,revenue\nKOPIAYU,2026-11-03,2,250000\n")
    with pytest.raises(RuntimeError, match="1 promo code sale"):
        command.downgrade(config, "0014_account_name_key")
    with engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM promo_sale")) == 1  # nothing was dropped
        conn.execute(sa.text("DELETE FROM promo_sale"))
    command.downgrade(config, "0014_account_name_key")
    with engine.connect() as conn:
        assert "promo_sale" not in sa.inspect(conn).get_table_names()
