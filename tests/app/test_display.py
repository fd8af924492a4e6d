"""What tables and captions show: timestamps in the workspace zone and locale, blanks instead of None/NaN/NaT."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pages.components.data import display_copy
from pages.components.i18n import datetime_text


def test_timestamps_read_in_the_workspace_zone_and_the_users_locale() -> None:
    moment = dt.datetime(2026, 11, 27, 7, 5, tzinfo=dt.UTC)
    assert datetime_text(moment, "Asia/Jakarta", "id_ID") == "27 Nov 2026 14.05 WIB"
    assert datetime_text(moment, "Asia/Jakarta", "en_US") == "Nov 27, 2026, 2:05 PM +0700"
    assert datetime_text(dt.datetime(2026, 11, 27, 7, 5), "Asia/Jakarta", "id_ID") == "27 Nov 2026 14.05 WIB"
    assert "+00:00" not in datetime_text(moment, "UTC", "id_ID")
    assert datetime_text(None, "Asia/Jakarta") == ""


def test_a_display_copy_blanks_missing_values_and_leaves_the_data_alone() -> None:
    frame = pd.DataFrame(
        {"ctr": [1.5, None], "error": ["timeout", None], "finished": [pd.Timestamp("2026-11-27"), pd.NaT]}
    )
    shown = display_copy(frame, times=("finished",))
    assert list(shown["ctr"]) == [1.5, ""]
    assert list(shown["error"]) == ["timeout", ""]
    # A timestamp column stays a sortable UTC moment (a naive one is UTC); its blank stays NaT, which the table's
    # placeholder (`table_dates.BLANK_CELL`) shows as an empty cell.
    assert str(shown["finished"].dtype) == "datetime64[ns, UTC]"
    assert shown["finished"].iloc[0] == pd.Timestamp("2026-11-27", tz="UTC")
    assert pd.isna(shown["finished"].iloc[1])
    assert frame["ctr"].isna().iloc[1]
    text = shown.drop(columns=["finished"]).to_string()
    for word in ("None", "NaN", "nan", "NaT"):
        assert word not in text
