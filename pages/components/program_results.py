"""The Programs page's Results tab: the program's cost per result next to its linked Meta campaigns, results per
collaboration, and the charts over time and per creator."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from influencers import charts, roi
from pages.components.charts import chart
from pages.components.i18n import _
from pages.components.money import money, number
from pages.components.terms import COLUMN_LABELS, STAGE_LABELS, column_labels, is_missing, term

METRICS = ("views", "engagements", "clicks", "conversions")
# How each figure of the results tables reads: an amount in the row's currency, a count, or a ratio (2 decimals).
MONEY = (
    "cost",
    "revenue",
    "cpm",
    "cpe",
    "cpc",
    "cpa",
    "creator_cost",
    "creator_cpa",
    "boost_spend",
    "boost_cpa",
    "creator_plus_boost",
    "combined_cpa",
)
COUNTS = ("impressions", "engagements", "clicks", "conversions", "creator_conversions", "boost_conversions")
RATIOS = ("roas",)
PERCENTS = ("engagement_rate",)


def _figure(column: str, value: Any, currency: str) -> Any:
    if is_missing(value):
        return ""  # not computable (missing or zero): a blank cell, never nan / None / n/a
    if column in MONEY:
        return money(value, currency)
    if column in COUNTS:
        return number(value)
    if column in RATIOS:
        return number(value, 2)
    if column in PERCENTS:
        return f"{number(value, 2)}%"
    return value


def results_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A results table as people read it, in the user's locale: amounts with the row's currency at its precision
    (`Rp1.250.000`), counts grouped (`12.500`), ROAS and engagement rate with two decimals, stages in words and
    every missing or not computable figure blank. The figures are whole, never cut."""
    shown = frame.astype(object).copy()
    currencies = [str(c) for c in frame["currency"]]
    for column in frame.columns:
        if column in ("currency", "influencer"):
            continue
        if column == "stage":
            shown[column] = [term(STAGE_LABELS, s) for s in frame[column]]
        else:
            shown[column] = [_figure(column, v, c) for v, c in zip(frame[column], currencies, strict=True)]
    return shown


def results_tab(results: pd.DataFrame, summary: pd.DataFrame, over_time: pd.DataFrame) -> None:
    """The Results tab (read by every role that sees the page)."""
    if results.empty:
        st.info(_("Results appear once creators are in the program and their deliverables have results."))
        return
    st.subheader(_("Program"))
    st.dataframe(
        results_text(summary),
        hide_index=True,
        key="prog_results_summary",
        column_config=column_labels(summary.columns),
    )
    st.caption(
        _(
            "Creator cost = the fees and product value committed by creators at Contracted or later (the amounts "
            "the Budgets page and the marketing ledger count), plus commission earned on attributed revenue; "
            "fees still proposed to prospects, contacted or negotiating creators do not count. CPA of creators "
            "next to the CPA of the linked Meta campaigns; creator plus boost = creator cost + linked campaigns' "
            "spend in the program dates. An empty cell cannot be computed (a figure is missing or zero)."
        )
    )
    st.subheader(_("Per collaboration"))
    cols = ["influencer", "stage", "currency", *roi.ROI_COLUMNS]
    shown = results_text(results[cols])
    st.dataframe(shown, hide_index=True, width="stretch", key="prog_results_table", column_config=column_labels(cols))
    if not over_time.empty:
        labels = {m: _(COLUMN_LABELS[m]) for m in METRICS}
        metric = st.selectbox(
            _("Metric over time"), METRICS, key="prog_results_metric", format_func=lambda m: labels[m]
        )
        chart(
            charts.results_over_time,
            over_time,
            metric,
            metric_label=labels[metric],
            width="stretch",
            key="prog_chart_time",
        )
    per_influencer = roi.rollup(results, ["influencer"])
    chart(charts.cost_vs_conversions, per_influencer, width="stretch", key="prog_chart_cost")
