"""Form plumbing for the Influencers and Programs pages: run a service in a callback, keep field-level
errors and edit conflicts in session state, and show them next to the fields on the next run, in the
user's language, with what someone else changed when a save came too late."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from numbers import Integral
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from db.engine import session_scope
from db.errors import ConflictError, DomainError, FieldErrors, Message
from db.roles import PermissionDenied
from pages.components.data import clear_caches, stored_text
from pages.components.i18n import N_, _
from pages.components.inputs import DATABASE_FAILED, error_text, message_text
from pages.components.money import money, number
from pages.components.program_inputs import field_labels
from pages.components.terms import (
    COLUMN_LABELS,
    DELIVERABLE_STATUS_LABELS,
    FEE_TYPE_LABELS,
    PAYMENT_STATUS_LABELS,
    PROGRAM_STATUS_LABELS,
    STAGE_LABELS,
    is_missing,
    platform_label,
    term,
)
from pages.components.text_notices import removed_notices, show_notices

FLASH = "influencer_flash"
NOTICES = "influencer_flash_notices"
# db.errors.ConflictError's sentence, with the record named in the user's language.
CONFLICT_TEXT = N_(
    "This {entity} (#{entity_id}) was changed by someone else since you opened it; your changes were "
    "not saved. Review the latest values and save again."
)
RECORD_LABELS = {
    "influencer": N_("influencer"),
    "program": N_("program"),
    "collaboration": N_("collaboration"),
    "deliverable": N_("deliverable"),
    "payment": N_("payment"),
}
_MONEY_FIELDS = ("budget", "fee", "product_value", "amount", "revenue")
_WORDS = {
    "stage": STAGE_LABELS,
    "fee_type": FEE_TYPE_LABELS,
}
_STATUS_WORDS = {
    "program": PROGRAM_STATUS_LABELS,
    "deliverable": DELIVERABLE_STATUS_LABELS,
    "payment": PAYMENT_STATUS_LABELS,
}
_HIDDEN = ("created_at", "updated_at", "version_id", "results_updated_at")


def conflict_text(exc: ConflictError) -> str:
    """The conflict sentence in the user's language."""
    entity = _(RECORD_LABELS[exc.entity]) if exc.entity in RECORD_LABELS else exc.entity
    return _(CONFLICT_TEXT, entity=entity, entity_id=exc.entity_id)


def run_action(form: str, func: Callable[..., Any], *args: Any, success: str | None = None, **kwargs: Any) -> bool:
    """Call `func(session, *args, **kwargs)` in one unit of work; remember errors for `form`."""
    clear_feedback(form)
    try:
        with session_scope() as session:
            func(session, *args, **kwargs)
    except ConflictError as exc:
        st.session_state[f"{form}__conflict"] = (conflict_text(exc), exc.latest, exc.entity)
        return False
    except FieldErrors as exc:
        st.session_state[f"{form}__errors"] = dict(exc.messages)
        return False
    except PermissionDenied as exc:
        st.session_state[f"{form}__error"] = error_text(exc)
        return False
    except IntegrityError:
        st.session_state[f"{form}__error"] = _("The database refused the change (a duplicate?); reload and retry.")
        return False
    except SQLAlchemyError:  # the database's own words (a DataError, a dropped connection) never reach a person
        st.session_state[f"{form}__error"] = _(DATABASE_FAILED)
        return False
    except DomainError as exc:
        st.session_state[f"{form}__error"] = error_text(exc)
        return False
    except ValueError as exc:
        st.session_state[f"{form}__error"] = error_text(exc)
        return False
    clear_caches()
    if success:
        st.session_state[FLASH] = success
    st.session_state[NOTICES] = neutralised_notices(form)
    return True


def _field_name(code: str) -> str:
    names = field_labels() | {
        "agency_name": _("Agency"),
        "agency_contact": _("Agency or manager contact"),
        "niches": _("Niches (comma separated)"),
        "tags": _("Tags (comma separated)"),
    }
    if code in names:
        return names[code]
    if code.endswith("_handle"):
        return platform_label(code.removesuffix("_handle"))
    return code


def neutralised_notices(form: str) -> list[str]:
    """For each text field of `form` (widget keys `{form}_{field}`) what saving it removed, in the user's
    language: bidi controls and terminal escape sequences are dropped without refusing the save, so say so."""
    prefix = f"{form}_"
    typed = {
        _field_name(key[len(prefix) :]): value
        for key, value in list(st.session_state.items())
        if isinstance(key, str) and key.startswith(prefix) and isinstance(value, str)
    }
    return removed_notices(typed)


