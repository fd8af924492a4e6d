"""My alerts (every role), the Settings page's schedules and webhooks, the Sync page's schedules, and the CLI's
worker and alerts commands."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from automation.jobs import JOBS
from automation.schedules import load_schedules, save_schedule
from db.engine import session_scope
from db.models import AlertRecipient, JobRun, User
from tests.automation.conftest import ADMIN

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _frame(at, column: str):
    """The page's dataframe that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("role", ["viewer", "finance"])
def test_every_role_chooses_its_alerts(migrated_url, as_role, role: str) -> None:
    at = as_role(role)
    at.switch_page("pages/account/notifications.py").run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["My alerts"]
    offered = at.multiselect(key="alerts_categories").options
    expected = {"viewer": ["Over- and under-pacing, exhausted budgets"]}.get(role)
    if expected:
        assert offered == expected
    else:
        assert "Sync failures" not in offered
    at.selectbox(key="alerts_language").set_value("id")
    at.text_input(key="alerts_webhook").input("https://hooks.slack.com/services/T1/B2/personalsecret")
    at.button(key="FormSubmitter:alerts_prefs-Save my alerts").click().run()
    assert not at.exception, at.exception
    assert "Your alert preferences are saved." in [s.value for s in at.success]
    with session_scope(migrated_url) as s:
        user = s.scalar(select(User).where(User.email == f"{role}@example.com"))
        row = s.scalar(select(AlertRecipient).where(AlertRecipient.user_id == user.id))
        assert (row.language, row.webhook_url.endswith("personalsecret")) == ("id", True)
    page_text = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.success])
    assert "personalsecret" not in page_text


def test_a_bad_webhook_address_is_refused_in_words(migrated_url, as_role) -> None:
    at = as_role("manager")
    at.switch_page("pages/account/notifications.py").run()
    at.text_input(key="alerts_webhook").input("ftp://nope")
    at.button(key="FormSubmitter:alerts_prefs-Save my alerts").click().run()
    assert any("https://" in e.value for e in at.error)


def test_admin_sets_a_schedule_and_a_webhook_on_settings(migrated_url, as_role) -> None:
    at = as_role("admin")
    at.switch_page("pages/settings/settings.py").run()
    assert not at.exception, at.exception
    at.toggle(key="settings_schedule_sync.facebook_on").set_value(True)
    at.number_input(key="settings_schedule_sync.facebook_every").set_value(6)
    at.button(key="FormSubmitter:settings_schedule_sync.facebook-Save").click().run()
    assert not at.exception, at.exception
    assert "Schedule saved: Meta sync." in [s.value for s in at.success]
    with session_scope(migrated_url) as s:
        (meta,) = [x for x in load_schedules(s, JOBS.values()) if x.job == "sync.facebook"]
    assert (meta.enabled, meta.every_hours) == (True, 6)

    at.text_input(key="settings_webhook_name").input("#marketing")
    at.text_input(key="settings_webhook_url").input("https://hooks.slack.com/services/T0/B0/teamsecret123")
    at.button(key="FormSubmitter:settings_webhook_add-Add webhook").click().run()
    assert not at.exception, at.exception
    assert "Webhook #marketing added." in [s.value for s in at.success]
    table = _frame(at, "Address")
    assert "teamsecret123" not in table.to_csv()
    assert table.iloc[0, 1].startswith("https://hooks.slack.com/…")


def test_sync_page_shows_schedules_with_next_run_and_job_runs(migrated_url, as_role) -> None:
    with session_scope(migrated_url) as s:
        save_schedule(s, ADMIN, JOBS["alerts.digest"], enabled=True, hour=8)
        s.add(
            JobRun(
                job="alerts.digest",
                scheduled_for=dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC),
                status="success",
                summary="0 condition(s)",
                claimed_by="host:1",
            )
        )
    at = as_role("specialist")
    at.switch_page("pages/sync/sync.py").run()
    assert not at.exception, at.exception
    schedules = _frame(at, "Next run")
    digest = schedules[schedules.iloc[:, 0] == "Alert digest"].iloc[0]
    assert digest.iloc[1] == "daily at 08:00"
    assert digest.iloc[4]  # the next run is shown
    runs = _frame(at, "Slot")
    assert runs.iloc[0, 0] == "Alert digest"


