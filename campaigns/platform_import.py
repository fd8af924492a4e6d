"""Imports of the ad platforms' own report files (TikTok Ads Manager, Google Ads, LinkedIn Campaign Manager): preview,
then write campaign-day figures, with the Ads Manager import's rules (docs/file-formats.md).

`preview_report(session, fmt, data, file_name, account=...)` reads the file through the one tabular reader
(`db.tabular.read_table`: encodings, title and date-range lines, XLSX), skips total rows, checks every row and finds
each row's campaign without writing anything; `apply_report` writes it in the caller's transaction:
- the account: the one `--account` names (ID or name, among that platform's accounts), else the one the file
  names (an account column or LinkedIn's `Account:` line), else one named like the file; otherwise a new account
  of that platform in the file's currency;
- the campaign: by the platform's campaign ID when the file gives one, else by name within the account; a name
  two campaigns of the account share is refused (give the ID), and an ID the platform uses in another account of
  the same platform is refused;
- a row with any problem is rejected whole and reported by row, column and reason; the valid rows are written;
- a figure replaces the stored one for (campaign, day) (never added), rows synced from the platform's API win,
  and a file that changes nothing writes nothing (no row, no SyncRun, no audit entry).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.adsmanager import line_ranges
from campaigns.adsmanager_accounts import AccountChoiceError, find_account, generated_account_id, refuse_taken_name
from campaigns.conversions import count_conversions
from campaigns.models import SOURCE_META_API, SOURCE_TIKTOK_API, AdAccount, Campaign, CampaignInsight, SyncRun
from campaigns.number_rule import FigureCells, NumberRule, NumberTexts, decide, shown
from campaigns.platform_reports import (
    APPROXIMATE,
    EMPTY_VALUES,
    FORMATS,
    IDENTITY,
    META_SIGNATURE,
    OVERLAPS,
    PERIOD,
    REPEATS,
    SEGMENTS,
    ReportFormat,
    Segment,
    distinctive_headers,
)
from campaigns.platforms import PLATFORM_GOOGLE, PLATFORM_META, PLATFORM_TIKTOK, platform_label
from db import audit
from db.calendar import is_timezone, local_today, workspace_timezone
from db.errors import N_, Codes, Day, DomainError, Message
from db.money import CurrencyError, currency_code
from db.parse import ParseError, parse_amount, parse_count, parse_date
from db.roles import Actor, require
from db.tabular import (
    DEFAULT_LIMITS,
    Limits,
    Row,
    Table,
    excel_damage,
    read_table,
    split_currency,
    summary_row,
    unterminated_warning,
)
from db.text import TextError, clean_text
from db.types import utcnow

ZERO = Decimal(0)
STORED_DECIMALS = 4  # db.types.Money keeps four decimals
API_SOURCES = frozenset({SOURCE_META_API, SOURCE_TIKTOK_API})

NO_COLUMN = N_("The file has no {field} column (looked for {names}); export the report with it.")
NO_CAMPAIGN_COLUMN = N_("The file has no campaign column (looked for {names}); export the report by campaign.")
TWO_CURRENCIES = N_("The file holds amounts in {currencies}; export one currency per file.")
NO_CURRENCY = N_(
    "The file does not say its currency (no Currency column and no (CUR) after the cost header); import it into "
    "an existing account or export the report with its currency."
)
OTHER_CURRENCY = N_("The file is in {file_currency}, but the account {account} is in {account_currency}.")
NO_ROWS = N_("The file has no data rows, only headers and totals; export the report with its rows.")
NO_IDENTITY = N_("The row names no campaign: both {columns} are empty.")
NO_DATE = N_("The row has no date.")
BAD_ID = N_("'{value}' is not a campaign ID (digits only).")
TOO_MANY_DECIMALS = N_("{value} has more than {digits} decimals; Pantau keeps amounts to {digits} decimals.")
ROW_CURRENCY = N_("The row is in {currency}, but the file is in {expected}; export one currency per file.")
DUPLICATE = N_("The row repeats row {other}: the same campaign and day; remove one of them.")
AMBIGUOUS = N_("{count} campaigns of {account} are named '{name}'; export the report with the Campaign ID column.")
IN_OTHER_ACCOUNT = N_("Campaign ID {campaign_id} belongs to the account {account}, not to {target}.")
CONCURRENT = N_("Another import or sync changed these campaigns at the same time; import the file again.")
UNKNOWN_TIMEZONE = N_("'{timezone}' is not a time zone; use a name such as Asia/Jakarta.")
NOTE_NEW_ACCOUNT = N_("A new {platform} account '{name}' will be created in {currency}, time zone {timezone}.")
NOTE_NEW_CAMPAIGNS = N_("{count} campaign(s) are new and will be created: {names}.")
NOTE_TOTALS = N_("{count} total row(s) were skipped.")
NOTE_SEGMENTS = N_("{count} row(s) split by {segment} were added up into {days} campaign-day(s).")
MIXED_NUMBERS = N_(
    "{value} cannot be read for sure: the file writes numbers both with '.' as the decimal mark ({dot} in row "
    "{dot_row}) and with ',' ({comma} in row {comma_row}); download the report again as the platform wrote it, or "
    "write every figure one way."
)
AMBIGUOUS_FIGURE = N_(
    "{value} could be {small} or {large}: this file writes '{mark}' as its decimal mark ({reason}), but {kind} "
    "have no decimals; download the report again as the platform wrote it, or write the figure without thousands "
    "separators."
)
OTHER_PLATFORM = N_(
    "The file looks like a {platform} report (its headers {headers}), not a {expected}; import it as {platform}."
)
TWO_ACCOUNTS = N_(
    "The file holds rows of {count} accounts ({accounts}); Pantau imports one account per file: download the "
    "report of each account on its own."
)
SEGMENT_REFUSED = N_(
    "The report is split by {column}, whose rows do not add up to a campaign-day; download it again without that "
    "segment."
)
SEGMENT_OVERLAPS = N_(
    "The report is split by {column}: Google counts an impression once for every click type the ad showed, so its "
    "rows add up to more than the campaign-day; download it again without the {column} segment."
)
SEGMENT_APPROXIMATE = N_(
    "The file is a LinkedIn demographics report (split by {column}): LinkedIn rounds its figures for privacy, leaves "
    "out small values and gives no days, so its rows do not add up to campaign-days; export the campaign performance "
    "report instead (Campaigns tab, Export, time breakdown Daily)."
)
SEGMENT_NOT_DAILY = N_(
    "The report is split by {column}, not by day, so it gives no campaign-days; download it again segmented by Day "
    "(Segment, Time, Day)."
)
SEGMENT_NO_DAY = N_(
    "The report is split by {column} but has no day column (looked for {names}); download it again by day as well."
)
SEGMENT_REPEATED = N_("The row repeats row {other}: the same campaign, day and {segment}; remove one of them.")
SEGMENT_INCOMPLETE = N_(
    "Row {other} of the same campaign and day was rejected, so this {segment} row alone is not the day's figure; "
    "correct row {other} and import the file again."
)
FUTURE_DAY = N_(
    "{value} is after today ({today}) in the account's time zone ({timezone}): the platform cannot report days that "
    "have not happened; check the date, or download the report again."
)
# Segment code -> its word in the preview's notes and messages (platform_reports.SEGMENTS)
SEGMENT_WORDS = {segment.code: segment.word for segments in SEGMENTS.values() for segment in segments}
# What a segment that does not partition the campaign-day refuses the file with, by its kind
SEGMENT_REFUSALS = {
    REPEATS: SEGMENT_REFUSED,
    OVERLAPS: SEGMENT_OVERLAPS,
    APPROXIMATE: SEGMENT_APPROXIMATE,
    PERIOD: SEGMENT_NOT_DAILY,
}
NUMBER_TEXTS = NumberTexts(mixed=MIXED_NUMBERS, ambiguous=AMBIGUOUS_FIGURE)


class PlatformImportError(DomainError):
    """The file cannot be imported (not a usable report, or the database changed since the preview)."""


@dataclass(frozen=True)
class RowProblem:
    """One reason a row is rejected: the file's row (line), the column as written and the message."""

    row: int
    column: str
    message: Message

    @property
    def reason(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ReportRow:
    """One valid row of the file: the campaign's identity, the day and its figures."""

    line: int
    day: dt.date
    campaign_name: str | None
    campaign_id: str | None
    spend: Decimal
    impressions: int
    clicks: int
    actions: tuple[tuple[str, Decimal], ...]
    action_values: tuple[tuple[str, Decimal], ...]
    campaign_pk: int | None = None  # the existing campaign it goes to (None: a new one)
    segment: tuple[str, ...] = ()  # the row's values of the file's partition segments (hour, device...)
    lines: tuple[int, ...] = ()  # the file's rows added up into this campaign-day (segmented files)


@dataclass
class ReportPreview:
    """What `apply_report` will write: valid rows, rejected rows with reasons, the account, notes."""

    fmt: ReportFormat
    filename: str
    currency: str
    account_id: int | None  # an existing account, else a new one named `account_name`
    account_name: str
    account_ref: str | None  # the platform's account id the file gives
    timezone: str
    rows: list[ReportRow] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    # about the whole file, never a refusal: its last row may be cut (db.tabular.unterminated_warning)
    warnings: list[Message] = field(default_factory=list)
    total_rows: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def spend(self) -> Decimal:
        return sum((r.spend for r in self.rows), ZERO)

    def table(self) -> list[dict[str, Any]]:
        """The rows to be written, one line each (for the preview table): `row` is the file's line, as the rejected
        rows are numbered (`2-4`: the segments added up into one campaign-day); the day a date, amounts in the
        file's currency, exact (pages format them)."""
        return [
            {
                "row": line_ranges(r.lines or (r.line,)),
                "date": r.day,
                "campaign": r.campaign_name or "",
                "campaign_id": r.campaign_id or "",
                "spend": r.spend,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "conversions": sum((v for _t, v in r.actions), ZERO),
                "conversion_value": sum((v for _t, v in r.action_values), ZERO),
            }
            for r in self.rows
        ]

    def describe(self) -> str:
        where = "account" if self.account_id else "new account"
        platform = platform_label(self.fmt.platform)
        text = (
            f"{self.filename}: {len(self.rows)} valid row(s), {self.rejected_rows} rejected, {self.total_rows} total "
            f"row(s) skipped; {where} {self.account_name} ({platform}), currency {self.currency}, "
            f"spend {self.spend}."
        )
        return " ".join([text, *(str(n) for n in self.notes)])


@dataclass
class ReportResult:
    """What an import wrote."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_synced: int = 0
    campaigns_created: int = 0
    account_created: bool = False
    run_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.campaigns_created or self.account_created)

    def describe(self) -> str:
        text = (
            f"Imported: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged row(s); "
            f"{self.skipped_synced} skipped (already synced from the API); {self.campaigns_created} campaign(s) "
            "created."
        )
        return text if self.changed else text + " Nothing changed: the data is already stored."


# --- reading ----------------------------------------------------------------------------------------------------


def _columns(table: Table, fmt: ReportFormat) -> tuple[dict[str, str], str | None]:
    """Field -> the table key holding it (first alias found wins), and the currency a `(CUR)` header gives."""
    bases: dict[str, str] = {}
    header_currency = None
    for key in table.keys:
        base, cur = split_currency(key)
        bases.setdefault(base, key)
        if cur and base in fmt.columns["spend"]:
            header_currency = cur
    found = {}
    for name, aliases in fmt.columns.items():
        for alias in aliases:
            if alias in table.index:
                found[name] = alias
                break
            if alias in bases:
                found[name] = bases[alias]
                break
    return found, header_currency


def _preamble_account(table: Table, fmt: ReportFormat) -> tuple[str | None, str | None]:
    """(name, id) from a metadata line such as LinkedIn's `Account: Acme Indonesia (508812345)`."""
    for row in table.preamble:
        text = " ".join(c for c in row.cells if c).strip()
        for prefix in fmt.account_lines:
            if text.lower().startswith(prefix):
                body = text[len(prefix) :].strip()
                match = re.match(r"^(.*?)\s*\((\d+)\)$", body)
                return (match.group(1), match.group(2)) if match else (body or None, None)
    return None, None


class _Cells(FigureCells):
    """One row's cells read by field; every refusal is collected with its column."""

    number_texts = NUMBER_TEXTS

    def __init__(
        self,
        table: Table,
        columns: dict[str, str],
        row: Row,
        fmt: ReportFormat,
        currency: str,
        numbers: NumberRule,
        today: dt.date | None = None,
        timezone: str = "",
    ) -> None:
        self.table, self.columns, self.row, self.fmt, self.currency = table, columns, row, fmt, currency
        self.numbers, self.today, self.timezone = numbers, today, timezone
        self.problems: list[RowProblem] = [RowProblem(row.line, "", m) for m in row.problems]
        self.hour: str | None = None  # the time of day a date cell holds (`2026-11-03 14:00:00`), if not midnight

    def header(self, name: str) -> str:
        return self.table.column_name(self.columns[name]) if name in self.columns else name

    def raw(self, name: str) -> str | None:
        key = self.columns.get(name)
        if key is None:
            return None
        text = self.table.cell(self.row, key).strip()
        return None if text in EMPTY_VALUES else text

    def typed(self, name: str) -> bool:
        key = self.columns.get(name)
        return key is not None and self.table.typed_number(self.row, key)

    def fail(self, name: str, message: Message) -> None:
        self.problems.append(RowProblem(self.row.line, self.header(name), message))

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return clean_text(value, field=self.header(name), max_length=400) or None
        except TextError as exc:
            self.fail(name, exc.message)
            return None

    def object_id(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        value = value.replace("-", "") if name == "account_id" else value  # Google writes 123-456-7890
        # A workbook number of more than 15 digits (a 19-digit TikTok ID) has lost digits: refused, never guessed.
        damage = self.table.lost_digits(self.row, self.columns[name]) or excel_damage(value, self.header(name))
        if damage is not None:
            self.fail(name, damage)
            return None
        if value.endswith(".0") and value[:-2].isdigit():  # an ID stored as a number in a workbook
            value = value[:-2]
        if not value.isascii() or not value.isdigit() or len(value) > 40:
            self.fail(name, Message(BAD_ID, {"value": value[:40]}))
            return None
        return value

    def day(self) -> dt.date | None:
        value = self.raw("date")
        if value is None:
            self.fail("date", Message(NO_DATE))
            return None
        if self.fmt.date_locale is None:
            damage = excel_damage(value, self.header("date"))
            if damage is not None:
                self.fail("date", damage)
                return None
        text = value
        if len(value) > 10 and value[4:5] == "-" and value[10:11] in ("T", " "):
            text, clock = value[:10], value[11:].strip()
            if clock.strip("0:.") or not clock:  # not midnight: an hourly report's hour (summed into the day)
                self.hour = clock
        try:
            day = parse_date(text, self.fmt.date_locale)
        except ParseError as exc:
            self.fail("date", exc.message)
            return None
        if self.today is not None and day > self.today:
            params = {"value": shown(value), "today": Day(self.today), "timezone": self.timezone}
            self.fail("date", Message(FUTURE_DAY, params))
            return None
        return day

    def count(self, name: str) -> int:
        value = self.figure(name, None)
        if value is None:
            return 0
        try:
            return parse_count(value, self.numbers.locale) or 0
        except ParseError as exc:
            self.fail(name, exc.message)
            return 0

    def decimal(self, name: str, currency: str | None = "") -> Decimal | None:
        """A figure as the platform wrote it, in the file's number rule (`1,250,000.00`, `1.250.000`, `7.50`,
        `830500.5`): finite, not negative, bounded, at most four decimals, not rounded to the currency (spend is a
        measurement). `currency` None: a fractional count (Google's `45.50` conversions); default the file's."""
        code = self.currency if currency == "" else currency
        value = self.figure(name, code)
        if value is None:
            return None
        try:
            exact = parse_amount(value, self.currency, self.numbers.locale, exact=True)
        except ParseError as exc:
            self.fail(name, exc.message)
            return None
        if -exact.as_tuple().exponent > STORED_DECIMALS:  # type: ignore[operator]
            self.fail(name, Message(TOO_MANY_DECIMALS, {"value": shown(value), "digits": STORED_DECIMALS}))
            return None
        return exact.quantize(Decimal(1)) if exact == exact.to_integral_value() else exact

    def segment(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The row's values of the file's partition segment columns, and the hour its date cell holds."""
        values = tuple(self.table.cell(self.row, key).strip() for key in keys)
        return (*values, self.hour) if self.hour is not None else values


def _read_row(cells: _Cells, segment_keys: tuple[str, ...] = ()) -> ReportRow | None:
    fmt = cells.fmt
    name = cells.text("campaign_name")
    campaign_id = cells.object_id("campaign_id")
    day = cells.day()
    row_currency = cells.raw("currency")
    if row_currency and row_currency.upper() != cells.currency:
        cells.fail("currency", Message(ROW_CURRENCY, {"currency": row_currency, "expected": cells.currency}))
    spend = cells.decimal("spend") or ZERO
    impressions = cells.count("impressions")
    clicks = cells.count("clicks")
    actions = []
    for column, action_type in fmt.counts.items():
        amount = cells.decimal(column, None)
        if amount:
            actions.append((action_type, amount))
    values = []
    for column, action_type in fmt.values.items():
        amount = cells.decimal(column)
        if amount:
            values.append((action_type, amount))
    if name is None and campaign_id is None and not cells.problems:
        columns = " and ".join(cells.header(n) for n in IDENTITY if n in cells.columns)
        cells.fail("campaign_name", Message(NO_IDENTITY, {"columns": columns}))
    if cells.problems or day is None:
        return None
    return ReportRow(
        cells.row.line,
        day,
        name,
        campaign_id,
        spend.quantize(Decimal(1)) if spend == spend.to_integral_value() else spend,
        impressions,
        clicks,
        tuple(actions),
        tuple(values),
        segment=cells.segment(segment_keys),
        lines=(cells.row.line,),
    )


def _is_total(table: Table, row: Row, columns: dict[str, str]) -> bool:
    """A total row: labelled (`Total: Account`, `Total`), or without campaign and date while holding figures (an
    unlabelled sum line). A dated row without a campaign is data with a problem, rejected and reported."""
    if row.problems:  # a row the reader flagged (cut off, extra cells) is rejected with its reasons, never skipped
        return False
    keys = [columns[n] for n in (*IDENTITY, "date") if n in columns]
    return summary_row(table, row, keys)


def _sound_rows(table: Table) -> Iterable[Row]:
    """The rows the reader did not flag (cut off, extra cells): a rejected row does not decide the file's currency,
    account or campaigns."""
    return (row for row in table.rows if not row.problems)


def _file_currency(table: Table, columns: dict[str, str], header_currency: str | None) -> str | None:
    if "currency" in columns:
        found = set()
        for row in _sound_rows(table):
            text = table.cell(row, columns["currency"]).strip().upper()
            if text and text not in EMPTY_VALUES:
                found.add(text)
        codes = set()
        for text in found:
            try:
                codes.add(currency_code(text))
            except CurrencyError:
                continue  # not a currency (`ID` where a download stopped): that row is refused, not the file
        if len(codes) > 1:
            raise PlatformImportError(TWO_CURRENCIES, currencies=", ".join(sorted(codes)))
        if codes:
            return codes.pop()
        if found:
            try:
                return currency_code(found.pop())
            except CurrencyError as exc:
                raise PlatformImportError(exc.message) from None
    return header_currency


def _file_account(table: Table, columns: dict[str, str], fmt: ReportFormat) -> tuple[str | None, str | None]:
    """(name, id) of the account the file names: its account column(s), else a metadata line. A file whose rows
    name two accounts (a Google Ads manager account's report, LinkedIn's export of several accounts) is refused."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for row in _sound_rows(table):
        if _is_total(table, row, columns):
            continue
        lost = table.lost_digits(row, columns["account_id"]) if "account_id" in columns else None
        if lost is not None:  # the account a rounded ID names cannot be told: the whole file waits for a clean one
            raise PlatformImportError(lost)
        name = table.cell(row, columns["account_name"]).strip() if "account_name" in columns else ""
        raw = table.cell(row, columns["account_id"]).strip().replace("-", "") if "account_id" in columns else ""
        name = "" if name in EMPTY_VALUES else name
        ident = raw if raw.isdigit() else ""
        if name or ident:
            found.setdefault(ident or name.lower(), (name or None, ident or None))
    by_id = {i: n for n, i in found.values() if i}
    named = {(n or "").lower() for n, i in found.values() if not i} - {(n or "").lower() for n in by_id.values()}
    if len(by_id) + len(named) > 1:
        shown_accounts = sorted(f"{n} ({i})" if n else i for i, n in by_id.items())
        shown_accounts += sorted(n or "" for n, i in found.values() if not i and (n or "").lower() in named)
        accounts = ", ".join(shown_accounts[:5]) + (" ..." if len(shown_accounts) > 5 else "")
        raise PlatformImportError(TWO_ACCOUNTS, count=len(shown_accounts), accounts=accounts)
    file_name = next((n for n, _i in found.values() if n), None)
    file_id = next((i for _n, i in found.values() if i), None)
    if not file_id:  # LinkedIn: `Account: Acme Indonesia (508812345)` gives the ID the rows do not
        line_name, file_id = _preamble_account(table, fmt)
        file_name = file_name or line_name
    return file_name, file_id


def _check_platform(table: Table, fmt: ReportFormat) -> None:
    """Refuse a file with more headers only another platform writes than headers only `fmt` writes (a Google Ads
    report uploaded as TikTok's), naming the platform it looks like."""
    present: dict[str, str] = {}
    for key in table.keys:
        present.setdefault(split_currency(key)[0], key)
    own = len(present.keys() & distinctive_headers(fmt))
    candidates = [(other.platform, distinctive_headers(other)) for other in FORMATS.values() if other is not fmt]
    candidates.append((PLATFORM_META, frozenset(META_SIGNATURE)))
    keys, platform = max(
        (([present[n] for n in present if n in names], platform) for platform, names in candidates),
        key=lambda pair: len(pair[0]),
    )
    if len(keys) > own:
        headers = ", ".join(table.column_name(key) for key in keys[:4])
        raise PlatformImportError(
            OTHER_PLATFORM, platform=Codes("ad_platform", [platform]), headers=headers, expected=Message(fmt.title)
        )


def _language(table: Table, columns: dict[str, str], fmt: ReportFormat) -> str:
    """`id` when the columns read are named in Bahasa Indonesia more than in English, else `en`."""
    english = {name for names in fmt.english.values() for name in names}
    bases = [split_currency(key)[0] for key in columns.values()]
    bahasa = sum(1 for base in bases if base in fmt.bahasa_names and base not in english)
    return "id" if bahasa > sum(1 for base in bases if base in english) else "en"


def _number_rule(table: Table, columns: dict[str, str], fmt: ReportFormat, currency: str) -> NumberRule:
    amounts = ["spend", *fmt.values]
    counts = ["impressions", "clicks", *fmt.counts]
    keys: list[tuple[str, str | None]] = [(columns[n], currency) for n in amounts if n in columns]
    keys += [(columns[n], None) for n in counts if n in columns]
    return decide(table, keys, _language(table, columns, fmt), NUMBER_TEXTS)


def _segments(table: Table, fmt: ReportFormat, columns: dict[str, str]) -> list[tuple[Segment, str]]:
    """The file's partition segment columns (the first column of each), refusing the file when a segment's rows do
    not partition a campaign-day (`SEGMENT_REFUSALS`, naming its column and what to download instead), or when a
    split file has no day. A period label (`Day of week`) beside a day column is no split: it is left out."""
    found = []
    for segment in SEGMENTS.get(fmt.platform, ()):
        key = next((k for k in table.keys if split_currency(k)[0] in segment.names), None)
        if key is None or (segment.kind == PERIOD and "date" in columns):
            continue
        if not segment.partition:
            raise PlatformImportError(SEGMENT_REFUSALS[segment.kind], column=table.column_name(key))
        found.append((segment, key))
    if found and "date" not in columns:
        column = table.column_name(found[0][1])
        raise PlatformImportError(SEGMENT_NO_DAY, column=column, names=", ".join(fmt.columns["date"]))
    return found


def _segment_word(
    table: Table, columns: dict[str, str], segments: list[tuple[Segment, str]], hourly: bool
) -> Message | str:
    """What the rows are split by, for the notes: the segment's word (`device`), or the file's own headers when it
    is split several ways (`Age, Gender`)."""
    if len(segments) + hourly == 1:
        return Message(segments[0][0].word if segments else SEGMENT_WORDS["hour"])
    keys = [key for _segment, key in segments] + ([columns["date"]] if hourly else [])
    return ", ".join(table.column_name(key) for key in keys)


def _campaign_day(row: ReportRow) -> tuple[str, str, dt.date]:
    return ("id", row.campaign_id, row.day) if row.campaign_id else ("name", row.campaign_name or "", row.day)


def _raw_campaign_day(table: Table, columns: dict[str, str], row: Row, fmt: ReportFormat) -> tuple | None:
    """The campaign-day a rejected row was about, as far as its cells tell."""
    cell = {n: table.cell(row, columns[n]).strip() if n in columns else "" for n in ("campaign_id", "campaign_name")}
    date = table.cell(row, columns["date"]).strip()[:10] if "date" in columns else ""
    try:
        day = parse_date(date, fmt.date_locale)
    except ParseError:
        return None
    if cell["campaign_id"] and cell["campaign_id"] not in EMPTY_VALUES:
        return ("id", cell["campaign_id"], day)
    return ("name", cell["campaign_name"], day) if cell["campaign_name"] else None


def _add_up(
    rows: list[ReportRow], rejected: dict[tuple, int], word: Message | str
) -> tuple[list[ReportRow], list[RowProblem]]:
    """One row per campaign-day: the segments (hours, devices) added up. A segment repeated is refused, and a
    campaign-day one of whose rows was rejected is refused whole (a part of a day is not the day's figure)."""
    groups: dict[tuple, list[ReportRow]] = defaultdict(list)
    problems: list[RowProblem] = []
    for row in rows:
        key = _campaign_day(row)
        other = next((r.line for r in groups[key] if r.segment == row.segment), None)
        if other is not None:
            problems.append(RowProblem(row.line, "", Message(SEGMENT_REPEATED, {"other": other, "segment": word})))
            continue
        groups[key].append(row)
    added = []
    for key, parts in groups.items():
        if key in rejected:
            message = Message(SEGMENT_INCOMPLETE, {"other": rejected[key], "segment": word})
            problems.extend(RowProblem(part.line, "", message) for part in parts)
            continue
        first = parts[0]
        added.append(
            replace(
                first,
                spend=sum((p.spend for p in parts), ZERO),
                impressions=sum(p.impressions for p in parts),
                clicks=sum(p.clicks for p in parts),
                actions=_summed(p.actions for p in parts),
                action_values=_summed(p.action_values for p in parts),
                segment=(),
                lines=tuple(p.line for p in parts),
            )
        )
    return added, problems


def _summed(items: Iterable[tuple[tuple[str, Decimal], ...]]) -> tuple[tuple[str, Decimal], ...]:
    totals: dict[str, Decimal] = {}
    for pairs in items:
        for action_type, value in pairs:
            totals[action_type] = totals.get(action_type, ZERO) + value
    return tuple(totals.items())


def account_name_from_filename(filename: str) -> str:
    """`Kopi-TikTok-report-2026-07.csv` -> `Kopi-TikTok-report-2026-07` (the stem, as a last resort)."""
    return Path(filename).stem.strip() or "Imported account"


def preview_report(
    session: Session,
    fmt: ReportFormat,
    data: bytes,
    filename: str,
    *,
    account: str | None = None,
    timezone: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> ReportPreview:
    """Read and check a platform report for `account` (default: the account the file names); writes nothing.

    Raises `TabularError` (the file cannot be read), `PlatformImportError` (not a usable report) or
    `AccountChoiceError` (the account does not fit the file), each one sentence. `today` (default: the account's,
    in its time zone) is the last day a row may be about.
    """
    table = read_table(data, filename, header=fmt.header_names, limits=limits)
    columns, header_currency = _columns(table, fmt)
    _check_platform(table, fmt)
    segments = _segments(table, fmt, columns)
    if "campaign_name" not in columns and "campaign_id" not in columns:
        names = ", ".join(fmt.columns["campaign_name"] + fmt.columns["campaign_id"])
        raise PlatformImportError(NO_CAMPAIGN_COLUMN, names=names)
    for needed in ("date", "spend"):
        if needed not in columns:
            raise PlatformImportError(NO_COLUMN, field=needed, names=", ".join(fmt.columns[needed]))
    file_currency = _file_currency(table, columns, header_currency)
    file_name, file_id = _file_account(table, columns, fmt)
    ids: set[str] = set()
    if "campaign_id" in columns:
        id_key = columns["campaign_id"]
        ids = {table.cell(r, id_key).strip() for r in _sound_rows(table) if table.lost_digits(r, id_key) is None}
    existing = _target(session, fmt, account, file_name, file_id, account_name_from_filename(filename), ids)
    if existing is not None:
        if file_currency and file_currency != existing.currency:
            raise AccountChoiceError(
                OTHER_CURRENCY, file_currency=file_currency, account=existing.name, account_currency=existing.currency
            )
        currency, zone = existing.currency, existing.timezone_name
    else:
        if file_currency is None:
            raise PlatformImportError(NO_CURRENCY)
        currency = file_currency
        zone = (timezone or "").strip() or fmt.timezone or workspace_timezone(session)
        if not is_timezone(zone):
            raise AccountChoiceError(UNKNOWN_TIMEZONE, timezone=zone)
    new_name = (account or "").strip() or file_name or account_name_from_filename(filename)
    preview = ReportPreview(
        fmt=fmt,
        filename=filename,
        currency=currency,
        account_id=existing.id if existing is not None else None,
        account_name=existing.name if existing is not None else new_name[:300],
        account_ref=file_id,
        timezone=zone,
    )
    cut = unterminated_warning(table)
    if cut is not None:
        preview.warnings.append(cut)
    numbers = _number_rule(table, columns, fmt, currency)
    today = today or local_today(zone)
    segment_keys = tuple(key for _segment, key in segments)
    read: list[ReportRow] = []
    rejected: dict[tuple, int] = {}
    for row in table.rows:
        if _is_total(table, row, columns):
            preview.total_rows += 1
            continue
        cells = _Cells(table, columns, row, fmt, currency, numbers, today, zone)
        parsed = _read_row(cells, segment_keys)
        if parsed is None:
            preview.errors.extend(cells.problems)
            key = _raw_campaign_day(table, columns, row, fmt)
            if key is not None:
                rejected.setdefault(key, row.line)
        else:
            read.append(parsed)
    if not read and not preview.errors:
        raise PlatformImportError(NO_ROWS)
    hourly = any(r.segment and len(r.segment) > len(segment_keys) for r in read)
    if segments or hourly:
        word = _segment_word(table, columns, segments, hourly)
        count = len(read)
        read, problems = _add_up(read, rejected, word)
        preview.errors.extend(problems)
        if count > len(read):
            preview.notes.append(
                Message(NOTE_SEGMENTS, {"count": count - len(problems), "segment": word, "days": len(read)})
            )
    preview.rows, refused = _Identities(session, existing, fmt.platform).check(read)
    preview.errors = sorted([*preview.errors, *refused], key=lambda e: (e.row, e.column))
    _notes(preview, existing)
    return preview


def _target(
    session: Session,
    fmt: ReportFormat,
    choice: str | None,
    file_name: str | None,
    file_id: str | None,
    from_filename: str,
    campaign_ids: set[str],
) -> AdAccount | None:
    """The account chosen, else the one the file names by ID, else the one account of the platform holding the
    file's campaign IDs (a re-import under another file name goes where the first one went), else by name."""
    if choice and choice.strip():
        return find_account(session, choice, fmt.platform)
    if file_id:
        found = session.scalar(
            select(AdAccount).where(AdAccount.platform == fmt.platform, AdAccount.account_id == file_id)
        )
        if found is not None:
            return found
    digits = sorted(i for i in campaign_ids if i.isascii() and i.isdigit())
    if digits:
        holders = set(
            session.scalars(
                select(Campaign.account_id).where(Campaign.platform == fmt.platform, Campaign.meta_id.in_(digits))
            )
        )
        if len(holders) == 1:
            return session.get(AdAccount, holders.pop())
    for candidate in (file_name, from_filename):
        found = find_account(session, candidate, fmt.platform) if candidate else None
        if found is not None:
            return found
    return None


def _notes(preview: ReportPreview, existing: AdAccount | None) -> None:
    if existing is None:
        preview.notes.append(
            Message(
                NOTE_NEW_ACCOUNT,
                {
                    "platform": platform_label(preview.fmt.platform),  # a name, not a code to type
                    "name": preview.account_name,
                    "currency": preview.currency,
                    "timezone": preview.timezone,
                },
            )
        )
    new = sorted({r.campaign_name or r.campaign_id or "" for r in preview.rows if r.campaign_pk is None})
    if new:
        shown = ", ".join(new[:5]) + (" ..." if len(new) > 5 else "")
        preview.notes.append(Message(NOTE_NEW_CAMPAIGNS, {"count": len(new), "names": shown}))
    if preview.total_rows:
        preview.notes.append(Message(NOTE_TOTALS, {"count": preview.total_rows}))


# --- identities -------------------------------------------------------------------------------------------------


class _Identities:
    """Finds each row's campaign in the account: by the platform's ID when the file gives one, else by name."""

    def __init__(self, session: Session, account: AdAccount | None, platform: str) -> None:
        self.session, self.account, self.platform = session, account, platform
        self.by_id: dict[str, Campaign] = {}
        self.by_name: dict[str, list[Campaign]] = defaultdict(list)
        if account is not None:
            for c in session.scalars(select(Campaign).where(Campaign.account_id == account.id)):
                if c.meta_id:
                    self.by_id[c.meta_id] = c
                self.by_name[c.name].append(c)

    def elsewhere(self, campaign_id: str) -> AdAccount | None:
        """Another account of the same platform that already has this campaign ID."""
        stmt = (
            select(AdAccount)
            .join(Campaign, Campaign.account_id == AdAccount.id)
            .where(AdAccount.platform == self.platform, Campaign.meta_id == campaign_id)
        )
        for other in self.session.scalars(stmt):
            if self.account is None or other.id != self.account.id:
                return other
        return None

    def find(self, row: ReportRow) -> tuple[Campaign | None, RowProblem | None]:
        target = self.account.name if self.account is not None else "the new account"
        if row.campaign_id:
            found = self.by_id.get(row.campaign_id)
            if found is not None:
                return found, None
            other = self.elsewhere(row.campaign_id)
            if other is not None:
                params = {"campaign_id": row.campaign_id, "account": other.name, "target": target}
                return None, RowProblem(row.line, "Campaign ID", Message(IN_OTHER_ACCOUNT, params))
            unnamed = [c for c in self.by_name.get(row.campaign_name or "", []) if c.meta_id is None]
            return (unnamed[0] if len(unnamed) == 1 else None), None
        named = self.by_name.get(row.campaign_name or "", [])
        if len(named) > 1:
            message = Message(AMBIGUOUS, {"count": len(named), "account": target, "name": row.campaign_name})
            return None, RowProblem(row.line, "Campaign name", message)
        return (named[0] if named else None), None

    def check(self, rows: list[ReportRow]) -> tuple[list[ReportRow], list[RowProblem]]:
        """Rows with their campaign found (or to be created), and rows refused for their identity or as repeats."""
        kept: list[ReportRow] = []
        refused: list[RowProblem] = []
        seen: dict[tuple, int] = {}
        for row in rows:
            campaign, problem = self.find(row)
            if problem is not None:
                refused.append(problem)
                continue
            ident = ("pk", campaign.id) if campaign is not None else ("new", row.campaign_id or row.campaign_name)
            key = (ident, row.day)
            if key in seen:
                refused.append(RowProblem(row.line, "", Message(DUPLICATE, {"other": seen[key]})))
                continue
            seen[key] = row.line
            kept.append(_with_campaign(row, campaign))
        return kept, refused


def _with_campaign(row: ReportRow, campaign: Campaign | None) -> ReportRow:
    return replace(row, campaign_pk=campaign.id if campaign is not None else None)


# --- writing ----------------------------------------------------------------------------------------------------


def apply_report(session: Session, actor: Actor, preview: ReportPreview) -> ReportResult:
    """Write the previewed valid rows in the caller's transaction; audited. Importing the same file again writes
    nothing and says so."""
    require(actor, "import.run")
    try:
        return _apply(session, actor, preview)
    except IntegrityError:
        raise PlatformImportError(CONCURRENT) from None


def _apply(session: Session, actor: Actor, preview: ReportPreview) -> ReportResult:
    fmt = preview.fmt
    result = ReportResult()
    account = session.get(AdAccount, preview.account_id) if preview.account_id else None
    if account is None:
        account = _create_account(session, preview)
        result.account_created = True
    identities = _Identities(session, account, fmt.platform)
    rows, refused = identities.check([_with_campaign(r, None) for r in preview.rows])
    if refused:
        raise PlatformImportError(CONCURRENT)  # the account changed since the preview: preview again
    stamp = utcnow()
    created: dict[str, Campaign] = {}
    from campaigns.conversion_definitions import EventResolver

    resolver = EventResolver(session, account)
    campaign_of: dict[int, Campaign] = {}
    for row in rows:
        if row.campaign_pk is not None:
            campaign = campaign_of.get(row.campaign_pk) or session.get(Campaign, row.campaign_pk)
        else:
            ident = row.campaign_id or row.campaign_name or ""
            campaign = created.get(ident)
            if campaign is None:
                campaign = Campaign(
                    account_id=account.id,
                    platform=account.platform,
                    meta_id=row.campaign_id,
                    name=row.campaign_name or row.campaign_id or "",
                    currency=account.currency,
                    source=fmt.source,
                )
                session.add(campaign)
                session.flush()
                created[ident] = campaign
                result.campaigns_created += 1
        assert campaign is not None
        if campaign.meta_id is None and row.campaign_id:
            campaign.meta_id = row.campaign_id  # a campaign known by name only gets its ID
        campaign_of[campaign.id] = campaign
        _upsert(session, resolver, campaign, row, fmt, stamp, result, account.platform)
    session.flush()
    if not result.changed:
        return result
    days = [r.day for r in rows]
    run = SyncRun(
        account_id=account.id,
        kind=fmt.source,
        window_since=min(days, default=None),
        window_until=max(days, default=None),
        finished_at=utcnow(),
        status="success" if not preview.errors else "partial",
        rows=result.inserted + result.updated,
        objects=result.campaigns_created,
        triggered_by=actor.email,
        error="; ".join(f"row {e.row}, {e.column or 'row'}: {e.reason}" for e in preview.errors[:20]) or None,
        details={"file": preview.filename, "unchanged": result.unchanged, "skipped_synced": result.skipped_synced},
    )
    session.add(run)
    session.flush()
    result.run_id = run.id
    audit.record(
        session,
        actor,
        "import",
        "tiktok_report_file"
        if fmt.platform == PLATFORM_TIKTOK
        else "google_report_file"
        if fmt.platform == PLATFORM_GOOGLE
        else "linkedin_report_file",
        preview.filename,
        summary=f"Imported {preview.filename} into {account.name}: {result.describe()}",
    )
    return result


def _create_account(session: Session, preview: ReportPreview) -> AdAccount:
    """The new account of `preview`, refused (naming the existing one) when an account of the platform has its
    name by now: created since the preview, or by another import at the same moment (the name key's unique
    index refuses the insert, and the name check then says which account has the name)."""
    platform = preview.fmt.platform
    refuse_taken_name(session, preview.account_name, platform)
    ident = preview.account_ref
    if ident and session.scalar(
        select(AdAccount.id).where(AdAccount.platform == platform, AdAccount.account_id == ident)
    ):
        ident = None
    account = AdAccount(
        platform=platform,
        account_id=ident or generated_account_id(session, preview.account_name, platform),
        name=preview.account_name,
        currency=preview.currency,
        timezone_name=preview.timezone,
        source=preview.fmt.source,
        sync_enabled=False,
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError:
        # The transaction is lost (PostgreSQL); it held nothing of this import yet: the account is its first write.
        # No savepoint: on SQLite one that opens the transaction commits the account when released.
        session.rollback()
        refuse_taken_name(session, preview.account_name, platform)
        raise
    return account


def _raw(items: tuple[tuple[str, Decimal], ...]) -> list[dict[str, str]] | None:
    return [{"action_type": t, "value": str(v)} for t, v in items] or None


def _upsert(
    session: Session,
    resolver: Any,
    campaign: Campaign,
    row: ReportRow,
    fmt: ReportFormat,
    stamp: dt.datetime,
    result: ReportResult,
    platform: str,
) -> None:
    actions, values = _raw(row.actions), _raw(row.action_values)
    conversions, value = count_conversions(actions, values, resolver.events(campaign), platform)
    figures = {
        "currency": campaign.currency,
        "spend": row.spend,
        "impressions": row.impressions,
        "clicks": row.clicks,
        "actions": actions,
        "action_values": values,
        "conversions": conversions,
        "conversion_value": value,
    }
    stored = session.scalar(
        select(CampaignInsight).where(CampaignInsight.campaign_id == campaign.id, CampaignInsight.date == row.day)
    )
    if stored is None:
        session.add(
            CampaignInsight(campaign_id=campaign.id, date=row.day, source=fmt.source, synced_at=stamp, **figures)
        )
        result.inserted += 1
        return
    if stored.source in API_SOURCES:
        result.skipped_synced += 1
        return
    if all(_same(getattr(stored, k), v) for k, v in figures.items()) and stored.source == fmt.source:
        result.unchanged += 1
        return
    for k, v in figures.items():
        setattr(stored, k, v)
    stored.source, stored.synced_at = fmt.source, stamp
    result.updated += 1


def _same(old: object, new: object) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return Decimal(str(old or 0)) == Decimal(str(new or 0))
    return (old or None) == (new or None)
