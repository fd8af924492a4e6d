"""The "Decimal mark" select of an import page: shown only when a file has figures that read two ways (`1.345`
under English headers: 1.345 or 1345) and none of its figures says which mark is the decimal mark
(`campaigns.number_rule.decide(..., chosen=...)`), as the Exports page's FX rates import and the Programs page's
promo sales and results imports offer it (`finance.fx.decimal_mark_needed`, `promo_sales.decimal_mark_needed`,
`deliverables.decimal_mark_needed`; the shared select is `pages.components.file_choice`)."""

from __future__ import annotations

from db.errors import N_
from pages.components.file_choice import file_choice_select

# The decimal marks a person may choose (`campaigns.number_rule.DECIMAL_MARKS`, in order), each with what it
# makes of 1.345.
DECIMAL_MARK_LABELS = {
    ".": N_("Dot (1.345 is one point three four five)"),
    ",": N_("Comma (1.345 is one thousand three hundred forty-five)"),
}


def decimal_mark_select(needed: bool, *, key: str, help: str) -> str | None:
    """The person's decimal mark (`.` or `,`), from a "Decimal mark" select shown only when `needed`: None until
    they choose, and always None when not `needed` (nothing shown). `help` says how to check a figure they know."""
    return file_choice_select(
        needed,
        N_("Decimal mark"),
        DECIMAL_MARK_LABELS,
        placeholder=N_("Choose the mark before the decimals"),
        key=key,
        help=help,
    )
