"""Column types shared by every model: exact money, quantities and FX rates, UTC timestamps and JSON.

Money and quantities are exact on every database: NUMERIC(20, 4) on PostgreSQL; on SQLite, whose NUMERIC keeps
fractions as binary floats, the columns keep their declared NUMERIC(20, 4) and hold integers scaled by 10^4 (the
declared scale): `typeof(spend)` is `integer` and `SUM()` an exact integer sum. FX rates are NUMERIC (no fixed
scale) on PostgreSQL and decimal text on SQLite: every significant digit kept. Binding refuses what cannot be stored
exactly (NaN, infinities, values beyond the bound) with a `StorageError`, even when an importer forgot to check.
Percents (engagement and commission rates, `percent(precision)`) are the same scaled type with 4 decimals, bound
to what their NUMERIC(precision, 4) holds: scaled integers on SQLite since migration 0016, NUMERIC on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Numeric,
    String,
    event,
    func,
    literal,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, Engine, ExceptionContext
from sqlalchemy.sql import operators
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine

from db.errors import N_, DomainError, Message
from db.parse import MAX_AMOUNT_ZERO_DECIMAL, MAX_RATE, MAX_RATE_DIGITS, MIN_RATE

# The largest magnitude a money or quantity column holds: the largest amount any form or file may give
# (`db.parse.amount_bound`, Rp100 triliun). Times 10^4 it is 10^18, inside a signed 64-bit integer.
STORAGE_BOUND = MAX_AMOUNT_ZERO_DECIMAL
SCALE = 4
INT64_MAX = 2**63 - 1
# Arithmetic that would be wrong on scaled integers (x * y is scaled twice); add, subtract and compare are exact.
_SCALING_OPERATORS = frozenset({operators.mul, operators.truediv, operators.floordiv, operators.mod})
# What a refused value was meant to be (pages translate it).
KIND_AMOUNT, KIND_QUANTITY, KIND_RATE = N_("Amount"), N_("Quantity"), N_("FX rate")
KIND_PERCENT = N_("Percent")


class StorageError(DomainError):
    """A value the database cannot store exactly (not finite, beyond the bound, a rate that is not a rate) or a
    sum beyond what can be added exactly."""


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _as_decimal(value: object, kind: Message) -> Decimal:
    """`value` as an exact Decimal: int and Decimal as they are, float through its shortest repr, numeric text."""
    if isinstance(value, bool):
        raise StorageError(N_("{kind}: {value} is not a number and cannot be stored."), value=value, kind=kind)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise StorageError(
                N_("{kind}: {value} is not a finite number and cannot be stored."), value=repr(value), kind=kind
            )
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise StorageError(
                N_("{kind}: {value} is not a number and cannot be stored."), value=_shown(value), kind=kind
            ) from None
    else:
        raise StorageError(N_("{kind}: {value} is not a number and cannot be stored."), value=_shown(value), kind=kind)
    if not number.is_finite():
        raise StorageError(
            N_("{kind}: {value} is not a finite number and cannot be stored."), value=str(number), kind=kind
        )
    return number


class _ScaledIntegers(Numeric):
    """SQLite's storage for a ScaledDecimal: declared NUMERIC(p, s), holding the integers the decorator computes
    (no float conversion either way, unlike SQLAlchemy's SQLite Numeric)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class ScaledDecimal(TypeDecorator):
    """An exact decimal with `scale` places: a scaled integer (value x 10^scale) on SQLite, NUMERIC elsewhere.

    Values are rounded half-up to `scale` places (as PostgreSQL's NUMERIC rounds) and refused beyond `bound`.
    Reading gives a Decimal with exactly `scale` places on both databases. In SQL expressions, sums, `+`, `-`
    and comparisons are exact; `*`, `/` and `%` are refused (they would scale twice on SQLite): do them in Python.
    """

    impl = Numeric
    cache_ok = True

    def __init__(
        self, precision: int = 20, scale: int = SCALE, bound: Decimal = STORAGE_BOUND, kind: str = KIND_AMOUNT
    ) -> None:
        super().__init__(precision, scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self.bound = bound
        self.kind = kind
        self._kind = Message(kind)
        self._quantum = Decimal(1).scaleb(-scale)

    class comparator_factory(TypeDecorator.Comparator):  # noqa: N801 - SQLAlchemy's hook name
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in _SCALING_OPERATORS:
                raise TypeError("money and percent columns cannot be multiplied or divided in SQL (scaled on SQLite)")
            return super().operate(op, *other, **kwargs)

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            if op in _SCALING_OPERATORS:
                raise TypeError("money and percent columns cannot be multiplied or divided in SQL (scaled on SQLite)")
            return super().reverse_operate(op, other, **kwargs)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _ScaledIntegers(self.precision, self.scale)
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def exact(self, value: object) -> Decimal:
        """`value` checked and rounded half-up to the column's scale (what the database will hold)."""
        number = _as_decimal(value, self._kind)
        if abs(number) > self.bound:
            raise StorageError(
                N_("{kind}: {value} is beyond the largest value that can be stored, {bound}."),
                value=_shown(number),
                kind=self._kind,
                bound=f"{self.bound:,}",
            )
        with localcontext(prec=40):
            rounded = number.quantize(self._quantum, rounding=ROUND_HALF_UP)
        return rounded if rounded else abs(rounded)  # never "-0"

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        rounded = self.exact(value)
        if dialect.name == "sqlite":
            return int(rounded.scaleb(self.scale))
        return rounded

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        bound = self.process_bind_param(value, dialect)
        return "NULL" if bound is None else str(bound)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name != "sqlite":
            return value if isinstance(value, Decimal) else Decimal(value)
        if type(value) is int:
            return Decimal(value).scaleb(-self.scale)
        # A float or text here means a value written around this type (or an unconverted old row): never
        # guess what it meant.
        raise StorageError(
            Message(
                N_("{kind}: a stored value is not a scaled integer ({value}); run `python cli.py db upgrade`."),
                page_text=N_(
                    "{kind}: a stored value is not a scaled integer ({value}); ask your admin to upgrade the "
                    "database (docs/deployment.md)."
                ),
            ),
            kind=self._kind,
            value=_shown(value),
        )

    def stored(self, expr: ColumnExpressionArgument[Any]) -> ColumnElement[Any]:
        """`expr` (this column or a SUM of it) selected as the database holds it, for `from_stored`: bulk reads
        that convert a whole column at once instead of one value at a time through `process_result_value`."""
        return type_coerce(expr, _ScaledIntegers(self.precision, self.scale))

    def within_places(self, expr: Any, places: int, dialect: Dialect) -> ColumnElement[bool]:
        """Whether a value of this column (`expr`) has at most `places` decimals, so that rounding it to them
        changes nothing: on SQLite its scaled integer is a multiple of 10^(scale - places), on PostgreSQL
        `round(value, places)` equals it (NUMERIC is exact)."""
        if places >= self.scale:
            return literal(True)
        if dialect.name == "sqlite":
            return type_coerce(expr, Integer) % (10 ** (self.scale - places)) == 0
        return func.round(expr, places) == expr

    def from_stored(self, values: Iterable[Any], dialect: Dialect) -> list[Decimal | None]:
        """`process_result_value` over a column of stored values (from `stored`): the same Decimals, in one loop."""
        if dialect.name != "sqlite":
            return [v if v is None or type(v) is Decimal else self.process_result_value(v, dialect) for v in values]
        places, read = -self.scale, self.process_result_value  # `read` refuses what is no scaled integer
        return [
            None if v is None else Decimal(v).scaleb(places) if type(v) is int else read(v, dialect) for v in values
        ]

    def units_from_stored(self, values: Iterable[Any], dialect: Dialect) -> list[int | None]:
        """A column of stored values (from `stored`) as integers of 10^-scale units: SQLite's scaled integers as
        they are, PostgreSQL's NUMERIC(_, scale) Decimals shifted (exact: they have `scale` places at most).
        What integer arithmetic over many amounts reads (`finance.reporting.DayConverter.units_sum`)."""
        if dialect.name == "sqlite":
            read = self.process_result_value  # refuses what is no scaled integer
            return [v if v is None or type(v) is int else _units(read(v, dialect), self.scale) for v in values]
        return [None if v is None else _units(v if type(v) is Decimal else Decimal(v), self.scale) for v in values]

    @property
    def python_type(self) -> type:
        return Decimal


def _units(value: Decimal | None, scale: int) -> int | None:
    return None if value is None else int(value.scaleb(scale))


class ExactRate(TypeDecorator):
    """An FX rate with every significant digit: NUMERIC (no fixed scale) on PostgreSQL, decimal text on SQLite.

    Binding refuses what is not a rate `db.parse.parse_rate` would accept: not finite, outside [1e-12, 1e12] (so
    a rate never rounds to 0) or with more than 20 significant digits.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(asdecimal=True)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    @staticmethod
    def exact(value: object) -> Decimal:
        """`value` checked as a rate, unchanged (no rounding)."""
        number = _as_decimal(value, Message(KIND_RATE))
        if not MIN_RATE <= number <= MAX_RATE:
            raise StorageError(
                N_("FX rate: {value} cannot be stored; a rate is from {low} to {high}."),
                value=_shown(number),
                low=f"{MIN_RATE:f}",
                high=f"{MAX_RATE:,f}",
            )
        digits = "".join(map(str, number.as_tuple().digits)).strip("0")
        if len(digits) > MAX_RATE_DIGITS:
            raise StorageError(
                N_("FX rate: {value} has more than {digits} significant digits and cannot be stored."),
                value=_shown(number),
                digits=MAX_RATE_DIGITS,
            )
        return number

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = self.exact(value)
        if dialect.name == "sqlite":
            return f"{number.normalize():f}"
        return number

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        bound = self.process_bind_param(value, dialect)
        if bound is None:
            return "NULL"
        return f"'{bound}'" if isinstance(bound, str) else str(bound)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str):
            return Decimal(value)
        if type(value) is int:
            return Decimal(value)
        raise StorageError(
            Message(
                N_("FX rate: a stored value is not exact ({value}); run `python cli.py db upgrade`."),
                page_text=N_(
                    "FX rate: a stored value is not exact ({value}); ask your admin to upgrade the database "
                    "(docs/deployment.md)."
                ),
            ),
            value=_shown(value),
        )

    @property
    def python_type(self) -> type:
        return Decimal


# Money: major units, exact; 4 decimals cover sub-cent spend, the bound covers IDR in the hundreds of trillions.
Money = ScaledDecimal(20, SCALE, kind=KIND_AMOUNT)
# Counts that Meta may report with decimals (modelled conversions).
Quantity = ScaledDecimal(20, SCALE, kind=KIND_QUANTITY)


def percent(precision: int) -> ScaledDecimal:
    """A percent (3.5 is 3.5 %) with 4 decimals, exact like money: NUMERIC(precision, 4) on PostgreSQL, integers
    scaled by 10^4 on SQLite (3.5 is stored as 35000). Bound to what NUMERIC(precision, 4) holds (999.9999 for a
    precision of 7), so SQLite refuses at bind time what PostgreSQL would refuse as an overflow."""
    quantum = Decimal(1).scaleb(-SCALE)
    return ScaledDecimal(precision, SCALE, bound=Decimal(10) ** (precision - SCALE) - quantum, kind=KIND_PERCENT)


# FX rates: 1 USD = 16,250.5 IDR, 1 IDR = 0.0000615384615 USD; exact.
Rate = ExactRate()
JSONData = JSON().with_variant(JSONB(), "postgresql")


@event.listens_for(Engine, "handle_error")
def _domain_errors(context: ExceptionContext) -> None:
    """Refusals raised while binding reach the caller as they are (not wrapped in SQLAlchemy's StatementError),
    and SQLite's integer overflow in SUM() of scaled amounts becomes a StorageError (never a float)."""
    original = context.original_exception
    if isinstance(original, DomainError):
        raise original
    if context.dialect is not None and context.dialect.name == "sqlite" and "integer overflow" in str(original):
        raise StorageError(
            N_("A total is beyond {bound} and cannot be added exactly; export a shorter period."),
            bound=f"{Decimal(INT64_MAX).scaleb(-SCALE):,.0f}",
        ) from original


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def stored(self, expr: ColumnExpressionArgument[Any]) -> ColumnElement[Any]:
        """`expr` selected as the database holds it (text on SQLite), for `from_stored`: bulk reads that parse a
        whole column with `datetime.fromisoformat` instead of SQLAlchemy's per-value SQLite parser."""
        return type_coerce(expr, String())

    def from_stored(self, values: Iterable[Any], dialect: Dialect) -> list[dt.datetime | None]:
        """`process_result_value` over a column of stored values (from `stored`): the same aware UTC datetimes."""
        read, parse = self.process_result_value, dt.datetime.fromisoformat
        return [None if v is None else read(parse(v) if type(v) is str else v, dialect) for v in values]


def utcnow() -> dt.datetime:
    """The current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


ZERO = Decimal("0")
