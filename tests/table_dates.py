"""Reading a page's date columns under AppTest: the column config the browser gets (`element.proto.columns`) and
the checks every dated table must pass: real date values, the format of the page's language, blanks left blank."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from pages.components.i18n import TABLE_DATE_FORMATS, TABLE_DATETIME_FORMATS, TABLE_MONTH_FORMATS

FORMATS = {"date": TABLE_DATE_FORMATS, "datetime": TABLE_DATETIME_FORMATS, "month": TABLE_MONTH_FORMATS}


def column_types(element: Any) -> dict[str, dict[str, Any]]:
    """Each configured column's `type_config` (`{"type": "date", "format": "DD/MM/YYYY"}`), by column name."""
    config = json.loads(element.proto.columns or "{}")
    return {name: c.get("type_config", {}) for name, c in config.items()}


def date_columns(element: Any) -> list[str]:
    """The columns of a shown table that hold dates or timestamps."""
    frame = element.value
    return [str(c) for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]


def assert_dated(element: Any, language: str, kinds: dict[str, str] | None = None) -> list[str]:
    """Every date column of the table `element` is configured as a date in `language`'s format (`kinds` names
    the columns of kind "month" or "datetime"; otherwise a time-zone-aware column is a "datetime", any other a
    "date"), timestamps carry a time zone, and a missing value is an empty cell (the table's placeholder).
    Returns the date columns."""
    kinds = kinds or {}
    types = column_types(element)
    found = date_columns(element)
    for name in found:
        kind = kinds.get(name) or ("datetime" if isinstance(element.value[name].dtype, pd.DatetimeTZDtype) else "date")
        assert types.get(name, {}).get("type") == ("datetime" if kind == "datetime" else "date"), (name, types)
        assert types[name]["format"] == FORMATS[kind][language], (name, types[name])
        if kind == "datetime":
            assert isinstance(element.value[name].dtype, pd.DatetimeTZDtype), element.value[name].dtype
            assert types[name].get("timezone"), types[name]
    if found:
        assert element.proto.placeholder == "", repr(element.proto.placeholder)
    return found
