"""What a walk through the demo in Bahasa Indonesia at 1280x800 found (brief P), each on the page under AppTest:
a creator's Results written as money, the collaborations' number headed as a word, the detail under the Directory
tab only; the calendar's flights on their first and last day instead of in every cell; the Programs page's Results
charts in one locale; the Exports page saying its reporting currency once."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

from db.engine import session_scope
from db.money import format_money, format_number
from influencers import roi
from influencers.calendar import (
    CAMPAIGN_FLIGHT,
    DELIVERABLE_DUE,
    FLIGHT_CONTINUES,
    FLIGHT_ENDS,
    FLIGHT_STARTS,
    PAYMENT_DUE,
    PROGRAM_FLIGHT,
    CalendarEntry,
    fold_continuing,
    grid_days,
)
from influencers.models import Influencer
from pages.components.i18n import BABEL_LOCALES
from tests.pages import open_page

ID = BABEL_LOCALES["id"]
INFLUENCERS = "pages/influencers/influencers.py"


def _headers(element) -> dict[str, str]:
    """Each data column's header as shown: its column_config label, else its name."""
    config = json.loads(element.proto.columns or "{}")
    return {str(c): (config.get(f"name:{c}") or config.get(str(c)) or {}).get("label") or str(c) for c in element.value}


def _table(at, *columns: str):
    found = [e for e in at.dataframe if set(columns) <= set(e.value.columns)]
    assert found, f"no table with {columns}: {[list(e.value.columns) for e in at.dataframe]}"
    return found[0]


def test_a_creators_results_are_money_and_the_collaboration_number_has_a_header(demo_url, app_test) -> None:
    with session_scope() as s:
        found = None
        for pid in s.scalars(select(Influencer.id).order_by(Influencer.id)):
            totals = roi.rollup(roi.collaboration_results(s, influencer_id=pid), ["influencer_id"])
            if not totals.empty and "IDR" in set(totals["currency"]) and totals["cost"].notna().any():
                found = pid, totals
                break
    assert found, "the demo has a creator with results in IDR"
    pid, totals = found
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    shown = _table(at, "collaborations", "cost", "roas").value
    for row, expected in zip(shown.to_dict("records"), totals.to_dict("records"), strict=True):
        currency = expected["currency"]
        assert row["cost"] == format_money(expected["cost"], currency, ID)
        assert row["revenue"] == (
            "" if expected["revenue"] is None else format_money(expected["revenue"], currency, ID)
        )
        assert row["impressions"] == format_number(expected["impressions"], ID)
    assert any(v.startswith("Rp") for v in shown["cost"])  # Rp13.000.000, never 13.000.000,00
    collabs = _table(at, "promo_code", "fee")
    headers = _headers(collabs)
    assert headers["id"] == "Kolaborasi"  # the number the Programs page's tables head "Collaboration"
    assert "id" not in headers.values()


def test_an_opened_creator_shows_under_the_directory_tab_only(demo_url, app_test) -> None:
    with session_scope() as s:
        person = s.scalars(select(Influencer).order_by(Influencer.id)).first()
        pid, name = person.id, person.name
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    labels = [t.label for t in at.tabs]
    assert labels[:3] == ["Direktori", "Tambah influencer", "Impor CSV"]
    assert name in [h.value for h in at.tabs[0].header]
    for tab in at.tabs[1:]:  # Add influencer, Import CSV, Duplicates, Fee benchmarks
        assert name not in [h.value for h in tab.header], tab.label
    assert sum(h.value == name for h in at.header) == 1  # nowhere outside the tabs either


def _entry(kind: str, start: dt.date, end: dt.date | None = None, record: int = 1, **extra) -> CalendarEntry:
    return CalendarEntry(kind=kind, record_id=record, start=start, end=end or start, **extra)


def test_a_flight_is_on_its_first_and_last_day_after_the_days_deliverables_and_payments() -> None:
    dec = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    flight = _entry(CAMPAIGN_FLIGHT, dt.date(2026, 12, 3), dt.date(2026, 12, 10))
    running = _entry(CAMPAIGN_FLIGHT, dt.date(2026, 7, 4), dt.date(2026, 12, 31), record=2, open_ended=True)
    ending = _entry(PROGRAM_FLIGHT, dt.date(2026, 11, 20), dt.date(2026, 12, 5), record=3)
    due = _entry(DELIVERABLE_DUE, dt.date(2026, 12, 3), record=4)
    pay = _entry(PAYMENT_DUE, dt.date(2026, 12, 10), record=5)
    days = grid_days([running, ending, flight, due, pay], *dec)  # the entries' own order: by start day
    assert days == {
        # the flights begun earlier are carried into the month's first day, programs before campaigns
        dt.date(2026, 12, 1): [(ending, FLIGHT_CONTINUES), (running, FLIGHT_CONTINUES)],
        dt.date(2026, 12, 3): [(due, None), (flight, FLIGHT_STARTS)],
        dt.date(2026, 12, 5): [(ending, FLIGHT_ENDS)],
        dt.date(2026, 12, 10): [(pay, None), (flight, FLIGHT_ENDS)],
    }  # the open-ended campaign from July has no other day in December


