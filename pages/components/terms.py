"""People's words for the domain's codes and English texts (roles, stages, statuses, alerts, exports).

The domain packages hand pages plain codes ("content_in_review") and English templates; this module
marks their words with `N_()` so the extractor finds them, and `term()` translates them at display.
tests/test_translations.py checks that every code and template the domain defines is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from campaigns import platform_import
from campaigns.platforms import PLATFORM_LABELS as AD_PLATFORM_LABELS  # the ad platforms: one table, below
from finance.exports.registry import EXPORTS
from influencers.handles import PLATFORM_LABELS
from pages.components.i18n import LANGUAGES, N_, _

ROLE_LABELS = {
    "admin": N_("admin"),
    "manager": N_("manager"),
    "specialist": N_("specialist"),
    "finance": N_("finance"),
    "viewer": N_("viewer"),
}
# influencers.programs.STAGE_LABELS (the board's column titles)
STAGE_LABELS = {
    "prospect": N_("Prospect"),
    "contacted": N_("Contacted"),
    "negotiating": N_("Negotiating"),
    "contracted": N_("Contracted"),
    "content_in_review": N_("Content in review"),
    "live": N_("Live"),
    "completed": N_("Completed"),
    "declined": N_("Declined"),
}
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
# budgets.models scope types (the Budgets table's Type column)
SCOPE_LABELS = {
    "campaign": N_("campaign"),
    "program": N_("program"),
    "channel": N_("channel"),
    "account": N_("account"),
    "mix": N_("across channels"),
}
# campaigns.meta_budgets.MetaBudget.export_level (the campaigns export's budget_level) and
# finance.exports.influencer_payments PAYMENT / REFUND (its entry_type)
BUDGET_LEVEL_LABELS = {"campaign": N_("campaign"), "adset": N_("ad set")}
PAYMENT_ENTRY_LABELS = {"payment": N_("payment"), "refund": N_("refund")}
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
# finance.models.FxRate.source as stored: typed in (the default), the demo, or "csv:<file name>" for an import
FX_RATE_SOURCE_LABELS = {
    "manual": N_("manual entry"),
    "demo": N_("demo workspace"),
    "csv": N_("CSV import"),
}
SYNC_STATUS_LABELS = {
    "running": N_("running"),
    "success": N_("success"),
    "partial": N_("partial (some rows refused)"),
    "failed": N_("failed"),
}
CHANNEL_LABELS = {
    "email": N_("Email"),
    "dm": N_("Direct message"),
    "whatsapp": N_("WhatsApp"),
    "call": N_("Call"),
    "meeting": N_("Meeting"),
    "other": N_("Other"),
}
# budgets.plans.CHANNELS: the marketing ledger's channels (ad platforms, then creators)
LEDGER_CHANNEL_LABELS = {
    "meta_ads": N_("Meta Ads"),
    "tiktok_ads": N_("TikTok Ads"),
    "google_ads": N_("Google Ads"),
    "linkedin_ads": N_("LinkedIn Ads"),
    "influencer_fees": N_("Influencer fees"),
    "product_seeding": N_("Product seeding"),
}
PLATFORM_OTHER = N_("Other")  # influencers.handles.PLATFORM_LABELS["other"]; the others are brand names

# budgets.alerts templates, translated by pages.components.budget_widgets.alert_text
ALERT_TEMPLATES = (
    N_("{name}: the plan of {planned} is spent ({actual}) before the period ends on {end}."),
    N_("{name}: projected {projected} against a plan of {planned} ({percent}% of plan)."),
    N_("{name}: {actual} spent against a plan of {planned} ({percent}% of plan); the period ended on {end}."),
    N_("{name}: {actual} spent this period with no budget plan."),
    N_("{name}: the lifetime budget runs out around {day}, before the campaign ends on {end}."),
    N_("{name}: the lifetime budget ran out on {day}, so delivery has stopped; the campaign is scheduled until {end}."),
    N_("{name}: the lifetime budget has run out, so delivery has stopped; the campaign is scheduled until {end}."),
    N_("{influencer} ({program}): {type} on {platform} was due {due} and is {status}, {days} days late."),
)
# campaigns.platform_import's messages of file numbers, platforms, accounts, segments and future days
_PLATFORM_IMPORT_TEXTS = (
    platform_import.NOTE_SEGMENTS,
    platform_import.MIXED_NUMBERS,
    platform_import.AMBIGUOUS_FIGURE,
    platform_import.OTHER_PLATFORM,
    platform_import.TWO_ACCOUNTS,
    platform_import.SEGMENT_REFUSED,
    platform_import.SEGMENT_OVERLAPS,
    platform_import.SEGMENT_APPROXIMATE,
    platform_import.SEGMENT_NOT_DAILY,
    platform_import.SEGMENT_NO_DAY,
    platform_import.SEGMENT_REPEATED,
    platform_import.SEGMENT_INCOMPLETE,
    platform_import.FUTURE_DAY,
    *platform_import.SEGMENT_WORDS.values(),
)
# campaigns.platform_reports titles and campaigns.platform_import messages (the Sync page's report upload)
REPORT_IMPORT_TEXTS = (
    N_("TikTok Ads Manager report"),
    N_("Google Ads report"),
    N_("LinkedIn Campaign Manager export"),
    N_("The file has no {field} column (looked for {names}); export the report with it."),
    N_("The file has no campaign column (looked for {names}); export the report by campaign."),
    N_("The file holds amounts in {currencies}; export one currency per file."),
    N_(
        "The file does not say its currency (no Currency column and no (CUR) after the cost header); import it into "
        "an existing account or export the report with its currency."
    ),
    N_("The file is in {file_currency}, but the account {account} is in {account_currency}."),
    N_("The file has no data rows, only headers and totals; export the report with its rows."),
    N_("The row names no campaign: both {columns} are empty."),
    N_("The row has no date."),
    N_("'{value}' is not a campaign ID (digits only)."),
    N_("{value} has more than {digits} decimals; Pantau keeps amounts to {digits} decimals."),
    N_("The row is in {currency}, but the file is in {expected}; export one currency per file."),
    N_("The row repeats row {other}: the same campaign and day; remove one of them."),
    N_("{count} campaigns of {account} are named '{name}'; export the report with the Campaign ID column."),
    N_("Campaign ID {campaign_id} belongs to the account {account}, not to {target}."),
    N_("Another import or sync changed these campaigns at the same time; import the file again."),
    N_("'{timezone}' is not a time zone; use a name such as Asia/Jakarta."),
    N_("A new {platform} account '{name}' will be created in {currency}, time zone {timezone}."),
    N_("{count} campaign(s) are new and will be created: {names}."),
    N_("{count} total row(s) were skipped."),
    *_PLATFORM_IMPORT_TEXTS,
)
# budgets.plans messages of plans across channels
MIX_PLAN_TEXTS = (
    N_("Name the plan (for example 'Ramadan, all channels')."),
    N_("A plan across channels covers at least two campaigns, programs or channels."),
    N_("{scope} is not a campaign, program or channel Pantau knows."),
)
# finance.exports.EXPORTS titles and descriptions
EXPORT_TEXTS = (
    N_("Campaign spend by day"),
    N_("One row per campaign and day (account time zone), with the spend in the reporting currency."),
    N_("Campaign spend by month"),
    N_("One row per campaign and month with its planned budget and spend in the reporting currency."),
    N_("Campaigns and budgets"),
    N_("Every campaign scheduled or spending in the period, with its budget level and budgets (major units)."),
    N_("Influencer payments"),
    N_(
        "Payments dated in the period (paid date, else due date) and refunds on their own date (negative rows), "
        "each converted at its own date's rate."
    ),
    N_("Marketing ledger"),
    N_("Planned, committed, actual and paid per month, channel and campaign or program."),
)

# Column names of query frames shown as they are (influencer, program and sync tables): their headers
COLUMN_LABELS = {
    "name": N_("Name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "country": N_("Country"),
    "city": N_("City"),
    "status": N_("Status"),
    "followers": N_("Followers"),
    "tier": N_("Follower tier"),
    "handles": N_("Handles"),
    "handle": N_("Handle"),
    "platform": N_("Platform"),
    "profile_url": N_("Profile"),
    "brand": N_("Brand or product"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "budget": N_("Budget"),
    "currency": N_("Currency"),
    "collaborations": N_("Collaborations"),
    "influencer": N_("Influencer"),
    "program": N_("Program"),
    "stage": N_("Stage"),
    "fee_type": N_("Fee type"),
    "fee": N_("Fee"),
    "commission_rate": N_("Commission %"),
    "product_value": N_("Product value"),
    "promo_code": N_("Promo code"),
    "tracking_url": N_("Tracking link"),
    "contract_date": N_("Contract date"),
    "stage_changed_at": N_("Stage changed"),
    "stage_changed_by": N_("Stage changed by"),
    "at": N_("When"),
    "from_stage": N_("From"),
    "to_stage": N_("To"),
    "by_user": N_("Who"),
    "type": N_("Type"),
    "due_date": N_("Due date"),
    "late": N_("Late"),
    "upcoming": N_("Upcoming"),
    "url": N_("Link"),
    "published_date": N_("Published"),
    "collaboration_id": N_("Collaboration"),
    "amount": N_("Amount"),
    "overdue": N_("Overdue"),
    "approved_by": N_("Approved by"),
    "paid_date": N_("Paid date"),
    "paid_by": N_("Paid by"),
    "refunded": N_("Refunded"),
    "net_paid": N_("Net paid"),
    "invoice_number": N_("Invoice number"),
    "method": N_("Method"),
    "reference": N_("Reference"),
    "creator_cost": N_("Creator cost"),
    "creator_conversions": N_("Creator conversions"),
    "creator_cpa": N_("Creator CPA"),
    "boost_spend": N_("Boost spend"),
    "boost_conversions": N_("Boost conversions"),
    "boost_cpa": N_("Boost CPA"),
    "creator_plus_boost": N_("Creator plus boost"),
    "combined_cpa": N_("Combined CPA"),
    "cost": N_("Cost"),
    "engagements": N_("Engagements"),
    "engagement_rate": N_("Engagement rate %"),
    "cpm": N_("CPM"),
    "cpe": N_("CPE"),
    "cpc": N_("CPC"),
    "cpa": N_("CPA"),
    "roas": N_("ROAS"),
    "started_at": N_("Started"),
    "kind": N_("Kind"),
    "account": N_("Account"),
    "window_since": N_("From"),
    "window_until": N_("To"),
    "objects": N_("Objects"),
    "rows": N_("Rows"),
    "requests": N_("Requests"),
    "error": N_("Error"),
    "date": N_("Date"),
    "from": N_("From"),
    "to": N_("To"),
    "rate": N_("Rate"),
    "source": N_("Source"),
    "updated_by": N_("Updated by"),
    "month": N_("Month"),
    "by": N_("Who"),
    "notes": N_("Notes"),
    "summary": N_("Summary"),
    "channel": N_("Channel"),
    "row": N_("Row"),
    "column": N_("Column"),
    "reason": N_("Reason"),
    "total": N_("Total"),
    **RESULT_LABELS,
}

# campaigns.adsmanager.ImportPreview.table() columns: the Sync page's preview of an Ads Manager file
IMPORT_PREVIEW_LABELS = {
    "row": N_("Row"),
    "campaign": N_("Campaign"),
    "campaign_id": N_("Campaign ID"),
    "start": N_("First day"),
    "end": N_("Last day"),
    "spend": N_("Spend"),
    "impressions": N_("Impressions"),
    "clicks": N_("Clicks"),
    "conversions": N_("Conversions"),
    "conversion_value": N_("Conversion value"),
}

# campaigns.platform_import.ReportPreview.table() columns: the preview of a TikTok, Google Ads or LinkedIn report
REPORT_PREVIEW_LABELS = {
    "row": N_("Row"),
    "date": N_("Date"),
    "campaign": N_("Campaign"),
    "campaign_id": N_("Campaign ID"),
    "spend": N_("Spend"),
    "impressions": N_("Impressions"),
    "clicks": N_("Clicks"),
    "conversions": N_("Conversions"),
    "conversion_value": N_("Conversion value"),
}

# Form field names the domain names in FieldErrors that are not column names above
FIELD_LABELS = {
    "engagement_rate": N_("Engagement rate %"),
    "avg_views": N_("Average views"),
    "agency_name": N_("Agency"),
    "agency_contact": N_("Agency contact"),
    "owner": N_("Owner"),
    "language": N_("Language"),
    "niches": N_("Niches"),
    "tags": N_("Tags"),
    "landing_url": N_("Landing page"),
    "promo_code_prefix": N_("Promo code prefix"),
    "utm_campaign": N_("UTM campaign"),
    "campaign_ids": N_("Campaigns"),
    "influencer_id": N_("Influencer"),
    "deliverable_id": N_("Deliverable"),
    "link": N_("Link"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "new_amount": N_("New amount"),
    "target": N_("Change"),
    "scope": N_("Budget for"),
    "period": N_("Period"),
}
NO_FIELD = frozenset({"row", "merge", "file", "import", "change", "plan", "campaign"})  # the reason says it all


def field_label(name: str) -> str:
    """A form field's label for "<field>: <reason>" ("" for row-level reasons); platform handles by name."""
    if name in NO_FIELD:
        return ""
    if name in FIELD_LABELS:
        return _(FIELD_LABELS[name])
    if name in COLUMN_LABELS:
        return _(COLUMN_LABELS[name])
    platform, _sep, rest = name.partition("_")
    if platform in PLATFORM_LABELS:
        if not rest:
            return platform_label(platform)
        inner = FIELD_LABELS.get(rest) or COLUMN_LABELS.get(rest)
        if inner:
            return _("{label} ({platform})", label=_(inner), platform=platform_label(platform))
    return _(name.replace("_", " ").capitalize())


