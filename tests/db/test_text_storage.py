"""The last text rule before the database (db.text.store_text, applied by a before_flush listener to every
String/Text column): on SQLite and PostgreSQL a NUL or another control character is a FieldErrors naming the
field, never a DataError; bidi controls and ANSI escape sequences are removed whatever path wrote the record."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from campaigns.models import Campaign
from db.engine import session_scope
from db.errors import FieldErrors
from db.roles import Actor
from db.text import ANSI_SEQUENCE, BIDI_CONTROLS, TextError, clean_text, is_control, neutralised, store_text
from influencers.contacts import create_influencer, update_influencer
from influencers.models import Influencer
from influencers.programs import create_program
from tests import builders

PROPERTIES = settings(database=None, deadline=None, max_examples=300)
ADMIN = Actor("admin@example.com", "admin")
HOSTILE = st.lists(
    st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(["\x1b[31m", "\x1b]0;t\x07", "\x1b[2J", "\x1bM", "\x1b", "\x00", "\x07", "\x9b", "\r\n", "\t"]),
        st.sampled_from(sorted(BIDI_CONTROLS)),
    ),
    max_size=40,
).map("".join)


@PROPERTIES
@given(value=HOSTILE)
def test_stored_text_has_no_controls_bidi_or_escapes_or_is_refused(value: str) -> None:
    without = ANSI_SEQUENCE.sub("", "".join(c for c in value if c not in BIDI_CONTROLS))
    refused = [c for c in without if is_control(c) and c not in "\t\n\r\x1b"]
    if refused:  # refused only for a real control character, and the message names the field
        with pytest.raises(TextError, match=r"^name contains"):
            store_text(value, field="name")
        return
    stored = store_text(value, field="name")
    assert not [c for c in stored if is_control(c) and c not in "\t\n\r"]
    assert not [c for c in stored if c in BIDI_CONTROLS]
    assert "\x1b" not in stored
    assert store_text(stored, field="name") == stored  # idempotent: a second flush changes nothing


@PROPERTIES
@given(value=HOSTILE, multiline=st.booleans())
def test_what_the_services_clean_passes_the_storage_rule_unchanged(value: str, multiline: bool) -> None:
    try:
        cleaned = clean_text(value, field="name", multiline=multiline, max_length=10_000)
    except TextError:
        return
    assert store_text(cleaned, field="name") == cleaned
    assert not ANSI_SEQUENCE.search(cleaned)


def test_what_was_neutralised_is_said() -> None:
    assert [m.text for m in neutralised("\u202eAyu\x1b[31m")] == [
        "direction-changing (bidi) control characters were removed",
        "terminal escape sequences were removed",
    ]
    assert neutralised("Ayu Lestari") == []


def test_a_nul_in_a_name_is_a_field_message_not_a_database_error(migrated_url: str) -> None:
    with pytest.raises(FieldErrors) as caught, session_scope(migrated_url) as s:
        create_influencer(s, ADMIN, {"name": "Ayu\x00 Lestari"})
    assert caught.value.errors == {
        "name": "name contains the invisible control character U+0000 at position 4; remove it."
    }
    with session_scope(migrated_url) as s:
        person = create_influencer(s, ADMIN, {"name": "Ayu"})
    with pytest.raises(FieldErrors) as caught, session_scope(migrated_url) as s:
        update_influencer(s, ADMIN, person.id, {"name": "Ayu", "notes": "call\x07 back"}, None)
    assert set(caught.value.errors) == {"notes"}
    with session_scope(migrated_url) as s:
        assert s.scalars(select(Influencer.name)).all() == ["Ayu"]  # nothing half-written
        assert s.get(Influencer, person.id).notes is None


def test_every_writer_gets_bidi_and_escapes_removed_and_notes_keep_lines(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        # A record written straight through the ORM (as a sync or a merge does), not through a form.
        owner = builders.account(s, name="\u202eToko\x1b[31m ID")
        builders.campaign(s, owner, name="Sale \u2066\x1b]0;pwned\x07Ramadan\u2069")
        program = create_program(s, ADMIN, {"name": "Kopi", "currency": "IDR", "brief": "a\n\tb"})
        program_id = program.id
    with session_scope(migrated_url) as s:
        assert s.scalar(select(Campaign.name)) == "Sale Ramadan"
        assert s.scalar(select(func.count()).select_from(Campaign).where(Campaign.name.contains("\x1b"))) == 0
        assert s.get(type(program), program_id).brief == "a\n\tb"
