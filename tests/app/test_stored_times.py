"""Stored timestamps on pages read in the workspace time zone and the user's format, in English and Bahasa
Indonesia: as text (`pages.components.data.when_text`) in the audit log's before -> after and the latest values of
a record someone else changed (a conflict); as real moments in table columns that sort by time, shown by the
browser in the workspace zone (`i18n.date_column`): a collaboration's stage history and "Stage changed"
(Programs) and job runs (Sync). Never the ISO text the database or an audit snapshot keeps
(`2026-11-28T03:12:00+00:00`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from db import audit
from db.engine import session_scope
from db.models import JobRun
from db.roles import CLI_ACTOR
from db.settings import set_setting
from influencers.models import StageChange
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.pages import open_page
from tests.table_dates import assert_dated, column_types, date_columns

MOVED = dt.datetime(2026, 11, 28, 3, 12, tzinfo=dt.UTC)  # 11:12 in Makassar (UTC+8), the workspace's zone here
BEFORE = dt.datetime(2026, 11, 20, 23, 5, tzinfo=dt.UTC)  # 07:05 on 21 November in Makassar
SHOWN = {
    "en": {MOVED: "Nov 28, 2026, 11:12 AM +0800", BEFORE: "Nov 21, 2026, 7:05 AM +0800"},
    "id": {MOVED: "28 Nov 2026 11.12 WITA", BEFORE: "21 Nov 2026 07.05 WITA"},
}
LANGUAGES = ("en", "id")


@pytest.fixture
def workspace(migrated_url: str) -> dict[str, int]:
    """A workspace in Asia/Makassar with a collaboration moved twice, its audit entry, and a job run."""
    with session_scope(migrated_url) as s:
        set_setting(s, CLI_ACTOR, "workspace_timezone", "Asia/Makassar")
        program = b.program(s, name="Ramadan")
        collab = b.collaboration(s, program, b.influencer(s, name="Ayu"), stage="contacted", stage_changed_at=MOVED)
        s.add_all(
            [
                StageChange(collaboration_id=collab.id, from_stage=None, to_stage="prospect", at=BEFORE, by_user="a@x"),
                StageChange(collaboration_id=collab.id, from_stage="prospect", to_stage="contacted", at=MOVED),
            ]
        )
        audit.record(
            s,
            CLI_ACTOR,
            "update",
            "collaboration",
            collab.id,
            before={"stage": "prospect", "stage_changed_at": BEFORE.isoformat()},
            after={"stage": "contacted", "stage_changed_at": MOVED.isoformat()},
            summary="moved",
        )
        s.add(JobRun(job="alerts.digest", scheduled_for=BEFORE, started_at=BEFORE, finished_at=MOVED, status="success"))
        s.flush()
        return {"collaboration": collab.id}


def _open(app_test, language: str, page: str) -> AppTest:
    return open_page(app_test(timeout=90), page, language=language)


def _frame(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe]
    found = [f for f in frames if column in f.columns]
    assert found, [list(f.columns) for f in frames]
    return found[0]


def _no_iso(at: AppTest) -> None:
    """No text cell shows ISO text (date columns hold real moments; the browser writes them)."""
    for frame in at.dataframe:
        text = frame.value.drop(columns=date_columns(frame)).astype(str).to_string()
        assert "T03:12" not in text, text
        assert "+00:00" not in text, text


def _moments(at: AppTest, column: str, language: str) -> list[dt.datetime]:
    """The moments of `column` in the first table that has it, checked to be shown as timestamps of `language`
    in the workspace's zone (the browser writes them: `28/11/2026 11.12 WITA`, `Nov 28, 2026, 11:12 AM WITA`)."""
    (element,) = [d for d in at.dataframe if column in d.value.columns][:1]
    assert column in assert_dated(element, language, {column: "datetime"})
    assert column_types(element)[column]["timezone"] == "Asia/Makassar"
    return [None if pd.isna(v) else v.to_pydatetime() for v in element.value[column]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_collaborations_stage_history_reads_in_the_workspace_zone(workspace, app_test, language: str) -> None:
    at = program_tab(_open(app_test, language, "pages/programs/programs.py"), "collaborations")
    # Labelled by column_config ("When", "Stage changed"): the frames keep the codes and the real moments.
    assert _moments(at, "at", language) == [BEFORE, MOVED]
    assert _moments(at, "stage_changed_at", language) == [MOVED]
    _no_iso(at)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_log_shows_a_snapshots_timestamps_for_people(workspace, app_test, language: str) -> None:
    shown = SHOWN[language]
    at = _open(app_test, language, "pages/settings/audit.py")
    column = "Before -> after" if language == "en" else "Sebelum -> sesudah"
    (change,) = [c for c in _frame(at, column)[column] if c.startswith("stage:")]
    assert change == f"stage: prospect -> contacted; stage_changed_at: {shown[BEFORE]} -> {shown[MOVED]}"
    with session_scope() as s:  # the CSV keeps the ISO text
        assert "stage_changed_at: 2026-11-20T23:05:00+00:00 -> 2026-11-28T03:12:00+00:00" in audit.csv_text(
            audit.query_entries(s)
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_job_runs_read_in_the_workspace_zone(workspace, app_test, language: str) -> None:
    at = _open(app_test, language, "pages/sync/sync.py")
    slot, started, finished = ("Slot", "Started", "Finished") if language == "en" else ("Slot", "Dimulai", "Selesai")
    assert _moments(at, slot, language) == [BEFORE]
    assert _moments(at, started, language) == [BEFORE]
    assert _moments(at, finished, language) == [MOVED]


def _conflict() -> None:
    import streamlit as st

    from pages.components.influencer_forms import changes

    base = {"stage": "prospect", "stage_changed_at": "2026-11-20T23:05:00+00:00"}
    latest = {"stage": "contacted", "stage_changed_at": "2026-11-28T03:12:00+00:00"}
    st.session_state["shown"] = changes(base, latest, "collaboration").values.tolist()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_conflicts_latest_values_show_times_for_people(workspace, language: str) -> None:
    at = AppTest.from_function(_conflict, default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    shown = SHOWN[language]
    stage_changed = at.session_state["shown"][1]
    assert stage_changed[1:] == [shown[BEFORE], shown[MOVED]]
