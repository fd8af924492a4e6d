"""Real-browser journeys (issue 8): first run with the demo workspace, a Meta sync from the fake Graph API into a
campaign's chart, a manager's approval, a creator's way through a program, and a finance close and export.

Two Streamlit servers per module: an empty one in local mode (first run) and one with sign-in through
oidc-provider-mock, the demo workspace and the fake Graph API, where each journey signs in as its role.
The journeys also save the screenshots in docs/screenshots/ (1280x800 PNG).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from pages.components.i18n import date_text
from tests.e2e.conftest import auth_secrets, free_port, seed_users, sign_in, start_streamlit
from tests.e2e.screenshots import SLOW, VIEWPORT, settled, shot
from tests.fakes.graph_api import TOKEN, FakeGraph

pytestmark = pytest.mark.e2e

SPECIALIST = "sami.specialist@example.com"
MANAGER = "mona.manager@example.com"
FINANCE = "fina.finance@example.com"
USERS = {SPECIALIST: "specialist", MANAGER: "manager", FINANCE: "finance"}
FAKE_ACCOUNT = "424242"
FAKE_CAMPAIGN = "E2E Payday Flash Sale"
expect.set_options(timeout=SLOW)  # auto-waiting assertions wait as long as actions do


def app_today() -> dt.date:
    """The app's "today" (pages use Asia/Jakarta)."""
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


def grid(frame: Locator, last_column: str | None = None) -> list[list[str]]:
    """The cells of an st.dataframe, read from its accessible table (header row first). The grid only renders
    the columns in view: with `last_column` it is first scrolled right until that column is in view."""
    frame.locator("table").first.wait_for(state="attached")
    if last_column:
        scroller = frame.locator(".dvn-scroller").first
        last_header = frame.locator("table th").last
        # The grid may still be laying out its columns: scroll again until its last column is in view.
        for _ in range(int(SLOW / 250)):
            scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
            if last_header.inner_text().strip() == last_column:
                break
            frame.page.wait_for_timeout(250)
        expect(last_header).to_have_text(last_column)
    rows = frame.locator("table tr")
    return [[c.strip() for c in row.locator("th, td").all_inner_texts()] for row in rows.all()]


def choose(page: Page, box: Locator, text: str) -> None:
    """Pick the option containing `text` in the selectbox `box`, typing to filter its (virtualised) list."""
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()


