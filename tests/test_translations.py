"""Every UI string has a Bahasa Indonesia translation, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locales" / "id" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def ui_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    with (ROOT / "babel.cfg").open() as cfg:
        from babel.messages.frontend import parse_mapping_cfg

        method_map, options_map = parse_mapping_cfg(cfg)
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def test_ui_strings_are_extracted() -> None:
    strings = ui_strings()
    assert "Overview" in strings
    assert len(strings) > 50


def test_every_ui_string_has_an_indonesian_translation() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    missing = [f"{where}: {msg!r}" for msg, where in sorted(ui_strings().items()) if msg not in translated]
    assert not missing, "untranslated UI strings:\n" + "\n".join(missing[:50])
    broken = [msg for msg in ui_strings() if set(PLACEHOLDER.findall(msg)) != set(PLACEHOLDER.findall(translated[msg]))]
    assert not broken, f"placeholders differ in: {broken[:20]}"


def test_domain_words_shown_through_variables_are_extractable() -> None:
    """Codes and English texts the domain hands the pages are listed (N_) in pages/components/terms.py."""
    from budgets import alerts
    from budgets.models import SCOPE_ACCOUNT, SCOPE_CAMPAIGN, SCOPE_CHANNEL, SCOPE_MIX, SCOPE_PROGRAM
    from db.roles import ROLES
    from finance.exports import EXPORTS
    from influencers import deliverables, programs
    from influencers.models import (
        DELIVERABLE_STATUSES,
        DELIVERABLE_TYPES,
        FEE_TYPES,
        INTERACTION_CHANNELS,
        PAYMENT_STATUSES,
        PROGRAM_STATUSES,
    )
    from pages.components import terms

    strings = ui_strings()
    expected = [*ROLES, *programs.STAGE_LABELS.values()]
    expected += [text for spec in EXPORTS.values() for text in (spec.title, spec.description)]
    source = Path(alerts.__file__).read_text()
    templates = [t for t in terms.ALERT_TEMPLATES if t in source]
    assert len(templates) == len(terms.ALERT_TEMPLATES), (
        "an alert template in terms.py no longer matches budgets/alerts.py"
    )
    written = {  # every sentence with {placeholders} in budgets/alerts.py (constants and Alert arguments)
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"\{\w+\}.*\.$", node.value)
    }
    assert written == set(templates), "budgets/alerts.py has an alert template not listed in terms.py"
    expected += templates
    assert not [w for w in expected if w not in strings], "domain words missing from pages/components/terms.py"
    for codes, labels in (
        (PROGRAM_STATUSES, terms.PROGRAM_STATUS_LABELS),
        (DELIVERABLE_STATUSES, terms.DELIVERABLE_STATUS_LABELS),
        (PAYMENT_STATUSES, terms.PAYMENT_STATUS_LABELS),
        (FEE_TYPES, terms.FEE_TYPE_LABELS),
        (DELIVERABLE_TYPES, terms.DELIVERABLE_TYPE_LABELS),
        (INTERACTION_CHANNELS, terms.CHANNEL_LABELS),
        (deliverables.RESULT_FIELDS, terms.RESULT_LABELS),
        ((SCOPE_CAMPAIGN, SCOPE_PROGRAM, SCOPE_CHANNEL, SCOPE_ACCOUNT, SCOPE_MIX), terms.SCOPE_LABELS),
    ):
        assert set(codes) == set(labels), f"terms.py labels {sorted(labels)} differ from the codes {sorted(codes)}"
    # the overdue alert writes the deliverable status with spaces; alert_text translates that form
    assert {s.replace("_", " ") for s in DELIVERABLE_STATUSES} <= set(terms.DELIVERABLE_STATUS_LABELS.values())


def test_date_text_follows_the_locale() -> None:
    import datetime as dt

    from pages.components.i18n import date_text, month_text

    day = dt.date(2026, 11, 27)
    assert date_text(day, "id_ID") == "27 Nov 2026"
    assert date_text(dt.date(2026, 8, 17), "id_ID") == "17 Agu 2026"
    assert date_text(day, "en_US") == "Nov 27, 2026"
    assert date_text(dt.datetime(2026, 11, 27, 23, 59), "id_ID") == "27 Nov 2026"
    assert date_text(None) == ""
    assert month_text(dt.date(2026, 8, 1), "id_ID") == "Agustus 2026"
    assert month_text(dt.date(2026, 8, 1), "en_US") == "August 2026"
