"""Campaigns, Budgets and Overview through streamlit_app.py (AppTest) on the demo workspace."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import delete, select

from budgets.models import BudgetChange, BudgetPlan
from campaigns.models import Campaign
from db.engine import session_scope
from finance.models import FxRate
from tests.pages import open_page


def _open(app_test, path: str, *, email: str | None = None):
    return open_page(app_test(timeout=90), path, email=email)


def _table(at, column: str):
    """The dataframe showing `column` (display-only dataframes have no widget key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _campaign_id(name: str) -> int:
    with session_scope() as s:
        return s.scalar(select(Campaign.id).where(Campaign.name == name))


def _charts(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def test_campaigns_table_filters_and_detail(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/campaigns/campaigns.py")
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe(key="campaigns_table").value
    assert len(table) == 39  # 30 Meta, 6 TikTok, 3 Google Ads campaigns
    # IDR money without decimals, USD with cents, in each row's own currency.
    idr = table[table["Account"] == "Kopi Nusantara ID"]["Spend"]
    assert all(v.startswith("IDR") and "." not in v for v in idr)  # en_US: IDR1,250,000
    usd = table[table["Account"] == "Kopi Nusantara US"]["Spend"]
    assert all(v.startswith("$") and v[-3] == "." for v in usd)
    # The scatter (one currency at a time) carries the selection params the page reads.
    scatter = _charts(at)[0]
    assert {p["name"] for p in scatter["params"]} == {"pick", "area"}

    at.text_input(key="campaigns_search").input("payday").run()
    names = at.dataframe(key="campaigns_table").value["Campaign"]
    assert len(names) == 3
    assert all("Payday" in n for n in names)

    at.selectbox(key="campaigns_detail").select(_campaign_id("ID | Payday 25 | Sales")).run()
    assert not at.exception, at.exception
    assert "Spend vs conversions per day" in [s.value for s in at.subheader]
    specs = _charts(at)
    daily = next(s for s in specs if s.get("resolve") == {"scale": {"y": "independent"}} and "params" in s)
    assert [layer["mark"]["type"] for layer in daily["layer"]] == ["bar", "line"]
    sources = " ".join(m.value for m in at.markdown)
    assert "Conversions counted" in sources
    assert "provisional" in sources


def test_budgets_shows_tiles_table_alerts_and_the_demo_proposal(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    assert not at.error, [e.value for e in at.error]
    # The demo has FX rates: one set of tiles in the reporting currency, the accounts' main currency (IDR: the
    # Meta, TikTok and Google rupiah accounts spend the most).
    labels = [m.label for m in at.metric]
    assert labels[:4] == ["Planned (IDR)", "Spent (IDR)", "Projected (IDR)", "Remaining (IDR)"]
    assert not any("(USD)" in label for label in labels)
    table = _table(at, "Platform budget")
    assert {"Planned", "Platform budget", "Committed", "Spent", "Projected", "Status", "Flags"} <= set(table.columns)
    assert "No plan" in set(table["Status"])
    alerts = " ".join(m.value for m in at.markdown)
    assert "with no budget plan" in alerts
    assert "Deliverable overdue" in alerts
    assert any(b.key.startswith("budgets_approve_") for b in at.button)


def test_budget_tiles_fall_back_to_each_currency_without_fx_rates(demo_url: str, app_test) -> None:
    with session_scope() as s:
        s.execute(delete(FxRate))
    at = _open(app_test, "pages/budgets/budgets.py")
    # Without rates nothing is converted: each currency is its own view, picked in the one currency select.
    assert at.selectbox(key="budgets_chart_currency").options == ["IDR", "SGD", "USD"]
    for cur in ("IDR", "SGD", "USD"):
        at.selectbox(key="budgets_chart_currency").select(cur).run()
        assert not at.exception, at.exception
        labels = [m.label for m in at.metric]
        assert labels[:4] == [f"Planned ({cur})", f"Spent ({cur})", f"Projected ({cur})", f"Remaining ({cur})"]


def test_budgets_charts_every_currency_with_tiles_on_the_same_scope(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    box = at.selectbox(key="budgets_chart_currency")
    assert box.value == "IDR"  # the reporting currency first
    assert set(box.options) == {"IDR", "SGD", "USD"}
    caption = " ".join(c.value for c in at.caption)
    assert "All currencies converted to IDR" in caption
    at.selectbox(key="budgets_chart_currency").select("USD").run()
    assert not at.exception, at.exception
    assert [m.label for m in at.metric][:4] == ["Planned (USD)", "Spent (USD)", "Projected (USD)", "Remaining (USD)"]
    chart = next(c for c in _charts(at) if "layer" in c and c["layer"][0]["mark"]["type"] == "line")
    lines = chart["layer"][0]
    assert lines["encoding"]["y"]["title"] == "Cumulative spend (USD)"
    assert "Plan" in lines["encoding"]["color"]["scale"]["domain"]
    assert not any("Solid: actual" in c.value for c in at.caption)
    assert chart["layer"][1]["mark"]["type"] == "rule"  # the plan line, named in the legend
    # One campaign: the tiles follow the scope picked for the chart and equal its row in the table.
    scope = at.selectbox(key="budgets_chart_scope")
    name = scope.options[1]
    at.selectbox(key="budgets_chart_scope").set_value(f"campaign:{_campaign_id(name)}").run()
    assert not at.exception, at.exception
    row = _table(at, "Platform budget").set_index("Name").loc[name]
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["Planned (USD)"], tiles["Spent (USD)"]) == (row["Planned"], row["Spent"])
    chart = next(c for c in _charts(at) if "layer" in c and c["layer"][0]["mark"]["type"] == "line")
    assert chart["layer"][0]["encoding"]["y"]["title"] == "Cumulative spend (USD)"


def test_propose_and_approve_a_change_through_the_ui(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    plan_box = at.selectbox(key="budgets_propose_plan")
    plan_id = plan_box.options and plan_box.value
    with session_scope() as s:
        plan = s.get(BudgetPlan, plan_id)
        old = plan.amount
        new = (old + 1000).quantize(Decimal(1))
    at.text_input(key="budgets_propose_amount").input(str(new))
    at.text_area(key="budgets_propose_reason").input("Strong CPA in week 3")
    at.button(key="budgets_propose_submit").click().run()
    assert not at.exception, at.exception
    assert any("Change proposed" in s.value for s in at.success)
    with session_scope() as s:
        change = s.scalar(select(BudgetChange).where(BudgetChange.reason == "Strong CPA in week 3"))
        assert change.status == "proposed"
        assert change.old_amount == old
        change_id = change.id
    at.text_input(key=f"budgets_note_{change_id}").input("OK for this month")
    at.button(key=f"budgets_approve_{change_id}").click().run()
    assert not at.exception, at.exception
    assert any("approved" in s.value for s in at.success)
    with session_scope() as s:
        assert s.get(BudgetPlan, plan_id).amount == new
        change = s.get(BudgetChange, change_id)
        assert change.status == "approved"
        assert change.decision_note == "OK for this month"
    history = _table(at, "Decided by")
    assert "Strong CPA in week 3" in set(history["Why"])


def test_bad_amount_is_a_clear_message(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    at.text_input(key="budgets_propose_amount").input("lots")
    at.text_area(key="budgets_propose_reason").input("why not")
    at.button(key="budgets_propose_submit").click().run()
    assert not at.exception, at.exception
    # Refused under the field as it is typed (db.parse.parse_amount), and nothing is proposed.
    assert [e.value for e in at.error] == ["New amount: lots is not an amount; type it like 50,000,000."]
    assert not at.success


def test_manager_sets_a_plan_through_the_ui(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py")
    at.selectbox(key="budgets_plan_scope").select(f"campaign:{_campaign_id('ID | Harbolnas 12.12 | Leads')}")
    at.text_input(key="budgets_plan_amount").input("50000000")
    at.text_input(key="budgets_plan_reason").input("Plan for the leads push")
    at.button(key="budgets_plan_submit").click().run()
    assert not at.exception, at.exception
    assert any("Plan saved" in s.value for s in at.success)
    with session_scope() as s:
        plan = s.scalar(select(BudgetPlan).where(BudgetPlan.notes == "Plan for the leads push"))
        assert plan.amount == Decimal(50_000_000)
        assert plan.currency == "IDR"


def test_specialist_proposes_but_cannot_approve_and_viewer_only_reads(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/budgets/budgets.py", email="specialist@demo.pantau.example")
    keys = {b.key for b in at.button}
    assert "budgets_propose_submit" in keys
    assert not any(k.startswith("budgets_approve_") for k in keys)
    assert "budgets_plan_submit" not in keys
    at = _open(app_test, "pages/budgets/budgets.py", email="viewer@demo.pantau.example")
    assert [t.value for t in at.title] == ["Budgets"]
    assert not [b.key for b in at.button if b.key and b.key.startswith("budgets_")]


def test_overview_this_month(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/overview/overview.py")
    assert not at.error, [e.value for e in at.error]
    labels = [m.label for m in at.metric]
    assert "Campaigns" in labels
    assert "Spend (IDR)" in labels
    assert "Budget used (USD)" in labels
    assert "ROAS (USD)" in labels
    subheaders = [s.value for s in at.subheader]
    assert "Top campaigns by ROAS" in subheaders
    assert "Bottom campaigns by ROAS" in subheaders
    assert "Alerts" in subheaders
    assert any(c.value.startswith("Last sync: demo workspace, success, ") for c in at.caption), [
        c.value for c in at.caption
    ]
    top = at.dataframe[0].value
    assert len(top) == 5


def test_campaigns_and_budgets_open_on_the_default_range(demo_url: str, app_test) -> None:
    """Both pages call db.calendar.default_range on the workspace's today (the rule is tested on a fake clock in
    tests/budgets/test_day_one.py)."""
    from db.calendar import default_range, workspace_today

    with session_scope() as s:
        expected = default_range(workspace_today(s))
    at = _open(app_test, "pages/campaigns/campaigns.py")
    assert tuple(at.date_input(key="campaigns_period").value) == (expected.start, expected.end)
    at.switch_page("pages/budgets/budgets.py").run()
    at.segmented_control(key="budgets_period_kind").set_value("custom").run()
    assert not at.exception, at.exception
    assert tuple(at.date_input(key="budgets_custom_period").value) == (expected.start, expected.end)


def _recognised_fees_this_month() -> dict[str, Decimal]:
    """Per currency: influencer fees recognised this month on completed days, as influencers.fees defines them (the
    Budgets page's "Spent" of programs)."""
    import datetime as dt

    from db.calendar import workspace_today
    from influencers import fees

    with session_scope() as s:
        today = workspace_today(s)
        start = today.replace(day=1)
        out: dict[str, Decimal] = {}
        for a in fees.fee_amounts(s, start, today - dt.timedelta(days=1)):
            if a.kind == fees.RECOGNISED and a.channel == fees.CHANNEL_FEES:
                out[a.currency] = out.get(a.currency, Decimal(0)) + a.amount
        return out


def test_overview_names_its_fees_recognised_and_they_are_the_fees_modules(demo_url: str, app_test) -> None:
    """The Overview's per-currency line shows the fees recognised this month (not paid ones) and says so."""
    from db.money import format_money

    expected = _recognised_fees_this_month()
    at = _open(app_test, "pages/overview/overview.py")
    captions = [c.value for c in at.caption]
    for cur in ("IDR", "USD", "SGD"):
        amount = format_money(expected.get(cur, Decimal(0)), cur, "en_US")
        assert any(c.endswith(f", {amount} influencer fees recognised") for c in captions), (cur, amount, captions)
    assert not [c for c in captions if "fees paid" in c], captions
    at.selectbox(key="auth_language").set_value("id").run()
    at.switch_page("pages/overview/overview.py").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    usd = format_money(expected.get("USD", Decimal(0)), "USD", "id_ID")
    assert any(c.endswith(f", {usd} fee influencer diakui") for c in captions), (usd, captions)
    assert not [c for c in captions if "dibayar" in c], captions
