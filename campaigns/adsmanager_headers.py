"""The header vocabulary of Meta Ads Manager exports (English and Bahasa Indonesia): data, not logic.

Every alias is written as `db.tabular.header_key` gives it (lower case, single spaces, punctuation kept), so an
importer looks a column up with `FIELD_BY_ALIAS.get(normalise(header))`. Money columns carry the account
currency in a `(CUR)` suffix (`Amount spent (USD)`, `Jumlah yang dibelanjakan (IDR)`) or none at all
(`Amount Spent`): aliases here are the bare names and `db.tabular.split_currency` takes the suffix off. Sources
for each spelling are listed in docs/file-formats.md; where only the English spelling was found in public
exports the Indonesian one is left out rather than guessed.
"""

from __future__ import annotations

from db.tabular import header_key

# Who a row is about: the level's name and ID columns.
IDENTITY: dict[str, tuple[str, ...]] = {
    "account_name": ("account name", "nama akun"),
    "account_id": ("account id", "id akun"),
    "campaign_name": ("campaign name", "nama kampanye"),
    "campaign_id": ("campaign id", "id kampanye"),
    "adset_name": ("ad set name", "nama set iklan"),
    "adset_id": ("ad set id", "id set iklan"),
    "ad_name": ("ad name", "nama iklan"),
    "ad_id": ("ad id", "id iklan"),
}

# When: the report period of the row, or one day of a daily breakdown.
PERIOD: dict[str, tuple[str, ...]] = {
    "reporting_starts": ("reporting starts", "awal pelaporan", "tanggal mulai pelaporan"),
    "reporting_ends": ("reporting ends", "akhir pelaporan", "tanggal selesai pelaporan"),
    "day": ("day", "hari", "tanggal"),
    "week": ("week", "minggu"),
    "month": ("month", "bulan"),
}

# What was spent and what came of it. Money fields are listed in MONEY below.
METRICS: dict[str, tuple[str, ...]] = {
    "spend": ("amount spent", "jumlah yang dibelanjakan"),
    "impressions": ("impressions", "impresi", "tayangan"),
    "reach": ("reach", "jangkauan"),
    "frequency": ("frequency", "frekuensi"),
    "clicks_all": ("clicks (all)", "klik (semua)"),
    "link_clicks": ("link clicks", "klik tautan"),
    "results": ("results", "hasil"),
    # Older exports name the event as an API action type ("actions:offsite_conversion.fb_pixel_purchase").
    "result_indicator": ("result indicator", "indikator hasil"),
    # Current Ads Reporting exports name it in words ("Website purchases", "Purchases with shared items").
    "result_type": ("result type", "jenis hasil", "tipe hasil"),
    "result_value_type": ("result value type",),
    "results_value": ("results value",),
    "cost_per_result": ("cost per result", "cost per results", "biaya per hasil"),
    "purchases": ("purchases", "website purchases", "pembelian"),
    "purchase_value": ("purchases conversion value", "website purchases conversion value", "nilai konversi pembelian"),
    # Collaborative (CPAS) ads count purchases of the retailer's shared catalogue here, not under Purchases.
    "shared_purchases": ("purchases with shared items",),
    "shared_purchase_value": ("purchases conversion value for shared items only",),
    "shared_adds_to_cart": ("adds to cart with shared items",),
    "shared_content_views": ("content views with shared items",),
    "leads": ("leads", "prospek"),
    "landing_page_views": ("landing page views", "tayangan halaman tujuan"),
}

# Settings columns an export may carry beside the figures.
SETTINGS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "campaign delivery",
        "ad set delivery",
        "ad delivery",
        "delivery status",
        "penayangan kampanye",
        "penayangan set iklan",
        "penayangan iklan",
        "status penayangan",
        "status",
    ),
    "delivery_level": ("delivery level",),
    "attribution_setting": ("attribution setting", "pengaturan atribusi"),
    "adset_budget": ("ad set budget", "anggaran set iklan"),
    "adset_budget_type": ("ad set budget type", "jenis anggaran set iklan"),
    "starts": ("starts", "mulai"),
    "ends": ("ends", "berakhir"),
    "currency": ("currency", "mata uang"),
    "objective": ("objective", "tujuan kampanye"),
}

