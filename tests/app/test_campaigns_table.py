"""The Campaigns table, formatted a column at a time, shows what formatting each cell on its own shows.

The expected cells are built here the way the page built them before (one `format_money` / `format_number` and one
catalog lookup per cell) from the same query, in English and in Bahasa Indonesia.
"""

from __future__ import annotations

import pytest

from budgets.overview import campaign_statuses
from campaigns import performance
from db.calendar import Period
from db.engine import session_scope
from db.money import format_money, format_number
from pages.components.data import month_bounds
from pages.components.i18n import BABEL_LOCALES, _catalog
from pages.components.terms import AD_PLATFORM_LABELS, CAMPAIGN_STATUS_LABELS, OBJECTIVE_LABELS, PACING_LABELS


def _words(lang: str):
    catalog = _catalog(lang) if lang != "en" else {}
    return lambda message: catalog.get(message, message)


def _expected(since, until, today, lang: str) -> list[dict[str, str]]:
    t = _words(lang)
    locale = BABEL_LOCALES[lang]
    with session_scope() as session:
        rows = performance.campaign_performance(session, performance.CampaignFilters(since, until))
        statuses = campaign_statuses(session, Period(*month_bounds(today)))

    def word(labels: dict[str, str], code) -> str:
        return "" if code is None else t(labels[code]) if code in labels else str(code)

    def budget(row) -> str:
        if row.budget is None or row.budget_type is None:
            return ""
        kind = t("daily") if row.budget_type == "daily" else t("lifetime")
        level = t("campaign") if row.budget_level == "campaign" else t("ad sets")
        amount = format_money(row.budget, row.currency, locale)
        return t("{amount} {kind} ({level})").format(amount=amount, kind=kind, level=level)

    return [
        {
            t("Platform"): word(AD_PLATFORM_LABELS, r.platform),
            t("Status"): word(CAMPAIGN_STATUS_LABELS, r.status),
            t("Objective"): word(OBJECTIVE_LABELS, r.objective),
            t("Spend"): format_money(r.spend, r.currency, locale),
            t("Impressions"): format_number(r.impressions, locale),
            t("Clicks"): format_number(r.clicks, locale),
            t("CTR"): "" if r.ctr is None else f"{format_number(r.ctr, locale, 2)}%",
            t("Conversions"): format_number(r.conversions, locale),
            t("CPA"): "" if r.cpa is None else format_money(r.cpa, r.currency, locale),
            t("Conversion value"): format_money(r.conversion_value, r.currency, locale),
            t("ROAS"): "—" if r.roas is None else format_number(r.roas, locale, 2),
            t("Budget"): budget(r),
            t("Pacing (this month)"): word(PACING_LABELS, statuses.get(r.id)) if statuses.get(r.id) else "",
        }
        for r in rows.itertuples()
    ]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_campaigns_table_shows_each_cell_as_formatting_it_alone_does(demo_url: str, app_test, lang: str) -> None:
    from pages.components.data import today

    at = app_test(timeout=90)
    at.run()
    assert not at.exception, at.exception
    if lang != "en":
        at.selectbox(key="auth_language").set_value(lang).run()
    at.switch_page("pages/campaigns/campaigns.py").run()
    assert not at.exception, at.exception
    since, until = at.date_input(key="campaigns_period").value
    shown = at.dataframe(key="campaigns_table").value
    expected = _expected(since, until, today(), lang)
    assert len(shown) == len(expected) > 30
    columns = list(expected[0])
    assert [{c: row[c] for c in columns} for row in shown.to_dict("records")] == expected
    # the formats the table is read for: rupiah grouped by dots in Bahasa, dollars with cents in English
    spend = shown[_words(lang)("Spend")]
    if lang == "id":
        assert any(v.startswith("Rp") and "." in v for v in spend)
    else:
        assert any(v.startswith("$") and "." in v for v in spend)
