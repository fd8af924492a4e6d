"""The pipeline's rules: bulk stage moves (all or nothing, version-checked, audited), the Completed guard, the
payment guard, the fee warning, date and amount bounds on every program record, and racing saves in two
sessions on programs, collaborations, stage moves, deliverables and payments (each a ConflictError)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.errors import ConflictError, FieldErrors, TransitionError
from db.models import AuditEntry
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable, record_results, update_deliverable
from influencers.models import Collaboration, Deliverable, Payment, Program, StageChange
from influencers.payments import add_payment, approve_payment, cancel_payment, mark_paid
from influencers.programs import (
    BulkMoveRefused,
    UndeliveredDeliverables,
    add_collaboration,
    collaborations_without_fee,
    create_program,
    fee_missing,
    move_stage,
    move_stages,
    update_collaboration,
    update_program,
)
from tests.influencers.conftest import FINANCE, MANAGER, SPECIALIST, contract


def _creators(session, program, *names: str, fee: str = "1000000") -> list[Collaboration]:
    collabs = []
    for name in names:
        person = create_influencer(session, SPECIALIST, {"name": name})
        collabs.append(add_collaboration(session, SPECIALIST, program.id, person.id, {"fee": fee}))
    session.flush()
    return collabs


def _stage_changes(session) -> int:
    return session.scalar(select(func.count(StageChange.id)))


def test_bulk_move_is_all_or_nothing_and_names_each_refused_card(program_setup, session) -> None:
    program, _person, ayu = program_setup
    budi, citra = _creators(session, program, "Budi", "Citra")
    move_stage(session, SPECIALIST, citra.id, "contacted")
    versions = {c.id: c.version_id for c in (ayu, budi, citra)}
    changes = _stage_changes(session)
    # Citra is already contacted: one step on would be negotiating, so nothing moves
    with pytest.raises(BulkMoveRefused) as caught:
        move_stages(session, SPECIALIST, versions, "contacted")
    refused = caught.value
    assert [(r.collaboration_id, r.influencer) for r in refused.refusals] == [(citra.id, "Citra")]
    assert str(refused.refusals[0].reason) == "is already at Contacted"
    assert str(refused) == "Nothing was moved: 1 of the selected collaborations cannot move to Contacted."
    assert (ayu.stage, budi.stage, citra.stage) == ("prospect", "prospect", "contacted")
    assert {c.id: c.version_id for c in (ayu, budi, citra)} == versions
    assert _stage_changes(session) == changes

    # a move that skips a stage is named with the moves it may make
    with pytest.raises(BulkMoveRefused) as caught:
        move_stages(session, SPECIALIST, {ayu.id: ayu.version_id, citra.id: citra.version_id}, "negotiating")
    assert [str(r.reason) for r in caught.value.refusals] == [
        "cannot move from Prospect to Negotiating; it can move to Contacted, Declined"
    ]

    moved = move_stages(session, MANAGER, {ayu.id: ayu.version_id, budi.id: budi.version_id}, "contacted")
    assert [c.id for c in moved] == [ayu.id, budi.id]
    assert (ayu.stage, budi.stage) == ("contacted", "contacted")
    assert (ayu.version_id, budi.version_id) == (versions[ayu.id] + 1, versions[budi.id] + 1)
    assert _stage_changes(session) == changes + 2
    audits = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stage", AuditEntry.entity_id.in_([str(ayu.id), str(budi.id)]))
    ).all()
    assert len(audits) == 2
    assert all("one of 2 moved together" in a.summary and a.actor == MANAGER.email for a in audits)


def test_bulk_move_from_a_stale_board_moves_nothing(program_setup, session) -> None:
    program, _person, ayu = program_setup
    (budi,) = _creators(session, program, "Budi")
    board = {ayu.id: ayu.version_id, budi.id: budi.version_id}
    update_collaboration(session, SPECIALIST, budi.id, {"fee": "5", "currency": "IDR"}, budi.version_id)
    move_stage(session, SPECIALIST, budi.id, "declined")
    with pytest.raises(BulkMoveRefused) as caught:
        move_stages(session, SPECIALIST, board, "contacted")
    assert [(r.influencer, str(r.reason)) for r in caught.value.refusals] == [
        ("Budi", "changed by someone else since the board was loaded (it is now at Declined)")
    ]
    assert ayu.stage == "prospect"


def test_a_single_stale_move_is_a_conflict_and_an_unknown_stage_is_refused(program_setup, session) -> None:
    _program, _person, ayu = program_setup
    loaded = ayu.version_id
    move_stage(session, SPECIALIST, ayu.id, "contacted", loaded)
    with pytest.raises(ConflictError) as caught:
        move_stage(session, SPECIALIST, ayu.id, "negotiating", loaded)
    assert caught.value.latest["stage"] == "contacted"
    with pytest.raises(TransitionError, match="closed is not a stage"):
        move_stage(session, SPECIALIST, ayu.id, "closed")
    with pytest.raises(TransitionError, match="Select at least one"):
        move_stages(session, SPECIALIST, {}, "contacted")


def _to_live(session, collab) -> None:
    contract(session, collab)
    for stage in ("content_in_review", "live"):
        move_stage(session, SPECIALIST, collab.id, stage)


def test_completed_asks_about_deliverables_not_published(program_setup, session) -> None:
    _program, _person, ayu = program_setup
    _to_live(session, ayu)
    with pytest.raises(UndeliveredDeliverables, match="Ayu Lestari has no deliverables recorded"):
        move_stage(session, SPECIALIST, ayu.id, "completed")
    published = {"platform": "instagram", "type": "reel", "status": "published", "url": "https://instagram.com/p/1"}
    add_deliverable(session, SPECIALIST, ayu.id, published)
    story = add_deliverable(session, SPECIALIST, ayu.id, {"platform": "instagram", "type": "story"})
    with pytest.raises(UndeliveredDeliverables) as caught:
        move_stage(session, SPECIALIST, ayu.id, "completed", ayu.version_id)
    assert str(caught.value) == (
        "Ayu Lestari has 1 of 2 deliverables not published yet; confirm to move it to Completed anyway."
    )
    assert caught.value.not_published == 1
    assert ayu.stage == "live"
    move_stage(session, SPECIALIST, ayu.id, "completed", ayu.version_id, confirm_undelivered=True)
    assert ayu.stage == "completed"
    # back to live, publish the story: completing needs no confirmation any more
    move_stage(session, SPECIALIST, ayu.id, "live")
    update_deliverable(
        session, SPECIALIST, story.id, {**published, "type": "story", "url": "https://instagram.com/s/2"}, None
    )
    move_stage(session, SPECIALIST, ayu.id, "completed")
    assert ayu.stage == "completed"


def test_bulk_completed_names_every_collaboration_with_open_deliverables(program_setup, session) -> None:
    program, _person, ayu = program_setup
    (budi,) = _creators(session, program, "Budi")
    for collab in (ayu, budi):
        _to_live(session, collab)
    add_deliverable(session, SPECIALIST, ayu.id, {"platform": "tiktok", "type": "short"})
    add_deliverable(session, SPECIALIST, ayu.id, {"platform": "tiktok", "type": "short"})
    versions = {ayu.id: ayu.version_id, budi.id: budi.version_id}
    with pytest.raises(UndeliveredDeliverables) as caught:
        move_stages(session, SPECIALIST, versions, "completed")
    assert [r.influencer for r in caught.value.refusals] == ["Ayu Lestari", "Budi"]
    assert caught.value.not_published == 2
    assert "2 collaborations have deliverables not published yet (2 in all)" in str(caught.value)
    assert (ayu.stage, budi.stage) == ("live", "live")
    move_stages(session, SPECIALIST, versions, "completed", confirm_undelivered=True)
    assert (ayu.stage, budi.stage) == ("completed", "completed")


def test_a_payment_needs_a_contracted_collaboration(program_setup, session) -> None:
    _program, _person, ayu = program_setup
    with pytest.raises(TransitionError) as caught:
        add_payment(session, SPECIALIST, ayu.id, "1000000")
    assert str(caught.value) == "A payment needs a collaboration at Contracted or later; Ayu Lestari is at Prospect."
    assert caught.value.params["stage"].text == "Prospect"  # a word the page translates
    contract(session, ayu)
    assert add_payment(session, SPECIALIST, ayu.id, "1000000").status == "pending"
    move_stage(session, SPECIALIST, ayu.id, "negotiating")
    with pytest.raises(TransitionError, match="is at Negotiating"):
        add_payment(session, SPECIALIST, ayu.id, "1000000")
    assert session.scalar(select(func.count(Payment.id))) == 1


def test_fee_warning_for_contracts_that_pay_nothing(program_setup, session) -> None:
    program, _person, ayu = program_setup
    zero, product, commission, per_item = _creators(session, program, "Zero", "Produk", "Komisi", "Per", fee="0")
    update_collaboration(
        session,
        SPECIALIST,
        product.id,
        {"fee_type": "product_only", "product_value": "500000", "currency": "IDR"},
        None,
    )
    update_collaboration(
        session, SPECIALIST, commission.id, {"fee_type": "commission", "commission_rate": "10", "currency": "IDR"}, None
    )
    update_collaboration(
        session, SPECIALIST, per_item.id, {"fee_type": "per_deliverable", "fee": "0", "currency": "IDR"}, None
    )
    add_deliverable(session, SPECIALIST, per_item.id, {"platform": "instagram", "type": "post", "fee": "750000"})
    assert collaborations_without_fee(session, program.id) == set()  # nobody is contracted yet
    for collab in (ayu, zero, product, commission, per_item):
        contract(session, collab)
    assert collaborations_without_fee(session, program.id) == {zero.id}
    assert fee_missing("contracted", "flat", None)
    assert fee_missing("live", "commission", Decimal(0), None)
    assert not fee_missing("negotiating", "flat", None)
    assert not fee_missing("declined", "flat", None)
    assert not fee_missing("completed", "per_deliverable", Decimal(0), None, [Decimal(5)])


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (dt.date(1900, 1, 1), "1900-01-01 is before 2000-01-01, the earliest date allowed."),
        (dt.date(9999, 12, 31), "9999-12-31 is after 2100-12-31, the latest date allowed."),
    ],
)
def test_dates_outside_2000_to_2100_are_refused_on_every_record(program_setup, session, day, reason) -> None:
    program, _person, ayu = program_setup
    with pytest.raises(FieldErrors) as caught:
        create_program(session, SPECIALIST, {"name": "Old", "currency": "IDR", "start_date": day})
    assert caught.value.errors == {"start_date": reason}
    with pytest.raises(FieldErrors) as caught:
        update_program(session, SPECIALIST, program.id, {"name": "Kopi", "currency": "IDR", "end_date": day}, None)
    assert caught.value.errors == {"end_date": reason}
    with pytest.raises(FieldErrors) as caught:
        update_collaboration(session, SPECIALIST, ayu.id, {"fee": "1", "currency": "IDR", "contract_date": day}, None)
    assert caught.value.errors == {"contract_date": reason}
    with pytest.raises(FieldErrors) as caught:
        add_deliverable(session, SPECIALIST, ayu.id, {"platform": "tiktok", "type": "short", "due_date": day})
    assert caught.value.errors == {"due_date": reason}
    contract(session, ayu)
    with pytest.raises(FieldErrors) as caught:
        add_payment(session, SPECIALIST, ayu.id, "1000", due_date=day)
    assert caught.value.errors == {"due_date": reason}
    payment = add_payment(session, SPECIALIST, ayu.id, "1000")
    approve_payment(session, MANAGER, payment.id)
    with pytest.raises(FieldErrors) as caught:
        mark_paid(session, FINANCE, payment.id, paid_date=day)
    assert set(caught.value.errors) == {"paid_date"}
    session.flush()
    assert session.scalar(select(Program.id).where(Program.name == "Old")) is None
    assert ayu.contract_date != day
    assert session.scalar(select(func.count(Deliverable.id))) == 0
    assert (payment.status, payment.paid_date) == ("approved", None)


def test_amounts_beyond_the_currency_are_refused_not_rounded(program_setup, session) -> None:
    _program, _person, ayu = program_setup
    with pytest.raises(FieldErrors) as caught:
        create_program(session, SPECIALIST, {"name": "Huge", "currency": "USD", "budget": Decimal("1E+20")})
    assert caught.value.errors == {"budget": "1E+20 is more than the largest USD amount allowed, 1,000,000,000,000."}
    with pytest.raises(FieldErrors) as caught:
        update_collaboration(session, SPECIALIST, ayu.id, {"fee": Decimal("2500000.5"), "currency": "IDR"}, None)
    assert "more decimals than IDR allows (0)" in caught.value.errors["fee"]
    with pytest.raises(FieldErrors) as caught:
        add_deliverable(session, SPECIALIST, ayu.id, {"platform": "tiktok", "type": "short", "fee": "12.5"})
    assert set(caught.value.errors) == {"fee"}
    contract(session, ayu)
    with pytest.raises(FieldErrors) as caught:
        add_payment(session, SPECIALIST, ayu.id, Decimal("12.345"), currency="USD")
    assert "more decimals than USD allows (2)" in caught.value.errors["amount"]
    with pytest.raises(FieldErrors) as caught:
        add_payment(session, SPECIALIST, ayu.id, "")
    assert caught.value.errors == {"amount": "the amount is required"}
    assert ayu.fee == Decimal("2500000")


def test_text_is_cleaned_before_it_is_stored(session) -> None:
    with pytest.raises(FieldErrors) as caught:
        create_program(session, SPECIALIST, {"name": "Kopi\x00", "currency": "IDR"})
    assert "control character U+0000" in caught.value.errors["name"]
    program = create_program(session, SPECIALIST, {"name": "Kopi \u202eLaunch", "currency": "IDR", "brief": "a\r\nb"})
    assert (program.name, program.brief) == ("Kopi Launch", "a\nb")


# -- racing saves: two sessions read the same record, one saves, the other's save is a conflict ----------


def _world(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        program = create_program(s, SPECIALIST, {"name": "Race", "currency": "IDR"})
        ayu = create_influencer(s, SPECIALIST, {"name": "Ayu"})
        budi = create_influencer(s, SPECIALIST, {"name": "Budi"})
        collab = add_collaboration(s, SPECIALIST, program.id, ayu.id, {"fee": "1000"})
        other = add_collaboration(s, SPECIALIST, program.id, budi.id, {"fee": "2000"})
        contract(s, collab)
        item = add_deliverable(s, SPECIALIST, collab.id, {"platform": "tiktok", "type": "short"})
        payment = add_payment(s, SPECIALIST, collab.id, "1000")
        return {"program": program.id, "collab": collab.id, "other": other.id, "item": item.id, "payment": payment.id}


def _race(url: str, model, record_id: int, first, second) -> ConflictError:
    """`second` runs in a session that read the record before `first` saved it in another session."""
    with session_scope(url) as late:
        loaded = late.get(model, record_id)
        version = loaded.version_id
        with session_scope(url) as early:
            first(early)
        with pytest.raises(ConflictError) as caught:
            second(late, version)
    return caught.value


def test_racing_program_saves(migrated_url: str) -> None:
    ids = _world(migrated_url)
    pid = ids["program"]
    conflict = _race(
        migrated_url,
        Program,
        pid,
        lambda s: update_program(s, SPECIALIST, pid, {"name": "Race", "currency": "IDR", "brand": "Kopi A"}, None),
        lambda s, v: update_program(s, MANAGER, pid, {"name": "Race", "currency": "IDR", "brand": "Kopi B"}, v),
    )
    assert (conflict.entity, conflict.latest["brand"]) == ("program", "Kopi A")
    with session_scope(migrated_url) as s:
        assert s.get(Program, pid).brand == "Kopi A"


def test_racing_collaboration_terms_and_stage_moves(migrated_url: str) -> None:
    ids = _world(migrated_url)
    cid, other = ids["collab"], ids["other"]
    conflict = _race(
        migrated_url,
        Collaboration,
        cid,
        lambda s: update_collaboration(s, SPECIALIST, cid, {"fee": "1500", "currency": "IDR"}, None),
        lambda s, v: update_collaboration(s, MANAGER, cid, {"fee": "900", "currency": "IDR"}, v),
    )
    assert conflict.latest["fee"] == "1500.0000"
    conflict = _race(
        migrated_url,
        Collaboration,
        cid,
        lambda s: move_stage(s, SPECIALIST, cid, "content_in_review"),
        lambda s, v: move_stage(s, MANAGER, cid, "negotiating", v),
    )
    assert conflict.latest["stage"] == "content_in_review"
    # a bulk move racing a single one: the whole unit of work is refused, naming the changed collaboration
    with session_scope(migrated_url) as late:
        loaded = late.scalars(select(Collaboration).order_by(Collaboration.id)).all()  # held: the stale copies
        board = {c.id: c.version_id for c in loaded}
        with session_scope(migrated_url) as early:
            move_stage(early, SPECIALIST, other, "contacted")
        with pytest.raises(ConflictError) as caught:
            move_stages(late, MANAGER, board, "declined")
    assert (caught.value.entity_id, caught.value.latest["stage"]) == (other, "contacted")
    with session_scope(migrated_url) as s:
        stages = dict(s.execute(select(Collaboration.id, Collaboration.stage)).all())
        assert stages == {cid: "content_in_review", other: "contacted"}
        assert s.scalar(select(func.count(StageChange.id)).where(StageChange.to_stage == "declined")) == 0


def test_racing_deliverable_saves(migrated_url: str) -> None:
    ids = _world(migrated_url)
    item = ids["item"]
    short = {"platform": "tiktok", "type": "short"}
    conflict = _race(
        migrated_url,
        Deliverable,
        item,
        lambda s: update_deliverable(s, SPECIALIST, item, {**short, "due_date": dt.date(2026, 5, 1)}, None),
        lambda s, v: update_deliverable(s, MANAGER, item, {**short, "due_date": dt.date(2026, 6, 1)}, v),
    )
    assert conflict.latest["due_date"] == "2026-05-01"
    conflict = _race(
        migrated_url,
        Deliverable,
        item,
        lambda s: record_results(s, SPECIALIST, item, {"views": 100}),
        lambda s, v: record_results(s, MANAGER, item, {"views": 999}, v),
    )
    assert conflict.latest["views"] == 100


def test_racing_payment_actions(migrated_url: str) -> None:
    ids = _world(migrated_url)
    pid = ids["payment"]
    conflict = _race(
        migrated_url,
        Payment,
        pid,
        lambda s: cancel_payment(s, SPECIALIST, pid),
        lambda s, v: approve_payment(s, MANAGER, pid, v),
    )
    assert conflict.latest["status"] == "cancelled"
    with session_scope(migrated_url) as s:
        assert (s.get(Payment, pid).status, s.get(Payment, pid).approved_by) == ("cancelled", None)
