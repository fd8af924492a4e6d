"""The Budgets page's approvals through streamlit_app.py (AppTest): each proposal says what it approves, and a
manager is not offered their own proposal to approve (team mode); local mode says it is one person."""

from __future__ import annotations

from sqlalchemy import select

from budgets.models import BudgetChange, BudgetPlan
from campaigns.models import AdAccount, Campaign
from db.engine import session_scope
from tests.table_dates import assert_dated

MANAGER = "manager@demo.pantau.example"


def _open(app_test, *, email: str | None = None):
    at = app_test(timeout=90)
    if email:
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
        at.user["is_logged_in"] = True
        at.user["email"] = email
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/budgets/budgets.py").run()
    assert not at.exception, at.exception
    return at


def _demo_proposal() -> dict:
    with session_scope() as s:
        change = s.scalar(select(BudgetChange).where(BudgetChange.status == "proposed"))
        plan = s.get(BudgetPlan, change.budget_plan_id)
        campaign = s.get(Campaign, change.campaign_id)
        return {
            "id": change.id,
            "campaign": campaign.name,
            "account": s.get(AdAccount, campaign.account_id).name,
            "start": plan.period_start,
        }


def test_a_proposal_says_what_it_changes(demo_url: str, app_test) -> None:
    demo = _demo_proposal()
    at = _open(app_test, email=MANAGER)
    text = " ".join(m.value for m in at.markdown)
    assert "campaign:" not in text
    card = next(m.value for m in at.markdown if "Proposed by" in m.value)
    # Markdown escapes punctuation in names ("ID \| Payday"): compare with the escapes taken out.
    plain = card.replace("\\", "")
    assert f"Campaign “{demo['campaign']}” on {demo['account']} (Meta)" in plain
    assert "Plan amount for " in plain
    assert demo["start"].strftime("%b 1, %Y") in plain
    assert "→" in plain
    assert "IDR" in plain
    assert "Proposed by specialist@demo.pantau.example on " in plain
    assert "Why: Payday weekend: CPA is 30% under target, scale up" in plain
    # The manager did not propose it: approve is offered.
    assert f"budgets_approve_{demo['id']}" in {b.key for b in at.button}


def test_team_mode_hides_approve_on_ones_own_proposal_and_says_why(demo_url: str, app_test) -> None:
    demo = _demo_proposal()
    with session_scope() as s:
        s.get(BudgetChange, demo["id"]).proposed_by = MANAGER
    at = _open(app_test, email=MANAGER)
    keys = {b.key for b in at.button}
    assert f"budgets_approve_{demo['id']}" not in keys
    assert f"budgets_reject_{demo['id']}" in keys  # withdrawing one's own proposal stays possible
    assert [i.value for i in at.info if "four eyes" in i.value] == [
        f"{MANAGER} proposed this change; another manager must approve it (four eyes)."
    ]
    assert not any("Local mode: you are the only person" in c.value for c in at.caption)


def test_team_mode_in_bahasa_indonesia(demo_url: str, app_test) -> None:
    demo = _demo_proposal()
    with session_scope() as s:
        s.get(BudgetChange, demo["id"]).proposed_by = MANAGER
    at = app_test(timeout=90)
    at.session_state["language"] = "id"
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.user["is_logged_in"] = True
    at.user["email"] = MANAGER
    at.run()
    at.switch_page("pages/budgets/budgets.py").run()
    assert not at.exception, at.exception
    card = next(m.value for m in at.markdown if "Diusulkan oleh" in m.value).replace("\\", "")
    assert f"Kampanye “{demo['campaign']}” di {demo['account']} (Meta)" in card
    assert any("empat mata" in i.value for i in at.info)


def test_local_mode_approves_and_says_it_is_one_person(demo_url: str, app_test) -> None:
    demo = _demo_proposal()
    at = _open(app_test)
    assert any("Local mode: you are the only person" in c.value for c in at.caption)
    at.button(key=f"budgets_approve_{demo['id']}").click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        assert s.get(BudgetChange, demo["id"]).status == "approved"


def test_the_campaign_detail_history_names_what_changes(demo_url: str, app_test) -> None:
    with session_scope() as s:
        change = s.scalar(select(BudgetChange).where(BudgetChange.status == "proposed"))
        campaign_id = change.campaign_id
    at = _open(app_test)
    at.switch_page("pages/campaigns/campaigns.py").run()
    at.selectbox(key="campaigns_detail").select(campaign_id).run()
    assert not at.exception, at.exception
    table = next(d for d in at.dataframe if "Meta push" in d.value.columns)
    history = table.value
    assert list(history["What"]) == ["plan amount"]
    # A real moment (sorts by time) the browser shows in the locale's format and the workspace zone, never raw.
    assert assert_dated(table, "en", {"When": "datetime"}) == ["When"]
