"""pydantic validation errors as translatable messages: one reason per field, in the user's language.

pydantic's own texts are English sentences; `PYDANTIC_REASONS` maps each error type the domain's models can
raise to an `N_()` reason (its `ctx` fills the placeholders). A validator that raises a `DomainError` keeps its
own message, and a model validator that raises `FieldErrors` names the fields itself. Pages show each reason as
"<field label>: <reason>" (pages/components/inputs.py `error_text`).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from db.errors import N_, Codes, DomainError, FieldErrors, Message

PYDANTIC_REASONS = {
    "missing": N_("this field is required"),
    "string_too_short": N_("needs at least {min_length} character(s)"),
    "string_too_long": N_("is too long: at most {max_length} characters"),
    "too_short": N_("needs at least {min_length} item(s)"),
    "too_long": N_("has too many items: at most {max_length}"),
    "greater_than_equal": N_("must be {ge} or more"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be {le} or less"),
    "less_than": N_("must be less than {lt}"),
    "int_parsing": N_("is not a whole number"),
    "int_from_float": N_("is not a whole number"),
    "int_type": N_("is not a whole number"),
    "decimal_parsing": N_("is not a number"),
    "decimal_type": N_("is not a number"),
    "float_parsing": N_("is not a number"),
    "float_type": N_("is not a number"),
    "finite_number": N_("is not a finite number"),
    "decimal_max_digits": N_("has more than {max_digits} digits"),
    "decimal_max_places": N_("has more than {decimal_places} decimals"),
    "date_parsing": N_("is not a date"),
    "date_from_datetime_parsing": N_("is not a date"),
    "date_from_datetime_inexact": N_("is not a date"),
    "date_type": N_("is not a date"),
    "datetime_parsing": N_("is not a date and time"),
    "datetime_type": N_("is not a date and time"),
    "bool_parsing": N_("is not yes or no"),
    "bool_type": N_("is not yes or no"),
    "string_type": N_("must be text"),
    "literal_error": N_("use one of {expected}"),
    "enum": N_("use one of {expected}"),
    "string_pattern_mismatch": N_("has characters that are not allowed here"),
    "dict_type": N_("has the wrong shape"),
    "list_type": N_("must be a list"),
    "extra_forbidden": N_("is not a field of this form"),
}
FALLBACK = N_("{reason}")  # a pydantic type not in the map: its (English) text as it is


CHOICE_TYPES = frozenset({"literal_error", "enum"})  # their `expected` lists codes: `'a', 'b' or 'c'`


def pydantic_reason(item: Any) -> Message:
    """The reason of one `ValidationError.errors()` item as a translatable message.

    The codes a `Literal` or enum field expects become `Codes` of the kind named after the field (a field
    `fee_type` lists fee types' labels on a page); a field without a label map of its name shows the codes.
    """
    ctx = item.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, DomainError):
        return error.message
    kind = str(item.get("type"))
    template = PYDANTIC_REASONS.get(kind)
    if template is None:
        return Message(FALLBACK, {"reason": str(item.get("msg", "")).removeprefix("Value error, ")})
    params: dict[str, Any] = {k: _param(v) for k, v in ctx.items() if k != "error"}
    if kind in CHOICE_TYPES and "expected" in ctx:
        loc = [str(p) for p in item.get("loc") or ()]
        params["expected"] = Codes(loc[-1] if loc else "", re.findall(r"'([^']*)'", str(ctx["expected"])))
    return Message(template, params)


def _param(value: Any) -> str:
    return str(value).replace("'", "") if not isinstance(value, str) else value.replace("'", "")


def field_errors(item: Any) -> dict[str, Message] | None:
    """The per-field messages of a `FieldErrors` raised inside a (model) validator, else None."""
    error = (item.get("ctx") or {}).get("error")
    return dict(error.messages) if isinstance(error, FieldErrors) else None


def validation_messages(exc: ValidationError) -> dict[str, Message]:
    """{field: reason} for a ValidationError, with dotted locations joined by `_` (`handles.tiktok` -> `tiktok`)."""
    errors: dict[str, Message] = {}
    for item in exc.errors():
        named = field_errors(item)
        if named is not None:
            for name, message in named.items():
                errors.setdefault(name, message)
            continue
        loc = [str(p) for p in item["loc"]]
        errors.setdefault(loc[-1] if loc else "row", pydantic_reason(item))
    return errors
