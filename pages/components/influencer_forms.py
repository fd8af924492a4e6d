"""Form plumbing for the Influencers and Programs pages: run a service in a callback, keep field-level
errors and edit conflicts in session state, and show them next to the fields on the next run."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import streamlit as st
from sqlalchemy.exc import IntegrityError

from db.engine import session_scope
from db.errors import ConflictError, FieldErrors
from db.roles import PermissionDenied
from pages.components.data import clear_caches
from pages.components.i18n import _

FLASH = "influencer_flash"


def run_action(form: str, func: Callable[..., Any], *args: Any, success: str | None = None, **kwargs: Any) -> bool:
    """Call `func(session, *args, **kwargs)` in one unit of work; remember errors for `form`."""
    clear_feedback(form)
    try:
        with session_scope() as session:
            func(session, *args, **kwargs)
    except ConflictError as exc:
        st.session_state[f"{form}__conflict"] = (str(exc), exc.latest)
        return False
    except FieldErrors as exc:
        st.session_state[f"{form}__errors"] = exc.errors
        return False
    except PermissionDenied as exc:
        st.session_state[f"{form}__error"] = str(exc)
        return False
    except IntegrityError:
        st.session_state[f"{form}__error"] = _("The database refused the change (a duplicate?); reload and retry.")
        return False
    except ValueError as exc:
        st.session_state[f"{form}__error"] = str(exc)
        return False
    clear_caches()
    if success:
        st.session_state[FLASH] = success
    return True


def clear_feedback(form: str) -> None:
    for suffix in ("__errors", "__error", "__conflict"):
        st.session_state.pop(f"{form}{suffix}", None)


def field_error(form: str, *fields: str) -> None:
    """The reason next to a field, when the last save refused it."""
    errors = st.session_state.get(f"{form}__errors") or {}
    for name in fields:
        if name in errors:
            st.error(f"{name}: {errors[name]}", icon=":material/error:")


def form_feedback(form: str) -> None:
    """Form-wide problems: a refused action, a conflict with the latest saved values, unplaced field errors."""
    if message := st.session_state.get(f"{form}__error"):
        st.error(message)
    conflict = st.session_state.get(f"{form}__conflict")
    if conflict:
        message, latest = conflict
        st.error(_("Conflict: {reason}", reason=message), icon=":material/sync_problem:")
        if latest:
            st.write(_("Latest saved values:"))
            st.json({k: v for k, v in latest.items() if k not in ("created_at",)}, expanded=True)
    errors = st.session_state.get(f"{form}__errors")
    if errors:
        st.error(_("Please fix: {fields}", fields="; ".join(f"{k}: {v}" for k, v in errors.items())))


def flash() -> None:
    """The success message of the last action, shown once."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def load_form(form: str, token: Any, values: dict[str, Any]) -> None:
    """Prefill `form`'s widgets (keys `{form}_{field}`) when a different record/version is opened."""
    if st.session_state.get(f"{form}__loaded") == token:
        return
    for key, value in values.items():
        st.session_state[f"{form}_{key}"] = value
    st.session_state[f"{form}__loaded"] = token


def reload_form(form: str) -> None:
    """Forget what the form loaded, so the next run prefills it from the database."""
    st.session_state.pop(f"{form}__loaded", None)
    clear_feedback(form)


def value(form: str, name: str) -> Any:
    return st.session_state.get(f"{form}_{name}")


def fmt(value: Any, digits: int = 2) -> str:
    """A ratio or figure for tables: n/a for missing."""
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    if isinstance(value, Decimal | float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
