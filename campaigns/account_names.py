"""The one rule for comparing ad account names, and the key the database keeps unique for it.

Two names are the same name when they differ only in case (Unicode case folding, NFKC), in runs of spaces or in
spaces at the ends: `Toko  kopi ` = `TOKO KOPI`. `name_key` is the SHA-256 of that folded form, so it has one
length whatever the name (a folded name can be longer than the name: `ß` -> `ss`). The model stores it in
`AdAccount.name_key` for accounts created from a file, and a unique index on (platform, name_key) makes two
imports at once unable to create two accounts of one name (docs/file-formats.md).
"""

from __future__ import annotations

import hashlib
import unicodedata


def fold_name(text: str) -> str:
    """A name as compared: Unicode case folding, runs of spaces as one, none at the ends."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def name_key(text: str) -> str:
    """The key two same names share (64 hex digits)."""
    return hashlib.sha256(fold_name(text).encode("utf-8")).hexdigest()
