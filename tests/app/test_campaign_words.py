"""What a manager reads on the Campaigns, Overview and Budgets pages (AppTest on the demo workspace): same-named
campaigns told apart, totals rows that cannot be added up, ROAS "—" without value tracking, one spent figure on
both pages, and "—" with the missing rates named instead of a 0. Nothing here depends on the date or the hour:
the periods are the pages' own defaults and the expected figures come from the same data."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from campaigns import performance
from campaigns.models import Campaign, CampaignInsight
from db.engine import session_scope
from db.models import Setting
from pages.components.data import clear_caches, month_bounds, today
from tests.pages import open_page

CAMPAIGNS, OVERVIEW, BUDGETS = "pages/campaigns/campaigns.py", "pages/overview/overview.py", "pages/budgets/budgets.py"


def _open(app_test, page: str, language: str | None = None):
    return open_page(app_test(timeout=90), page, language=language)


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def _full(metric) -> str:
    """A tile's exact amount: its help when the tile shows the compact form."""
    return metric.proto.help or metric.value


def _month_table():
    start, end = month_bounds(today())
    with session_scope() as s:
        return performance.campaign_performance(s, performance.CampaignFilters(start, end))


def test_same_named_campaigns_are_told_apart_in_the_table_the_picker_and_the_overview(demo_url, app_test) -> None:
    table = _month_table()
    table = table[table["spend"] > 0].copy()
    table["roas_sort"] = [float(v) if v is not None else 0.0 for v in table["roas"]]
    ranked = table.sort_values(["roas_sort", "spend"], ascending=[False, False])
    first, second = (int(i) for i in ranked["id"].head(2))  # the Overview's top two
    with session_scope() as s:
        a, b = s.get(Campaign, first), s.get(Campaign, second)
        other = s.scalar(select(Campaign).where(Campaign.account_id != a.account_id, Campaign.id != b.id).limit(1))
        same_account = s.scalar(
            select(Campaign).where(Campaign.account_id == a.account_id, Campaign.id.not_in([a.id, b.id])).limit(1)
        )
        for c in (a, b, other, same_account):
            c.name = "Payday"
        ids = {c.id: c.meta_id for c in (a, same_account)}
    at = _open(app_test, CAMPAIGNS)
    shown = at.dataframe(key="campaigns_table").value
    paydays = [v for v in shown["Campaign"] if v.startswith("Payday")]
    assert len(paydays) == 4
    assert len(set(paydays)) == 4
    assert all(v.startswith("Payday (") for v in paydays)
    for meta_id in ids.values():  # two in one account: the platform's id, in full
        assert any(v.endswith(f" · {meta_id})") for v in paydays), (meta_id, paydays)
    options = at.selectbox(key="campaigns_detail").options
    assert sorted(o for o in options if o.startswith("Payday")) == sorted(paydays)
    ov = _open(app_test, OVERVIEW)
    top = next(d.value for d in ov.dataframe if "Campaign" in d.value.columns)["Campaign"].tolist()  # top first
    assert all(name.startswith("Payday (") for name in top[:2]), top
    assert top[0] != top[1]
    assert set(top[:2]) <= set(paydays)  # one rule: the same label on both pages
    bu = _open(app_test, BUDGETS)  # the pacing chart's scope picker and the plans table
    for cur in bu.selectbox(key="budgets_chart_currency").options:
        bu.selectbox(key="budgets_chart_currency").select(cur).run()
        picked = [o for o in bu.selectbox(key="budgets_chart_scope").options if o.startswith("Payday")]
        assert len(set(picked)) == len(picked), picked
        assert all(o.startswith("Payday (") for o in picked), picked
    names = [n for n in _table(bu, "Remaining")["Name"] if n.startswith("Payday")]
    assert len(names) >= 2
    assert len(names) == len(set(names))
    assert all(n.startswith("Payday (") for n in names), names


