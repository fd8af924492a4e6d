"""The alert digest writes every code a notice may carry (a deliverable's type, platform and status, a payment's
status, a failed sync's source) as its label from the one label map of its kind (finance.labels.ALL_LABEL_MAPS),
in Bahasa Indonesia and English, in the email text and the webhook lines alike: never the code itself, and never a
word from a table of the digest's own."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from automation import rules
from automation.digest import compose
from automation.i18n import LOCALES_DIR, PLACEHOLDER_KINDS
from budgets.alerts import deliverable_alerts
from campaigns.models import FILE_ACCOUNT_SOURCES, SOURCE_META_API, SOURCE_TIKTOK_API
from finance.labels import ALL_LABEL_MAPS
from influencers.handles import PLATFORMS
from influencers.models import DELIVERABLE_STATUSES, DELIVERABLE_TYPES, PAYMENT_STATUSES
from influencers.queries import OverdueDeliverable

TODAY = dt.date(2026, 11, 16)
WHEN = dt.datetime(2026, 11, 16, 4, 0, tzinfo=dt.UTC)
SYNC_SOURCES = (SOURCE_META_API, SOURCE_TIKTOK_API, *FILE_ACCOUNT_SOURCES)


def _words(lang: str) -> dict[str, str]:
    """The catalog read here, not through automation.i18n: English msgid -> the language's word."""
    if lang == "en":
        return {}
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=lang) if isinstance(m.id, str) and m.string}


def _notices() -> list[tuple[rules.Notice, dict[str, tuple[str, str]]]]:
    """A notice for every code of every kind the digest's templates carry, with {placeholder: (kind, code)}."""
    combos = [(s, t, p) for s in DELIVERABLE_STATUSES for t in DELIVERABLE_TYPES for p in PLATFORMS]
    overdue = [OverdueDeliverable(i, "Ayu", "Kopi", t, p, TODAY, s, 3) for i, (s, t, p) in enumerate(combos)]
    made = []
    for (status, type_, platform), alert in zip(combos, deliverable_alerts(overdue), strict=True):
        notice = rules.Notice(rules.DELIVERABLES, alert.kind, alert.severity, alert.template, alert.values)
        kinds = rules.CODE_PLACEHOLDERS[alert.template]
        codes = {"type": type_, "platform": platform, "status": status}
        made.append((notice, {key: (kinds[key], code) for key, code in codes.items()}))
    for status in PAYMENT_STATUSES:
        values = {
            "influencer": "Ayu",
            "program": "Kopi",
            "id": 7,
            "amount": Decimal("250000"),
            "currency": "IDR",
            "due": TODAY,
            "status": status,
        }
        notice = rules.Notice(rules.PAYMENTS, rules.PAYMENT_OVERDUE, "warning", rules.PAYMENT_TEMPLATE, values)
        made.append((notice, {"status": ("payment_status", status)}))
    for source in SYNC_SOURCES:
        values = {"source": source, "account": "Kopi Ads", "when": WHEN, "error": "timeout"}
        notice = rules.Notice(rules.SYNC, rules.SYNC_FAILED, "error", rules.SYNC_TEMPLATE, values)
        made.append((notice, {"source": ("sync_source", source)}))
    return made


def test_every_code_placeholder_names_a_label_map_that_knows_every_code_of_the_domain() -> None:
    kinds = {kind for placeholders in rules.CODE_PLACEHOLDERS.values() for kind in placeholders.values()}
    kinds |= {kind for options in PLACEHOLDER_KINDS.values() for kind in options}
    assert kinds <= set(ALL_LABEL_MAPS), kinds - set(ALL_LABEL_MAPS)
    domain = {
        "platform": set(PLATFORMS),
        "deliverable_type": set(DELIVERABLE_TYPES),
        "deliverable_status": set(DELIVERABLE_STATUSES),
        "payment_status": set(PAYMENT_STATUSES),
        "sync_source": set(SYNC_SOURCES),
    }
    for kind, codes in domain.items():
        assert codes <= set(ALL_LABEL_MAPS[kind]), (kind, codes - set(ALL_LABEL_MAPS[kind]))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_digest_prints_every_code_as_its_label_in_the_email_and_the_webhook(lang: str) -> None:
    words = _words(lang)
    made = _notices()
    message = compose([notice for notice, _codes in made], lang, "Asia/Jakarta", TODAY, [])
    sentences = [item["message"] for item in message.items]
    ordered = sorted(made, key=lambda m: rules.CATEGORIES.index(m[0].category))  # compose groups by category
    assert len(sentences) == len(made)
    for sentence, (notice, codes) in zip(sentences, ordered, strict=True):
        assert f"  {'!' if notice.severity == 'error' else '-'} {sentence}\n" in message.text  # the email text too
        assert any(line.endswith(sentence) for line in message.lines)  # and the webhook's lines
        for key, (kind, code) in codes.items():
            english = ALL_LABEL_MAPS[kind][code]
            label = words.get(english, english)
            assert label in sentence, (lang, key, code, sentence)
            if code not in (english, label):  # the code itself nowhere but inside its label ("live stream")
                rest = sentence.replace(label, "")
                assert not re.search(rf"\b{re.escape(code)}\b", rest), (lang, key, code, sentence)
        assert "_" not in sentence, sentence  # no code (they are snake_case) reached the digest
    if lang == "id":
        assert any("di Lainnya" in s for s in sentences)  # "other" in the reader's language, not "Other"
        assert any("masih disetujui" in s for s in sentences)


def test_the_digest_follows_the_label_map_and_keeps_no_words_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A label changed in its package's map changes in the digest: the digest reads no second table of words."""
    monkeypatch.setitem(ALL_LABEL_MAPS["platform"], "instagram", "Insta (renamed)")
    monkeypatch.setitem(ALL_LABEL_MAPS["sync_source"], SOURCE_META_API, "Meta (renamed)")
    made = [(n, c) for n, c in _notices() if c.get("platform", ("", ""))[1] == "instagram" or n.values.get("source")]
    text = compose([n for n, _c in made], "en", "Asia/Jakarta", TODAY, []).text
    assert "on Insta (renamed) was due" in text
    assert "The Meta (renamed) sync of Kopi Ads failed" in text
    assert "on Instagram" not in text
