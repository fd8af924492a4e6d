"""The Payments tab's "Record a refund" through streamlit_app.py in Bahasa Indonesia: who sees it, the refund shown
under its payment with the net paid, and refusals that name the field and the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.engine import session_scope
from influencers.contacts import create_influencer
from influencers.models import PaymentRefund
from influencers.payments import add_payment, approve_payment, mark_paid
from influencers.programs import add_collaboration, create_program
from tests.influencers.conftest import FINANCE, MANAGER, SPECIALIST, contract, program_tab
from tests.pages import open_page
from tests.table_dates import assert_dated

PROGRAMS = "pages/programs/programs.py"
PAID_ON = dt.date(2026, 10, 20)


def _paid_payment(url: str) -> int:
    with session_scope(url) as s:
        program = create_program(s, SPECIALIST, {"name": "Ramadan", "currency": "IDR"})
        person = create_influencer(s, SPECIALIST, {"name": "Ayu Lestari"})
        collab = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": "2500000"})
        contract(s, collab)
        pid = add_payment(s, SPECIALIST, collab.id, "2500000").id
        approve_payment(s, MANAGER, pid)
        mark_paid(s, FINANCE, pid, paid_date=PAID_ON, reference="TRX-1")
        return pid


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _payments_table(at):
    return next(e for e in at.dataframe if "net_paid" in e.value.columns)


def _payments_frame(at):
    return _payments_table(at).value


def _open(at):
    return program_tab(open_page(at, PROGRAMS, language="id"), "payments")


def test_finance_records_a_refund_in_bahasa_and_sees_it_under_its_payment(migrated_url: str, as_role) -> None:
    pid = _paid_payment(migrated_url)
    at = _open(as_role("finance"))
    assert "Catat pengembalian dana" in [e.label for e in at.expander]
    at.text_input(key="prog_refund_amount").set_value("1.000.000")  # Bahasa: dots group thousands
    at.date_input(key="prog_refund_date").set_value(dt.date(2026, 11, 3))
    at.text_input(key="prog_refund_reason").set_value("Satu reel dibatalkan")
    at.button(key="prog_refund_submit").click().run()
    assert not at.exception, at.exception
    assert "Pengembalian dana dicatat: Rp1.000.000 kembali untuk pembayaran #1." in _texts(at.success)
    with session_scope(migrated_url) as s:
        (refund,) = s.query(PaymentRefund).all()
        assert (refund.payment_id, refund.amount, refund.refund_date) == (pid, Decimal("1000000"), dt.date(2026, 11, 3))
        assert (refund.reason, refund.recorded_by) == ("Satu reel dibatalkan", "finance.pages@example.com")
    frame = _payments_frame(at)
    assert list(frame["status"]) == ["dibayar", "pengembalian dana"]  # the refund right under its payment
    payment, refund_row = frame.iloc[0], frame.iloc[1]
    assert str(refund_row["id"]) == str(pid)
    assert (refund_row["amount"], refund_row["paid_by"]) == ("-Rp1.000.000", "finance.pages@example.com")
    assert refund_row["reason"] == "Satu reel dibatalkan"
    assert refund_row["paid_date"].date() == dt.date(2026, 11, 3)  # a real date, shown in the page's format
    assert "paid_date" in assert_dated(_payments_table(at), "id")
    shown = (payment["amount"], payment["refunded"], payment["net_paid"])
    assert shown == ("Rp2.500.000", "Rp1.000.000", "Rp1.500.000")


def test_refusals_name_the_field_and_the_reason_in_bahasa(migrated_url: str, as_role) -> None:
    _paid_payment(migrated_url)
    at = _open(as_role("finance"))
    at.text_input(key="prog_refund_amount").set_value("3.000.000")
    at.date_input(key="prog_refund_date").set_value(dt.date(2026, 10, 1))
    at.button(key="prog_refund_submit").click().run()
    assert not at.exception, at.exception
    shown = _texts(at.error).replace("\xa0", "")
    assert shown == (
        "Mohon perbaiki: Jumlah pengembalian: Rp3.000.000 lebih dari sisa yang bisa dikembalikan untuk pembayaran "
        "#1: Rp2.500.000 (dibayar Rp2.500.000, sudah dikembalikan Rp0); Tanggal pengembalian: tanggal pengembalian "
        "1 Okt 2026 sebelum tanggal dibayar pembayaran itu, 20 Okt 2026; Alasan: tulis alasan uang dikembalikan "
        "(pekerjaan batal, pembayaran dobel, ...)"
    )
    with session_scope(migrated_url) as s:
        assert s.query(PaymentRefund).count() == 0


def test_only_roles_that_mark_payments_paid_are_offered_a_refund(migrated_url: str, as_role) -> None:
    _paid_payment(migrated_url)
    for role in ("manager", "specialist"):
        at = _open(as_role(role))
        assert "prog_refund_amount" not in {w.key for w in at.text_input}
        assert _payments_frame(at) is not None  # the payment and its columns are still shown
    at = _open(as_role("admin"))
    assert "prog_refund_amount" in {w.key for w in at.text_input}


def test_the_demo_workspace_shows_its_refund_on_the_payments_tab(demo_url: str, as_role) -> None:
    """The demo's creator who cancelled after being paid: the refund under its payment, with the net paid."""
    from db.money import format_money
    from influencers.models import Collaboration, Payment

    with session_scope(demo_url) as s:
        (refund,) = s.query(PaymentRefund).all()
        payment = s.get(Payment, refund.payment_id)
        program_id = s.get(Collaboration, payment.collaboration_id).program_id
        paid, back = payment.amount, refund.amount
    at = as_role("finance")
    at.session_state["prog_select"] = program_id
    at = _open(at)
    frame = _payments_frame(at)
    rows = frame[frame["id"].astype(str) == str(refund.payment_id)]
    assert list(rows["status"]) == ["dibayar", "pengembalian dana"]
    assert rows.iloc[1]["amount"] == f"-{format_money(back, 'IDR', 'id_ID')}"
    assert rows.iloc[0]["net_paid"] == format_money(paid - back, "IDR", "id_ID")
    assert rows.iloc[1]["reason"] == refund.reason