# Breakdown columns: several rows of one object and day, one per value, that sum to the object-day.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "age": ("age", "usia", "umur"),
    "gender": ("gender", "jenis kelamin"),
    "region": ("region", "wilayah"),
    "country": ("country", "negara"),
    "dma_region": ("dma region",),
    "placement": ("placement", "penempatan"),
    "platform": ("platform", "publisher platform"),
    "device_platform": ("device platform",),
    "impression_device": ("impression device",),
    "time_of_day_account": ("time of day (ad account time zone)",),
    "time_of_day_viewer": ("time of day (viewer's time zone)",),
}

FIELDS: dict[str, tuple[str, ...]] = {**IDENTITY, **PERIOD, **METRICS, **SETTINGS, **BREAKDOWNS}

# Fields whose header may end in the account currency: "Amount spent (IDR)", "Cost per result (USD)".
MONEY = frozenset({"spend", "purchase_value", "shared_purchase_value", "cost_per_result", "results_value"})

# The name and ID fields of each level, most specific first; a file's level is the most specific one present.
LEVELS: dict[str, tuple[str, ...]] = {
    "ad": ("ad_id", "ad_name"),
    "adset": ("adset_id", "adset_name"),
    "campaign": ("campaign_id", "campaign_name"),
    "account": ("account_id", "account_name"),
}

# The Bahasa Indonesia spellings above; every other alias is English, but for words both languages write alike.
# A file's header language says how it writes numbers when no figure does (docs/file-formats.md).
INDONESIAN: frozenset[str] = frozenset(
    {
        *("nama akun", "id akun", "nama kampanye", "id kampanye", "nama set iklan", "id set iklan", "nama iklan"),
        *("id iklan", "awal pelaporan", "tanggal mulai pelaporan", "akhir pelaporan", "tanggal selesai pelaporan"),
        *("hari", "tanggal", "minggu", "bulan", "jumlah yang dibelanjakan", "impresi", "tayangan", "jangkauan"),
        *("frekuensi", "klik (semua)", "klik tautan", "hasil", "indikator hasil", "jenis hasil", "tipe hasil"),
        *("biaya per hasil", "pembelian", "nilai konversi pembelian", "prospek", "tayangan halaman tujuan"),
        *("penayangan kampanye", "penayangan set iklan", "penayangan iklan", "status penayangan"),
        *("pengaturan atribusi", "anggaran set iklan", "jenis anggaran set iklan", "mulai", "berakhir"),
        *("mata uang", "tujuan kampanye", "usia", "umur", "jenis kelamin", "wilayah", "negara", "penempatan"),
    }
)
BOTH_LANGUAGES: frozenset[str] = frozenset({"platform", "status"})

FIELD_BY_ALIAS: dict[str, str] = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
ALL_ALIASES: frozenset[str] = frozenset(FIELD_BY_ALIAS)  # what `read_table(header=...)` looks for

# Cell values the export writes in words.
# A delivery cell -> the configured status Meta's API gives the object (`Campaign.status`). Meta writes the
# delivery codes in English in Bahasa files too (`active`, `inactive`); the Indonesian words are read as well.
# Other deliveries (`not_delivering`, `completed`, `learning`, `in_review`...) do not say whether the object is
# on or off: the status is left as it is.
DELIVERY_STATUS: dict[str, str] = {
    **dict.fromkeys(("active", "aktif"), "ACTIVE"),
    **dict.fromkeys(("inactive", "off", "paused", "tidak aktif", "nonaktif", "dijeda"), "PAUSED"),
    **dict.fromkeys(("archived", "diarsipkan"), "ARCHIVED"),
    **dict.fromkeys(("deleted", "dihapus"), "DELETED"),
}
ONGOING = ("ongoing", "berlangsung")  # an Ends cell without a date
BUDGET_TYPES: dict[str, tuple[str, ...]] = {"daily": ("daily", "harian"), "lifetime": ("lifetime", "seumur hidup")}
NO_OWN_BUDGET = ("using ad set budget", "using campaign budget")  # with "0" in the budget type cell
EMPTY_VALUES = ("", "-", "--")  # rankings without data show "-"

