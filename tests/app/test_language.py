"""The app in Bahasa Indonesia: the sidebar's language switch translates pages and formats rupiah for id_ID."""

from __future__ import annotations

import re

import pytest

from pages.components.i18n import _catalog, date_text
from pages.components.navigation import PAGES

# Rp then digits grouped by dots in threes: Rp1.250.000 (Babel's id_ID currency format)
RUPIAH = re.compile(r"Rp\s?\d{1,3}(\.\d{3})+\b")


def _in_indonesian(app_test, path: str):
    at = app_test(timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="auth_language").set_value("id").run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    elements = [*at.markdown, *at.caption, *at.subheader, *at.info, *at.success]
    return "\n".join(str(e.value) for e in elements)


def test_overview_in_bahasa_indonesia(demo_url: str, app_test) -> None:
    at = _in_indonesian(app_test, "pages/overview/overview.py")
    assert [t.value for t in at.title] == ["Ringkasan"]
    assert at.selectbox(key="auth_language").label == "Bahasa"
    labels = [m.label for m in at.metric]
    assert "Belanja iklan (IDR)" in labels
    assert "Akun iklan" in labels
    assert "Kampanye" in labels
    text = _texts(at)
    assert "Bulan ini:" in text
    assert "Kampanye dengan ROAS tertinggi" in text
    assert "Peringatan" in text
    assert RUPIAH.search(text), text[:2000]
    assert "Spend" not in labels
    assert "This month" not in text
    top = at.dataframe[0].value
    assert list(top.columns)[:2] == ["Kampanye", "ROAS"]  # the ranked figure beside the name
    assert any(RUPIAH.fullmatch(str(v)) for v in top["Belanja iklan"])


def test_campaigns_in_bahasa_indonesia(demo_url: str, app_test) -> None:
    at = _in_indonesian(app_test, "pages/campaigns/campaigns.py")
    assert [t.value for t in at.title] == ["Kampanye"]
    assert at.multiselect(key="campaigns_accounts").label == "Akun iklan"
    text = _texts(at)
    assert "Kampanye dari" in text
    assert RUPIAH.search(text) or any(
        RUPIAH.search(str(v)) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel()
    )


def test_english_stays_the_default(demo_url: str, app_test) -> None:
    at = app_test(timeout=60)
    at.run()
    assert [t.value for t in at.title] == ["Overview"]
    assert at.selectbox(key="auth_language").value == "en"


def test_date_text_in_the_app_locale() -> None:
    import datetime as dt

    assert date_text(dt.date(2026, 11, 27), "id_ID") == "27 Nov 2026"


@pytest.mark.parametrize("spec", PAGES, ids=[p.key for p in PAGES])
def test_every_page_renders_in_bahasa_indonesia(demo_url: str, app_test, spec) -> None:
    at = _in_indonesian(app_test, spec.path)
    assert not at.error, [e.value for e in at.error]
    with_id = _catalog("id")
    assert [t.value for t in at.title] == [with_id[spec.title]]


def test_sync_history_names_runs_in_bahasa_indonesia(demo_url: str, app_test) -> None:
    at = _in_indonesian(app_test, "pages/sync/sync.py")
    history = at.dataframe[0].value  # the run history (AppTest does not expose dataframe keys)
    assert list(history["kind"]) == ["ruang kerja demo"]
    assert list(history["status"]) == ["berhasil"]
