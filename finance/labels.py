"""People's words for the codes finance defines (FX rate sources and policies, the payments export's entry
types, period close statuses, exports by title), and every package's label maps gathered by kind.

`ALL_LABEL_MAPS` is the one registry of code -> label tables: finance is the highest floor below the pages and
automation, so both read it (pages/components/terms.py `LABEL_MAPS`, automation.i18n's Renderer) and a label
changed in its package's `labels` module changes on the pages and in the digests alike.
"""

from __future__ import annotations

from budgets import labels as budget_labels
from campaigns import labels as campaign_labels
from db import labels as db_labels
from db.errors import N_
from finance.exports.registry import EXPORTS
from influencers import labels as influencer_labels

# finance.models.FxRate.source as stored: typed in (the default), the demo, or "csv:<file name>" for an import
FX_RATE_SOURCE_LABELS = {
    "manual": N_("manual entry"),
    "demo": N_("demo workspace"),
    "csv": N_("CSV import"),
}
# FX conversion policies (finance.fx.POLICIES)
FX_POLICY_LABELS = {
    "monthly_average": N_("Monthly average rate"),
    "month_end": N_("Month-end rate"),
    "daily": N_("Daily rate"),
}
# finance.exports.influencer_payments PAYMENT / REFUND (its entry_type)
PAYMENT_ENTRY_LABELS = {"payment": N_("payment"), "refund": N_("refund")}
# finance.close: a month's close status
PERIOD_CLOSE_STATUS_LABELS = {"locked": N_("closed"), "reopened": N_("reopened")}
# finance.exports.registry.EXPORTS: each export by its title (N_ in its module)
EXPORT_LABELS = {name: spec.title for name, spec in EXPORTS.items()}

LABEL_MAPS = {
    "fx_rate_source": FX_RATE_SOURCE_LABELS,
    "fx_policy": FX_POLICY_LABELS,
    "payment_entry": PAYMENT_ENTRY_LABELS,
    "period_close_status": PERIOD_CLOSE_STATUS_LABELS,
    "export": EXPORT_LABELS,
}
# Every code -> label map of the domain, by what it names (tests/test_labels.py checks each against the domain)
ALL_LABEL_MAPS = db_labels.merge_label_maps(
    db_labels.LABEL_MAPS,
    campaign_labels.LABEL_MAPS,
    influencer_labels.LABEL_MAPS,
    budget_labels.LABEL_MAPS,
    LABEL_MAPS,
)
