"""Alert rules, who receives what, de-duplication within windows, the digest in each person's language, and SMTP
and webhook delivery on loopback; no secret or token ever reaches a message."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from automation import digest, rules
from automation.recipients import (
    add_webhook,
    allowed_categories,
    default_language,
    delivery_targets,
    save_preferences,
)
from budgets.changes import propose_change
from budgets.plans import set_plan
from campaigns.models import AdAccount, Campaign, CampaignInsight, SyncRun
from db.calendar import Period
from db.engine import session_scope
from db.errors import FieldErrors
from db.models import AlertRecipient, AuditEntry, SentAlert, User
from db.roles import Actor
from db.users import add_user
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable
from influencers.payments import add_payment
from influencers.programs import add_collaboration, create_program
from tests.automation.conftest import ADMIN
from tests.builders import contract

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

# 05:00 UTC on Monday 16 November 2026: 12:00 in Jakarta.
NOW = dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)
TOKEN = "EAAB-secret-token-0123456789"
MANAGER = Actor("manager@example.com", "manager")
SPECIALIST = Actor("specialist@example.com", "specialist")


@pytest.fixture
def world(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An over-pacing IDR campaign, an overdue deliverable and payment, a failed sync whose error carries the
    token, a proposed budget change; a manager (English), a specialist (Bahasa Indonesia), a finance person."""
    monkeypatch.setenv("FB_ACCESS_TOKEN", TOKEN)
    with session_scope(migrated_url) as s:
        for actor, lang in ((MANAGER, "en"), (SPECIALIST, "id")):
            user, _ = add_user(s, ADMIN, actor.email, actor.role)
            user.language = lang
        add_user(s, ADMIN, "finance@example.com", "finance")
        add_user(s, ADMIN, "viewer@example.com", "viewer")
        account = AdAccount(account_id="2", name="Acme ID", currency="IDR", timezone_name="Asia/Jakarta")
        s.add(account)
        s.flush()
        campaign = Campaign(
            account_id=account.id,
            name="Harbolnas Sale",
            currency="IDR",
            status="ACTIVE",
            effective_status="ACTIVE",
            daily_budget=Decimal(2_000_000),
            start_time=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        )
        s.add(campaign)
        s.flush()
        for day in range(1, 16):
            s.add(
                CampaignInsight(
                    campaign_id=campaign.id, date=dt.date(2026, 11, day), currency="IDR", spend=Decimal(2_000_000)
                )
            )
        plan = set_plan(s, ADMIN, f"campaign:{campaign.id}", Period.month(2026, 11), "40000000", reason="Nov plan")
        propose_change(s, SPECIALIST, plan_id=plan.id, new_amount="45000000", reason="Harbolnas 11.11 push")
        program = create_program(s, SPECIALIST, {"name": "Kopi Launch", "currency": "IDR"})
        person = create_influencer(s, SPECIALIST, {"name": "Ayu Lestari", "handles": {"instagram": "@ayu.l"}})
        collab = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": "2500000"})
        add_deliverable(s, SPECIALIST, collab.id, {"platform": "instagram", "type": "reel", "due_date": "2026-11-10"})
        contract(s, SPECIALIST, collab.id)
        add_payment(s, SPECIALIST, collab.id, "2500000", due_date=dt.date(2026, 11, 12))
        s.add(
            SyncRun(
                account_id=account.id,
                kind="meta_api",
                status="failed",
                started_at=NOW - dt.timedelta(hours=3),
                error=f"Meta returned an error (code 1): something?access_token={TOKEN}&x=1 for {TOKEN}",
            )
        )
    return migrated_url


def _user(s, email: str) -> User:
    return s.scalar(select(User).where(User.email == email))


def _subscribe(url: str, email: str, categories: list[str] | None = None, **options) -> None:
    with session_scope(url) as s:
        user = _user(s, email)
        chosen = allowed_categories(user.role) if categories is None else categories
        save_preferences(
            s,
            Actor(email, user.role),
            user,
            enabled=True,
            categories=chosen,
            language=default_language(user),  # what My alerts offers: English for a user who never chose
            **options,
        )


