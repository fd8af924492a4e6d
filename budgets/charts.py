"""Budget charts (pure Altair builders): cumulative spend against the ideal line, the projection and the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import altair as alt
import pandas as pd

from campaigns.charts import CONVERSIONS_COLOUR, SPEND_COLOUR, day_axis
from db.errors import N_

# The series of the pacing chart and the names its legend gives them (pages pass `translate`).
ACTUAL, IDEAL, PROJECTED, PLAN = "Actual", "Ideal", "Projected", "Plan"
SERIES_LABELS = {
    ACTUAL: N_("Actual spend (to yesterday)"),
    IDEAL: N_("Even pacing to the plan"),
    PROJECTED: N_("Projection to period end"),
    PLAN: N_("Plan"),
}
# A period that is over: its spend is complete, not "to yesterday" (docs/budgets.md "Ended periods").
ACTUAL_ENDED_LABEL = N_("Actual spend")
SERIES_COLOURS = {ACTUAL: SPEND_COLOUR, IDEAL: "#9D9D9D", PROJECTED: CONVERSIONS_COLOUR, PLAN: "#E45756"}
SERIES_DASHES = {ACTUAL: [1, 0], IDEAL: [2, 2], PROJECTED: [6, 4], PLAN: [1, 0]}
AXIS_TITLE = N_("Cumulative spend ({currency})")
DATE_TITLE = N_("Date")


def pacing_chart(
    daily: pd.DataFrame,
    planned: Decimal | None,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    projected_daily: Decimal,
    currency: str,
    translate: Callable[[str], str] = str,
) -> alt.LayerChart:
    """Cumulative actual spend against the ideal (even) line, the projection dashed to the period's
    end, and the plan as a horizontal line; one legend names every series with its colour and dash
    (`translate` turns the English names into the page's language). A period that has ended (today after its
    end) has no projection and its actual line is "Actual spend", complete, not "to yesterday"."""
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
    ended = last_actual >= end  # a period that is over has no projection: no legend entry for one either
    labels = {code: translate(text) for code, text in SERIES_LABELS.items()}
    if ended:
        labels[ACTUAL] = translate(ACTUAL_ENDED_LABEL)
    data = pd.DataFrame(rows, columns=["date", "series", "amount"])
    data["date"] = pd.to_datetime(data["date"])
    data["label"] = data["series"].map(labels)
    shown = [code for code in SERIES_LABELS if (code != PLAN or planned) and (code != PROJECTED or not ended)]
    domain = [labels[code] for code in shown]
    colours = alt.Scale(domain=domain, range=[SERIES_COLOURS[code] for code in shown])
    dashes = alt.Scale(domain=domain, range=[SERIES_DASHES[code] for code in shown])
    # Colour and dash on the same field share one legend, so it shows each line's colour *and* style.
    # labelLimit 0: a legend label is never cut ("Belanja aktual (sampai kemarin)" is longer than Vega's 160 px).
    legend = alt.Legend(title=None, orient="bottom", symbolStrokeWidth=3, symbolSize=400, labelLimit=0, columns=2)
    series_title = translate(AXIS_TITLE).format(currency=currency)
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=day_axis(data["date"], translate),
            y=alt.Y("amount:Q", title=series_title),
            color=alt.Color("label:N", scale=colours, legend=legend),
            strokeDash=alt.StrokeDash("label:N", scale=dashes, legend=legend),
            tooltip=[
                alt.Tooltip("date:T", title=translate(DATE_TITLE)),
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("amount:Q", title=currency, format=",.2f"),
            ],
        )
    )
    layers = [lines]
    if planned:
        budget = pd.DataFrame([{"amount": float(planned), "series": PLAN, "label": labels[PLAN]}])
        layers.append(
            alt.Chart(budget)
            .mark_rule(strokeWidth=2)
            .encode(
                y="amount:Q",
                color=alt.Color("label:N", scale=colours, legend=legend),
                strokeDash=alt.StrokeDash("label:N", scale=dashes, legend=legend),
                tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("amount:Q", title=currency, format=",.2f")],
            )
        )
    return alt.LayerChart(layer=layers).properties(height=320)
