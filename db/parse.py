"""Reading numbers and dates people type or files hold: amounts, FX rates, counts, percents and dates (via Babel)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import get_date_format, get_month_names
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from db.errors import N_, Day, DomainError, Message
from db.money import CURRENCY_CODES, currency_code, precision, quantize
from db.text import sanitize_for_display

# Bounds. A bound times 10^4 (four decimals of working precision) fits a signed 64-bit integer, so every
# accepted amount can be stored as scaled integer minor units and summed over many rows without overflow.
MAX_AMOUNT_ZERO_DECIMAL = Decimal(10) ** 14  # IDR, JPY, KRW, VND...: Rp100 triliun
MAX_AMOUNT = Decimal(10) ** 12  # USD, EUR, SGD, BHD...: $1 trillion
MIN_RATE = Decimal("1e-12")
MAX_RATE = Decimal("1e12")
MAX_RATE_DIGITS = 20  # significant digits kept exactly; more are refused rather than rounded
MAX_COUNT = 10**12
MAX_PERCENT = Decimal(100)  # influencers store engagement rates as 0..100 %
PERCENT_PLACES = 4  # decimals of a percent a form accepts: the rate columns keep 4 (db.types.percent)
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_TEXT = 64  # no number or date people type is longer; longer text is refused before any pattern runs

# Cells that mean "nothing here" in spreadsheets and exports (compared case-insensitively, after trimming).
BLANKS = frozenset({"", "-", "--", "—", "–", "null", "none", "nil", "n/a", "na", "n.a.", "#n/a", "nan"})

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_MINUS = "-\u2212"  # ASCII hyphen-minus and the Unicode minus sign Babel writes for some locales
_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f\u061c")
_NOT_NUMBER = re.compile(r"[^0-9.,\s\-\u2212]+")


class ParseError(DomainError):
    """Text that is not an acceptable amount, rate, count, percent or date.

    `params` always hold `value` (the text as shown, made harmless) and `field` when the caller named one,
    plus the bound (`bound`, `low`/`high`, `digits`) or an accepted form (`example`) the message mentions.
    """


def _shown(value: object) -> str:
    """The refused input as a message may echo it: harmless, one line, at most 40 characters."""
    text = sanitize_for_display(value if isinstance(value, str) else str(value))
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _refusal(template: str, fieldname: str | Message | None, **params: Any) -> ParseError:
    """`template` as is, or prefixed with the field ("Planned amount: 1e20 is not an amount; ...")."""
    if fieldname is None:
        return ParseError(template, **params)
    return ParseError(N_("{field}: {problem}"), field=fieldname, problem=Message(template, params), **params)


def _empty(fieldname: str | Message | None, example: str) -> ParseError:
    if fieldname is None:
        return ParseError(N_("The value is empty; type it like {example}."), value="", example=example)
    return ParseError(N_("{field} is empty; type it like {example}."), field=fieldname, value="", example=example)


def is_blank(value: object) -> bool:
    """True for None, NaN, whitespace and the empty markers spreadsheets use: `NULL`, `N/A`, `-`, `—`, `#N/A`."""
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:  # pandas' missing markers
        return True
    if isinstance(value, float):
        return value != value  # NaN, as pandas reads an empty cell
    if isinstance(value, Decimal):
        return value.is_nan()
    if not isinstance(value, str):
        return False
    return _SPACES.sub("", value).strip("\ufeff\u200b").lower() in BLANKS


@lru_cache(maxsize=64)
def _locale(locale: str | None) -> Locale:
    try:
        return Locale.parse(locale or "en_US")
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown locale {locale!r}") from exc


@lru_cache(maxsize=64)
def _symbols(locale: str | None) -> tuple[str, str]:
    """(group, decimal) symbols of `locale`; a space-like group symbol is written as " "."""
    loc = _locale(locale)
    group, decimal = get_group_symbol(loc), get_decimal_symbol(loc)
    return (" " if _SPACES.fullmatch(group) else group), decimal


@lru_cache(maxsize=64)
def _number_patterns(locale: str | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The locale's grouped form (`50.000.000,50` in id, `50,000,000.50` in en) and its ungrouped decimal form."""
    group, decimal = (re.escape(s) for s in _symbols(locale))
    grouped = re.compile(rf"[1-9][0-9]{{0,2}}(?P<g>{group}| )[0-9]{{3}}(?:(?P=g)[0-9]{{3}})*(?:{decimal}[0-9]+)?")
    ungrouped = re.compile(rf"[0-9]+{decimal}[0-9]+")
    return grouped, ungrouped


_DIGITS = re.compile(r"[0-9]+")
_PLAIN = re.compile(r"[0-9]+\.[0-9]+")


def _locale_number(text: str, locale: str | None) -> Decimal | None:
    """A number written the locale's way, or plainly (`1250000.5`, as files and spreadsheets write it), or None.

    The locale's reading wins: in id `12.345` is twelve thousand three hundred and forty-five. A plain `.` is the
    decimal point only where it cannot be the locale's grouping (`1250000.5`, `1.5`, `0.500`).
    """
    if _DIGITS.fullmatch(text):
        return Decimal(text)
    group, _decimal = _symbols(locale)
    grouped, ungrouped = _number_patterns(locale)
    if grouped.fullmatch(text) or ungrouped.fullmatch(text):
        try:
            # Babel converts and checks the grouping once more (strict); spaces stand for the group symbol.
            # Its check formats the number again, so give it room for every digit text this long can have.
            with localcontext(prec=2 * MAX_TEXT):
                return parse_decimal(text.replace(" ", group), locale=_locale(locale), strict=True)
        except (NumberFormatError, InvalidOperation):
            return None
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    return None


def _prepare(value: str) -> str:
    """Text trimmed, NFC, every run of spaces one ASCII space, bidi marks gone: what the patterns read."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).translate(_BIDI_MARKS).strip(" \ufeff\u200b")


def _from_number(value: object) -> Decimal | None:
    """A number handed over as a number (a spreadsheet cell): exact for int and Decimal, shortest repr for float."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------


