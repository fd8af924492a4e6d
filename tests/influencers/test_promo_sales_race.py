"""Two imports of one shop's promo code sales at the same moment (`db.locks.write_turn`), on SQLite and
PostgreSQL: the second waits until the first has committed, then replaces what the first saved, as a re-import
does. Before, the second read the rows from before the first, deleted rows already gone and failed on the rows
the first inserted (a unique-constraint error shown as "could not save"; on SQLite "database is locked").
A turn held too long is a clear refusal naming what is being saved, never a database error."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.locks import TurnBusy
from influencers.models import PromoSale
from influencers.promo_sales import import_promo_sales, take_sales_turn
from tests import builders as b
from tests.influencers.conftest import SPECIALIST

D = dt.date


def _file(revenue: int) -> bytes:
    return f"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,{revenue}\nKOPIAYU,2026-11-04,2,{revenue}\n".encode()


def _world(url: str) -> tuple[int, int]:
    with session_scope(url) as s:
        program = b.program(s, name="Kopi", currency="IDR")
        ayu = b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        s.flush()
        return program.id, ayu.id


def _sales(url: str, collaboration_id: int) -> list[tuple[dt.date, int, Decimal]]:
    with session_scope(url) as s:
        rows = s.scalars(select(PromoSale).where(PromoSale.collaboration_id == collaboration_id))
        return sorted((r.period_start, r.orders, r.revenue) for r in rows)


def test_the_second_import_waits_for_the_first_then_replaces_it(migrated_url: str) -> None:
    program_id, ayu_id = _world(migrated_url)
    with session_scope(migrated_url) as s:  # sales stored before both imports
        import_promo_sales(s, SPECIALIST, program_id, _file(100000), shop="shopify")
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with session_scope(migrated_url) as s:
                outcome["report"] = import_promo_sales(s, SPECIALIST, program_id, _file(300000), shop="shopify")
        except Exception as exc:  # the test says what went wrong instead of a thread's silent death
            outcome["error"] = exc

    with session_scope(migrated_url) as first:
        report = import_promo_sales(first, SPECIALIST, program_id, _file(200000), shop="shopify")
        assert report.written  # flushed, not committed: the first holds its turn
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive(), outcome  # the second is waiting for the first to end
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["report"].replaced == 2  # the first import's two days, not the rows from before it
    assert _sales(migrated_url, ayu_id) == [(D(2026, 11, 3), 1, Decimal(300000)), (D(2026, 11, 4), 2, Decimal(300000))]


def test_a_turn_kept_too_long_is_a_clear_refusal(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    program_id, _ayu_id = _world(migrated_url)
    errors: list[Exception] = []
    with session_scope(migrated_url) as first:
        take_sales_turn(first, program_id, "shopify")

        def second() -> None:
            try:
                with session_scope(migrated_url) as s:
                    s.connection().exec_driver_sql(
                        "PRAGMA busy_timeout=300"
                    ) if s.bind.dialect.name == "sqlite" else None
                    import_promo_sales(s, SPECIALIST, program_id, _file(1), shop="shopify")
            except Exception as exc:
                errors.append(exc)

        monkeypatch.setenv("PANTAU_LOCK_WAIT_SECONDS", "0.3")
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=60)
    [error] = errors
    assert isinstance(error, TurnBusy)
    assert str(error).startswith("This program's promo code sales from the same shop is being saved by someone else")
