"""Warm-up: import every module the pages use, once per server process, so no person's first page pays for it.

Run at server start by a deployment: with `server.scriptHealthCheckEnabled = true`, one request to
`/_stcore/script-health-check` runs the app once without a browser, and `streamlit_app.main` then calls
`warm_up()` (see docs/deployment.md, section 6). Without that request nothing is imported ahead: a background
import during a person's first pages slowed them down on 2 cores.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
from pathlib import Path

from pages.components.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)


def page_imports() -> list[str]:
    """The modules the page files import (top level), in first-seen order; `from pkg import mod` gives both."""
    names: list[str] = []
    for spec in PAGES:
        tree = ast.parse((ROOT / spec.path).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
                names.extend(f"{node.module}.{alias.name}" for alias in node.names if _is_module(node.module, alias))
            elif isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
    return list(dict.fromkeys(names))


def _is_module(package: str, alias: ast.alias) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{alias.name}") is not None
    except (ImportError, ValueError):
        return False  # `package` is a module, so `alias` is a name in it


def warm_up() -> list[str]:
    """Import the pages' modules; returns those that failed (logged, never raised: the page will say why)."""
    failed = []
    for name in page_imports():
        try:
            importlib.import_module(name)
        except Exception:  # a page that cannot import shows its own error when opened
            log.warning("warm-up could not import %s", name, exc_info=True)
            failed.append(name)
    return failed