def test_rules_find_every_kind_of_condition(world: str) -> None:
    with session_scope(world) as s:
        notices = rules.collect_notices(s, NOW)
        again = rules.collect_notices(s, NOW)
    kinds = {(n.category, n.kind) for n in notices}
    assert {
        ("pacing", "over_pacing"),
        ("deliverables", "deliverable_overdue"),
        ("payments", "payment_overdue"),
        ("sync", "sync_failed"),
        ("approvals", "approval_waiting"),
    } <= kinds
    assert [n.fingerprint for n in notices] == [n.fingerprint for n in again]  # stable conditions
    assert len({n.fingerprint for n in notices}) == len(notices)
    assert [n.category for n in notices] == sorted((n.category for n in notices), key=rules.CATEGORIES.index)


def test_under_pacing_is_a_condition_too(world: str) -> None:
    with session_scope(world) as s:
        campaign = s.scalar(select(Campaign))
        set_plan(s, ADMIN, f"campaign:{campaign.id}", Period.month(2026, 11), "200000000", reason="bigger")
        notices = rules.collect_notices(s, NOW)
    (under,) = [n for n in notices if n.kind == "under_pacing"]
    assert under.values["name"] == "Harbolnas Sale"
    assert under.values["percent"] < 90


def test_each_role_receives_only_what_it_may_see() -> None:
    assert allowed_categories("viewer") == ["pacing"]
    assert allowed_categories("finance") == ["pacing", "deliverables", "payments"]
    assert allowed_categories("manager") == ["pacing", "deliverables", "payments", "approvals"]
    assert allowed_categories("specialist") == ["pacing", "deliverables", "payments", "sync", "token"]
    assert allowed_categories("admin") == list(rules.CATEGORIES)


def test_a_person_cannot_pick_a_category_their_role_does_not_receive(world: str) -> None:
    from db.roles import PermissionDenied

    with session_scope(world) as s:
        user = _user(s, "finance@example.com")
        finance = Actor(user.email, "finance")
        with pytest.raises(FieldErrors) as caught:
            save_preferences(s, finance, user, enabled=True, categories=["sync"], language="en")
        assert "categories" in caught.value.errors
        with pytest.raises(PermissionDenied):
            save_preferences(s, SPECIALIST, user, enabled=True, categories=["pacing"], language="en")


def _opt_out(url: str, *emails: str) -> None:
    with session_scope(url) as s:
        for email in emails:
            user = _user(s, email)
            save_preferences(s, ADMIN, user, enabled=False, categories=[], language="en")


def test_people_who_never_chose_get_their_roles_alerts_by_email(world: str, smtp_server) -> None:
    report = digest.send_due(world, now=NOW, dry_run=True)
    labels = {d.label: d for d in report.deliveries}
    assert set(labels) == {MANAGER.email, SPECIALIST.email, "finance@example.com", "viewer@example.com"}
    assert labels[SPECIALIST.email].language == "id"  # the language they use the app in
    assert "Sync failures" not in labels["finance@example.com"].text


def test_without_smtp_nobody_gets_default_email(world: str) -> None:
    assert digest.send_due(world, now=NOW, dry_run=True).deliveries == []


def test_dry_run_says_what_would_go_and_writes_nothing(world: str, smtp_server) -> None:
    _subscribe(world, MANAGER.email)
    _opt_out(world, SPECIALIST.email, "finance@example.com", "viewer@example.com")
    report = digest.send_due(world, now=NOW, dry_run=True)
    (delivery,) = report.deliveries
    assert (delivery.label, delivery.channel, delivery.sent) == (MANAGER.email, "email", False)
    assert "Harbolnas Sale: projected" in delivery.text
    assert smtp_server.messages == []
    with session_scope(world) as s:
        assert s.scalar(select(func.count(SentAlert.id))) == 0


