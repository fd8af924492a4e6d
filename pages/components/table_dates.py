"""Dates in tables: real date values in the frame (a click on a header sorts them by date), shown in the user's
language by one `column_config` rule (`i18n.date_column`).

A page puts a date column through `data.day_values` (calendar days: `datetime64`, NaT for a blank) or a stored
timestamp through `data.moment_values` (UTC, `datetime64[ns, UTC]`), then builds its `column_config` with
`dated_columns(frame, config)`: every date column of the frame gets `date_column` with the label `config` gives
it (months named in `months=`), timestamps shown in the workspace time zone. A table with dates is drawn with
`placeholder=BLANK_CELL`, so a missing date is an empty cell (never "None" or "NaT"). `dated_table(frame, config)`
draws such a table (no index), or, given `empty=`, that sentence instead when the frame has no rows. CSV files keep
ISO dates: they are written from the data, not from these frames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from pages.components.data import workspace_zone
from pages.components.i18n import date_column

BLANK_CELL = ""  # `st.dataframe(placeholder=...)`: a missing value is an empty cell


def _label(setting: object, name: str) -> str:
    if isinstance(setting, str):
        return setting
    if isinstance(setting, Mapping) and setting.get("label"):
        return str(setting["label"])
    return name


def dated_columns(
    frame: pd.DataFrame, config: Mapping[str, object] | None = None, *, months: Iterable[str] = ()
) -> dict[str, object]:
    """`column_config` for `frame`: `config` (labels, links...), with every date column of the frame configured
    by `date_column` under the label `config` gives it: a `datetime64` column as days (or as months when named in
    `months`), a time-zone-aware one as moments in the workspace time zone."""
    out: dict[str, object] = dict(config or {})
    monthly = set(months)
    for column in frame.columns:
        name = str(column)
        dtype = frame[column].dtype
        if not pd.api.types.is_datetime64_any_dtype(dtype):
            continue
        label = _label(out.get(name), name)
        if isinstance(dtype, pd.DatetimeTZDtype):
            out[name] = date_column(label, "datetime", workspace_zone())
        else:
            out[name] = date_column(label, "month" if name in monthly else "date")
    return out


def dated_table(
    frame: pd.DataFrame,
    config: Mapping[str, object] | None = None,
    *,
    months: Iterable[str] = (),
    empty: str | None = None,
    empty_as: Callable[[str], object] = st.caption,
    **options: Any,
) -> None:
    """`frame` as a table without its index, its dates in the user's language (`dated_columns(frame, config,
    months=months)`) and a missing value an empty cell; `options` go to `st.dataframe` (key, width...). With
    `empty`, a frame without rows is that sentence instead (`empty_as`: `st.caption`, or `st.info`...)."""
    if empty is not None and frame.empty:
        empty_as(empty)
        return
    st.dataframe(
        frame,
        hide_index=True,
        column_config=dated_columns(frame, config, months=months),
        placeholder=BLANK_CELL,
        **options,
    )
