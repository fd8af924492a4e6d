"""Every date picker on every page shows dates the one way the user's language writes them (`i18n.picker_format`:
day first in Bahasa Indonesia, ISO in English): the demo workspace, each page opened by a local admin."""

from __future__ import annotations

import pytest

from pages.components.navigation import PAGES
from tests.pages import open_page

FORMATS = {"id": "DD/MM/YYYY", "en": "YYYY-MM-DD"}


@pytest.mark.parametrize("language", sorted(FORMATS))
def test_every_pages_date_pickers_follow_the_language(demo_url, app_test, language) -> None:
    seen: dict[str, list[str]] = {}
    for spec in PAGES:
        at = open_page(app_test(), spec.path, language=language)
        formats = [picker.proto.format for picker in at.date_input]
        if formats:
            seen[spec.key] = formats
    assert {"campaigns", "calendar", "audit", "exports"} <= set(seen), seen  # the pages with a date picker shown
    assert {key: set(formats) for key, formats in seen.items()} == {key: {FORMATS[language]} for key in seen}
