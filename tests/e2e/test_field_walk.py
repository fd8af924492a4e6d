"""Nothing cut at 1280x800 in Bahasa Indonesia where the field walk (brief M) found words cut to an ellipsis:
the Calendar's Previous / Today / Next buttons and its *Overdue only* box ("Sebelu…", "Beriku…", "Hanya …"), the
Exports page's XLSX download button ("…IDR.x…") and the Overview's all-currency budget tile ("Anggaran terpakai,
sem…"). A width can only be measured in a browser: a local-mode server with the demo workspace, locale id-ID."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_streamlit
from tests.e2e.screenshots import VIEWPORT, still

pytestmark = pytest.mark.e2e
SLOW = 60_000

# true when the element or a descendant that holds text itself, or ends its text in an ellipsis (a button's markdown
# box), shows less than it has; boxes without text (a checkbox's 1 px focus span) do not count
CUT = """el => [el, ...el.querySelectorAll('*')].some(e =>
    ([...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
        || getComputedStyle(e).textOverflow === 'ellipsis')
    && e.scrollWidth > e.clientWidth + 1)"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with demo_streamlit(tmp_path_factory.mktemp("field-walk")) as server:
        yield server


def _open(page: Page, url: str, title: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=SLOW)
    still(page)


def _whole(page: Page, locator, what: str) -> None:
    expect(locator).to_be_visible(timeout=SLOW)
    assert not locator.evaluate(CUT), f"{what} is cut: {locator.inner_text()!r}"


def test_calendar_exports_and_overview_show_their_words_whole_in_bahasa(app, browser) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
    context.set_default_timeout(SLOW)
    page = context.new_page()
    try:
        _open(page, f"{app.url}/calendar", "Kalender")
        for name in ("Sebelumnya", "Hari ini", "Berikutnya"):
            _whole(page, page.get_by_role("button", name=name), f"Calendar's {name} button")
        _whole(page, page.get_by_test_id("stCheckbox").filter(has_text="Hanya yang terlambat"), "Overdue only box")

        _open(page, f"{app.url}/exports", "Ekspor")
        for suffix in (".csv", ".xlsx"):
            button = page.get_by_test_id("stDownloadButton").filter(has_text=suffix).first
            _whole(page, button, f"the {suffix} download button")

        _open(page, app.url, "Ringkasan")
        tile = page.get_by_test_id("stMetric").filter(has_text="Anggaran terpakai, semua mata uang dalam IDR")
        _whole(page, tile.get_by_test_id("stMetricLabel"), "the all-currency budget tile's label")
    finally:
        context.close()
