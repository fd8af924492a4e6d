"""Chart builders (their Vega-Lite specs) and the alert list built from pacing verdicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pandas as pd
import pytest

from budgets import alerts, pacing
from budgets.charts import pacing_chart
from budgets.pacing import PacingInput
from campaigns import charts
from campaigns.meta_budgets import MetaBudget
from db.calendar import Period
from influencers.queries import OverdueDeliverable

NOV = Period.month(2026, 11)


def _daily() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": [dt.date(2026, 11, d) for d in (1, 2, 3)],
            "currency": ["IDR"] * 3,
            "spend": [D(100000), D(120000), D(90000)],
            "conversions": [D(2), D(0), D(3)],
            "conversion_value": [D(300000), D(0), D(250000)],
            "cpa": [D(50000), None, D(30000)],
            "roas": [D("3.00"), D("0.00"), D("2.78")],
        }
    )


def _tooltips(layer: dict) -> list[str]:
    return [t["field"] for t in layer["encoding"]["tooltip"]]


def test_spend_conversions_chart_has_bars_line_independent_axes_brush_and_tooltips() -> None:
    spec = charts.spend_conversions_chart(_daily(), "IDR").to_dict()
    bars, line = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert line["mark"]["type"] == "line"
    assert bars["encoding"]["y"]["field"] == "spend"
    assert line["encoding"]["y"]["field"] == "conversions"
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    # Altair hoists a layer's params to the top and points them at the layer by name.
    brush = next(p for p in spec["params"] if p["name"] == charts.BRUSH)
    assert brush["select"] == {"type": "interval", "encodings": ["x"]}
    assert brush["views"] == [bars["name"]]
    assert bars["encoding"]["opacity"]["condition"]["param"] == charts.BRUSH
    assert {"date", "spend", "conversions", "cpa", "roas"} <= set(_tooltips(bars))
    assert _tooltips(line) == _tooltips(bars)
    values = next(iter(spec["datasets"].values()))
    assert [v["spend"] for v in values] == [100000.0, 120000.0, 90000.0]


def test_daily_charts_tick_whole_days_about_a_dozen_times() -> None:
    three = charts.spend_conversions_chart(_daily(), "IDR").to_dict()
    axis = three["encoding"]["x"]["axis"] if "encoding" in three else three["layer"][0]["encoding"]["x"]["axis"]
    assert axis["tickCount"] == {"interval": "day", "step": 1}  # never a "12 PM" tick between days
    assert axis["format"] == "%b %d"
    days = pd.DataFrame({"date": [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(90)], "spend": [D(1)] * 90})
    ninety = charts.cpa_roas_chart(days.assign(cpa=D(1), roas=D(1)), "USD").to_dict()
    x = ninety["encoding"]["x"] if "encoding" in ninety else ninety["layer"][0]["encoding"]["x"]
    assert x["axis"]["tickCount"] == {"interval": "day", "step": 8}  # 90 days / 12 ticks, rounded up


def test_cpa_roas_chart_has_two_independent_axes() -> None:
    spec = charts.cpa_roas_chart(_daily(), "IDR").to_dict()
    assert [layer["encoding"]["y"]["field"] for layer in spec["layer"]] == ["cpa", "roas"]
    assert spec["resolve"] == {"scale": {"y": "independent"}}


def test_scatter_has_iso_cpa_lines_size_colour_and_selections() -> None:
    campaigns = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "name": ["A", "B", "C"],
            "account": ["ID", "ID", "ID 2"],
            "objective": ["OUTCOME_SALES"] * 3,
            "spend": [D(1000), D(2000), D(4000)],
            "conversions": [D(10), D(10), D(60)],
            "conversion_value": [D(5000), D(1000), D(9000)],
            "cpa": [D(100), D(200), D("66.67")],
            "roas": [D(5), D("0.5"), D("2.25")],
        }
    )
    chart = charts.scatter_chart(campaigns, "USD", colour="objective")
    spec = chart.to_dict()
    lines, labels, points = spec["layer"]
    assert points["mark"]["type"] == "circle"
    assert points["encoding"]["x"]["field"] == "spend"
    assert points["encoding"]["y"]["field"] == "conversions"
    assert points["encoding"]["size"]["field"] == "conversion_value"
    assert points["encoding"]["color"]["field"] == "objective"
    params = {p["name"]: p["select"] for p in spec["params"]}
    assert all(p["views"] == [points["name"]] for p in spec["params"])
    assert params[charts.PICK]["type"] == "point"
    assert params[charts.PICK]["fields"] == ["id"]
    assert params[charts.AREA]["type"] == "interval"
    assert lines["mark"]["type"] == "line"
    assert labels["mark"]["type"] == "text"
    # Overall CPA is 7000 / 80 = 87.5: guides at 40, 90 and 200 (half, once, twice; rounded).
    assert charts.nice_cpa_levels(D(7000), D(80)) == [D(40), D(90), D(200)]
    guides = spec["datasets"][lines["data"]["name"]]
    assert sorted({g["cpa"] for g in guides}) == [40.0, 90.0, 200.0]
    for guide in guides:
        assert guide["conversions"] * guide["cpa"] == guide["spend"] or guide["spend"] == 0


def test_iso_cpa_labels_read_as_the_reader_writes_numbers() -> None:
    levels = [D(40000), D(90000), D("0.25")]
    assert sorted(set(charts.iso_cpa_lines(levels, 1e6, "id_ID")["label"])) == ["CPA 0,25", "CPA 40.000", "CPA 90.000"]
    assert sorted(set(charts.iso_cpa_lines(levels, 1e6)["label"])) == ["CPA 0.25", "CPA 40,000", "CPA 90,000"]
    campaigns = pd.DataFrame(
        {"id": [1], "name": ["A"], "account": ["ID"], "objective": ["OUTCOME_SALES"], "spend": [D(800000)],
         "conversions": [D(10)], "conversion_value": [D(0)], "cpa": [D(80000)], "roas": [D(0)]}
    )  # fmt: skip
    spec = charts.scatter_chart(campaigns, "IDR", locale="id_ID").to_dict()
    assert "CPA 80.000" in str(spec["datasets"])
    assert "CPA 80,000" not in str(spec["datasets"])


def test_nice_cpa_levels_without_conversions() -> None:
    assert charts.nice_cpa_levels(D(100), D(0)) == []


def test_pacing_chart_has_actual_ideal_projection_and_budget_line() -> None:
    daily = pd.DataFrame({"date": [dt.date(2026, 11, d) for d in range(1, 16)], "spend": [D(100)] * 15})
    chart = pacing_chart(daily, D(3000), NOV.start, NOV.end, dt.date(2026, 11, 16), D(120), "USD")
    spec = chart.to_dict()
    lines, budget = spec["layer"]
    # One legend names every line: colour and dash on the same field, the plan's rule in it too.
    assert lines["encoding"]["strokeDash"]["field"] == lines["encoding"]["color"]["field"] == "label"
    assert budget["mark"]["type"] == "rule"
    assert budget["encoding"]["color"]["field"] == "label"
    scale = lines["encoding"]["color"]["scale"]
    assert scale["domain"] == [
        "Actual spend (to yesterday)",
        "Even pacing to the plan",
        "Projection to period end",
        "Plan",
    ]
    dashes = dict(zip(scale["domain"], lines["encoding"]["strokeDash"]["scale"]["range"], strict=True))
    assert dashes["Actual spend (to yesterday)"] == dashes["Plan"] == [1, 0]  # both solid: told apart by colour
    assert dashes["Even pacing to the plan"] != dashes["Projection to period end"]
    rows = spec["datasets"][lines["data"]["name"]]
    actual = [r for r in rows if r["series"] == "Actual"]
    ideal = [r for r in rows if r["series"] == "Ideal"]
    projected = [r for r in rows if r["series"] == "Projected"]
    assert len(actual) == 15
    assert actual[-1]["amount"] == 1500.0
    assert ideal[-1]["amount"] == 3000.0
    assert projected[0]["amount"] == 1500.0  # starts from yesterday's actual
    assert projected[-1]["amount"] == 1500.0 + 15 * 120
    assert spec["datasets"][budget["data"]["name"]][0]["amount"] == 3000.0
    assert lines["encoding"]["y"]["title"] == "Cumulative spend (USD)"


def test_pacing_chart_speaks_the_pages_language_and_has_no_plan_entry_without_a_plan() -> None:
    daily = pd.DataFrame({"date": [dt.date(2026, 11, 1)], "spend": [D(100)]})
    words = {"Plan": "Rencana", "Cumulative spend ({currency})": "Belanja kumulatif ({currency})", "Date": "Tanggal"}
    translate = lambda text: words.get(text, text)  # noqa: E731
    chart = pacing_chart(daily, None, NOV.start, NOV.end, dt.date(2026, 11, 2), D(0), "IDR", translate=translate)
    spec = chart.to_dict()
    (lines,) = spec["layer"]
    assert "Plan" not in str(lines["encoding"]["color"]["scale"]["domain"])
    chart = pacing_chart(daily, D(5), NOV.start, NOV.end, dt.date(2026, 11, 2), D(0), "IDR", translate=translate)
    lines, _budget = chart.to_dict()["layer"]
    assert lines["encoding"]["color"]["scale"]["domain"][-1] == "Rencana"
    assert lines["encoding"]["y"]["title"] == "Belanja kumulatif (IDR)"
    assert lines["encoding"]["x"]["title"] == "Tanggal"  # the date axis too
    assert lines["encoding"]["color"]["legend"]["labelLimit"] == 0  # long series names are never cut


def test_pacing_chart_of_an_ended_month_has_no_projection() -> None:
    """November seen on 2 December: the actual line runs to Nov 30, nothing is projected, the legend says so."""
    daily = pd.DataFrame({"date": [dt.date(2026, 11, d) for d in range(1, 31)], "spend": [D(100)] * 30})
    chart = pacing_chart(daily, D(3000), NOV.start, NOV.end, dt.date(2026, 12, 2), D(120), "USD")
    lines, _budget = chart.to_dict()["layer"]
    spec = chart.to_dict()
    rows = spec["datasets"][lines["data"]["name"]]
    assert not [r for r in rows if r["series"] == "Projected"]
    assert [r for r in rows if r["series"] == "Actual"][-1]["amount"] == 3000.0
    assert "Projection to period end" not in lines["encoding"]["color"]["scale"]["domain"]
    assert len(lines["encoding"]["strokeDash"]["scale"]["range"]) == 3
    # Its spend is complete: the legend says "Actual spend", not "(to yesterday)".
    assert lines["encoding"]["color"]["scale"]["domain"] == ["Actual spend", "Even pacing to the plan", "Plan"]
    assert {r["label"] for r in rows if r["series"] == "Actual"} == {"Actual spend"}


@pytest.mark.parametrize(
    ("today", "actual_label"),
    [
        (dt.date(2026, 11, 30), "Belanja aktual (sampai kemarin)"),  # the last day is still running
        (dt.date(2026, 12, 1), "Belanja aktual"),  # over: nothing more to come
    ],
)
def test_the_actual_line_of_an_ended_month_is_named_in_bahasa(today: dt.date, actual_label: str) -> None:
    from automation.i18n import catalog

    words = catalog("id")
    assert words["Actual spend"] == "Belanja aktual"
    daily = pd.DataFrame({"date": [dt.date(2026, 11, d) for d in range(1, 30)], "spend": [D(100)] * 29})
    chart = pacing_chart(daily, D(3000), NOV.start, NOV.end, today, D(120), "IDR", translate=lambda t: words.get(t, t))
    lines, budget = chart.to_dict()["layer"]
    assert lines["encoding"]["color"]["scale"]["domain"][0] == actual_label
    assert budget["encoding"]["color"]["scale"]["domain"][0] == actual_label  # one legend for both layers


def _pace(**kw) -> pacing.Pacing:
    values = {
        "scope_key": "campaign:1",
        "scope_type": "campaign",
        "name": "Payday",
        "currency": "IDR",
        "period": NOV,
        "today": dt.date(2026, 11, 16),
        "planned": D(3_000_000),
        "budget": MetaBudget("campaign", D(100_000)),
    }
    values.update(kw)
    return pacing.pace(PacingInput(**values))


def test_alerts_from_pacing_and_deliverables() -> None:
    pacings = [
        _pace(scope_key="campaign:1", name="On track", actual=D(1_500_000)),
        _pace(scope_key="campaign:2", name="Hot", actual=D(2_500_000), recent_spend=D(1_400_000), recent_days=7),
        _pace(scope_key="campaign:3", name="Spent", actual=D(3_100_000)),
        _pace(scope_key="campaign:4", name="Orphan", planned=None, actual=D(10)),
        _pace(
            scope_key="campaign:5",
            name="Launch",
            actual=D(1_000_000),
            budget=MetaBudget("campaign", None, D(2_000_000)),
            lifetime_spent=D(1_800_000),
            recent_spend=D(700_000),
            recent_days=7,
            run_end=dt.date(2026, 12, 20),
        ),
    ]
    overdue = [OverdueDeliverable(7, "Ayu", "Creators", "reel", "instagram", dt.date(2026, 11, 1), "planned", 15)]
    found = alerts.build_alerts(pacings, overdue)
    kinds = [(a.kind, a.subject) for a in found]
    assert kinds == [
        (alerts.EXHAUSTED_EARLY, "Spent"),
        (alerts.OVER_PACING, "Hot"),
        (alerts.LIFETIME_ENDS_EARLY, "Launch"),
        (alerts.NO_PLAN, "Orphan"),
        (alerts.DELIVERABLE_OVERDUE, "Ayu"),
    ]
    hot = next(a for a in found if a.subject == "Hot")
    # 200,000/day recently, capped at 175,000 a day and 700,000 a Sunday-Saturday week:
    # Nov 16-21 700,000 + Nov 22-28 700,000 + Nov 29-30 350,000 on top of 2,500,000 = 142% of plan.
    assert hot.values["percent"] == 142
    assert "projected" in hot.message()
    late = next(a for a in found if a.kind == alerts.DELIVERABLE_OVERDUE)
    assert late.message() == "Ayu (Creators): reel on instagram was due 2026-11-01 and is planned, 15 days late."
    launch = next(a for a in found if a.kind == alerts.LIFETIME_ENDS_EARLY)
    assert launch.values["day"] == dt.date(2026, 11, 17)  # 200,000 left at 100,000 a day from the 16th
