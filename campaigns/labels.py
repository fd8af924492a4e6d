"""People's words for the codes campaigns defines: campaign and ad set statuses, objectives, sync run kinds,
sources and statuses, ad platforms and Meta's budget levels.

Pure data marked with `N_()`; see db/labels.py for how the packages' tables are gathered and shown.
"""

from __future__ import annotations

from campaigns.models import SOURCE_ADS_MANAGER_CSV, SOURCE_META_API, SOURCE_TIKTOK_API
from campaigns.platform_reports import SOURCE_GOOGLE_ADS_FILE, SOURCE_LINKEDIN_FILE, SOURCE_TIKTOK_FILE
from campaigns.platforms import PLATFORM_GOOGLE, PLATFORM_LINKEDIN, PLATFORM_META, PLATFORM_TIKTOK
from campaigns.platforms import PLATFORM_LABELS as AD_PLATFORM_LABELS  # the ad platforms' names: one table
from db.errors import N_

# Campaign and ad set statuses: Meta's status and effective_status (campaigns.meta_settings.ALL_EFFECTIVE_STATUSES)
# and what the TikTok writer stores (ACTIVE / PAUSED / DELETED, campaigns.tiktok_writer.status_of).
CAMPAIGN_STATUS_LABELS = {
    "ACTIVE": N_("Active"),
    "PAUSED": N_("Paused"),
    "DELETED": N_("Deleted"),
    "ARCHIVED": N_("Archived"),
    "PENDING_REVIEW": N_("In review"),
    "DISAPPROVED": N_("Rejected"),
    "PREAPPROVED": N_("Pre-approved"),
    "PENDING_BILLING_INFO": N_("Billing info needed"),
    "CAMPAIGN_PAUSED": N_("Campaign paused"),
    "ADSET_PAUSED": N_("Ad set paused"),
    "IN_PROCESS": N_("Processing"),
    "WITH_ISSUES": N_("With issues"),
    # TikTok's secondary_status, which the TikTok writer stores as the effective status
    "CAMPAIGN_STATUS_ENABLE": N_("Active"),
    "CAMPAIGN_STATUS_DISABLE": N_("Paused"),
    "CAMPAIGN_STATUS_DELETE": N_("Deleted"),
    "CAMPAIGN_STATUS_BUDGET_EXCEED": N_("Budget exceeded"),
    "ADGROUP_STATUS_DELIVERY_OK": N_("Active"),
    "ADGROUP_STATUS_DISABLE": N_("Paused"),
    "ADGROUP_STATUS_CAMPAIGN_DELETE": N_("Campaign deleted"),
}
# Campaign objectives: Meta's ODAX and legacy names (meta_settings.OBJECTIVES, DEFAULT_EVENTS_BY_OBJECTIVE) and
# TikTok's objective_type values (tiktok_settings.DEFAULT_EVENT_BY_OBJECTIVE and the others TikTok sends), Google
# Ads campaign types (advertising_channel_type) and LinkedIn objectives.
OBJECTIVE_LABELS = {
    "OUTCOME_SALES": N_("Sales"),
    "OUTCOME_LEADS": N_("Leads"),
    "OUTCOME_APP_PROMOTION": N_("App promotion"),
    "OUTCOME_TRAFFIC": N_("Traffic"),
    "OUTCOME_AWARENESS": N_("Awareness"),
    "OUTCOME_ENGAGEMENT": N_("Engagement"),
    "CONVERSIONS": N_("Conversions"),
    "PRODUCT_CATALOG_SALES": N_("Catalog sales"),
    "LEAD_GENERATION": N_("Lead generation"),
    "APP_INSTALLS": N_("App installs"),
    "LINK_CLICKS": N_("Link clicks"),
    "REACH": N_("Reach"),
    "BRAND_AWARENESS": N_("Brand awareness"),
    "POST_ENGAGEMENT": N_("Post engagement"),
    "VIDEO_VIEWS": N_("Video views"),
    "MESSAGES": N_("Messages"),
    "PRODUCT_SALES": N_("Product sales"),
    "WEB_CONVERSIONS": N_("Website conversions"),
    "APP_PROMOTION": N_("App promotion"),
    "APP_INSTALL": N_("App installs"),
    "TRAFFIC": N_("Traffic"),
    "ENGAGEMENT": N_("Engagement"),
    "COMMUNITY_INTERACTION": N_("Community interaction"),
    "RF_REACH": N_("Reach & frequency"),
    "SEARCH": N_("Search"),
    "PERFORMANCE_MAX": N_("Performance Max"),
    "DISPLAY": N_("Display"),
    "SHOPPING": N_("Shopping"),
    "VIDEO": N_("Video"),
    "DEMAND_GEN": N_("Demand Gen"),
    "DISCOVERY": N_("Discovery"),
    "APP": N_("App"),
    "SMART": N_("Smart"),
    "LOCAL": N_("Local"),
    "HOTEL": N_("Hotel"),
    "MULTI_CHANNEL": N_("Multi-channel"),
    # LinkedIn campaign objectives (its Campaign Manager API's objectiveType)
    "WEBSITE_VISIT": N_("Website visits"),
    "WEBSITE_CONVERSION": N_("Website conversions"),
    "WEBSITE_CONVERSIONS": N_("Website conversions"),
    "VIDEO_VIEW": N_("Video views"),
    "JOB_APPLICANT": N_("Job applicants"),
    "TALENT_LEADS": N_("Talent leads"),
}
# campaigns.models SOURCE_* (SyncRun.kind) and SyncRun.status
SYNC_KIND_LABELS = {
    "meta_api": N_("Meta API sync"),
    "tiktok_api": N_("TikTok API sync"),
    "ads_manager_csv": N_("Ads Manager import"),
    "tiktok_file": N_("TikTok report import"),
    "google_ads_file": N_("Google Ads report import"),
    "linkedin_file": N_("LinkedIn report import"),
    "manual": N_("manual entry"),
    "demo": N_("demo workspace"),
    "account_level": N_("account-level rows"),
}
SYNC_STATUS_LABELS = {
    "running": N_("running"),
    "success": N_("success"),
    "partial": N_("partial (some rows refused)"),
    "failed": N_("failed"),
}
# The platform a sync run read (SyncRun.kind), by its name: "The {source} sync of {account} failed" (automation)
SYNC_SOURCE_LABELS = {
    SOURCE_META_API: AD_PLATFORM_LABELS[PLATFORM_META],
    SOURCE_TIKTOK_API: AD_PLATFORM_LABELS[PLATFORM_TIKTOK],
    SOURCE_ADS_MANAGER_CSV: AD_PLATFORM_LABELS[PLATFORM_META],
    SOURCE_TIKTOK_FILE: AD_PLATFORM_LABELS[PLATFORM_TIKTOK],
    SOURCE_GOOGLE_ADS_FILE: AD_PLATFORM_LABELS[PLATFORM_GOOGLE],
    SOURCE_LINKEDIN_FILE: AD_PLATFORM_LABELS[PLATFORM_LINKEDIN],
}
# campaigns.meta_budgets.MetaBudget.export_level (the campaigns export's budget_level)
BUDGET_LEVEL_LABELS = {"campaign": N_("campaign"), "adset": N_("ad set")}

LABEL_MAPS = {
    "campaign_status": CAMPAIGN_STATUS_LABELS,
    "objective": OBJECTIVE_LABELS,
    "sync_kind": SYNC_KIND_LABELS,
    "sync_status": SYNC_STATUS_LABELS,
    "sync_source": SYNC_SOURCE_LABELS,
    "ad_platform": AD_PLATFORM_LABELS,
    "budget_level": BUDGET_LEVEL_LABELS,
}
