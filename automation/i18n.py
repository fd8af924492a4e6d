"""Messages in a person's language outside Streamlit: the same gettext catalogs the pages read (Babel `read_po`
of `locales/`), money and dates formatted with Babel in that language's locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

from db.calendar import zone
from db.errors import N_
from db.money import format_money

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("en", "id")
BABEL_LOCALES = {"en": "en_US", "id": "id_ID"}
MONEY_KEYS = ("planned", "actual", "projected", "amount", "old_amount", "new_amount")
# Words the alert values carry as codes (the same message ids as pages/components/terms.py).
WORDS = {
    "post": N_("post"),
    "reel": N_("reel"),
    "story": N_("story"),
    "video": N_("video"),
    "short": N_("short"),
    "live": N_("live stream"),
    "planned": N_("planned"),
    "draft_submitted": N_("draft submitted"),
    "draft submitted": N_("draft submitted"),
    "approved": N_("approved"),
    "published": N_("published"),
    "pending": N_("pending"),
    "paid": N_("paid"),
    "active": N_("active"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "paused": N_("paused"),
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

    def value(self, key: str, value: Any, values: dict[str, Any]) -> Any:
        """One placeholder's value as a person reads it in this language."""
        if isinstance(value, dt.datetime):
            return self.moment(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if key in MONEY_KEYS and value is not None and values.get("currency"):
            return self.money(Decimal(value), str(values["currency"]))
        if key in ("status", "type") and isinstance(value, str) and value in WORDS:
            return self.gettext(WORDS[value])
        return value

    def text(self, template: str, **values: Any) -> str:
        """`template` translated, its placeholders filled and formatted (English if a translation is broken)."""
        shown = {k: self.value(k, v, values) for k, v in values.items()}
        translated = self.gettext(template)
        try:
            return translated.format(**shown) if shown else translated
        except (KeyError, IndexError, ValueError):
            return template.format(**shown) if shown else template
