"""The marketing ledger: planned, committed, actual and paid; fee recognition on delivery and over flight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from finance.ledger import build_ledger

D = dt.date


def _lines(session, recognition: str) -> dict:
    lines = build_ledger(session, D(2026, 10, 1), D(2026, 11, 30), recognition=recognition)
    return {(ln.month.strftime("%Y-%m"), ln.channel, ln.item_name): ln for ln in lines}


def test_on_delivery_recognises_published_deliverables(fs) -> None:
    lines = _lines(fs, "on_delivery")
    oct_fees = lines[("2026-10", "influencer_fees", "Kopi Creators")]
    # flat 1,000,000 over 3 deliverables (333,333 each, remainder on the last); one published in October,
    # plus the per-deliverable fees 600,000 + 300,000.
    assert oct_fees.actual == Decimal("1233333")
    assert oct_fees.committed == Decimal("1900000")
    assert oct_fees.planned == Decimal("2500000")
    assert oct_fees.paid == Decimal("900000")
    assert lines[("2026-11", "influencer_fees", "Kopi Creators")].actual == Decimal("333333")
    assert lines[("2026-10", "product_seeding", "Kopi Creators")].actual == Decimal("100000")


def test_over_flight_spreads_fees_evenly_by_day(fs) -> None:
    lines = _lines(fs, "over_flight")
    # flat: 2026-10-20..11-08 = 20 days, 12 in October -> 600,000 / 400,000;
    # per-deliverable collaboration: 2026-10-10..10-31, all 900,000 in October.
    assert lines[("2026-10", "influencer_fees", "Kopi Creators")].actual == Decimal("1500000")
    assert lines[("2026-11", "influencer_fees", "Kopi Creators")].actual == Decimal("400000")
    assert lines[("2026-10", "product_seeding", "Kopi Creators")].actual == Decimal("180000")
    assert lines[("2026-11", "product_seeding", "Kopi Creators")].actual == Decimal("120000")


def test_meta_ads_lines_and_prorated_plans(fs) -> None:
    lines = _lines(fs, "on_delivery")
    sale_oct = lines[("2026-10", "meta_ads", "Sale, 11.11")]
    # Each day rounded to the rupiah as campaign-daily writes it (250,000 + 312,500.5 -> 312,501), then added.
    assert sale_oct.actual == Decimal("562501")
    assert sale_oct.actual_days == {D(2026, 10, 30): Decimal("250000"), D(2026, 10, 31): Decimal("312501")}
    assert sale_oct.committed == sale_oct.actual
    assert sale_oct.planned == Decimal("3100000")  # 6,100,000 over 61 days: 31 in October
    assert lines[("2026-11", "meta_ads", "Sale, 11.11")].planned == Decimal("3000000")
    assert lines[("2026-10", "meta_ads", "-Retarget +1")].currency == "USD"


def test_a_period_inside_a_month_only_counts_its_days(fs) -> None:
    lines = build_ledger(fs, D(2026, 10, 31), D(2026, 10, 31), recognition="on_delivery")
    sale = next(ln for ln in lines if ln.item_name == "Sale, 11.11")
    assert sale.actual == Decimal("312501")
    assert sale.planned == Decimal("100000")
