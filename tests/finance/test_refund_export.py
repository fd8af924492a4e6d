"""Refunds in the influencer-payments export: their own negative row naming the payment, on the refund date, so
the paid and refund rows sum to the net paid; a closed month's snapshot never changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.errors import FieldErrors
from db.roles import Actor
from finance import refunds
from finance.close import close_month
from finance.exports import export_chunks, read_rows
from finance.ledger import build_ledger
from influencers.models import Payment
from influencers.payments import net_paid, record_refund
from tests.bahasa import in_bahasa
from tests.finance.conftest import NOW

D = dt.date
FINANCE = Actor("fin@example.com", "finance")
OCT, OCT_END, NOV, NOV_END = D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 1), D(2026, 11, 30)


def _file(session, since=OCT, until=NOV_END, currency: str = "IDR") -> bytes:
    return b"".join(export_chunks(session, "influencer-payments", since, until, currency, now=NOW, bom=False))


def _rows(session, **kw) -> list[dict[str, str]]:
    header, rows = read_rows(_file(session, **kw))
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_a_refund_is_its_own_negative_row_and_the_file_sums_to_net_paid(fs) -> None:
    record_refund(fs, FINANCE, 1, "300000", D(2026, 11, 10), "=double payment", "TRX-R9")
    text = _file(fs).decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].endswith(",method,reference,entry_type,refund_id,refund_reason,fx_source,fx_missing")
    # Sorted by date: the refund (10 November) comes after November 1st's payments; its reason is neutralised.
    assert lines[-2] == (
        '1,"Sari\nHalim",Kopi Creators,-300000,IDR,refund,,2026-11-10,"\'+INV-1, a",IDR,1,-300000,2026-11,'
        "same_currency,,TRX-R9,refund,1,'=double payment,same_currency,false"
    )
    rows = _rows(fs)
    assert [(r["payment_id"], r["entry_type"]) for r in rows] == [
        ("1", "payment"),
        ("2", "payment"),
        ("3", "payment"),
        ("1", "refund"),
    ]
    moved = [Decimal(r["amount"]) for r in rows if r["status"] in ("paid", "refund")]
    assert sum(moved) == net_paid(fs, fs.get(Payment, 1)) == Decimal("600000")


def test_a_refund_converts_at_its_own_dates_rate(fs) -> None:
    record_refund(fs, FINANCE, 1, "450000", D(2026, 11, 10), "half the fee back")
    rows = _rows(fs, currency="USD")
    paid = next(r for r in rows if r["entry_type"] == "payment" and r["payment_id"] == "1")
    refund = next(r for r in rows if r["entry_type"] == "refund")
    assert (paid["fx_rate_date"], refund["fx_rate_date"]) == ("2026-10", "2026-11")
    assert refund["fx_rate"] == "0.0000617284"  # November's rate, not the payment's October rate
    assert refund["amount_reporting"] == "-27.78"
    assert refund["fx_missing"] == "false"


def test_only_refunds_dated_in_the_period_are_listed(fs) -> None:
    record_refund(fs, FINANCE, 1, "100000", D(2026, 11, 10), "cancelled story")
    assert [r["entry_type"] for r in _rows(fs, since=OCT, until=OCT_END)] == ["payment"]
    november = _rows(fs, since=NOV, until=NOV_END)
    assert [(r["payment_id"], r["entry_type"], r["amount"]) for r in november] == [
        ("2", "payment", "1000000"),
        ("3", "payment", "-50000"),
        ("1", "refund", "-100000"),
    ]


def test_a_closed_month_keeps_its_snapshot_and_the_refund_shows_in_its_own_month(fs) -> None:
    close_month(fs, FINANCE, OCT, today=D(2026, 12, 15), now=NOW)
    october = _file(fs, since=OCT, until=OCT_END)
    paid_october = _ledger_paid(fs)[OCT]
    record_refund(fs, FINANCE, 1, "900000", D(2026, 11, 3), "creator cancelled after payment")
    assert _file(fs, since=OCT, until=OCT_END) == october
    assert _ledger_paid(fs) == {OCT: paid_october, NOV: Decimal("-900000")}
    november = _rows(fs, since=NOV, until=NOV_END)
    assert ("1", "refund", "-900000", "2026-11-03") in [
        (r["payment_id"], r["entry_type"], r["amount"], r["paid_date"]) for r in november
    ]


def test_a_refund_dated_in_a_closed_month_is_refused(fs, monkeypatch) -> None:
    close_month(fs, FINANCE, OCT, today=D(2026, 12, 15), now=NOW)
    october = _file(fs, since=OCT, until=OCT_END)
    with pytest.raises(FieldErrors) as caught:
        refunds.record_refund(fs, FINANCE, 1, "100000", D(2026, 10, 31), "came back on the 31st")
    assert caught.value.errors == {
        "refund_date": "2026-10 is closed and its files never change: date the refund in an open month (the day it "
        "is recorded), or reopen 2026-10 first"
    }
    assert in_bahasa(monkeypatch, caught.value.messages["refund_date"]) == (
        "Oktober 2026 sudah ditutup dan filenya tidak pernah berubah: beri tanggal pengembalian di bulan yang masih "
        "terbuka (hari pencatatannya), atau buka kembali Oktober 2026 dulu"
    )
    refunds.record_refund(fs, FINANCE, 1, "100000", D(2026, 11, 2), "recorded in the open month")
    assert _file(fs, since=OCT, until=OCT_END) == october
    assert [r["entry_type"] for r in _rows(fs, since=NOV, until=NOV_END)][-1] == "refund"


def _ledger_paid(session) -> dict[dt.date, Decimal]:
    lines = build_ledger(session, OCT, NOV_END, recognition="on_delivery")
    return {ln.month: ln.paid for ln in lines if ln.channel == "influencer_fees" and ln.paid is not None}
