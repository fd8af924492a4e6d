"""Metric tiles: a full amount when it fits, else a compact one with the exact amount in the help."""

from __future__ import annotations

from decimal import Decimal

from pages.components.budget_widgets import tile


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


def test_a_narrow_row_of_five_tiles_goes_compact_sooner() -> None:
    column = _Column()
    tile(column, "Spend", Decimal("2300000"), "IDR", fits=10)
    assert column.calls == [("Spend", "IDR2.3M", "IDR2,300,000")]
