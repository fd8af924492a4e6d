"""TikTok Business API constants: host and paths, fields, limits, report metrics, budget modes, statuses, error codes.

Names come from TikTok's own sources where they exist (the official SDK's generated endpoints and its
`tiktok_code.py` return-code table, its OpenAPI files) and from long-lived readers of the same API
(Airbyte's source-tiktok-marketing, Singer's tap-tiktok-ads); docs/tiktok-sync.md cites each one.
The adapter (`campaigns/tiktok_client.py`) reads only these.
"""

from __future__ import annotations

DEFAULT_API_URL = "https://business-api.tiktok.com"  # TIKTOK_API_URL overrides (the host root only)
API_PATH = "/open_api/v1.3/"

# -- endpoints (relative to API_PATH) -----------------------------------------------------------------
ADVERTISERS_ENDPOINT = "oauth2/advertiser/get/"  # the advertisers that authorised the app (needs app_id + secret)
ADVERTISER_INFO_ENDPOINT = "advertiser/info/"
CAMPAIGNS_ENDPOINT = "campaign/get/"
AD_GROUPS_ENDPOINT = "adgroup/get/"
REPORT_ENDPOINT = "report/integrated/get/"  # the synchronous report

# -- fields ---------------------------------------------------------------------------------------------
ADVERTISER_INFO_FIELDS = (
    "advertiser_id",
    "name",
    "currency",
    "timezone",  # an IANA name ("Asia/Jakarta", "Etc/GMT"): report days are this zone's calendar days
    "status",
    "role",
    "country",
    "company",
    "create_time",
)
CAMPAIGN_FIELDS = (
    "campaign_id",
    "advertiser_id",
    "campaign_name",
    "campaign_type",
    "objective_type",
    "budget",
    "budget_mode",
    "budget_optimize_on",
    "operation_status",
    "secondary_status",
    "is_smart_performance_campaign",
    "create_time",
    "modify_time",
)
AD_GROUP_FIELDS = (
    "adgroup_id",
    "campaign_id",
    "advertiser_id",
    "adgroup_name",
    "budget",
    "budget_mode",
    "operation_status",
    "secondary_status",
    "optimization_goal",
    "billing_event",
    "bid_type",
    "placement_type",
    "schedule_type",
    "schedule_start_time",
    "schedule_end_time",
    "create_time",
    "modify_time",
)

# -- limits ---------------------------------------------------------------------------------------------
PAGE_SIZE = 1000  # the largest page campaign/get, adgroup/get and report/integrated/get accept
ADVERTISER_INFO_BATCH = 100  # advertiser_ids per advertiser/info request
REPORT_MAX_DAYS = 30  # a report with stat_time_day may span at most 30 calendar days, both ends included
MAX_PAGES = 100_000  # a guard against a server that never reports its last page

# -- the integrated report ------------------------------------------------------------------------------
REPORT_TYPE = "BASIC"
SERVICE_TYPE = "AUCTION"
LEVEL_CAMPAIGN = "AUCTION_CAMPAIGN"
LEVEL_AD_GROUP = "AUCTION_ADGROUP"
REPORT_LEVELS = (LEVEL_CAMPAIGN, LEVEL_AD_GROUP)
DAY_DIMENSION = "stat_time_day"
REPORT_ID_DIMENSION = {LEVEL_CAMPAIGN: "campaign_id", LEVEL_AD_GROUP: "adgroup_id"}
# Deleted objects' rows are left out of a report unless it asks for every status; the status filter
# belongs to the report's own level (TikTok refuses campaign_status on an ad-group report).
REPORT_STATUS_FILTER = {LEVEL_CAMPAIGN: "campaign_status", LEVEL_AD_GROUP: "adgroup_status"}
REPORT_ALL_STATUSES = "STATUS_ALL"
# Attributes asked for through `metrics` (TikTok lists them there): names beside the numbers.
REPORT_ATTRIBUTES = {
    LEVEL_CAMPAIGN: ("campaign_name",),
    LEVEL_AD_GROUP: ("adgroup_name", "campaign_id", "campaign_name"),
}
# Metrics in the account's currency, major units, sent as decimal strings. `total_complete_payment_rate`
# is, despite its name, the total VALUE of Complete Payment events (not a rate).
MONEY_METRICS = ("spend", "total_complete_payment_rate")
# Counts sent as strings. `conversion` counts the ad group's optimisation event; the others are events.
COUNT_METRICS = ("impressions", "clicks", "conversion", "complete_payment", "form", "onsite_form", "app_install")
# Reach is a unique count: stored per campaign and day only, never summed across days or objects.
UNIQUE_METRICS = {LEVEL_CAMPAIGN: ("reach",), LEVEL_AD_GROUP: ()}
EMPTY_METRIC_VALUES = frozenset({"", "-", "N/A"})  # TikTok writes "-" where a metric does not apply


