"""The Programs page's Results tab: the program's cost per result next to its linked Meta campaigns, results per
collaboration, and the charts over time and per creator."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from influencers import charts, roi
from pages.components.charts import chart
from pages.components.i18n import _
from pages.components.influencer_forms import fmt
from pages.components.terms import COLUMN_LABELS, STAGE_LABELS, column_labels, term

METRICS = ("views", "engagements", "clicks", "conversions")


def results_tab(results: pd.DataFrame, summary: pd.DataFrame, over_time: pd.DataFrame) -> None:
    """The Results tab (read by every role that sees the page)."""
    if results.empty:
        st.info(_("Results appear once creators are in the program and their deliverables have results."))
        return
    st.subheader(_("Program"))
    st.dataframe(
        summary.map(fmt), hide_index=True, key="prog_results_summary", column_config=column_labels(summary.columns)
    )
    st.caption(
        _(
            "Creator cost = the fees and product value committed by creators at Contracted or later (the amounts "
            "the Budgets page and the marketing ledger count), plus commission earned on attributed revenue; "
            "fees still proposed to prospects, contacted or negotiating creators do not count. CPA of creators "
            "next to the CPA of the linked Meta campaigns; creator plus boost = creator cost + linked campaigns' "
            "spend in the program dates. n/a = not computable (missing or zero)."
        )
    )
    st.subheader(_("Per collaboration"))
    cols = ["influencer", "stage", "currency", *roi.ROI_COLUMNS]
    shown = results[cols].map(fmt)
    shown["stage"] = [term(STAGE_LABELS, s) for s in results["stage"]]
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
