"""Reading an Ads Manager export into typed rows: columns by name (English or Bahasa Indonesia, current and older
spellings), the level the file describes, its breakdowns, and every cell through `db.parse` / `db.text`.

`open_export(data, file_name)` reads the file with the one tabular reader and maps its columns (a file that
cannot be used raises `AdsManagerFileError`, one sentence). `read_rows(layout, currency)` then reads each row:
names, IDs, dates, amounts and counts, each refusal kept with its row and column, summary and subtotal rows
recognised. No database here: `campaigns.adsmanager` resolves identities and writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from campaigns import adsmanager_headers as vocabulary
from campaigns.meta_settings import CONVERSION_EVENTS
from campaigns.number_rule import (
    FigureCells,
    NumberRule,
    NumberTexts,
    decide,
    shown,
)
from db.errors import N_, Day, DomainError, Message
from db.money import quantize
from db.parse import (
    ParseError,
    count_example,
    is_blank,
    parse_amount,
    parse_count,
    parse_date,
)
from db.tabular import DEFAULT_LIMITS, Limits, Row, Table, excel_damage, read_table, split_currency, summary_row
from db.text import TextError, clean_text

ZERO = Decimal(0)
STORED_DECIMALS = 4  # db.types.Money keeps four decimals
LEVEL_WORDS = {"account": N_("account"), "campaign": N_("campaign"), "adset": N_("ad set"), "ad": N_("ad")}
# Result indicators (older exports: "actions:offsite_conversion.fb_pixel_purchase") that are conversions.
CONVERSION_ACTIONS: dict[str, str] = {
    action: event for event in ("purchase", "lead", "app_install") for action in CONVERSION_EVENTS[event]
}


class AdsManagerFileError(DomainError):
    """An Ads Manager file that cannot be imported as it is: one sentence saying what to change."""


# --- messages -----------------------------------------------------------------------------------------------------

NO_SPEND = N_(
    "The file has no spend column ('Amount spent (IDR)' or 'Jumlah yang dibelanjakan (IDR)'); export the "
    "report again with the Amount spent column."
)
NO_DATES = N_(
    "The file has no date column ('Reporting starts' or 'Day'; 'Awal pelaporan' or 'Hari'); export the report "
    "again with them."
)
TWO_CURRENCIES = N_(
    "The file's money columns are in {currencies}; export one ad account (one currency) per file and upload it again."
)
NO_DATA_ROWS = N_(
    "The file has no campaign, ad set, ad or account rows below its header; export the report again with a "
    "date range that has delivery."
)
TWO_ACCOUNTS = N_("The file holds rows of {count} ad accounts ({accounts}); export one ad account per file.")
BAD_ID = N_("'{value}' is not a Meta ID (digits only).")
NO_IDENTITY = N_("The row names no {level}: both {columns} are empty.")
NO_DATE = N_("The row has no date: {columns} are empty.")
END_BEFORE_START = N_("{end} is before the start of the row's period, {start}.")
FUTURE_DAY = N_(
    "{value} is after today ({today}) in the ad account's time zone: Meta cannot report spend for days that have "
    "not happened; check the date, or export the report again."
)
# A row may be dated one day after the account's today: the export's clock may be a time zone ahead.
FUTURE_DAYS_ALLOWED = 1
TOO_MANY_DECIMALS = N_("{value} has more than {digits} decimals; Pantau keeps amounts to {digits} decimals.")
OTHER_CURRENCY = N_("The row is in {currency}, but the file is in {expected}; export one currency per file.")
NOT_A_COUNT = N_("{value} is not a count; type it like {example}.")
AMBIGUOUS_FIGURE = N_(
    "{value} could be {small} or {large}: this file writes '{mark}' as its decimal mark ({reason}), but {kind} "
    "have no decimals; upload the file as Ads Manager exported it, or write the figure without thousands "
    "separators."
)
MIXED_NUMBERS = N_(
    "{value} cannot be read for sure: the file writes numbers both with '.' as the decimal mark ({dot} in row "
    "{dot_row}) and with ',' ({comma} in row {comma_row}); upload the file as Ads Manager exported it, or write "
    "every figure one way."
)
NUMBER_TEXTS = NumberTexts(mixed=MIXED_NUMBERS, ambiguous=AMBIGUOUS_FIGURE)
DUPLICATE_ROW_ID = N_("The row repeats row {other}: the same {level}, dates and breakdown; remove one of them.")
DUPLICATE_ROW = N_(
    "The row has the same {level}, dates and breakdown as row {other}; remove one of them, or export with the "
    "'{id_column}' column if they are two {level}s sharing a name."
)


# --- results --------------------------------------------------------------------------------------------------------


@dataclass
class Metrics:
    """The figures of one row (or of rows added up): spend and values in the file's currency, exact."""

    spend: Decimal = ZERO
    impressions: int = 0
    clicks: int = 0
    link_clicks: int | None = None
    reach: int | None = None  # a unique count: kept for one row, dropped when rows are added up
    conversions: Decimal = ZERO
    conversion_value: Decimal = ZERO
    actions: dict[str, Decimal] = field(default_factory=dict)
    action_values: dict[str, Decimal] = field(default_factory=dict)

    def plus(self, other: Metrics) -> Metrics:
        """The two added up (reach, which cannot be added, becomes unknown)."""
        return Metrics(
            spend=self.spend + other.spend,
            impressions=self.impressions + other.impressions,
            clicks=self.clicks + other.clicks,
            link_clicks=_add(self.link_clicks, other.link_clicks),
            reach=None,
            conversions=self.conversions + other.conversions,
            conversion_value=self.conversion_value + other.conversion_value,
            actions=_merge(self.actions, other.actions),
            action_values=_merge(self.action_values, other.action_values),
        )

    def values(self, currency: str) -> dict[str, object]:
        """Column values for an insight row (raw action lists as Meta's `[{action_type, value}]`)."""
        return {
            "currency": currency,
            "spend": self.spend,
            "impressions": self.impressions,
            "clicks": self.clicks,
            "link_clicks": self.link_clicks,
            "reach": self.reach,
            "actions": _as_list(self.actions),
            "action_values": _as_list(self.action_values),
            "conversions": self.conversions,
            "conversion_value": self.conversion_value,
        }