def test_a_flight_ending_on_the_first_day_only_ends_there() -> None:
    ending = _entry(PROGRAM_FLIGHT, dt.date(2026, 11, 20), dt.date(2026, 12, 1))
    assert grid_days([ending], dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == {
        dt.date(2026, 12, 1): [(ending, FLIGHT_ENDS)]
    }


def test_continuing_flights_that_do_not_fit_the_cell_are_counted_in_one_line() -> None:
    dec = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    due = _entry(DELIVERABLE_DUE, dec[0], record=99)
    starting = _entry(CAMPAIGN_FLIGHT, dec[0], dt.date(2026, 12, 9), record=98)
    program = _entry(PROGRAM_FLIGHT, dt.date(2026, 10, 1), dt.date(2027, 1, 31), record=50)
    campaigns = [
        _entry(CAMPAIGN_FLIGHT, dt.date(2026, 7, i), dt.date(2026, 12, 31), record=i, open_ended=True)
        for i in range(1, 9)
    ]
    cell = grid_days([*campaigns, program, due, starting], *dec)[dec[0]]
    continuing = [(program, FLIGHT_CONTINUES), *[(c, FLIGHT_CONTINUES) for c in campaigns]]
    assert cell == [(due, None), (starting, FLIGHT_STARTS), *continuing]  # the day's own entries first
    shown, folded = fold_continuing(cell)
    assert len(shown) + 1 == 6  # six lines with the counting line
    assert shown == [(due, None), (starting, FLIGHT_STARTS), *continuing[:3]]
    assert folded == 6
    fits = cell[:6]
    assert fold_continuing(fits) == (fits, 0)  # six lines: nothing folded
    busy = [(_entry(DELIVERABLE_DUE, dec[0], record=i), None) for i in range(200, 207)]
    assert fold_continuing([*busy, *continuing[:2]]) == (busy, 2)  # the day's own entries are never folded


def test_the_month_grid_no_longer_repeats_every_running_campaign_in_every_cell(demo_url, app_test) -> None:
    at = open_page(app_test(), "pages/calendar/calendar.py", language="id")
    grid = next(m.value for m in at.markdown if m.value.startswith("<table"))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", grid)
    lines = [re.findall(r"<div[^>]*>(.*?)</div>", cell) for cell in cells]
    flight_line = ("Mulai: ", "Berakhir: ", "▸ ")
    flights = [line for cell in lines for line in cell if line.startswith(("Mulai: ", "Berakhir: "))]
    assert not [line for cell in lines for line in cell if re.match(r"\+\d+ ", line)]  # no "+20 more" per day
    titles = [line.split(": ", 1)[1] for line in flights]
    assert all(titles.count(t) <= 2 for t in titles)  # a flight's first and last day, nowhere else
    assert not [line for cell in lines for line in cell if line.startswith("Kampanye: ")]  # never unmarked
    for cell in lines:  # deliverables and payments first in a cell, flights after them
        marked = [line.startswith(flight_line) for line in cell]
        assert marked == sorted(marked), cell
    assert sum(len(cell) for cell in lines) > len(flights)  # the deliverables and payments are in view
    assert all(len(cell) <= 6 for cell in lines)  # the flights begun earlier fit the first day's six lines
    first = next(cell for raw, cell in zip(cells, lines, strict=True) if raw.startswith("<b>1</b>"))
    assert any("(berlanjut, " in line for line in first)  # the demo's programs running since before this month
    assert re.match(r"▸ \d+ masa tayang lain berlanjut dari sebelumnya", first[-1]), first  # and the rest, counted
    caption = (
        "Masa tayang program dan kampanye ditampilkan pada hari mulai dan hari berakhirnya; yang dimulai lebih "
        "awal ditampilkan pada hari pertama bulan ini sebagai berlanjut, dengan tanggal berakhirnya. Agenda di "
        "bawah mencantumkan setiap masa tayang yang berjalan dalam bulan ini."
    )
    assert caption in [c.value for c in at.caption]


def _encodings(spec: dict) -> list[dict]:
    """Every x and y encoding of a (layered) Vega-Lite spec."""
    layers = spec.get("layer") or [spec]
    return [layer["encoding"][c] for layer in layers for c in ("x", "y") if c in layer.get("encoding", {})]


def test_the_programs_results_charts_read_one_way_in_bahasa(demo_url, app_test) -> None:
    at = open_page(app_test(), "pages/programs/programs.py", language="id")
    at.session_state["prog_tab"] = "Hasil"
    at.run()
    assert not at.exception, at.exception
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    over_time = next(s for s in specs if "Dipublikasikan" in json.dumps(s))
    scatter = next(s for s in specs if "Biaya (fee + nilai produk)" in json.dumps(s))
    for spec in (over_time, scatter):
        assert spec["config"]["locale"]["number"]["thousands"] == "."  # the page's locale, on every axis below
        for encoding in _encodings(spec):
            if encoding["type"] == "quantitative":  # both y axes alike: grouped by the locale, never "6,000"
                assert encoding["axis"]["format"] == ",", encoding
                assert encoding["scale"] == {"nice": True, "zero": True}, encoding  # the top tick past the data
            else:  # one day pattern (the Campaigns page's), not "Rab 25 / Nov 29 / Desember"
                assert encoding["type"] == "temporal"
                assert encoding["axis"]["format"] == "%b %d", encoding
    assert spec["config"]["locale"]["time"]["shortMonths"][11] == "Des"
    assert [e["type"] for e in _encodings(over_time)] == ["temporal", "quantitative"] * 2


def test_the_exports_page_states_the_reporting_currency_once(demo_url, app_test) -> None:
    at = open_page(app_test(), "pages/exports/exports.py", language="id")
    said = [c.value for c in at.caption if "Mata uang pelaporan" in c.value]
    assert len(said) == 1, said
    assert said[0].startswith("Mata uang pelaporan: IDR (belum diatur: mata uang utama akun iklan). Kebijakan kurs")