def amount_bound(currency: str) -> Decimal:
    """The largest amount accepted in `currency`: 10^14 for zero-decimal currencies (IDR, JPY), else 10^12."""
    return MAX_AMOUNT_ZERO_DECIMAL if precision(currency_code(currency)) == 0 else MAX_AMOUNT


def amount_example(currency: str, locale: str | None = "en_US") -> str:
    """An accepted way to type an amount in `currency`: `50.000.000` (IDR, id), `1,250.50` (USD, en)."""
    code = currency_code(currency)
    digits = precision(code)
    value = Decimal(50_000_000) if digits == 0 else quantize(Decimal("1250.5"), code)
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=_locale(locale))


def _home_locales(code: str) -> list[Locale]:
    """Likely locales of the territories where `code` is legal tender today (Rp for IDR, ¥ for JPY)."""
    found = []
    for territory, entries in get_global("territory_currencies").items():
        if any(c == code and end is None and tender for c, _start, end, tender in entries):
            try:
                found.append(Locale.parse(f"und_{territory}"))
            except (UnknownLocaleError, ValueError):
                continue
    return found


def _clean_symbol(symbol: str) -> str:
    return _SPACES.sub("", symbol.translate(_BIDI_MARKS))


@lru_cache(maxsize=256)
def _currency_marks(code: str, locale: str | None) -> tuple[str, ...]:
    """Signs that may stand beside an amount in `code`: the ISO code and Babel's symbols for it in the user's
    locale, in English and in the currency's home locales, longest first (`US$` before `$`)."""
    marks = {code}
    for loc in (_locale(locale), _locale("en"), *_home_locales(code)):
        marks.add(_clean_symbol(get_currency_symbol(code, loc)))
    return tuple(sorted((m for m in marks if m), key=len, reverse=True))


@lru_cache(maxsize=64)
def _all_marks(locale: str | None) -> frozenset[str]:
    """Every currency sign a user of `locale` might type, any currency: a sign not of the field's currency."""
    marks = {code.upper() for code in CURRENCY_CODES}
    for loc in (_locale(locale), _locale("en"), _locale("id")):
        marks.update(_clean_symbol(s).upper() for s in loc.currency_symbols.values())
    return frozenset(m for m in marks if m)


def _strip_mark(text: str, code: str, locale: str | None) -> str:
    """`text` without one leading or trailing currency sign of `code` (`Rp`, `Rp.`, `IDR`, `$`, `US$`)."""
    upper = text.upper()
    for mark in _currency_marks(code, locale):
        mark_upper = mark.upper()
        if upper.startswith(mark_upper):
            rest = text[len(mark) :]
            if mark[-1].isalpha() and rest.startswith("."):  # "Rp. 50.000", as rupiah is often written
                rest = rest[1:]
            if rest and not rest[0].isalpha():
                return rest.strip()
        if upper.endswith(mark_upper):
            rest = text[: -len(mark)]
            if rest and not rest[-1].isalpha():
                return rest.strip()
    return text


def _foreign_mark(text: str, code: str, locale: str | None) -> bool:
    """True when what is left beside the digits is some other currency's sign (`$` in an IDR field)."""
    own = {mark.upper() for mark in _currency_marks(code, locale)}
    for match in _NOT_NUMBER.finditer(text):
        word = match.group().rstrip(".").upper()
        if word in own:
            continue
        if word in _all_marks(locale) or any(unicodedata.category(ch) == "Sc" for ch in word):
            return True
    return False


def _take_sign(text: str) -> tuple[bool, str]:
    if text[:1] and text[0] in _MINUS:
        return True, text[1:].strip()
    return False, text


def parse_amount(
    text: str | int | Decimal | float | None,
    currency: str,
    locale: str | None = "en_US",
    *,
    field: str | Message | None = None,
    allow_negative: bool = False,
    round_to_precision: bool = False,
    exact: bool = False,
) -> Decimal:
    """An amount in `currency` as people type it in `locale`, at the currency's precision.

    id_ID: `50.000.000`, `Rp 50.000.000`, `Rp. 50.000.000`, `IDR 50.000.000`, `50.000.000,00`, `Rp 50.000,-`; en_US:
    `50,000,000.50`, `$50,000`, `USD 1,250`; in any locale the plain `1250000` and `1250000.5`. A leading minus
    only with `allow_negative`. More decimals than the currency has (IDR 0, USD 2) are refused, unless
    `round_to_precision` (half-up; the caller must then show the rounded amount before saving it), or returned
    as written with `exact` (a measured figure such as an export's spend: the caller bounds its decimals). Anything
    else is a ParseError: malformed or ambiguous grouping, exponents, `inf`, `NaN`, letters, another currency's
    sign, and amounts beyond `amount_bound(currency)`.
    """
    code = currency_code(currency)
    digits = precision(code)
    example = amount_example(code, locale)
    if text is None or (isinstance(text, str) and not _prepare(text)):
        raise _empty(field, example)
    shown = _shown(text)
    value = _from_number(text)
    if value is None:
        if not isinstance(text, str):
            raise _refusal(N_("{value} is not an amount; type it like {example}."), field, value=shown, example=example)
        value = _read_amount(_prepare(text), code, locale, field, shown, example)
    if value < 0 and not allow_negative:
        raise _refusal(N_("{value} is negative; the amount must be 0 or more."), field, value=shown)
    bound = amount_bound(code)
    if abs(value) > bound:
        raise _refusal(
            N_("{value} is more than the largest {currency} amount allowed, {bound}."),
            field,
            value=shown,
            currency=code,
            bound=format_decimal(bound, locale=_locale(locale)),
        )
    if exact:
        return value if value else abs(value)  # never "-0"
    rounded = quantize(value, code)
    if rounded != value and not round_to_precision:
        raise _refusal(
            N_("{value} has more decimals than {currency} allows ({digits}); type it like {example}."),
            field,
            value=shown,
            currency=code,
            digits=digits,
            example=example,
        )
    return rounded if rounded else abs(rounded)  # never "-0"


