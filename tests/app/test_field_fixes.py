"""What a walk through the demo in Bahasa Indonesia at 1280x800 found (brief P), each on the page under AppTest:
a creator's Results written as money, the collaborations' number headed as a word, the detail under the
Directory tab only, ..."""

from __future__ import annotations

import json

from sqlalchemy import select

from db.engine import session_scope
from db.money import format_money, format_number
from influencers import roi
from influencers.models import Influencer
from pages.components.i18n import BABEL_LOCALES
from tests.pages import open_page

ID = BABEL_LOCALES["id"]
INFLUENCERS = "pages/influencers/influencers.py"


def _headers(element) -> dict[str, str]:
    """Each data column's header as shown: its column_config label, else its name."""
    config = json.loads(element.proto.columns or "{}")
    return {str(c): (config.get(f"name:{c}") or config.get(str(c)) or {}).get("label") or str(c) for c in element.value}


def _table(at, *columns: str):
    found = [e for e in at.dataframe if set(columns) <= set(e.value.columns)]
    assert found, f"no table with {columns}: {[list(e.value.columns) for e in at.dataframe]}"
    return found[0]


def test_a_creators_results_are_money_and_the_collaboration_number_has_a_header(demo_url, app_test) -> None:
    with session_scope() as s:
        found = None
        for pid in s.scalars(select(Influencer.id).order_by(Influencer.id)):
            totals = roi.rollup(roi.collaboration_results(s, influencer_id=pid), ["influencer_id"])
            if not totals.empty and "IDR" in set(totals["currency"]) and totals["cost"].notna().any():
                found = pid, totals
                break
    assert found, "the demo has a creator with results in IDR"
    pid, totals = found
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    shown = _table(at, "collaborations", "cost", "roas").value
    for row, expected in zip(shown.to_dict("records"), totals.to_dict("records"), strict=True):
        currency = expected["currency"]
        assert row["cost"] == format_money(expected["cost"], currency, ID)
        assert row["revenue"] == (
            "" if expected["revenue"] is None else format_money(expected["revenue"], currency, ID)
        )
        assert row["impressions"] == format_number(expected["impressions"], ID)
    assert any(v.startswith("Rp") for v in shown["cost"])  # Rp13.000.000, never 13.000.000,00
    collabs = _table(at, "promo_code", "fee")
    headers = _headers(collabs)
    assert headers["id"] == "Kolaborasi"  # the number the Programs page's tables head "Collaboration"
    assert "id" not in headers.values()


def test_an_opened_creator_shows_under_the_directory_tab_only(demo_url, app_test) -> None:
    with session_scope() as s:
        person = s.scalars(select(Influencer).order_by(Influencer.id)).first()
        pid, name = person.id, person.name
    at = open_page(app_test(), INFLUENCERS, language="id")
    at.selectbox(key="inf_open").set_value(pid).run()
    assert not at.exception, at.exception
    labels = [t.label for t in at.tabs]
    assert labels[:3] == ["Direktori", "Tambah influencer", "Impor CSV"]
    assert name in [h.value for h in at.tabs[0].header]
    for tab in at.tabs[1:]:  # Add influencer, Import CSV, Duplicates, Fee benchmarks
        assert name not in [h.value for h in tab.header], tab.label
    assert sum(h.value == name for h in at.header) == 1  # nowhere outside the tabs either
