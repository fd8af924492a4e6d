"""The role x page matrix through streamlit_app.py (menu and URL), unknown and signed-out people, page guards."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.engine import session_scope
from db.models import AuditEntry, User
from db.roles import CLI_ACTOR, PAGE_ACCESS, ROLES, Actor
from pages.components.navigation import PAGES, visible_pages
from tests.auth.conftest import ROLE_EMAILS

ROOT = Path(__file__).resolve().parents[2]

# DESIGN.md "Roles", pages each role sees, written out independently of db/roles.py.
DESIGN_PAGES = {
    "overview": {"admin", "manager", "specialist", "finance", "viewer"},
    "campaigns": {"admin", "manager", "specialist", "finance", "viewer"},
    "budgets": {"admin", "manager", "specialist", "finance", "viewer"},
    "influencers": {"admin", "manager", "specialist", "finance"},
    "programs": {"admin", "manager", "specialist", "finance"},
    "calendar": {"admin", "manager", "specialist", "finance"},
    "exports": {"admin", "manager", "finance"},
    "sync": {"admin", "specialist"},
    "settings": {"admin"},
    "audit": {"admin", "manager"},
    "notifications": {"admin", "manager", "specialist", "finance", "viewer"},
}
REFUSAL = ("no access", "not permitted")


def _text(at: AppTest) -> str:
    parts = [str(e.value) for e in [*at.title, *at.error, *at.warning, *at.info, *at.markdown]]
    return " ".join(parts).lower()


def test_page_access_matches_the_design_table() -> None:
    assert {k: set(v) for k, v in PAGE_ACCESS.items()} == DESIGN_PAGES
    assert {spec.key for spec in PAGES} == set(DESIGN_PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_menu_lists_exactly_the_roles_pages(role: str) -> None:
    shown = {spec.key for spec in visible_pages(Actor("x@example.com", role))}
    assert shown == {key for key, roles in DESIGN_PAGES.items() if role in roles}


@pytest.mark.parametrize("role", ROLES)
def test_role_by_page_matrix_through_the_app(team_url: str, signed_in, role: str) -> None:
    at = signed_in(ROLE_EMAILS[role])
    at.run()
    assert not at.exception, at.exception
    assert f"Signed in as {ROLE_EMAILS[role]} ({role})" in [c.value for c in at.sidebar.caption]
    wrong = []
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        titles = [t.value for t in at.title]
        allowed = role in DESIGN_PAGES[spec.key]
        if allowed and titles != [spec.title]:
            wrong.append(f"{spec.key}: expected the page, got titles {titles} / {_text(at)[:200]}")
        if not allowed and (spec.title in titles or not any(word in _text(at) for word in REFUSAL)):
            wrong.append(f"{spec.key}: expected a refusal in words, got titles {titles} / {_text(at)[:200]}")
    assert not wrong, "\n".join(wrong)


def test_unknown_email_sees_only_no_access(team_url: str, signed_in) -> None:
    at = signed_in("stranger@example.com")
    at.run()
    assert [t.value for t in at.title] == ["No access"]
    assert "stranger@example.com has no access" in at.error[0].value
    assert any(b.key == "auth_sign_out_denied" for b in at.button)
    for spec in PAGES:  # no page is even registered, so no URL reaches a page file
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.path)
    with session_scope(team_url) as s:
        assert s.query(User).filter_by(email="stranger@example.com").count() == 0


def test_signed_out_visitor_sees_the_sign_in_button_only(team_url: str, signed_in) -> None:
    at = signed_in(None)
    at.run()
    assert not at.exception
    assert [b.key for b in at.button] == ["auth_sign_in"]
    assert [t.value for t in at.title] == ["Pantau"]
    for spec in PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.path)


def test_deactivated_user_has_no_access(team_url: str, signed_in) -> None:
    from db.users import set_active

    with session_scope(team_url) as s:
        set_active(s, CLI_ACTOR, ROLE_EMAILS["specialist"], False)
    at = signed_in(ROLE_EMAILS["specialist"])
    at.run()
    assert [t.value for t in at.title] == ["No access"]


def test_auto_provisioning_lets_unknown_people_in_as_viewers(team_url: str, signed_in) -> None:
    from db.settings import set_setting

    with session_scope(team_url) as s:
        set_setting(s, CLI_ACTOR, "auto_provision_viewers", True)
    at = signed_in("newcomer@example.com")
    at.run()
    assert "Signed in as newcomer@example.com (viewer)" in [c.value for c in at.sidebar.caption]
    at.switch_page("pages/exports/exports.py").run()
    assert "not permitted" in _text(at)
    with session_scope(team_url) as s:
        user = s.query(User).filter_by(email="newcomer@example.com").one()
        assert (user.role, user.active) == ("viewer", True)
        entry = s.query(AuditEntry).filter_by(entity_type="user", entity_id=str(user.id)).one()
        assert (entry.actor, entry.action, entry.after["role"]) == ("sign-in@pantau", "create", "viewer")


def test_admin_emails_env_creates_the_first_admin(migrated_url: str, signed_in, monkeypatch) -> None:
    monkeypatch.setenv("PANTAU_ADMIN_EMAILS", "Boss@Example.com, second@example.com")
    at = signed_in("boss@example.com")
    at.run()
    assert "Signed in as boss@example.com (admin)" in [c.value for c in at.sidebar.caption]
    at.switch_page("pages/settings/settings.py").run()
    assert [t.value for t in at.title] == ["Settings"]
    with session_scope(migrated_url) as s:
        assert s.query(User).filter_by(email="boss@example.com").one().role == "admin"
        assert s.query(User).filter_by(email="second@example.com").count() == 0  # created at their sign-in


def test_role_change_applies_on_the_next_run(team_url: str, signed_in) -> None:
    from db.users import set_role

    at = signed_in(ROLE_EMAILS["manager"])
    at.run()
    at.switch_page("pages/settings/audit.py").run()
    assert [t.value for t in at.title] == ["Audit"]
    with session_scope(team_url) as s:
        set_role(s, CLI_ACTOR, ROLE_EMAILS["manager"], "viewer")
    at.run()
    assert "not permitted" in _text(at)


@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_file_refuses_a_role_it_does_not_allow_when_run_directly(migrated_url: str, spec) -> None:
    """The guard at the top of each page file, without the entry's navigation in front of it."""
    outsiders = [r for r in ROLES if r not in DESIGN_PAGES[spec.key]]
    for actor in [None, *(Actor(f"{r}@example.com", r) for r in outsiders)]:
        at = AppTest.from_file(str(ROOT / spec.path), default_timeout=30)
        if actor is not None:
            at.session_state["actor"] = actor
        at.run()
        assert not at.exception, at.exception
        assert not at.title, (spec.key, actor, [t.value for t in at.title])
        assert "not permitted" in _text(at)