def _read_amount(
    text: str, code: str, locale: str | None, fieldname: str | Message | None, shown: str, example: str
) -> Decimal:
    not_amount = _refusal(
        N_("{value} is not an amount; type it like {example}."), fieldname, value=shown, example=example
    )
    if len(text) > MAX_TEXT:
        raise not_amount
    negative, body = _take_sign(text)
    body = _strip_mark(body, code, locale)
    if not negative:
        negative, body = _take_sign(body)
    decimal = _symbols(locale)[1]
    if body.endswith((decimal + "-", decimal + "–")):
        body = body[:-2]  # "Rp 50.000,-": the Indonesian way of writing "no cents"
    number = _locale_number(body, locale)
    if number is None:
        if _foreign_mark(body, code, locale):
            raise _refusal(
                N_("{value} is not in {currency}; type it like {example}."),
                fieldname,
                value=shown,
                currency=code,
                example=example,
            )
        raise not_amount
    return -number if negative else number


@dataclass(frozen=True)
class NumberMarks:
    """What one number's text says about the marks it is written with.

    `decimal` is the decimal mark the text proves (`.` or `,`): `1.250.000` and `1.250.000,50` prove `,`
    (repeated or followed by the other mark, `.` groups), `1,250,000.50`, `100000.5` and `0.500` prove `.`.
    `either` is the one mark of a text that reads both ways: `750.000` and `1,250` (one to three digits, not
    starting with 0, the mark, three digits) are a grouped whole number in one convention and a three-decimal
    fraction in the other. Plain digits, and text that is no number, prove nothing (both None).
    """

    decimal: str | None = None
    either: str | None = None


_MARKS_BODY = re.compile(r"[0-9](?:[0-9., ]*[0-9])?")
_SHORT_HEAD = re.compile(r"[1-9][0-9]{0,2}")


def _grouped_by(text: str, group: str) -> bool:
    """`1.250.000` grouped by `.`: one to three leading digits, then groups of three."""
    return re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}})+", text) is not None