def column_labels(columns: Iterable[object], **config: object) -> dict[str, object]:
    """`column_config` for `st.dataframe`: translated headers for known columns (the data keeps its names)."""
    labels: dict[str, object] = {str(c): _(COLUMN_LABELS[str(c)]) for c in columns if str(c) in COLUMN_LABELS}
    labels.update(config)
    return labels


def term(labels: dict[str, str], code: str | None) -> str:
    """The translated word for `code` in `labels`; an unknown code is shown as it is."""
    if code is None:
        return ""
    return _(labels[code]) if code in labels else code


def ad_platform_label(platform: str | None) -> str:
    """An ad platform's name (campaigns.platforms codes); an unknown code is shown as it is."""
    return term(AD_PLATFORM_LABELS, platform)


def platform_label(platform: str) -> str:
    """A platform's name: brand names as they are, "Other" translated."""
    return _(PLATFORM_OTHER) if platform == "other" else PLATFORM_LABELS.get(platform, platform)


# -- labels, not codes: every enum the domain stores, in people's words ------------------------------------
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
# Ledger and budget channels (budgets.plans.CHANNELS)
# Payment methods (influencer payments)
PAYMENT_METHOD_LABELS = {
    "bank_transfer": N_("bank transfer"),
    "e_wallet": N_("e-wallet"),
    "card": N_("card"),
    "cash": N_("cash"),
    "other": N_("other"),
}
# FX conversion policies (finance.fx.POLICIES)
FX_POLICY_LABELS = {
    "monthly_average": N_("Monthly average rate"),
    "month_end": N_("Month-end rate"),
    "daily": N_("Daily rate"),
}
# Influencer fee recognition (influencers.fees.RECOGNITION)
RECOGNITION_LABELS = {
    "on_delivery": N_("When the content is delivered"),
    "over_flight": N_("Spread over the flight"),
}
# Influencer statuses (influencers.models.INFLUENCER_STATUSES)
INFLUENCER_STATUS_LABELS = {"active": N_("active"), "do_not_contact": N_("do not contact")}
# Budget pacing statuses (budgets.pacing.STATUSES)
PACING_LABELS = {
    "on_track": N_("On track"),
    "under_pacing": N_("Under-pacing"),
    "over_pacing": N_("Over-pacing"),
    "exhausted": N_("Exhausted"),
    "no_plan": N_("No plan"),
    "too_early": N_("Too early to tell"),
    # final verdicts of an ended period (spent against plan)
    "within_plan": N_("Within plan"),
    "under_plan": N_("Under plan"),
    "over_plan": N_("Over plan"),
}
# Flags of a pacing verdict (budgets.pacing.FLAGS), in the Budgets table's Flags column
PACING_FLAG_LABELS = {
    "stopped": N_("stopped (paused or ended)"),
    "lifetime_ends_early": N_("lifetime budget ends early"),
    "lifetime_spent": N_("lifetime budget ran out"),
    "spending_without_plan": N_("spending without a plan"),
    "status_unknown": N_("status unknown (imported file, no status column)"),
}
# Budget change statuses and targets (budgets.changes)
BUDGET_CHANGE_STATUS_LABELS = {
    "proposed": N_("proposed"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "applied": N_("applied"),
    "failed": N_("failed"),
}
PERIOD_CLOSE_STATUS_LABELS = {"locked": N_("closed"), "reopened": N_("reopened")}
BUDGET_TARGET_LABELS = {
    "plan": N_("plan amount"),
    "meta_daily_budget": N_("Meta daily budget"),
    "meta_lifetime_budget": N_("Meta lifetime budget"),
}
# Audit log: the actions and record types every audit.record call of the domain writes
AUDIT_ACTION_LABELS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "merge": N_("merged"),
    "import": N_("imported"),
    "export": N_("exported"),
    "sync": N_("synced"),
    "stage": N_("stage changed"),
    "results": N_("results entered"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "propose": N_("proposed"),
    "close": N_("month closed"),
    "reopen": N_("month reopened"),
    "preference": N_("preference changed"),
    "role_change": N_("role changed"),
    "reactivate": N_("reactivated"),
    "deactivate": N_("deactivated"),
    "settings": N_("settings changed"),
    "secret": N_("secret stored"),
    "conversion_definition": N_("conversion events changed"),
    "pending": N_("set to pending"),
    "paid": N_("marked paid"),
    "cancelled": N_("cancelled"),
    "refund": N_("refund recorded"),
}
AUDIT_RECORD_LABELS = {
    "ad_account": N_("ad account"),
    "ads_manager_file": N_("Ads Manager file"),
    "tiktok_report_file": N_("TikTok Ads report file"),
    "google_report_file": N_("Google Ads report file"),
    "linkedin_report_file": N_("LinkedIn report file"),
    "alert_recipient": N_("alert recipient"),
    "audit_log": N_("audit log"),
    "budget_change": N_("budget change"),
    "budget_plan": N_("budget plan"),
    "collaboration": N_("collaboration"),
    "conversion_definition": N_("conversion events"),
    "deliverable": N_("deliverable"),
    "demo_workspace": N_("demo workspace"),
    "export": N_("export"),
    "fx_rate": N_("FX rate"),
    "influencer": N_("influencer"),
    "interaction": N_("interaction"),
    "payment": N_("payment"),
    "period_close": N_("month close"),
    "program": N_("program"),
    "setting": N_("setting"),
    "user": N_("user"),
    "job": N_("scheduled job"),
}
# Every code -> label map above, by what it names (tests/test_labels.py checks each against the domain)
# influencers.handles.PLATFORMS (brand names stay as they are) and db.users.LANGUAGES (each in its own words)
INFLUENCER_PLATFORM_LABELS = {**PLATFORM_LABELS, "other": PLATFORM_OTHER}
LANGUAGE_LABELS = dict(LANGUAGES)
# finance.exports.registry.EXPORTS: each export by its title (N_ in its module)
EXPORT_LABELS = {name: spec.title for name, spec in EXPORTS.items()}

LABEL_MAPS = {
    "campaign_status": CAMPAIGN_STATUS_LABELS,
    "objective": OBJECTIVE_LABELS,
    "stage": STAGE_LABELS,
    "ledger_channel": LEDGER_CHANNEL_LABELS,
    "payment_method": PAYMENT_METHOD_LABELS,
    "fx_policy": FX_POLICY_LABELS,
    "recognition": RECOGNITION_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "audit_record": AUDIT_RECORD_LABELS,
    "sync_kind": SYNC_KIND_LABELS,
    "sync_status": SYNC_STATUS_LABELS,
    "ad_platform": AD_PLATFORM_LABELS,
    "program_status": PROGRAM_STATUS_LABELS,
    "deliverable_status": DELIVERABLE_STATUS_LABELS,
    "payment_status": PAYMENT_STATUS_LABELS,
    "fee_type": FEE_TYPE_LABELS,
    "deliverable_type": DELIVERABLE_TYPE_LABELS,
    "scope": SCOPE_LABELS,
    "budget_level": BUDGET_LEVEL_LABELS,
    "payment_entry": PAYMENT_ENTRY_LABELS,
    "fx_rate_source": FX_RATE_SOURCE_LABELS,
    "interaction_channel": CHANNEL_LABELS,
    "influencer_status": INFLUENCER_STATUS_LABELS,
    "pacing": PACING_LABELS,
    "pacing_flag": PACING_FLAG_LABELS,
    "budget_change_status": BUDGET_CHANGE_STATUS_LABELS,
    "budget_target": BUDGET_TARGET_LABELS,
    "period_close_status": PERIOD_CLOSE_STATUS_LABELS,
    "role": ROLE_LABELS,
    "platform": INFLUENCER_PLATFORM_LABELS,
    "language": LANGUAGE_LABELS,
    "export": EXPORT_LABELS,
}
BLANK = "—"  # what a missing value reads as on screen (never "None", "nan" or "NaT")


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA: a value a table shows as blank."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def label(kind: str, code: object) -> str:
    """The translated label of `code` in the `LABEL_MAPS[kind]` map; "" for a missing code, unknown ones as is."""
    if is_missing(code):
        return ""
    return term(LABEL_MAPS[kind], str(code))


def label_column(kind: str, codes: Iterable[object]) -> list[str]:
    """`label(kind, code)` for each code of a table column, each distinct code looked up once."""
    words: dict[object, str] = {}
    out = []
    for code in codes:
        word = words.get(code)
        if word is None:
            word = words[code] = label(kind, code)
        out.append(word)
    return out


def fx_rate_source(source: str | None) -> str:
    """Where an FX rate came from, in people's words: an import names its file ("CSV import: rates.csv")."""
    if is_missing(source) or not source:
        return ""
    kind, _colon, file = source.partition(":")
    if kind == "csv" and file:
        return _("CSV import: {file}", file=file)
    return term(FX_RATE_SOURCE_LABELS, source)


def scope_name(scope_type: str | None, name: str) -> str:
    """A budget scope's name as pages show it: a channel scope (named by its code, `meta_ads`) as the channel's
    label, any other scope (campaign, program, account, plan) by its own name."""
    return label("ledger_channel", name) if scope_type == "channel" else name


def code_label(kind: str, code: str) -> str:
    """A code's label for a domain message's `Codes` parameter; a kind without a label map shows the code."""
    return label(kind, code) if kind in LABEL_MAPS else code


def labelled(frame, columns: dict[str, str]):
    """A display copy of `frame` with each `column: kind` shown as labels (the data frame is left as it is)."""
    shown = frame.copy()
    for column, kind in columns.items():
        if column in shown.columns:
            shown[column] = [label(kind, v) for v in shown[column]]
    return shown


def label_groups(kind: str, codes: Iterable[object]) -> dict[str, tuple[str, ...]]:
    """One choice per label: each distinct label of `codes` (in the user's language, sorted by label) -> every
    code with that label, in code order. Meta's ODAX and legacy objectives (`OUTCOME_TRAFFIC`, `TRAFFIC`) and
    TikTok's read the same words, so a picker offers "Traffic" once and the choice means all of its codes."""
    groups: dict[str, list[str]] = {}
    for code in sorted({str(c) for c in codes if not is_missing(c)}):
        groups.setdefault(label(kind, code), []).append(code)
    return {word: tuple(groups[word]) for word in sorted(groups, key=str.casefold)}
