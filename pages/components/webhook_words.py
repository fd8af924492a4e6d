"""The labels of the webhook and alert-preference fields (`automation.recipients` refuses with FieldErrors keyed by
its field codes), so a refusal names each field as the form does, in the user's language."""

from __future__ import annotations

from db.errors import FieldErrors
from pages.components.i18n import N_, _
from pages.components.inputs import error_text

FIELD_LABELS = {
    "name": N_("Name"),
    "webhook_url": N_("Webhook address"),
    "webhook_format": N_("Format"),
    "categories": N_("Alerts"),
    "language": N_("Language"),
}


def webhook_refusal(exc: FieldErrors) -> str:
    """One sentence per refused field: "Webhook address: a webhook address starts with https:// ..."."""
    return error_text(exc, {name: _(label) for name, label in FIELD_LABELS.items()})