def test_email_digest_in_each_language_sent_once_within_its_window(world: str, smtp_server) -> None:
    _subscribe(world, MANAGER.email)
    _subscribe(world, SPECIALIST.email)
    _opt_out(world, "finance@example.com", "viewer@example.com")
    report = digest.send_due(world, now=NOW)
    assert report.errors == []
    assert smtp_server.logins == [("pantau", "smtp-secret-pw-42")] * 2
    by_to = {next(iter(to)): message for to, message in smtp_server.messages}
    english, indonesian = by_to[MANAGER.email], by_to[SPECIALIST.email]
    assert english["From"] == "alerts@pantau.example"
    assert english["Subject"].startswith("Pantau: ")
    assert "alerts need your attention" in english["Subject"]
    body = english.get_body(("plain",)).get_content()
    assert "Budgets and pacing" in body
    assert "Budget changes awaiting approval" in body
    assert "Harbolnas Sale: projected IDR" in body
    assert "Sync failures" not in body  # a manager does not receive sync failures
    isi = indonesian.get_body(("plain",)).get_content()
    assert isi.startswith("Peringatan dari Pantau untuk 16 Nov 2026")
    assert "Anggaran dan pacing" in isi
    assert "Harbolnas Sale: proyeksi Rp60.000.000" in isi  # rupiah grouped with dots
    assert "Sinkronisasi Meta untuk Acme ID gagal" in isi
    assert "pembayaran #1 sebesar Rp2.500.000 jatuh tempo 12 Nov 2026 dan masih menunggu" in isi
    assert "Ayu Lestari (Kopi Launch): reel di Instagram jatuh tempo 10 Nov 2026" in isi
    assert indonesian["Subject"] == f"Pantau: {isi.count(chr(10) + '  ')} peringatan butuh perhatian Anda"
    assert "Nov 16, 2026" in body  # English dates
    html = english.get_body(("html",)).get_content()
    assert "<li" in html

    assert digest.send_due(world, now=NOW + dt.timedelta(hours=1)).deliveries == []  # nothing new
    # A day later only the approval (a one-day window) is sent again; the overdue work waits for its 7 days.
    day_later = digest.send_due(world, now=NOW + dt.timedelta(days=1, hours=1))
    assert [(d.label, d.alerts) for d in day_later.deliveries] == [(MANAGER.email, 1)]
    assert "waiting for approval" in day_later.deliveries[0].text
    week_later = digest.send_due(world, now=NOW + dt.timedelta(days=7, hours=1))
    resent = {d.label: d.text for d in week_later.deliveries}
    assert set(resent) == {MANAGER.email, SPECIALIST.email}
    assert "Ayu Lestari (Kopi Launch): reel on Instagram was due Nov 10, 2026" in resent[MANAGER.email]
    with session_scope(world) as s:
        sync_sent = s.scalar(select(func.count(SentAlert.id)).where(SentAlert.category == "sync"))
    assert sync_sent == 1  # the failed run was sent once (to the specialist), never again


