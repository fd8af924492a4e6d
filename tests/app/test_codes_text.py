"""Codes in domain messages ("use one of {choices}") read as labels on pages and as codes on the command line."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ValidationError
from streamlit.testing.v1 import AppTest

from db.errors import Codes, Message

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("db", "campaigns", "influencers", "budgets", "finance", "demo", "automation")


class _Choice(BaseModel):
    fee_type: Literal["flat", "commission"]
    colour: Literal["red", "blue"] = "red"


def _show() -> None:
    import streamlit as st
    from pydantic import ValidationError

    from db.errors import DomainError
    from db.users import _check_role
    from finance.fx import _check_policy
    from influencers.contacts import add_interaction
    from influencers.deliverables import DeliverableInput
    from influencers.programs import CollaborationInput
    from pages.components.inputs import error_text
    from tests.app.test_codes_text import _Choice

    shown = []
    for attempt in (
        lambda: CollaborationInput.model_validate({"currency": "IDR", "fee_type": "barter"}),
        lambda: DeliverableInput.model_validate({"platform": "myspace", "type": "post"}),
        lambda: _check_policy("nearest"),
        lambda: _check_role("owner"),
        lambda: add_interaction(None, None, 1, "fax", "hi"),  # type: ignore[arg-type]
        lambda: _Choice.model_validate({"fee_type": "barter", "colour": "green"}),
    ):
        try:
            attempt()
        except (DomainError, ValidationError) as exc:
            shown.append(error_text(exc))
        except Exception as exc:  # a refusal we did not expect: shown so the test names it
            shown.append(f"{type(exc).__name__}: {exc}")
    st.session_state["shown"] = shown


def _run(language: str, monkeypatch) -> list[str]:
    from influencers import contacts

    # add_interaction checks the role and the influencer before the fields: let both pass for this test
    monkeypatch.setattr(contacts, "require", lambda actor, permission: None)
    monkeypatch.setattr(contacts, "get_influencer", lambda session, influencer_id: None)
    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    return at.session_state["shown"]


def test_codes_read_as_labels_in_bahasa_indonesia(monkeypatch) -> None:
    fee, deliverable, policy, role, channel, literal = _run("id", monkeypatch)
    assert "gunakan salah satu dari fee tetap, per deliverable, komisi, hanya produk" in fee, fee
    assert "Platform: gunakan salah satu dari Instagram, TikTok, YouTube" in deliverable, deliverable
    assert "Lainnya" in deliverable
    assert policy.startswith("Kebijakan kurs valas 'nearest' tidak dikenal; gunakan salah satu dari "), policy
    assert "'owner'" in role, role
    assert "spesialis" in role, role
    assert "specialist" not in role, role
    assert "'fax' bukan saluran; gunakan salah satu dari Email, Pesan langsung" in channel, channel
    # a Literal field named after a label map lists its labels; any other lists its codes as they are
    assert "gunakan salah satu dari fee tetap, komisi" in literal, literal
    assert "gunakan salah satu dari red, blue" in literal, literal
    for text in (fee, deliverable, policy, role, channel, literal):
        assert "product_only" not in text, text
        assert "per_deliverable" not in text, text


def test_codes_read_as_english_labels_in_english(monkeypatch) -> None:
    fee, deliverable, policy, role, channel, literal = _run("en", monkeypatch)
    assert "admin, manager, specialist, finance, viewer" in role, role
    assert "use one of flat fee, per deliverable, commission, product only" in fee, fee
    assert "Other" in deliverable
    assert "'nearest'" in policy, policy
    assert "_" not in policy.split("use one of")[1], policy
    assert "use one of Email, Direct message, WhatsApp, Call, Meeting, Other" in channel, channel
    assert "use one of flat fee, commission" in literal, literal


def test_the_command_line_shows_the_codes() -> None:
    from influencers.programs import CollaborationInput

    with pytest.raises(ValidationError) as info:
        CollaborationInput.model_validate({"currency": "IDR", "fee_type": "barter"})
    assert "flat, per_deliverable, commission, product_only" in str(info.value)
    message = Message("use one of {choices}", {"choices": Codes("fee_type", ("flat", "commission"))})
    assert str(message) == "use one of flat, commission"
    translated = message.render(lambda text: "pakai {choices}", lambda kind, code: f"<{kind}:{code}>")
    assert translated == "pakai <fee_type:flat>, <fee_type:commission>"


def _codes_kinds() -> set[str]:
    """The kind of every `Codes("kind", ...)` the domain packages write (db/errors.py reads stored ones back and
    db/validation.py names its kind after the pydantic field, tested above)."""
    kinds: set[str] = set()
    for package in DOMAIN:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "Codes"
                    and path.name not in ("validation.py", "errors.py")
                ):
                    first = node.args[0]
                    assert isinstance(first, ast.Constant), f"{path}: Codes needs its kind written out"
                    kinds.add(first.value)
    return kinds


def test_every_codes_kind_has_a_label_map() -> None:
    from pages.components.terms import LABEL_MAPS

    kinds = _codes_kinds()
    assert {"fee_type", "platform", "fx_policy", "role", "language", "interaction_channel"} <= kinds
    assert not sorted(kinds - set(LABEL_MAPS))


def test_a_message_stored_as_data_comes_back_whole() -> None:
    import json

    inner = Message("use one of {choices}", {"choices": Codes("fee_type", ("flat", "commission"))})
    message = Message("{account}: {error}", {"account": "Toko", "error": inner, "count": 3, "when": None})
    stored = json.loads(json.dumps(message.to_data()))  # what a JSON column gives back
    again = Message.from_data(stored)
    assert again == message
    assert again.render(None, lambda kind, code: f"<{code}>") == "Toko: use one of <flat>, <commission>"


def test_amounts_in_messages_read_as_the_reader_writes_money(monkeypatch) -> None:
    import json
    from decimal import Decimal

    from db.errors import Amount

    message = Message(
        "{amount} is more than {fee}",
        {"amount": Amount(Decimal("1500000.0000"), "IDR"), "fee": Amount(Decimal("2.5"), "USD")},
    )
    assert message.render() == "1500000 IDR is more than 2.50 USD"  # the command line: plain amounts and codes
    again = Message.from_data(json.loads(json.dumps(message.to_data())))
    assert again == message

    def _show() -> None:
        import streamlit as st

        from pages.components.inputs import message_text

        st.session_state["shown"] = message_text(st.session_state["message"])

    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = "id"
    at.session_state["message"] = message
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["shown"] == "Rp1.500.000 is more than US$2,50"


def test_platform_budget_target_and_export_refusals_list_labels() -> None:
    """Pages render these refusals' choices through the label maps; the command line keeps the codes."""
    from campaigns.platforms import UnknownPlatform, platform_code
    from finance.exports.context import ExportError
    from finance.exports.registry import get_spec
    from pages.components.terms import code_label

    with pytest.raises(UnknownPlatform) as platform:
        platform_code("myspace")
    with pytest.raises(ExportError) as export:
        get_spec("everything")
    shown = platform.value.message.render(None, code_label)
    assert "Meta, TikTok, Google Ads, LinkedIn" in shown, shown
    assert "meta, tiktok, google, linkedin" in str(platform.value)
    shown = export.value.message.render(None, code_label)
    assert "Marketing ledger" in shown, shown
    assert "marketing-spend" not in shown, shown
    assert "marketing-spend" in str(export.value)
