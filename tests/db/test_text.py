"""Text is clean before it is stored and harmless when shown: controls, bidi, ANSI escapes, NFC, length."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.errors import DomainError, Message
from db.text import BIDI_CONTROLS, MAX_LINE, TextError, clean_text, is_control, sanitize_for_display

PROPERTIES = settings(database=None, deadline=None, max_examples=300)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Ayu Lestari\u00a0 ", "Ayu Lestari"),
        ("\ufeffAyu", "Ayu"),
        ("\u200bAyu\u200b", "Ayu"),
        ("Cafe\u0301", "Café"),
        ("\u202eevil.exe\u202c", "evil.exe"),
        ("Budi \u2066Santoso\u2069", "Budi Santoso"),
        ("\u202a\u202b\u202d\u2067\u2068x", "x"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]0;title\x07Ayu \x1b[2J\x1bM", "Ayu"),
        ("lone \x1b", "lone ␛"),
        ("PT Sumber\nMakmur", "PT Sumber Makmur"),
        ("PT Sumber\r\nMakmur", "PT Sumber Makmur"),
        ("PT Sumber\rMakmur", "PT Sumber Makmur"),
        ("a\tb", "a b"),
        ("a\u2028b\x85c", "a b c"),
        ("Sari 👩\u200d💻", "Sari 👩\u200d💻"),
        ("مرحبا \u200fRTL", "مرحبا \u200fRTL"),
        ("", ""),
        (None, ""),
    ],
)
def test_one_line_text_is_cleaned(value: str | None, expected: str) -> None:
    assert clean_text(value, field="Name") == expected


def test_notes_keep_lines_and_tabs_in_one_spelling() -> None:
    note = "line 1\r\nline 2\rline 3\u2028line 4\x0bline 5\x0cline 6\n\tindented  \n"
    assert (
        clean_text(note, field="Notes", multiline=True) == "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n\tindented"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b", "Name contains the invisible control character U+0000 at position 2; remove it."),
        ("bell\x07", "Name contains the invisible control character U+0007 at position 5; remove it."),
        ("\x7fdel", "Name contains the invisible control character U+007F at position 1; remove it."),
        ("\x9b31m", "Name contains the invisible control character U+009B at position 1; remove it."),
        ("x\x08", "Name contains the invisible control character U+0008 at position 2; remove it."),
        ("bad \udcff", "Name contains U+DCFF, which is not a character; check the file's encoding."),
        ("x" * (MAX_LINE + 1), "Name is 201 characters long; at most 200 are allowed."),
    ],
)
def test_refused_text_says_why(value: str, message: str) -> None:
    with pytest.raises(TextError) as info:
        clean_text(value, field="Name")
    assert str(info.value) == message
    assert isinstance(info.value, DomainError)


def test_nul_is_refused_in_notes_too() -> None:
    with pytest.raises(TextError, match="U\\+0000"):
        clean_text("line\n\x00", field="Notes", multiline=True)


def test_length_bound_is_a_parameter_counted_after_cleaning() -> None:
    assert clean_text("  abcde  ", field="Code", max_length=5) == "abcde"
    with pytest.raises(TextError) as info:
        clean_text("abcdef", field="Code", max_length=5)
    assert info.value.params == {"field": "Code", "length": 6, "limit": 5}
    assert clean_text("n" * 10_000, field="Notes", multiline=True) == "n" * 10_000
    with pytest.raises(TextError):
        clean_text("n" * 10_001, field="Notes", multiline=True)


def test_the_field_is_a_translatable_parameter() -> None:
    with pytest.raises(TextError) as info:
        clean_text("a\x00", field=Message("Name"))
    catalog = {
        "Name": "Nama",
        "{field} contains the invisible control character {char} at position {position}; remove it.": (
            "{field} berisi karakter kontrol tak terlihat {char} di posisi {position}; hapus karakter itu."
        ),
    }
    assert info.value.message.render(catalog.get) == (
        "Nama berisi karakter kontrol tak terlihat U+0000 di posisi 2; hapus karakter itu."
    )


def test_only_text_is_accepted() -> None:
    with pytest.raises(TypeError):
        clean_text(12, field="Name")  # type: ignore[arg-type]


def test_stored_text_is_shown_harmlessly() -> None:
    assert sanitize_for_display("a\x00b\x07c\x1b[31md\x7f") == "a␀b␇c␛[31md␡"
    assert sanitize_for_display("\u202eevil\u2066x\u2069") == "evilx"
    assert sanitize_for_display("notes\r\n\tkept\r") == "notes\n\tkept\n"
    assert sanitize_for_display("\x85\x9b\x80") == "\n\ufffd\ufffd"
    assert sanitize_for_display("bad \udcff") == "bad \ufffd"
    assert sanitize_for_display("Cafe\u0301") == "Café"
    assert sanitize_for_display(None) == ""


def test_control_characters() -> None:
    assert [c for c in map(chr, range(0x100)) if is_control(c)] == [
        *map(chr, range(0x20)),
        *map(chr, range(0x7F, 0xA0)),
    ]


HOSTILE = st.text(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["\x00", "\x1b", "\x07", "\x9b", "\r", "\n", "\t", "\u2028", "\u0301", "\ufeff", "\u200b"]),
        st.sampled_from(sorted(BIDI_CONTROLS)),
    ),
    max_size=60,
)


def _assert_clean(result: str, *, multiline: bool) -> None:
    allowed = "\t\n" if multiline else ""
    assert not [c for c in result if is_control(c) and c not in allowed]
    assert not [c for c in result if c in BIDI_CONTROLS]
    assert not [c for c in result if 0xD800 <= ord(c) <= 0xDFFF]
    assert unicodedata.is_normalized("NFC", result)
    assert result == result.strip()


@PROPERTIES
@given(value=HOSTILE, multiline=st.booleans())
def test_clean_text_never_returns_control_or_bidi_characters(value: str, multiline: bool) -> None:
    try:
        result = clean_text(value, field="Name", multiline=multiline)
    except TextError as error:
        refused = error
    else:
        refused = None
        _assert_clean(result, multiline=multiline)
        assert clean_text(result, field="Name", multiline=multiline) == result
    if refused is not None:
        assert refused.params["field"] == "Name"


@PROPERTIES
@given(value=HOSTILE)
def test_display_never_raises_and_shows_no_control_or_bidi_characters(value: str) -> None:
    shown = sanitize_for_display(value)
    assert not [c for c in shown if is_control(c) and c not in "\t\n"]
    assert not [c for c in shown if c in BIDI_CONTROLS]
    assert not [c for c in shown if 0xD800 <= ord(c) <= 0xDFFF]
