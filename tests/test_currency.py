"""Money formatting and rounding per currency precision."""

from __future__ import annotations

from decimal import Decimal

from db.money import format_money, plain, precision, quantize


def test_precision_per_currency() -> None:
    assert precision("IDR") == 0
    assert precision("JPY") == 0
    assert precision("USD") == 2
    assert precision("BHD") == 3


def test_locale_formatting() -> None:
    assert format_money(Decimal("1250000"), "IDR", "id_ID") == "Rp1.250.000"
    assert format_money(Decimal("1250"), "USD", "en_US") == "$1,250.00"
    assert format_money(Decimal("-1250.5"), "IDR", "id_ID") == "-Rp1.251"
    assert format_money(None, "USD") == ""


def test_plain_export_form_rounds_half_up_without_grouping() -> None:
    assert plain(Decimal("1234567.5"), "IDR") == "1234568"
    assert plain(Decimal("0.005"), "USD") == "0.01"
    assert plain(Decimal("12"), "USD") == "12.00"
    assert quantize("2.675", "USD") == Decimal("2.68")
