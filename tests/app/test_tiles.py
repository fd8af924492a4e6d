"""Metric tiles: a full amount when it fits, else a compact one with the exact amount in the help (the browser
checks that every tile holds its value: tests/e2e/test_tiles_fit.py)."""

from __future__ import annotations

from decimal import Decimal

from pages.components.budget_widgets import tile
from pages.components.metric_fit import EM_PER_CHAR, TILE_CHARS, metric_fit_css


class _Column:
    """Stands in for a Streamlit column: records what `metric` was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def metric(self, label: str, value: str, help: str | None = None) -> None:
        self.calls.append((label, value, help))


def test_a_short_amount_is_shown_in_full() -> None:
    column = _Column()
    tile(column, "Spend", Decimal("1234.5"), "USD")
    assert column.calls == [("Spend", "$1,234.50", None)]


def test_a_long_rupiah_amount_is_compact_with_the_exact_amount_in_help() -> None:
    column = _Column()
    tile(column, "Spend", Decimal("464321533"), "IDR")
    [(label, value, help_text)] = column.calls
    assert label == "Spend"
    assert value == "IDR464.3M"
    assert help_text == "IDR464,321,533"


def test_an_amount_of_as_many_characters_as_a_tile_holds_is_shown_in_full() -> None:
    column = _Column()
    tile(column, "Spend", Decimal("2300000"), "IDR")  # IDR2,300,000: 12 characters, TILE_CHARS
    tile(column, "Spend", Decimal("23000000"), "IDR")  # one more: compact
    assert len("IDR2,300,000") == TILE_CHARS
    assert column.calls == [("Spend", "IDR2,300,000", None), ("Spend", "IDR23M", "IDR23,000,000")]


def test_the_style_sizes_a_value_to_hold_the_characters_a_tile_holds() -> None:
    css = metric_fit_css()
    assert "container-type: inline-size" in css
    assert f"calc(100cqi / {TILE_CHARS * EM_PER_CHAR:g})" in css
