"""What every export shares: its spec (columns, text columns, amount columns), the run context (period,
reporting currency and its rate book, strict or not, locked months, now), the one conversion rule, and how
rates, FX cells and quantities are written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, CampaignInsight
from db.calendar import month_start
from db.errors import DomainError
from db.money import precision
from finance.fx import MissingRate, RateBook, UsedRate, convert_dated, reporting_currency
from finance.periods import provisional_since
from influencers.models import Payment, PaymentRefund

REPORTING = ("fx_rate_date", "fx_policy")
# Appended after every other column of the exports that convert: where the rate came from, and whether it
# was missing (then the converted cells are blank).
FX_TRAIL = ("fx_source", "fx_missing")
MIXED = "mixed"
ZERO = Decimal(0)
YIELD_PER = 5000


class ExportError(DomainError):
    """An export cannot be made as asked (unknown name, bad period, no snapshot in that currency)."""


@dataclass
class ExportContext:
    """What one export run needs: the period, the reporting currency and its rates, locked months, now."""

    session: Session
    since: dt.date
    until: dt.date
    currency: str
    policy: str
    now: dt.datetime
    locked: frozenset[dt.date] = frozenset()
    # Strict: a missing rate fails the export (FxError, checked before the first byte); otherwise the converted
    # cells are left blank, flagged `fx_missing=true`, and the pairs are listed in `book.missing`.
    strict: bool = False
    _book: RateBook | None = field(default=None, repr=False)

    @property
    def book(self) -> RateBook:
        if self._book is None:
            self._book = RateBook(
                self.session, self.currency, self.since, self.until, self.policy, pivot=reporting_currency(self.session)
            )
        return self._book

    @property
    def missing(self) -> list[MissingRate]:
        """The (pair, day or month) conversions asked for without a rate so far."""
        return [] if self._book is None else self._book.missing

    def rate(self, currency: str, day: dt.date) -> UsedRate | None:
        """The rate for an amount in `currency` dated `day` under the policy; None when missing (not strict)."""
        if self.strict:
            return self.book.rate(currency, day)
        return self.book.try_rate(currency, day)

    def cutoffs(self) -> dict[int, dt.date]:
        """Per ad account (pk): the first day inside the restatement window."""
        rows = self.session.execute(select(AdAccount.id, AdAccount.timezone_name))
        return {pk: provisional_since(tz, self.now) for pk, tz in rows}

    def provisional(self, day: dt.date, cutoff: dt.date | None) -> str:
        if month_start(day) in self.locked or cutoff is None:
            return "false"
        return "true" if day >= cutoff else "false"


@dataclass(frozen=True)
class ExportSpec:
    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    text_columns: frozenset[str]
    # Rows as lists of cells, or (`text=True`) the body as CSV text already quoted and neutralised.
    build: Callable[[ExportContext], Iterator[list[str]]] | Callable[[ExportContext], Iterator[str]]
    by_month: bool = True  # rows ordered month first: a range can be stitched from month pieces
    amount_columns: tuple[tuple[str, str], ...] = ()  # (amount column, its currency column) for totals
    # (currency, date) pairs the export will convert: checked before the first byte so a missing rate
    # fails the whole export cleanly instead of cutting a file short.
    needs: Callable[[ExportContext], Iterator[tuple[str, dt.date]]] | None = None
    text: bool = False
    # How the XLSX file types the other columns (every column not named here is a TEXT cell there, IDs and
    # codes included): ISO dates or `YYYY-MM` months, plain numbers (quantities, rates), and money not totalled.
    date_columns: frozenset[str] = frozenset()
    number_columns: frozenset[str] = frozenset()
    more_money: tuple[tuple[str, str], ...] = ()

    @property
    def money_columns(self) -> tuple[tuple[str, str], ...]:
        """Every (amount column, its currency column): the totalled ones and the rest."""
        return self.amount_columns + self.more_money

    @property
    def text_indexes(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c in self.text_columns]


def convert(amount: Decimal, currency: str, used: UsedRate, target: str) -> Decimal:
    """THE conversion rule of every export (`finance.fx.convert_dated`): totals add these rounded amounts, so a
    monthly row is the sum of its daily rows, and a page's total the sum of an export's rows
    (`finance.reporting.converted_sum`)."""
    return convert_dated(amount, currency, used, target)


def source_of(sources: set[str]) -> str:
    """One rate source, or `mixed` for a total whose days used rates from several sources."""
    return next(iter(sources)) if len(sources) == 1 else MIXED if sources else ""


def rate_text(rate: Decimal) -> str:
    """The rate a figure used, exactly (finance's stored rates keep every digit; computed ones are already
    rounded by `finance.fx.round_rate`), without trailing zeros."""
    return f"{rate.normalize():f}"


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def quantity_text(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


def insight_needs(ctx: ExportContext) -> Iterator[tuple[str, dt.date]]:
    stmt = (
        select(CampaignInsight.currency, CampaignInsight.date)
        .where(CampaignInsight.date.between(ctx.since, ctx.until))
        .distinct()
    )
    yield from ctx.session.execute(stmt)


def payment_needs(ctx: ExportContext) -> Iterator[tuple[str, dt.date]]:
    dated = func.coalesce(Payment.paid_date, Payment.due_date)
    stmt = select(Payment.currency, dated).where(dated.between(ctx.since, ctx.until)).distinct()
    refunds = (
        select(PaymentRefund.currency, PaymentRefund.refund_date)
        .where(PaymentRefund.refund_date.between(ctx.since, ctx.until))
        .distinct()
    )
    for query in (stmt, refunds):
        for cur, day in ctx.session.execute(query):
            yield cur, day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
