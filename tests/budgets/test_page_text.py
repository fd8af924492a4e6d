"""The Budgets page's typed text (a plan's reason, a proposal's why, a decision note): the text rule's removals are
said after the save, a control character is refused in words, never a traceback (AppTest on the demo)."""

from __future__ import annotations

from sqlalchemy import func, select

from budgets.models import BudgetChange, BudgetPlan
from db.engine import session_scope
from tests.budgets.test_pages import _campaign_id, _open

PLAN_CAMPAIGN = "ID | Harbolnas 12.12 | Leads"


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def test_a_plan_reason_with_bidi_controls_is_saved_clean_and_the_page_says_so(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    at.selectbox(key="budgets_plan_scope").select(f"campaign:{_campaign_id(PLAN_CAMPAIGN)}")
    at.text_input(key="budgets_plan_amount").input("50000000")
    at.text_input(key="budgets_plan_reason").input("Leads \u202epush\x1b[1m")
    at.button(key="budgets_plan_submit").click().run()
    assert not at.exception, at.exception
    assert "Plan saved." in _texts(at.success)
    notices = _texts(at.info)
    assert "Why: direction-changing (bidi) control characters were removed." in notices
    assert "Why: terminal escape sequences were removed." in notices
    with session_scope() as s:
        assert s.scalar(select(func.count()).where(BudgetPlan.notes == "Leads push")) == 1
    at.run()  # said once, after the save
    assert "were removed" not in _texts(at.info)


def test_a_control_character_in_a_proposal_is_refused_in_indonesian(demo_url: str, app_test) -> None:
    at = app_test(timeout=90)
    at.session_state["language"] = "id"
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user["is_logged_in"] = True
    at.user["email"] = "specialist@demo.pantau.example"
    at.run()
    at.switch_page("pages/budgets/budgets.py").run()
    assert not at.exception, at.exception
    with session_scope() as s:
        before = s.scalar(select(func.count(BudgetChange.id)))
    at.text_input(key="budgets_propose_amount").input("1000000")
    at.text_area(key="budgets_propose_reason").input("lebih\x00banyak")
    at.button(key="budgets_propose_submit").click().run()
    assert not at.exception, at.exception
    refusal = _texts(at.error)
    assert "U+0000" in refusal, refusal
    assert "karakter kontrol" in refusal, refusal
    with session_scope() as s:
        assert s.scalar(select(func.count(BudgetChange.id))) == before
