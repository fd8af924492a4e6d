"""Clean text before it is stored (names, notes) and make stored text safe to show: controls, bidi, ANSI, NFC.

Two layers, one rule. Services and importers call `clean_text()` on what people type or files hold (it also
trims, flattens one-line fields and checks lengths) and can tell the person what was neutralised
(`neutralised()`). Underneath, a `before_flush` listener applies `store_text()` to every String/Text column of
every record the ORM writes, so no path (a form, an import, a sync, a merge) can store a NUL, another control
character, a bidi override or an ANSI escape sequence: control characters are refused with a FieldErrors naming
the field (never a database DataError), bidi controls and escape sequences are removed. Core inserts
(`session.execute(insert(table), rows)`, the bulk upserts of insights) never reach that listener: they pass their
rows through `store_rows()`, the same rule for rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from operator import itemgetter, methodcaller
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from db.errors import N_, DomainError, FieldErrors, Message

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
ESCAPE_SHOWN = "\u241b"  # ␛ SYMBOL FOR ESCAPE: a lone ESC left after the sequences are removed is shown, not obeyed
# ANSI/VT escape sequences (colours, cursor moves, window titles, hyperlinks): CSI `ESC [ ... final`, OSC
# `ESC ] ... BEL|ESC \`, and the two-character `ESC <Fe>` forms. They mean nothing in a name or a note and make
# terminals and logs that show the text misbehave: removed whole.
ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
BIDI_REMOVED = N_("direction-changing (bidi) control characters were removed")
ANSI_REMOVED = N_("terminal escape sequences were removed")


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
    """`value` as it may be stored: NFC, no surrounding whitespace, bidi controls and ANSI escape sequences
    removed (a lone ESC made visible as ␛).

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
    text = ANSI_SEQUENCE.sub("", "".join(char for char in value if char not in BIDI_CONTROLS))
    text = _BREAKS.sub("\n" if multiline else " ", text)
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
    text = _EDGES.sub("", unicodedata.normalize("NFC", text.replace(ESCAPE, ESCAPE_SHOWN)))
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


def neutralised(value: str | None) -> list[Message]:
    """What cleaning removes from `value` that a person should be told about (bidi controls, escape sequences)."""
    if not value:
        return []
    found = []
    if any(char in BIDI_CONTROLS for char in value):
        found.append(Message(BIDI_REMOVED))
    if ANSI_SEQUENCE.search(value):
        found.append(Message(ANSI_REMOVED))
    return found


def store_text(value: str, *, field: str | Message) -> str:
    """The last check before any text reaches the database (every String/Text column, see module docstring).

    Refuses (TextError naming `field`) every C0/C1 control character except tab and line breaks (CR, LF), and
    lone surrogates; removes bidi controls and ANSI escape sequences; a lone ESC becomes ␛. Nothing else changes:
    trimming, one-line flattening and lengths are `clean_text()`'s, which the services apply first.
    """
    text = ANSI_SEQUENCE.sub("", "".join(char for char in value if char not in BIDI_CONTROLS))
    text = text.replace(ESCAPE, ESCAPE_SHOWN)
    for position, char in enumerate(text, start=1):
        if char in "\t\n\r":
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
    return text


_TEXT_COLUMNS: dict[Any, list[tuple[str, str]]] = {}


# A session whose text comes from an ad platform's API (a sync) sets `session.info[FROM_API] = True`: a campaign
# name with a control character cannot be refused (the platform keeps sending it), so it is stored with the
# character made visible (␇, U+FFFD for C1) instead; bidi controls and escape sequences are removed as always.
FROM_API = "pantau_text_from_api"


def store_api_text(value: str) -> str:
    """`store_text()` for text a platform sends: never raises; control characters are shown, not stored."""
    text = ANSI_SEQUENCE.sub("", "".join(char for char in value if char not in BIDI_CONTROLS))
    return "".join(
        char if char in "\t\n\r" or not (is_control(char) or 0xD800 <= ord(char) <= 0xDFFF) else _shown(char)
        for char in text
    )


def _text_columns(mapper: Any) -> list[tuple[str, str]]:
    """(attribute, column name) of a mapper's String and Text columns (cached on the mapper)."""
    cached = _TEXT_COLUMNS.get(mapper)
    if cached is None:
        cached = [
            (attr.key, attr.columns[0].name)
            for attr in mapper.column_attrs
            if len(attr.columns) == 1 and isinstance(attr.columns[0].type, String)
        ]
        _TEXT_COLUMNS[mapper] = cached
    return cached


@event.listens_for(Session, "before_flush")
def _clean_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """`store_text()` on the text columns of every new or changed record; refusals become one FieldErrors."""
    errors: dict[str, Message] = {}
    from_api = bool(session.info.get(FROM_API))
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        changed = state.dict.keys() if state.key is None else state.committed_state.keys()
        for key, _column in _text_columns(state.mapper):
            if key not in changed:
                continue
            cleaned = _stored(state.dict.get(key), key, from_api, errors)
            if cleaned is not None:
                setattr(obj, key, cleaned)
    if errors:
        raise FieldErrors(errors)


def _stored(value: Any, field: str, from_api: bool, errors: dict[str, Message]) -> str | None:
    """The one rule of the listener and `store_rows()`: `value` cleaned when cleaning changes it, else None; a
    refusal goes into `errors` under `field`."""
    if not isinstance(value, str) or value.isprintable():
        return None  # the common case: nothing to look at (tab, newline and controls are not printable)
    try:
        cleaned = store_api_text(value) if from_api else store_text(value, field=field)
    except TextError as exc:
        errors.setdefault(field, exc.message)
        return None
    return cleaned if cleaned != value else None


def store_rows(
    table: Any, rows: list[Any], columns: Sequence[str] | None = None, *, from_api: bool = False
) -> list[Any]:
    """The `before_flush` rule for rows a Core insert writes (they bypass the ORM): `store_text()` on every
    String/Text column of `table`, or `store_api_text()` when the text comes from a platform's API (`from_api`,
    as a sync session's `FROM_API`). `rows` are dicts keyed by column name, or tuples in `columns` order.

    Returns `rows` itself when nothing needs cleaning (the common case costs one `isprintable()` per value),
    else a list with the changed rows copied and cleaned. A refused value raises FieldErrors {column: message}
    before anything is written, as the listener does.
    """
    names = [c.name for c in table.columns if isinstance(c.type, String)]
    places = [(n, n) for n in names] if columns is None else [(columns.index(n), n) for n in names if n in columns]

    def suspect(value: Any) -> bool:
        return isinstance(value, str) and not value.isprintable()

    # A sync writes hundreds of thousands of rows whose text columns repeat a few values (currency, source):
    # look at each column's distinct values first (C-speed), and at rows only when one of them is suspect.
    places = [
        (p, n)
        for p, n in places
        if any(map(suspect, set(map(methodcaller("get", p) if columns is None else itemgetter(p), rows))))
    ]
    if not places:
        return rows
    out: list[Any] | None = None
    errors: dict[str, Message] = {}
    for i, row in enumerate(rows):
        copy: Any = None
        for place, name in places:
            cleaned = _stored(row.get(place) if columns is None else row[place], name, from_api, errors)
            if cleaned is not None:
                copy = copy if copy is not None else (dict(row) if columns is None else list(row))
                copy[place] = cleaned
        if copy is not None:
            out = out if out is not None else list(rows)
            out[i] = copy if columns is None else tuple(copy)
    if errors:
        raise FieldErrors(errors)
    return rows if out is None else out
