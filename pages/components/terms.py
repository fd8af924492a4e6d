"""People's words for the domain's codes and English texts (roles, stages, statuses, alerts, exports).

The code -> label tables live with their codes, one `labels` module per domain package (db, campaigns,
influencers, budgets, finance; gathered by kind in `finance.labels.ALL_LABEL_MAPS`), so the pages and the alert
digests (automation.i18n) read the same words; this module re-exports them under their old names, adds the
pages' own (column headers, field names, the user's language) and `label()` translates them at display. The
domain's English texts (alert templates, import messages, export titles) are listed here with `N_()` so the
extractor finds them. tests/test_translations.py checks that every code and template the domain defines is listed.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from budgets.labels import (
    BUDGET_CHANGE_STATUS_LABELS,
    BUDGET_TARGET_LABELS,
    LEDGER_CHANNEL_LABELS,
    PACING_FLAG_LABELS,
    PACING_LABELS,
    SCOPE_LABELS,
)
from campaigns import platform_import
from campaigns.labels import (
    AD_PLATFORM_LABELS,
    BUDGET_LEVEL_LABELS,
    CAMPAIGN_STATUS_LABELS,
    OBJECTIVE_LABELS,
    SYNC_KIND_LABELS,
    SYNC_SOURCE_LABELS,
    SYNC_STATUS_LABELS,
)
from db.labels import AUDIT_ACTION_LABELS, AUDIT_RECORD_LABELS, ROLE_LABELS
from finance.labels import (
    ALL_LABEL_MAPS,
    EXPORT_LABELS,
    FX_POLICY_LABELS,
    FX_RATE_SOURCE_LABELS,
    PAYMENT_ENTRY_LABELS,
    PERIOD_CLOSE_STATUS_LABELS,
)
from influencers.handles import PLATFORM_LABELS
from influencers.labels import (
    CHANNEL_LABELS,
    DELIVERABLE_STATUS_LABELS,
    DELIVERABLE_TYPE_LABELS,
    FEE_TYPE_LABELS,
    INFLUENCER_PLATFORM_LABELS,
    INFLUENCER_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    PLATFORM_OTHER,
    PROGRAM_STATUS_LABELS,
    RECOGNITION_LABELS,
    RESULT_LABELS,
    SHOP_LABELS,
    STAGE_LABELS,
    TIER_LABELS,
)
from pages.components.i18n import LANGUAGES, N_, _

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


def handles_text(handles: str | None) -> str:
    """The directory's `platform:handle, platform:handle` (influencers.queries) as people read it: `Instagram:
    ayu.l, TikTok: ayu` (the platform by its label, never its code); empty for none."""
    if not isinstance(handles, str) or not handles:
        return ""
    parts = (item.partition(":") for item in handles.split(", "))
    return ", ".join(f"{platform_label(code)}: {handle}" if sep else code for code, sep, handle in parts)


# db.users.LANGUAGES, each in its own words (pages.components.i18n.LANGUAGES)
LANGUAGE_LABELS = dict(LANGUAGES)
# Every code -> label map by what it names: the domain's (finance.labels.ALL_LABEL_MAPS) and the language's
LABEL_MAPS = {**ALL_LABEL_MAPS, "language": LANGUAGE_LABELS}
__all__ = [
    "AD_PLATFORM_LABELS",
    "AUDIT_ACTION_LABELS",
    "AUDIT_RECORD_LABELS",
    "BUDGET_CHANGE_STATUS_LABELS",
    "BUDGET_LEVEL_LABELS",
    "BUDGET_TARGET_LABELS",
    "CAMPAIGN_STATUS_LABELS",
    "CHANNEL_LABELS",
    "DELIVERABLE_STATUS_LABELS",
    "DELIVERABLE_TYPE_LABELS",
    "EXPORT_LABELS",
    "FEE_TYPE_LABELS",
    "FX_POLICY_LABELS",
    "FX_RATE_SOURCE_LABELS",
    "INFLUENCER_PLATFORM_LABELS",
    "INFLUENCER_STATUS_LABELS",
    "LABEL_MAPS",
    "LEDGER_CHANNEL_LABELS",
    "OBJECTIVE_LABELS",
    "PACING_FLAG_LABELS",
    "PACING_LABELS",
    "PAYMENT_ENTRY_LABELS",
    "PAYMENT_METHOD_LABELS",
    "PAYMENT_STATUS_LABELS",
    "PERIOD_CLOSE_STATUS_LABELS",
    "PROGRAM_STATUS_LABELS",
    "RECOGNITION_LABELS",
    "RESULT_LABELS",
    "ROLE_LABELS",
    "SCOPE_LABELS",
    "SHOP_LABELS",
    "STAGE_LABELS",
    "SYNC_KIND_LABELS",
    "SYNC_SOURCE_LABELS",
    "SYNC_STATUS_LABELS",
    "TIER_LABELS",
]
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
