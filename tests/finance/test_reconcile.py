"""Reconciliation against Meta's account-level spend, through the `account_spend` callable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from finance.reconcile import reconcile_month
from tests.finance.conftest import NOW


def test_match_difference_and_error(fs) -> None:
    calls = []

    def account_spend(account_id: str, since: dt.date, until: dt.date) -> Decimal:
        calls.append((account_id, since, until))
        if account_id == "100":
            return Decimal("637501.4")  # IDR: our 562500.5 + 75000 = 637500.5 -> 637501 both sides
        raise RuntimeError("token expired")

    results = {r.account_id: r for r in reconcile_month(fs, dt.date(2026, 10, 1), account_spend, now=NOW)}
    assert calls[0] == ("100", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert results["100"].status == "match"
    assert results["200"].status == "error"
    assert "token expired" in results["200"].explanations[0]

    def more(account_id: str, since: dt.date, until: dt.date) -> Decimal:
        return Decimal("800000") if account_id == "100" else Decimal("45.51")

    results = {r.account_id: r for r in reconcile_month(fs, dt.date(2026, 10, 1), more, now=NOW)}
    idr = results["100"]
    assert idr.status == "difference"
    assert idr.difference == Decimal("162499")
    text = " ".join(idr.explanations)
    assert "Time zone" in text
    assert "Deleted objects" in text
    assert "cover 2 of 31 days" in text
    assert results["200"].status == "match"
