"""People's words for the codes influencers defines: pipeline stages, program, deliverable, payment and influencer
statuses, fee types and recognition, deliverable types, result fields, interaction channels, payment methods,
creator platforms, follower tiers and the shops of promo code sales.

Pure data marked with `N_()`; see db/labels.py for how the packages' tables are gathered and shown.
"""

from __future__ import annotations

from db.errors import N_
from influencers.handles import PLATFORM_LABELS
from influencers.programs import STAGE_LABELS  # the board's column titles: one table

# influencers.models PROGRAM_STATUSES, DELIVERABLE_STATUSES, PAYMENT_STATUSES, FEE_TYPES, DELIVERABLE_TYPES
PROGRAM_STATUS_LABELS = {
    "planned": N_("planned"),
    "active": N_("active"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
}
DELIVERABLE_STATUS_LABELS = {
    "planned": N_("planned"),
    "draft_submitted": N_("draft submitted"),
    "approved": N_("approved"),
    "published": N_("published"),
}
PAYMENT_STATUS_LABELS = {
    "pending": N_("pending"),
    "approved": N_("approved"),
    "paid": N_("paid"),
    "cancelled": N_("cancelled"),
}
FEE_TYPE_LABELS = {
    "flat": N_("flat fee"),
    "per_deliverable": N_("per deliverable"),
    "commission": N_("commission"),
    "product_only": N_("product only"),
}
DELIVERABLE_TYPE_LABELS = {
    "post": N_("post"),
    "reel": N_("reel"),
    "story": N_("story"),
    "video": N_("video"),
    "short": N_("short"),
    "live": N_("live stream"),
}
# influencers.deliverables.RESULT_FIELDS
RESULT_LABELS = {
    "reach": N_("Reach"),
    "impressions": N_("Impressions"),
    "views": N_("Views"),
    "likes": N_("Likes"),
    "comments": N_("Comments"),
    "shares": N_("Shares"),
    "saves": N_("Saves"),
    "clicks": N_("Clicks"),
    "conversions": N_("Conversions"),
    "revenue": N_("Revenue"),
}
# influencers.models.INTERACTION_CHANNELS
CHANNEL_LABELS = {
    "email": N_("Email"),
    "dm": N_("Direct message"),
    "whatsapp": N_("WhatsApp"),
    "call": N_("Call"),
    "meeting": N_("Meeting"),
    "other": N_("Other"),
}
# Payment methods (influencer payments)
PAYMENT_METHOD_LABELS = {
    "bank_transfer": N_("bank transfer"),
    "e_wallet": N_("e-wallet"),
    "card": N_("card"),
    "cash": N_("cash"),
    "other": N_("other"),
}
# Influencer fee recognition (influencers.fees.RECOGNITION)
RECOGNITION_LABELS = {
    "on_delivery": N_("When the content is delivered"),
    "over_flight": N_("Spread over the flight"),
}
# Follower tiers (influencers.queries.TIERS), as a word in a sentence ("micro Instagram creators")
TIER_LABELS = {
    "nano": N_("nano"),
    "micro": N_("micro"),
    "mid": N_("mid-tier"),
    "macro": N_("macro"),
    "mega": N_("mega"),
}
# Influencer statuses (influencers.models.INFLUENCER_STATUSES)
INFLUENCER_STATUS_LABELS = {"active": N_("active"), "do_not_contact": N_("do not contact")}
PLATFORM_OTHER = N_("Other")  # influencers.handles.PLATFORM_LABELS["other"]; the others are brand names
# influencers.handles.PLATFORMS (brand names stay as they are)
INFLUENCER_PLATFORM_LABELS = {**PLATFORM_LABELS, "other": PLATFORM_OTHER}

# influencers.models.SHOPS: the shops promo code sales come from (brand names stay as they are)
SHOP_OTHER = N_("Other shop")
SHOP_LABELS = {
    "shopee": "Shopee",
    "tokopedia": "Tokopedia",
    "tiktok_shop": "TikTok Shop",
    "lazada": "Lazada",
    "blibli": "Blibli",
    "shopify": "Shopify",
    "woocommerce": "WooCommerce",
    "website": N_("Own website"),
    "other": SHOP_OTHER,
}

LABEL_MAPS = {
    "stage": STAGE_LABELS,
    "program_status": PROGRAM_STATUS_LABELS,
    "deliverable_status": DELIVERABLE_STATUS_LABELS,
    "payment_status": PAYMENT_STATUS_LABELS,
    "fee_type": FEE_TYPE_LABELS,
    "deliverable_type": DELIVERABLE_TYPE_LABELS,
    "interaction_channel": CHANNEL_LABELS,
    "payment_method": PAYMENT_METHOD_LABELS,
    "recognition": RECOGNITION_LABELS,
    "influencer_status": INFLUENCER_STATUS_LABELS,
    "platform": INFLUENCER_PLATFORM_LABELS,
    "tier": TIER_LABELS,
    "shop": SHOP_LABELS,
}
