"""Messages in a person's language outside Streamlit: the same gettext catalogs the pages read (Babel `read_po`
of `locales/`), money and dates formatted with Babel in that language's locale, and codes shown by the same
label maps the pages use (`finance.labels.ALL_LABEL_MAPS`, by the kind of the placeholder that carries them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

from automation.rules import CODE_PLACEHOLDERS
from db.calendar import zone
from db.money import format_money
from finance.labels import ALL_LABEL_MAPS

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("en", "id")
BABEL_LOCALES = {"en": "en_US", "id": "id_ID"}
MONEY_KEYS = ("planned", "actual", "projected", "amount", "old_amount", "new_amount")
# A code placeholder of a template without its own kinds (automation.rules.CODE_PLACEHOLDERS), such as the calendar
# feed's type and status: the label maps it may come from, the first that knows the code wins. The feed's entry
# statuses are a deliverable's, a payment's, a program's or a campaign's (stored upper case, the feed lower case).
PLACEHOLDER_KINDS = {
    "type": ("deliverable_type",),
    "platform": ("platform",),
    "source": ("sync_source",),
    "status": ("deliverable_status", "payment_status", "program_status", "campaign_status"),
}


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` (empty for English and unknown languages)."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string and isinstance(m.string, str)}


def language(code: str | None) -> str:
    """A supported language code (English when unknown)."""
    return code if code in LANGUAGES else "en"


class Renderer:
    """Translate and format for one language: `r.text(template, **values)`."""

    def __init__(self, lang: str | None, timezone: str | None = None) -> None:
        self.lang = language(lang)
        self.locale = BABEL_LOCALES[self.lang]
        self.timezone = timezone
        self._catalog = catalog(self.lang)

    def gettext(self, message: str) -> str:
        return self._catalog.get(message, message)

    def date(self, day: dt.date) -> str:
        return format_date(day, "medium", locale=self.locale)

    def moment(self, when: dt.datetime) -> str:
        return format_datetime(when.astimezone(zone(self.timezone)), "medium", locale=self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        return format_money(amount, currency, self.locale)

    def label(self, kind: str, code: str) -> str | None:
        """`code`'s label in the `kind` map, translated (as pages.components.terms.label shows it); a value that is
        already one of the map's English labels (budgets.alerts writes "draft submitted") is translated too;
        None when the map does not know it."""
        labels = ALL_LABEL_MAPS.get(kind, {})
        if code in labels:
            return self.gettext(labels[code])
        if code in labels.values():
            return self.gettext(code)
        if kind == "campaign_status" and code.upper() in labels:  # the calendar feed lower-cases it
            return self.gettext(labels[code.upper()])
        return None

    def value(self, key: str, value: Any, values: dict[str, Any], kind: str | None = None) -> Any:
        """One placeholder's value as a person reads it in this language: a code by the label map of `kind`
        (else of the placeholder's name, `PLACEHOLDER_KINDS`), an unknown code as it is."""
        if isinstance(value, dt.datetime):
            return self.moment(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if key in MONEY_KEYS and value is not None and values.get("currency"):
            return self.money(Decimal(value), str(values["currency"]))
        if isinstance(value, str):
            for each in (kind,) if kind else PLACEHOLDER_KINDS.get(key, ()):
                word = self.label(each, value)
                if word is not None:
                    return word
        return value

    def text(self, template: str, **values: Any) -> str:
        """`template` translated, its placeholders filled and formatted (English if a translation is broken)."""
        kinds = CODE_PLACEHOLDERS.get(template, {})
        shown = {k: self.value(k, v, values, kinds.get(k)) for k, v in values.items()}
        translated = self.gettext(template)
        try:
            return translated.format(**shown) if shown else translated
        except (KeyError, IndexError, ValueError):
            return template.format(**shown) if shown else template