# `Result type` in words -> the conversion event it counts (campaigns.meta_settings.CONVERSION_EVENTS), English
# and Bahasa Indonesia. The Bahasa spellings of the field review's files are listed in docs/file-formats.md; the
# others there are marked assumed (the obvious translation of Meta's English word).
RESULT_TYPE_EVENTS: dict[str, tuple[str, ...]] = {
    "purchase": (
        *("purchases", "website purchases", "purchases with shared items", "meta purchases"),
        *("on-facebook purchases", "in-app purchases"),
        *("pembelian", "pembelian di situs web", "pembelian dengan item bersama", "pembelian meta"),
        *("pembelian di facebook", "pembelian dalam aplikasi"),
    ),
    "lead": (
        *("leads", "website leads", "on-facebook leads", "meta leads", "leads (form)"),
        *("prospek", "prospek di situs web", "prospek (formulir)", "prospek di facebook", "prospek meta"),
    ),
    "app_install": (
        *("app installs", "mobile app installs"),
        *("instal aplikasi seluler", "instal aplikasi", "penginstalan aplikasi", "penginstalan aplikasi seluler"),
    ),
}
EVENT_BY_RESULT_TYPE: dict[str, str] = {word: event for event, words in RESULT_TYPE_EVENTS.items() for word in words}
# Result types that count collaborative (CPAS) purchases: their value is the shared-items value column.
SHARED_RESULT_TYPES = frozenset({"purchases with shared items", "pembelian dengan item bersama"})
# Result types that are results but not conversions: listed as such, never as unknown.
NOT_CONVERSION_RESULT_TYPES: frozenset[str] = frozenset(
    {
        *("link clicks", "klik tautan", "outbound clicks", "klik keluar", "reach", "jangkauan"),
        *("impressions", "impresi", "thruplays", "thruplay", "video plays", "3-second video plays"),
        *("putar video", "putar video 3 detik", "landing page views", "tayangan halaman landing"),
        *("tayangan halaman tujuan", "post engagement", "post engagements", "interaksi dengan postingan"),
        *("interaksi postingan", "page likes", "suka halaman", "profile visits", "kunjungan profil"),
        *("messaging conversations started", "percakapan dengan pesan dimulai", "ad recall lift (people)"),
    }
)
# Result indicators (API action types) that are results but not conversions.
NOT_CONVERSION_INDICATORS: frozenset[str] = frozenset(
    {
        *("reach", "impressions", "actions:link_click", "actions:landing_page_view", "actions:post_engagement"),
        *("actions:page_engagement", "actions:video_view", "actions:like", "actions:outbound_click"),
        *("video_thruplay_watched_actions", "actions:video_thruplay_watched_actions", "estimated_ad_recallers"),
        *("actions:onsite_conversion.messaging_conversation_started_7d", "actions:onsite_conversion.post_save"),
    }
)

# A file's ad account ID may be written as Meta's node id.
ACCOUNT_ID_PREFIX = "act_"


def normalise(header: str) -> str:
    """The key a header is looked up by (the tabular reader's own `header_key`)."""
    return header_key(header)


def header_language(aliases: list[str]) -> str:
    """`id` when most of the aliases a header uses are Bahasa Indonesia, `en` when most are English; a tie goes to
    the language of the first one (the caller puts the spend column's first)."""
    votes = [alias in INDONESIAN for alias in aliases if alias in FIELD_BY_ALIAS and alias not in BOTH_LANGUAGES]
    indonesian, english = votes.count(True), votes.count(False)
    if indonesian == english:
        return "id" if votes and votes[0] else "en"
    return "id" if indonesian > english else "en"
