"""One of two processes saving the same record over and over, each save made on the version a "form" read
moments before in another transaction (tests/db/test_racing_saves.py).

Usage: python -m tests.db.race_process URL KIND RECORD_ID SAVES TAG GO_FILE
Prints one JSON line: the versions its successful saves were made on, and how many were refused as conflicts.
Any other exception (StaleDataError, IntegrityError, ...) ends the process with a traceback and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from budgets.models import BudgetPlan
from budgets.plans import set_plan
from campaigns.conversion_definitions import set_conversion_definition
from campaigns.models import ConversionDefinition
from db.calendar import Period
from db.engine import session_scope
from db.errors import ConflictError
from db.roles import Actor
from influencers.contacts import update_influencer
from influencers.deliverables import update_deliverable
from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program
from influencers.payments import approve_payment, reopen_payment
from influencers.programs import update_collaboration, update_program

ADMIN = Actor("admin@example.com", "admin")
MODELS = {
    "influencer": Influencer,
    "program": Program,
    "collaboration": Collaboration,
    "deliverable": Deliverable,
    "payment": Payment,
    "budget_plan": BudgetPlan,
    "conversion_definition": ConversionDefinition,
}


def _save(kind: str, session, record_id: int, seen: dict, version: int, i: int, tag: str) -> None:
    mark = f"{tag}{i}"
    if kind == "influencer":
        update_influencer(session, ADMIN, record_id, {"name": f"Creator {mark}"}, version)
    elif kind == "program":
        update_program(session, ADMIN, record_id, {"name": "Race", "currency": "IDR", "brand": mark}, version)
    elif kind == "collaboration":
        terms = {"fee": str(1000 + i), "currency": "IDR", "notes": mark}
        update_collaboration(session, ADMIN, record_id, terms, version)
    elif kind == "deliverable":
        data = {"platform": "tiktok", "type": "short", "due_date": dt.date(2026, 5, 1) + dt.timedelta(days=i)}
        update_deliverable(session, ADMIN, record_id, {**data, "notes": mark}, version)
    elif kind == "payment":
        move = approve_payment if seen["status"] == "pending" else reopen_payment
        move(session, ADMIN, record_id, version)
    elif kind == "budget_plan":
        period = Period(seen["period_start"], seen["period_end"])
        set_plan(session, ADMIN, seen["scope_key"], period, Decimal(1000 + i), reason=mark, version_id=version)
    elif kind == "conversion_definition":
        events = ["purchase"] if i % 2 else ["lead"]
        set_conversion_definition(session, ADMIN, events, account_id=seen["account_id"], version_id=version)
    else:
        raise SystemExit(f"unknown kind {kind}")


def main() -> None:
    url, kind, record_id, saves, tag, go = sys.argv[1:7]
    model = MODELS[kind]
    Path(f"{go}.{tag}").touch()  # imported and ready: the test starts both at once
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    made_on: list[int] = []
    conflicts = 0
    for i in range(int(saves)):
        with session_scope(url) as session:  # the form: what it shows, and the version it remembers
            row = session.get(model, int(record_id))
            seen = {c: getattr(row, c) for c in ("status", "period_start", "period_end", "scope_key", "account_id")
                    if hasattr(row, c)}  # fmt: skip
            version = row.version_id
        time.sleep(random.uniform(0, 0.02))  # the person types
        try:
            with session_scope(url) as session:
                _save(kind, session, int(record_id), seen, version, i, tag)
        except ConflictError:
            conflicts += 1
            continue
        made_on.append(version)
    print(json.dumps({"made_on": made_on, "conflicts": conflicts}))


if __name__ == "__main__":
    main()