def test_webhooks_slack_teams_and_json(world: str, webhook_receiver) -> None:
    with session_scope(world) as s:
        for fmt in ("slack", "teams", "json"):
            add_webhook(
                s,
                ADMIN,
                name=f"#{fmt}",
                url=f"{webhook_receiver.url}/hooks/{fmt}/T000/B000/XXXXSECRET{fmt}",
                webhook_format=fmt,
                categories=["sync", "approvals"],
                language="id" if fmt == "teams" else "en",
            )
    report = digest.send_due(world, now=NOW)
    assert report.errors == []
    assert len(report.deliveries) == 3
    posts = dict(webhook_receiver.posts)
    slack = posts["/hooks/slack/T000/B000/XXXXSECRETslack"]
    assert slack["text"].startswith("*Alerts from Pantau for")
    assert "Sync failures" in slack["text"]
    card = posts["/hooks/teams/T000/B000/XXXXSECRETteams"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["weight"] == "Bolder"
    plain = posts["/hooks/json/T000/B000/XXXXSECRETjson"]
    assert {a["category"] for a in plain["alerts"]} == {"sync", "approvals"}
    assert all(a["message"] for a in plain["alerts"])


@pytest.mark.parametrize(
    ("name", "url", "field", "reason"),
    [
        ("#ops", "https://[hooks.example", "webhook_url", "a webhook address starts with https:// and names a host"),
        ("#ops", "https://hooks.example/a b", "webhook_url", "invisible character U+0020 at position 24"),
        ("#ops", "https://hooks.example/\u2066x", "webhook_url", "invisible character U+2066 at position 23"),
        ("#o\x00ps", "https://hooks.example/x", "name", "invisible control character U+0000 at position 3"),
        ("x" * 201, "https://hooks.example/x", "name", "201 characters long; at most 200"),
        ("  ", "https://hooks.example/x", "name", "give the webhook a name"),
    ],
)
def test_a_webhook_is_refused_per_field_and_never_stored_half_cleaned(world: str, name, url, field, reason) -> None:
    with pytest.raises(FieldErrors) as refused, session_scope(world) as s:
        add_webhook(s, ADMIN, name=name, url=url, webhook_format="slack", categories=["sync"], language="en")
    assert list(refused.value.errors) == [field]
    assert reason in refused.value.errors[field]
    with session_scope(world) as s:
        assert s.scalar(select(func.count(AlertRecipient.id))) == 0


def test_a_failed_webhook_is_reported_without_its_address_and_tried_again(world: str, webhook_receiver) -> None:
    secret_url = f"{webhook_receiver.url}/services/T111/B222/abcdefSECRET"
    with session_scope(world) as s:
        add_webhook(
            s, ADMIN, name="#alerts", url=secret_url, webhook_format="slack", categories=["sync"], language="en"
        )
    webhook_receiver.status = 500
    report = digest.send_due(world, now=NOW)
    (error,) = report.errors
    assert "#alerts" in error
    assert "HTTP 500" in error
    assert "abcdefSECRET" not in error
    webhook_receiver.status = 200
    again = digest.send_due(world, now=NOW + dt.timedelta(minutes=5))
    assert [d.sent for d in again.deliveries] == [True]


def test_email_without_smtp_settings_is_an_error_in_words(world: str, monkeypatch) -> None:
    monkeypatch.delenv("PANTAU_SMTP_HOST", raising=False)
    _subscribe(world, MANAGER.email)
    report = digest.send_due(world, now=NOW)
    assert report.errors == [digest.EMAIL_OFF]


def test_no_secret_or_token_ever_reaches_a_message(world: str, smtp_server, webhook_receiver) -> None:
    hook = f"{webhook_receiver.url}/services/T9/B9/hook-secret-path-77"
    _subscribe(world, SPECIALIST.email, webhook_url=hook, webhook_format="json")
    with session_scope(world) as s:
        add_webhook(s, ADMIN, name="#ops", url=hook + "x", webhook_format="slack", categories=["sync"], language="en")
    report = digest.send_due(world, now=NOW)
    assert report.errors == []
    sent = [m.as_string() for _to, m in smtp_server.messages] + [json.dumps(b) for _p, b in webhook_receiver.posts]
    assert len(sent) == 6  # the specialist by email and webhook, #ops, three people by default email
    for text in sent:
        for secret in (TOKEN, "smtp-secret-pw-42", "hook-secret-path-77"):
            assert secret not in text
    assert any("access_token=***" in text for text in sent)  # the error is kept, the token is not
    with session_scope(world) as s:
        audit_text = " ".join(json.dumps(e.after or {}) for e in s.scalars(select(AuditEntry)))
    assert "hook-secret-path-77" not in audit_text


def test_recipients_follow_role_and_activity(world: str) -> None:
    _subscribe(world, MANAGER.email)
    _subscribe(world, "viewer@example.com")
    with session_scope(world) as s:
        targets = {t.label: t.categories for t in delivery_targets(s)}
        assert targets["viewer@example.com"] == {"pacing"}
        from db.users import set_role

        set_role(s, ADMIN, "viewer@example.com", "finance")
        targets = {t.label: t.categories for t in delivery_targets(s)}
        assert targets["viewer@example.com"] == {"pacing"}  # chose pacing as a viewer; finance keeps that
        from db.users import set_active

        set_active(s, ADMIN, MANAGER.email, False)
        assert MANAGER.email not in {t.label for t in delivery_targets(s)}
