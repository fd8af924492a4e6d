"""Why a webhook or alert preference was refused, each field named as the form names it, in the user's language
(`automation.recipients` refuses with FieldErrors keyed by its field codes)."""

from __future__ import annotations

from db.errors import FieldErrors
from pages.components.i18n import N_, _
from pages.components.inputs import message_text

FIELD_LABELS = {
    "name": N_("Name"),
    "webhook_url": N_("Webhook address"),
    "webhook_format": N_("Format"),
    "categories": N_("Alerts"),
    "language": N_("Language"),
}


def webhook_refusal(exc: FieldErrors) -> str:
    """One sentence per refused field: "Webhook address: a webhook address starts with https:// ..."; a reason
    that names its field itself (the text rule's "Name contains ...") is shown as it is."""
    return "; ".join(
        message_text(reason)
        if "field" in reason.params
        else f"{_(FIELD_LABELS[name]) if name in FIELD_LABELS else name}: {message_text(reason)}"
        for name, reason in exc.messages.items()
    )