@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_file_checks_the_role_before_doing_anything(spec) -> None:
    """The first statement that runs code at module level is `require_page("<its key>")`."""
    tree = ast.parse((ROOT / spec.path).read_text())
    inert = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if isinstance(node, inert):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstring
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and not any(
            isinstance(n, ast.Call) for n in ast.walk(node.value)
        ):
            continue  # a constant: runs no code
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        assert isinstance(call, ast.Call), f"{spec.path}: line {node.lineno} runs before require_page"
        assert getattr(call.func, "id", None) == "require_page", f"{spec.path}: line {node.lineno}"
        assert [a.value for a in call.args] == [spec.key]
        return
    pytest.fail(f"{spec.path} never calls require_page")


def test_no_page_module_directly_under_pages() -> None:
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []
    registered = {spec.path for spec in PAGES}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py") if p.parent.name != "components"}
    assert on_disk <= registered, f"page files not in the registry: {sorted(on_disk - registered)}"


def test_an_unverified_email_is_not_trusted(team_url: str, signed_in) -> None:
    at = signed_in(ROLE_EMAILS["admin"])
    at.user["email_verified"] = False
    at.run()
    assert [t.value for t in at.title] == ["No access"]


def test_team_deployment_hides_error_details_from_people(team_url: str, signed_in) -> None:
    import streamlit as st

    before = st.get_option("client.showErrorDetails")
    try:
        at = signed_in(ROLE_EMAILS["viewer"])
        at.run()
        assert st.get_option("client.showErrorDetails") == "type"
    finally:
        st.set_option("client.showErrorDetails", before)