def selectbox(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_test_id("stSelectbox").filter(has_text=label).first


def open_page(page: Page, base_url: str, path: str, heading: str) -> None:
    page.goto(f"{base_url}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=SLOW)
    settled(page)


@pytest.fixture
def view(browser) -> Iterator[Page]:
    """A fresh 1280x800 browser context per journey."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(SLOW)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def local_app(tmp_path_factory):
    """An empty SQLite file, no sign-in configured: local mode as the local admin."""
    with start_streamlit(tmp_path_factory.mktemp("firstrun")) as server:
        yield server


@pytest.fixture(scope="module")
def fake_graph() -> Iterator[FakeGraph]:
    """One IDR ad account with one campaign and an ad set, spending every day of the past week (this month)."""
    today = app_today()
    month_start = today.replace(day=1)
    days = sorted({max(month_start, today - dt.timedelta(days=k)) for k in range(1, 8)} | {today})
    with FakeGraph() as fake:
        fake.add_account(FAKE_ACCOUNT, "E2E Toko", currency="IDR", timezone_name="Asia/Jakarta")
        fake.add_campaign(FAKE_ACCOUNT, "e2e_c1", FAKE_CAMPAIGN, daily_budget="400000", objective="OUTCOME_SALES")
        fake.add_adset("e2e_c1", "e2e_a1", daily_budget="400000")
        for i, day in enumerate(days):
            purchases = [{"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(2 + i)}]
            values = [{"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(150000 * (2 + i))}]
            metrics = {
                "spend": str(200000 + 25000 * i),
                "impressions": 9000 + 100 * i,
                "clicks": 250 + i,
                "actions": purchases,
                "action_values": values,
            }
            fake.add_insight("campaign", "e2e_c1", day.isoformat(), **metrics)
            fake.add_insight("adset", "e2e_a1", day.isoformat(), **metrics)
        yield fake


@pytest.fixture(scope="module")
def app(tmp_path_factory, oidc_provider, fake_graph):
    """Sign-in through the mock provider, the demo workspace loaded, the SDK pointed at the fake Graph API."""
    from db.engine import dispose_engines, session_scope
    from db.roles import CLI_ACTOR
    from demo.workspace import load_demo

    tmp = tmp_path_factory.mktemp("journeys")
    database_url = f"sqlite:///{tmp / 'pantau.db'}"
    seed_users(database_url, USERS)
    with session_scope(database_url) as session:
        load_demo(session, CLI_ACTOR, today=app_today())
    dispose_engines()
    port = free_port()
    env = {
        "FB_GRAPH_URL": fake_graph.url,
        "FB_ACCESS_TOKEN": TOKEN,
        "FB_AD_ACCOUNT_IDS": FAKE_ACCOUNT,
        "FB_MAX_WAIT_SECONDS": "2",
        "FB_ASYNC_POLL_SECONDS": "0.05",
    }
    with start_streamlit(tmp, secrets=auth_secrets(port, oidc_provider), env=env, port=port) as server:
        yield server


def test_first_run_loads_the_demo_workspace_and_shows_this_month(local_app, view: Page) -> None:
    view.goto(local_app.url)
    expect(view.get_by_role("heading", name="Overview", exact=True)).to_be_visible(timeout=SLOW)
    expect(view.get_by_text("Nothing here yet.")).to_be_visible()
    view.get_by_role("button", name="Load demo workspace").click()
    start = app_today().replace(day=1)
    heading = re.compile(rf"This month: {re.escape(date_text(start, 'en_US'))} to")
    expect(view.get_by_role("heading", name=heading)).to_be_visible(timeout=SLOW)
    expect(view.get_by_text("Nothing here yet.")).to_have_count(0)
    for label in ("Spend (IDR)", "Conversions (IDR accounts)", "Budget used (IDR)", "Campaigns", "Influencers"):
        expect(view.get_by_test_id("stMetric").filter(has_text=label).first).to_be_visible()
    spend = view.get_by_test_id("stMetric").filter(has_text="Spend (IDR)").first.get_by_test_id("stMetricValue")
    assert re.search(r"[1-9]", spend.inner_text()), "this month's IDR spend is shown and not zero"
    expect(view.get_by_role("heading", name="Top campaigns by ROAS")).to_be_visible()
    shot(view, "overview")


def test_specialist_syncs_from_meta_and_opens_the_campaign_chart(app, fake_graph, view: Page) -> None:
    sign_in(view, app.url, SPECIALIST)
    open_page(view, app.url, "sync", "Sync")
    # Hold the insights requests so the running sync can be seen: its status box and progress bar.
    fake_graph.hold, fake_graph.hold_match = threading.Event(), f"act_{FAKE_ACCOUNT}/insights"
    try:
        view.get_by_role("button", name="Sync now").click()
        expect(view.get_by_text("Syncing from Meta...")).to_be_visible()
        expect(view.get_by_test_id("stProgress")).to_be_visible()
        assert fake_graph.held.wait(SLOW / 1000), "the sync reached the insights"
    finally:
        fake_graph.hold.set()
    expect(view.get_by_text("Sync finished", exact=True)).to_be_visible(timeout=SLOW)
    settled(view)
    summary = view.get_by_text(re.compile(r"1 account\(s\), \d+ objects, \d+ rows"))
    expect(summary).to_be_attached()
    if not summary.is_visible():  # the finished status box folds up; open it to read the summary
        view.get_by_text("Sync finished", exact=True).click()
    expect(summary).to_be_visible()
    assert fake_graph.requests_to("insights"), "the sync read insights from the fake Graph API"
    shot(view, "sync")

    open_page(view, app.url, "campaigns", "Campaigns")
    choose(view, selectbox(view, "Campaign detail"), FAKE_CAMPAIGN)
    expect(view.get_by_role("heading", name=FAKE_CAMPAIGN)).to_be_visible()
    expect(view.get_by_role("heading", name="Spend vs conversions per day")).to_be_visible()
    charts = view.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(3)  # the scatter at the top, then the detail's two charts
    expect(charts.nth(1).locator("canvas, svg").first).to_be_visible()
    conversions = view.get_by_test_id("stMetric").filter(has_text="Conversions").first
    assert re.search(r"[1-9]", conversions.get_by_test_id("stMetricValue").inner_text())
    view.get_by_role("heading", name="Spend vs conversions per day").scroll_into_view_if_needed()
    shot(view, "campaigns")


def test_manager_approves_the_proposed_budget_change(app, view: Page) -> None:
    sign_in(view, app.url, MANAGER)
    open_page(view, app.url, "budgets", "Budgets")
    expect(view.get_by_role("heading", name="Proposed changes")).to_be_visible()
    # The proposal's paragraph (the history grid below may hold the same reason in a cell).
    proposal = view.locator("p").filter(has_text=re.compile("Payday weekend: CPA is 30% under target"))
    expect(proposal).to_be_visible()
    shot(view, "budgets")
    approve = view.get_by_role("button", name="Approve", exact=True)
    expect(approve).to_have_count(1)
    view.get_by_label("Decision note").fill("Approved in the browser test")
    approve.click()
    expect(view.get_by_text("Change approved and applied to the plan.")).to_be_visible(timeout=SLOW)
    expect(view.get_by_text("No budget change is waiting for a decision.")).to_be_visible()
    history = grid(view.get_by_test_id("stDataFrame").last, last_column="Note")
    header, rows = history[0], history[1:]
    assert len(rows) == 1, history
    decision = dict(zip(header, rows[0], strict=True))
    assert decision["Status"] == "approved", history
    assert decision["Decided by"] == MANAGER, history
    assert decision["Note"] == "Approved in the browser test", history


def test_specialist_takes_a_creator_through_a_program(app, view: Page) -> None:
    name = "Rara Journey"
    sign_in(view, app.url, SPECIALIST)
    open_page(view, app.url, "influencers", "Influencers")
    shot(view, "influencers")
    view.get_by_role("tab", name="Add influencer").click()
    form = view.get_by_test_id("stForm").filter(has=view.get_by_role("button", name="Add influencer"))
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill("rara.journey@example.com")
    form.get_by_label("Instagram").first.fill("@rara.journey")
    form.get_by_role("button", name="Add influencer").click()
    expect(view.get_by_text("Influencer added.")).to_be_visible()

    open_page(view, app.url, "programs", "Programs")
    shot(view, "programs")
    view.get_by_label("Find a creator").fill("Rara")
    view.get_by_label("Find a creator").press("Enter")
    settled(view)
    choose(view, selectbox(view, "Creator"), name)
    view.get_by_role("button", name="Add as prospect").click()
    expect(view.get_by_text("Added to the pipeline.")).to_be_visible()

    # The new card sits in the Prospect column; the innermost block holding its name is the card.
    card = view.get_by_test_id("stVerticalBlock").filter(has=view.get_by_text(name, exact=True)).last
    expect(card.get_by_role("button", name="→ Contacted")).to_be_visible()
    card.get_by_role("button", name="→ Contacted").click()
    expect(view.get_by_text("Moved to Contacted.")).to_be_visible()
    # A payment needs a contract: take Rara on to Contracted, one click per stage.
    for stage in ("Negotiating", "Contracted"):
        card = view.get_by_test_id("stVerticalBlock").filter(has=view.get_by_text(name, exact=True)).last
        expect(card.get_by_role("button", name=f"→ {stage}")).to_be_visible()
        card.get_by_role("button", name=f"→ {stage}").click()
        expect(view.get_by_text(f"Moved to {stage}.")).to_be_visible()

    view.get_by_role("tab", name="Deliverables").click()
    items = view.get_by_test_id("stForm").filter(has=view.get_by_role("button", name="Add deliverable"))
    choose(view, selectbox(items, "Creator"), name)
    items.get_by_label("Link").fill("https://instagram.com/p/e2e")
    items.get_by_role("button", name="Add deliverable").click()
    expect(view.get_by_text("Deliverable added.")).to_be_visible()

    view.get_by_role("tab", name="Payments").click()
    pay = view.get_by_test_id("stForm").filter(has=view.get_by_role("button", name="Add payment"))
    choose(view, selectbox(pay, "Creator"), name)
    pay.get_by_role("textbox", name="Amount (USD)").fill("150")
    pay.get_by_label("Invoice number").fill("INV-E2E-1")
    pay.get_by_role("button", name="Add payment").click()
    # No fee agreed yet: the payment waits for the "more than the agreed fee" box.
    expect(view.get_by_text("more than the agreed fee of $0.00")).to_be_visible()
    pay.get_by_text("More than the agreed fee", exact=True).click()
    pay.get_by_role("button", name="Add payment").click()
    expect(view.get_by_text("Payment added (pending approval).")).to_be_visible()


def test_finance_closes_a_month_and_downloads_its_export(app, view: Page) -> None:
    from db.money import format_money
    from finance.exports import file_name
    from pages.components.finance_exports import AMOUNT_LABELS
    from pages.components.i18n import month_text

    sign_in(view, app.url, FINANCE)
    open_page(view, app.url, "exports", "Exports")
    last_month_end = app_today().replace(day=1) - dt.timedelta(days=1)
    month = last_month_end.replace(day=1)
    label = month_text(month, "en_US")  # months as people read them: "November 2026"

    view.get_by_role("tab", name="Period close").click()
    view.get_by_role("button", name=f"Close {label}").click()
    expect(view.get_by_role("button", name=f"Reopen {label}")).to_be_visible(timeout=SLOW)

    view.get_by_role("tab", name="Export").click()
    expect(view.get_by_text(f"Closed months {label} come from their close snapshots")).to_be_visible()
    expect(view.get_by_role("heading", name="Totals")).to_be_visible()
    shown = grid(view.get_by_test_id("stDataFrame").first)
    header, body = shown[0], shown[1:]
    assert header[-4:] == ["Rows", "Column", "Currency", "Total"], shown
    shown_totals = {(r[-3], r[-2]): r[-1] for r in body}  # (amount label, currency): money in the locale
    shown_rows = {int(r[-4].replace(",", "")) for r in body}
    shot(view, "exports")

    caption = view.get_by_text(re.compile(r"^Reporting currency: [A-Z]{3} \("))
    currency = re.search(r"Reporting currency: ([A-Z]{3}) \(", caption.inner_text()).group(1)
    expected_name = file_name("campaign-daily", month, last_month_end, currency)
    with view.expect_download() as info:
        view.get_by_role("button", name=f"Download {expected_name}").click()
    download = info.value
    assert download.suggested_filename == expected_name
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM for Excel"
    rows = list(csv.DictReader(io.StringIO(content[3:].decode("utf-8"))))
    assert shown_rows == {len(rows)}
    sums: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        for column, cur_column in (("spend", "currency"), ("conversion_value", "currency")):
            if row[column]:
                key = (column, row[cur_column])
                sums[key] = sums.get(key, Decimal(0)) + Decimal(row[column])
        if row["spend_reporting"]:
            key = ("spend_reporting", row["reporting_currency"])
            sums[key] = sums.get(key, Decimal(0)) + Decimal(row["spend_reporting"])
    assert {(AMOUNT_LABELS[c], cur): format_money(t, cur, "en_US") for (c, cur), t in sums.items()} == shown_totals
