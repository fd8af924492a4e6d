"""Altair chart builders for influencer programs (pure: DataFrame in, chart out).

Titles, axes and tooltips are `N_()` templates; a page passes `translate` (its `_`) and a label for the metric,
so the chart reads in the user's language. Without them the chart is in English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import altair as alt
import pandas as pd

from campaigns.charts import day_axis
from db.errors import N_

Translate = Callable[[str], str]
# Every amount and count axis: grouped in the page's locale (d3's "," reads the spec's `config.locale`, set by
# pages/components/charts.py: 6.000 in Bahasa Indonesia, 6,000 in English) on a "nice" scale from 0, so the top
# tick is past the largest value (a point at 9 under a last tick of 8 read as off the chart).
FIGURES = ","


def _figures_axis(orient: Literal["right"] | None = None) -> alt.Axis:
    return alt.Axis(format=FIGURES, orient=orient) if orient else alt.Axis(format=FIGURES)


def _figures_scale() -> alt.Scale:
    return alt.Scale(nice=True, zero=True)


def _translator(translate: Translate | None) -> Callable[..., str]:
    def t(template: str, **values: object) -> str:
        text = translate(template) if translate else template
        return text.format(**values) if values else text

    return t


def results_over_time(
    frame: pd.DataFrame, metric: str = "views", translate: Translate | None = None, metric_label: str | None = None
) -> alt.Chart:
    """A program's results by publish date: daily bars and the running total as a line."""
    t = _translator(translate)
    shown = metric_label or metric.replace("_", " ").capitalize()
    data = frame[["date", metric]].copy()
    data[metric] = pd.to_numeric(data[metric]).fillna(0)
    data["cumulative"] = data[metric].cumsum()
    published = t(N_("Published"))
    cumulative = t(N_("Cumulative {metric}"), metric=shown)
    data["date"] = pd.to_datetime(data["date"])
    # the Campaigns page's day axis ("Nov 25", "Des 06": one pattern, never "Rab 25 / Nov 29 / Desember")
    base = alt.Chart(data).encode(x=day_axis(data["date"], translate, title=published))
    bars = base.mark_bar(opacity=0.5).encode(
        y=alt.Y(f"{metric}:Q", title=shown, axis=_figures_axis(), scale=_figures_scale()),
        tooltip=[alt.Tooltip("date:T", title=published), alt.Tooltip(f"{metric}:Q", format=",", title=shown)],
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("cumulative:Q", title=cumulative, axis=_figures_axis(orient="right"), scale=_figures_scale()),
        tooltip=[alt.Tooltip("date:T", title=published), alt.Tooltip("cumulative:Q", format=",", title=cumulative)],
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=280)


def cost_vs_conversions(frame: pd.DataFrame, translate: Translate | None = None) -> alt.Chart:
    """One point per influencer: cost (x) against conversions (y), one colour per currency."""
    t = _translator(translate)
    data = frame[["influencer", "currency", "cost", "conversions", "cpa"]].copy()
    for column in ("cost", "conversions", "cpa"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data["conversions"] = data["conversions"].fillna(0)
    return (
        alt.Chart(data)
        .mark_circle(size=90)
        .encode(
            x=alt.X("cost:Q", title=t(N_("Cost (fees + product value)")), axis=_figures_axis(), scale=_figures_scale()),
            y=alt.Y("conversions:Q", title=t(N_("Conversions")), axis=_figures_axis(), scale=_figures_scale()),
            color=alt.Color("currency:N", title=t(N_("Currency"))),
            tooltip=[
                alt.Tooltip("influencer:N", title=t(N_("Influencer"))),
                alt.Tooltip("currency:N", title=t(N_("Currency"))),
                alt.Tooltip("cost:Q", format=",.0f", title=t(N_("Cost"))),
                alt.Tooltip("conversions:Q", title=t(N_("Conversions"))),
                alt.Tooltip("cpa:Q", format=",.2f", title=t(N_("CPA"))),
            ],
        )
        .properties(height=300)
    )