def number_marks(text: str, currency: str | None = None) -> NumberMarks:
    """The decimal mark `text` proves, or the mark it leaves open (see `NumberMarks`).

    With `currency`, a sign of it beside the number (`Rp 500.000`, `IDR 1.250.000,50`, `$1,250.50`) and the
    Indonesian `,-` for "no cents" are set aside first. A file's number convention is decided from these (as a
    spreadsheet's import does), then every figure is read in that convention by `parse_amount` / `parse_count`.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return NumberMarks()
    _negative, body = _take_sign(_prepare(text))
    if currency:
        body = _strip_mark(body, currency_code(currency), None)
        _negative, body = _take_sign(body)
    if body.endswith((",-", ",–")):
        body = body[:-2]
    if not _MARKS_BODY.fullmatch(body):
        return NumberMarks()
    marks = [ch for ch in body if ch in ".,"]
    if not marks:
        return NumberMarks()
    last = marks[-1]
    head, _sep, tail = body.rpartition(last)
    if " " in head:  # `1 250 000,50`: spaces group, so the one mark is the decimal mark
        spaced = re.fullmatch(r"[1-9][0-9]{0,2}(?: [0-9]{3})+", head) and len(marks) == 1 and " " not in tail
        return NumberMarks(decimal=last) if spaced else NumberMarks()
    if " " in tail:
        return NumberMarks()
    if len(set(marks)) == 2:  # `1.250.000,50`, `1,250,000.50`: the last mark is the decimal mark
        other = "." if last == "," else ","
        return NumberMarks(decimal=last) if marks.count(last) == 1 and _grouped_by(head, other) else NumberMarks()
    if len(marks) > 1:  # `1.250.000`: a repeated mark groups thousands
        return NumberMarks(decimal="," if last == "." else ".") if _grouped_by(body, last) else NumberMarks()
    if len(tail) == 3 and _SHORT_HEAD.fullmatch(head):
        return NumberMarks(either=last)  # `750.000`, `1,250`
    return NumberMarks(decimal=last) if head else NumberMarks()  # `100000.5`, `0.500`, `1,5`


# ---------------------------------------------------------------------------------------------
# FX rates
# ---------------------------------------------------------------------------------------------


def _significant_digits(value: Decimal) -> int:
    """Digits from the first non-zero one to the last non-zero one (`0.0000615` has 3), without rounding."""
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    return len(digits)


def parse_rate(
    text: str | int | Decimal | float | None, locale: str | None = "en_US", *, field: str | Message | None = None
) -> Decimal:
    """An exchange rate as typed in `locale` (`16.250,5` in id, `16,250.5` in en, `0.0000615` in any), exact:
    every significant digit given is kept (up to 20), and it lies within [1e-12, 1e12] (so it never rounds to 0)."""
    example = format_decimal(Decimal("16250.5"), locale=_locale(locale))
    if text is None or (isinstance(text, str) and not _prepare(text)):
        raise _empty(field, example)
    shown = _shown(text)
    value = _from_number(text)
    if value is None and isinstance(text, str) and len(_prepare(text)) <= MAX_TEXT:
        body = _prepare(text)
        negative, body = _take_sign(body)
        value = _locale_number(body, locale)
        if value is not None and negative:
            value = -value
    if value is None:
        raise _refusal(N_("{value} is not a rate; type it like {example}."), field, value=shown, example=example)
    if not MIN_RATE <= value <= MAX_RATE:
        raise _refusal(
            N_("{value} is outside the rates allowed, from {low} to {high}."),
            field,
            value=shown,
            low=format_decimal(MIN_RATE, locale=_locale(locale), decimal_quantization=False),
            high=format_decimal(MAX_RATE, locale=_locale(locale)),
        )
    if _significant_digits(value) > MAX_RATE_DIGITS:
        raise _refusal(
            N_("{value} has more than {digits} significant digits; shorten it."),
            field,
            value=shown,
            digits=MAX_RATE_DIGITS,
        )
    return value


# ---------------------------------------------------------------------------------------------
# Counts (followers, views, impressions)
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _multipliers(locale: str | None) -> Mapping[str, int]:
    """Compact-number words from Babel's CLDR data (short and long) of English, Bahasa Indonesia and `locale`.

    `M` is million, as follower counts are written by every social tool, even though Indonesian compact
    notation uses `M` for miliar (10^9): no account has a billion followers, a million is common.
    """
    found: dict[str, int] = {}
    for name in (locale, "en", "en_GB", "id"):
        if name is None:
            continue
        formats = _locale(name).compact_decimal_formats
        for width in ("short", "long"):
            for plural_forms in formats.get(width, {}).values():
                for magnitude, pattern in plural_forms.items():
                    word = _SPACES.sub("", pattern.pattern.replace("0", "")).strip("'.").lower()
                    exponent = len(magnitude) - pattern.pattern.count("0")  # "00 jt" at 10000000: 10^6
                    if word and word not in found:
                        found[word] = exponent
    found["m"] = 6
    found.setdefault("milyar", 9)  # the common spelling of miliar
    return found


_COUNT = re.compile(r"(?P<number>[0-9](?:[0-9., ]*[0-9])?)\s*(?P<unit>[^\W\d_]+)?\.?")
_GROUPED_ANY = re.compile(r"[1-9][0-9]{0,2}(?P<g>[., ])[0-9]{3}(?:(?P=g)[0-9]{3})*(?:(?P<d>[.,])[0-9]+)?")
_SINGLE = re.compile(r"[0-9]+[.,][0-9]+")


def _count_number(text: str, has_unit: bool) -> Decimal | Literal["ambiguous"] | None:
    """A number without a locale: a `.`, `,` or space followed by groups of three digits groups thousands
    (`12.500`, `12,500`, `12 500`), the other mark or a lone one with another count of digits is the decimal
    mark (`10.4`, `1,2`, `1,234.5`). `1.250K` could be 1,250 or 1,250,000: refused as ambiguous."""
    if _DIGITS.fullmatch(text):
        return Decimal(text)
    match = _GROUPED_ANY.fullmatch(text)
    if match and (match["d"] is None or match["d"] != match["g"]):
        group, decimal = match["g"], match["d"]
        if has_unit and decimal is None and text.count(group) == 1:
            return "ambiguous"
        body = text.replace(group, "")
        return Decimal(body.replace(decimal, ".") if decimal else body)
    if _SINGLE.fullmatch(text):
        return Decimal(text.replace(",", "."))
    return None


def count_example(locale: str | None = None) -> str:
    """An accepted way to type a count: `12.500` in id, `12,500` in en (and `10.4M`, `1,2 jt` anywhere)."""
    return format_decimal(12500, locale=_locale(locale))


def format_count(value: int, locale: str | None = None) -> str:
    """A count as `parse_count` reads it back in `locale`: `1.250.000` in id, `1,250,000` in en (Babel)."""
    return format_decimal(value, locale=_locale(locale))


def parse_count(
    text: str | int | Decimal | float | None,
    locale: str | None = None,
    *,
    field: str | Message | None = None,
    minimum: int = 0,
) -> int | None:
    """A whole count >= `minimum` (followers, views, impressions; 1 for a record number), None for a blank cell
    (see `is_blank`).

    Accepts `10.4M`, `977.2K`, `1.2k`, `1,2 jt`, `12,5 rb`, `2,5 juta`, `1 miliar`, `12.500`, `12,500`, `12 500`
    and `12500.0`. Without `locale` the grouping is read from the text itself; with one, the locale decides
    (`12,500` is 12.5 in id, so refused; `1.250.000` is 1250000 in id and refused in en). Plain digits
    (`1250000`) are read in every locale. At most 10^12; `inf`, `1e23`, fractions and negatives are refused.
    """
    if is_blank(text):
        return None
    example = count_example(locale)
    shown = _shown(text)
    not_count = _refusal(N_("{value} is not a count; type it like {example}."), field, value=shown, example=example)
    value = _from_number(text)
    if value is None:
        if not isinstance(text, str):
            raise not_count
        value = _read_count(_prepare(text), locale, field, shown, example, not_count)
    if value < 0:
        raise _refusal(N_("{value} is negative; a count is 0 or more."), field, value=shown)
    if value < minimum:
        raise _refusal(
            N_("{value} is less than {bound}, the smallest number allowed."),
            field,
            value=shown,
            bound=format_decimal(minimum, locale=_locale(locale)),
        )
    if value > MAX_COUNT:
        raise _refusal(
            N_("{value} is more than the largest count allowed, {bound}."),
            field,
            value=shown,
            bound=format_decimal(MAX_COUNT, locale=_locale(locale)),
        )
    if value != value.to_integral_value():
        raise _refusal(
            N_("{value} is not a whole number; type it like {example}."), field, value=shown, example=example
        )
    return int(value)


def _read_count(
    text: str,
    locale: str | None,
    fieldname: str | Message | None,
    shown: str,
    example: str,
    not_count: ParseError,
) -> Decimal:
    if len(text) > MAX_TEXT:
        raise not_count
    negative, body = _take_sign(text)
    match = _COUNT.fullmatch(body)
    if match is None:
        raise not_count
    unit = match["unit"]
    exponent = 0
    if unit is not None:
        multipliers = _multipliers(locale)
        if unit.lower() not in multipliers:
            raise not_count
        exponent = multipliers[unit.lower()]
    number_text = match["number"]
    number = _locale_number(number_text, locale) if locale else _count_number(number_text, unit is not None)
    if number == "ambiguous":
        raise _refusal(
            N_("{value} can be read more than one way; type it like {example}."),
            fieldname,
            value=shown,
            example=example,
        )
    if number is None:
        raise not_count
    with localcontext(prec=2 * MAX_TEXT):  # exact: the default 28 digits could round a fraction to a whole
        value = number.scaleb(exponent)
    return -value if negative else value


# ---------------------------------------------------------------------------------------------
# Percents and fractions (engagement rates)
# ---------------------------------------------------------------------------------------------

_PERCENT = re.compile(r"(?P<number>[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(?P<sign>%)?")
# The refusals of a percent, in a form field and in a file's column alike (not an FX rate's words: "rate" is
# "kurs" in Bahasa Indonesia, which an engagement rate is not).
NOT_PERCENT = N_("{value} is not a percent; type it like {example}.")
PERCENT_NEGATIVE = N_("{value} is negative; a percent is 0 or more.")
PERCENT_RANGE = N_("{value} is outside the percents allowed, from {low} to {high}.")
PERCENT_DECIMALS = N_("{value} has more than {places} decimals; a percent keeps at most {places}, e.g. {example}.")


def _percent_range(
    percent: Decimal, shown: str, fieldname: str | Message | None, maximum: Decimal
) -> ParseError | None:
    """The refusal of a percent outside [0, `maximum`], or None."""
    if 0 <= percent <= maximum:
        return None
    if percent < 0:
        return _refusal(PERCENT_NEGATIVE, fieldname, value=shown)
    return _refusal(PERCENT_RANGE, fieldname, value=shown, low="0%", high=f"{maximum.normalize():f}%")


def percent_example(locale: str | None = "en_US") -> str:
    """An accepted way to type a percent: `3,5` in id, `3.5` in en."""
    return format_decimal(Decimal("3.5"), locale=_locale(locale))


def format_percent(value: Decimal, locale: str | None = "en_US") -> str:
    """A percent (without the sign) as `parse_percent` reads it back in `locale`: `3,5` in id, `3.5` in en, every
    stored decimal shown (`2,7345`), none added (`3.5000` is `3,5`)."""
    return format_decimal(value, format="#,##0." + "#" * PERCENT_PLACES, locale=_locale(locale))


def parse_percent(
    text: str | int | Decimal | float | None,
    locale: str | None = "en_US",
    *,
    field: str | Message | None = None,
    maximum: Decimal = MAX_PERCENT,
    places: int = PERCENT_PLACES,
) -> Decimal | None:
    """One percent as typed in `locale` (an engagement rate in a form), exact; None for a blank field.

    `3,5` and `3,5 %` in id, `3.5` and `3.5%` in en; plain digits anywhere; a `.` in id only where it cannot
    group thousands (`3.5`; `12.500` is twelve thousand five hundred there, so refused as above 100). The text
    is always a percent (`0,5` is half a percent, never a fraction). It lies in [0, `maximum`] and has at most
    `places` decimals (more are refused, never rounded). Text, negatives, `inf` and exponents are refused.
    """
    if is_blank(text):
        return None
    example = percent_example(locale)
    shown = _shown(text)
    value = _from_number(text)
    if value is None and isinstance(text, str) and len(text) <= MAX_TEXT:
        body = _prepare(text)
        if body.endswith("%"):
            body = body[:-1].rstrip()
        negative, body = _take_sign(body)
        if body.endswith("%"):  # `-3,5%`, `- 3,5 %`
            body = body[:-1].rstrip()
        value = _locale_number(body, locale) if body else None
        if value is not None and negative:
            value = -value
    if value is None:
        raise _refusal(NOT_PERCENT, field, value=shown, example=example)
    if (problem := _percent_range(value, shown, field, maximum)) is not None:
        raise problem
    with localcontext(prec=2 * MAX_TEXT):
        if value != value.quantize(Decimal(1).scaleb(-places)):
            raise _refusal(PERCENT_DECIMALS, field, value=shown, places=places, example=example)
    return value


@dataclass(frozen=True)
class PercentColumn:
    """A column of rates read as percents (1.7 means 1.7 %): `scale` says how the file wrote them.

    `scale` is "fraction" when every value was at most 1 and none carried `%` (0.017 -> 1.7), "percent"
    otherwise, None when the column had no value. `values` has one entry per input (None for blanks and
    refused cells); `errors` maps the index of each refused cell to its ParseError; `ambiguous` holds the
    indexes among them refused because they could be a fraction or a percent (`0,045` beside `3,5%`).
    """

    scale: Literal["fraction", "percent"] | None
    values: tuple[Decimal | None, ...]
    errors: Mapping[int, ParseError] = dataclass_field(default_factory=dict)
    ambiguous: frozenset[int] = frozenset()


def parse_percent_or_fraction(
    values: Iterable[object], *, field: str | Message | None = None, maximum: Decimal = MAX_PERCENT
) -> PercentColumn:
    """Read a whole column of engagement rates (`1.7%`, `1,7`, `0.017`) and decide fractions or percents.

    A lone `.` or `,` is the decimal mark (rates are never grouped). The rule, value by value:
    - a value written with `%` is a percent (`3,5%` is 3.5 %);
    - a value above 1 without `%` is a percent (`4.2` is 4.2 %: a fraction is never above 1);
    - a value from 0 to 1 without `%` is a fraction (multiplied by 100) when the whole column is written so
      (no `%` and nothing above 1 anywhere in it); in a column that also holds percents it could be either
      (`0,045` is 0.045 % or 4.5 %), so it is refused (in `ambiguous`), never guessed. 0 is 0 either way.
    Each result lies in [0, `maximum`] %; a cell that is not a rate is refused on its own.
    """
    cells = list(values)
    read: dict[int, tuple[Decimal, bool]] = {}
    errors: dict[int, ParseError] = {}
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        number = _from_number(cell)
        if number is not None:
            read[index] = (number, False)
            continue
        match = _PERCENT.fullmatch(_prepare(cell)) if isinstance(cell, str) and len(cell) <= MAX_TEXT else None
        if match is None:
            errors[index] = _refusal(NOT_PERCENT, field, value=_shown(cell), example="1,7%")
            continue
        read[index] = (Decimal(match["number"].replace(",", ".")), match["sign"] is not None)
    scale: Literal["fraction", "percent"] | None = None
    if read:
        percents = any(sign or number > 1 for number, sign in read.values())
        scale = "percent" if percents else "fraction"
    ambiguous: set[int] = set()
    out: list[Decimal | None] = [None] * len(cells)
    for index, (number, sign) in read.items():
        if scale == "percent" and not sign and 0 < number <= 1:
            ambiguous.add(index)
            with localcontext(prec=2 * MAX_TEXT):
                as_fraction = _percent_text(number * 100)
            errors[index] = _refusal(
                N_(
                    "{value} could be {as_percent} or {as_fraction} (this column also holds percents); write it "
                    "with a % sign ({as_fraction} or {as_percent})."
                ),
                field,
                value=_shown(cells[index]),
                as_percent=_percent_text(number),
                as_fraction=as_fraction,
            )
            continue
        with localcontext(prec=2 * MAX_TEXT):
            percent = number * 100 if scale == "fraction" else number
        if (problem := _percent_range(percent, _shown(cells[index]), field, maximum)) is not None:
            errors[index] = problem
            continue
        out[index] = percent
    return PercentColumn(scale, tuple(out), dict(sorted(errors.items())), frozenset(ambiguous))


def _percent_text(number: Decimal) -> str:
    """`4.5%` for a rate in percent (no exponent, no trailing zeros)."""
    text = f"{number.normalize():f}"
    return f"{text}%"


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_ISO = re.compile(r"(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_NUMERIC = re.compile(r"(?P<a>[0-9]{1,2})(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
_ISO_DAY = re.compile(r"[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}")
# A time of day after a date (parse_date_with_time): `10:12`, `10:12:31`, `10.12.31`, `10:12:31.250`, `10:12 PM`,
# `T10:12:31Z`, `10:12:31 +07:00`. The date is the shortest start the rest of the text is a time after.
_TIME = re.compile(
    r"(?P<date>.+?)(?P<sep>T|,? )(?P<h>[0-9]{1,2})(?P<ts>[:.])(?P<mi>[0-9]{2})"
    r"(?:(?P=ts)(?P<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r"(?: ?(?P<ampm>[AaPp]\.?[Mm]\.?))?"
    r"(?P<zone>Z| ?[+-](?P<zh>[0-9]{2})(?::?(?P<zm>[0-9]{2}))?)?"
)
_DAY_MONTH = re.compile(r"(?P<d>[0-9]{1,2})[ -](?P<month>[^\W\d_]+)\.?,?[ -](?P<y>[0-9]{4})")
_MONTH_DAY = re.compile(r"(?P<month>[^\W\d_]+)\.? (?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y>[0-9]{4})")


@lru_cache(maxsize=64)
def _month_numbers(locale: str | None) -> Mapping[str, int]:
    """Month names and abbreviations (Babel) of `locale`, English and Bahasa Indonesia, lower case."""
    found: dict[str, int] = {}
    for name in (locale, "en", "en_GB", "id"):
        if name is None:
            continue
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, month in get_month_names(width, context, locale=_locale(name)).items():
                    found.setdefault(month.lower().rstrip("."), number)
    found.setdefault("agt", 8)  # the Indonesian abbreviation people write beside CLDR's "Agu"
    return found


@lru_cache(maxsize=64)
def day_first(locale: str | None) -> bool | None:
    """Whether `locale` writes day before month in numeric dates (id: 31/01/2026 -> True, en_US: 1/31 -> False);
    None without a locale. Read from Babel's short date pattern."""
    if locale is None:
        return None
    pattern = get_date_format("short", locale=_locale(locale)).pattern
    return pattern.find("d") < pattern.find("M")


