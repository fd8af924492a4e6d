"""Labels, not codes: every code the domain defines has a label in pages/components/terms.py, in both languages.

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
    from db.roles import ROLES
    from demo import workspace
    from finance import fx
    from influencers import fees, models

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
        "ad_platform": set(platforms.PLATFORMS),
        "program_status": set(models.PROGRAM_STATUSES),
        "deliverable_status": set(models.DELIVERABLE_STATUSES),
        "payment_status": set(models.PAYMENT_STATUSES),
        "fee_type": set(models.FEE_TYPES),
        "deliverable_type": set(models.DELIVERABLE_TYPES),
        "interaction_channel": set(models.INTERACTION_CHANNELS),
        "influencer_status": set(models.INFLUENCER_STATUSES),
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
