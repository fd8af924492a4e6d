"""Metric tiles are never cut, whatever the amount and the screen (pages/components/metric_fit.py).

A small Streamlit script draws rows of five and six tiles through the app's own `tile` and `number_tile` with the
longest values they can show (full amounts of 12 characters and compact ones, in rupiah, Singapore and US dollars,
negative ones) and the app's style; a real browser in English and in Bahasa Indonesia, at three screen widths with
the sidebar open, reads every value's box. The same rows without the style are cut, which shows the check can fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import ROOT, free_port, wait_for_health

pytestmark = pytest.mark.e2e

SCRIPT = """
import sys
from decimal import Decimal
sys.path.insert(0, {root!r})
import streamlit as st
from pages.components.budget_widgets import number_tile, tile
from pages.components.metric_fit import fit_metrics

if st.query_params.get("style", "1") == "1":
    fit_metrics()
st.set_page_config(layout="wide")
with st.sidebar:
    st.write("Pantau")
amounts = [
    ("SGD", Decimal("11234.56")), ("SGD", Decimal("999949.99")), ("USD", Decimal("-999949.99")),
    ("IDR", Decimal("999999999")), ("IDR", Decimal("1234567890123")), ("USD", Decimal("12345.67")),
]
for per_row in (5, 6):
    columns = st.columns(per_row)
    for index, column in enumerate(columns):
        currency, amount = amounts[index % len(amounts)]
        tile(column, f"Spend ({{currency}}) this month", amount, currency)
    columns = st.columns(per_row)
    for index, column in enumerate(columns):
        number_tile(column, "Conversions", [999999, 12345678, Decimal("1234.56"), 100, 7, 999999999][index], 0)
"""

# Values whose box is narrower than their text (Streamlit cuts them with an ellipsis).
CUT = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')].filter(el => {
    const inner = el.querySelector('div') || el;
    return [el, inner].some(e => e.scrollWidth > e.clientWidth + 1);
}).map(el => el.innerText)"""


@pytest.fixture(scope="module")
def tiles_url(tmp_path_factory) -> str:
    folder: Path = tmp_path_factory.mktemp("tiles")
    script = folder / "tiles.py"
    script.write_text(SCRIPT.format(root=str(ROOT)))
    port = free_port()
    log = folder / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process, log)
        yield f"http://localhost:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _values(browser, url: str, width: int, locale: str) -> tuple[list[str], list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page: Page = context.new_page()
    try:
        page.goto(url)
        page.get_by_test_id("stMetricValue").nth(21).wait_for()
        page.wait_for_timeout(500)  # the fonts are in
        values = page.get_by_test_id("stMetricValue").all_inner_texts()
        return values, page.evaluate(CUT)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_no_tile_is_cut_on_any_screen(browser, tiles_url: str, width: int, locale: str) -> None:
    values, cut = _values(browser, tiles_url, width, locale)
    assert len(values) == 22
    assert any(len(v) == 12 for v in values), values  # the longest values a tile holds are among them
    assert cut == [], f"cut at {width}px in {locale}: {cut}"


def test_without_the_style_the_same_tiles_are_cut(browser, tiles_url: str) -> None:
    _, cut = _values(browser, tiles_url + "?style=0", 1280, "id-ID")
    assert len(cut) >= 5, cut
