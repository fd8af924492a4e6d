"""The audit log: filters, before -> after, the CSV export with formulas neutralised, and the Audit page."""

from __future__ import annotations

import datetime as dt

from db import audit
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR, Actor
from db.settings import set_setting
from db.users import add_user
from tests.auth.conftest import ROLE_EMAILS

MANAGER = Actor("mona.manager@example.com", "manager")


def _seed(session) -> None:
    add_user(session, CLI_ACTOR, "=cmd|calc!a0@example.com", "viewer")
    set_setting(session, CLI_ACTOR, "reporting_currency", "IDR")
    set_setting(session, CLI_ACTOR, "reporting_currency", "USD")
    old = audit.record(
        session, MANAGER, "approve", "payment", 7, before={"status": "due"}, after={"status": "approved"}
    )
    session.flush()
    old.at = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)


def test_filters_by_actor_action_entity_dates_and_text(session) -> None:
    _seed(session)
    assert len(audit.query_entries(session)) == 4
    assert [e["action"] for e in audit.query_entries(session, actors=[MANAGER.email])] == ["approve"]
    assert len(audit.query_entries(session, actions=["settings"])) == 2
    assert [e["entity_type"] for e in audit.query_entries(session, entity_types=["user"])] == ["user"]
    january = audit.query_entries(session, since=dt.date(2026, 1, 15), until=dt.date(2026, 1, 15))
    assert [e["entity_id"] for e in january] == ["7"]
    assert audit.query_entries(session, since=dt.date(2026, 1, 16), until=dt.date(2026, 1, 31)) == []
    assert [e["entity_id"] for e in audit.query_entries(session, text="APPROVED")] == ["7"]
    assert len(audit.query_entries(session, text="100%")) == 0  # % is literal text, not a wildcard
    options = audit.filter_options(session)
    assert options["actions"] == ["approve", "create", "settings"]
    assert options["actors"] == ["cli@localhost", MANAGER.email]


def test_before_and_after_are_described_per_field(session) -> None:
    _seed(session)
    latest = audit.query_entries(session, actions=["settings"])[0]
    assert latest["change"] == "reporting_currency: IDR -> USD"
    created = audit.query_entries(session, actions=["create"])[0]
    assert "role: -> viewer" in created["change"]
    assert audit.describe_change({"a": 1}, None) == "a: 1 ->"


def test_a_snapshots_timestamps_are_written_for_people_only_when_asked() -> None:
    before, after = {"at": "2026-11-20T23:05:00+00:00", "day": "2026-11-20"}, {"at": "2026-11-28T03:12:00", "day": None}
    assert (
        audit.describe_change(before, after)
        == "at: 2026-11-20T23:05:00+00:00 -> 2026-11-28T03:12:00; day: 2026-11-20 -> ∅"
    )
    shown = audit.describe_change(before, after, times=lambda m: f"{m:%d.%m %H:%M %Z}")
    assert shown == "at: 20.11 23:05 UTC -> 28.11 03:12 UTC; day: 2026-11-20 -> ∅"  # naive: UTC; dates stay dates
    assert audit.snapshot_time("2026-11-28") is None
    assert audit.snapshot_time("not a time at all") is None


def test_csv_export_neutralises_formulas() -> None:
    at = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
    rows = [
        {
            "at": at,
            "actor": "@evil",
            "action": "create",
            "entity_type": "user",
            "entity_id": "-1",
            "summary": "+SUM(A1)",
            "change": "\tx",
            "before": None,
            "after": {"name": "=1+1"},
        },
    ]
    assert audit.csv_text(rows) == (
        "at,actor,action,entity_type,entity_id,summary,change,before,after\n"
        '2026-01-15T10:00:00+00:00,\'@evil,create,user,\'-1,\'+SUM(A1),\'\tx,,"{""name"": ""=1+1""}"\n'
    )
    assert audit.neutralise("\rcmd") == "'\rcmd"
    assert audit.neutralise("plain") == "plain"


def test_every_kind_of_write_this_branch_owns_is_audited(session, secret_key) -> None:
    from db.secrets import clear_meta_token, store_meta_token
    from db.users import set_active, set_language, set_role

    add_user(session, CLI_ACTOR, "admin2@example.com", "admin")
    add_user(session, CLI_ACTOR, "p@example.com", "viewer")
    set_role(session, CLI_ACTOR, "p@example.com", "finance")
    set_active(session, CLI_ACTOR, "p@example.com", False)
    set_active(session, CLI_ACTOR, "p@example.com", True)
    set_language(session, Actor("p@example.com", "finance"), "id")
    set_setting(session, CLI_ACTOR, "auto_provision_viewers", True)
    store_meta_token(session, CLI_ACTOR, "EAAB-audit-kinds-token-1234")
    clear_meta_token(session, CLI_ACTOR)
    session.flush()
    kinds = {(e.action, e.entity_type) for e in session.query(AuditEntry)}
    assert kinds == {
        ("create", "user"),
        ("role_change", "user"),
        ("deactivate", "user"),
        ("reactivate", "user"),
        ("preference", "user"),
        ("settings", "setting"),
        ("secret", "setting"),
    }


def test_audit_page_for_a_manager_filters_and_offers_a_csv(team_url: str, signed_in) -> None:
    with session_scope(team_url) as s:
        set_setting(s, CLI_ACTOR, "reporting_currency", "IDR")
    at = signed_in(ROLE_EMAILS["manager"])
    at.run()
    at.switch_page("pages/settings/audit.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Audit"]
    table = at.dataframe[0].value
    assert len(table) == 6  # five users and one setting
    assert "reporting_currency: USD -> IDR" not in table["Before -> after"].tolist()
    assert "reporting_currency: -> IDR" in table["Before -> after"].tolist()
    at.text_input(key="audit_text").input("reporting_currency").run()
    assert len(at.dataframe[0].value) == 1
    assert at.get("download_button")
    at.multiselect(key="audit_actions").select("create").run()
    assert "No change matches these filters" in at.info[0].value


def test_audit_page_refuses_specialists(team_url: str, signed_in) -> None:
    at = signed_in(ROLE_EMAILS["specialist"])
    at.run()
    at.switch_page("pages/settings/audit.py").run()
    assert "not permitted" in at.error[0].value
    assert not at.get("download_button")