def refuse(form: str, errors: Mapping[str, str | Message]) -> None:
    """Show `errors` next to `form`'s fields as if the service had refused them (a field the page could
    not read, such as an amount it did not understand): nothing is saved."""
    clear_feedback(form)
    st.session_state[f"{form}__errors"] = dict(errors)


def clear_feedback(form: str) -> None:
    for suffix in ("__errors", "__error", "__conflict"):
        st.session_state.pop(f"{form}{suffix}", None)


def _reason(reason: str | Message) -> str:
    return message_text(reason) if isinstance(reason, Message) else _(reason)


def field_error(form: str, *fields: str, labels: Mapping[str, str] | None = None) -> None:
    """The reason next to a field, when the last save refused it (`labels` names the fields for people)."""
    errors = st.session_state.get(f"{form}__errors") or {}
    for name in fields:
        if name in errors:
            shown = (labels or {}).get(name, name)
            st.error(f"{shown}: {_reason(errors[name])}", icon=":material/error:")


def _shown_value(name: str, value: Any, latest: Mapping[str, Any], entity: str | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in _MONEY_FIELDS and latest.get("currency"):
        try:
            return money(Decimal(str(value)), str(latest["currency"]))
        except (InvalidOperation, ValueError):
            return str(value)
    if name in _WORDS:
        return term(_WORDS[name], str(value))
    if name == "status" and entity in _STATUS_WORDS:
        return term(_STATUS_WORDS[entity], str(value))
    return str(stored_text(value))


def changes(
    base: Mapping[str, Any],
    latest: Mapping[str, Any],
    entity: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """What someone else changed: one row per field whose saved value differs from the one the form opened
    (`labels` names the fields; else the shared column labels, else the field's code)."""
    names = {code: _(text) for code, text in COLUMN_LABELS.items()} | dict(labels or {})
    rows = [
        {
            _("Field"): names.get(name, name),
            _("When you opened it"): _shown_value(name, base.get(name), latest, entity),
            _("Saved now"): _shown_value(name, value, latest, entity),
        }
        for name, value in latest.items()
        if name not in _HIDDEN and base.get(name) != value
    ]
    return pd.DataFrame(rows, columns=[_("Field"), _("When you opened it"), _("Saved now")])


def form_feedback(form: str, labels: Mapping[str, str] | None = None) -> None:
    """Form-wide problems: a refused action, a conflict with the latest saved values (what changed, when the form
    knows what it opened), unplaced field errors; `labels` names the fields."""
    if message := st.session_state.get(f"{form}__error"):
        st.error(message)
    conflict = st.session_state.get(f"{form}__conflict")
    if conflict:
        message, latest, entity = (*conflict, None)[:3]
        st.error(_("Conflict: {reason}", reason=message), icon=":material/sync_problem:")
        base = st.session_state.get(f"{form}__base")
        if latest and base:
            st.write(_("What changed since you opened it:"))
            st.dataframe(changes(base, latest, entity, labels), hide_index=True, key=f"{form}__changes")
        elif latest:
            st.write(_("Latest saved values:"))
            st.json({k: stored_text(v) for k, v in latest.items() if k not in ("created_at",)}, expanded=True)
    errors = st.session_state.get(f"{form}__errors")
    if errors:
        shown = labels or {}
        st.error(
            _(
                "Please fix: {fields}",
                fields="; ".join(f"{shown.get(k) or _field_name(k)}: {_reason(v)}" for k, v in errors.items()),
            )
        )


def flash() -> None:
    """The success message of the last action, shown once."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    show_notices(st.session_state.pop(NOTICES, None))


def load_form(form: str, token: Any, values: dict[str, Any], base: Mapping[str, Any] | None = None) -> None:
    """Prefill `form`'s widgets (keys `{form}_{field}`) when a different record/version is opened; `base` is
    the record as saved then (an audit snapshot), so a later conflict can say what changed."""
    if st.session_state.get(f"{form}__loaded") == token:
        return
    for key, value in values.items():
        st.session_state[f"{form}_{key}"] = value
    st.session_state[f"{form}__loaded"] = token
    if base is not None:
        st.session_state[f"{form}__base"] = dict(base)
    else:
        st.session_state.pop(f"{form}__base", None)


def reload_form(form: str) -> None:
    """Forget what the form loaded, so the next run prefills it from the database."""
    st.session_state.pop(f"{form}__loaded", None)
    clear_feedback(form)


def value(form: str, name: str) -> Any:
    return st.session_state.get(f"{form}_{name}")


def fmt(value: Any, digits: int = 2) -> str:
    """A ratio or figure for tables in the user's locale (`1.250,50` in Bahasa Indonesia); blank for a missing or
    not computable one (never n/a, nan or None)."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | float):
        return number(value, digits)
    return number(value) if isinstance(value, Integral) else str(value)
