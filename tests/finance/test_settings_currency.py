"""The Settings page's reporting currency: where it comes from, ISO 4217 only, and left alone it keeps following
the ad accounts' main currency."""

from __future__ import annotations

import pytest

from db.engine import session_scope
from db.models import Setting

PAGE = "pages/settings/settings.py"


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANTAU_REPORTING_CURRENCY", raising=False)


def _open(app_test):
    at = app_test(timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _save(at) -> None:
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception, at.exception


def test_the_field_says_where_the_currency_comes_from_and_refuses_xyz(finance_url: str, app_test) -> None:
    at = _open(app_test)
    assert any("(not set: the ad accounts' main currency)" in m.value for m in at.markdown)
    main = at.text_input(key="settings_currency").value
    assert main in ("IDR", "USD")
    _save(at)  # saving other settings does not pin the computed currency
    with session_scope(finance_url) as s:
        assert s.get(Setting, "reporting_currency") is None
    at.text_input(key="settings_currency").input("XYZ")
    _save(at)
    assert any("XYZ is not an ISO 4217 currency code" in e.value for e in at.error)
    with session_scope(finance_url) as s:
        assert s.get(Setting, "reporting_currency") is None
    at.text_input(key="settings_currency").input("sgd")
    _save(at)
    with session_scope(finance_url) as s:
        assert s.get(Setting, "reporting_currency").value == "SGD"
    assert any("Reporting currency: SGD (set in Settings)" in m.value for m in at.markdown)
