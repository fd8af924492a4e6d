"""Ads Manager export import (CSV/TSV/XLSX/XLS, English or Bahasa Indonesia): preview, then write.

`preview_import(session, data, file_name, target)` reads the file (`campaigns.adsmanager_rows`), picks the ad
account (`campaigns.adsmanager_accounts`) and resolves every row's campaign by its ID, or by its name when the
file has no ID column, without writing anything. `apply_import` writes it:

- rows are added up to the level totals read from: campaign-day (`CampaignInsight`), ad-set-day
  (`AdSetInsight`) and account-day (`AccountInsight`); ad set, ad and breakdown rows are kept as the file gave
  them (`InsightDetail`); a row spanning several days is refused (nothing reads a period total: budgets, pacing
  and exports need days), a file of only such rows as a whole, with the way to export days;
- a figure a file gives replaces the stored one (never added to it), so re-importing a file or importing an
  overlapping one (another breakdown of the same days) never counts twice; rows synced from the Meta API win;
- account-level rows count only on account-days without campaign rows (`settle_account_days`);
- a file that changes nothing writes nothing.
The rules are documented in docs/file-formats.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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

from campaigns.adsmanager_accounts import (
    AccountTarget,
    ResolvedAccount,
    create_account,
    resolve_target,
    settle_account_days,
)
from campaigns.adsmanager_rows import (
    LEVEL_WORDS,
    RESULT_CONVERSION,
    RESULT_NOT_CONVERSION,
    AdsManagerFileError,
    ExportRows,
    FileRow,
    Layout,
    Metrics,
    Problem,
    Rejected,
    differs,
    duplicate_key,
    open_export,
    read_rows,
    row_key,
    total,
)
from campaigns.models import (
    SOURCE_ACCOUNT_LEVEL,
    SOURCE_ADS_MANAGER_CSV,
    SOURCE_META_API,
    AccountInsight,
    Ad,
    AdAccount,
    AdSet,
    AdSetInsight,
    Campaign,
    CampaignInsight,
    InsightDetail,
    SyncRun,
)
from campaigns.platforms import PLATFORM_META
from db import audit
from db.calendar import local_today
from db.errors import N_, Amount, Day, DomainError, Message, joined
from db.roles import Actor, require
from db.tabular import DEFAULT_LIMITS, Limits, unterminated_warning
from db.types import utcnow

__all__ = [
    "AccountTarget",
    "ImportPreview",
    "ImportResult",
    "ParsedExport",
    "account_name_from_filename",
    "apply_import",
    "detect_account",
    "file_digest",
    "parse_export",
    "preview_import",
]

# --- messages -------------------------------------------------------------------------------------------------------

CAMPAIGN_IN_OTHER_ACCOUNT = N_(
    "Campaign ID {campaign_id} belongs to ad account {account}, not to {target}; choose that account."
)
AMBIGUOUS_CAMPAIGN = N_(
    "{count} campaigns in {account} are named '{name}'; export the file with the Campaign ID column so each row "
    "finds its own campaign."
)
BLANK_ID_AMBIGUOUS = N_(
    "The Campaign ID is blank and {count} campaigns are named '{name}' ({ids}); fill in the Campaign ID so the row "
    "goes to the right one."
)
BLANK_ID_UNKNOWN = N_(
    "The Campaign ID is blank and no campaign named '{name}' is known in {account} or elsewhere in the file; "
    "fill in the Campaign ID (a row without one would create a campaign no later export can match)."
)
BLANK_ID_REPEATS = N_(
    "The Campaign ID is blank; the one campaign named '{name}' is {campaign_id}, which row {other} already gives "
    "for the same days."
)
PERIOD_ROW = N_(
    "The row covers {start} to {end} as one total; spend is kept per day (budgets, pacing and exports need days), "
    "so export the report again with Breakdown -> By time -> Day."
)
PERIOD_FILE = N_(
    "The file gives one total per campaign for {start} to {end}, not one row per day; budgets, pacing and exports "
    "need daily spend, so nothing was imported. In Ads Manager choose Breakdown -> By time -> Day and export again."
)
ACCOUNT_ROW_NEEDS_DAY = N_(
    "An account-level row must be one day ({start} to {end} is a period); export with a breakdown by Day."
)
NOTE_CURRENCY_FROM_ACCOUNT = N_(
    "The spend column '{column}' names no currency: amounts are read as {currency}, the currency of {account}."
)
NOTE_SHEET = N_("Sheet read: '{sheet}'.")
NOTE_UNREAD_SHEETS = N_(
    "Other visible sheets not read: {sheets}. Only one sheet is imported; to import another, save it as a file "
    "of its own."
)
NOTE_NEW_ACCOUNT = N_("A new ad account '{name}' will be created in {currency}, time zone {timezone}.")
NOTE_ACCOUNT_LEVEL = N_(
    "The file has no campaign column: its rows are account-level spend of {account} per day, counted only on "
    "days without campaign rows."
)
NOTE_UNKNOWN_ADSETS = N_(
    "The file has no campaign column and {count} ad set(s) are not known in {account} ({names}): its rows are "
    "stored as account-level spend per day. Export with the Campaign name or Campaign ID column to see them by "
    "campaign."
)
NOTE_AMBIGUOUS_ADSET = N_(
    "The file has no campaign column and ad set '{name}' is in {count} campaigns of {account} ({campaigns}), so "
    "its rows cannot be given to one: the file's rows are stored as account-level spend per day. Export with the "
    "Campaign name (or Campaign ID) column so each row finds its own campaign."
)
NOTE_RESULTS_NOT_CONVERSIONS = N_(
    "{rows} row(s) with {column} '{value}' ({results} results) are not counted as conversions: '{value}' is a "
    "result but not a conversion (conversions are purchases, leads and app installs)."
)
NOTE_RESULTS_UNKNOWN = N_(
    "{rows} row(s) with {column} '{value}' ({results} results) are not counted as conversions: Pantau does not "
    "know this result type. If it is a purchase, lead or app install, export the report again with the Result "
    "indicator column (or the Purchases or Leads column) so it is counted."
)
NOTE_ADSETS_FOUND = N_("The file has no campaign column: each ad set's campaign was found in {account}.")
NOTE_BREAKDOWN = N_(
    "Breakdown by {breakdown}: {rows} row(s) are added up to {groups} {level}-day total(s); the rows are kept."
)
NOTE_FILE_TOTAL = N_(
    "The file's own total row says {total} was spent; the rows that will be imported add up to {imported}."
)
NOTE_FILE_TOTAL_MATCHES = N_("The rows add up to the file's own total row: {total}.")
NOTE_STATUS = N_(
    "The {column} column gives each campaign's status (active: on, inactive: paused); campaigns synced from the "
    "Meta API keep the status the sync set."
)
NOTE_UNKNOWN_DELIVERY = N_(
    "{column} '{value}' does not say whether a campaign is on or off: the status of {campaigns} is left as it is."
)
NOTHING_VALID = N_(
    "None of the file's {count} data row(s) can be imported, so nothing was written (no account or campaign was "
    "created). The first reasons: {reasons}"
)
NO_DATA_ROWS_LEFT = N_(
    "The file holds only summary rows ({count}), so nothing was written; export the report with its campaign rows."
)
ROW_REASON = N_("row {row}, {column}: {reason}")
ROW_REASON_WHOLE = N_("row {row}: {reason}")
CONCURRENT = N_("Another import or sync changed these campaigns at the same time; import the file again.")


class AdsManagerImportError(DomainError):
    """The import cannot be written as previewed (the database changed underneath it)."""


# --- preview --------------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    """One reason a row is rejected (the page's and the CLI's table)."""

    row: int
    column: str
    message: Message

    @property
    def reason(self) -> str:
        return str(self.message)


@dataclass
class Figure:
    """One total the import writes: a campaign-day, a campaign-period or an account-day."""

    kind: str  # campaign | period | account
    campaign: str  # campaign name ("" for an account-day)
    campaign_id: str  # the file's Campaign ID ("" when it gives none)
    start: dt.date
    end: dt.date
    metrics: Metrics
    rows: int  # file rows added up
    lines: tuple[int, ...] = ()  # the file's line of each of them


@dataclass
class ImportPreview:
    """What `apply_import` will write: the rows read, the rows rejected (with reasons), the account, notes."""

    filename: str
    account: ResolvedAccount
    export: ExportRows
    rows: list[FileRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    # about the whole file, never a refusal: its last row may be cut (db.tabular.unterminated_warning)
    warnings: list[Message] = field(default_factory=list)
    currency_from_account: bool = False
    attributed: bool = True  # False: a file without campaign columns stored at account level

    @property
    def layout(self) -> Layout:
        return self.export.layout

    @property
    def currency(self) -> str:
        return self.export.currency

    @property
    def account_name(self) -> str:
        return self.account.name

    @property
    def level(self) -> str:
        return self.layout.level if self.attributed else "account"

    @property
    def summary_rows(self) -> int:
        return len(self.export.summary_lines)

    @property
    def errors(self) -> list[RowError]:
        """Every reason, one per (row, column): a row can have several."""
        return [RowError(r.line, p.column, p.message) for r in self.rejected for p in r.problems]

    @property
    def kind(self) -> str:
        if not self.rows:
            return "empty"
        kinds = {row.daily for row in self.rows}
        return "daily" if kinds == {True} else "period" if kinds == {False} else "mixed"

    @property
    def spend(self) -> Decimal:
        return sum((row.metrics.spend for row in self.rows), Decimal(0))

    def figures(self) -> list[Figure]:
        """The totals the rows add up to, as they will be stored."""
        groups: dict[tuple, list[FileRow]] = defaultdict(list)
        for row in self.rows:
            ref = row.campaign_ref()
            key: tuple[Any, ...]
            if ref is not None:
                key = ("campaign" if row.daily else "period", ref, row.start, row.end)
            else:
                key = ("account", None, row.start, row.end)
            groups[key].append(row)
        figures = []
        for (kind, _ref, start, end), rows in groups.items():
            first = rows[0]
            figures.append(
                Figure(
                    kind=kind,
                    campaign=first.campaign_name or (first.adset_name or "" if kind != "account" else ""),
                    campaign_id=first.campaign_id or "",
                    start=start,
                    end=end,
                    metrics=total(row.metrics for row in rows),
                    rows=len(rows),
                    lines=tuple(sorted(row.line for row in rows)),
                )
            )
        return sorted(figures, key=lambda f: (f.start, f.end, f.campaign, f.campaign_id))

    def nothing_to_import(self) -> Message | None:
        """Why the file writes nothing at all (every data row refused), or None when it has rows to write."""
        if self.rows:
            return None
        if not self.rejected:
            return Message(NO_DATA_ROWS_LEFT, {"count": self.summary_rows})
        reasons = [
            Message(ROW_REASON, {"row": e.row, "column": e.column, "reason": e.message})
            if e.column
            else Message(ROW_REASON_WHOLE, {"row": e.row, "reason": e.message})
            for e in self.errors[:3]
        ]
        return Message(NOTHING_VALID, {"count": len(self.rejected), "reasons": joined(reasons)})

    def describe(self) -> str:
        """One paragraph in English (the CLI's summary)."""
        level = LEVEL_WORDS[self.level]
        where = "new account" if self.account.is_new else "account"
        text = (
            f"{self.filename}: {len(self.rows)} valid row(s) ({self.kind}, {level} level), {len(self.rejected)} "
            f"rejected, {self.summary_rows} summary row(s) skipped; {where} {self.account.name}, currency "
            f"{self.currency}, spend {self.spend}."
        )
        notes = " ".join(str(note) for note in self.notes)
        return f"{text} {notes}".strip()

    def table(self) -> list[dict[str, Any]]:
        """The totals to be written, one line each (for the preview table): `row` is the file's line of each row
        added up (`5`, `5-7, 9`), as the rejected rows are numbered; amounts in the file's currency, exact."""
        return [
            {
                "row": line_ranges(f.lines),
                "campaign": f.campaign,
                "campaign_id": f.campaign_id,
                "start": f.start,
                "end": f.end,
                "spend": f.metrics.spend,
                "impressions": f.metrics.impressions,
                "clicks": f.metrics.clicks,
                "conversions": f.metrics.conversions,
                "conversion_value": f.metrics.conversion_value,
            }
            for f in self.figures()
        ]

    def statuses(self) -> dict[tuple[str, str], str]:
        """Each campaign's status the file's delivery column gives (`campaign_statuses`)."""
        return campaign_statuses(self.layout, self.rows)

    def result_notes(self) -> list[Message]:
        """Per result type (or indicator) whose Results are not counted as conversions, how many of the rows to
        import have some, and why: a known result that is not a conversion, or one this import does not know.
        A file's Results are never silently 0 conversions."""
        return result_notes(self.layout, self.rows)


def result_notes(layout: Layout, rows: Iterable[FileRow]) -> list[Message]:
    """`ImportPreview.result_notes`: not-conversion result types first, then unknown ones, each by its name."""
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.results is None or row.results[0].kind == RESULT_CONVERSION:
            continue
        found, results = row.results
        count = counts[(found.kind, found.field, " ".join(found.value.split()))]
        count[0] += 1
        count[1] += results
    notes = []
    for (kind, column, value), (rows_count, results) in sorted(
        counts.items(), key=lambda item: (item[0][0] != RESULT_NOT_CONVERSION, item[0][2].lower())
    ):
        text = NOTE_RESULTS_NOT_CONVERSIONS if kind == RESULT_NOT_CONVERSION else NOTE_RESULTS_UNKNOWN
        params = {"rows": rows_count, "column": layout.header(column), "value": value, "results": results}
        notes.append(Message(text, params))
    return notes


def line_ranges(lines: Iterable[int]) -> str:
    """File lines as people look them up: `5`, `5-7, 9`."""
    spans: list[list[int]] = []
    for line in sorted(set(lines)):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def campaign_statuses(layout: Layout, rows: Iterable[FileRow]) -> dict[tuple[str, str], str]:
    """The configured status (ACTIVE, PAUSED, ...) of each campaign a campaign-level file's delivery column gives,
    from its latest row; a delivery that says neither on nor off gives none. An ad set's or ad's delivery is not
    its campaign's, so other levels give none."""
    if layout.level != "campaign" or "delivery" not in layout.columns:
        return {}
    latest: dict[tuple[str, str], tuple[dt.date, int, str | None]] = {}
    for row in rows:
        ref = row.campaign_ref()
        if ref is None or not row.delivery:
            continue
        if ref not in latest or (row.end, row.line) > latest[ref][:2]:
            latest[ref] = (row.end, row.line, row.status)
    return {ref: status for ref, (_end, _line, status) in latest.items() if status is not None}


@dataclass
class ImportResult:
    """What an import wrote."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_synced: int = 0
    campaigns_created: int = 0
    ad_sets_created: int = 0
    detail_rows: int = 0  # ad set, ad and breakdown rows inserted, changed or removed
    account_created: bool = False
    account_days: int = 0  # "not by campaign" rows changed by the account-level rule
    statuses: int = 0  # existing campaigns whose status the file's delivery column changed
    run_id: int | None = None
    result_notes: list[Message] = field(default_factory=list)  # Results not counted as conversions, per type

    @property
    def changed(self) -> bool:
        return bool(
            self.inserted
            or self.updated
            or self.campaigns_created
            or self.ad_sets_created
            or self.detail_rows
            or self.account_created
            or self.account_days
            or self.statuses
        )

    def describe(self) -> str:
        text = (
            f"Imported: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged row(s); "
            f"{self.skipped_synced} skipped (already synced from the Meta API); "
            f"{self.campaigns_created} campaign(s) created."
        )
        return text if self.changed else text + " Nothing changed: the data is already stored."

    def uncounted(self) -> str:
        """The result notes in English, one sentence each (the audit summary and the run's details)."""
        return " ".join(str(note) for note in self.result_notes)


def account_name_from_filename(filename: str) -> str:
    """`Acme-Campaigns-Jan-1-2026-Jul-11-2026.csv` -> `Acme` (Indonesian UI: `-Kampanye-`)."""
    stem = Path(filename).stem
    name = re.split(r"-(?:Campaigns|Kampanye|Ad-sets|Set-iklan|Ads|Iklan)(?:-|$)", stem, maxsplit=1, flags=re.I)[0]
    return name.strip() or stem


@dataclass
class ParsedExport:
    """A file read once (`parse_export`): its columns and cells, and its rows as read for an account's currency
    and today. Every preview of the same bytes reuses it, so a page rerun or the Import button parses nothing;
    what depends on the database (the account, each row's campaign) is checked again by every preview."""

    digest: str  # sha256 of the file's bytes
    filename: str
    layout: Layout
    _rows: dict[tuple[str, dt.date | None], ExportRows] = field(default_factory=dict, repr=False)

    def rows(self, currency: str, today: dt.date | None) -> ExportRows:
        """The rows read with amounts in `currency` and days up to `today`; read once per pair (two kept)."""
        key = (currency, today)
        if key not in self._rows:
            if len(self._rows) >= 2:
                self._rows.pop(next(iter(self._rows)))
            self._rows[key] = read_rows(self.layout, currency, today=today)
        return self._rows[key]


def file_digest(data: bytes) -> str:
    """The key a file's parse is kept under: the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def parse_export(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> ParsedExport:
    """Read the file once (the tabular reader, then the columns mapped); raises as `preview_import` does."""
    return ParsedExport(file_digest(data), filename, open_export(data, filename, limits=limits))


def detect_account(session: Session, parsed: ParsedExport) -> ResolvedAccount:
    """The account the file names (by its Account ID or name column, else its file name), without reading its
    rows; raises `AccountChoiceError` when the file alone cannot say (no currency, an ambiguous name)."""
    layout = parsed.layout
    return resolve_target(
        session,
        AccountTarget(),
        file_accounts=layout.accounts,
        file_name_account=account_name_from_filename(parsed.filename),
        file_currency=layout.file_currency,
        spend_column=layout.header("spend"),
    )


def preview_import(
    session: Session,
    data: bytes | ParsedExport,
    filename: str,
    target: AccountTarget | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    now: dt.datetime | None = None,
) -> ImportPreview:
    """Read and check an Ads Manager export for `target` (default: the account the file names); writes nothing.
    `data` is the file's bytes, or the file already read (`parse_export`), which is then not read again.

    Raises `TabularError` (the file cannot be read), `AdsManagerFileError` (not a usable export) or
    `AccountChoiceError` (the account does not fit the file), each one sentence.
    """
    parsed = data if isinstance(data, ParsedExport) else parse_export(data, filename, limits=limits)
    layout = parsed.layout
    account = resolve_target(
        session,
        target or AccountTarget(),
        file_accounts=layout.accounts,
        file_name_account=account_name_from_filename(filename),
        file_currency=layout.file_currency,
        spend_column=layout.header("spend"),
    )
    export = parsed.rows(account.currency, local_today(account.timezone, now))
    if export.rows and not any(row.daily for row in export.rows):
        start, end = min(row.start for row in export.rows), max(row.end for row in export.rows)
        raise AdsManagerFileError(PERIOD_FILE, start=Day(start), end=Day(end))
    preview = ImportPreview(filename=filename, account=account, export=export)
    preview.currency_from_account = layout.file_currency is None
    cut = unterminated_warning(layout.table)
    if cut is not None:
        preview.warnings.append(cut)
    plan = _Plan(session, account.existing)
    rows, rejected, attributed = plan.check(export.rows, id_column="campaign_id" in layout.columns)
    preview.rows, preview.attributed = rows, attributed
    preview.rejected = sorted([*export.rejected, *rejected], key=lambda r: r.line)
    _notes(preview, plan)
    return preview


def _notes(preview: ImportPreview, plan: _Plan) -> None:
    layout, account = preview.layout, preview.account
    if layout.table.sheet is not None:
        preview.notes.append(Message(NOTE_SHEET, {"sheet": layout.table.sheet}))
    if layout.table.unread_sheets:
        sheets = ", ".join(f"'{name}'" for name in layout.table.unread_sheets)
        preview.notes.append(Message(NOTE_UNREAD_SHEETS, {"sheets": sheets}))
    if preview.currency_from_account:
        preview.notes.append(
            Message(
                NOTE_CURRENCY_FROM_ACCOUNT,
                {"column": layout.header("spend"), "currency": preview.currency, "account": account.name},
            )
        )
    if account.is_new:
        preview.notes.append(
            Message(
                NOTE_NEW_ACCOUNT, {"name": account.name, "currency": account.currency, "timezone": account.timezone}
            )
        )
    if layout.level == "account":
        preview.notes.append(Message(NOTE_ACCOUNT_LEVEL, {"account": account.name}))
    elif (
        layout.level in ("adset", "ad")
        and "campaign_id" not in layout.columns
        and "campaign_name" not in layout.columns
    ):
        if preview.attributed:
            preview.notes.append(Message(NOTE_ADSETS_FOUND, {"account": account.name}))
        else:
            for name, campaigns in sorted(plan.ambiguous_adsets.items())[:3]:
                shown = ", ".join(f"'{campaign}'" for campaign in campaigns)
                params = {"name": name, "count": len(campaigns), "account": account.name, "campaigns": shown}
                preview.notes.append(Message(NOTE_AMBIGUOUS_ADSET, params))
            if plan.unknown_adsets:
                names = ", ".join(sorted(plan.unknown_adsets)[:3])
                params = {"count": len(plan.unknown_adsets), "account": account.name, "names": names}
                preview.notes.append(Message(NOTE_UNKNOWN_ADSETS, params))
    if layout.breakdowns:
        headers = ", ".join(layout.header(name) for name in layout.breakdowns)
        groups = len(preview.figures())
        level = Message(LEVEL_WORDS["campaign" if preview.level != "account" else "account"])
        preview.notes.append(
            Message(NOTE_BREAKDOWN, {"breakdown": headers, "rows": len(preview.rows), "groups": groups, "level": level})
        )
    if preview.export.file_total is not None:
        if preview.export.file_total == preview.spend:
            preview.notes.append(Message(NOTE_FILE_TOTAL_MATCHES, {"total": Amount(preview.spend, preview.currency)}))
        else:
            preview.notes.append(
                Message(
                    NOTE_FILE_TOTAL,
                    {
                        "total": Amount(preview.export.file_total, preview.currency),
                        "imported": Amount(preview.spend, preview.currency),
                    },
                )
            )
    preview.notes.extend(preview.result_notes())
    statuses = preview.statuses()
    if statuses:
        preview.notes.append(Message(NOTE_STATUS, {"column": layout.header("delivery")}))
    if layout.level == "campaign" and "delivery" in layout.columns:
        unknown: dict[str, set[str]] = defaultdict(set)
        for row in preview.rows:
            ref = row.campaign_ref()
            if row.delivery and row.status is None and ref is not None and ref not in statuses:
                unknown[row.delivery].add(row.campaign_name or row.campaign_id or "?")
        for value, named in sorted(unknown.items()):
            shown = ", ".join(sorted(named)[:3]) + (", ..." if len(named) > 3 else "")
            params = {"column": layout.header("delivery"), "value": value, "campaigns": shown}
            preview.notes.append(Message(NOTE_UNKNOWN_DELIVERY, params))


# --- identities -----------------------------------------------------------------------------------------------------


class _Plan:
    """Finds each row's campaign (and ad set) in the target account: by ID when the file gives one, else by name.

    Used by the preview (read-only) and again by `apply_import` in its own transaction.
    """

    def __init__(self, session: Session, account: AdAccount | None) -> None:
        self.session, self.account = session, account
        self.unknown_adsets: set[str] = set()
        self.ambiguous_adsets: dict[str, list[str]] = {}  # ad set name -> the campaigns it is in
        self.adoptable: set[str] = set()  # campaign names the file gives exactly one ID
        self._by_id: dict[str, Campaign | None] = {}
        self._by_name: dict[str, list[Campaign]] | None = None
        self._adsets: dict[tuple[str, str], list[AdSet]] | None = None
        self._file_ids: dict[str, set[str]] = {}
        self._keys: dict[tuple, int] = {}

    def _campaigns_named(self, name: str) -> list[Campaign]:
        if self.account is None:
            return []
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for campaign in self.session.scalars(
                select(Campaign).where(Campaign.account_id == self.account.id, Campaign.source != SOURCE_ACCOUNT_LEVEL)
            ):
                self._by_name[campaign.name].append(campaign)
        return self._by_name.get(name, [])

    def campaign_by_id(self, meta_id: str) -> Campaign | None:
        if meta_id not in self._by_id:
            found = list(
                self.session.scalars(
                    select(Campaign).where(Campaign.platform == PLATFORM_META, Campaign.meta_id == meta_id)
                )
            )
            mine = [c for c in found if self.account is not None and c.account_id == self.account.id]
            self._by_id[meta_id] = mine[0] if mine else (found[0] if found else None)
        return self._by_id[meta_id]

    def find(self, ref: tuple[str, str], name: str | None = None) -> tuple[Campaign | None, Message | None]:
        """(existing campaign or None for a new one, or a refusal).

        A campaign ID the account does not know yet is given to the one campaign of the row's name that was
        imported without an ID (so a later export with IDs continues it), unless the file gives that name two IDs.
        """
        kind, value = ref
        if kind == "pk":
            return self.session.get(Campaign, int(value)), None
        if kind == "id":
            campaign = self.campaign_by_id(value)
            if campaign is not None and (self.account is None or campaign.account_id != self.account.id):
                other = self.session.get(AdAccount, campaign.account_id)
                target = self.account.name if self.account is not None else "the new account"
                return None, Message(
                    CAMPAIGN_IN_OTHER_ACCOUNT,
                    {"campaign_id": value, "account": other.name if other else "?", "target": target},
                )
            if campaign is None and name and name in self.adoptable:
                unnamed = [c for c in self._campaigns_named(name) if c.meta_id is None]
                if len(unnamed) == 1:
                    return unnamed[0], None
            return campaign, None
        named = self._campaigns_named(value)
        if len(named) > 1:
            account = self.account.name if self.account is not None else ""
            return None, Message(AMBIGUOUS_CAMPAIGN, {"count": len(named), "account": account, "name": value})
        return (named[0] if named else None), None

    def _adsets_of(self, ref: tuple[str, str]) -> list[AdSet]:
        if self.account is None:
            return []
        if self._adsets is None:
            self._adsets = defaultdict(list)
            stmt = (
                select(AdSet)
                .join(Campaign, Campaign.id == AdSet.campaign_id)
                .where(Campaign.account_id == self.account.id)
            )
            for adset in self.session.scalars(stmt):
                if adset.meta_id:
                    self._adsets[("id", adset.meta_id)].append(adset)
                self._adsets[("name", adset.name)].append(adset)
        return self._adsets.get(ref, [])

    def adset_campaign(self, ref: tuple[str, str]) -> Campaign | None:
        """The campaign of the ad set `ref` names in the account (one ad set of that ID or name), else None."""
        found = self._adsets_of(ref)
        if len({adset.campaign_id for adset in found}) != 1:
            return None
        return self.session.get(Campaign, found[0].campaign_id)

    def adset_campaigns(self, ref: tuple[str, str]) -> list[Campaign]:
        """Every campaign of the account with an ad set of that ID or name, by name (two or more: ambiguous)."""
        ids = sorted({adset.campaign_id for adset in self._adsets_of(ref)})
        campaigns = [self.session.get(Campaign, pk) for pk in ids]
        return sorted((c for c in campaigns if c is not None), key=lambda c: (c.name, c.id))

    def check(self, rows: list[FileRow], *, id_column: bool = False) -> tuple[list[FileRow], list[Rejected], bool]:
        """Rows that can be written, rows refused for their identity, and whether rows keep their campaigns.

        With `id_column` (the file has a Campaign ID column), a row whose ID cell is blank is given the one
        campaign of its name (`resolve_blank_id`), or refused.
        """
        kept: list[FileRow] = []
        rejected: list[Rejected] = []
        ids_of: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            if row.campaign_name and (row.campaign_id or not id_column):
                ids_of[row.campaign_name].add(row.campaign_id or "")
        self.adoptable = {name for name, ids in ids_of.items() if len(ids) == 1 and "" not in ids}
        self._file_ids = ids_of
        self._keys = {duplicate_key(row): row.line for row in rows if row.campaign_id}
        loose = [row for row in rows if row.level in ("adset", "ad") and row.campaign_ref() is None]
        attributed = True
        loose_lines = {row.line for row in loose}
        if loose:
            for row in loose:
                adset_ref = row.adset_ref()
                name = row.adset_name or row.adset_id or "?"
                candidates = self.adset_campaigns(adset_ref) if adset_ref is not None else []
                if len(candidates) > 1:
                    self.ambiguous_adsets[name] = [c.name for c in candidates]
                elif not candidates:
                    self.unknown_adsets.add(name)
            attributed = not self.unknown_adsets and not self.ambiguous_adsets
        for row in rows:
            if not row.daily and row.level != "account" and (attributed or row.line not in loose_lines):
                # A period total would be stored where no page, budget or export reads it: refused with the way out.
                message = Message(PERIOD_ROW, {"start": Day(row.start), "end": Day(row.end)})
                rejected.append(Rejected(row.line, (Problem("", message),)))
                continue
            if row.level == "account" or (not attributed and row.line in loose_lines):
                if not row.daily:
                    message = Message(ACCOUNT_ROW_NEEDS_DAY, {"start": Day(row.start), "end": Day(row.end)})
                    rejected.append(Rejected(row.line, (Problem("", message),)))
                    continue
                kept.append(row)
                continue
            if id_column and row.campaign_pk is None and not row.campaign_id and row.campaign_name:
                resolved, problem = self.resolve_blank_id(row)
                if problem is not None:
                    rejected.append(Rejected(row.line, (Problem("Campaign ID", problem),)))
                    continue
                row = resolved
            ref = row.campaign_ref()
            if ref is None:  # an ad set of a campaign the account has: the row belongs to that campaign
                found = self.adset_campaign(row.adset_ref())  # type: ignore[arg-type]
                assert found is not None
                row = replace(row, campaign_pk=found.id, campaign_name=found.name, campaign_id=found.meta_id)
                kept.append(row)
                continue
            _campaign, problem = self.find(ref, row.campaign_name)
            if problem is not None:
                column = "Campaign ID" if ref[0] == "id" else "Campaign name"
                rejected.append(Rejected(row.line, (Problem(column, problem),)))
                continue
            kept.append(row)
        return kept, rejected, attributed

    def resolve_blank_id(self, row: FileRow) -> tuple[FileRow, Message | None]:
        """A row of a file with a Campaign ID column whose ID cell is blank: it belongs to the one campaign of its
        name in the account or the file; with none or several it is refused (naming the candidates' IDs), never
        made into a new campaign without an ID beside the real one."""
        name = row.campaign_name or ""
        ids = set(self._file_ids.get(name, set())) - {""}
        unnamed: list[Campaign] = []
        for campaign in self._campaigns_named(name):
            if campaign.meta_id:
                ids.add(campaign.meta_id)
            elif name not in self.adoptable:  # an adoptable one takes the file's ID
                unnamed.append(campaign)
        count = len(ids) + len(unnamed)
        if count == 0:
            account = self.account.name if self.account is not None else "the new account"
            return row, Message(BLANK_ID_UNKNOWN, {"name": name, "account": account})
        if count > 1:
            shown = [*sorted(ids), *("no ID" for _ in unnamed)]
            return row, Message(BLANK_ID_AMBIGUOUS, {"count": count, "name": name, "ids": ", ".join(shown)})
        if unnamed:
            return replace(row, campaign_pk=unnamed[0].id), None
        campaign_id = next(iter(ids))
        resolved = replace(row, campaign_id=campaign_id)
        other = self._keys.get(duplicate_key(resolved))
        if other is not None:
            return row, Message(BLANK_ID_REPEATS, {"name": name, "campaign_id": campaign_id, "other": other})
        return resolved, None


# --- writing --------------------------------------------------------------------------------------------------------


def apply_import(session: Session, actor: Actor, preview: ImportPreview) -> ImportResult:
    """Write the previewed valid rows (rejected rows stay out) in the caller's transaction; audited.

    Identities are resolved again here, so campaigns created since the preview are found, not duplicated.
    Importing the same file again writes nothing and says so.
    """
    require(actor, "import.run")
    refusal = preview.nothing_to_import()
    if refusal is not None:  # not even the account is created for a file of refused rows
        raise AdsManagerImportError(refusal)
    try:
        return _apply(session, actor, preview)
    except IntegrityError:
        raise AdsManagerImportError(CONCURRENT) from None


def _apply(session: Session, actor: Actor, preview: ImportPreview) -> ImportResult:
    result = ImportResult(result_notes=preview.result_notes())
    account = session.get(AdAccount, preview.account.existing_id) if preview.account.existing_id else None
    if account is None:
        account = create_account(session, preview.account)
        result.account_created = True
    stamp = utcnow()
    writer = _Writer(session, account, stamp, result)
    plan = _Plan(session, account)
    rows, rejected, attributed = plan.check(preview.rows, id_column="campaign_id" in preview.layout.columns)
    if rejected or attributed != preview.attributed:
        raise AdsManagerImportError(CONCURRENT)  # the account changed since the preview: preview again
    dims = preview.layout.breakdown_label
    direct_campaign: dict[tuple[int, dt.date, dt.date], list[FileRow]] = defaultdict(list)
    direct_account: dict[dt.date, list[FileRow]] = defaultdict(list)
    details: list[tuple[FileRow, int | None]] = []
    for row in rows:
        campaign_id = writer.campaign(plan, row).id if row.campaign_ref() is not None else None
        if row.level in ("adset", "ad") or dims:
            details.append((row, campaign_id))  # stored as given; the day's total is rolled up from them
        elif campaign_id is not None:
            direct_campaign[(campaign_id, row.start, row.end)].append(row)
        else:
            direct_account[row.start].append(row)
    for ref, status in campaign_statuses(preview.layout, rows).items():
        writer.status(ref, status)
    for (campaign_id, start, end), group in direct_campaign.items():
        writer.campaign_figure(campaign_id, start, end, total(r.metrics for r in group))
    for day, group in direct_account.items():
        writer.account_figure(day, total(r.metrics for r in group))
    if details:
        writer.details(details, dims)
        writer.roll_up(details, dims)
    days = [row.start for row in rows] + [row.end for row in rows]
    if days:
        result.account_days = settle_account_days(session, account, min(days), max(days))
    session.flush()
    if not result.changed:
        return result
    run = SyncRun(
        account_id=account.id,
        kind=SOURCE_ADS_MANAGER_CSV,
        window_since=min(days, default=None),
        window_until=max(days, default=None),
        finished_at=utcnow(),
        status="success" if not preview.rejected else "partial",
        rows=result.inserted + result.updated,
        objects=result.campaigns_created + result.ad_sets_created,
        triggered_by=actor.email,
        error="; ".join(f"row {e.row}, {e.column or 'row'}: {e.reason}" for e in preview.errors[:20]) or None,
        details={
            "file": preview.filename,
            "level": preview.level,
            "unchanged": result.unchanged,
            "skipped_synced": result.skipped_synced,
            "detail_rows": result.detail_rows,
            "results_not_counted": [str(note) for note in result.result_notes],
        },
    )
    session.add(run)
    session.flush()
    result.run_id = run.id
    audit.record(
        session,
        actor,
        "import",
        "ads_manager_file",
        preview.filename,
        summary=f"Imported {preview.filename} into {account.name}: {result.describe()} {result.uncounted()}".strip(),
    )
    return result


class _Writer:
    """Creates campaigns and ad sets and upserts each figure, counting what changed."""

    def __init__(self, session: Session, account: AdAccount, stamp: dt.datetime, result: ImportResult) -> None:
        self.session, self.account, self.stamp, self.result = session, account, stamp, result
        self._campaigns: dict[tuple[str, str], Campaign] = {}
        self._created: set[int] = set()  # campaigns this import creates (their status is no change to count)
        self._children: dict[tuple[str, int, tuple[str, str]], Any] = {}

    def campaign(self, plan: _Plan, row: FileRow) -> Campaign:
        ref = row.campaign_ref()
        assert ref is not None  # rows without a campaign are account-level
        if ref in self._campaigns:
            return self._campaigns[ref]
        campaign, _problem = plan.find(ref, row.campaign_name)
        if campaign is not None and campaign.meta_id is None and row.campaign_id:
            campaign.meta_id = row.campaign_id  # an ID-less campaign from an earlier file gets its ID
        if campaign is None:
            campaign = Campaign(
                account_id=self.account.id,
                meta_id=row.campaign_id,
                name=row.campaign_name or row.campaign_id or "?",
                currency=self.account.currency,
                source=SOURCE_ADS_MANAGER_CSV,
            )
            self.session.add(campaign)
            self.session.flush()
            self.result.campaigns_created += 1
            self._created.add(campaign.id)
        self._campaigns[ref] = campaign
        return campaign

    def status(self, ref: tuple[str, str], status: str) -> None:
        """The file's delivery as the campaign's status; a campaign the Meta API synced keeps the sync's."""
        campaign = self._campaigns.get(ref)
        if campaign is None or campaign.source == SOURCE_META_API or campaign.status == status:
            return
        if campaign.id not in self._created:
            self.result.statuses += 1
        campaign.status = status

    def _upsert(self, model: type, keys: dict[str, Any], values: dict[str, Any]) -> str:
        """Insert or replace one stored figure: "inserted", "updated", "unchanged" or "synced" (an API row wins)."""
        existing = self.session.scalar(select(model).filter_by(**keys))
        if existing is not None and getattr(existing, "source", None) == SOURCE_META_API:
            return "synced"
        if existing is None:
            self.session.add(model(**keys, **values, source=SOURCE_ADS_MANAGER_CSV, synced_at=self.stamp))
            return "inserted"
        if any(differs(getattr(existing, name), value) for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            existing.synced_at = self.stamp
            return "updated"
        return "unchanged"

    def _count(self, status: str) -> None:
        if status == "synced":
            self.result.skipped_synced += 1
        else:
            setattr(self.result, status, getattr(self.result, status) + 1)

    def campaign_figure(self, campaign_id: int, start: dt.date, end: dt.date, metrics: Metrics) -> None:
        if start != end:  # the preview refuses every row spanning days (whole-period exports): none gets here
            raise ValueError(f"a campaign figure for {start}..{end}: only days are stored")
        values = metrics.values(self.account.currency)
        self._count(self._upsert(CampaignInsight, {"campaign_id": campaign_id, "date": start}, values))

    def account_figure(self, day: dt.date, metrics: Metrics) -> None:
        keys = {"account_id": self.account.id, "date": day}
        self._count(self._upsert(AccountInsight, keys, metrics.values(self.account.currency)))

    def _child(self, model: type, parent: str, parent_id: int, ref: tuple[str, str], name: str | None) -> Any:
        """The ad set (or ad) `ref` names under its parent: by Meta ID, else by name; created when missing. An
        ID-less one of the same name (from an earlier file without IDs) takes the ID."""
        key = (model.__name__, parent_id, ref)
        if key in self._children:
            return self._children[key]
        siblings: list[Any] = list(self.session.scalars(select(model).where(getattr(model, parent) == parent_id)))
        if ref[0] == "id":
            found = [c for c in siblings if c.meta_id == ref[1]]
            if not found and name:
                found = [c for c in siblings if c.meta_id is None and c.name == name][:1]
                if found:
                    found[0].meta_id = ref[1]
        else:
            found = sorted((c for c in siblings if c.name == ref[1]), key=lambda c: c.id)
        item = found[0] if found else None
        if item is None:
            values = {parent: parent_id, "meta_id": ref[1] if ref[0] == "id" else None, "name": name or ref[1]}
            if model is AdSet:
                values["currency"] = self.account.currency
            item = model(**values, source=SOURCE_ADS_MANAGER_CSV)
            self.session.add(item)
            self.session.flush()
            if model is AdSet:
                self.result.ad_sets_created += 1
        self._children[key] = item
        return item

    def adset(self, campaign_id: int, ref: tuple[str, str], name: str | None) -> AdSet:
        return self._child(AdSet, "campaign_id", campaign_id, ref, name)

    def ad(self, adset_id: int, ref: tuple[str, str], name: str | None) -> Ad:
        return self._child(Ad, "ad_set_id", adset_id, ref, name)

    def details(self, rows: Iterable[tuple[FileRow, int | None]], breakdown: str) -> None:
        """Keep the file's ad set, ad and breakdown rows. A set (one object's day or period at one level and
        breakdown) that the file gives replaces the stored set; other objects' rows stay."""
        wanted: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # set_key -> row_key -> values
        for row, campaign_id in rows:
            adset_id = ad_id = None
            if campaign_id is not None and row.adset_ref() is not None:
                adset_id = self.adset(campaign_id, row.adset_ref(), row.adset_name).id  # type: ignore[arg-type]
            if row.level == "ad" and adset_id is not None and row.ad_ref() is not None:
                ad_id = self.ad(adset_id, row.ad_ref(), row.ad_name).id  # type: ignore[arg-type]
            # What the row is about: the stored ad set or ad when there is one, else the names the file gives.
            if row.level == "ad":
                about: tuple = ("ad", ad_id) if ad_id is not None else ("ad", adset_id or row.adset_ref(), row.ad_ref())
            elif row.level == "adset":
                about = ("adset", adset_id) if adset_id is not None else ("adset", row.adset_ref())
            else:
                about = (row.level,)
            set_key = row_key(row.level, campaign_id, about, breakdown, row.start, row.end)
            name, meta_id, parent = _object(row)
            wanted[set_key][row_key(set_key, *row.breakdown)] = {
                "campaign_id": campaign_id,
                "ad_set_id": adset_id,
                "level": row.level,
                "object_name": name,
                "object_meta_id": meta_id,
                "parent_name": parent,
                "breakdown": breakdown,
                "breakdown_value": " | ".join(row.breakdown),
                "period_start": row.start,
                "period_end": row.end,
                **row.metrics.values(self.account.currency),
            }
        stored: dict[str, InsightDetail] = {}
        item: InsightDetail | None
        keys = list(wanted)
        for first in range(0, len(keys), 500):
            stmt = select(InsightDetail).where(
                InsightDetail.account_id == self.account.id, InsightDetail.set_key.in_(keys[first : first + 500])
            )
            stored.update({item.row_key: item for item in self.session.scalars(stmt)})
        fresh = {key for rows_of_set in wanted.values() for key in rows_of_set}
        for key, item in stored.items():
            if key not in fresh:
                self.session.delete(item)
                self.result.detail_rows += 1
        for set_key, rows_of_set in wanted.items():
            for key, values in rows_of_set.items():
                item = stored.get(key)
                if item is None:
                    self.session.add(
                        InsightDetail(
                            account_id=self.account.id,
                            row_key=key,
                            set_key=set_key,
                            source=SOURCE_ADS_MANAGER_CSV,
                            synced_at=self.stamp,
                            **values,
                        )
                    )
                    self.result.detail_rows += 1
                elif any(differs(getattr(item, name), value) for name, value in values.items()):
                    for name, value in values.items():
                        setattr(item, name, value)
                    item.synced_at = self.stamp
                    self.result.detail_rows += 1
        self.session.flush()

    def roll_up(self, rows: list[tuple[FileRow, int | None]], breakdown: str) -> None:
        """Each campaign-day (or account-day, ad-set-day) the file's detail rows touch becomes the sum of every
        stored row of that level and breakdown for it: two files of different ads of one day add up, one file
        imported twice does not."""
        levels = {row.level for row, _campaign in rows}
        first = min(row.start for row, _campaign in rows)
        last = max(row.end for row, _campaign in rows)
        touched = {(campaign_id, row.start, row.end) for row, campaign_id in rows}
        touched_adsets: set[tuple[int, dt.date]] = set()
        sums: dict[tuple[int | None, dt.date, dt.date], list[Metrics]] = defaultdict(list)
        adset_sums: dict[tuple[int, dt.date], list[Metrics]] = defaultdict(list)
        stmt = select(InsightDetail).where(
            InsightDetail.account_id == self.account.id,
            InsightDetail.level.in_(sorted(levels)),
            InsightDetail.breakdown == breakdown,
            InsightDetail.period_start >= first,
            InsightDetail.period_end <= last,
        )
        stored = list(self.session.scalars(stmt))
        for item in stored:
            key = (item.campaign_id, item.period_start, item.period_end)
            if key in touched:
                sums[key].append(_stored_metrics(item))
        for row, campaign_id in rows:
            if campaign_id is not None and row.level in ("adset", "ad") and row.adset_ref() is not None and row.daily:
                touched_adsets.add((self.adset(campaign_id, row.adset_ref(), row.adset_name).id, row.start))  # type: ignore[arg-type]
        for item in stored:
            key2 = (item.ad_set_id, item.period_start)
            if item.ad_set_id is not None and item.period_start == item.period_end and key2 in touched_adsets:
                adset_sums[key2].append(_stored_metrics(item))
        for (campaign_id, start, end), metrics in sums.items():
            if campaign_id is None:
                self.account_figure(start, total(metrics))
            else:
                self.campaign_figure(campaign_id, start, end, total(metrics))
        for (adset_id, day), metrics in adset_sums.items():
            values = total(metrics).values(self.account.currency)
            values.pop("reach")  # ad set insights keep no reach
            if self._upsert(AdSetInsight, {"ad_set_id": adset_id, "date": day}, values) in ("inserted", "updated"):
                self.result.detail_rows += 1


def _stored_metrics(item: InsightDetail) -> Metrics:
    def parsed(items: list[dict[str, Any]] | None) -> dict[str, Decimal]:
        return {entry["action_type"]: Decimal(str(entry["value"])) for entry in items or []}

    return Metrics(
        spend=Decimal(str(item.spend)),
        impressions=int(item.impressions or 0),
        clicks=int(item.clicks or 0),
        link_clicks=item.link_clicks,
        reach=item.reach,
        conversions=Decimal(str(item.conversions)),
        conversion_value=Decimal(str(item.conversion_value)),
        actions=parsed(item.actions),
        action_values=parsed(item.action_values),
    )


def _object(row: FileRow) -> tuple[str | None, str | None, str | None]:
    """(name, Meta ID, parent name) of what a detail row is about."""
    if row.level == "ad":
        return row.ad_name, row.ad_id, row.adset_name
    if row.level == "adset":
        return row.adset_name, row.adset_id, row.campaign_name
    if row.level == "campaign":
        return row.campaign_name, row.campaign_id, None
    return row.account_name, row.account_id, None