def date_example(locale: str | None = None) -> str:
    """An accepted way to type a date: ISO `2026-01-31`, which every locale accepts."""
    return "2026-01-31"


DateOrderCode = Literal["dmy", "mdy"]  # how a numeric date orders its parts: day first, or month first
DATE_ORDERS: tuple[DateOrderCode, ...] = ("dmy", "mdy")


def parse_date(
    text: str | date | None,
    locale: str | None = None,
    *,
    field: str | Message | None = None,
    order: DateOrderCode | None = None,
) -> date:
    """A calendar date from 2000-01-01 to 2100-12-31.

    ISO `2026-01-31` (also `2026/01/31`, and `2026-01-31 00:00:00` as spreadsheets write it); numeric
    `31/01/2026`, `31-01-2026`, `31.01.2026` in `order` when given (`dmy`, `mdy`: a file column's, decided by
    `decide_date_order`), else in the locale's order (id: day first; en_US: `1/31/2026`, month first, as LinkedIn
    writes it); without either only when the order is plain (a part above 12); with month names `31 Jan 2026`,
    `31 Januari 2026`, `31-Jan-2026`, `Jan 31, 2026`. Two-digit years are refused.
    """
    return _parse_day(text, locale, field, order, with_time=False)


def parse_date_with_time(
    text: str | date | None,
    locale: str | None = None,
    *,
    field: str | Message | None = None,
    order: DateOrderCode | None = None,
) -> date:
    """The calendar day of a date written with or without a time of day, as shops' order exports write an order's
    moment: any date `parse_date` reads, then optionally a time, which is checked and dropped (the order counts on
    the day written).

    The time: after a space (or `, `; a `T` after an ISO date only) `HH:MM` or `HH:MM:SS` (also `HH.MM.SS`, as
    Bahasa Indonesia writes times), optional fractional seconds (`10:12:31.250`), optional `AM`/`PM` (`a.m.`,
    hours 1 to 12; else 0 to 23), optional `Z` or UTC offset (`+07:00`, `+0700`). An offset is not applied:
    the calendar day **as written** is the one returned, the day in the time zone the file writes (a shop's
    export writes the shop's local time; converting would move an order near midnight to another day).
    `2026-11-03 10:12`, `03/11/2026 10:12:31 AM`, `2026-11-03T10:12:31Z` and `3 Nov 2026 22:05` are read;
    `03/11/2026 25:00`, `03/11/2026 13:00 PM` and a time alone are refused.
    """
    return _parse_day(text, locale, field, order, with_time=True)


