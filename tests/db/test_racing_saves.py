"""Racing saves in two real processes for every record type people edit, on SQLite and PostgreSQL: each save is
made on the version its form read; a save on a version someone else already saved over is refused with a
ConflictError (never a StaleDataError or a traceback), so no two saves are ever made on the same version (no
lost update) and the record's version moved on once per save that went through."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from budgets.models import BudgetPlan
from budgets.plans import set_plan
from campaigns.conversion_definitions import set_conversion_definition
from campaigns.models import ConversionDefinition
from db.calendar import Period
from db.engine import session_scope
from db.errors import ConflictError
from db.roles import Actor
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable
from influencers.models import Collaboration, Deliverable, Influencer, Payment, Program
from influencers.payments import add_payment
from influencers.programs import add_collaboration, create_program
from tests import builders

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("admin@example.com", "admin")
SAVES = 12
MODELS = {
    "influencer": Influencer,
    "program": Program,
    "collaboration": Collaboration,
    "deliverable": Deliverable,
    "payment": Payment,
    "budget_plan": BudgetPlan,
    "conversion_definition": ConversionDefinition,
}


def _world(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        program = create_program(s, ADMIN, {"name": "Race", "currency": "IDR"})
        ayu = create_influencer(s, ADMIN, {"name": "Ayu"})
        collab = add_collaboration(s, ADMIN, program.id, ayu.id, {"fee": "1000"})
        builders.contract(s, ADMIN, collab.id)
        item = add_deliverable(s, ADMIN, collab.id, {"platform": "tiktok", "type": "short"})
        payment = add_payment(s, ADMIN, collab.id, "1000")
        plan = set_plan(
            s, ADMIN, f"program:{program.id}", Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31)), "5000", reason="x"
        )
        account = builders.account(s)
        set_conversion_definition(s, ADMIN, ["purchase"], account_id=account.id)
        s.flush()
        definition = s.query(ConversionDefinition).filter_by(account_id=account.id).one()
        return {
            "influencer": ayu.id,
            "program": program.id,
            "collaboration": collab.id,
            "deliverable": item.id,
            "payment": payment.id,
            "budget_plan": plan.id,
            "conversion_definition": definition.id,
        }


@pytest.mark.parametrize("kind", list(MODELS))
def test_racing_saves_in_two_processes_never_lose_an_update(kind: str, migrated_url: str, tmp_path: Path) -> None:
    record_id = _world(migrated_url)[kind]
    with session_scope(migrated_url) as s:
        first_version = s.get(MODELS[kind], record_id).version_id
    go = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": migrated_url, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.db.race_process",
                migrated_url,
                kind,
                str(record_id),
                str(SAVES),
                tag,
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}.{tag}").exists() for tag in ("a", "b")):
        assert time.monotonic() < deadline, "a racer did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
        time.sleep(0.02)
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-3000:] for _out, err in results]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _err in results]
    made_on = [v for r in reports for v in r["made_on"]]
    assert len(made_on) + sum(r["conflicts"] for r in reports) == 2 * SAVES
    assert len(made_on) == len(set(made_on))  # never two saves on the same version: no lost update
    with session_scope(migrated_url) as s:
        last_version = s.get(MODELS[kind], record_id).version_id
    assert last_version == first_version + len(made_on)  # each save that went through moved the version once


def _stale_program_autoflush(url: str, program_id: int) -> None:
    """A change the service did not flush itself: the next query's autoflush finds the row saved elsewhere."""
    with session_scope(url) as late:
        program = late.get(Program, program_id)
        with session_scope(url) as early:
            early.get(Program, program_id).brand = "Kopi A"
        program.brand = "Kopi B"
        late.scalars(select(Influencer)).all()


def _stale_plan_commit(url: str, plan_id: int) -> None:
    """The same found only at the commit."""
    with session_scope(url) as late:
        plan = late.get(BudgetPlan, plan_id)
        with session_scope(url) as early:
            early.get(BudgetPlan, plan_id).notes = "first"
        plan.notes = "second"


def test_a_stale_autoflush_or_commit_leaves_the_unit_of_work_as_a_conflict(migrated_url: str) -> None:
    ids = _world(migrated_url)
    with pytest.raises(ConflictError) as caught:
        _stale_program_autoflush(migrated_url, ids["program"])
    found = caught.value
    assert (found.entity, found.entity_id, found.latest["brand"]) == ("program", ids["program"], "Kopi A")
    with pytest.raises(ConflictError) as caught:
        _stale_plan_commit(migrated_url, ids["budget_plan"])
    assert (caught.value.entity, caught.value.entity_id) == ("budget plan", ids["budget_plan"])
    assert caught.value.message.render() == (
        f"This budget plan (#{ids['budget_plan']}) was changed by someone else since you opened it; your changes "
        "were not saved. Review the latest values and save again."
    )
    with session_scope(migrated_url) as s:
        assert s.get(Program, ids["program"]).brand == "Kopi A"
        assert s.get(BudgetPlan, ids["budget_plan"]).notes == "first"
