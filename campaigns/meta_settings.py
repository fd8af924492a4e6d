"""Meta Marketing API constants: currency offsets, conversion events and their action types."""

from __future__ import annotations

from db.money import ZERO_DECIMAL

# Meta's own offset table: budgets and spend caps arrive in the currency's "minor unit" with offset 1 for
# the zero-decimal currencies and 100 for the rest (not ISO 4217 minor units: BHD/JOD/KWD use 100 here too).
# Pantau's zero-decimal list (db.money) is this table, so amounts show and export as Meta counts them.
OFFSET_1_CURRENCIES = ZERO_DECIMAL


def currency_offset(currency: str) -> int:
    """Divide Meta's budget strings by this to get major units."""
    return 1 if currency.upper() in OFFSET_1_CURRENCIES else 100


# A conversion event and the Meta action types that describe it, in precedence order.
# Several types report the *same* event (omni_purchase includes purchase, which includes the pixel
# purchase), so the first type present is counted and the others are ignored: never summed.
CONVERSION_EVENTS: dict[str, tuple[str, ...]] = {
    "purchase": (
        "omni_purchase",
        "purchase",
        "offsite_conversion.fb_pixel_purchase",
        "onsite_web_purchase",
        "onsite_conversion.purchase",
        "app_custom_event.fb_mobile_purchase",
    ),
    "lead": (
        "lead",
        "onsite_conversion.lead_grouped",
        "offsite_conversion.fb_pixel_lead",
        "onsite_conversion.lead",
    ),
    "app_install": ("omni_app_install", "mobile_app_install", "app_install"),
    "complete_registration": (
        "omni_complete_registration",
        "complete_registration",
        "offsite_conversion.fb_pixel_complete_registration",
    ),
    "add_to_cart": ("omni_add_to_cart", "add_to_cart", "offsite_conversion.fb_pixel_add_to_cart"),
    "initiate_checkout": (
        "omni_initiated_checkout",
        "initiate_checkout",
        "offsite_conversion.fb_pixel_initiate_checkout",
    ),
    "subscribe": ("subscribe", "onsite_conversion.subscribe", "offsite_conversion.fb_pixel_subscribe"),
    "contact": ("contact", "onsite_conversion.messaging_conversation_started_7d"),
}

# Default conversion events by campaign objective (ODAX names and the legacy ones).
DEFAULT_EVENTS_BY_OBJECTIVE: dict[str, tuple[str, ...]] = {
    "OUTCOME_SALES": ("purchase",),
    "CONVERSIONS": ("purchase",),
    "PRODUCT_CATALOG_SALES": ("purchase",),
    "OUTCOME_LEADS": ("lead",),
    "LEAD_GENERATION": ("lead",),
    "OUTCOME_APP_PROMOTION": ("app_install",),
    "APP_INSTALLS": ("app_install",),
}

OBJECTIVES = (
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_APP_PROMOTION",
    "OUTCOME_TRAFFIC",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
)

# Meta restates conversions for up to 28 days: younger figures are provisional.
RESTATEMENT_DAYS = 28

# --- Graph API fields, limits and error codes (the sync adapter reads only these) -----------------

ACCOUNT_FIELDS = ("account_id", "name", "currency", "timezone_name", "account_status", "amount_spent", "spend_cap")
CAMPAIGN_FIELDS = (
    "id",
    "name",
    "status",
    "effective_status",
    "objective",
    "buying_type",
    "daily_budget",
    "lifetime_budget",
    "spend_cap",
    "budget_remaining",
    "start_time",
    "stop_time",
    "created_time",
    "updated_time",
)
ADSET_FIELDS = (
    "id",
    "campaign_id",
    "name",
    "status",
    "effective_status",
    "optimization_goal",
    "billing_event",
    "bid_strategy",
    "daily_budget",
    "lifetime_budget",
    "budget_remaining",
    "start_time",
    "end_time",
)
_INSIGHT_COMMON = (
    "date_start",
    "date_stop",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "spend",
    "impressions",
    "clicks",
    "inline_link_clicks",
    "actions",
    "action_values",
)
# Reach is a unique count: stored per campaign and day only, never summed across days or objects.
INSIGHT_FIELDS = {
    "campaign": (*_INSIGHT_COMMON, "reach"),
    "adset": (*_INSIGHT_COMMON, "adset_id", "adset_name"),
}

# Every effective status, so ARCHIVED and DELETED objects (hidden by default) come back too.
ALL_EFFECTIVE_STATUSES = (
    "ACTIVE",
    "PAUSED",
    "DELETED",
    "PENDING_REVIEW",
    "DISAPPROVED",
    "PREAPPROVED",
    "PENDING_BILLING_INFO",
    "CAMPAIGN_PAUSED",
    "ARCHIVED",
    "ADSET_PAUSED",
    "IN_PROCESS",
    "WITH_ISSUES",
)

PAGE_LIMIT = 500  # edges and insights: few large pages
MIN_PAGE_LIMIT = 25  # below this "reduce the amount of data" switches to splitting the range
BATCH_SIZE = 50  # Meta's maximum items per batch request (each still counts as a call)
FULL_SYNC_MONTHS = 37  # how far back insights go
ASYNC_THRESHOLD_DAYS = 31  # longer ranges use an async report run (AdReportRun)
ASYNC_POLL_SECONDS = 2.0  # first poll interval; grows to ASYNC_POLL_MAX_SECONDS
ASYNC_POLL_MAX_SECONDS = 15.0
ASYNC_MAX_WAIT_SECONDS = 1800.0  # give up on one report run after this long
ASYNC_MAX_SPLITS = 6  # a failed run is split in halves at most this deep
REQUEST_TIMEOUT_SECONDS = 120
MAX_RETRIES = 6  # attempts per request, first one included
DEFAULT_MAX_WAIT_SECONDS = 900.0  # longest single back-off (FB_MAX_WAIT_SECONDS overrides)
USAGE_SLOWDOWN_PCT = 75.0  # above this share of any limit, pause before the next call
USAGE_HEADERS = ("x-business-use-case-usage", "x-ad-account-usage", "x-app-usage", "x-fb-ads-insights-throttle")

# Error codes. Retried with back-off: throttling (4, 17, 32, 613, 80000-80014) and temporary (1, 2).
RETRY_CODES = frozenset({1, 2, 4, 17, 32, 613, *range(80000, 80015)})
TOKEN_CODES = frozenset({190, 102, 463, 467})
PERMISSION_CODES = frozenset({10, 200, *range(200, 300)})
BAD_REQUEST_CODES = frozenset({100})
REDUCE_DATA_MARKERS = ("reduce the amount of data", "please reduce")
TRANSIENT_HTTP_STATUSES = frozenset({500, 502, 503, 504})