def total(metrics: Iterable[Metrics]) -> Metrics:
    """Several rows added up; one row stays as it is (its reach too)."""
    items = list(metrics)
    if len(items) == 1:
        return items[0]
    result = Metrics()
    for item in items:
        result = result.plus(item)
    return result


def _add(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else a + b


def _merge(a: dict[str, Decimal], b: dict[str, Decimal]) -> dict[str, Decimal]:
    merged = dict(a)
    for key, value in b.items():
        merged[key] = merged.get(key, ZERO) + value
    return merged


def _as_list(values: dict[str, Decimal]) -> list[dict[str, str]] | None:
    return [{"action_type": key, "value": str(value)} for key, value in sorted(values.items())] or None


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be imported: the column as written ("" for the whole row) and a translatable reason."""

    column: str
    message: Message

    @property
    def reason(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Rejected:
    """A row left out, with every reason."""

    line: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class FileRow:
    """One data row: who it is about (the file's names and IDs), its period, breakdown values and figures."""

    line: int
    level: str  # account | campaign | adset | ad
    start: dt.date
    end: dt.date  # inclusive; equal to start for a daily row
    metrics: Metrics
    account_id: str | None = None
    account_name: str | None = None
    campaign_id: str | None = None
    campaign_name: str | None = None
    adset_id: str | None = None
    adset_name: str | None = None
    ad_id: str | None = None
    ad_name: str | None = None
    breakdown: tuple[str, ...] = ()  # values, in the order of `Layout.breakdowns`
    delivery: str | None = None  # the delivery cell as written (`active`, `inactive`)
    status: str | None = None  # the configured status it gives (`vocabulary.DELIVERY_STATUS`), else None
    campaign_pk: int | None = None  # set when the campaign was found through the row's ad set
    results: tuple[ResultKind, int] | None = None  # what the row's Results (when above 0) count, and how many

    @property
    def daily(self) -> bool:
        return self.start == self.end

    def campaign_ref(self) -> tuple[str, str] | None:
        """How the file names the row's campaign: ("id", ID) when it gives one, else ("name", name); ("pk", ...)
        when the campaign was found through the row's ad set."""
        if self.campaign_pk is not None:
            return ("pk", str(self.campaign_pk))
        if self.campaign_id:
            return ("id", self.campaign_id)
        if self.campaign_name:
            return ("name", self.campaign_name)
        return None

    def adset_ref(self) -> tuple[str, str] | None:
        if self.adset_id:
            return ("id", self.adset_id)
        if self.adset_name:
            return ("name", self.adset_name)
        return None

    def ad_ref(self) -> tuple[str, str] | None:
        if self.ad_id:
            return ("id", self.ad_id)
        if self.ad_name:
            return ("name", self.ad_name)
        return None


@dataclass(frozen=True)
class Layout:
    """A file read and its columns mapped, before any row is read."""

    table: Table
    columns: dict[str, str]  # field -> table key (first column of that meaning)
    level: str
    breakdowns: tuple[str, ...]  # breakdown fields present, in the file's column order
    file_currency: str | None  # from the money headers' (CUR) suffix, or a Currency column
    ignored: tuple[str, ...]  # headers no field reads
    accounts: tuple[tuple[str | None, str | None], ...]  # distinct (Account ID, Account name) cells of the file
    language: str = "en"  # of the headers: "id" (Bahasa Indonesia) or "en"

    def header(self, name: str) -> str:
        """The column of `name` as the file writes it (for messages)."""
        return self.table.column_name(self.columns[name]) if name in self.columns else name

    @property
    def breakdown_label(self) -> str:
        return ",".join(self.breakdowns)


@dataclass
class ExportRows:
    """Every row of the file read: the data rows, the rows left out with reasons, and the summary rows."""

    layout: Layout
    currency: str
    rows: list[FileRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    summary_lines: list[int] = field(default_factory=list)
    file_total: Decimal | None = None  # spend of the file's own total row, when it has exactly one


# --- the file and its columns ---------------------------------------------------------------------------------------


def open_export(data: bytes, file_name: str, *, limits: Limits = DEFAULT_LIMITS) -> Layout:
    """Read the file (any encoding, delimiter, line ending, XLSX/XLS) and map its columns.

    Raises `TabularError` when the file cannot be read and `AdsManagerFileError` when it is not an Ads Manager
    export this import can use (no spend or date column, two currencies, two accounts, no data rows).
    """
    table = read_table(data, file_name, header=vocabulary.ALL_ALIASES, limits=limits)
    columns: dict[str, str] = {}
    currencies: set[str] = set()
    ignored: list[str] = []
    aliases: list[str] = []
    for key in table.keys:
        base, currency = split_currency(key)
        name = vocabulary.FIELD_BY_ALIAS.get(key) or (vocabulary.FIELD_BY_ALIAS.get(base) if currency else None)
        if name is None:
            if table.column_name(key):
                ignored.append(table.column_name(key))
            continue
        alias = key if key in vocabulary.FIELD_BY_ALIAS else base
        aliases.insert(0 if name == "spend" and "spend" not in columns else len(aliases), alias)
        if currency and name in vocabulary.MONEY:
            currencies.add(currency)
        columns.setdefault(name, key)
    if "spend" not in columns:
        raise AdsManagerFileError(NO_SPEND)
    if not ({"day", "reporting_starts"} & columns.keys()):
        raise AdsManagerFileError(NO_DATES)
    currency_column = columns.get("currency")
    if currency_column:
        currencies |= {table.cell(row, currency_column).strip().upper() for row in table.rows} - {""}
    if len(currencies) > 1:
        raise AdsManagerFileError(TWO_CURRENCIES, currencies=", ".join(sorted(currencies)))
    present = [
        level for level, names in vocabulary.LEVELS.items() if any(name in columns for name in names)
    ]  # most specific first
    level = present[0] if present else "account"
    order = {key: position for position, key in enumerate(table.keys)}
    breakdowns = tuple(sorted((n for n in vocabulary.BREAKDOWNS if n in columns), key=lambda n: order[columns[n]]))
    accounts = _file_accounts(table, columns)
    if len({account_id or name for account_id, name in accounts}) > 1:
        shown = ", ".join(sorted(account_id or name or "?" for account_id, name in accounts)[:3])
        raise AdsManagerFileError(TWO_ACCOUNTS, count=len(accounts), accounts=shown)
    if not table.rows:
        raise AdsManagerFileError(NO_DATA_ROWS)
    return Layout(
        table=table,
        columns=columns,
        level=level,
        breakdowns=breakdowns,
        file_currency=next(iter(currencies), None),
        ignored=tuple(ignored),
        accounts=accounts,
        language=vocabulary.header_language(aliases),
    )


def _file_accounts(table: Table, columns: dict[str, str]) -> tuple[tuple[str | None, str | None], ...]:
    id_key, name_key = columns.get("account_id"), columns.get("account_name")
    if not id_key and not name_key:
        return ()
    found: dict[tuple[str | None, str | None], None] = {}
    for row in table.rows:
        raw_id = table.cell(row, id_key).strip() if id_key else ""
        name = table.cell(row, name_key).strip() if name_key else ""
        if is_blank(raw_id) and is_blank(name):
            continue
        account_id: str | None = raw_id.removeprefix(vocabulary.ACCOUNT_ID_PREFIX) if not is_blank(raw_id) else None
        if account_id is not None and not account_id.isdigit():
            continue  # refused on its row
        found.setdefault((account_id, None if is_blank(name) else name), None)
    by_identity: dict[str, tuple[str | None, str | None]] = {}
    for found_id, found_name in found:
        by_identity.setdefault(found_id or (found_name or "").lower(), (found_id, found_name))
    return tuple(by_identity.values())


# --- numbers --------------------------------------------------------------------------------------------------------

# The figures the import reads (`_metrics`): the file's number convention is decided from all of them.
AMOUNT_FIELDS = ("spend", "purchase_value", "shared_purchase_value", "results_value")
COUNT_FIELDS = ("impressions", "clicks_all", "link_clicks", "reach", "results", "purchases", "shared_purchases")


def number_rule(layout: Layout, currency: str) -> NumberRule:
    """The file's number convention (campaigns.number_rule.decide) from its amounts in `currency` and counts."""
    fields = [(name, currency) for name in AMOUNT_FIELDS] + [(name, None) for name in COUNT_FIELDS]
    keys = [(layout.columns[name], code) for name, code in fields if name in layout.columns]
    return decide(layout.table, keys, layout.language, NUMBER_TEXTS)


# --- rows -----------------------------------------------------------------------------------------------------------


class _Cells(FigureCells):
    """One row's cells read by field; every refusal is collected with its column."""

    number_texts = NUMBER_TEXTS

    def __init__(
        self, layout: Layout, row: Row, currency: str, numbers: NumberRule, today: dt.date | None = None
    ) -> None:
        self.layout, self.row, self.currency, self.numbers = layout, row, currency, numbers
        self.today = today
        self.problems: list[Problem] = [Problem("", message) for message in row.problems]
        self.results: tuple[ResultKind, int] | None = None

    def has(self, name: str) -> bool:
        return name in self.layout.columns

    def raw(self, name: str) -> str | None:
        key = self.layout.columns.get(name)
        if key is None:
            return None
        text = self.layout.table.cell(self.row, key).strip()
        # Only what Meta writes for "nothing" is empty: a `NaN` or `NULL` in a figure is refused, not zero.
        return None if text in vocabulary.EMPTY_VALUES else text

    def typed(self, name: str) -> bool:
        key = self.layout.columns.get(name)
        return key is not None and self.layout.table.typed_number(self.row, key)

    def fail(self, name: str, message: Message) -> None:
        self.problems.append(Problem(self.layout.header(name), message))

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return clean_text(value, field=self.layout.header(name), max_length=400) or None
        except TextError as exc:
            self.fail(name, exc.message)
            return None

    def meta_id(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        damage = self.layout.table.lost_digits(self.row, self.layout.columns[name]) or excel_damage(
            value, self.layout.header(name)
        )
        if damage is not None:
            self.fail(name, damage)
            return None
        if name == "account_id":
            value = value.removeprefix(vocabulary.ACCOUNT_ID_PREFIX)
        if not value.isascii() or not value.isdigit() or len(value) > 40:
            self.fail(name, Message(BAD_ID, {"value": _shown(value)}))
            return None
        return value

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if value is None:
            return None
        damage = excel_damage(value, self.layout.header(name))
        if damage is not None:
            self.fail(name, damage)
            return None
        try:
            return parse_date(value[:10] if _has_time(value) else value)
        except ParseError as exc:
            self.fail(name, exc.message)
            return None

    def count(self, name: str) -> int | None:
        value = self.figure(name, None)
        if value is None:
            return None
        if is_blank(value):  # `NaN`, `NULL`, `N/A`: not what Meta writes for nothing, so not 0
            example = count_example(self.numbers.locale)
            self.fail(name, Message(NOT_A_COUNT, {"value": _shown(value), "example": example}))
            return None
        try:
            return parse_count(value, self.numbers.locale)
        except ParseError as exc:
            self.fail(name, exc.message)
            return None

    def amount(self, name: str) -> Decimal | None:
        """An amount exactly as the file wrote it (`100000.5`, `1.250.000,50`), read in the file's number rule by
        `db.parse.parse_amount` (finite, not negative, bounded, no other currency's sign) but not rounded to the
        currency's precision: spend is a measurement. At most `STORED_DECIMALS` decimals."""
        value = self.figure(name, self.currency)
        if value is None:
            return None
        try:
            exact = parse_amount(value, self.currency, self.numbers.locale, exact=True)
        except ParseError as exc:
            self.fail(name, exc.message)
            return None
        if -exact.as_tuple().exponent > STORED_DECIMALS:  # type: ignore[operator]
            self.fail(name, Message(TOO_MANY_DECIMALS, {"value": _shown(value), "digits": STORED_DECIMALS}))
            return None
        rounded = quantize(exact, self.currency)
        return rounded if rounded == exact else exact


def _has_time(value: str) -> bool:
    """`2026-05-19T15:15:37-0400` or `2026-07-01 00:00:00`: Meta's timestamps and spreadsheet datetimes."""
    return len(value) > 10 and value[4:5] == "-" and value[10:11] in ("T", " ")


_shown = shown


IDENTITY_FIELDS = tuple(vocabulary.IDENTITY)


def read_rows(layout: Layout, currency: str, today: dt.date | None = None) -> ExportRows:
    """Read every row of `layout` with amounts in `currency` (the file's or the target account's). With `today`
    (the ad account's), a row dated more than `FUTURE_DAYS_ALLOWED` day after it is refused."""
    result = ExportRows(layout=layout, currency=currency)
    table = layout.table
    numbers = number_rule(layout, currency)
    identity = [layout.columns[name] for name in IDENTITY_FIELDS if name in layout.columns]
    totals: list[Decimal | None] = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        if summary_row(table, row, identity):
            result.summary_lines.append(row.line)
            totals.append(_Cells(layout, row, currency, numbers).amount("spend"))
            continue
        cells = _Cells(layout, row, currency, numbers, today)
        breakdown = tuple(cells.text(name) or "" for name in layout.breakdowns)
        if layout.breakdowns and not any(breakdown) and identity:
            # A row of an object without breakdown values in a breakdown file is that object's subtotal.
            result.summary_lines.append(row.line)
            continue
        parsed = _read_row(cells, layout, breakdown)
        if cells.problems or parsed is None:
            result.rejected.append(Rejected(row.line, tuple(cells.problems)))
            continue
        key = duplicate_key(parsed)
        if key in seen:
            result.rejected.append(Rejected(row.line, (Problem("", _duplicate(layout, parsed, seen[key])),)))
            continue
        seen[key] = row.line
        result.rows.append(parsed)
    if len(totals) == 1 and totals[0] is not None:
        result.file_total = totals[0]
    return result


ID_HEADERS = {"campaign": "Campaign ID", "adset": "Ad set ID", "ad": "Ad ID", "account": "Day"}


def _duplicate(layout: Layout, row: FileRow, other: int) -> Message:
    level = Message(LEVEL_WORDS[row.level])
    id_field = vocabulary.LEVELS[row.level][0]
    if row.level == "account" or id_field in layout.columns:
        return Message(DUPLICATE_ROW_ID, {"level": level, "other": other})
    return Message(DUPLICATE_ROW, {"level": level, "other": other, "id_column": ID_HEADERS[row.level]})


def duplicate_key(row: FileRow) -> tuple:
    return (
        row.level,
        row.campaign_ref() if row.level != "account" else None,
        row.adset_ref() if row.level in ("adset", "ad") else None,
        row.ad_ref() if row.level == "ad" else None,
        row.breakdown,
        row.start,
        row.end,
    )


def _read_row(cells: _Cells, layout: Layout, breakdown: tuple[str, ...]) -> FileRow | None:
    names = {name: cells.text(name) for name in ("account_name", "campaign_name", "adset_name", "ad_name")}
    ids = {name: cells.meta_id(name) for name in ("account_id", "campaign_id", "adset_id", "ad_id")}
    level = layout.level
    if level != "account":
        id_field, name_field = vocabulary.LEVELS[level]
        if not ids[id_field] and not names[name_field] and not cells.problems:
            columns = " / ".join(layout.header(name) for name in (id_field, name_field) if name in layout.columns)
            cells.fail(name_field, Message(NO_IDENTITY, {"level": Message(LEVEL_WORDS[level]), "columns": columns}))
    start, end = _period(cells, layout)
    currency_cell = cells.raw("currency")
    if currency_cell and currency_cell.upper() != cells.currency:
        cells.fail("currency", Message(OTHER_CURRENCY, {"currency": currency_cell.upper(), "expected": cells.currency}))
    metrics = _metrics(cells)
    delivery = cells.text("delivery")
    if cells.problems or start is None or end is None or metrics is None:
        return None
    return FileRow(
        line=cells.row.line,
        level=level,
        start=start,
        end=end,
        metrics=metrics,
        breakdown=breakdown,
        account_id=ids["account_id"],
        account_name=names["account_name"],
        campaign_id=ids["campaign_id"],
        campaign_name=names["campaign_name"],
        adset_id=ids["adset_id"],
        adset_name=names["adset_name"],
        ad_id=ids["ad_id"],
        ad_name=names["ad_name"],
        delivery=delivery,
        status=delivery_status(delivery),
        results=cells.results,
    )


def delivery_status(delivery: str | None) -> str | None:
    """The configured status (`ACTIVE`, `PAUSED`, `ARCHIVED`, `DELETED`) a delivery cell says, else None."""
    if not delivery:
        return None
    return vocabulary.DELIVERY_STATUS.get(" ".join(delivery.lower().replace("_", " ").split()))


def _period(cells: _Cells, layout: Layout) -> tuple[dt.date | None, dt.date | None]:
    day = cells.date("day") if cells.has("day") else None
    if day is not None:
        return (None, None) if _future(cells, day, "day") else (day, day)
    start = cells.date("reporting_starts") if cells.has("reporting_starts") else None
    end = cells.date("reporting_ends") if cells.has("reporting_ends") else None
    if start is None:
        if not cells.problems:
            columns = " / ".join(layout.header(n) for n in ("day", "reporting_starts") if n in layout.columns)
            cells.fail("day" if cells.has("day") else "reporting_starts", Message(NO_DATE, {"columns": columns}))
        return None, None
    end = end or start
    if end < start:
        cells.fail("reporting_ends", Message(END_BEFORE_START, {"end": Day(end), "start": Day(start)}))
        return None, None
    if _future(cells, end, "reporting_ends" if cells.raw("reporting_ends") else "reporting_starts"):
        return None, None
    return start, end


def _future(cells: _Cells, last: dt.date, name: str) -> bool:
    """Whether the row's last day is after the account's today (one day allowed); refused on that column."""
    if cells.today is None or last <= cells.today + dt.timedelta(days=FUTURE_DAYS_ALLOWED):
        return False
    value = _shown(cells.raw(name) or last.isoformat())
    cells.fail(name, Message(FUTURE_DAY, {"value": value, "today": Day(cells.today)}))
    return True


RESULT_CONVERSION, RESULT_NOT_CONVERSION, RESULT_UNKNOWN = "conversion", "not_conversion", "unknown"


@dataclass(frozen=True)
class ResultKind:
    """What a row's Results are: the conversion event they count (or None), whether they are a conversion, a
    known result that is not one, or a result this import does not know, and the cell that says so."""

    event: str | None
    kind: str  # RESULT_CONVERSION | RESULT_NOT_CONVERSION | RESULT_UNKNOWN
    field: str  # "result_indicator" | "result_type"
    value: str  # the cell as the file writes it


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def result_kind(indicator: str | None, result_type: str | None) -> ResultKind | None:
    """The one rule for what a row's Results count. The Result indicator (an API action type) decides when the
    file gives one, else the Result type in words (English or Bahasa Indonesia); None when neither is given."""
    if indicator:
        key = _words(indicator)
        action = key.removeprefix("actions:")
        if action in CONVERSION_ACTIONS:
            return ResultKind(CONVERSION_ACTIONS[action], RESULT_CONVERSION, "result_indicator", indicator)
        if key in vocabulary.NOT_CONVERSION_INDICATORS or f"actions:{action}" in vocabulary.NOT_CONVERSION_INDICATORS:
            return ResultKind(None, RESULT_NOT_CONVERSION, "result_indicator", indicator)
        if key.startswith("actions:") or not result_type:
            return ResultKind(None, RESULT_UNKNOWN, "result_indicator", indicator)
    if result_type:
        words = _words(result_type)
        if words in vocabulary.EVENT_BY_RESULT_TYPE:
            return ResultKind(vocabulary.EVENT_BY_RESULT_TYPE[words], RESULT_CONVERSION, "result_type", result_type)
        kind = RESULT_NOT_CONVERSION if words in vocabulary.NOT_CONVERSION_RESULT_TYPES else RESULT_UNKNOWN
        return ResultKind(None, kind, "result_type", result_type)
    return None


def conversion_event(indicator: str | None, result_type: str | None) -> str | None:
    """The conversion event a row's results count ("purchase", "lead", "app_install"), or None when its results
    are not conversions (link clicks, reach, landing page views...) or not known (`result_kind` says which)."""
    found = result_kind(indicator, result_type)
    return found.event if found is not None else None


def _metrics(cells: _Cells) -> Metrics | None:
    spend = cells.amount("spend")
    impressions = cells.count("impressions")
    clicks_all = cells.count("clicks_all")
    link_clicks = cells.count("link_clicks")
    reach = cells.count("reach")
    results = cells.count("results")
    purchases = cells.count("purchases")
    shared = cells.count("shared_purchases")
    purchase_value = cells.amount("purchase_value")
    shared_value = cells.amount("shared_purchase_value")
    results_value = cells.amount("results_value")
    indicator = cells.text("result_indicator")
    result_type = cells.text("result_type")
    if cells.problems:
        return None
    found = result_kind(indicator, result_type)
    event = found.event if found is not None else None
    if found is not None and results:  # what the Results of a row that has some count as (`ImportPreview`)
        cells.results = (found, results)
    shared_result = _words(result_type or "") in vocabulary.SHARED_RESULT_TYPES
    actions: dict[str, Decimal] = {}
    values: dict[str, Decimal] = {}
    if results is not None:
        if indicator and indicator.lower().startswith("actions:"):
            actions[indicator[len("actions:") :]] = Decimal(results)
        elif result_type:
            actions[f"result_type:{' '.join(result_type.lower().split())}"] = Decimal(results)
    if purchases is not None:
        actions.setdefault("purchase", Decimal(purchases))
    if shared is not None:
        actions["purchase_with_shared_items"] = Decimal(shared)
    if purchase_value is not None:
        values["purchase"] = purchase_value
    if shared_value is not None:
        values["purchase_with_shared_items"] = shared_value
    if event is not None and results is not None:
        conversions = Decimal(results)
        if event == "purchase":
            value = shared_value if shared_result else purchase_value
            value = value if value is not None else results_value
        else:
            value = None
    elif purchases is not None:
        conversions, value = Decimal(purchases), purchase_value
    elif shared is not None:
        conversions, value = Decimal(shared), shared_value
    else:
        conversions, value = ZERO, None
    return Metrics(
        spend=spend or ZERO,
        impressions=impressions or 0,
        clicks=clicks_all if clicks_all is not None else link_clicks or 0,
        link_clicks=link_clicks,
        reach=reach,
        conversions=conversions,
        conversion_value=value or ZERO,
        actions=actions,
        action_values=values,
    )


def row_key(*parts: object) -> str:
    """A stable key for a stored row from its identity parts (sha256 hex)."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def differs(old: object, new: object) -> bool:
    """Whether a stored value differs from the one a file gives (numbers compared exactly, whatever their type)."""
    if old is None or new is None:
        return (old is None) != (new is None)
    if isinstance(new, Decimal | int) and not isinstance(new, bool) and isinstance(old, Decimal | int | float | str):
        return Decimal(str(old)) != Decimal(new)
    return old != new
