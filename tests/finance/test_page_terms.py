"""The domain words and refusals the finance pages list for the catalog are still the domain's own texts."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_python

from finance.exports.context import MIXED
from finance.fx import ORIGIN_LABELS, SOURCE_LABELS
from pages.components.finance_exports import DOMAIN_MESSAGES, FX_SOURCE_TERMS, ORIGIN_TERMS

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_MODULES = ("db/money.py", "db/types.py", "finance/fx.py", "budgets/plans.py")


def _marked(path: str) -> set[str]:
    with (ROOT / path).open("rb") as fh:
        return {m for _line, _fn, m, _comments in extract_python(fh, {"N_": None}, [], {}) if isinstance(m, str)}


def test_labels_match_the_domain_codes() -> None:
    assert FX_SOURCE_TERMS == {**SOURCE_LABELS, MIXED: "mixed"}
    assert ORIGIN_TERMS == ORIGIN_LABELS


def test_listed_refusals_are_the_domain_templates() -> None:
    marked = set().union(*(_marked(p) for p in DOMAIN_MODULES))
    assert [m for m in DOMAIN_MESSAGES if m not in marked] == []
    # and every template the storage layer and the FX and plan services added is listed
    for path in ("db/types.py",):
        assert _marked(path) <= set(DOMAIN_MESSAGES), sorted(_marked(path) - set(DOMAIN_MESSAGES))
