"""exact money: scaled integers for money on SQLite, FX rates with every significant digit

Revision ID: 0006_exact_money
Revises: 0005_pacing

SQLite kept NUMERIC(20, 4) money as binary floats (REAL). Each money and quantity column keeps its declared
NUMERIC(20, 4) and now holds integers scaled by 10^4 (`db.types.ScaledDecimal`), converted in place:
- whole values stored as INTEGER: x * 10^4 (exact);
- REAL values below 10^10 whose x * 10^4 is within 0.4 of an integer (every value written with at most 4
  decimals): CAST(round(x * 10^4) AS INTEGER) in SQL; the product's float error is below 0.02 there, so this is the
  integer nearest the decimal the float was written from;
- the other REAL values (more than 4 decimals, or large): in Python, the float's shortest repr (the decimal it
  was written from) rounded half-up to 4 decimals, as the new type rounds at bind time.
FX rates: NUMERIC(24, 10) becomes decimal text on SQLite (the table is rebuilt in batch mode; each rate written
as its shortest repr, the decimal it was written from) and NUMERIC without a fixed scale on PostgreSQL (exact).
PostgreSQL money columns were exact already and are unchanged.

Nothing is changed silently: a value the new types refuse (infinity, NaN, beyond 10^14, text, a rate that is
not in [1e-12, 1e12] or has more than 20 significant digits, or a rate of 0 left by the old rounding) stops the
upgrade with one message naming the table, column, rows and values, so they can be fixed and the upgrade rerun.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op

from db.errors import N_, DomainError

revision: str = "0006_exact_money"
down_revision: str | None = "0005_pacing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) of every Money and Quantity column at this revision.
MONEY_COLUMNS = (
    ("ad_account", "amount_spent"),
    ("ad_account", "spend_cap"),
    ("campaign", "daily_budget"),
    ("campaign", "lifetime_budget"),
    ("campaign", "budget_remaining"),
    ("campaign", "spend_cap"),
    ("ad_set", "daily_budget"),
    ("ad_set", "lifetime_budget"),
    ("ad_set", "budget_remaining"),
    ("campaign_insight", "spend"),
    ("campaign_insight", "conversions"),
    ("campaign_insight", "conversion_value"),
    ("ad_set_insight", "spend"),
    ("ad_set_insight", "conversions"),
    ("ad_set_insight", "conversion_value"),
    ("campaign_period_insight", "spend"),
    ("campaign_period_insight", "conversions"),
    ("campaign_period_insight", "conversion_value"),
    ("program", "budget"),
    ("collaboration", "fee"),
    ("collaboration", "product_value"),
    ("deliverable", "fee"),
    ("deliverable", "revenue"),
    ("payment", "amount"),
    ("budget_plan", "amount"),
    ("budget_change", "old_amount"),
    ("budget_change", "new_amount"),
)
SCALE = 10_000
BOUND = 10**14  # db.types.STORAGE_BOUND at this revision
QUANTUM = Decimal("0.0001")
MIN_RATE, MAX_RATE, MAX_RATE_DIGITS = Decimal("1e-12"), Decimal("1e12"), 20
SHOWN = 10  # rows named per problem


class MigrationRefused(DomainError):
    """Stored values the exact types cannot keep; nothing was changed."""


def _problem(table: str, column: str, rows: list[tuple[object, object]]) -> str:
    listed = ", ".join(f"id {pk}: {value!r}" for pk, value in rows[:SHOWN])
    more = f" and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    return f"{table}.{column} ({listed}{more})"


def _refuse(problems: list[str]) -> None:
    if problems:
        raise MigrationRefused(
            N_(
                "The upgrade to exact money stopped and changed nothing: these stored values are not finite "
                "amounts within 10^14 (or not FX rates from 1e-12 to 1e12 with at most 20 significant digits): "
                "{problems}. Correct or delete those rows (for example re-import the file they came from), then "
                "run `python cli.py db upgrade` again."
            ),
            problems="; ".join(problems),
        )


def _existing(bind: sa.Connection) -> list[tuple[str, str]]:
    """The money columns of tables that exist (a table added by a later branch may not be there yet)."""
    tables = set(sa.inspect(bind).get_table_names())
    return [(t, c) for t, c in MONEY_COLUMNS if t in tables]


def _exact_rate(value: object) -> Decimal | None:
    """A stored rate as the decimal it was written from, or None when it is not a storable rate."""
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        else:
            number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not MIN_RATE <= number <= MAX_RATE:
        return None
    if len("".join(map(str, number.as_tuple().digits)).strip("0")) > MAX_RATE_DIGITS:
        return None
    return number


def _rate_rows(bind: sa.Connection) -> tuple[list[tuple[int, Decimal]], list[str]]:
    rows = bind.execute(sa.text("SELECT id, rate FROM fx_rate ORDER BY id")).all()
    exact, refused = [], []
    for pk, value in rows:
        number = _exact_rate(value)
        if number is None:
            refused.append((pk, value))
        else:
            exact.append((pk, number))
    return exact, [_problem("fx_rate", "rate", refused)] if refused else []


# A REAL converted in SQL: below 10^10 (float error of x * 10^4 under 0.02) and not near a tie.
SAFE_REAL = "typeof({c}) = 'real' AND abs({c}) < 1e10 AND abs({c} * 10000 - round({c} * 10000)) < 0.4"


def _upgrade_sqlite(bind: sa.Connection) -> None:
    columns = _existing(bind)
    problems: list[str] = []
    for table, column in columns:
        bad = bind.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND "
                f"(typeof({column}) NOT IN ('integer', 'real') OR abs({column}) > {BOUND}) ORDER BY id"
            )
        ).all()
        if bad:
            problems.append(_problem(table, column, [(pk, v) for pk, v in bad]))
    rates, rate_problems = _rate_rows(bind)
    _refuse(problems + rate_problems)

    for table, column in columns:
        # The rest first, in Python, before any row of the column changes type.
        others = bind.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE typeof({column}) = 'real' AND NOT "
                f"({SAFE_REAL.format(c=column)})"
            )
        ).all()
        fixed = [
            {"pk": pk, "v": int(Decimal(repr(value)).quantize(QUANTUM, rounding=ROUND_HALF_UP).scaleb(4))}
            for pk, value in others
        ]
        bind.execute(sa.text(f"UPDATE {table} SET {column} = {column} * {SCALE} WHERE typeof({column}) = 'integer'"))
        bind.execute(
            sa.text(
                f"UPDATE {table} SET {column} = CAST(round({column} * {SCALE}) AS INTEGER) "
                f"WHERE {SAFE_REAL.format(c=column)}"
            )
        )
        if fixed:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :pk"), fixed)

    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.alter_column(
            "rate", existing_type=sa.Numeric(precision=24, scale=10), type_=sa.String(40), existing_nullable=False
        )
    if rates:
        bind.execute(
            sa.text("UPDATE fx_rate SET rate = :rate WHERE id = :pk"),
            [{"pk": pk, "rate": f"{number.normalize():f}"} for pk, number in rates],
        )


def _upgrade_postgresql(bind: sa.Connection) -> None:
    problems: list[str] = []
    for table, column in _existing(bind):
        bad = bind.execute(
            sa.text(
                f"SELECT id, {column}::text FROM {table} WHERE {column} = 'NaN'::numeric OR abs({column}) > {BOUND} "
                "ORDER BY id"
            )
        ).all()
        if bad:
            problems.append(_problem(table, column, [(pk, v) for pk, v in bad]))
    _rates, rate_problems = _rate_rows(bind)
    _refuse(problems + rate_problems)
    op.alter_column(
        "fx_rate",
        "rate",
        existing_type=sa.Numeric(precision=24, scale=10),
        type_=sa.Numeric(),
        existing_nullable=False,
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _upgrade_sqlite(bind)
    else:
        _upgrade_postgresql(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table, column in _existing(bind):
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = CASE WHEN {column} % {SCALE} = 0 THEN {column} / {SCALE} "
                    f"ELSE {column} / {SCALE}.0 END WHERE typeof({column}) = 'integer'"
                )
            )
        with op.batch_alter_table("fx_rate", schema=None) as batch_op:
            batch_op.alter_column(
                "rate", existing_type=sa.String(40), type_=sa.Numeric(precision=24, scale=10), existing_nullable=False
            )
    else:
        op.alter_column(
            "fx_rate",
            "rate",
            existing_type=sa.Numeric(),
            type_=sa.Numeric(precision=24, scale=10),
            existing_nullable=False,
        )