def _parse_day(
    text: str | date | None,
    locale: str | None,
    field: str | Message | None,
    order: DateOrderCode | None,
    *,
    with_time: bool,
) -> date:
    if order is not None and order not in DATE_ORDERS:
        raise ValueError(f"unknown date order {order!r}")
    example = date_example(locale)
    if text is None or (isinstance(text, str) and not _prepare(text)):
        raise _empty(field, example)
    shown = _shown(text)
    not_date = _refusal(N_("{value} is not a date; type it like {example}."), field, value=shown, example=example)
    if isinstance(text, datetime):
        if text.time() != time(0) and not with_time:
            raise not_date
        day = text.date()
    elif isinstance(text, date):
        day = text
    elif isinstance(text, str):
        body = _prepare(text)
        if len(body) > MAX_TEXT:
            raise not_date
        if with_time:
            body = _without_time(body, not_date)
        first = None if order is None else order == "dmy"
        day = _read_date(body, locale, field, shown, example, not_date, first)
    else:
        raise not_date
    # typed text is shown as typed; a picked date is a day, written as the reader writes dates
    value: str | Day = shown if isinstance(text, str) else Day(day)
    if day < EARLIEST:
        raise _refusal(
            N_("{value} is before {bound}, the earliest date allowed."), field, value=value, bound=Day(EARLIEST)
        )
    if day > LATEST:
        raise _refusal(N_("{value} is after {bound}, the latest date allowed."), field, value=value, bound=Day(LATEST))
    return day


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _read_date(
    text: str,
    locale: str | None,
    fieldname: str | Message | None,
    shown: str,
    example: str,
    not_date: ParseError,
    order_day_first: bool | None = None,
) -> date:
    if len(text) > MAX_TEXT:
        raise not_date
    parts: tuple[int, int, int] | None = None  # year, month, day
    if match := _ISO.fullmatch(text):
        parts = int(match["y"]), int(match["m"]), int(match["d"])
    elif match := _NUMERIC.fullmatch(text):
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        first = order_day_first if order_day_first is not None else day_first(locale)
        if first is None:
            if a > 12 >= b:
                first = True
            elif b > 12 >= a:
                first = False
            elif a == b:
                first = True
            else:
                raise _refusal(
                    N_("{value} could be day/month or month/day; type it like {example}."),
                    fieldname,
                    value=shown,
                    example=example,
                )
        parts = (year, b, a) if first else (year, a, b)
        if not _is_date(*parts) and _is_date(parts[0], parts[2], parts[1]):
            order = N_("day/month/year") if first else N_("month/day/year")
            raise _refusal(
                N_("{value} is not a date in {order} order; type it like {example}."),
                fieldname,
                value=shown,
                order=Message(order),
                example=example,
            )
    elif (match := _DAY_MONTH.fullmatch(text)) or (match := _MONTH_DAY.fullmatch(text)):
        month = _month_numbers(locale).get(match["month"].lower())
        if month is None:
            raise not_date
        parts = int(match["y"]), month, int(match["d"])
    if parts is None:
        raise not_date
    try:
        return date(*parts)
    except ValueError:
        raise not_date from None


