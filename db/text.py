"""Clean text before it is stored (names, notes) and make stored text safe to show: controls, bidi, ANSI, NFC."""

from __future__ import annotations

import re
import unicodedata

from db.errors import N_, DomainError, Message

# Longest text kept when the caller names no bound: one line (names, titles, handles) or a note.
MAX_LINE = 200
MAX_NOTE = 10_000

# Explicit direction embeddings, overrides and isolates reorder what follows them on screen ("Trojan Source"):
# a name can look like another one. Names and notes never need them; the implicit bidi algorithm still shows
# Arabic or Hebrew script in the right order. The marks U+200E/U+200F/U+061C are harmless and stay.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))

# Line breaks in any of their spellings; in a one-line field they become one space, in a note "\n".
_BREAKS = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
_EDGES = re.compile(r"^[\s\ufeff\u200b]+|[\s\ufeff\u200b]+$")
ESCAPE = "\x1b"
ESCAPE_SHOWN = "\u241b"  # ␛ SYMBOL FOR ESCAPE: `\x1b[31m` is shown as `␛[31m` and no terminal or log obeys it


class TextError(DomainError):
    """Text that cannot be stored as typed (a control character, invalid code points, too long)."""


def is_control(char: str) -> bool:
    """C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F) control characters."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean_text(
    value: str | None, *, field: str | Message, multiline: bool = False, max_length: int | None = None
) -> str:
    """`value` as it may be stored: NFC, no surrounding whitespace, bidi controls removed, ESC made visible.

    Refused with a TextError naming `field`: NUL and every other control character that is neither a line break
    nor a tab (they have no meaning in a name or a note, and dropping them silently would change what was typed),
    lone surrogates (a file read with the wrong encoding), and text longer than `max_length` characters (default
    200 for one line, 10,000 for a note). Line breaks and tabs become one space each in a one-line field; a note
    (`multiline=True`) keeps tabs and writes every line break as "\\n". `None` is "".
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"clean_text expects str or None, not {type(value).__name__}")
    text = _BREAKS.sub("\n" if multiline else " ", value)
    if not multiline:
        text = text.replace("\t", " ")
    for position, char in enumerate(text, start=1):
        if char == ESCAPE or char in "\t\n":
            continue
        if is_control(char):
            raise TextError(
                N_("{field} contains the invisible control character {char} at position {position}; remove it."),
                field=field,
                char=_code_point(char),
                position=position,
            )
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise TextError(
                N_("{field} contains {char}, which is not a character; check the file's encoding."),
                field=field,
                char=_code_point(char),
            )
    text = "".join(char for char in text if char not in BIDI_CONTROLS).replace(ESCAPE, ESCAPE_SHOWN)
    text = _EDGES.sub("", unicodedata.normalize("NFC", text))
    limit = max_length if max_length is not None else (MAX_NOTE if multiline else MAX_LINE)
    if len(text) > limit:
        raise TextError(
            N_("{field} is {length} characters long; at most {limit} are allowed."),
            field=field,
            length=len(text),
            limit=limit,
        )
    return text


def _shown(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␇ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def sanitize_for_display(text: str | None) -> str:
    """Stored text made harmless to show (never raises): controls become visible symbols (␀, ␛, ␇), bidi
    controls are removed, lone surrogates become U+FFFD; tabs stay and every line break is shown as "\n"."""
    if text is None:
        return ""
    out = []
    for char in _BREAKS.sub("\n", str(text)):
        if char in BIDI_CONTROLS:
            continue
        if char in "\t\n":
            out.append(char)
        elif is_control(char) or 0xD800 <= ord(char) <= 0xDFFF:
            out.append(_shown(char))
        else:
            out.append(char)
    return unicodedata.normalize("NFC", "".join(out))
