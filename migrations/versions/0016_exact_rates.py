"""exact rates: engagement and commission rates as scaled integers on SQLite, like money

Revision ID: 0016_exact_rates
Revises: 0015_promo_code_sales

`social_handle.engagement_rate` (NUMERIC(8, 4)) and `collaboration.commission_rate` (NUMERIC(7, 4)) are percents
(3.5 is 3.5 %); the commission rate multiplies attributed revenue into a commission, money math. SQLite kept them
as binary floats (REAL). They keep their declared NUMERIC(p, 4) and now hold integers scaled by 10^4
(`db.types.percent`, a `ScaledDecimal`), converted in place as 0006_exact_money converted money:
- whole values stored as INTEGER: x * 10^4 (exact);
- REAL values whose x * 10^4 is within 0.4 of an integer (every value written with at most 4 decimals):
  CAST(round(x * 10^4) AS INTEGER) in SQL; below 10^4 the product's float error is far below 0.1, so this is
  the integer nearest the decimal the float was written from;
- the other REAL values (more than 4 decimals, 99.99995 say): in Python, the float's shortest repr (the decimal
  it was written from) rounded half-up to 4 decimals, as the new type rounds at bind time (100.0000).
PostgreSQL's NUMERIC(8, 4) and NUMERIC(7, 4) were exact already and are unchanged.

Nothing is changed silently: a value the new type refuses (text, infinity, beyond what NUMERIC(p, 4) holds,
which SQLite never enforced; NaN on PostgreSQL) stops the upgrade with one message naming the table, column, rows
and values, so they can be fixed and the upgrade rerun. Going down turns the scaled integers back into REAL
(whole values into INTEGER), as 0015's code wrote them.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

from db.errors import N_, DomainError

revision: str = "0016_exact_rates"
down_revision: str | None = "0015_promo_code_sales"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, the largest magnitude NUMERIC(p, 4) holds) of every percent column at this revision.
RATE_COLUMNS = (
    ("social_handle", "engagement_rate", Decimal("9999.9999")),  # NUMERIC(8, 4)
    ("collaboration", "commission_rate", Decimal("999.9999")),  # NUMERIC(7, 4)
)
SCALE = 10_000
QUANTUM = Decimal("0.0001")
SHOWN = 10  # rows named per problem
# A REAL converted in SQL: not near a tie (the values are below 10^4, checked first: the float error of x * 10^4
# is below 10^-8 there).
SAFE_REAL = "typeof({c}) = 'real' AND abs({c} * 10000 - round({c} * 10000)) < 0.4"


class MigrationRefused(DomainError):
    """Stored rates the exact type cannot keep; nothing was changed."""


def _problem(table: str, column: str, rows: list[tuple[object, object]]) -> str:
    listed = ", ".join(f"id {pk}: {value!r}" for pk, value in rows[:SHOWN])
    more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    return f"{table}.{column} ({listed}{more})"


def _refuse(problems: list[str]) -> None:
    if problems:
        raise MigrationRefused(
            N_(
                "The upgrade to exact rates stopped and changed nothing: these stored engagement or commission "
                "rates are not finite percents the column can hold: {problems}. Correct or delete those values "
                "(for example on the influencer's or the collaboration's form), then run `python cli.py db "
                "upgrade` again."
            ),
            problems="; ".join(problems),
        )


def _existing(bind: sa.Connection) -> list[tuple[str, str, Decimal]]:
    tables = set(sa.inspect(bind).get_table_names())
    return [(t, c, bound) for t, c, bound in RATE_COLUMNS if t in tables]


def _exact(value: float) -> Decimal:
    """A REAL as the decimal it was written from (its shortest repr), rounded half-up to 4 places."""
    return Decimal(repr(value)).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _upgrade_sqlite(bind: sa.Connection) -> None:
    columns = _existing(bind)
    problems: list[str] = []
    for table, column, bound in columns:
        # Not a number, infinite, or beyond the bound (compared as the type compares: before rounding).
        bad = bind.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND "
                f"(typeof({column}) NOT IN ('integer', 'real') OR abs({column}) > {bound}) ORDER BY id"
            )
        ).all()
        if bad:
            problems.append(_problem(table, column, [(pk, v) for pk, v in bad]))
    _refuse(problems)

    for table, column, _bound in columns:
        # The near-ties first, in Python, before any row of the column changes type.
        others = bind.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE typeof({column}) = 'real' AND NOT "
                f"({SAFE_REAL.format(c=column)})"
            )
        ).all()
        fixed = [{"pk": pk, "v": int(_exact(value).scaleb(4))} for pk, value in others]
        bind.execute(sa.text(f"UPDATE {table} SET {column} = {column} * {SCALE} WHERE typeof({column}) = 'integer'"))
        bind.execute(
            sa.text(
                f"UPDATE {table} SET {column} = CAST(round({column} * {SCALE}) AS INTEGER) "
                f"WHERE {SAFE_REAL.format(c=column)}"
            )
        )
        if fixed:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :pk"), fixed)


def _check_postgresql(bind: sa.Connection) -> None:
    """NUMERIC(p, 4) is exact and bounded already; only NaN, which it accepts, cannot be read as a percent."""
    problems: list[str] = []
    for table, column, _bound in _existing(bind):
        bad = bind.execute(
            sa.text(f"SELECT id, {column}::text FROM {table} WHERE {column} = 'NaN'::numeric ORDER BY id")
        ).all()
        if bad:
            problems.append(_problem(table, column, [(pk, v) for pk, v in bad]))
    _refuse(problems)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _upgrade_sqlite(bind)
    else:
        _check_postgresql(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # NUMERIC(p, 4) before and after
    for table, column, _bound in _existing(bind):
        bind.execute(
            sa.text(
                f"UPDATE {table} SET {column} = CASE WHEN {column} % {SCALE} = 0 THEN {column} / {SCALE} "
                f"ELSE {column} / {SCALE}.0 END WHERE typeof({column}) = 'integer'"
            )
        )