def _without_time(text: str, not_date: ParseError) -> str:
    """`text` without its time of day (checked: a real time, `AM`/`PM` with hours 1 to 12, a `T` after an ISO
    date only, an offset of at most 14 hours); `text` itself when it ends in no time."""
    match = _TIME.fullmatch(text)
    if match is None:
        return text
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    good = (1 <= hour <= 12 if match["ampm"] else hour <= 23) and minute <= 59 and second <= 59
    if match["sep"] == "T" and not _ISO_DAY.fullmatch(match["date"]):
        good = False
    if match["zh"] is not None and (int(match["zh"]) > 14 or int(match["zm"] or 0) > 59):
        good = False
    if not good:
        raise not_date
    return match["date"]


# ---------------------------------------------------------------------------------------------
# The date order of a file column
# ---------------------------------------------------------------------------------------------

DATE_ORDER_MIXED = N_(
    "the dates of column '{column}' are written both day first ({day_value} in row {day_row}) and month first "
    "({month_value} in row {month_row}); export the file again with one date format"
)
DATE_ORDER_UNKNOWN = N_(
    "the dates of column '{column}' could be day/month/year or month/day/year ({first} in row {first_row}, "
    "{second} in row {second_row}): none of them has a part above 12, and the file's language does not say "
    "which; {fix}"
)
DATE_ORDER_UNKNOWN_ONE = N_(
    "the date of column '{column}' could be day/month/year or month/day/year ({first} in row {first_row}): "
    "neither part is above 12, and the file's language does not say which; {fix}"
)
DATE_ORDER_FIX = N_("say which order the file writes")
# How a person says the order, for an import with a command line option `--date-order` and a "Date order" select
# on its page (`date_order_fix`), and the refusal of an order that is neither `dmy` nor `mdy`.
DATE_ORDER_OPTION = N_("give the order: --date-order dmy (day/month/year) or --date-order mdy (month/day/year)")
DATE_ORDER_OPTION_PAGE = N_("choose it in Date order above (day/month/year or month/day/year)")
NOT_A_DATE_ORDER = N_("{value} is not a date order; use dmy (day/month/year) or mdy (month/day/year)")
DATES_READ = {  # what decided a date column's order, as previews and command lines say it (`dates_read`)
    ("values", "dmy"): N_("Dates of column '{column}' are read day/month/year ({value} in row {row})."),
    ("values", "mdy"): N_("Dates of column '{column}' are read month/day/year ({value} in row {row})."),
    ("language", "dmy"): N_(
        "Dates of column '{column}' are read day/month/year (its headers are in Bahasa Indonesia)."
    ),
    ("chosen", "dmy"): N_("Dates of column '{column}' are read day/month/year, as chosen."),
    ("chosen", "mdy"): N_("Dates of column '{column}' are read month/day/year, as chosen."),
}


