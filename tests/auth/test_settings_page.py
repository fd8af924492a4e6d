"""The Settings page as an admin: add people, change roles, deactivate, the last-admin rule, workspace settings."""

from __future__ import annotations

from db.engine import session_scope
from db.settings import get_setting
from db.users import find_user
from tests.auth.conftest import ROLE_EMAILS


def _open(signed_in, email: str):
    at = signed_in(email)
    at.run()
    at.switch_page("pages/settings/settings.py").run()
    assert not at.exception, at.exception
    return at


def _submit(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


def test_admin_adds_a_person_and_changes_their_role(team_url: str, signed_in) -> None:
    at = _open(signed_in, ROLE_EMAILS["admin"])
    at.text_input(key="settings_new_email").input("New.Person@Example.com")
    at.selectbox(key="settings_new_role").select("specialist")
    _submit(at, "Add user")
    assert "Saved new.person@example.com as specialist." in [s.value for s in at.success]
    at.selectbox(key="settings_user_pick").select("new.person@example.com").run()
    at.selectbox(key="settings_user_role_new.person@example.com").select("finance").run()
    at.button(key="settings_save_role").click().run()
    assert "new.person@example.com is now finance." in [s.value for s in at.success]
    at.selectbox(key="settings_user_pick").select("new.person@example.com").run()
    at.button(key="settings_deactivate").click().run()
    assert "new.person@example.com can no longer sign in." in [s.value for s in at.success]
    with session_scope(team_url) as s:
        user = find_user(s, "new.person@example.com")
        assert (user.role, user.active) == ("finance", False)


def test_the_last_admin_cannot_demote_themselves(team_url: str, signed_in) -> None:
    at = _open(signed_in, ROLE_EMAILS["admin"])
    at.selectbox(key="settings_user_pick").select(ROLE_EMAILS["admin"]).run()
    at.button(key="settings_deactivate").click().run()
    assert any("last active admin" in e.value for e in at.error)
    with session_scope(team_url) as s:
        assert find_user(s, ROLE_EMAILS["admin"]).active


def test_bad_email_is_explained(team_url: str, signed_in) -> None:
    at = _open(signed_in, ROLE_EMAILS["admin"])
    at.text_input(key="settings_new_email").input("not an email")
    _submit(at, "Add user")
    assert any("is not a valid email address" in e.value for e in at.error)


def test_workspace_settings_are_saved(team_url: str, signed_in) -> None:
    at = _open(signed_in, ROLE_EMAILS["admin"])
    at.text_input(key="settings_currency").input("idr")
    at.toggle(key="settings_auto_provision").set_value(True)
    _submit(at, "Save settings")
    assert "Settings saved." in [s.value for s in at.success]
    with session_scope(team_url) as s:
        assert get_setting(s, "reporting_currency") == "IDR"
        assert get_setting(s, "auto_provision_viewers") is True
    at.text_input(key="settings_currency").input("rupiah")
    _submit(at, "Save settings")
    assert any("three-letter code" in e.value for e in at.error)


def test_language_choice_is_stored_for_a_signed_in_user(team_url: str, signed_in) -> None:
    at = signed_in(ROLE_EMAILS["viewer"])
    at.run()
    at.sidebar.selectbox(key="auth_language").select("id").run()
    assert at.session_state["language"] == "id"
    with session_scope(team_url) as s:
        assert find_user(s, ROLE_EMAILS["viewer"]).language == "id"
    fresh = signed_in(ROLE_EMAILS["viewer"])  # a new session starts in the stored language
    fresh.run()
    assert fresh.session_state["language"] == "id"
    assert fresh.sidebar.selectbox(key="auth_language").value == "id"
