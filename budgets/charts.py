"""Budget charts (pure Altair builders): cumulative spend against the ideal line, the projection and the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import pandas as pd

from campaigns.charts import CONVERSIONS_COLOUR, SPEND_COLOUR, day_axis


def pacing_chart(
    daily: pd.DataFrame,
    planned: Decimal | None,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    projected_daily: Decimal,
    currency: str,
) -> alt.LayerChart:
    """Cumulative actual spend against the ideal (even) line, the projection dashed to the period's
    end, and the plan as a horizontal budget line."""
    days = (end - start).days + 1
    frame = daily.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date if not frame.empty else frame.get("date")
    by_day = {row.date: Decimal(str(row.spend)) for row in frame.itertuples()} if not frame.empty else {}
    last_actual = min(end, today - dt.timedelta(days=1))
    rows = []
    total = Decimal(0)
    for i in range(days):
        day = start + dt.timedelta(days=i)
        if day <= last_actual:
            total += by_day.get(day, Decimal(0))
            rows.append({"date": day, "series": "Actual", "amount": float(total)})
        if planned:
            rows.append({"date": day, "series": "Ideal", "amount": float(planned * (i + 1) / days)})
    projected = total
    if last_actual < end:
        rows.append(
            {"date": max(last_actual, start - dt.timedelta(days=1)), "series": "Projected", "amount": float(total)}
        )
        day = max(start, today)
        while day <= end:
            projected += projected_daily
            rows.append({"date": day, "series": "Projected", "amount": float(projected)})
            day += dt.timedelta(days=1)
    data = pd.DataFrame(rows, columns=["date", "series", "amount"])
    data["date"] = pd.to_datetime(data["date"])
    colours = alt.Scale(domain=["Actual", "Ideal", "Projected"], range=[SPEND_COLOUR, "#9D9D9D", CONVERSIONS_COLOUR])
    dashes = alt.Scale(domain=["Actual", "Ideal", "Projected"], range=[[1, 0], [2, 2], [6, 4]])
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=day_axis(data["date"]),
            y=alt.Y("amount:Q", title=f"Cumulative spend ({currency})"),
            color=alt.Color("series:N", scale=colours, title=None),
            strokeDash=alt.StrokeDash("series:N", scale=dashes, legend=None),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("amount:Q", title=currency, format=",.2f"),
            ],
        )
    )
    layers = [lines]
    if planned:
        budget = pd.DataFrame([{"amount": float(planned), "label": "Budget"}])
        layers.append(
            alt.Chart(budget)
            .mark_rule(color="#E45756", strokeWidth=2)
            .encode(y="amount:Q", tooltip=[alt.Tooltip("amount:Q", title=f"Budget ({currency})", format=",.2f")])
        )
    return alt.LayerChart(layer=layers).properties(height=320)
