"""What the TikTok Ads Manager, Google Ads and LinkedIn Campaign Manager report files look like: their header names,
empty markers, date order and conversion columns, one `ReportFormat` per platform (docs/file-formats.md).

Header names are matched by `db.tabular.header_key` (lower case, spaces collapsed; a `(CUR)` suffix such as
`Cost (USD)` gives the currency). Conversion columns are kept as raw action lists named after the platform's
raw types (`campaigns.conversions.CONVERSIONS`), so the conversion definition in force counts them and a changed
definition needs no re-import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from campaigns.platforms import PLATFORM_GOOGLE, PLATFORM_LINKEDIN, PLATFORM_TIKTOK, PLATFORMS, UnknownPlatform
from db.errors import N_

SOURCE_TIKTOK_FILE = "tiktok_file"
SOURCE_GOOGLE_ADS_FILE = "google_ads_file"
SOURCE_LINKEDIN_FILE = "linkedin_file"

# Fields every format reads (the campaign's identity, the day and the figures).
IDENTITY = ("campaign_id", "campaign_name")


@dataclass(frozen=True)
class ReportFormat:
    """One platform's report file: header names per field, and its conversion columns as raw action types."""

    platform: str
    command: str  # the `python cli.py import` name
    title: str  # N_-marked, for the page and messages
    source: str  # CampaignInsight.source and SyncRun.kind of its imports
    columns: Mapping[str, tuple[str, ...]]
    # conversion count column (field) -> raw action type; value column (field) -> the count type it belongs to
    counts: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)
    date_locale: str | None = None  # LinkedIn writes M/D/YYYY (en_US order); the others ISO
    timezone: str | None = None  # the zone a new account gets (LinkedIn's days are UTC); None: the workspace's
    account_lines: tuple[str, ...] = ()  # preamble prefixes naming the account ("Account: Acme (5088)")

    @property
    def header_names(self) -> frozenset[str]:
        return frozenset(name for names in self.columns.values() for name in names)


_COMMON = {
    "currency": ("currency", "currency code", "mata uang"),
    "impressions": ("impressions", "impr.", "impression", "tayangan"),
}

TIKTOK = ReportFormat(
    PLATFORM_TIKTOK,
    "tiktok",
    N_("TikTok Ads Manager report"),
    SOURCE_TIKTOK_FILE,
    {
        **_COMMON,
        "date": ("by day", "date", "day", "stat time day", "tanggal"),
        "campaign_name": ("campaign name", "campaign", "nama kampanye"),
        "campaign_id": ("campaign id", "id kampanye"),
        "account_name": ("advertiser name", "account name", "advertiser"),
        "account_id": ("advertiser id", "account id"),
        "spend": ("cost", "total cost", "spend", "biaya"),
        "clicks": ("clicks (destination)", "clicks", "clicks (all)", "klik (tujuan)", "klik"),
        "conversions": ("conversions", "konversi"),
        "complete_payment": ("complete payment", "purchases", "complete payments"),
        "complete_payment_value": ("total complete payment value", "complete payment value", "purchase value"),
    },
    counts={"conversions": "conversion", "complete_payment": "complete_payment"},
    values={"complete_payment_value": "complete_payment"},
)

GOOGLE_ADS = ReportFormat(
    PLATFORM_GOOGLE,
    "googleads",
    N_("Google Ads report"),
    SOURCE_GOOGLE_ADS_FILE,
    {
        **_COMMON,
        "date": ("day", "date", "hari"),
        "campaign_name": ("campaign", "campaign name", "kampanye"),
        "campaign_id": ("campaign id", "id kampanye"),
        "account_name": ("account", "account name", "customer name", "akun"),
        "account_id": ("customer id", "account id", "id pelanggan"),
        "spend": ("cost", "biaya"),
        "clicks": ("clicks", "interactions", "klik"),
        "conversions": ("conversions", "konversi"),
        "conversion_value": ("conv. value", "conversion value", "nilai konv."),
        "all_conversions": ("all conv.", "all conversions", "semua konv."),
        "all_conversion_value": ("all conv. value", "all conversion value", "nilai semua konv."),
    },
    counts={"conversions": "conversions", "all_conversions": "all_conversions"},
    values={"conversion_value": "conversions", "all_conversion_value": "all_conversions"},
)

LINKEDIN = ReportFormat(
    PLATFORM_LINKEDIN,
    "linkedin",
    N_("LinkedIn Campaign Manager export"),
    SOURCE_LINKEDIN_FILE,
    {
        **_COMMON,
        "date": ("start date (in utc)", "date", "day", "start date"),
        "campaign_name": ("campaign name", "campaign"),
        "campaign_id": ("campaign id",),
        "account_name": ("account name",),
        "account_id": ("account id",),
        "spend": ("total spent", "amount spent", "spend", "cost"),
        "clicks": ("clicks",),
        "conversions": ("conversions",),
        "conversion_value": ("total conversion value", "conversion value"),
        "leads": ("leads",),
    },
    counts={"conversions": "conversions", "leads": "leads"},
    values={"conversion_value": "conversions"},
    date_locale="en_US",
    timezone="UTC",
    account_lines=("account:",),
)

FORMATS: dict[str, ReportFormat] = {f.command: f for f in (TIKTOK, GOOGLE_ADS, LINKEDIN)}
FORMATS_BY_PLATFORM: dict[str, ReportFormat] = {f.platform: f for f in FORMATS.values()}
# What the platforms write for "nothing" in a figure cell (Google `--`, TikTok `-`).
EMPTY_VALUES = ("", "-", "--", "—")

UNKNOWN_FORMAT = N_("{value} is not a report Pantau imports; use one of {known}.")


def report_format(name: str) -> ReportFormat:
    """The format by its command name (`tiktok`, `googleads`, `linkedin`) or platform code (`google`)."""
    key = str(name or "").strip().lower()
    found = FORMATS.get(key) or FORMATS_BY_PLATFORM.get(key)
    if found is None:
        raise UnknownPlatform(UNKNOWN_FORMAT, value=str(name), known=", ".join(FORMATS))
    assert found.platform in PLATFORMS
    return found
