"""People's words for the codes db defines and writes: roles (db.roles.ROLES) and the audit log's actions and
record types (every `audit.record` call of the domain writes one of each).

Pure data marked with `N_()` (the catalog ids); pages translate them (pages/components/terms.py `label`), the alert
digests through automation.i18n's Renderer. Every package keeps the labels of its own codes in its `labels`
module; `finance.labels.ALL_LABEL_MAPS` gathers them by kind. `merge_label_maps` is the one way they are gathered.
"""

from __future__ import annotations

from collections.abc import Mapping

from db.errors import N_

# db.roles.ROLES
ROLE_LABELS = {
    "admin": N_("admin"),
    "manager": N_("manager"),
    "specialist": N_("specialist"),
    "finance": N_("finance"),
    "viewer": N_("viewer"),
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
    "promo_sale": N_("promo code sales"),
    "setting": N_("setting"),
    "user": N_("user"),
    "job": N_("scheduled job"),
}

LABEL_MAPS = {"role": ROLE_LABELS, "audit_action": AUDIT_ACTION_LABELS, "audit_record": AUDIT_RECORD_LABELS}


def merge_label_maps(*groups: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The label maps of several packages by kind; a kind named twice is a mistake (one table per kind)."""
    merged: dict[str, dict[str, str]] = {}
    for group in groups:
        twice = sorted(set(merged) & set(group))
        if twice:
            raise ValueError(f"label kinds defined twice: {twice}")
        merged.update(group)
    return merged
