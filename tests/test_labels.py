"""Labels, not codes: every code the domain defines has a label (the packages' `labels` modules, gathered in
finance.labels and re-exported by pages/components/terms.py) in both languages, and the alert digest
(automation.i18n's Renderer) shows every code a notice carries with the same label as the pages.

The codes (read from the domain modules and every `audit.record` call) and the catalog are read once per session."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("db", "campaigns", "influencers", "budgets", "finance", "demo", "automation")


@cache
def _indonesian() -> dict[str, str]:
    with (ROOT / "locales" / "id" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="id") if m.id and m.string}


@cache
def _audit_codes() -> tuple[set[str], set[str]]:
    """The action and record type of every `audit.record(...)` call in the domain packages (constants, and the
    values of the conditional expressions some calls use)."""
    actions: set[str] = set()
    records: set[str] = set()
    for package in DOMAIN:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record"
                    and getattr(node.func.value, "id", "") == "audit"
                ):
                    continue
                for index, found in ((2, actions), (3, records)):
                    arg = node.args[index]
                    found.update(
                        c.value for c in ast.walk(arg) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    )
    return actions, records


@cache
def _domain_codes() -> dict[str, set[str]]:
    from budgets import changes, pacing, plans
    from campaigns import meta_settings, platforms, tiktok_settings, tiktok_writer
    from campaigns import models as campaign_models
    from campaigns.models import FILE_ACCOUNT_SOURCES
    from db.roles import ROLES
    from demo import workspace
    from finance import fx
    from influencers import fees, models, queries

    actions, records = _audit_codes()
    actions = actions - {"approved"}  # the payments call maps approved -> approve itself
    return {
        "campaign_status": {*meta_settings.ALL_EFFECTIVE_STATUSES, tiktok_writer.ACTIVE, tiktok_writer.PAUSED},
        "objective": {
            *meta_settings.OBJECTIVES,
            *meta_settings.DEFAULT_EVENTS_BY_OBJECTIVE,
            *tiktok_settings.DEFAULT_EVENT_BY_OBJECTIVE,
            *workspace.OBJECTIVE_MIX,
            *(c[1] for c in workspace.TIKTOK_CAMPAIGNS),
        },
        "stage": set(models.STAGES),
        "ledger_channel": set(plans.CHANNELS),
        "fx_policy": set(fx.POLICIES),
        "recognition": set(fees.RECOGNITION),
        "audit_action": actions,
        "audit_record": records,
        "sync_kind": {v for k, v in vars(campaign_models).items() if k.startswith("SOURCE_") and isinstance(v, str)},
        "sync_source": {campaign_models.SOURCE_META_API, campaign_models.SOURCE_TIKTOK_API, *FILE_ACCOUNT_SOURCES},
        "ad_platform": set(platforms.PLATFORMS),
        "program_status": set(models.PROGRAM_STATUSES),
        "deliverable_status": set(models.DELIVERABLE_STATUSES),
        "payment_status": set(models.PAYMENT_STATUSES),
        "fee_type": set(models.FEE_TYPES),
        "deliverable_type": set(models.DELIVERABLE_TYPES),
        "interaction_channel": set(models.INTERACTION_CHANNELS),
        "influencer_status": set(models.INFLUENCER_STATUSES),
        "tier": set(queries.TIERS),
        "pacing": set(pacing.STATUSES),
        "pacing_flag": set(pacing.FLAGS),
        "budget_change_status": {changes.PROPOSED, changes.REJECTED, plans.APPROVED},
        "budget_target": set(changes.TARGETS),
        "role": set(ROLES),
        "period_close_status": {"locked", "reopened"},
    }


@pytest.mark.parametrize("kind", sorted(_domain_codes()))
def test_every_domain_code_has_a_label_in_both_languages(kind: str) -> None:
    from pages.components.terms import LABEL_MAPS

    labels = LABEL_MAPS[kind]
    codes = _domain_codes()[kind]
    missing = sorted(code for code in codes if code not in labels)
    assert not missing, f"{kind}: no label for {missing}"
    indonesian = _indonesian()
    untranslated = sorted(labels[code] for code in codes if labels[code] not in indonesian)
    assert not untranslated, f"{kind}: no Indonesian label for {untranslated}"
    assert not [code for code in codes if "_" in labels[code] or not labels[code].strip()], "a label reads like a code"


def test_payment_methods_the_demo_writes_have_labels() -> None:
    from pages.components.terms import PAYMENT_METHOD_LABELS

    source = (ROOT / "demo" / "workspace.py").read_text()
    assert 'method="bank_transfer"' in source
    assert "bank_transfer" in PAYMENT_METHOD_LABELS


def test_labelled_shows_labels_on_a_display_copy_and_blanks_for_missing_codes() -> None:
    import pandas as pd

    from pages.components.terms import label, labelled

    frame = pd.DataFrame({"status": ["ACTIVE", None, "PAUSED"], "channel": ["meta_ads", "influencer_fees", None]})
    shown = labelled(frame, {"status": "campaign_status", "channel": "ledger_channel"})
    assert list(shown["status"]) == ["Active", "", "Paused"]
    assert list(shown["channel"]) == ["Meta Ads", "Influencer fees", ""]
    assert list(frame["status"].fillna("?")) == ["ACTIVE", "?", "PAUSED"]  # the data keeps its codes
    assert label("objective", "OUTCOME_SALES") == "Sales"
    assert label("objective", float("nan")) == ""


def test_pages_read_the_domain_label_maps_themselves() -> None:
    """One table per kind: terms.LABEL_MAPS holds the very dicts of the packages' labels modules (no copies)."""
    from finance.labels import ALL_LABEL_MAPS
    from pages.components import terms

    assert set(terms.LABEL_MAPS) == {*ALL_LABEL_MAPS, "language"}
    assert all(terms.LABEL_MAPS[kind] is labels for kind, labels in ALL_LABEL_MAPS.items())
    assert terms.DELIVERABLE_TYPE_LABELS is ALL_LABEL_MAPS["deliverable_type"]


