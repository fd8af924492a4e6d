"""Refusals reach people in their language: "<field label>: <reason>" for form fields, translated domain errors."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError
from streamlit.testing.v1 import AppTest

from db.validation import PYDANTIC_REASONS, validation_messages


def _show() -> None:
    import streamlit as st

    from budgets.errors import BudgetError
    from db.errors import N_
    from db.roles import PermissionDenied
    from influencers.contacts import parse_contact
    from influencers.programs import CollaborationInput
    from pages.components.inputs import error_text

    refusals = []
    try:
        parse_contact({"name": "", "email": "not-an-email", "handles": {"instagram": "https://www.tiktok.com/@x"}})
    except ValueError as exc:
        refusals.append(error_text(exc))
    try:
        parse_contact({"name": "Ayu", "country": "Atlantis"})
    except ValueError as exc:
        refusals.append(error_text(exc, labels={"country": "Negara domisili"}))
    try:
        CollaborationInput.model_validate({"currency": "IDR", "fee_type": "commission"})
    except ValueError as exc:
        refusals.append(error_text(exc))
    refusals.append(error_text(BudgetError(N_("reason: say why the budget should change."))))
    refusals.append(error_text(PermissionDenied("viewer", "budget.propose")))
    st.session_state["refusals"] = refusals


def _run(language: str) -> list[str]:
    at = AppTest.from_function(_show, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception
    return at.session_state["refusals"]


def test_field_refusals_are_translated_with_their_field_labels() -> None:
    contact, country, collaboration, budget, permission = _run("id")
    assert "Nama: nama wajib diisi" in contact
    assert "Email: 'not-an-email' bukan alamat email yang valid" in contact
    assert "Instagram: alamat ini profil TikTok, bukan Instagram" in contact
    assert country == "Negara domisili: 'Atlantis' bukan negara (gunakan kode 2 huruf seperti ID atau SG)"
    assert "Komisi %: komisi perlu tarifnya dalam persen" in collaboration
    assert budget == "alasan: jelaskan mengapa anggaran perlu diubah."
    assert permission == "Peran Anda (viewer) tidak diizinkan melakukan ini."


def test_the_same_refusals_read_in_english() -> None:
    contact, country, collaboration, budget, permission = _run("en")
    assert "Name: a name is required" in contact
    assert "Instagram: the address is a TikTok profile, not Instagram" in contact
    assert country == "Negara domisili: 'Atlantis' is not a country (use a 2-letter code such as ID or SG)"
    assert "Commission %: a commission needs its rate in percent" in collaboration
    assert budget == "reason: say why the budget should change."
    assert permission == "Your role (viewer) is not permitted to do this."


class _Form(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    followers: int = Field(ge=0)


@pytest.mark.parametrize(
    ("data", "field", "template", "params"),
    [
        ({"followers": 1}, "name", PYDANTIC_REASONS["missing"], {}),
        ({"name": "abcdefgh", "followers": 1}, "name", PYDANTIC_REASONS["string_too_long"], {"max_length": "5"}),
        ({"name": "a", "followers": -1}, "followers", PYDANTIC_REASONS["greater_than_equal"], {"ge": "0"}),
        ({"name": "a", "followers": "many"}, "followers", PYDANTIC_REASONS["int_parsing"], {}),
    ],
)
def test_pydantic_error_types_map_to_translatable_reasons(data, field, template, params) -> None:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(data)
    message = validation_messages(caught.value)[field]
    assert message.text == template
    assert dict(message.params) == params


def test_chart_titles_follow_the_pages_language() -> None:
    import datetime as dt

    import pandas as pd

    from campaigns.charts import spend_conversions_chart
    from influencers.charts import cost_vs_conversions
    from pages.components import i18n

    daily = pd.DataFrame(
        {"date": [dt.date(2026, 11, 1)], "spend": [1.0], "conversions": [1.0], "cpa": [1.0], "roas": [1.0]}
    )
    indonesian = i18n._catalog("id")
    spec = str(spend_conversions_chart(daily, "IDR", translate=lambda s: indonesian.get(s, s)).to_dict())
    assert "Belanja" in spec
    assert "Spend (IDR)" not in spec
    assert "Spend (IDR)" in str(spend_conversions_chart(daily, "IDR").to_dict())
    per = pd.DataFrame({"influencer": ["Ayu"], "currency": ["IDR"], "cost": [1], "conversions": [1], "cpa": [1]})
    spec = str(cost_vs_conversions(per, translate=lambda s: indonesian.get(s, s)).to_dict())
    assert "Biaya (fee + nilai produk)" in spec
