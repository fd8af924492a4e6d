"""Meta Marketing API constants: currency offsets, conversion events and their action types."""

from __future__ import annotations

# Meta's own offset table: budgets and spend caps arrive in the currency's "minor unit" with
# these offsets (not ISO 4217 minor units: BHD/JOD/KWD use 100 here too).
OFFSET_1_CURRENCIES = frozenset({"CLP", "COP", "CRC", "HUF", "IDR", "ISK", "JPY", "KRW", "PYG", "TWD", "VND"})


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
