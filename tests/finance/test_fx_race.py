"""Two FX rate imports at the same moment (`db.locks.write_turn` in `finance.fx`), on SQLite and PostgreSQL: the
second waits until the first has committed, then updates the rates the first stored, as importing its file again
would. Before, both found a day's rate missing and the second failed on the rate the first inserted (a
unique-constraint error, or SQLite's "database is locked"), shown as "could not save"."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

from sqlalchemy import select

from db.engine import session_scope
from db.roles import CLI_ACTOR
from finance.fx import import_rates_csv
from finance.models import FxRate


def _file(rate: str) -> bytes:
    return f"date,from,to,rate\n2026-11-03,USD,IDR,{rate}\n2026-11-04,USD,IDR,{rate}\n".encode()


def test_the_second_fx_import_waits_for_the_first_then_updates_its_rates(migrated_url: str) -> None:
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with session_scope(migrated_url) as s:
                outcome["result"] = import_rates_csv(s, CLI_ACTOR, _file("16300"))
        except Exception as exc:  # said by the test instead of a thread's silent death
            outcome["error"] = exc

    with session_scope(migrated_url) as first:
        assert import_rates_csv(first, CLI_ACTOR, _file("16200")).created == 2  # not committed yet
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive(), outcome  # waiting for the first import to end
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert (result.created, result.updated, result.errors) == (0, 2, [])
    with session_scope(migrated_url) as s:
        rates = {(r.date, r.rate) for r in s.scalars(select(FxRate))}
    assert rates == {(dt.date(2026, 11, 3), Decimal(16300)), (dt.date(2026, 11, 4), Decimal(16300))}
