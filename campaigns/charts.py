"""Altair chart builders for campaigns (pure: data frames in, Vega-Lite charts out).

Amounts arrive as Decimals and are turned into floats here only to be drawn; every figure a
person reads as text comes from the tables, not from the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import altair as alt
import pandas as pd

from db.errors import N_
from db.money import format_number

BRUSH = "brush"
PICK = "pick"
AREA = "area"
SPEND_COLOUR = "#4C78A8"
CONVERSIONS_COLOUR = "#F58518"


COLOUR_TITLES = {"account": N_("Account"), "objective": N_("Objective"), "platform": N_("Platform")}
Translate = Callable[[str], str]


def _translator(translate: Translate | None) -> Callable[..., str]:
    """`t(N_("Spend ({currency})"), currency="IDR")`: the template translated by the page's `translate`
    (English when none is given; the domain never imports the translation layer), then filled."""

    def t(template: str, **values: object) -> str:
        text = translate(template) if translate else template
        return text.format(**values) if values else text

    return t


def _floats(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [None if v is None or (isinstance(v, float) and v != v) else float(v) for v in out[column]]
    return out


def day_axis(dates: pd.Series, translate: Translate | None = None, title: str | None = None) -> alt.X:
    """The date axis of a daily series: ticks on whole days only (never "12 PM"), about a dozen of them, each
    written "%b %d" in the spec's locale (titled `title`, else "Date")."""
    t = _translator(translate)
    days = (dates.max() - dates.min()).days + 1 if len(dates) else 1
    step = max(1, -(-days // 12))
    ticks = alt.TimeIntervalStep(interval="day", step=step)
    return alt.X(
        "date:T", title=title or t(N_("Date")), axis=alt.Axis(format="%b %d", tickCount=ticks, labelOverlap=True)
    )


def spend_conversions_chart(daily: pd.DataFrame, currency: str, translate: Translate | None = None) -> alt.LayerChart:
    t = _translator(translate)
    """Spend per day as bars (left axis) and conversions as a line (right axis), a date brush on x."""
    data = _floats(daily, ("spend", "conversions", "conversion_value", "cpa", "roas"))
    data["date"] = pd.to_datetime(data["date"])
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    tooltip = [
        alt.Tooltip("date:T", title=t(N_("Date"))),
        alt.Tooltip("spend:Q", title=t(N_("Spend ({currency})"), currency=currency), format=",.2f"),
        alt.Tooltip("conversions:Q", title=t(N_("Conversions")), format=",.0f"),
        alt.Tooltip("cpa:Q", title=t(N_("CPA ({currency})"), currency=currency), format=",.2f"),
        alt.Tooltip("roas:Q", title=t(N_("ROAS")), format=".2f"),
    ]
    base = alt.Chart(data).encode(x=day_axis(data["date"], translate))
    bars = (
        base.mark_bar(color=SPEND_COLOUR)
        .encode(
            y=alt.Y(
                "spend:Q", title=t(N_("Spend ({currency})"), currency=currency), axis=alt.Axis(titleColor=SPEND_COLOUR)
            ),
            opacity=alt.condition(brush, alt.value(0.9), alt.value(0.35)),
            tooltip=tooltip,
        )
        .add_params(brush)
    )
    line = base.mark_line(color=CONVERSIONS_COLOUR, point=True).encode(
        y=alt.Y(
            "conversions:Q",
            title=t(N_("Conversions")),
            axis=alt.Axis(orient="right", titleColor=CONVERSIONS_COLOUR),
        ),
        tooltip=tooltip,
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)


def cpa_roas_chart(daily: pd.DataFrame, currency: str, translate: Translate | None = None) -> alt.LayerChart:
    t = _translator(translate)
    """CPA (left axis) and ROAS (right axis) per day; days without conversions or spend leave gaps."""
    data = _floats(daily, ("cpa", "roas"))
    data["date"] = pd.to_datetime(data["date"])
    base = alt.Chart(data).encode(x=day_axis(data["date"], translate))
    tooltip = [
        alt.Tooltip("date:T", title=t(N_("Date"))),
        alt.Tooltip("cpa:Q", title=t(N_("CPA ({currency})"), currency=currency), format=",.2f"),
        alt.Tooltip("roas:Q", title=t(N_("ROAS")), format=".2f"),
    ]
    cpa = base.mark_line(color="#54A24B", point=True).encode(
        y=alt.Y("cpa:Q", title=t(N_("CPA ({currency})"), currency=currency)), tooltip=tooltip
    )
    roas = base.mark_line(color="#E45756", strokeDash=[4, 3], point=True).encode(
        y=alt.Y("roas:Q", title=t(N_("ROAS")), axis=alt.Axis(orient="right")), tooltip=tooltip
    )
    return alt.layer(cpa, roas).resolve_scale(y="independent").properties(height=240)


def nice_cpa_levels(spend: Decimal, conversions: Decimal, count: int = 3) -> list[Decimal]:
    """A few round CPA levels around the overall CPA (half, one and two times, rounded)."""
    if not conversions or conversions <= 0 or not spend or spend <= 0:
        return []
    centre = Decimal(spend) / Decimal(conversions)
    levels = []
    for factor in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(4))[:count]:
        value = centre * factor
        digits = len(str(int(value))) - 1 if value >= 1 else 0
        step = Decimal(10) ** max(digits, 0)
        rounded = (value / step).quantize(Decimal(1)) * step if value >= 1 else value.quantize(Decimal("0.01"))
        if rounded > 0 and rounded not in levels:
            levels.append(rounded)
    return levels


def iso_cpa_lines(levels: Sequence[Decimal], max_spend: float, locale: str = "en_US") -> pd.DataFrame:
    """Two points per CPA level, (0, 0) and (max spend, max spend / CPA), for the guide lines; each labelled with
    its level as the reader writes numbers (`CPA 40.000` in Bahasa Indonesia, `CPA 40,000` in English)."""
    rows = []
    for level in levels:
        cpa = float(level)  # a position on the chart, not money
        digits = 0 if level == level.to_integral_value() else 2
        label = f"CPA {format_number(level, locale, digits)}"
        rows.append({"cpa": cpa, "label": label, "spend": 0.0, "conversions": 0.0})
        rows.append({"cpa": cpa, "label": label, "spend": max_spend, "conversions": max_spend / cpa})
    return pd.DataFrame(rows, columns=["cpa", "label", "spend", "conversions"])


def scatter_chart(
    campaigns: pd.DataFrame,
    currency: str,
    colour: str = "account",
    levels: Sequence[Decimal] | None = None,
    translate: Translate | None = None,
    locale: str = "en_US",
) -> alt.LayerChart:
    """Campaigns in one currency: spend (x) vs conversions (y), size = conversion value, colour by
    account or objective; iso-CPA guide lines labelled in `locale`'s number format; a click (`pick`) or drag
    (`area`) selects campaigns."""
    t = _translator(translate)
    data = _floats(campaigns, ("spend", "conversions", "conversion_value", "cpa", "roas"))
    spend_total = sum((Decimal(str(v)) for v in campaigns["spend"]), Decimal(0))
    conv_total = sum((Decimal(str(v)) for v in campaigns["conversions"]), Decimal(0))
    levels = list(levels) if levels is not None else nice_cpa_levels(spend_total, conv_total)
    max_spend = float(data["spend"].max() or 0) * 1.05 if not data.empty else 0.0
    max_conv = float(data["conversions"].max() or 0) * 1.1 if not data.empty else 0.0
    pick = alt.selection_point(name=PICK, fields=["id"], on="click", toggle="true")
    area = alt.selection_interval(name=AREA, encodings=["x", "y"])
    x = alt.X(
        "spend:Q", title=t(N_("Spend ({currency})"), currency=currency), scale=alt.Scale(domain=[0, max_spend or 1])
    )
    y = alt.Y("conversions:Q", title=t(N_("Conversions")), scale=alt.Scale(domain=[0, max_conv or 1]))
    points = (
        alt.Chart(data)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "conversion_value:Q",
                title=t(N_("Conversion value ({currency})"), currency=currency),
                scale=alt.Scale(range=[30, 900]),
            ),
            color=alt.Color(f"{colour}:N", title=t(COLOUR_TITLES.get(colour, colour))),
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.3)),
            tooltip=[
                alt.Tooltip("name:N", title=t(N_("Campaign"))),
                alt.Tooltip("account:N", title=t(N_("Account"))),
                alt.Tooltip("objective:N", title=t(N_("Objective"))),
                alt.Tooltip("spend:Q", title=t(N_("Spend ({currency})"), currency=currency), format=",.2f"),
                alt.Tooltip("conversions:Q", title=t(N_("Conversions")), format=",.0f"),
                alt.Tooltip("cpa:Q", title=t(N_("CPA ({currency})"), currency=currency), format=",.2f"),
                alt.Tooltip("conversion_value:Q", title=t(N_("Value ({currency})"), currency=currency), format=",.2f"),
                alt.Tooltip("roas:Q", title=t(N_("ROAS")), format=".2f"),
            ],
        )
        .add_params(pick, area)
    )
    guides = iso_cpa_lines(levels, max_spend, locale)
    lines = (
        alt.Chart(guides)
        .mark_line(color="grey", strokeDash=[6, 4], clip=True)
        .encode(x=x, y=y, detail="cpa:N", tooltip=[alt.Tooltip("label:N", title=t(N_("Iso-CPA")))])
    )
    labels = (
        alt.Chart(guides[guides["spend"] > 0])
        .mark_text(align="right", dx=-4, dy=-6, color="grey", clip=True)
        .encode(x="spend:Q", y="conversions:Q", text="label:N")
    )
    return alt.LayerChart(layer=[lines, labels, points]).properties(height=380)
