"""The number convention of one imported report file, decided once from all its figures (`NumberRule`), and the
check every figure of such a file passes before it is read in that convention (`figure_problem`).

Shared by the Meta Ads Manager import (campaigns/adsmanager_rows.py) and the TikTok / Google Ads / LinkedIn report
imports (campaigns/platform_import.py); each passes its own wording (`NumberTexts`) so a message can say which
export to upload again. The marks one figure proves come from `db.parse.number_marks`. An import may let the
person choose the decimal mark (`decide(..., chosen=...)`: the FX rates, promo sales and results imports'
`--decimal-mark` and "Decimal mark" select): the choice wins over the figures and the headers, and a figure that
proves the other mark is refused (`figure_problem`). A workbook's number cell (not text: `db.tabular.Row.numbers`)
holds one value whatever the sheet's language: it proves no convention and is read as the number it is
(`workbook_figure`), the way a spreadsheet reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal

from db.errors import N_, Message
from db.money import precision
from db.parse import number_marks
from db.tabular import Table

LOCALE_BY_DECIMAL = {".": "en_US", ",": "id"}  # Babel locales writing `1,250,000.50` and `1.250.000,50`
REASON_VALUE = N_("{value} in row {row}")
REASON_HEADERS = {"id": N_("its headers are in Bahasa Indonesia"), "en": N_("its headers are in English")}
KIND_COUNTS = N_("counts")
KIND_AMOUNTS = N_("{currency} amounts")
REASON_CHOSEN = N_("you chose it")
READ_WITH = N_("Figures read with '{mark}' as the decimal mark ({reason}).")
DECIMAL_MARKS = (".", ",")  # the decimal marks a person may choose for a file (`decide(..., chosen=...)`)
NOT_A_DECIMAL_MARK = N_("{value} is not a decimal mark; use . (1,250.50) or , (1.250,50)")
CONTRADICTS = N_(
    "{value} writes '{other}' as its decimal mark, but the decimal mark chosen is '{mark}'; correct the figure, or "
    "choose '{other}' if the whole file writes it so."
)
# How a person chooses the decimal mark, for an import with a command line option `--decimal-mark` and a "Decimal
# mark" select on its page (`decimal_mark_fix`): each names its own.
DECIMAL_MARK_OPTION = N_("give the decimal mark with --decimal-mark (. or ,)")
DECIMAL_MARK_OPTION_PAGE = N_("choose the decimal mark above")


@dataclass(frozen=True)
class NumberTexts:
    """An import's wording of the refusals: `mixed` (params value, dot, dot_row, comma, comma_row), `ambiguous`
    (params value, small, large, mark, reason, kind, fix) and `contradicts`, a figure that proves the other mark
    than the one chosen (params value, other, mark)."""

    mixed: str
    ambiguous: str
    contradicts: str = CONTRADICTS
    choice: bool = False  # the import offers the decimal mark choice: `ambiguous` says how (`decimal_mark_fix`)


@dataclass(frozen=True)
class NumberRule:
    """How one file writes its figures, decided once for the whole file (as a spreadsheet's import does).

    `decimal` is the decimal mark (the other of `.` and `,` groups thousands) and `locale` the Babel locale that
    writes numbers so; `reason` says where the rule comes from (a figure that proves it, else the header
    language, or the person's choice: `chosen`). `mixed` holds the first figure of each convention when the file
    proves both: then no figure whose reading depends on the marks is read.
    """

    decimal: str
    reason: Message
    mixed: Message | None = None

    @property
    def locale(self) -> str:
        return LOCALE_BY_DECIMAL[self.decimal]

    @property
    def proven(self) -> bool:
        """Whether a figure of the file proves the rule; else its header language chose it (or the file mixes)."""
        return self.mixed is None and self.reason.text == REASON_VALUE

    @property
    def chosen(self) -> bool:
        """Whether the person chose the decimal mark (`decide(..., chosen=...)`): it wins over every figure."""
        return self.reason.text == REASON_CHOSEN

    def read_with(self) -> Message:
        """What an import says about its figures: `Figures read with ',' as the decimal mark (1.250.000 in row 2).`"""
        return Message(READ_WITH, {"mark": self.decimal, "reason": self.reason})


def shown(value: str) -> str:
    """A cell as quoted in a message (at most 40 characters)."""
    return value if len(value) <= 40 else value[:39] + "…"


def decimal_mark_fix() -> Message:
    """The `fix` param of an `ambiguous` refusal for an import offering `--decimal-mark` on its command line and a
    "Decimal mark" select on its page (`pages.components.decimal_mark`): each names its own."""
    return Message(DECIMAL_MARK_OPTION, page_text=DECIMAL_MARK_OPTION_PAGE)


def decide(
    table: Table,
    keys: Iterable[tuple[str, str | None]],
    language: str,
    texts: NumberTexts,
    *,
    chosen: str | None = None,
) -> NumberRule:
    """The file's number convention: the decimal mark the person `chosen` (`.` or `,`: it wins, and a figure
    proving the other mark is refused by `figure_problem`), else the one its figures prove (`1.250.000`,
    `1.250.000,50`, `1,250,000.50`, `100000.5`), else its header language's (Bahasa Indonesia `id`: `,`; English:
    `.`). A `chosen` that is neither mark is a `ValueError` (callers check it against `DECIMAL_MARKS` first).

    `keys` are the table keys of the figure columns, each with the currency of its amounts (None for counts). Rows
    the reader flagged (cut off, more cells than the header) take no part: `1.25` left of a cut `1.250.000` must
    not make every figure of the file ambiguous; they are rejected with the reader's reason."""
    if chosen is not None:
        if chosen not in DECIMAL_MARKS:
            raise ValueError(f"not a decimal mark: {chosen!r}")
        return NumberRule(chosen, Message(REASON_CHOSEN))
    keys = list(keys)
    first: dict[str, tuple[int, str]] = {}
    for row in table.rows:
        if row.problems:
            continue
        for key, code in keys:
            if table.typed_number(row, key):
                continue  # a number cell, not text: it says nothing of how the file writes figures
            text = table.cell(row, key).strip()
            mark = number_marks(text, code).decimal if text else None
            if mark is not None and mark not in first:
                first[mark] = (row.line, text)
        if len(first) == 2:
            break
    by_language = "," if language == "id" else "."
    language_reason = Message(REASON_HEADERS["id" if language == "id" else "en"])
    if len(first) == 2:
        (dot_row, dot), (comma_row, comma) = first["."], first[","]
        params = {"dot": shown(dot), "dot_row": dot_row, "comma": shown(comma), "comma_row": comma_row}
        return NumberRule(by_language, language_reason, Message(texts.mixed, params))
    if first:
        decimal, (line, text) = next(iter(first.items()))
        return NumberRule(decimal, Message(REASON_VALUE, {"value": shown(text), "row": line}))
    return NumberRule(by_language, language_reason)


