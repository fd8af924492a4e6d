"""The Programs page of the demo workspace as an Indonesian specialist reads it: every table holds real dates
shown in the language's format (`i18n.date_column`; never ISO text), blanks for missing values (never
nan/None/NaT), codes as labels; and the objective choice offers each label once."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis.strategies import decimals, lists, one_of, sampled_from, text

from pages.components.terms import OBJECTIVE_LABELS
from tests.influencers.conftest import PROGRAM_TABS, program_tab
from tests.pages import open_page
from tests.table_dates import assert_dated

PROGRAMS = "pages/programs/programs.py"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MISSING = {"nan", "none", "nat", "<na>", "n/a"}


def _cells(at, language: str) -> list[tuple[str, str, str]]:
    """(the table's first columns, column, cell text) of every table on the page, as shown; date columns are
    checked to hold dates shown in `language`'s format and are left out (the browser writes them)."""
    out = []
    times = {"at": "datetime", "stage_changed_at": "datetime"}
    for element in at.dataframe:
        frame = element.value
        table = ",".join(map(str, frame.columns[:3]))
        dated = assert_dated(element, language, times)
        out.extend((table, column, "<date>") for column in dated)
        for column in frame.columns:
            if str(column) not in dated:
                out.extend((table, str(column), str(v)) for v in frame[column])
    return out


@pytest.mark.parametrize("language", ["id", "en"])
def test_programs_tables_show_dates_for_people_and_no_missing_words(demo_url, app_test, language: str) -> None:
    at = open_page(app_test(), PROGRAMS, language=language)
    seen: list[tuple[str, str, str]] = _cells(at, language)
    for code in PROGRAM_TABS:
        seen += _cells(program_tab(at, code), language)
    dated = {column for _, column, cell in seen if cell == "<date>"}
    assert {"start_date", "contract_date", "due_date", "paid_date", "at"} <= dated, dated
    columns = {column for _, column, _ in seen}
    assert "stage" in columns, columns
    iso = [cell for cell in seen if ISO_DATE.search(cell[2])]
    assert not iso, iso[:10]
    missing = [cell for cell in seen if cell[2].strip().lower() in MISSING]
    assert not missing, missing[:10]
    # Codes read as labels: a stage, fee type, status, platform or deliverable type is never shown as its code.
    from pages.components.terms import LABEL_MAPS, label

    kinds = {
        "stage": ("stage",),
        "from_stage": ("stage",),
        "to_stage": ("stage",),
        "fee_type": ("fee_type",),
        "status": ("program_status", "deliverable_status", "payment_status"),
        "type": ("deliverable_type",),
        "platform": ("platform",),
        "method": ("payment_method",),
    }
    codes = [
        cell
        for cell in seen
        for kind in kinds.get(cell[1], ())
        if cell[2] in LABEL_MAPS[kind] and label(kind, cell[2]) != cell[2]
    ]
    assert not codes, codes[:10]


def _english() -> tuple[dict[str, str], list[str]]:
    """The catalog's English texts that Bahasa Indonesia writes otherwise: (whole label -> its translation, the
    sentences of four words or more, placeholders cut out, that must not appear inside a text)."""
    from pages.components.i18n import _catalog

    changed = {msgid: text for msgid, text in _catalog("id").items() if text.strip() != msgid.strip()}
    sentences = []
    for msgid in changed:
        for part in re.split(r"\{[^}]*\}", msgid):
            if len(part.split()) >= 4:
                sentences.append(part.strip())
    return changed, sentences


def _words(at) -> tuple[list[str], list[str]]:
    """(labels: column headers, widget labels and options, tabs; texts: captions, notices, headings, help)."""
    labels, texts = [], []
    for element in at.dataframe:
        labels += [c.get("label", "") for c in json.loads(element.proto.columns or "{}").values()]
    for kind in ("selectbox", "multiselect", "text_input", "text_area", "date_input", "checkbox", "button"):
        for element in at.get(kind):
            labels.append(str(element.label))
            texts.append(str(getattr(element, "help", "") or ""))
            texts.append(str(getattr(element, "placeholder", "") or ""))
            if kind in ("selectbox", "multiselect"):
                labels += [str(o) for o in element.options]
    labels += [str(t.label) for t in at.tabs]
    for kind in ("caption", "info", "warning", "error", "success", "subheader", "header", "title", "markdown"):
        texts += [str(e.value) for e in at.get(kind)]
    return [w for w in labels if w], [t for t in texts if t]


def test_programs_page_in_bahasa_has_no_english_left(demo_url, app_test) -> None:
    changed, sentences = _english()
    at = open_page(app_test(), PROGRAMS, language="id")
    found = set()
    for code in PROGRAM_TABS:
        labels, texts = _words(program_tab(at, code))
        found |= {(code, w) for w in labels if w in changed}
        found |= {(code, s) for t in texts for s in sentences if s in t}
    assert not found, sorted(found)


@pytest.mark.parametrize("language", ["id", "en"])
def test_finance_reads_the_program_tab_with_dates_for_people(demo_url, app_test, language: str) -> None:
    at = open_page(app_test(), PROGRAMS, language=language, email="finance@demo.pantau.example")
    at = program_tab(at, "program")
    table = next(e.value for e in at.dataframe if len(e.value.columns) == 2 and len(e.value) > 10)
    values = [str(v) for v in table.iloc[:, 1]]
    assert not [v for v in values if ISO_DATE.search(v) or v.lower() in MISSING], values
    start = re.compile(r"^\d{1,2} \w{3} \d{4}$" if language == "id" else r"^\w{3} \d{1,2}, \d{4}$")
    assert sum(bool(start.match(v)) for v in values) == 2, values  # start and end date, as date_text writes them


CAMPAIGNS = "pages/campaigns/campaigns.py"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_objective_choice_offers_each_label_once(demo_url, app_test, language: str) -> None:
    from pages.components.i18n import _catalog

    at = open_page(app_test(), CAMPAIGNS, language=language)
    picker = at.multiselect(key="campaigns_objectives")
    words = [str(o) for o in picker.options]
    assert words
    assert len(words) == len(set(words)), words
    translated = {c: (_catalog("id").get(t, t) if language == "id" else t) for c, t in OBJECTIVE_LABELS.items()}
    assert set(words) <= set(translated.values()), words  # labels, never codes
    # The demo holds Meta's OUTCOME_APP_PROMOTION and TikTok's APP_PROMOTION: one option, "App promotion", and
    # choosing it lists the campaigns of both.
    app = translated["APP_PROMOTION"]
    assert translated["OUTCOME_APP_PROMOTION"] == app
    assert words.count(app) == 1
    picker.select("APP_PROMOTION").run()  # the option keeps its label's first code
    assert not at.exception, at.exception
    objective, platform = ("Tujuan", "Platform") if language == "id" else ("Objective", "Platform")
    table = next(e.value for e in at.dataframe if {"id", objective, platform} <= set(e.value.columns))
    assert set(table[objective]) == {app}, set(table[objective])
    assert {"Meta", "TikTok"} <= set(table[platform]), set(table[platform])


@given(
    codes=lists(
        one_of(sampled_from(sorted(OBJECTIVE_LABELS)), text()),
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None)
def test_label_groups_offer_each_label_once_and_keep_every_code(codes: list[str]) -> None:
    from pages.components.terms import label, label_groups

    groups = label_groups("objective", codes)
    assert len(groups) == len(set(groups))
    flat = [code for group in groups.values() for code in group]
    assert sorted(flat) == sorted(set(codes))  # every code once, under exactly one label
    for word, group in groups.items():
        assert {label("objective", code) for code in group} == {word}


@given(rate=decimals(min_value=0, max_value=100, places=6, allow_nan=False))
@settings(max_examples=150, deadline=None)
@pytest.mark.parametrize("locale", ["id_ID", "en_US"])
def test_a_commission_rate_reads_whole_in_the_users_locale(locale: str, rate: Decimal) -> None:
    from babel.numbers import parse_decimal

    from pages.components import program_inputs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(program_inputs, "current_locale", lambda: locale)
        shown = program_inputs.percent_text(rate)
    assert shown.endswith("%")
    assert parse_decimal(shown[:-1], locale=locale, strict=True) == rate  # never rounded or cut
    if locale == "id_ID" and rate != rate.to_integral_value():
        assert "," in shown  # 7,5% in Bahasa Indonesia
    assert program_inputs.percent_text(None) == ""


def test_an_empty_program_reads_in_bahasa(demo_url, app_test) -> None:
    from db.engine import session_scope
    from influencers.programs import create_program
    from pages.components.i18n import _catalog
    from tests.influencers.conftest import SPECIALIST

    with session_scope(demo_url) as s:
        program_id = create_program(s, SPECIALIST, {"name": "Program Kosong", "currency": "IDR"}).id
    changed, sentences = _english()
    at = open_page(app_test(), PROGRAMS, language="id")
    at.session_state["prog_select"] = program_id
    notices = []
    found = set()
    for code in PROGRAM_TABS:
        program_tab(at, code)
        notices += [str(e.value) for e in at.info]
        labels, texts = _words(at)
        found |= {(code, w) for w in labels if w in changed}
        found |= {(code, s) for t in texts for s in sentences if s in t}
    assert not found, sorted(found)
    for english in (
        "No creators in this program yet. Add one below.",
        "No collaborations yet: add creators on the Pipeline tab.",
        "No deliverables yet. Add the content each creator owes below.",
        "No payments yet. Add one for a contracted creator below.",
        "Results appear once creators are in the program and their deliverables have results.",
    ):
        assert _catalog("id")[english] in notices, (english, notices)


def test_a_chosen_objective_survives_a_language_switch(demo_url, app_test) -> None:
    at = open_page(app_test(), CAMPAIGNS, language="en")
    at.multiselect(key="campaigns_objectives").select("APP_PROMOTION").run()
    at.session_state["language"] = "id"
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="campaigns_objectives").value == ["APP_PROMOTION"]
    table = next(e.value for e in at.dataframe if {"id", "Tujuan"} <= set(e.value.columns))
    assert set(table["Tujuan"]) == {"Promosi aplikasi"}


def test_figures_of_the_creator_tables_read_in_the_users_locale_and_blank_when_missing() -> None:
    import numpy as np

    from pages.components import influencer_forms, money

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(money, "current_locale", lambda: "id_ID")
        shown = [influencer_forms.fmt(v) for v in (None, float("nan"), Decimal("NaN"), np.int64(12345))]
        ratio = influencer_forms.fmt(Decimal("1234.5"))
    assert shown == ["", "", "", "12.345"]
    assert ratio == "1.234,50"
