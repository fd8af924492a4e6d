"""Charts are built once per data and language (pages/components/charts.py): a second session and a rerun render
the cached Vega-Lite spec without running the Altair builder again, and a language switch builds it anew in that
language (the data drawn is part of the key, so new data is a new chart)."""

from __future__ import annotations

import json

import pytest

from campaigns import charts
from tests.pages import open_page

CAMPAIGNS = "pages/campaigns/campaigns.py"


def _open(app_test, language: str = "en"):
    return open_page(app_test(timeout=90), CAMPAIGNS, language=language)


def _scatter(at) -> dict:
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    return next(s for s in specs if "params" in s or any("params" in layer for layer in s.get("layer", [])))


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call of the Campaigns scatter builder, by the currency it draws."""
    calls: list[str] = []
    real = charts.scatter_chart

    def counted(frame, currency, colour, translate=None, locale="en_US"):
        calls.append(currency)
        return real(frame, currency, colour, translate=translate, locale=locale)

    counted.__qualname__ = real.__qualname__
    monkeypatch.setattr(charts, "scatter_chart", counted)
    return calls


def test_a_second_session_and_a_rerun_reuse_the_built_chart(demo_url: str, app_test, builds: list[str]) -> None:
    first = _open(app_test)
    assert len(builds) == 1
    spec = _scatter(first)
    first.run()
    second = _open(app_test)
    assert len(builds) == 1  # neither the rerun nor the other session built it again
    assert _scatter(second) == spec
    assert "Spend (IDR)" in json.dumps(spec)

    indonesian = _open(app_test, "id")
    assert len(builds) == 2  # another language is another chart
    assert "Belanja iklan (IDR)" in json.dumps(_scatter(indonesian))


def test_charts_format_numbers_and_dates_in_the_users_language(demo_url: str, app_test) -> None:
    """The spec carries Vega's locale: Indonesian month names and "." thousands in Bahasa Indonesia (axes and
    tooltips), English ones in English; the rest of the chart's config is kept."""
    indonesian = _scatter(_open(app_test, "id"))["config"]
    assert indonesian["locale"]["number"]["thousands"] == "."
    assert indonesian["locale"]["number"]["decimal"] == ","
    assert indonesian["locale"]["time"]["shortMonths"][11] == "Des"
    assert indonesian["locale"]["time"]["days"][0] == "Minggu"  # d3 starts the week on Sunday
    english = _scatter(_open(app_test, "en"))["config"]
    assert (english["locale"]["number"]["thousands"], english["locale"]["time"]["shortMonths"][11]) == (",", "Dec")
    assert set(english) - {"locale"} == set(indonesian) - {"locale"}  # the chart's own settings survive
