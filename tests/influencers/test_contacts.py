"""Contacts: validation with field reasons, E.164 phones, duplicates on email or handle, merge, conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.errors import ConflictError, FieldErrors
from db.models import AuditEntry
from db.roles import PermissionDenied
from db.settings import set_setting
from influencers.contacts import (
    add_interaction,
    create_influencer,
    find_duplicates,
    form_values,
    merge_influencers,
    update_influencer,
)
from influencers.deliverables import add_deliverable
from influencers.models import Collaboration, Influencer, Interaction, Payment, SocialHandle, StageChange
from influencers.payments import add_payment
from influencers.programs import add_collaboration, create_program, move_stage
from tests.influencers.conftest import ADMIN, FINANCE, SPECIALIST, VIEWER, contract


def test_contact_is_normalised(session) -> None:
    person = create_influencer(
        session,
        SPECIALIST,
        {
            "name": "  Ayu Lestari ",
            "email": "Ayu.Lestari@Example.COM",
            "phone": "0812-3456-7890",
            "country": "Indonesia",
            "niches": "Coffee, food; coffee",
            "tags": ["VIP"],
            "handles": {
                "instagram": "https://www.instagram.com/Ayu.L/",
                "tiktok": {"handle": "@AyuTok", "followers": 12000, "engagement_rate": "4.5"},
            },
        },
    )
    values = form_values(person)
    assert values["name"] == "Ayu Lestari"
    assert values["email"] == "ayu.lestari@example.com"
    assert values["phone"] == "+6281234567890"
    assert values["country"] == "ID"
    assert values["niches"] == ["coffee", "food"]
    assert values["tags"] == ["vip"]
    assert values["handles"]["instagram"]["handle"] == "ayu.l"
    assert values["handles"]["tiktok"]["followers"] == 12000
    tiktok = next(h for h in person.handles if h.platform == "tiktok")
    assert tiktok.engagement_rate == Decimal("4.5")
    assert tiktok.metrics_updated_at is not None
    assert person.owner == SPECIALIST.email
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "influencer")).all()
    assert [a.action for a in audit] == ["create"]


def test_phone_uses_the_contacts_country(session) -> None:
    sg = create_influencer(session, SPECIALIST, {"name": "Wei", "country": "SG", "phone": "9123 4567"})
    assert sg.phone == "+6591234567"
    intl = create_influencer(session, SPECIALIST, {"name": "Joe", "phone": "+1 415 555 2671"})
    assert intl.phone == "+14155552671"


def test_every_bad_field_is_named_with_its_reason(session) -> None:
    with pytest.raises(FieldErrors) as caught:
        create_influencer(
            session,
            SPECIALIST,
            {
                "name": "",
                "email": "not-an-email",
                "country": "Atlantis",
                "status": "sleeping",
                "handles": {"instagram": "https://www.tiktok.com/@x", "youtube": "https://youtube.com/channel/UC1"},
            },
        )
    errors = caught.value.errors
    assert errors["name"] == "a name is required"
    assert "not a valid e-mail" in errors["email"]
    assert "not a country" in errors["country"]
    assert "not a status" in errors["status"]
    assert "TikTok profile, not Instagram" in errors["instagram"]
    assert "channel-ID" in errors["youtube"]
    assert "name: a name is required" in str(caught.value)


def test_phone_problems(session) -> None:
    local = create_influencer(session, SPECIALIST, {"name": "Local", "phone": "0812 3456 7890"})
    assert (local.phone, local.country) == ("+6281234567890", None)  # the workspace's default country, ID
    set_setting(session, ADMIN, "default_country", "")  # no default country: a local number cannot be read
    with pytest.raises(FieldErrors) as caught:
        create_influencer(session, SPECIALIST, {"name": "A", "phone": "0812 3456 7890"})
    assert "no country code" in caught.value.errors["phone"]
    with pytest.raises(FieldErrors) as caught:
        create_influencer(session, SPECIALIST, {"name": "A", "country": "ID", "phone": "123"})
    assert "not a valid phone number for ID" in caught.value.errors["phone"]


def test_negative_followers_refused(session) -> None:
    with pytest.raises(FieldErrors) as caught:
        create_influencer(session, SPECIALIST, {"name": "A", "handles": {"tiktok": {"handle": "a", "followers": -5}}})
    assert "tiktok_followers" in caught.value.errors


def test_duplicates_on_email_or_handle_are_refused(session) -> None:
    ayu = create_influencer(session, SPECIALIST, {"name": "Ayu", "email": "ayu@x.com", "handles": {"tiktok": "ayu"}})
    with pytest.raises(FieldErrors) as caught:
        create_influencer(session, SPECIALIST, {"name": "Ayu 2", "email": "AYU@x.com"})
    assert caught.value.errors["email"] == f"'ayu@x.com' already belongs to Ayu (#{ayu.id})"
    with pytest.raises(FieldErrors) as caught:
        create_influencer(session, SPECIALIST, {"name": "Ayu 3", "handles": {"tiktok": "https://tiktok.com/@AYU"}})
    assert "tiktok" in caught.value.errors
    # the same handle on another platform is a different account
    other = create_influencer(session, SPECIALIST, {"name": "Ayu IG", "handles": {"instagram": "ayu"}})
    found = find_duplicates(session, "ayu@x.com", {"tiktok": "ayu", "instagram": "nobody"})
    assert {(d.influencer_id, d.field) for d in found} == {(ayu.id, "email"), (ayu.id, "tiktok")}
    assert other.id != ayu.id


def test_edit_with_stale_version_is_refused_and_shows_latest(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        person = create_influencer(s, SPECIALIST, {"name": "Budi", "city": "Bandung"})
        pid, loaded = person.id, person.version_id
    # session one saves first
    with session_scope(migrated_url) as s:
        update_influencer(s, SPECIALIST, pid, {"name": "Budi", "city": "Jakarta"}, loaded)
    # session two saves from the same loaded version
    with pytest.raises(ConflictError) as caught, session_scope(migrated_url) as s:
        update_influencer(s, SPECIALIST, pid, {"name": "Budi S", "city": "Surabaya"}, loaded)
    assert "changed by someone else" in str(caught.value)
    assert caught.value.latest["city"] == "Jakarta"
    with session_scope(migrated_url) as s:
        person = s.get(Influencer, pid)
        assert (person.name, person.city, person.version_id) == ("Budi", "Jakarta", loaded + 1)


def test_concurrent_flush_raises_conflict_not_lost_update(migrated_url: str) -> None:
    """Two sessions hold the same row; the second flush hits the version check in SQL."""
    with session_scope(migrated_url) as s:
        pid = create_influencer(s, SPECIALIST, {"name": "Citra"}).id
    with session_scope(migrated_url) as first, session_scope(migrated_url) as second:
        a = first.get(Influencer, pid)
        b = second.get(Influencer, pid)
        assert a.version_id == b.version_id
        update_influencer(first, SPECIALIST, pid, {"name": "Citra A"}, a.version_id)
        first.commit()
        with pytest.raises(ConflictError) as caught:
            update_influencer(second, SPECIALIST, pid, {"name": "Citra B"}, b.version_id)
        assert caught.value.latest["name"] == "Citra A"  # the page shows what the other session saved
    with session_scope(migrated_url) as s:
        assert s.get(Influencer, pid).name == "Citra A"


def test_edit_replaces_handles_and_labels(session) -> None:
    person = create_influencer(
        session, SPECIALIST, {"name": "Dewi", "tags": "a, b", "handles": {"instagram": "dewi", "tiktok": "dewi.t"}}
    )
    update_influencer(
        session,
        SPECIALIST,
        person.id,
        {"name": "Dewi", "tags": "b, c", "handles": {"instagram": "dewi2"}},
        person.version_id,
    )
    session.flush()
    values = form_values(person)
    assert sorted(values["tags"]) == ["b", "c"]
    assert {p: h["handle"] for p, h in values["handles"].items()} == {"instagram": "dewi2"}
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert audit.before["handles"] != audit.after["handles"]


def test_only_editors_write(session) -> None:
    for actor in (FINANCE, VIEWER):
        with pytest.raises(PermissionDenied):
            create_influencer(session, actor, {"name": "X"})


def test_interactions_timeline(session) -> None:
    person = create_influencer(session, SPECIALIST, {"name": "Eka"})
    add_interaction(
        session, SPECIALIST, person.id, "whatsapp", "Sent the brief", dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    item = session.scalars(select(Interaction)).one()
    assert (item.channel, item.summary, item.by_user) == ("whatsapp", "Sent the brief", SPECIALIST.email)
    with pytest.raises(FieldErrors) as caught:
        add_interaction(session, SPECIALIST, person.id, "pigeon", " ")
    assert set(caught.value.errors) == {"channel", "summary"}


def test_merge_keeps_every_collaboration_payment_handle_interaction_and_label(session) -> None:
    keep = create_influencer(session, SPECIALIST, {"name": "Fajar", "handles": {"instagram": "fajar"}, "tags": "a"})
    other = create_influencer(
        session,
        SPECIALIST,
        {
            "name": "Fajar H",
            "email": "fajar@x.com",
            "phone": "+6281234567890",
            "tags": "a, b",
            "handles": {"tiktok": "fajar.tt"},
        },
    )
    add_interaction(session, SPECIALIST, other.id, "email", "Rate card")
    p1 = create_program(session, SPECIALIST, {"name": "P1", "currency": "IDR"})
    p2 = create_program(session, SPECIALIST, {"name": "P2", "currency": "IDR"})
    c_keep = add_collaboration(session, SPECIALIST, p1.id, keep.id, {"fee": "1000"})
    c_other_same = add_collaboration(session, SPECIALIST, p1.id, other.id, {"fee": "2000", "promo_code": "OTHER"})
    for stage in ("contacted", "negotiating", "contracted"):
        move_stage(session, SPECIALIST, c_other_same.id, stage)
    c_other = add_collaboration(session, SPECIALIST, p2.id, other.id, {"fee": "3000"})
    contract(session, c_other)
    pay_same = add_payment(session, SPECIALIST, c_other_same.id, "2000")
    # a payment of a prospect (written before payments needed a contract) moves with the merge all the same
    pay_keep = Payment(collaboration_id=c_keep.id, amount=1000, currency="IDR", status="pending")
    session.add(pay_keep)
    pay_other = add_payment(session, SPECIALIST, c_other.id, "3000")
    item = add_deliverable(session, SPECIALIST, c_keep.id, {"platform": "instagram", "type": "reel"})
    ids = {"keep": c_keep.id, "same": c_other_same.id, "other": c_other.id}

    report = merge_influencers(session, SPECIALIST, keep.id, other.id)
    session.flush()
    session.expire_all()
    assert report.moved["handles"] == 1
    assert report.moved["interactions"] == 1
    merged = session.get(Influencer, other.id)
    kept = session.get(Influencer, keep.id)
    assert merged.merged_into_id == keep.id
    assert kept.email == "fajar@x.com"
    assert kept.phone == "+6281234567890"
    assert {(h.platform, h.handle) for h in kept.handles} == {("instagram", "fajar"), ("tiktok", "fajar.tt")}
    assert sorted(lbl.value for lbl in kept.labels) == ["a", "b"]
    assert session.scalars(select(Interaction.influencer_id)).all() == [keep.id]
    collabs = session.scalars(select(Collaboration).order_by(Collaboration.id)).all()
    # same program: the one further along the pipeline (contracted) is kept and absorbs the other
    assert [c.id for c in collabs] == [ids["same"], ids["other"]]
    assert all(c.influencer_id == keep.id for c in collabs)
    same = session.get(Collaboration, ids["same"])
    assert f"merged collaboration #{ids['keep']}" in same.notes
    assert same.promo_code == "OTHER"
    payments = session.scalars(select(Payment).order_by(Payment.id)).all()
    assert [p.id for p in payments] == [pay_same.id, pay_keep.id, pay_other.id]
    assert {p.collaboration_id for p in payments} == {ids["same"], ids["other"]}
    assert session.get(type(item), item.id).collaboration_id == ids["same"]
    history = session.scalars(select(StageChange.collaboration_id)).all()
    assert ids["keep"] not in history
    assert history.count(ids["same"]) == 5
    assert history.count(ids["other"]) == 4
    assert len(report.combined_collaborations) == 1
    assert "program #" in report.combined_collaborations[0]
    # the merged record's email now resolves to the kept record
    assert {d.influencer_id for d in find_duplicates(session, "fajar@x.com", {"tiktok": "fajar.tt"})} == {keep.id}
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one().entity_id == str(keep.id)


def test_merge_refuses_same_or_already_merged(session) -> None:
    a = create_influencer(session, SPECIALIST, {"name": "A"})
    b = create_influencer(session, SPECIALIST, {"name": "B"})
    with pytest.raises(FieldErrors):
        merge_influencers(session, SPECIALIST, a.id, a.id)
    merge_influencers(session, SPECIALIST, a.id, b.id)
    with pytest.raises(FieldErrors, match="already merged"):
        merge_influencers(session, SPECIALIST, a.id, b.id)
    assert session.scalar(select(SocialHandle.id)) is None
