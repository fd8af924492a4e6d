"""The export registry: every export by name, in menu order (one module per export)."""

from __future__ import annotations

from db.errors import N_, Codes
from finance.exports import campaign_daily, campaign_monthly, campaigns, influencer_payments, marketing_spend
from finance.exports.context import ExportError, ExportSpec

EXPORTS: dict[str, ExportSpec] = {
    module.SPEC.name: module.SPEC
    for module in (campaign_daily, campaign_monthly, campaigns, influencer_payments, marketing_spend)
}


def get_spec(name: str) -> ExportSpec:
    spec = EXPORTS.get(name)
    if spec is None:
        raise ExportError(
            N_("Unknown export {value}; choose one of {choices}."), value=repr(name), choices=Codes("export", EXPORTS)
        )
    return spec
