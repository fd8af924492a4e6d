"""Every page in Bahasa Indonesia, in a real browser whose language is Indonesian (issue 15).

A local-mode server with the demo workspace; the browser context's locale is id-ID, so the app starts in Bahasa
Indonesia by itself (st.context.locale). Each page of the sidebar is opened, its tabs clicked and its expanders
opened, and the visible text must hold:
- no English UI sentence: no English msgid of the catalog that its translation changes (sentences of four words
  or more; data such as campaign and creator names are not in the catalog);
- no raw code from the label map (`OUTCOME_SALES`, `meta_ads`, `bank_transfer`, ...);
- no "None", "nan" or "NaT" (tables included: the cells in view of each grid's accessible table);
- no metric tile whose value is cut (its element scrolls, or ends in an ellipsis).
On Campaigns a campaign's detail view (its tiles, daily charts, ad sets and sources) is opened and read the same
way. The walk also saves the Indonesian pictures of the docs, docs/screenshots/id/<page>.png (with
PANTAU_SCREENSHOTS=1; tests/e2e/screenshots.py).
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, demo_streamlit
from tests.e2e.screenshots import VIEWPORT, settled, shot

pytestmark = pytest.mark.e2e
SLOW = 60_000
PLACEHOLDER = re.compile(r"\{[^}]*\}")
MISSING = re.compile(r"(?<![\w.])(None|nan|NaN|NaT)(?![\w.])")
# The pages pictured in the docs (the English journeys take the same ones), by their address.
PICTURED = ("overview", "campaigns", "budgets", "influencers", "programs", "exports", "sync")


def _english_sentences() -> list[str]:
    """Literal runs of English UI sentences (between placeholders) that their Indonesian translation changes."""
    with (ROOT / "locales" / "id" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="id")
    runs: set[str] = set()
    for message in catalog:
        if not (isinstance(message.id, str) and message.id and message.string) or message.string == message.id:
            continue
        for run in PLACEHOLDER.split(message.id.replace("**", "")):
            run = run.strip(" .,:;()-→")
            if len(run.split()) >= 4 and run not in message.string:
                runs.add(run)
    return sorted(runs)


# Streamlit's own English words: the placeholders of an empty select (every select passes a translated one) and
# the file uploader's button (pages/components/uploader_words.py draws the translated word over it).
WIDGET_DEFAULTS = ("Choose options", "Choose an option", "Upload")


def _codes() -> list[str]:
    """Codes of the label map that read like codes (`meta_ads`, `OUTCOME_SALES`) and differ from their label."""
    from pages.components.terms import LABEL_MAPS

    found = set()
    for labels in LABEL_MAPS.values():
        for code, label in labels.items():
            if code != label and ("_" in code or (code.isupper() and len(code) > 3)):
                found.add(code)
    return sorted(found)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with demo_streamlit(tmp_path_factory.mktemp("bahasa")) as server:
        yield server


@pytest.fixture
def indonesian(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
    context.set_default_timeout(SLOW)
    page = context.new_page()
    yield page
    context.close()


def _cut_metrics(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stMetricValue]')].filter(el => {
            const inner = el.querySelector('div') || el;
            return [el, inner].some(e => e.scrollWidth > e.clientWidth + 1)
                || getComputedStyle(inner).textOverflow === 'ellipsis' && inner.scrollWidth > inner.clientWidth;
        }).map(el => el.innerText)"""
    )


def _problems(text: str, where: str, sentences: list[str], codes: list[str]) -> list[str]:
    problems = [f"{where}: English {s!r}" for s in sentences if s in text]
    problems += [f"{where}: Streamlit's English placeholder {s!r}" for s in WIDGET_DEFAULTS if s in text]
    for code in codes:
        found = re.search(rf"(?<![\w/]){re.escape(code)}(?![\w/])", text)
        if found:
            problems.append(f"{where}: code {code!r} near {text[max(0, found.start() - 60) : found.end() + 20]!r}")
    problems += [
        f"{where}: {m.group(0)!r} near {text[max(0, m.start() - 40) : m.end() + 20]!r}" for m in MISSING.finditer(text)
    ]
    return problems


def _visible_text(page: Page) -> str:
    """The page's text, the sidebar's, and the cells in view of every table (read from the grids' accessible
    tables: a data frame draws its cells on a canvas)."""
    main = page.get_by_test_id("stMain")
    texts = [main.inner_text(), page.get_by_test_id("stSidebar").inner_text()]
    for table in page.locator("[data-testid=stDataFrame] table").all():
        texts.append("\n".join(" | ".join(cell.strip() for cell in row) for row in _cells(table)))
    return "\n".join(texts)


def _cells(table) -> list[list[str]]:
    return table.evaluate(
        "t => [...t.querySelectorAll('tr')].map(r => [...r.querySelectorAll('th,td')].map(c => c.innerText))"
    )


def _campaign_detail(page: Page) -> str:
    """Open the first campaign's detail view on Campaigns (its picture is the docs' campaigns.png) and return
    its text once its daily chart and ad sets are shown."""
    box = page.get_by_test_id("stSelectbox").filter(has_text="Detail kampanye").first
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.type(" | ")  # every option reads "<account> | <campaign>"; typing opens the virtualised list
    page.get_by_role("option").first.click()
    daily = page.get_by_role("heading", name="Belanja iklan vs konversi per hari")
    expect(daily).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("heading", name="Set iklan", exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stVegaLiteChart").nth(1).locator("canvas, svg").first).to_be_visible(timeout=SLOW)
    settled(page)
    daily.scroll_into_view_if_needed()
    shot(page, "campaigns", "id")
    return _visible_text(page)


def test_every_page_reads_in_bahasa_indonesia(app, indonesian: Page) -> None:
    page = indonesian
    page.goto(app.url)
    settled(page)
    expect(page.get_by_role("heading", name="Ringkasan", exact=True)).to_be_visible(timeout=SLOW)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    hrefs = [h for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))") if h]
    assert len(hrefs) >= 8, hrefs
    sentences, codes = _english_sentences(), _codes()
    problems: list[str] = []
    cells_read = 0
    for href in hrefs:
        page.goto(href if href.startswith("http") else app.url.rstrip("/") + "/" + href.lstrip("/"))
        # the page has drawn its title (right after the address changes the main area is still blank)
        expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible(timeout=SLOW)
        settled(page)
        where = href.rsplit("/", 1)[-1] or "overview"
        if where in PICTURED and where != "campaigns":
            shot(page, where, "id")
        texts = [_visible_text(page)]
        for index in range(page.get_by_role("tab").count()):
            page.get_by_role("tab").nth(index).click()
            settled(page)
            texts.append(_visible_text(page))
        if where == "campaigns":
            texts.append(_campaign_detail(page))
        for summary in page.locator("[data-testid=stExpander] summary").all():
            if summary.is_visible():
                summary.click()
        settled(page)
        texts.append(_visible_text(page))
        for text in texts:
            problems += _problems(text, where, sentences, codes)
            cells_read += text.count(" | ")
        problems += [f"{where}: metric cut {value!r}" for value in _cut_metrics(page)]
    assert cells_read > 100, "the tables' cells were read (a data frame draws on a canvas)"
    assert "campaigns" in [h.rsplit("/", 1)[-1] for h in hrefs], "the Campaigns page (and its detail) was read"
    problems = list(dict.fromkeys(problems))
    assert not problems, "\n".join(problems[:80])
