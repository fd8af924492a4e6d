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
    english: Mapping[str, tuple[str, ...]]  # field -> header names the English interface writes
    # conversion count column (field) -> raw action type; value column (field) -> the count type it belongs to
    counts: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)
    date_locale: str | None = None  # LinkedIn writes M/D/YYYY (en_US order); the others ISO
    timezone: str | None = None  # the zone a new account gets (LinkedIn's days are UTC); None: the workspace's
    account_lines: tuple[str, ...] = ()  # preamble prefixes naming the account ("Account: Acme (5088)")
    # headers no field reads that only this platform writes (they tell a file of another platform)
    signature: tuple[str, ...] = ()

    @property
    def bahasa(self) -> Mapping[str, tuple[str, ...]]:
        """Field -> header names the Bahasa Indonesia interface writes (`BAHASA_HEADERS`)."""
        return BAHASA_HEADERS.get(self.platform, {})

    @property
    def columns(self) -> dict[str, tuple[str, ...]]:
        """Field -> every header name (English first, then Bahasa Indonesia); the first one found wins."""
        merged = {name: tuple(aliases) for name, aliases in self.english.items()}
        for name, aliases in self.bahasa.items():
            merged[name] = merged.get(name, ()) + tuple(a for a in aliases if a not in merged.get(name, ()))
        return merged

    @property
    def header_names(self) -> frozenset[str]:
        return frozenset(name for names in self.columns.values() for name in names)

    @property
    def bahasa_names(self) -> frozenset[str]:
        return frozenset(name for names in self.bahasa.values() for name in names)

    @property
    def known_names(self) -> frozenset[str]:
        """Every header this platform writes: the ones read, its signature and its segment columns."""
        return self.header_names | set(self.signature) | {n for s in SEGMENTS.get(self.platform, ()) for n in s.names}


_COMMON = {
    "currency": ("currency",),
    "impressions": ("impressions", "impression"),
}

TIKTOK = ReportFormat(
    PLATFORM_TIKTOK,
    "tiktok",
    N_("TikTok Ads Manager report"),
    SOURCE_TIKTOK_FILE,
    {
        **_COMMON,
        "date": ("by day", "date", "day", "stat time day", "by hour", "stat time hour"),
        "campaign_name": ("campaign name", "campaign"),
        "campaign_id": ("campaign id",),
        "account_name": ("advertiser name", "account name", "advertiser"),
        "account_id": ("advertiser id", "account id"),
        "spend": ("cost", "total cost", "spend"),
        "clicks": ("clicks (destination)", "clicks", "clicks (all)"),
        "conversions": ("conversions",),
        "complete_payment": ("complete payment", "purchases", "complete payments"),
        "complete_payment_value": ("total complete payment value", "complete payment value", "purchase value"),
    },
    counts={"conversions": "conversion", "complete_payment": "complete_payment"},
    values={"complete_payment_value": "complete_payment"},
    signature=("cost per conversion", "ad group name", "ad group id", "cpc (destination)", "ctr (destination)"),
)

GOOGLE_ADS = ReportFormat(
    PLATFORM_GOOGLE,
    "googleads",
    N_("Google Ads report"),
    SOURCE_GOOGLE_ADS_FILE,
    {
        **_COMMON,
        "currency": ("currency code", "currency"),
        "impressions": ("impr.", "impressions"),
        "date": ("day", "date"),
        "campaign_name": ("campaign", "campaign name"),
        "campaign_id": ("campaign id",),
        "account_name": ("account", "account name", "customer name"),
        "account_id": ("customer id", "account id"),
        "spend": ("cost",),
        "clicks": ("clicks", "interactions"),
        "conversions": ("conversions",),
        "conversion_value": ("conv. value", "conversion value"),
        "all_conversions": ("all conv.", "all conversions"),
        "all_conversion_value": ("all conv. value", "all conversion value"),
    },
    counts={"conversions": "conversions", "all_conversions": "all_conversions"},
    values={"conversion_value": "conversions", "all_conversion_value": "all_conversions"},
    signature=("campaign type", "avg. cpc", "cost / conv.", "conv. rate", "search impr. share"),
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
    signature=("campaign group name", "campaign group id", "campaign type", "average cpm", "average cpc"),
)

