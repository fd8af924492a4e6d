"""The warm-up imports every module the page files import, so a person's first page does not pay for it."""

from __future__ import annotations

import sys

from pages.components.warmup import page_imports, warm_up


def test_the_warm_up_finds_the_pages_modules_and_imports_them_all() -> None:
    names = page_imports()
    # from the page files themselves, including `from package import module` forms
    assert {"influencers.programs", "influencers.roi", "automation.feeds", "pandas", "streamlit"} <= set(names)
    assert warm_up() == []
    assert [name for name in names if name not in sys.modules] == []
