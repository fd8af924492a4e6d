"""Programs, collaborations (promo codes, UTM links, stage moves), deliverables (late, results import)
and payments (status rules, permissions, overdue, conflicts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.errors import ConflictError, FieldErrors, Message, TransitionError
from db.models import AuditEntry
from db.roles import PermissionDenied
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable, import_results, is_late, record_results, update_deliverable
from influencers.models import Collaboration, Payment, ProgramCampaign, StageChange
from influencers.payments import (
    add_payment,
    approve_payment,
    cancel_payment,
    is_overdue,
    mark_paid,
    reopen_payment,
)
from influencers.programs import (
    add_collaboration,
    allowed_moves,
    build_tracking_url,
    create_program,
    move_stage,
    update_collaboration,
    update_program,
)
from influencers.queries import program_deliverables, program_payments
from tests.influencers.conftest import FINANCE, MANAGER, SPECIALIST, VIEWER, contract


def test_tracking_url_keeps_existing_parameters() -> None:
    url = build_tracking_url(
        "https://shop.example/kopi?ref=ig&utm_source=old#top",
        source="influencer",
        medium="social",
        campaign="launch",
        content="ayu.l",
    )
    assert url == (
        "https://shop.example/kopi?ref=ig&utm_source=influencer&utm_medium=social&utm_campaign=launch"
        "&utm_content=ayu.l#top"
    )
    assert build_tracking_url(None, source="a", medium="b", campaign="c") is None


def test_program_validation(session) -> None:
    with pytest.raises(FieldErrors) as caught:
        create_program(
            session,
            SPECIALIST,
            {
                "name": "",
                "currency": "XYZ",
                "budget": "-1",
                "start_date": "2026-02-01",
                "end_date": "2026-01-01",
                "landing_url": "shop.example",
                "promo_code_prefix": "a b",
            },
        )
    assert set(caught.value.errors) >= {"name", "currency", "budget", "landing_url", "promo_code_prefix"}
    with pytest.raises(FieldErrors) as caught:
        create_program(session, SPECIALIST, {"name": "X", "currency": "IDR", "landing_url": "https://[shop.example/"})
    assert "not a valid web address" in str(caught.value.errors["landing_url"])
    with pytest.raises(PermissionDenied):
        create_program(session, FINANCE, {"name": "X", "currency": "IDR"})


def test_collaboration_gets_promo_code_and_tracking_link(program_setup, session) -> None:
    program, person, collab = program_setup
    assert collab.promo_code == "KOPIAYUL"
    assert collab.tracking_url == (
        "https://shop.example/kopi?ref=ig&utm_source=influencer&utm_medium=social&utm_campaign=kopi-launch"
        "&utm_content=ayu.l"
    )
    twin = create_influencer(session, SPECIALIST, {"name": "Ayu L", "handles": {"tiktok": "ayu.l"}})
    assert add_collaboration(session, SPECIALIST, program.id, twin.id).promo_code == "KOPIAYUL2"
    with pytest.raises(FieldErrors, match="already in Kopi Launch"):
        add_collaboration(session, SPECIALIST, program.id, person.id)
    blocked = create_influencer(session, SPECIALIST, {"name": "No", "status": "do_not_contact"})
    with pytest.raises(FieldErrors, match="do-not-contact"):
        add_collaboration(session, SPECIALIST, program.id, blocked.id)


def test_fee_terms_rules(program_setup, session) -> None:
    _program, _person, collab = program_setup
    with pytest.raises(FieldErrors) as caught:
        update_collaboration(
            session, SPECIALIST, collab.id, {"fee_type": "commission", "currency": "IDR"}, collab.version_id
        )
    assert "commission_rate" in caught.value.errors
    with pytest.raises(FieldErrors) as caught:
        update_collaboration(
            session, SPECIALIST, collab.id, {"fee_type": "product_only", "currency": "IDR"}, collab.version_id
        )
    assert "product_value" in caught.value.errors


def test_stage_moves_are_recorded_with_who_and_when(program_setup, session) -> None:
    _program, _person, collab = program_setup
    assert allowed_moves("prospect") == ["contacted", "declined"]
    assert allowed_moves("negotiating") == ["contracted", "contacted", "declined"]
    assert allowed_moves("completed") == ["live"]
    assert allowed_moves("declined") == ["prospect"]
    with pytest.raises(
        TransitionError, match="Ayu Lestari cannot move from Prospect to Live; it can move to Contacted, Declined"
    ):
        move_stage(session, SPECIALIST, collab.id, "live")
    for stage in ("contacted", "negotiating", "contracted"):
        move_stage(session, MANAGER, collab.id, stage)
    assert collab.stage == "contracted"
    assert collab.contract_date is not None
    assert collab.stage_changed_by == MANAGER.email
    history = session.scalars(
        select(StageChange).where(StageChange.collaboration_id == collab.id).order_by(StageChange.id)
    ).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "prospect"),
        ("prospect", "contacted"),
        ("contacted", "negotiating"),
        ("negotiating", "contracted"),
    ]
    assert history[-1].by_user == MANAGER.email
    assert history[-1].at is not None
    move_stage(session, SPECIALIST, collab.id, "declined")
    move_stage(session, SPECIALIST, collab.id, "prospect")
    stage_audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "stage")).all()
    assert len(stage_audits) == 5
    with pytest.raises(PermissionDenied):
        move_stage(session, FINANCE, collab.id, "contacted")


def test_stage_move_from_a_stale_board_is_refused(program_setup, session) -> None:
    _program, _person, collab = program_setup
    loaded = collab.version_id
    move_stage(session, SPECIALIST, collab.id, "contacted", loaded)
    with pytest.raises(ConflictError):
        move_stage(session, SPECIALIST, collab.id, "declined", loaded)
    assert collab.stage == "contacted"


def test_collaboration_edit_conflict(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        program = create_program(s, SPECIALIST, {"name": "P", "currency": "USD"})
        person = create_influencer(s, SPECIALIST, {"name": "Gita"})
        collab = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": "100"})
        cid, version = collab.id, collab.version_id
    with session_scope(migrated_url) as s:
        update_collaboration(s, SPECIALIST, cid, {"fee": "150", "currency": "USD"}, version)
    with pytest.raises(ConflictError) as caught, session_scope(migrated_url) as s:
        update_collaboration(s, MANAGER, cid, {"fee": "90", "currency": "USD"}, version)
    assert caught.value.latest["fee"] == "150.0000"
    with session_scope(migrated_url) as s:
        assert s.get(Collaboration, cid).fee == Decimal("150")


def test_program_edit_links_campaigns_and_detects_conflicts(program_setup, session) -> None:
    program, _person, _collab = program_setup
    version = program.version_id
    update_program(session, SPECIALIST, program.id, {"name": "Kopi Launch 2", "currency": "IDR"}, version)
    with pytest.raises(ConflictError):
        update_program(session, SPECIALIST, program.id, {"name": "Other", "currency": "IDR"}, version)
    with pytest.raises(FieldErrors, match="unknown campaign"):
        update_program(
            session, SPECIALIST, program.id, {"name": "X", "currency": "IDR", "campaign_ids": [999]}, program.version_id
        )
    assert session.scalar(select(ProgramCampaign.id)) is None


def test_deliverables_late_is_derived(program_setup, session) -> None:
    program, _person, collab = program_setup
    today = dt.date(2026, 3, 10)
    assert is_late("planned", dt.date(2026, 3, 9), today)
    assert not is_late("planned", dt.date(2026, 3, 10), today)
    assert not is_late("published", dt.date(2026, 3, 1), today)
    assert not is_late("approved", None, today)
    old = add_deliverable(
        session, SPECIALIST, collab.id, {"platform": "instagram", "type": "reel", "due_date": dt.date(2026, 3, 1)}
    )
    soon = add_deliverable(
        session, SPECIALIST, collab.id, {"platform": "tiktok", "type": "short", "due_date": dt.date(2026, 3, 15)}
    )
    frame = program_deliverables(session, program.id, today)
    flags = {r.id: (r.late, r.upcoming) for r in frame.itertuples()}
    assert flags == {old.id: (True, False), soon.id: (False, True)}
    with pytest.raises(FieldErrors) as caught:
        update_deliverable(
            session,
            SPECIALIST,
            old.id,
            {"platform": "instagram", "type": "reel", "status": "published"},
            old.version_id,
        )
    assert "url" in caught.value.errors
    with pytest.raises(FieldErrors) as caught:
        add_deliverable(session, SPECIALIST, collab.id, {"platform": "vine", "type": "gif", "status": "late"})
    assert set(caught.value.errors) == {"platform", "type", "status"}
    update_deliverable(
        session,
        SPECIALIST,
        old.id,
        {"platform": "instagram", "type": "reel", "status": "published", "url": "https://instagram.com/p/1"},
        old.version_id,
    )
    assert old.published_date is not None
    assert not program_deliverables(session, program.id, today).set_index("id").loc[old.id, "late"]


def test_results_by_form_and_csv(program_setup, session) -> None:
    program, _person, collab = program_setup
    item = add_deliverable(
        session,
        SPECIALIST,
        collab.id,
        {"platform": "instagram", "type": "reel", "status": "published", "url": "https://instagram.com/p/abc"},
    )
    record_results(session, SPECIALIST, item.id, {"views": "1000", "likes": 50, "revenue": "125000", "saves": ""})
    assert (item.views, item.likes, item.saves, item.revenue) == (1000, 50, None, Decimal("125000"))
    with pytest.raises(FieldErrors) as caught:
        record_results(session, SPECIALIST, item.id, {"views": -1, "clicks": "many"})
    assert set(caught.value.errors) == {"views", "clicks"}
    data = (
        "deliverable_id,url,views,clicks,revenue\n"
        f"{item.id},,2000,40,150000\n"
        ",https://instagram.com/p/abc,,,\n"  # the same deliverable again
        "999,,5,,\n"  # unknown
        ",https://nowhere.example,1,,\n"
        f"{item.id},,1.5,,\n"
    ).encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert report.updated == 1
    assert report.rejected == 4
    reasons = {(r, f) for r, f, _reason in report.problems}
    assert reasons == {(3, "deliverable_id"), (4, "deliverable_id"), (5, "url"), (6, "views"), (6, "deliverable_id")}
    assert (item.views, item.clicks, item.revenue) == (2000, 40, Decimal("150000"))


def test_payment_status_rules(program_setup, session) -> None:
    _program, _person, collab = program_setup
    contract(session, collab)
    payment = add_payment(session, SPECIALIST, collab.id, "2500000", due_date=dt.date(2026, 1, 31))
    assert (payment.status, payment.currency, payment.amount) == ("pending", "IDR", Decimal("2500000"))
    with pytest.raises(TransitionError, match="A manager must approve it first"):
        mark_paid(session, FINANCE, payment.id, paid_date=dt.date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        approve_payment(session, SPECIALIST, payment.id)
    with pytest.raises(PermissionDenied):
        approve_payment(session, FINANCE, payment.id)
    approve_payment(session, MANAGER, payment.id)
    assert (payment.status, payment.approved_by) == ("approved", MANAGER.email)
    with pytest.raises(PermissionDenied):
        mark_paid(session, MANAGER, payment.id, paid_date=dt.date(2026, 2, 1))
    with pytest.raises(FieldErrors, match="paid_date"):
        mark_paid(session, FINANCE, payment.id, paid_date=None)
    mark_paid(
        session,
        FINANCE,
        payment.id,
        paid_date=dt.date(2026, 2, 1),
        invoice_number="INV-1",
        method="bank_transfer",
        reference="TRX-9",
    )
    assert (payment.status, payment.paid_by, payment.invoice_number, payment.reference) == (
        "paid",
        FINANCE.email,
        "INV-1",
        "TRX-9",
    )
    with pytest.raises(TransitionError, match="paid and cannot become cancelled"):
        cancel_payment(session, MANAGER, payment.id)
    with pytest.raises(TransitionError):
        approve_payment(session, MANAGER, payment.id)
    with pytest.raises(FieldErrors) as caught:
        add_payment(session, SPECIALIST, collab.id, "0", currency="ABC")
    assert set(caught.value.errors) == {"amount", "currency"}
    with pytest.raises(PermissionDenied):
        add_payment(session, VIEWER, collab.id, "10")
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "payment").order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "approve", "paid"]


def test_payments_above_the_agreed_fee_need_saying_so(program_setup, session) -> None:
    _program, _person, collab = program_setup  # agreed fee Rp2.500.000
    contract(session, collab)
    add_payment(session, SPECIALIST, collab.id, "1500000")
    with pytest.raises(FieldErrors) as caught:
        add_payment(session, SPECIALIST, collab.id, "999999999")  # a mistyped amount
    reason = dict(caught.value.messages)["amount"]
    assert isinstance(reason, Message)
    assert reason.render() == (
        "999999999 IDR brings this creator's payments to 1001499999 IDR, more than the agreed fee of 2500000 IDR; "
        'tick "More than the agreed fee" to add it anyway (a bonus or costs).'
    )
    assert reason.render(money=lambda value, currency: f"Rp{value:,}".replace(",", ".")).startswith(
        "Rp999.999.999 brings this creator's payments to Rp1.001.499.999"
    )
    cancelled = add_payment(session, SPECIALIST, collab.id, "1000000")  # up to the fee exactly: fine
    cancel_payment(session, SPECIALIST, cancelled.id)  # cancelled payments do not count
    add_payment(session, SPECIALIST, collab.id, "1000000")
    with pytest.raises(FieldErrors, match="amount"):
        add_payment(session, SPECIALIST, collab.id, "1")
    bonus = add_payment(session, SPECIALIST, collab.id, "500000", over_fee=True)
    assert bonus.amount == Decimal("500000")
    for amount in ("-5", "0"):  # one sentence for both: the form's and the service's
        with pytest.raises(FieldErrors) as caught:
            add_payment(session, SPECIALIST, collab.id, amount, over_fee=True)
        assert str(dict(caught.value.messages)["amount"]) == "the amount must be more than zero"
    usd = add_payment(session, SPECIALIST, collab.id, "5000000", currency="USD")  # another currency: not compared
    assert usd.currency == "USD"


def test_overdue_payments(program_setup, session) -> None:
    program, _person, collab = program_setup
    contract(session, collab)
    today = dt.date(2026, 3, 10)
    assert is_overdue("approved", dt.date(2026, 3, 9), today)
    assert not is_overdue("paid", dt.date(2026, 3, 9), today)
    assert not is_overdue("pending", None, today)
    late = add_payment(session, SPECIALIST, collab.id, "100", due_date=dt.date(2026, 3, 1))
    on_time = add_payment(session, SPECIALIST, collab.id, "100", due_date=dt.date(2026, 3, 20))
    cancel_payment(session, SPECIALIST, on_time.id)
    frame = program_payments(session, program.id, today).set_index("id")
    assert bool(frame.loc[late.id, "overdue"])
    assert not bool(frame.loc[on_time.id, "overdue"])


def test_payment_conflict(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        program = create_program(s, SPECIALIST, {"name": "P", "currency": "USD"})
        person = create_influencer(s, SPECIALIST, {"name": "Hana"})
        collab = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": "100"})
        contract(s, collab)
        pid = add_payment(s, SPECIALIST, collab.id, "100").id
    with session_scope(migrated_url) as s:
        approve_payment(s, MANAGER, pid, 1)  # finance loads the approved payment at version 2
    with session_scope(migrated_url) as s:
        reopen_payment(s, MANAGER, pid, 2)  # the manager reopens it to change the amount ...
        approve_payment(s, MANAGER, pid, 3)  # ... and approves it again (version 4)
    with pytest.raises(ConflictError) as caught, session_scope(migrated_url) as s:
        mark_paid(s, FINANCE, pid, paid_date=dt.date(2026, 1, 1), version_id=2)
    assert caught.value.latest["version_id"] == 4
    with session_scope(migrated_url) as s:
        payment = s.get(Payment, pid)
        assert (payment.status, payment.paid_date) == ("approved", None)
        cancel_payment(s, MANAGER, pid, 4)
    with pytest.raises(TransitionError), session_scope(migrated_url) as s:
        mark_paid(s, FINANCE, pid, paid_date=dt.date(2026, 1, 1), version_id=5)