@dataclass(frozen=True)
class DateOrder:
    """How one file column writes its numeric dates (`31/01/2026`), decided once for the whole column.

    `order` is `dmy` or `mdy`, or None when nothing decides it (then `problem` says why, unless the column has no
    date that reads two ways: ISO dates, month names, `05/05/2026`). `source` says what decided: `values` (a
    part above 12, `evidence` the row and value), `language` (the file's language) or `chosen` (the person).
    `needs_choice` is True when neither the values nor the language decide, whatever was chosen: a page then
    offers the choice.
    """

    order: DateOrderCode | None
    source: Literal["values", "language", "chosen"] | None = None
    evidence: tuple[int, str] | None = None
    needs_choice: bool = False
    problem: Message | None = None


def _numeric_parts(cell: object) -> tuple[int, int] | None:
    """The first two parts of a numeric date (`03/11/2026 10:12:31 AM` -> (3, 11)), or None for any other cell."""
    if not isinstance(cell, str) or len(cell) > MAX_TEXT:
        return None
    text = _prepare(cell)
    if match := _TIME.fullmatch(text):
        text = match["date"]
    match = _NUMERIC.fullmatch(text)
    return (int(match["a"]), int(match["b"])) if match else None


def decide_date_order(
    cells: Iterable[tuple[int, object]],
    *,
    column: str,
    locale: str | None = None,
    chosen: DateOrderCode | None = None,
    fix: Message | None = None,
) -> DateOrder:
    """The order of the numeric dates of one file column, as spreadsheet tools decide it: the one rule of every
    import that reads such a column (`cells` are its (row, value) pairs, `column` its header).

    - `chosen` (the person's `dmy` or `mdy`) wins; a date the other way round is then refused by the reader;
    - else a value whose first part is above 12 (`25/11/2026`) makes the column day first, one whose second part
      is above 12 (`11/25/2026`) month first; both in one column is refused naming the two rows (`problem`);
    - else (every value's parts at most 12) `locale`, the file's language when it says the order (`id`: day
      first; an English file does not, `en_US` and `en_GB` differ: pass None), decides;
    - else the column is refused naming it and two of its values, with `fix` (how the person says the order).
    Values that read the same both ways (`05/05/2026`), ISO dates and month names need no order.
    """
    day_value: tuple[int, str] | None = None
    month_value: tuple[int, str] | None = None
    either: list[tuple[int, str]] = []
    for row, cell in cells:
        parts = _numeric_parts(cell)
        if parts is None:
            continue
        a, b = parts
        value = (row, _shown(cell))
        if a > 12 >= b and day_value is None:
            day_value = value
        elif b > 12 >= a and month_value is None:
            month_value = value
        elif a <= 12 and b <= 12 and a != b and len(either) < 2:
            either.append(value)
    settled = day_value is not None or month_value is not None
    language = day_first(locale)
    needs_choice = not settled and bool(either) and language is None
    if chosen is not None:
        if chosen not in DATE_ORDERS:
            raise ValueError(f"unknown date order {chosen!r}")
        return DateOrder(chosen, "chosen", needs_choice=needs_choice)
    if day_value is not None and month_value is not None:
        mixed = {
            "column": column,
            "day_value": day_value[1],
            "day_row": day_value[0],
            "month_value": month_value[1],
            "month_row": month_value[0],
        }
        return DateOrder(None, problem=Message(DATE_ORDER_MIXED, mixed))
    if day_value is not None:
        return DateOrder("dmy", "values", day_value)
    if month_value is not None:
        return DateOrder("mdy", "values", month_value)
    if not either:
        return DateOrder(None)
    if language is not None:
        return DateOrder("dmy" if language else "mdy", "language")
    params: dict[str, Any] = {
        "column": column,
        "first": either[0][1],
        "first_row": either[0][0],
        "fix": fix or Message(DATE_ORDER_FIX),
    }
    if len(either) > 1:
        params |= {"second": either[1][1], "second_row": either[1][0]}
        return DateOrder(None, needs_choice=True, problem=Message(DATE_ORDER_UNKNOWN, params))
    return DateOrder(None, needs_choice=True, problem=Message(DATE_ORDER_UNKNOWN_ONE, params))


def date_order_fix() -> Message:
    """The `fix` of `decide_date_order` for an import offering `--date-order` on its command line and a "Date
    order" select on its page (`pages.components.date_order`): each names its own."""
    return Message(DATE_ORDER_OPTION, page_text=DATE_ORDER_OPTION_PAGE)


def dates_read(decided: DateOrder, column: str) -> Message | None:
    """What decided the order of column `column`'s numeric dates, as an import's preview and command line say it
    ("Dates of column 'Tanggal' are read day/month/year (25/11/2026 in row 3)."); None when nothing needed
    deciding (no date reads two ways) or nothing decided (`DateOrder.problem` says why)."""
    template = DATES_READ.get((decided.source or "", decided.order or ""))
    if template is None:
        return None
    params: dict[str, object] = {"column": column}
    if decided.evidence is not None:
        params |= {"row": decided.evidence[0], "value": decided.evidence[1]}
    return Message(template, params)
