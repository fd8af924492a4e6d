"""People's words for the codes budgets defines: scope types, ledger channels, pacing verdicts and flags, budget
change statuses and targets.

Pure data marked with `N_()`; see db/labels.py for how the packages' tables are gathered and shown.
"""

from __future__ import annotations

from db.errors import N_

# budgets.models scope types (the Budgets table's Type column)
SCOPE_LABELS = {
    "campaign": N_("campaign"),
    "program": N_("program"),
    "channel": N_("channel"),
    "account": N_("account"),
    "mix": N_("across channels"),
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
# Budget pacing statuses (budgets.pacing.STATUSES)
PACING_LABELS = {
    "on_track": N_("On track"),
    "under_pacing": N_("Under-pacing"),
    "stopped_below_plan": N_("Stopped, below plan"),
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
BUDGET_TARGET_LABELS = {
    "plan": N_("plan amount"),
    "meta_daily_budget": N_("Meta daily budget"),
    "meta_lifetime_budget": N_("Meta lifetime budget"),
}

LABEL_MAPS = {
    "scope": SCOPE_LABELS,
    "ledger_channel": LEDGER_CHANNEL_LABELS,
    "pacing": PACING_LABELS,
    "pacing_flag": PACING_FLAG_LABELS,
    "budget_change_status": BUDGET_CHANGE_STATUS_LABELS,
    "budget_target": BUDGET_TARGET_LABELS,
}
