"""Altair chart builders for influencer programs (pure: DataFrame in, chart out)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def results_over_time(frame: pd.DataFrame, metric: str = "views") -> alt.Chart:
    """A program's results by publish date: daily bars and the running total as a line."""
    data = frame[["date", metric]].copy()
    data[metric] = pd.to_numeric(data[metric]).fillna(0)
    data["cumulative"] = data[metric].cumsum()
    base = alt.Chart(data).encode(x=alt.X("date:T", title="Published"))
    bars = base.mark_bar(opacity=0.5).encode(
        y=alt.Y(f"{metric}:Q", title=metric.replace("_", " ").capitalize()),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip(f"{metric}:Q", format=",")],
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("cumulative:Q", title=f"Cumulative {metric}"),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("cumulative:Q", format=",")],
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=280)


def cost_vs_conversions(frame: pd.DataFrame) -> alt.Chart:
    """One point per influencer: cost (x) against conversions (y), one colour per currency."""
    data = frame[["influencer", "currency", "cost", "conversions", "cpa"]].copy()
    for column in ("cost", "conversions", "cpa"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    data["conversions"] = data["conversions"].fillna(0)
    return (
        alt.Chart(data)
        .mark_circle(size=90)
        .encode(
            x=alt.X("cost:Q", title="Cost (fees + product value)"),
            y=alt.Y("conversions:Q", title="Conversions"),
            color=alt.Color("currency:N", title="Currency"),
            tooltip=[
                "influencer",
                "currency",
                alt.Tooltip("cost:Q", format=",.0f"),
                "conversions",
                alt.Tooltip("cpa:Q", format=",.2f", title="CPA"),
            ],
        )
        .properties(height=300)
    )
