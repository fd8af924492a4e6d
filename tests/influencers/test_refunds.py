"""Refunds on creator payments: what may be refunded, the payment's net paid, the audit trail, the ledger's paid by
month and the over-fee check, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.calendar import workspace_today
from db.engine import session_scope
from db.errors import FieldErrors, NotFound, TransitionError
from db.models import AuditEntry
from db.roles import PermissionDenied
from finance.ledger import build_ledger
from influencers.models import Payment, PaymentRefund
from influencers.payments import (
    add_payment,
    approve_payment,
    net_paid,
    payment_refunds,
    payments_total,
    record_refund,
    refunded_total,
)
from tests import builders as b
from tests.bahasa import in_bahasa
from tests.influencers.conftest import ADMIN, FINANCE, MANAGER, SPECIALIST, VIEWER

D = dt.date
PAID_ON = D(2026, 10, 20)


def _paid(session, amount: str = "2500000", *, currency: str = "IDR", fee: str = "2500000") -> Payment:
    """A paid payment on a contracted flat-fee collaboration (builders: a program in `currency`)."""
    program = b.program(session, currency=currency)
    collab = b.collaboration(session, program, fee=fee, contract_date=D(2026, 10, 1))
    return b.payment(session, collab, amount, status="paid", paid_date=PAID_ON, paid_by=FINANCE.email)


def test_a_partial_refund_lowers_net_paid_and_keeps_the_payment(session) -> None:
    payment = _paid(session)
    before = (payment.amount, payment.status, payment.paid_date, payment.version_id)
    refund = record_refund(session, FINANCE, payment.id, "1000000", D(2026, 11, 3), "Cancelled: one reel of two")
    assert (refund.amount, refund.currency, refund.refund_date) == (Decimal("1000000"), "IDR", D(2026, 11, 3))
    assert refund.recorded_by == FINANCE.email
    session.flush()
    session.refresh(payment)
    assert (payment.amount, payment.status, payment.paid_date, payment.version_id) == before  # never edited
    assert refunded_total(session, payment.id) == Decimal("1000000")
    assert net_paid(session, payment) == Decimal("1500000")
    # The rest can still come back, in a second refund; then nothing is left.
    record_refund(session, ADMIN, payment.id, "1500000", D(2026, 11, 4), "The second reel cancelled too")
    assert net_paid(session, payment) == 0
    assert [r.amount for r in payment_refunds(session, [payment.id])] == [Decimal("1000000"), Decimal("1500000")]


def test_refusals_name_the_field_and_the_reason(session, monkeypatch) -> None:
    payment = _paid(session)
    with pytest.raises(FieldErrors) as caught:
        record_refund(session, FINANCE, payment.id, "2500001", D(2026, 10, 19), "  ")
    assert set(caught.value.errors) == {"amount", "refund_date", "reason"}
    assert caught.value.errors["amount"] == (
        f"2500001 IDR is more than what is left to refund on payment #{payment.id}: 2500000 IDR "
        "(paid 2500000 IDR, refunded 0 IDR)"
    )
    assert caught.value.errors["refund_date"] == (
        "the refund date 2026-10-19 is before the payment's paid date 2026-10-20"
    )
    assert in_bahasa(monkeypatch, caught.value.messages["refund_date"]) == (
        "tanggal pengembalian 19 Okt 2026 sebelum tanggal dibayar pembayaran itu, 20 Okt 2026"
    )
    assert "say why" in caught.value.errors["reason"]
    with pytest.raises(FieldErrors) as caught:
        record_refund(session, FINANCE, payment.id, "0", None, "double payment")
    assert caught.value.errors == {
        "amount": "the amount must be more than zero",
        "refund_date": "give the date the money came back",
    }
    tomorrow = workspace_today(session) + dt.timedelta(days=1)
    with pytest.raises(FieldErrors) as caught:
        record_refund(session, FINANCE, payment.id, "-5", tomorrow, "double payment")
    assert caught.value.errors == {
        "amount": "the amount must be more than zero",
        "refund_date": "the refund date is in the future",
    }
    with pytest.raises(FieldErrors, match="amount"):
        record_refund(session, FINANCE, payment.id, "1.5", D(2026, 10, 21), "rupiah have no cents")
    record_refund(session, FINANCE, payment.id, "2000000", D(2026, 10, 21), "double payment")
    with pytest.raises(FieldErrors) as caught:  # what is left is what was paid less what came back
        record_refund(session, FINANCE, payment.id, "500001", D(2026, 10, 22), "again")
    assert caught.value.errors["amount"].endswith(": 500000 IDR (paid 2500000 IDR, refunded 2000000 IDR)")
    assert session.scalar(select(PaymentRefund.id).where(PaymentRefund.amount == Decimal("500001"))) is None


def test_only_a_paid_payment_can_be_refunded(session) -> None:
    program = b.program(session)
    collab = b.collaboration(session, program, fee="2500000")
    pending = add_payment(session, SPECIALIST, collab.id, "1000000")
    with pytest.raises(TransitionError, match=r"Payment #\d+ is pending: only a paid payment can be refunded"):
        record_refund(session, FINANCE, pending.id, "1000", D(2026, 10, 21), "x")
    approve_payment(session, MANAGER, pending.id)
    with pytest.raises(TransitionError, match="is approved: only a paid payment"):
        record_refund(session, FINANCE, pending.id, "1000", D(2026, 10, 21), "x")
    with pytest.raises(NotFound):
        record_refund(session, FINANCE, 999_999, "1000", D(2026, 10, 21), "x")


@pytest.mark.parametrize("actor", [MANAGER, SPECIALIST, VIEWER])
def test_only_whoever_marks_payments_paid_records_refunds(session, actor) -> None:
    payment = _paid(session)
    with pytest.raises(PermissionDenied):
        record_refund(session, actor, payment.id, "1000", D(2026, 10, 21), "x")


def test_a_refund_is_audited_on_its_payment(session) -> None:
    payment = _paid(session)
    refund = record_refund(session, FINANCE, payment.id, "2500000", D(2026, 10, 22), "Paid twice by mistake", "TRX-R1")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "refund")).one()
    assert (entry.actor, entry.entity_type, entry.entity_id) == (FINANCE.email, "payment", str(payment.id))
    assert entry.after["id"] == refund.id
    assert entry.after["amount"] == "2500000" or Decimal(entry.after["amount"]) == Decimal("2500000")
    assert entry.after["reason"] == "Paid twice by mistake"
    assert entry.after["reference"] == "TRX-R1"


def test_a_refund_makes_room_under_the_agreed_fee(session) -> None:
    """Paid twice by mistake, refunded: the creator's payments add up to the fee again, so the real second
    payment (a bonus aside) is not refused as over the fee."""
    payment = _paid(session, "2500000")
    collab = payment.collaboration
    with pytest.raises(FieldErrors, match="more than the agreed fee"):
        add_payment(session, SPECIALIST, collab.id, "2500000")
    record_refund(session, FINANCE, payment.id, "2500000", D(2026, 10, 25), "Paid twice by mistake")
    assert payments_total(session, collab, "IDR") == 0
    assert add_payment(session, SPECIALIST, collab.id, "2500000").status == "pending"


def test_the_ledger_counts_a_refund_as_less_paid_in_its_own_month(session) -> None:
    payment = _paid(session, "2500000")
    record_refund(session, FINANCE, payment.id, "400000", D(2026, 10, 28), "Late post: agreed discount")
    record_refund(session, FINANCE, payment.id, "1000000", D(2026, 11, 5), "One reel cancelled")
    lines = build_ledger(session, D(2026, 10, 1), D(2026, 11, 30), recognition="on_delivery")
    paid = {ln.month: ln.paid for ln in lines if ln.channel == "influencer_fees" and ln.paid is not None}
    assert paid == {D(2026, 10, 1): Decimal("2100000"), D(2026, 11, 1): Decimal("-1000000")}
    assert sum(paid.values()) == net_paid(session, payment)
    # A period of November alone shows only November's refund.
    nov = build_ledger(session, D(2026, 11, 1), D(2026, 11, 30), recognition="on_delivery")
    assert [ln.paid for ln in nov if ln.channel == "influencer_fees"] == [Decimal("-1000000")]


def test_two_sessions_cannot_refund_more_than_was_paid(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        pid = _paid(s, "1000000").id
    with session_scope(migrated_url) as s:
        record_refund(s, FINANCE, pid, "600000", D(2026, 10, 21), "first")
    with pytest.raises(FieldErrors, match="amount"), session_scope(migrated_url) as s:
        record_refund(s, FINANCE, pid, "600000", D(2026, 10, 21), "second, from a stale screen")
    with session_scope(migrated_url) as s:
        assert refunded_total(s, pid) == Decimal("600000")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])  # each example rolls back
@given(parts=st.lists(st.integers(min_value=-5, max_value=1_500_000), min_size=1, max_size=6))
def test_refunds_never_add_up_to_more_than_was_paid(migrated_url: str, parts: list[int]) -> None:
    """Whatever amounts people type, the recorded refunds never exceed the payment and net paid stays >= 0."""
    with session_scope(migrated_url) as s:
        payment = _paid(s, "1000000")
        for part in parts:
            left = Decimal(1000000) - refunded_total(s, payment.id)
            if 0 < part <= left:
                record_refund(s, FINANCE, payment.id, str(part), D(2026, 10, 21), "property")
            else:
                with pytest.raises(FieldErrors, match="amount"):
                    record_refund(s, FINANCE, payment.id, str(part), D(2026, 10, 21), "property")
        assert 0 <= net_paid(s, payment) <= Decimal("1000000")
        assert refunded_total(s, payment.id) + net_paid(s, payment) == Decimal("1000000")
        s.rollback()


def test_the_payments_list_shows_the_same_net_paid_as_the_domain(session) -> None:
    from influencers.queries import program_payments

    payment = _paid(session, "2500000")
    record_refund(session, FINANCE, payment.id, "700000", D(2026, 10, 28), "one story cancelled")
    record_refund(session, FINANCE, payment.id, "300000", D(2026, 11, 2), "late post discount")
    frame = program_payments(session, payment.collaboration.program_id, D(2026, 12, 1)).set_index("id")
    row = frame.loc[payment.id]
    assert (row["refunded"], row["net_paid"]) == (Decimal("1000000"), net_paid(session, payment))
    assert row["net_paid"] == Decimal("1500000")
    assert [(r["refund_date"], r["amount"]) for r in row["refunds"]] == [
        (D(2026, 10, 28), Decimal("700000")),
        (D(2026, 11, 2), Decimal("300000")),
    ]