def workbook_figure(value: str, rule: NumberRule) -> str:
    """A workbook's number cell (`db.tabular.Table.typed_number`) as text the file's rule reads as that number: the
    reader wrote the number itself (`1234.5`, `-0.085`: a point, no grouping; `db.xls_child.cell_text`), so under
    `,` as the decimal mark its point becomes the comma (`1234,5`). Such a cell is never refused as reading two
    ways or as proving the other mark: it holds one value, whatever the file's convention or the person's choice."""
    return value.replace(".", ",") if rule.decimal == "," else value


def checked_figure(
    value: str, currency: str | None, rule: NumberRule, texts: NumberTexts, *, typed: bool = False
) -> tuple[str, Message | None]:
    """A figure's text to read in the file's rule and why it cannot be read (None when it can): a workbook number
    cell (`typed`) as `workbook_figure` writes it, never refused; any other cell as written, by `figure_problem`."""
    if typed:
        return workbook_figure(value, rule), None
    return value, figure_problem(value, currency, rule, texts)


def figure_problem(value: str, currency: str | None, rule: NumberRule, texts: NumberTexts) -> Message | None:
    """Why `value` cannot be read in the file's rule, else None: a figure the file's two conventions would read
    differently, or a mark that reads as a fraction of what has no decimals (`750.000` for an IDR amount or a
    count where `.` is the file's decimal mark). `currency` None: a count. Under a mark the person chose only a
    figure proving the other mark is refused (`15.750,25` when `.` was chosen): the choice reads every other."""
    marks = number_marks(value, currency)
    if rule.chosen:
        if marks.decimal is None or marks.decimal == rule.decimal:
            return None
        return Message(texts.contradicts, {"value": shown(value), "other": marks.decimal, "mark": rule.decimal})
    if rule.mixed is not None and (marks.decimal or marks.either):
        return Message(rule.mixed.text, {**rule.mixed.params, "value": shown(value)})
    whole = currency is None or precision(currency) == 0
    if marks.either is not None and marks.either == rule.decimal and whole:
        head, _mark, tail = value.removesuffix(",-").removesuffix(",–").rpartition(marks.either)
        digits, tail = "".join(ch for ch in head if ch.isdigit()), tail[:3]
        small = format_decimal(Decimal(f"{digits}.{tail}"), format="0.###", locale=rule.locale)
        kind = Message(KIND_COUNTS) if currency is None else Message(KIND_AMOUNTS, {"currency": currency})
        params: Mapping[str, object] = {
            "value": shown(value),
            "small": small,
            "large": digits + tail,
            "mark": rule.decimal,
            "reason": rule.reason,
            "kind": kind,
        }
        if texts.choice:
            params = {**params, "fix": decimal_mark_fix()}
        return Message(texts.ambiguous, dict(params))
    return None


class FigureCells:
    """A row's cell reader that reads figures by a file's number rule: `figure` is the one check every figure of
    an import passes (`figure_problem`), its refusal noted on the cell's column. The reader gives `numbers` (the
    file's rule), `number_texts` (its import's wording), `raw` (a cell's text, None when empty) and `fail`."""

    numbers: NumberRule
    number_texts: NumberTexts

    def raw(self, name: str) -> str | None:
        raise NotImplementedError

    def fail(self, name: str, message: Message) -> None:
        raise NotImplementedError

    def typed(self, name: str) -> bool:
        """Whether the cell is a workbook number cell (`db.tabular.Table.typed_number`); none in a CSV file."""
        return False

    def figure(self, name: str, currency: str | None) -> str | None:
        """A figure's text when the file's number rule can read it; else None, the refusal noted: a figure the
        file's two conventions would read differently, or a mark that reads as a fraction of what has no
        decimals (`750.000` for an IDR amount or a count, where `.` is the file's decimal mark). A workbook's
        number cell is read as the number it holds (`workbook_figure`)."""
        value = self.raw(name)
        if value is None:
            return None
        value, problem = checked_figure(value, currency, self.numbers, self.number_texts, typed=self.typed(name))
        if problem is not None:
            self.fail(name, problem)
            return None
        return value