def test_roas_is_a_dash_without_value_tracking_and_zero_only_when_tracked_value_is_zero(demo_url, app_test) -> None:
    at = _open(app_test, CAMPAIGNS)
    since, until = at.date_input(key="campaigns_period").value  # the page's own default dates
    with session_scope() as s:
        table = performance.campaign_performance(s, performance.CampaignFilters(since, until))
    untracked = table[(~table["value_tracked"]) & (table["spend"] > 0)]
    assert len(untracked), "the demo has campaigns that track no conversion value (leads, traffic)"
    tracked = table[table["value_tracked"] & (table["spend"] > 0)].iloc[0]
    with session_scope() as s:  # value tracking on (action_values listed) but nothing worth anything
        s.execute(
            update(CampaignInsight)
            .where(CampaignInsight.campaign_id == int(tracked["id"]), CampaignInsight.date.between(since, until))
            .values(conversion_value=Decimal(0), action_values=[{"action_type": "purchase", "value": "0"}])
        )
        tracked_name = s.get(Campaign, int(tracked["id"])).name
    clear_caches()  # the pages' cached reads of the first run
    at = _open(app_test, CAMPAIGNS)
    shown = at.dataframe(key="campaigns_table").value.set_index("id")
    for cid in untracked["id"]:
        assert shown.loc[int(cid), "ROAS"] == "—"
    assert shown.loc[int(tracked["id"]), "ROAS"] == "0.00", tracked_name
    assert "" not in set(shown["ROAS"])
    # The detail's ad sets follow the same rule.
    at.selectbox(key="campaigns_detail").set_value(int(untracked["id"].iloc[0])).run()
    assert not at.exception, at.exception
    adsets = _table(at, "Ad set")
    assert len(adsets)
    assert set(adsets["ROAS"]) == {"—"}


def test_totals_rows_say_per_currency_and_converted_in_bahasa_too(demo_url, app_test) -> None:
    at = _open(app_test, CAMPAIGNS)
    labels = _table(at, "Totals")["Totals"].tolist()
    assert labels == ["Total IDR", "Total SGD", "Total USD", "All currencies in IDR (converted)"]
    at = _open(app_test, CAMPAIGNS, language="id")
    labels = _table(at, "Total")["Total"].tolist()
    assert labels[-1] == "Semua mata uang dalam IDR (dikonversi)"
    assert labels[:-1] == ["Total IDR", "Total SGD", "Total USD"]


def test_overview_spend_is_the_budgets_pages_spent_for_the_month(demo_url, app_test) -> None:
    ov = _open(app_test, OVERVIEW)
    bu = _open(app_test, BUDGETS)
    currencies = bu.selectbox(key="budgets_chart_currency").options
    assert {"IDR", "USD"} <= set(currencies)
    for cur in currencies:
        bu.selectbox(key="budgets_chart_currency").select(cur).run()
        assert not bu.exception, bu.exception
        spent = _full(_metric(bu, f"Spent ({cur})"))
        assert _full(_metric(ov, f"Spend ({cur})")) == spent, cur
    # Per-currency tiles stay in their currency; the converted one says so.
    labels = [m.label for m in ov.metric]
    assert "Budget used (USD)" in labels
    assert "Budget used, all currencies in IDR" in labels


def test_missing_rates_show_a_dash_and_name_the_pair_to_enter_not_a_zero(demo_url, app_test) -> None:
    with session_scope() as s:  # the ECB publishes no VND rate and finance has none
        s.add(Setting(key="reporting_currency", value="VND"))
    for language, label, hint in (
        ("en", "Budget used, all currencies in VND", "on Exports → FX rates"),
        ("id", "Anggaran terpakai, semua mata uang dalam VND", "di Ekspor → Kurs valas"),
    ):
        ov = _open(app_test, OVERVIEW, language=language)
        assert _metric(ov, label).value == "—"
        captions = [c.value for c in ov.caption]
        assert any("IDR→VND" in c and hint in c and "VND→IDR" in c for c in captions), captions
    bu = _open(app_test, BUDGETS)
    assert bu.selectbox(key="budgets_chart_currency").value == "VND"
    values = {m.label: m.value for m in bu.metric}
    for tile in ("Planned (VND)", "Spent (VND)", "Projected (VND)", "Remaining (VND)"):
        assert values[tile] == "—"
    assert any("Enter" in c.value and "→VND rate" in c.value for c in bu.caption)


def test_remaining_adds_only_the_planned_scopes(demo_url, app_test) -> None:
    from budgets.overview import budget_overview
    from db.calendar import Period

    start, end = month_bounds(today())
    with session_scope() as s:
        results = budget_overview(s, Period(start, end)).results
    rows = [
        i
        for i in range(len(results))
        if results.scope_type[i] in ("campaign", "program") and results.currency[i] == "IDR"
    ]
    planned = [i for i in rows if results.planned[i] is not None]
    assert planned, "the demo has planned IDR scopes"
    assert len(planned) < len(rows), "and unplanned ones"
    want = sum((results.planned[i] - results.actual[i] for i in planned), Decimal(0))
    bu = _open(app_test, BUDGETS)
    from db.money import format_money

    assert _full(_metric(bu, "Remaining (IDR)")) == format_money(want, "IDR", "en_US")
    table = _table(bu, "Remaining")
    unplanned = table[(table["Planned"] == "") & (table["Currency"] == "IDR")]
    assert len(unplanned)
    assert set(unplanned["Remaining"]) == {""}