def report_metrics(level: str) -> tuple[str, ...]:
    """Every name the report at `level` asks for in `metrics` (attributes first, then numbers)."""
    return (*REPORT_ATTRIBUTES[level], *MONEY_METRICS, *COUNT_METRICS, *UNIQUE_METRICS[level])


# A TikTok conversion event: the report metric that counts it and the one that holds its value (if any).
CONVERSION_METRICS: dict[str, tuple[str, str | None]] = {
    "complete_payment": ("complete_payment", "total_complete_payment_rate"),
    "submit_form": ("form", None),
    "instant_form": ("onsite_form", None),
    "app_install": ("app_install", None),
    "optimization_event": ("conversion", None),
}
# Default conversion event by campaign objective (objective_type); other objectives count none.
DEFAULT_EVENT_BY_OBJECTIVE = {
    "PRODUCT_SALES": "complete_payment",
    "WEB_CONVERSIONS": "complete_payment",
    "CONVERSIONS": "complete_payment",
    "LEAD_GENERATION": "instant_form",
    "APP_PROMOTION": "app_install",
    "APP_INSTALL": "app_install",
}

# -- budgets (major units of the advertiser's currency, JSON numbers) ------------------------------------
BUDGET_MODE_DAY = "BUDGET_MODE_DAY"
BUDGET_MODE_DYNAMIC_DAILY = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"  # a weekly average: a day may reach 125 %
BUDGET_MODE_TOTAL = "BUDGET_MODE_TOTAL"
BUDGET_MODE_INFINITE = "BUDGET_MODE_INFINITE"
BUDGET_MODES = (BUDGET_MODE_DAY, BUDGET_MODE_DYNAMIC_DAILY, BUDGET_MODE_TOTAL, BUDGET_MODE_INFINITE)
DAILY_BUDGET_MODES = frozenset({BUDGET_MODE_DAY, BUDGET_MODE_DYNAMIC_DAILY})
MAX_AMOUNT = 10**15  # larger amounts are refused as corrupt (no advertiser spends a quadrillion)
MAX_COUNT = 10**13

# -- statuses -------------------------------------------------------------------------------------------
# campaign/get and adgroup/get leave deleted objects out by default (primary_status STATUS_NOT_DELETE);
# this filter asks for every status, deleted included.
ALL_STATUSES_FILTER = {"primary_status": "STATUS_ALL"}
OPERATION_ENABLE = "ENABLE"
OPERATION_DISABLE = "DISABLE"
OPERATION_DELETE = "DELETE"
CAMPAIGN_STATUS_DELETE = "CAMPAIGN_STATUS_DELETE"
AD_GROUP_DELETED_STATUSES = frozenset({"ADGROUP_STATUS_DELETE", "ADGROUP_STATUS_CAMPAIGN_DELETE"})
DELETED_SECONDARY_STATUSES = frozenset({CAMPAIGN_STATUS_DELETE, *AD_GROUP_DELETED_STATUSES})
ADVERTISER_STATUS_ENABLE = "STATUS_ENABLE"

# -- return codes (the envelope's `code`; 0 is success, errors mostly arrive with HTTP 200) ----------------
SUCCESS_CODE = 0
# Retried with back-off: too many requests (per-second app limits) and TikTok's own temporary failures.
RATE_LIMIT_CODES = frozenset({40100, 40132, 61000})
TRANSIENT_CODES = frozenset({50000, 50002, *range(51000, 51100), *range(52000, 52300), 60001})
# Fail fast: the token is missing, invalid, expired or revoked.
TOKEN_CODES = frozenset({40102, 40104, 40105, 40106, 40114})
EXPIRED_TOKEN_CODES = frozenset({40102})
# Fail fast: the token works but may not read this advertiser or use this endpoint.
PERMISSION_CODES = frozenset({40001, 40003, 40113, 40117, 40118, 40125, 40130, 40300, 40301, 40302})
ROUTE_NOT_FOUND_CODES = frozenset({40400})  # usually TIKTOK_API_URL pointing somewhere else
RATE_LIMIT_HTTP_STATUSES = frozenset({429})
TRANSIENT_HTTP_STATUSES = frozenset({500, 502, 503, 504})

# -- request policy -------------------------------------------------------------------------------------
REQUEST_TIMEOUT_SECONDS = 60.0
MAX_ATTEMPTS = 6  # per request, the first one included
FIRST_BACKOFF_SECONDS = 1.0  # TikTok's limits are per second: a second is the shortest useful wait
DEFAULT_MAX_WAIT_SECONDS = 300.0  # the longest single wait; TIKTOK_MAX_WAIT_SECONDS overrides