def test_cli_worker_once_and_alerts_dry_run(migrated_url) -> None:
    from cli import app

    runner = CliRunner()
    idle = runner.invoke(app, ["worker", "--once"])
    assert idle.exit_code == 0, idle.output
    assert "Nothing is due." in idle.output
    with session_scope(migrated_url) as s:
        save_schedule(
            s, ADMIN, JOBS["token.check"], enabled=True, hour=0, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        )
    once = runner.invoke(app, ["worker", "--once"])
    assert "token.check" in once.output
    assert once.exit_code == 1  # no token configured: the check fails, and says so
    with session_scope(migrated_url) as s:
        (run,) = s.scalars(select(JobRun))
        assert "No Meta access token" in run.error
    dry = runner.invoke(app, ["alerts", "send", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would send 0 message(s)" in dry.output
    with session_scope(migrated_url) as s:
        assert [r.id for r in s.scalars(select(JobRun))] == [run.id]  # a dry run records nothing


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_settings_saves_say_what_the_text_rule_removed_and_refuse_control_characters(migrated_url, as_role) -> None:
    at = as_role("admin")
    at.switch_page("pages/settings/settings.py").run()
    at.text_input(key="settings_new_email").input("ayu@example.com")
    at.text_input(key="settings_new_name").input("Ayu \u202eLestari")
    at.button(key="FormSubmitter:settings_add_user-Add user").click().run()
    assert not at.exception, at.exception
    assert "Saved ayu@example.com as viewer." in _texts(at.success)
    assert "Name: direction-changing (bidi) control characters were removed." in _texts(at.info)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(User.name).where(User.email == "ayu@example.com")) == "Ayu Lestari"

    at.text_input(key="settings_webhook_name").input("#ops\x1b[31m")
    at.text_input(key="settings_webhook_url").input("https://hooks.slack.com/services/T0/B0/teamsecret123")
    at.button(key="FormSubmitter:settings_webhook_add-Add webhook").click().run()
    assert not at.exception, at.exception
    assert "Webhook #ops added." in _texts(at.success)
    assert "Name: terminal escape sequences were removed." in _texts(at.info)

    # a NUL in the name or an invisible character in the address: refused in words, nothing stored
    at.text_input(key="settings_webhook_name").input("#sales\x00")
    at.text_input(key="settings_webhook_url").input("https://hooks.slack.com/services/T0/B0/other")
    at.button(key="FormSubmitter:settings_webhook_add-Add webhook").click().run()
    assert not at.exception, at.exception
    assert _texts(at.error) == "Name contains the invisible control character U+0000 at position 7; remove it."
    at.text_input(key="settings_webhook_name").input("#sales")
    at.text_input(key="settings_webhook_url").input("https://hooks.slack.com/services/T0/\u202eB0/other")
    at.button(key="FormSubmitter:settings_webhook_add-Add webhook").click().run()
    assert "Webhook address: the address contains the invisible character U+202E at position 37; remove it" in _texts(
        at.error
    )
    with session_scope(migrated_url) as s:
        names = s.scalars(select(AlertRecipient.name).where(AlertRecipient.user_id.is_(None))).all()
    assert names == ["#ops"]


def test_my_alerts_refuses_an_address_with_invisible_characters_in_indonesian(migrated_url, as_role) -> None:
    at = as_role("manager")
    at.switch_page("pages/account/notifications.py").run()
    at.sidebar.selectbox(key="auth_language").select("id").run()
    at.text_input(key="alerts_webhook").input("https://hooks.slack.com/services/T1\x07/B2")
    at.button(key="FormSubmitter:alerts_prefs-Simpan peringatan saya").click().run()
    assert not at.exception, at.exception
    refusal = _texts(at.error)
    assert refusal.startswith("Alamat webhook: alamat berisi karakter tak terlihat U+0007 di posisi 36"), refusal
    with session_scope(migrated_url) as s:
        assert s.scalar(select(AlertRecipient.id)) is None
