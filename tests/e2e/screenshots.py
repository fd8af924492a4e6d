"""The docs' pictures: the journeys and the Bahasa Indonesia walk save 1280x800 screenshots of the pages.

`shot(page, "campaigns")` writes docs/screenshots/campaigns.png, `shot(page, "campaigns", "id")`
docs/screenshots/id/campaigns.png. They are rewritten only when asked (PANTAU_SCREENSHOTS=1): a plain test run
leaves the checkout clean and saves its pictures in the temporary folder instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT

SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("PANTAU_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "pantau-screenshots"
)
VIEWPORT = {"width": 1280, "height": 800}
SLOW = 60_000  # ms: generous for a 2-core machine running other work


def settled(page: Page) -> None:
    """Wait until the script has finished its run (Streamlit's status widget shows while it runs) and every
    element has loaded its code (lazy widgets show skeleton placeholders until then)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    expect(page.locator("[data-testid^=stSkeleton], [data-testid=stAppSkeleton]")).to_have_count(0, timeout=SLOW)


def still(page: Page, quiet_ms: int = 600) -> None:
    """Wait until the main area has stopped changing for `quiet_ms` (a page that draws in several runs, such as
    Budgets after its period widgets, can look settled between two runs)."""
    main = page.get_by_test_id("stMain")
    last, same_since = None, 0
    for _ in range(SLOW // 200):
        settled(page)
        now = len(main.inner_html())
        same_since = same_since + 200 if now == last else 0
        if same_since >= quiet_ms:
            return
        last = now
        page.wait_for_timeout(200)


def shot(page: Page, name: str, language: str = "en") -> None:
    """Save the viewport as <name>.png (English) or <language>/<name>.png, once the page has stopped running."""
    folder = SHOTS if language == "en" else SHOTS / language
    folder.mkdir(parents=True, exist_ok=True)
    still(page)
    page.mouse.move(0, 0)  # no hover toolbars in the picture
    page.screenshot(path=str(folder / f"{name}.png"), animations="disabled")