def test_a_kind_defined_twice_is_refused() -> None:
    from db.labels import merge_label_maps

    with pytest.raises(ValueError, match="stage"):
        merge_label_maps({"stage": {"a": "A"}}, {"stage": {"b": "B"}})


def _page_text(monkeypatch: pytest.MonkeyPatch, lang: str, template: str, kinds: dict[str, str], values: dict) -> str:
    """The sentence as a page writes it in `lang`: each code by terms.label(kind, code), the template by _()."""
    from pages.components import i18n, terms

    monkeypatch.setattr(i18n, "current_language", lambda: lang)
    shown = {key: terms.label(kinds[key], value) if key in kinds else value for key, value in values.items()}
    return i18n._(template, **shown)


DELIVERABLE_KINDS = {"type": "deliverable_type", "platform": "platform", "status": "deliverable_status"}
SPOT_CHECKS = {  # what the digest reads for a few codes, so the comparison cannot pass on codes shown as they are
    "en": ("live stream on Other", "is draft submitted", "still approved", "The TikTok sync of", "The Google Ads sync"),
    "id": ("siaran langsung di Lainnya", "draf dikirim", "masih disetujui", "Sinkronisasi TikTok", "Google Ads"),
}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_digest_shows_each_deliverable_and_payment_code_as_the_page_does(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from automation import rules
    from automation.digest import notice_text
    from automation.i18n import Renderer
    from budgets.alerts import deliverable_alerts
    from influencers.handles import PLATFORMS
    from influencers.models import DELIVERABLE_STATUSES, DELIVERABLE_TYPES, PAYMENT_STATUSES
    from influencers.queries import OverdueDeliverable

    renderer = Renderer(lang)
    shown = []
    # Every deliverable status, type and platform, in the notice automation.rules makes of budgets.alerts' alert
    combos = [(s, t, p) for s in DELIVERABLE_STATUSES for t in DELIVERABLE_TYPES for p in PLATFORMS]
    overdue = [OverdueDeliverable(i, "Ayu", "Kopi", t, p, "DUE", s, 3) for i, (s, t, p) in enumerate(combos)]
    for (status, type_, platform), alert in zip(combos, deliverable_alerts(overdue), strict=True):
        notice = rules.Notice(rules.DELIVERABLES, alert.kind, alert.severity, alert.template, alert.values)
        codes = {**alert.values, "type": type_, "platform": platform, "status": status}
        text = notice_text(renderer, notice)
        assert text == _page_text(monkeypatch, lang, alert.template, DELIVERABLE_KINDS, codes), (
            status,
            type_,
            platform,
        )
        shown.append(text)
    # Every payment status, in the overdue payment notice automation.rules.payment_notices writes
    for status in PAYMENT_STATUSES:
        values = {"influencer": "Ayu", "program": "Kopi", "id": 7, "amount": "Rp1", "due": "DUE", "status": status}
        notice = rules.Notice(rules.PAYMENTS, rules.PAYMENT_OVERDUE, "warning", rules.PAYMENT_TEMPLATE, values)
        text = notice_text(renderer, notice)
        assert text == _page_text(monkeypatch, lang, rules.PAYMENT_TEMPLATE, {"status": "payment_status"}, values)
        shown.append(text)
    assert len(shown) == len(combos) + len(PAYMENT_STATUSES)
    assert all(any(spot in text for text in shown) for spot in SPOT_CHECKS[lang][:3])
    assert not [text for text in shown if "_" in text], "a code reached the digest"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_digest_names_a_failed_sync_by_the_page_label_of_its_kind(
    lang: str, session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed runs of every platform sync and file import, through the real rule (automation.rules.sync_notices)."""
    import datetime as dt

    from automation import rules
    from automation.digest import notice_text
    from automation.i18n import Renderer
    from campaigns.models import SyncRun

    now = dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)
    kinds = sorted(_domain_codes()["sync_source"])
    for minutes, kind in enumerate(kinds):
        session.add(SyncRun(kind=kind, status="failed", started_at=now - dt.timedelta(minutes=10 + minutes), error="x"))
    session.flush()
    notices = rules.sync_notices(session, now, {})
    assert [n.values["source"] for n in notices] == list(reversed(kinds))  # the code, labelled when rendered
    renderer = Renderer(lang)
    shown = []
    for notice in notices:
        values = {**notice.values, "when": renderer.moment(notice.values["when"])}
        text = notice_text(renderer, notice)
        assert text == _page_text(monkeypatch, lang, rules.SYNC_TEMPLATE, {"source": "sync_source"}, values)
        shown.append(text)
    assert all(any(spot in text for text in shown) for spot in SPOT_CHECKS[lang][3:])
    assert not [text for text in shown if "_api" in text or "_file" in text or "_csv" in text]
