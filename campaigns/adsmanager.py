"""Ads Manager export import (CSV/XLSX, English or Bahasa Indonesia headers): preview, then write.

`preview_import` parses and validates without touching the database (row, column, reason for each
problem); `apply_import` writes the valid rows. Daily rows (Reporting starts = ends, or a Day column)
become campaign daily insights; whole-period rows go to `CampaignPeriodInsight`, never spread over
days. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.meta_settings import CONVERSION_EVENTS
from campaigns.models import (
    SOURCE_ADS_MANAGER_CSV,
    SOURCE_META_API,
    AdAccount,
    Campaign,
    CampaignInsight,
    CampaignPeriodInsight,
    SyncRun,
)
from db import audit
from db.roles import Actor, require
from db.types import utcnow

# Canonical field -> header names (lower-case, single spaces), English and Bahasa Indonesia.
HEADERS: dict[str, tuple[str, ...]] = {
    "reporting_starts": ("reporting starts", "awal pelaporan"),
    "reporting_ends": ("reporting ends", "akhir pelaporan"),
    "day": ("day", "hari"),
    "campaign_name": ("campaign name", "nama kampanye"),
    "campaign_id": ("campaign id", "id kampanye"),
    "adset_name": ("ad set name", "nama set iklan"),
    "ad_name": ("ad name", "nama iklan"),
    "results": ("results", "hasil"),
    "result_indicator": ("result indicator", "indikator hasil"),
    "reach": ("reach", "jangkauan"),
    "impressions": ("impressions", "impresi", "tayangan"),
    "link_clicks": ("link clicks", "klik tautan"),
    "clicks": ("clicks (all)", "klik (semua)"),
    "purchases": ("purchases", "pembelian"),
    "purchase_value": ("purchases conversion value", "nilai konversi pembelian"),
}
SPEND_HEADER = re.compile(r"^(amount spent|jumlah yang dibelanjakan)\s*\(([a-z]{3})\)$")
EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?e\+?\d+$", re.IGNORECASE)
EXCEL_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")
# Result indicators that are conversions (purchases, leads, installs); link clicks, reach... are not.
CONVERSION_TYPES = frozenset(t for e in ("purchase", "lead", "app_install") for t in CONVERSION_EVENTS[e])


def _norm(header: Any) -> str:
    return re.sub(r"\s+", " ", str(header or "").replace("\ufeff", "")).strip().lower()


@dataclass
class RowError:
    row: int  # line in the file (the header is counted)
    column: str
    reason: str


@dataclass
class ImportRow:
    row: int
    campaign_name: str
    campaign_id: str | None
    start: dt.date
    end: dt.date
    spend: Decimal
    impressions: int
    clicks: int
    link_clicks: int | None
    reach: int | None
    results: Decimal | None
    indicator: str | None
    purchases: Decimal | None
    purchase_value: Decimal | None

    @property
    def daily(self) -> bool:
        return self.start == self.end

    def actions(self) -> tuple[list[dict[str, str]] | None, list[dict[str, str]] | None]:
        actions: dict[str, Decimal] = {}
        values: dict[str, Decimal] = {}
        if self.indicator and self.indicator.startswith("actions:") and self.results is not None:
            actions[self.indicator.split(":", 1)[1]] = self.results
        if self.purchases is not None:
            actions.setdefault("purchase", self.purchases)
        if self.purchase_value is not None:
            values["purchase"] = self.purchase_value
        as_list = [{"action_type": k, "value": str(v)} for k, v in actions.items()]
        value_list = [{"action_type": k, "value": str(v)} for k, v in values.items()]
        return as_list or None, value_list or None

    def conversions(self) -> tuple[Decimal, Decimal]:
        """Results count only when the indicator is a conversion event; else the Purchases column."""
        count = Decimal(0)
        kind = (self.indicator or "").split(":", 1)[-1]
        if kind in CONVERSION_TYPES and self.results is not None:
            count = self.results
        elif self.purchases is not None:
            count = self.purchases
        return count, self.purchase_value or Decimal(0)


@dataclass
class ImportPreview:
    filename: str
    account_name: str
    currency: str | None
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    summary_rows: int = 0

    @property
    def kind(self) -> str:
        if not self.rows:
            return "empty"
        kinds = {r.daily for r in self.rows}
        return "daily" if kinds == {True} else "period" if kinds == {False} else "mixed"

    def describe(self) -> str:
        spend = sum((r.spend for r in self.rows), Decimal(0))
        return (
            f"{self.filename}: {len(self.rows)} valid row(s) ({self.kind}), {len(self.errors)} rejected, "
            f"{self.summary_rows} summary row(s) skipped; account {self.account_name}, currency {self.currency}, "
            f"spend {spend}."
        )

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "row": r.row,
                "campaign": r.campaign_name,
                "campaign_id": r.campaign_id or "",
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "spend": str(r.spend),
                "impressions": r.impressions,
                "clicks": r.clicks,
                "conversions": str(r.conversions()[0]),
            }
            for r in self.rows
        ]


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_synced: int = 0
    campaigns_created: int = 0
    account_created: bool = False
    run_id: int | None = None

    def describe(self) -> str:
        return (
            f"Imported: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged row(s); "
            f"{self.skipped_synced} skipped (already synced from the Meta API); "
            f"{self.campaigns_created} campaign(s) created."
        )


def account_name_from_filename(filename: str) -> str:
    """`Acme-Campaigns-Jan-1-2026-Jul-11-2026.csv` -> `Acme` (Indonesian UI: `-Kampanye-`)."""
    stem = Path(filename).stem
    name = re.split(r"-(Campaigns|Kampanye|Ad-sets|Set-iklan|Ads|Iklan)-", stem, maxsplit=1, flags=re.I)[0]
    return name.strip() or stem


def _read_table(data: bytes) -> list[list[Any]]:
    if data[:2] == b"PK":  # XLSX is a zip
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book["Raw Data Report"] if "Raw Data Report" in book.sheetnames else book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _header_map(header: list[Any]) -> tuple[dict[str, int], str | None, int | None]:
    columns: dict[str, int] = {}
    currency = None
    spend_col = None
    names = [_norm(h) for h in header]
    for field_name, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases and field_name not in columns:
                columns[field_name] = index
    for index, name in enumerate(names):
        match = SPEND_HEADER.match(name)
        if match and spend_col is None:
            spend_col, currency = index, match.group(2).upper()
    return columns, currency, spend_col


class _RowReader:
    def __init__(self, line: int, cells: list[Any], columns: dict[str, int], headers: list[Any]) -> None:
        self.line, self.cells, self.columns, self.headers = line, cells, columns, headers
        self.errors: list[RowError] = []

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        if isinstance(value, str):
            value = value.strip()
            if value in ("", "-", "--"):
                return None
        return value

    def header(self, name: str) -> str:
        index = self.columns.get(name)
        return str(self.headers[index]).replace("\ufeff", "").strip() if index is not None else name

    def fail(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.line, self.header(name), reason))

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        return None if value is None else str(value)

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value)
        if EXCEL_DATE.match(text):
            self.fail(name, f"'{text}' looks reformatted by Excel; export again from Ads Manager (dates YYYY-MM-DD)")
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            self.fail(name, f"'{text}' is not a date (YYYY-MM-DD expected)")
            return None

    def decimal(self, name: str) -> Decimal | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, float):
            value = repr(value)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(name, f"'{value}' is not a number (a dot decimal without thousands separators expected)")
            return None
        if number < 0:
            self.fail(name, f"{value} is negative")
            return None
        return number

    def integer(self, name: str) -> int | None:
        number = self.decimal(name)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.fail(name, f"{number} is not a whole number")
            return None
        return int(number)


def preview_import(data: bytes, filename: str, account_name: str | None = None) -> ImportPreview:
    """Parse and check an Ads Manager export; nothing is written."""
    preview = ImportPreview(
        filename=filename, account_name=account_name or account_name_from_filename(filename), currency=None
    )
    table = _read_table(data)
    header_index = None
    for index, row in enumerate(table[:30]):
        names = {_norm(c) for c in row}
        if names & set(HEADERS["campaign_name"]):
            header_index = index
            break
    if header_index is None:
        preview.errors.append(
            RowError(1, "Campaign name", "no 'Campaign name' / 'Nama kampanye' column: is this an Ads Manager export?")
        )
        return preview
    header = table[header_index]
    columns, currency, spend_col = _header_map(header)
    if spend_col is None:
        preview.errors.append(
            RowError(
                header_index + 1, "Amount spent", "no 'Amount spent (CUR)' / 'Jumlah yang dibelanjakan (CUR)' column"
            )
        )
        return preview
    columns["spend"] = spend_col
    preview.currency = currency
    has_period = "reporting_starts" in columns or "day" in columns
    if not has_period:
        preview.errors.append(
            RowError(header_index + 1, "Reporting starts", "no 'Reporting starts' / 'Day' column: dates are needed")
        )
        return preview
    for offset, cells in enumerate(table[header_index + 1 :], start=header_index + 2):
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue
        reader = _RowReader(offset, list(cells), columns, header)
        name = reader.text("campaign_name")
        campaign_id = reader.text("campaign_id")
        if not name and not campaign_id:
            preview.summary_rows += 1  # the totals row Ads Manager puts first
            continue
        if campaign_id is not None:
            if EXCEL_NUMBER.match(campaign_id):
                reader.fail(
                    "campaign_id",
                    f"'{campaign_id}' was turned into a rounded number by Excel; the real ID is lost. "
                    "Export again from Ads Manager and do not open and save the file in Excel",
                )
            elif campaign_id.endswith(".0") and campaign_id[:-2].isdigit():
                campaign_id = campaign_id[:-2]
            elif not campaign_id.isdigit():
                reader.fail("campaign_id", f"'{campaign_id}' is not a campaign ID (digits expected)")
        if not name:
            reader.fail("campaign_name", "the campaign name is empty")
        day = reader.date("day") if "day" in columns else None
        start = day or reader.date("reporting_starts")
        end = day or (reader.date("reporting_ends") if "reporting_ends" in columns else start)
        if start is None and not reader.errors:
            reader.fail("reporting_starts", "the reporting start date is empty")
        if start and end and end < start:
            reader.fail("reporting_ends", f"{end} is before {start}")
        spend = reader.decimal("spend")
        values = {
            "impressions": reader.integer("impressions"),
            "clicks": reader.integer("clicks"),
            "link_clicks": reader.integer("link_clicks"),
            "reach": reader.integer("reach"),
            "results": reader.decimal("results"),
            "purchases": reader.decimal("purchases"),
            "purchase_value": reader.decimal("purchase_value"),
        }
        if reader.errors:
            preview.errors.extend(reader.errors)
            continue
        preview.rows.append(
            ImportRow(
                row=offset,
                campaign_name=name or "",
                campaign_id=campaign_id,
                start=start,
                end=end or start,
                spend=spend or Decimal(0),
                impressions=values["impressions"] or 0,
                clicks=values["clicks"] if values["clicks"] is not None else values["link_clicks"] or 0,
                link_clicks=values["link_clicks"],
                reach=values["reach"],
                results=values["results"],
                indicator=reader.text("result_indicator"),
                purchases=values["purchases"],
                purchase_value=values["purchase_value"],
            )
        )
    _merge_duplicates(preview)
    return preview


def _merge_duplicates(preview: ImportPreview) -> None:
    """Ad set or ad rows of one campaign and period are added up (reach, a unique count, is dropped)."""
    merged: dict[tuple, ImportRow] = {}
    for row in preview.rows:
        key = (row.campaign_id or "", row.campaign_name, row.start, row.end)
        first = merged.get(key)
        if first is None:
            merged[key] = row
            continue
        first.spend += row.spend
        first.impressions += row.impressions
        first.clicks += row.clicks
        first.link_clicks = _add(first.link_clicks, row.link_clicks)
        first.reach = None
        if first.indicator == row.indicator:
            first.results = _add(first.results, row.results)
        else:
            first.results, first.indicator = None, None
        first.purchases = _add(first.purchases, row.purchases)
        first.purchase_value = _add(first.purchase_value, row.purchase_value)
    preview.rows = list(merged.values())


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _account(session: Session, preview: ImportPreview, result: ImportResult) -> AdAccount:
    account = session.scalar(select(AdAccount).where(AdAccount.name == preview.account_name))
    if account is None:
        slug = re.sub(r"[^a-z0-9]+", "-", preview.account_name.lower()).strip("-")[:32] or "file"
        account = AdAccount(
            account_id=f"csv-{slug}",
            name=preview.account_name,
            currency=preview.currency or "USD",
            timezone_name="UTC",
            source=SOURCE_ADS_MANAGER_CSV,
            sync_enabled=False,
        )
        session.add(account)
        session.flush()
        result.account_created = True
    return account


def apply_import(session: Session, actor: Actor, preview: ImportPreview) -> ImportResult:
    """Write the valid rows of a preview (rejected rows stay out); audited; idempotent."""
    require(actor, "import.run")
    result = ImportResult()
    account: AdAccount | None = None
    stamp = utcnow()
    for row in preview.rows:
        campaign = None
        if row.campaign_id:
            campaign = session.scalar(select(Campaign).where(Campaign.meta_id == row.campaign_id))
        if campaign is None:
            account = account or _account(session, preview, result)
            campaign = session.scalar(
                select(Campaign).where(Campaign.account_id == account.id, Campaign.name == row.campaign_name)
            )
        if campaign is None:
            campaign = Campaign(
                account_id=account.id,
                meta_id=row.campaign_id,
                name=row.campaign_name,
                currency=preview.currency or account.currency,
                source=SOURCE_ADS_MANAGER_CSV,
            )
            session.add(campaign)
            session.flush()
            result.campaigns_created += 1
        if preview.currency and campaign.currency != preview.currency:
            raise ValueError(
                f"row {row.row}: campaign {campaign.name} is in {campaign.currency} but the file is in "
                f"{preview.currency}; nothing was imported"
            )
        actions, action_values = row.actions()
        conversions, value = row.conversions()
        values = {
            "currency": campaign.currency,
            "spend": row.spend,
            "impressions": row.impressions,
            "clicks": row.clicks,
            "link_clicks": row.link_clicks,
            "reach": row.reach,
            "actions": actions,
            "action_values": action_values,
            "conversions": conversions,
            "conversion_value": value,
        }
        if row.daily:
            existing = session.scalar(
                select(CampaignInsight).where(
                    CampaignInsight.campaign_id == campaign.id, CampaignInsight.date == row.start
                )
            )
            if existing is not None and existing.source == SOURCE_META_API:
                result.skipped_synced += 1
                continue
            target = existing
            if target is None:
                target = CampaignInsight(campaign_id=campaign.id, date=row.start, source=SOURCE_ADS_MANAGER_CSV)
        else:
            target = session.scalar(
                select(CampaignPeriodInsight).where(
                    CampaignPeriodInsight.campaign_id == campaign.id,
                    CampaignPeriodInsight.period_start == row.start,
                    CampaignPeriodInsight.period_end == row.end,
                )
            )
            existing = target
            if target is None:
                target = CampaignPeriodInsight(
                    campaign_id=campaign.id, period_start=row.start, period_end=row.end, source=SOURCE_ADS_MANAGER_CSV
                )
        if existing is None:
            for key, v in values.items():
                setattr(target, key, v)
            target.synced_at = stamp
            session.add(target)
            result.inserted += 1
        elif any(_differs(getattr(existing, k), v) for k, v in values.items()):
            for key, v in values.items():
                setattr(existing, key, v)
            existing.synced_at = stamp
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    changed = result.inserted + result.updated + result.campaigns_created
    run = SyncRun(
        account_id=account.id if account is not None else None,
        kind=SOURCE_ADS_MANAGER_CSV,
        window_since=min((r.start for r in preview.rows), default=None),
        window_until=max((r.end for r in preview.rows), default=None),
        finished_at=utcnow(),
        status="success" if not preview.errors else "partial",
        rows=changed,
        objects=result.campaigns_created,
        triggered_by=actor.email,
        error="; ".join(f"row {e.row}, {e.column}: {e.reason}" for e in preview.errors[:20]) or None,
        details={"file": preview.filename, "unchanged": result.unchanged, "skipped_synced": result.skipped_synced},
    )
    session.add(run)
    session.flush()
    result.run_id = run.id
    if changed:
        audit.record(
            session,
            actor,
            "import",
            "ads_manager_file",
            preview.filename,
            summary=f"Imported {preview.filename}: {result.describe()}",
        )
    return result


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None) != (new is None) or (old is not None and Decimal(old) != Decimal(new))
    return old != new
