"""The column pickers of an upload whose columns people may map (`db.column_map`: the contact list on the
Influencers page, the promo code sales on the Programs page): each file column with a picker of the field it feeds
(its recognised field first; a column not recognised waits for a choice) and its sample values."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import streamlit as st

from db.column_map import FileColumn
from pages.components.i18n import _


def column_pickers(
    columns: Sequence[FileColumn],
    choices: Sequence[str],
    labels: Mapping[str, str],
    *,
    key: str,
    data: bytes,
    file_name: str,
) -> dict[str, str]:
    """The pickers, one per column, and the choices as an import's mapping ({column: field}; a column left
    waiting is not in it). `labels` are the choices' names in the user's language (translated once per run). The
    pickers' keys are `key` and the file's (its content and name): another file starts from its own recognised
    fields."""
    token = hashlib.sha256(file_name.encode() + b"\0" + data).hexdigest()[:16]
    st.subheader(_("Columns of the file"))
    st.caption(_("Choose the field each column goes into, or Do not import. Sample values help you choose."))
    mapping: dict[str, str] = {}
    for index, column in enumerate(columns):
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        choice = left.selectbox(
            column.name,
            list(choices),
            index=list(choices).index(column.field) if column.field in choices else None,
            key=f"{key}_{token}_{index}",
            format_func=labels.__getitem__,  # not when the widget is read, outside the run
            placeholder=_("Choose a field"),
        )
        samples = ", ".join(column.samples) if column.samples else _("(no values)")
        right.caption(_("e.g. {values}", values=samples))
        if choice is not None:
            mapping[column.name] = choice
    return mapping