# The header names the platforms write when their interface is in Bahasa Indonesia, one table for every format
# (docs/file-formats.md). Google Ads' names are those its Indonesian interface shows (`Kampanye`, `Hari`, `Biaya`,
# `Tayangan`, `Nilai konv.`); TikTok's and LinkedIn's are assumed from their Indonesian interfaces' wording.
BAHASA_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    PLATFORM_TIKTOK: {
        "currency": ("mata uang",),
        "impressions": ("tayangan", "impresi"),
        "date": ("tanggal", "menurut hari", "menurut jam"),
        "campaign_name": ("nama kampanye", "kampanye"),
        "campaign_id": ("id kampanye",),
        "account_name": ("nama pengiklan", "nama akun"),
        "account_id": ("id pengiklan", "id akun"),
        "spend": ("biaya", "total biaya"),
        "clicks": ("klik (tujuan)", "klik"),
        "conversions": ("konversi",),
        "complete_payment": ("pembayaran selesai",),
        "complete_payment_value": ("nilai pembayaran selesai", "total nilai pembayaran selesai"),
    },
    PLATFORM_GOOGLE: {
        "currency": ("kode mata uang", "mata uang"),
        "impressions": ("tayangan",),
        "date": ("hari", "tanggal"),
        "campaign_name": ("kampanye", "nama kampanye"),
        "campaign_id": ("id kampanye",),
        "account_name": ("akun", "nama akun", "nama pelanggan"),
        "account_id": ("id pelanggan", "id akun"),
        "spend": ("biaya",),
        "clicks": ("klik", "interaksi"),
        "conversions": ("konversi",),
        "conversion_value": ("nilai konv.", "nilai konversi"),
        "all_conversions": ("semua konv.", "semua konversi"),
        "all_conversion_value": ("nilai semua konv.", "nilai semua konversi"),
    },
    PLATFORM_LINKEDIN: {
        "currency": ("mata uang",),
        "impressions": ("tayangan", "impresi"),
        "date": ("tanggal mulai (dalam utc)", "tanggal mulai", "tanggal"),
        "campaign_name": ("nama kampanye",),
        "campaign_id": ("id kampanye",),
        "account_name": ("nama akun",),
        "account_id": ("id akun",),
        "spend": ("total dibelanjakan", "jumlah dibelanjakan"),
        "clicks": ("klik",),
        "conversions": ("konversi",),
        "conversion_value": ("total nilai konversi", "nilai konversi"),
        "leads": ("prospek",),
    },
}


# What a segment column's rows are to the campaign-day (docs/file-formats.md, "Segmented reports").
PARTITION = "partition"  # disjoint parts of the day (hours, devices, ages...): the rows are added up
PERIOD = "period"  # a label of the day (day of week, week, month): read beside a day column, refused without one
REPEATS = "repeats"  # every row repeats the day's cost (conversion action): refused
OVERLAPS = "overlaps"  # parts that overlap (Google click type counts an impression once per click type): refused
APPROXIMATE = "approximate"  # LinkedIn's demographic pivots: rounded, small values left out, no days: refused


@dataclass(frozen=True)
class Segment:
    """A segment column: `names` as the platforms write it (English, then Bahasa Indonesia), `word` the N_-marked
    word the preview's notes use, `kind` what its rows are to the campaign-day (`PARTITION`: summed)."""

    code: str
    names: tuple[str, ...]
    word: str
    kind: str = PARTITION

    @property
    def partition(self) -> bool:
        return self.kind == PARTITION


# Segments of a campaign-day a report can be split by (docs/file-formats.md, with the sources and the Bahasa
# Indonesia spellings that are assumed). A TikTok hourly report has no column of its own: its date cells hold the
# hour (`2026-11-03 14:00:00`), the `hour` segment. Several partition segments at once (TikTok `Age` and `Gender`,
# Google `Ad group` and `Age range`) split the day into their combinations, also added up.
_AGE = N_("age")
_GENDER = N_("gender")
_COUNTRY = N_("country or region")
SEGMENTS: dict[str, tuple[Segment, ...]] = {
    PLATFORM_TIKTOK: (
        Segment("hour", ("hour", "jam"), N_("hour")),
        Segment("age", ("age", "usia"), _AGE),
        Segment("gender", ("gender", "jenis kelamin"), _GENDER),
        Segment("placement", ("placement", "placements", "penempatan"), N_("placement")),
        Segment("country", ("country/region", "country or region", "country", "negara/wilayah", "negara"), _COUNTRY),
        Segment("province", ("province", "region", "provinsi", "wilayah"), N_("province")),
        Segment("os", ("operating system", "os", "platform", "sistem operasi"), N_("operating system")),
        Segment("device_brand", ("device brand", "merek perangkat"), N_("device brand")),
    ),
    PLATFORM_GOOGLE: (
        Segment("hour", ("hour of the day", "hour of day", "hour", "jam dalam sehari", "jam"), N_("hour")),
        Segment("device", ("device", "perangkat"), N_("device")),
        Segment(
            "network",
            ("network (with search partners)", "network", "jaringan (dengan mitra penelusuran)", "jaringan"),
            N_("network"),
        ),
        Segment("ad_network_type", ("ad network type", "jenis jaringan iklan"), N_("ad network type")),
        Segment("slot", ("top vs. other", "top vs other", "atas vs. lainnya", "atas vs lainnya"), N_("top vs. other")),
        Segment("ad_group", ("ad group", "grup iklan"), N_("ad group")),
        Segment("age", ("age range", "age", "rentang usia", "usia"), _AGE),
        Segment("gender", ("gender", "jenis kelamin"), _GENDER),
        Segment("day_of_week", ("day of the week", "day of week", "hari dalam seminggu"), N_("day of week"), PERIOD),
        Segment("week", ("week", "minggu"), N_("week"), PERIOD),
        Segment("month", ("month", "bulan"), N_("month"), PERIOD),
        Segment("quarter", ("quarter", "kuartal"), N_("quarter"), PERIOD),
        Segment("year", ("year", "tahun"), N_("year"), PERIOD),
        Segment("click_type", ("click type", "jenis klik"), N_("click type"), OVERLAPS),
        Segment("conversion_action", ("conversion action", "tindakan konversi"), N_("conversion action"), REPEATS),
        Segment(
            "conversion_category", ("conversion category", "kategori konversi"), N_("conversion category"), REPEATS
        ),
    ),
    PLATFORM_LINKEDIN: tuple(
        Segment(code, names, word, APPROXIMATE)
        for code, names, word in (
            ("company_size", ("company size", "ukuran perusahaan"), N_("company size")),
            ("job_function", ("job function", "fungsi pekerjaan"), N_("job function")),
            ("seniority", ("job seniority", "seniority", "senioritas pekerjaan", "senioritas"), N_("job seniority")),
            ("industry", ("company industry", "industry", "industri perusahaan", "industri"), N_("company industry")),
            ("job_title", ("job title", "jabatan"), N_("job title")),
            ("company", ("company", "company name", "perusahaan", "nama perusahaan"), N_("company")),
            ("location", ("location", "lokasi"), N_("location")),
            ("country", ("country/region", "country", "negara/wilayah", "negara"), _COUNTRY),
        )
    ),
}


FORMATS: dict[str, ReportFormat] = {f.command: f for f in (TIKTOK, GOOGLE_ADS, LINKEDIN)}
FORMATS_BY_PLATFORM: dict[str, ReportFormat] = {f.platform: f for f in FORMATS.values()}
# Headers only a Meta Ads Manager export writes (campaigns/adsmanager_headers.py reads them): such a file uploaded
# here is named as Meta's.
META_SIGNATURE = (
    "reporting starts",
    "reporting ends",
    "awal pelaporan",
    "akhir pelaporan",
    "ad set name",
    "nama set iklan",
    "result indicator",
    "indikator hasil",
)


def distinctive_headers(fmt: ReportFormat) -> frozenset[str]:
    """The headers of `fmt` that no other platform writes."""
    others: set[str] = set(META_SIGNATURE)
    for other in FORMATS.values():
        if other is not fmt:
            others |= other.known_names
    return fmt.known_names - others


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
