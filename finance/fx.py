"""Reporting currency, FX rates (edit, CSV/JISDOR import) and conversion under the workspace's FX policy.

Rules (see docs/exports.md):
- the same currency converts at exactly 1;
- finance's rates (the `fx_rate` table, typed or imported, stored exactly) come first: for each day the direct
  rate (from -> to) when recorded, else the inverse of the opposite pair (1 / rate, `round_rate`: 10 decimals,
  at least 6 significant digits), else the cross rate through the reporting currency R (the book's `pivot`):
  A->B = A->R / B->R of that day, `round_rate`;
- without a finance rate, the ECB reference rate crossed through the euro (`finance/fx_reference.py`),
  `round_rate`; every used rate says which (`source`: `finance` or `ecb_reference`);
- `daily`: the rate of that day, or the latest rate of the previous 7 days (weekends, holidays), finance's
  first over the whole window; `month_end`: the latest rate dated inside the month; `monthly_average`: the
  mean of every daily rate dated inside the month (`round_rate`); in a month where finance has any rate for the
  pair only finance's rates count, so a month never mixes two sources;
- a missing rate is never a silent 1.0: the raising lookups (`rate`, `convert`) raise `FxError` naming the
  pair and the date or month; the non-raising ones (`try_rate`, `convert_or_none`) return None; both remember
  the missing (pair, day or month) in `RateBook.missing`;
- converted amounts are rounded half-up to the target currency's precision (IDR 0, USD 2), each dated amount on
  its own (exports add the rounded amounts: docs/exports.md, "One rounding rule").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from babel.dates import get_month_names
from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, CampaignInsight
from campaigns.number_rule import (
    DECIMAL_MARKS,
    NOT_A_DECIMAL_MARK,
    NumberRule,
    NumberTexts,
    decide,
    decimal_mark_fix,
    figure_problem,
    workbook_figure,
)
from db import audit
from db.calendar import month_end, month_start, workspace_today
from db.engine import savepoint
from db.errors import N_, Codes, Day, DomainError, Message, Month, as_message, period_param
from db.locks import write_turn
from db.money import currency_code, is_currency, quantize, times
from db.parse import (
    DATE_ORDERS,
    NOT_A_DATE_ORDER,
    DateOrder,
    DateOrderCode,
    date_order_fix,
    dates_read,
    decide_date_order,
    parse_date,
    parse_rate,
)
from db.reads import beside
from db.roles import Actor, require
from db.settings import ORIGIN_DEFAULT, ORIGIN_ENVIRONMENT, ORIGIN_SETTING, get_setting, setting_with_origin
from db.tabular import Limits, Row, Table, TabularError, read_table, unterminated_warning
from db.types import Money
from finance.fx_reference import SOURCE as REFERENCE_SOURCE
from finance.fx_reference import ReferenceRates, ReferenceRatesError, reference_rates
from finance.models import FxRate

POLICIES = ("monthly_average", "month_end", "daily")
RATE_PLACES = Decimal("0.0000000001")
RATE_MIN_DIGITS = 6
DAILY_FALLBACK_DAYS = 7
ONE = Decimal(1)

SOURCE_FINANCE = "finance"
SOURCE_REFERENCE = REFERENCE_SOURCE  # "ecb_reference"
SOURCE_SAME = "same_currency"
# Pages translate these labels; exports and the CLI keep the codes.
SOURCE_LABELS = {
    SOURCE_FINANCE: N_("finance"),
    SOURCE_REFERENCE: N_("ECB reference"),
    SOURCE_SAME: N_("same currency"),
}


def round_rate(value: Decimal) -> Decimal:
    """A computed rate (an inverse, an ECB cross rate, a monthly mean, an effective rate) rounded half-up to 10
    decimals, or to 6 significant digits when 10 decimals would keep fewer: every rate from 0.00001 up rounds
    to 10 decimals, and a tiny rate (1 IDR in a currency worth millions) never rounds to 0."""
    if not value:
        return value
    places = max(10, RATE_MIN_DIGITS - 1 - value.adjusted())
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class FxError(DomainError):
    """A conversion cannot be made (missing rate, bad policy) or a rate is invalid."""


MAIN_CURRENCY_DAYS = 90
FALLBACK_CURRENCY = "USD"
ORIGIN_MAIN_CURRENCY = "main_currency"
# Pages say where the reporting currency came from.
ORIGIN_LABELS = {
    ORIGIN_SETTING: N_("set in Settings"),
    ORIGIN_ENVIRONMENT: N_("from PANTAU_REPORTING_CURRENCY"),
    ORIGIN_MAIN_CURRENCY: N_("not set: the ad accounts' main currency"),
    ORIGIN_DEFAULT: N_("not set and no ad accounts yet: USD"),
}


@dataclass(frozen=True)
class CurrencyChoice:
    """The reporting currency, where it came from (`setting`, `environment`, `main_currency`, `default`), and a
    configured value that was ignored because it is not an ISO 4217 code."""

    currency: str
    origin: str
    ignored: str | None = None


def reporting_currency(session: Session) -> str:
    """The workspace reporting currency: the setting, else PANTAU_REPORTING_CURRENCY, else the ad accounts'
    main currency (`main_currency`), else USD."""
    return reporting_currency_choice(session).currency


def reporting_currency_choice(session: Session, today: dt.date | None = None) -> CurrencyChoice:
    """The reporting currency and where it came from. A configured value that is not ISO 4217 (saved before
    codes were checked) is ignored, never used: the choice falls through to the main currency."""
    value, origin = setting_with_origin(session, "reporting_currency")
    ignored = None
    if value is not None:
        if is_currency(value):
            return CurrencyChoice(currency_code(value), origin)
        ignored = str(value)
    main = main_currency(session, today)
    if main is not None:
        return CurrencyChoice(main, ORIGIN_MAIN_CURRENCY, ignored)
    return CurrencyChoice(FALLBACK_CURRENCY, ORIGIN_DEFAULT, ignored)


def main_currency(session: Session, today: dt.date | None = None) -> str | None:
    """The ad accounts' main currency: the one with the most ad spend over the last 90 days (compared in euros
    at the ECB reference rates; a currency the ECB does not publish ranks after those it does), else the most
    common account currency (ties: alphabetical), else None."""
    today = today or workspace_today(session)
    return _main_of(session, session.execute(_spend_by_currency(today)).all(), today)


def reporting_currency_later(session: Session, today: dt.date | None = None) -> Callable[[], str]:
    """`reporting_currency`, to be had later: the setting (or environment) is read now; without one, the main
    currency's 90-day scan (`_spend_by_currency`) is started now beside the session (`db.reads.beside`, on a
    connection of its own when the session has written nothing) and the returned callable waits for it and picks
    the currency by `main_currency`'s rule on its first call (the same answer, once). What a page calls before
    its other reads, so that the scan overlaps them (docs/budgets.md, Speed); call the result while the session
    is open (the fallback to the accounts' currency reads on it)."""
    value, _origin = setting_with_origin(session, "reporting_currency")
    if value is not None and is_currency(value):
        code = currency_code(value)
        return lambda: code
    today = today or workspace_today(session)
    scan = beside(session, cast(Select[Any], _spend_by_currency(today, stored=True)))
    found: list[str] = []

    def resolve() -> str:
        if not found:
            rows = scan.result()
            dialect = session.get_bind().dialect
            amounts = Money.from_stored([total for _c, total in rows], dialect)
            spend = [(c, amount) for (c, _total), amount in zip(rows, amounts, strict=True)]
            found.append(_main_of(session, spend, today) or FALLBACK_CURRENCY)
        return found[0]

    return resolve


def _main_of(session: Session, spend: Iterable[tuple[str, Decimal | None]], today: dt.date) -> str | None:
    """`main_currency` from the 90 days' spend per stored currency (`_spend_by_currency`'s rows)."""
    spent = {currency_code(c): total for c, total in spend if total and total > 0 and is_currency(c)}
    if spent:
        euros = _in_euros(spent, today)
        ranked = sorted(spent, key=lambda c: (euros.get(c) is None, -(euros.get(c) or 0), c))
        return ranked[0]
    counts = session.execute(select(AdAccount.currency, func.count()).group_by(AdAccount.currency)).all()
    accounts = [(-n, currency_code(c)) for c, n in counts if is_currency(c)]
    return min(accounts)[1] if accounts else None


def _spend_by_currency(today: dt.date, stored: bool = False) -> Select[str, Decimal]:
    """The ad spend per stored currency over the `MAIN_CURRENCY_DAYS` up to `today`. Summed per day and currency
    first, in the order of the insights' (date, currency, ...) covering index, then per currency over those few
    rows: the same sums (integers on SQLite, NUMERIC on PostgreSQL: exact), without sorting every row of the
    90 days by currency, which SQLite's plain `GROUP BY currency` did (docs/budgets.md, Speed). `stored`: the
    sums as the database holds them (`Money.stored`, for `db.reads.beside` and `Money.from_stored`)."""
    day, currency = CampaignInsight.date, CampaignInsight.currency
    per_day = (
        select(day, currency, func.sum(CampaignInsight.spend).label("spend"))
        .where(day.between(today - dt.timedelta(days=MAIN_CURRENCY_DAYS), today))
        .group_by(day, currency)
        .subquery()
    )
    total = func.sum(per_day.c.spend)
    return select(per_day.c.currency, Money.stored(total) if stored else total).group_by(per_day.c.currency)


def _in_euros(amounts: dict[str, Decimal], today: dt.date) -> dict[str, Decimal]:
    """Each amount in euros at the newest ECB rate up to `today` (or the newest in the file); missing: left out."""
    try:
        reference = reference_rates()
    except ReferenceRatesError:
        return {}
    day = min(today, reference.last_day)
    out: dict[str, Decimal] = {}
    for code, amount in amounts.items():
        for back in range(31):
            rate = reference.euro_rate(code, day - dt.timedelta(days=back))
            if rate:
                out[code] = amount / rate
                break
    return out


def _check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise FxError(
            N_("Unknown FX policy {policy}; use one of {policies}."),
            policy=repr(policy),
            policies=Codes("fx_policy", POLICIES),
        )
    return policy


def fx_policy(session: Session) -> str:
    return _check_policy(str(get_setting(session, "fx_policy")))


@dataclass(frozen=True)
class UsedRate:
    """The rate a converted figure used: the value, its date (or month for averages), the policy and where
    it came from (`source`: `finance`, `ecb_reference` or `same_currency`)."""

    rate: Decimal
    rate_date: str
    policy: str
    source: str


@dataclass(frozen=True, order=True)
class MissingRate:
    """A conversion no rate was found for: the pair and the day (`daily`) or month (`YYYY-MM`)."""

    from_currency: str
    to_currency: str
    period: str

    @property
    def month(self) -> str:
        return self.period[:7]

    @property
    def pair(self) -> str:
        return f"{self.from_currency}->{self.to_currency}"


def missing_by_pair(missing: Iterable[MissingRate]) -> dict[str, list[str]]:
    """Pair (`IDR->VND`) -> the months (`2026-10`) with a missing rate, both sorted: what pages and the CLI list."""
    months: dict[str, set[str]] = {}
    for item in missing:
        months.setdefault(item.pair, set()).add(item.month)
    return {pair: sorted(found) for pair, found in sorted(months.items())}


def pair_text(source: str, target: str) -> str:
    """A pair as people read it and type it on Exports → FX rates: `USD→IDR` (one rate: 1 USD in IDR)."""
    return f"{source.upper()}→{target.upper()}"


def tried_text(source: str, target: str) -> str:
    """The pairs a lookup tries for `source` into `target`: finance's rate either way round (`USD→IDR, IDR→USD`)."""
    return f"{pair_text(source, target)}, {pair_text(target, source)}"


def missing_rate_messages(missing: Iterable[MissingRate]) -> list[Message]:
    """THE words for rates a page (or a total) could not find: one sentence per pair, saying which pairs were
    tried and which pair to enter for which day or month on which page
    (`No USD→IDR rate for 2026-11-30: tried USD→IDR, IDR→USD and the ECB reference rates. Enter the USD→IDR rate
    for 2026-11-30 on Exports → FX rates.`). Several days of a pair are written as their first and last."""
    out = []
    for pair, periods in _periods_by_pair(missing).items():
        source, target = pair
        params = {"pair": pair_text(source, target), "tried": tried_text(source, target)}
        if len(periods) == 1:
            text = N_(
                "No {pair} rate for {when}: tried {tried} and the ECB reference rates. "
                "Enter the {pair} rate for {when} on Exports → FX rates."
            )
            out.append(Message(text, {**params, "when": period_param(periods[0])}))
        else:
            text = N_(
                "No {pair} rate for {count} days or months from {first} to {last}: tried {tried} and the ECB "
                "reference rates. Enter {pair} rates for {first} to {last} on Exports → FX rates."
            )
            ends = {"first": period_param(periods[0]), "last": period_param(periods[-1])}
            out.append(Message(text, {**params, "count": len(periods), **ends}))
    return out


def _periods_by_pair(missing: Iterable[MissingRate]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for item in missing:
        found.setdefault((item.from_currency, item.to_currency), set()).add(item.period)
    return {pair: sorted(periods) for pair, periods in sorted(found.items())}


RateRow = tuple[dt.date, str, str, Decimal]


def load_rates(
    session: Session, since: dt.date, until: dt.date, currencies: Iterable[str] | None = None
) -> list[RateRow]:
    """Finance's rates (date, from, to, rate) a `RateBook` for since..until needs: dated from 7 days before the
    first month up to the end of the last month, into or out of one of `currencies` (None: every pair)."""
    start = min(since, month_start(since)) - dt.timedelta(days=DAILY_FALLBACK_DAYS)
    stmt = select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate).where(
        FxRate.date.between(start, max(until, month_end(until)))
    )
    if currencies is not None:
        codes = sorted({c.upper() for c in currencies})
        stmt = stmt.where(or_(FxRate.to_currency.in_(codes), FxRate.from_currency.in_(codes)))
    return [(day, src, dst, Decimal(rate)) for day, src, dst, rate in session.execute(stmt)]


class RateBook:
    """Rates for one target currency, loaded once for a date range; conversion with a cache.

    Loads every finance rate into or out of `target` (and, with a `pivot` currency, the workspace's reporting
    currency, into or out of it) dated between `since - 7 days` and `until` (whole months), or takes them from
    `rows` (`load_rates`); the ECB reference rates (`reference`, default: the process's) are read only when
    finance has no rate for a conversion, neither direct nor crossed through the pivot.
    """

    def __init__(
        self,
        session: Session | None,
        target: str,
        since: dt.date,
        until: dt.date,
        policy: str,
        reference: ReferenceRates | None = None,
        *,
        pivot: str | None = None,
        rows: Iterable[RateRow] | None = None,
    ) -> None:
        self.target = target.upper()
        self.policy = _check_policy(policy)
        self._reference = reference
        self._direct: dict[str, dict[dt.date, Decimal]] = {}
        self._opposite: dict[str, dict[dt.date, Decimal]] = {}
        pivot = pivot.upper() if pivot else None
        if rows is None:
            if session is None:
                raise ValueError("RateBook needs a session or the rows")
            rows = load_rates(session, since, until, [c for c in (self.target, pivot) if c])
        rows = list(rows)
        for day, src, dst, rate in rows:
            if dst == self.target:
                self._direct.setdefault(src, {})[day] = rate
            elif src == self.target:
                self._opposite.setdefault(dst, {})[day] = rate
        # Finance's rates into the pivot (the reporting currency), for cross rates A->target = A->pivot /
        # target->pivot when finance has no rate between A and the target.
        self._pivot = RateBook(None, pivot, since, until, policy, rows=rows) if pivot and pivot != self.target else None
        self._cache: dict[tuple[str, dt.date, bool], UsedRate | None] = {}
        self._tried: dict[tuple[str, dt.date], UsedRate | None] = {}  # try_rate's answers, as asked
        self._missing: set[MissingRate] = set()

    @property
    def reference(self) -> ReferenceRates:
        """The ECB reference rates, read on first need (a same-currency or finance-only book never reads them)."""
        if self._reference is None:
            try:
                self._reference = reference_rates()
            except ReferenceRatesError as exc:
                raise FxError(exc.message) from None
        return self._reference

    @property
    def missing(self) -> list[MissingRate]:
        """Every (pair, day or month) asked for without a rate so far, sorted."""
        return sorted(self._missing)

    # --- one day -------------------------------------------------------------------------------------

    def _day_rate(self, currency: str, day: dt.date) -> Decimal | None:
        """Finance's rate of one day: the direct rate when recorded, else the inverse of the opposite pair, else
        the cross rate through the pivot (currency->pivot / target->pivot, both of that day); computed ones
        `round_rate`."""
        direct = self._direct.get(currency, {}).get(day)
        if direct is not None:
            return direct
        opposite = self._opposite.get(currency, {}).get(day)
        if opposite is not None and opposite != 0:
            return round_rate(ONE / opposite)
        if self._pivot is not None:
            into, out = self._pivot._leg(currency, day), self._pivot._leg(self.target, day)
            if into is not None and out:
                return round_rate(into / out)
        return None

    def _leg(self, currency: str, day: dt.date) -> Decimal | None:
        """One leg of a cross rate, unrounded: 1 for the book's own currency, the stored rate into it, else the
        inverse of the stored rate out of it (28 significant digits); None without a rate that day."""
        if currency == self.target:
            return ONE
        direct = self._direct.get(currency, {}).get(day)
        if direct is not None:
            return direct
        opposite = self._opposite.get(currency, {}).get(day)
        return ONE / opposite if opposite else None

    def _leg_days(self, currency: str) -> set[dt.date] | None:
        """The days the leg `currency` -> this book's currency has a rate (None: every day, the same currency)."""
        if currency == self.target:
            return None
        return set(self._direct.get(currency, {})) | set(self._opposite.get(currency, {}))

    def _days(self, currency: str) -> set[dt.date]:
        days = set(self._direct.get(currency, {})) | set(self._opposite.get(currency, {}))
        if self._pivot is not None:
            into, out = self._pivot._leg_days(currency), self._pivot._leg_days(self.target)
            if into is None or out is None:
                days |= (into or set()) | (out or set())
            else:
                days |= into & out
        return days

    def _reference_on(self, currency: str, day: dt.date) -> Decimal | None:
        rate = self.reference.rate_on(currency, self.target, day)
        return None if rate is None else round_rate(rate)

    def _lookup_day(self, currency: str, day: dt.date) -> UsedRate | None:
        key = (currency, day, True)
        if key in self._cache:
            return self._cache[key]
        used = None
        for back in range(DAILY_FALLBACK_DAYS + 1):
            candidate = day - dt.timedelta(days=back)
            rate = self._day_rate(currency, candidate)
            if rate is not None:
                used = UsedRate(rate, candidate.isoformat(), "daily", SOURCE_FINANCE)
                break
        else:
            found = self.reference.rate(currency, self.target, day, DAILY_FALLBACK_DAYS)
            if found is not None:
                rate = round_rate(found.rate)
                used = UsedRate(rate, found.published.isoformat(), "daily", SOURCE_REFERENCE)
        self._cache[key] = used
        return used

    def _lookup_month(self, currency: str, first: dt.date) -> UsedRate | None:
        key = (currency, first, False)
        if key in self._cache:
            return self._cache[key]
        last = month_end(first)
        source = SOURCE_FINANCE
        dated = [(d, self._day_rate(currency, d)) for d in sorted(self._days(currency)) if first <= d <= last]
        if not dated:
            source = SOURCE_REFERENCE
            dated = [(d, self._reference_on(currency, d)) for d in self.reference.days_between(first, last)]
        rates = [(d, r) for d, r in dated if r is not None]
        used = None
        if rates and self.policy == "month_end":
            used = UsedRate(rates[-1][1], rates[-1][0].isoformat(), "month_end", source)
        elif rates:
            mean = sum((r for _d, r in rates), Decimal(0)) / len(rates)
            used = UsedRate(round_rate(mean), first.strftime("%Y-%m"), "monthly_average", source)
        self._cache[key] = used
        return used

    def _found(self, currency: str, period: str, used: UsedRate | None) -> UsedRate | None:
        if used is None:
            self._missing.add(MissingRate(currency, self.target, period))
        return used

    def rate_for_day(self, currency: str, day: dt.date) -> UsedRate:
        """The rate for one day under the `daily` policy; raises FxError when there is none."""
        used = self.try_rate_for_day(currency, day)
        if used is None:
            raise FxError(
                Message(
                    N_(
                        "No {pair} rate for {day}: tried {tried} on that day and the {days} days before it, and the "
                        "ECB reference rates. Enter the {pair} rate for {day} on Exports → FX rates, or import "
                        "rates with `python cli.py fx import`."
                    ),
                    page_text=N_(
                        "No {pair} rate for {day}: tried {tried} on that day and the {days} days before it, and the "
                        "ECB reference rates. Enter the {pair} rate for {day} on Exports → FX rates, or import a "
                        "rates file there."
                    ),
                ),
                pair=pair_text(currency, self.target),
                tried=tried_text(currency, self.target),
                day=Day(day),
                days=DAILY_FALLBACK_DAYS,
            )
        return used

    def try_rate_for_day(self, currency: str, day: dt.date) -> UsedRate | None:
        """The rate for one day under the `daily` policy, or None (remembered in `missing`)."""
        currency = currency.upper()
        if currency == self.target:
            return UsedRate(ONE, day.isoformat(), "same_currency", SOURCE_SAME)
        return self._found(currency, day.isoformat(), self._lookup_day(currency, day))

    def rate_for_month(self, currency: str, month: dt.date) -> UsedRate:
        """The rate for a month under `monthly_average` or `month_end`; raises FxError when there is none."""
        used = self.try_rate_for_month(currency, month)
        if used is None:
            raise FxError(
                Message(
                    N_(
                        "No {pair} rate in {month} (policy {policy}): tried {tried} and the ECB reference rates. "
                        "Enter {pair} rates for {month} on Exports → FX rates, or import rates with "
                        "`python cli.py fx import`."
                    ),
                    page_text=N_(
                        "No {pair} rate in {month} (policy {policy}): tried {tried} and the ECB reference rates. "
                        "Enter {pair} rates for {month} on Exports → FX rates, or import a rates file there."
                    ),
                ),
                pair=pair_text(currency, self.target),
                tried=tried_text(currency, self.target),
                month=Month(month),
                policy=self.policy,
            )
        return used

    def try_rate_for_month(self, currency: str, month: dt.date) -> UsedRate | None:
        """The rate for a month under `monthly_average` or `month_end`, or None (remembered in `missing`)."""
        currency = currency.upper()
        first = month_start(month)
        if currency == self.target:
            return UsedRate(ONE, first.strftime("%Y-%m"), "same_currency", SOURCE_SAME)
        return self._found(currency, first.strftime("%Y-%m"), self._lookup_month(currency, first))

    def rate(self, currency: str, day: dt.date) -> UsedRate:
        """The rate for a figure dated `day` under the book's policy; raises FxError when there is none."""
        if self.policy == "daily":
            return self.rate_for_day(currency, day)
        return self.rate_for_month(currency, day)

    def try_rate(self, currency: str, day: dt.date) -> UsedRate | None:
        """The rate for a figure dated `day` under the book's policy, or None (remembered in `missing`).

        Each (currency, day) is worked out once per book: a page's totals ask for the same few thousand times
        (the month's key and the same-currency rate were made again on every call)."""
        key = (currency, day)
        try:
            return self._tried[key]
        except KeyError:
            pass
        if self.policy == "daily":
            used = self.try_rate_for_day(currency, day)
        else:
            used = self.try_rate_for_month(currency, day)
        self._tried[key] = used
        return used

    def convert(self, amount: Decimal, currency: str, day: dt.date) -> tuple[Decimal, UsedRate]:
        """`amount` in the target currency at its precision, and the rate used; raises FxError without a rate."""
        used = self.rate(currency, day)
        return quantize(times(amount, used.rate), self.target), used

    def convert_or_none(self, amount: Decimal, currency: str, day: dt.date) -> tuple[Decimal, UsedRate] | None:
        """Like `convert`, but None without a rate (the pair and period are remembered in `missing`)."""
        used = self.try_rate(currency, day)
        if used is None:
            return None
        return quantize(times(amount, used.rate), self.target), used


def convert_dated(amount: Decimal, currency: str, used: UsedRate, target: str) -> Decimal:
    """THE conversion rule of one dated amount (every export's converted cell, every page's reporting-currency
    total through `finance.reporting.converted_sum`): the amount as the file writes it (rounded half-up to its
    currency) times the rate of its day under the policy, rounded half-up to the target currency."""
    return quantize(times(quantize(amount, currency), used.rate), target)


# --- Editing and importing rates -------------------------------------------------------------------------


def _code(value: object, field: str) -> str:
    """An ISO 4217 code (`currency_code`), or FxError naming the field."""
    try:
        return currency_code(value)
    except DomainError as exc:
        raise FxError(N_("{field}: {reason}"), field=field, reason=exc.message) from None


def _rate(value: object, locale: str | None = "en_US") -> Decimal:
    """An exact rate (`db.parse.parse_rate`: every significant digit kept, within [1e-12, 1e12], never
    rounded to 0), or FxError naming the field."""
    try:
        return parse_rate(value, locale, field="rate")  # type: ignore[arg-type]
    except DomainError as exc:
        raise FxError(exc.message) from None


def _date(value: object, order: DateOrderCode | None = None) -> dt.date:
    """A date (`db.parse.parse_date`: ISO and the common written forms, 2000-2100; numeric ones in `order`, the
    file column's, when given), or FxError naming the field."""
    try:
        return parse_date(value, None, field="date", order=order)  # type: ignore[arg-type]
    except DomainError as exc:
        raise FxError(exc.message) from None


def set_rate(
    session: Session,
    actor: Actor,
    day: dt.date | str,
    from_currency: str,
    to_currency: str,
    rate: Decimal | str,
    source: str | None = "manual",
    *,
    locale: str | None = "en_US",
) -> FxRate:
    """Create or update one rate (1 `from` = `rate` `to` on `day`), audited. Codes must be ISO 4217; the rate is
    read with `db.parse.parse_rate` in `locale` (text) and stored exactly."""
    require(actor, "fx.edit")
    day = _date(day)
    src, dst = _code(from_currency, "from"), _code(to_currency, "to")
    if src == dst:
        raise FxError(N_("from and to are both {currency}: the same currency always converts at 1"), currency=src)
    value = _rate(rate, locale)
    row = session.scalar(
        select(FxRate).where(FxRate.date == day, FxRate.from_currency == src, FxRate.to_currency == dst)
    )
    before = None if row is None else audit.snapshot(row)
    if row is None:
        row = FxRate(date=day, from_currency=src, to_currency=dst, rate=value, source=source, updated_by=actor.email)
        session.add(row)
    else:
        row.rate, row.source, row.updated_by = value, source, actor.email
    session.flush()
    audit.record(
        session,
        actor,
        "update" if before else "create",
        "fx_rate",
        row.id,
        before=before,
        after=audit.snapshot(row),
        summary=f"FX {src}->{dst} {day.isoformat()} = {value}",
    )
    return row


def delete_rate(session: Session, actor: Actor, rate_id: int) -> None:
    """Remove one rate, audited."""
    require(actor, "fx.edit")
    row = session.get(FxRate, rate_id)
    if row is None:
        raise FxError(N_("FX rate {id} does not exist"), id=rate_id)
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "delete", "fx_rate", rate_id, before=before, summary="FX rate deleted")


HEADER_ALIASES = {
    "date": "date",
    "tanggal": "date",
    "from": "from",
    "dari": "from",
    "from_currency": "from",
    "base": "from",
    "to": "to",
    "ke": "to",
    "to_currency": "to",
    "quote": "to",
    "rate": "rate",
    "kurs": "rate",
    "source": "source",
    "sumber": "source",
}
# Headers in Bahasa Indonesia: a file headed mostly so writes its rates the Indonesian way (`15.750` is fifteen
# thousand seven hundred and fifty) unless a rate proves otherwise (`campaigns.number_rule.decide`).
BAHASA_HEADERS = frozenset({"tanggal", "dari", "ke", "kurs", "sumber"})
MIXED_RATES = N_(
    "The {column} column writes its numbers both ways ({dot} in row {dot_row}, {comma} in row {comma_row}), so no "
    "rate can be read safely; write every rate in one format, or without thousands separators."
)
AMBIGUOUS_RATE = N_(
    "{column}: {value} could be {small} or {large}: no rate in the file shows its decimal mark, and '{mark}' is "
    "its decimal mark only because {reason}; write the rate without thousands separators ({large}) or with a "
    "fourth decimal ({value}0), or {fix}."
)
FX_RATES_TURN = N_("The FX rates")
CONTRADICTING_RATE = N_(
    "{column}: {value} writes '{other}' as its decimal mark, but the decimal mark chosen is '{mark}'; correct the "
    "rate, or choose '{other}' if the whole file writes it so."
)
RATE_TEXTS = NumberTexts(mixed=MIXED_RATES, ambiguous=AMBIGUOUS_RATE, contradicts=CONTRADICTING_RATE)
# A date column headed in Bahasa Indonesia: its numeric dates that read both ways are day first (03/11/2026 is
# 3 November), as Indonesia writes them (`db.parse.decide_date_order`, the file's language).
BAHASA_DATE_HEADERS = frozenset({"tanggal"})
MAX_FILE_ROWS = 200_000
FX_LIMITS = Limits(max_rows=MAX_FILE_ROWS)


@dataclass
class ImportResult:
    created: int
    updated: int
    errors: list[str]  # `row N: reason`, English (the command line, logs)
    format: str = "pantau"  # `pantau` (date,from,to,rate[,source]) or `jisdor` (Bank Indonesia)
    problems: list[tuple[int, Message]] = field(default_factory=list)  # (row, reason) for pages to translate
    # about the whole file, never a refusal: its last row may be cut (db.tabular.unterminated_warning)
    warnings: list[Message] = field(default_factory=list)
    # how the date column's numeric dates were read, when they needed an order (`db.parse.dates_read`)
    dates: list[Message] = field(default_factory=list)
    # the number convention the rate column was read in (Pantau's format; JISDOR decides its own)
    numbers: NumberRule | None = None


def import_rates_csv(
    session: Session,
    actor: Actor,
    data: bytes | str,
    source: str = "csv",
    *,
    date_order: DateOrderCode | None = None,
    decimal_mark: str | None = None,
) -> ImportResult:
    """Import FX rates from a file: Pantau's `date,from,to,rate[,source]` CSV, or Bank Indonesia's JISDOR
    download (CSV or XLSX; see `read_jisdor`), stored as USD->IDR with source `jisdor`.

    The file is read by the one tabular reader (`db.tabular.read_table`: any encoding, delimiter and line
    ending, XLSX/XLS, the header below title lines); a file it cannot read is an `FxError` carrying the reader's
    one sentence. The day/month order of the date column's numeric dates (`03/11/2026`) is decided once for the
    whole column (`db.parse.decide_date_order`): `date_order` (`dmy`, `mdy`) when given, else a value with a part
    above 12, else the header's language (`Tanggal`: day first); a column written both ways, or one whose
    dates all read both ways under an English header without `date_order`, is an `FxError` naming the column
    and two rows, and nothing is written. The rate column's number convention is decided once for the whole file
    too (`_rate_numbers`, the one rule of every import: `campaigns.number_rule.decide`): a rate that proves its
    marks, else the header language (`Tanggal;Dari;Ke;Kurs`: `15.750` is 15750); a file whose rates prove both is
    an `FxError` naming two rows, and a rate that reads two ways where only the headers chose (`15.750` under
    English headers: 15.75 or 15750) is refused by row with both readings (`ImportResult.numbers` says which
    convention was used). `decimal_mark` (`.` or `,`: the person's choice) wins over the rates and the headers:
    every rate is read with it, and a rate proving the other mark (`15.750,25` when `.` was chosen) is refused by
    row naming the value and the choice (`decimal_mark_needed` says when a page should ask). A bad row is rejected
    whole and reported (row, field, reason); the valid rows are written, all in the caller's transaction. A last
    row that may be cut (no line break at the end of the file) is a warning (`ImportResult.warnings`)."""
    require(actor, "fx.edit")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise FxError(NOT_A_DATE_ORDER, value=str(date_order)[:20])
    if decimal_mark is not None and decimal_mark not in DECIMAL_MARKS:
        raise FxError(NOT_A_DECIMAL_MARK, value=str(decimal_mark)[:20])
    table = _read_file(data)
    header = list(table.header)
    columns = [HEADER_ALIASES.get(h.lower()) for h in header]
    _refuse_repeated(header, columns)
    missing = [c for c in ("date", "from", "to", "rate") if c not in columns]
    flagged = _flagged_rows(table)
    if not missing:
        sound = [row for row in table.rows if row.line not in flagged]
        decided = _pantau_date_order(header, columns, sound, date_order)
        if decided.problem is not None:
            raise FxError(decided.problem)
        numbers = _rate_numbers(table, header, columns, decimal_mark)
        pantau, refused = _pantau_records(sound, header, columns, source, numbers)
        refused = _flag_problems(flagged) + refused
        result = _store_rates(session, actor, pantau, refused, "pantau", decided.order, numbers.locale)
        result.numbers = numbers
        note = dates_read(decided, header[columns.index("date")][:60])
        result.dates = [note] if note is not None else []
        return _with_warnings(result, table)
    rows: list[Sequence[object]] = [header, *(_cells(row) for row in table.rows)]
    lines = [table.header_line, *(row.line for row in table.rows)]
    jisdor = read_jisdor(rows, lines=lines, date_order=date_order)
    if jisdor is None:
        raise FxError(
            N_("The FX file has no {columns} column (header: {header})"),
            columns=", ".join(missing),
            header=", ".join(header),
        )
    # A flagged row read as a rate or refused for its cells is refused for what the reader found (a note line
    # under the table that the download cut short is still only a note).
    read = {line for line, _day, _rate in jisdor.rates} | {line for line, _reason in jisdor.problems}
    records: list[tuple[int, object, object, object, object, str]] = [
        (row, day, "USD", "IDR", rate, JISDOR_SOURCE) for row, day, rate in jisdor.rates if row not in flagged
    ]
    problems: list[tuple[int, str | Message]] = [(n, reason) for n, reason in jisdor.problems if n not in flagged]
    problems += _flag_problems({line: flags for line, flags in flagged.items() if line in read})
    return _with_warnings(_store_rates(session, actor, records, problems, "jisdor"), table)


def _pantau_date_order(
    header: Sequence[str], columns: list[str | None], rows: Sequence[Row], chosen: DateOrderCode | None
) -> DateOrder:
    """The order of the date column's numeric dates (`db.parse.decide_date_order`), the reader's flagged rows
    left out: `chosen`, else its values, else its header's language (`Tanggal`: day first)."""
    at = columns.index("date")
    locale = "id" if header[at].strip().lower() in BAHASA_DATE_HEADERS else None
    cells = [(row.line, row.cells[at]) for row in rows]
    return decide_date_order(cells, column=header[at][:60], locale=locale, chosen=chosen, fix=date_order_fix())


def date_order_needed(data: bytes | str) -> bool:
    """Whether a Pantau-format FX file's numeric dates read both ways and neither their values nor the date
    column's header decide (`03/11/2026` and `04/11/2026` under `date`): a page then asks for the date order.
    False for every other file (JISDOR is Indonesian: day first), and for a file the import refuses anyway."""
    try:
        table = _read_file(data)
    except FxError:
        return False
    header = list(table.header)
    columns = [HEADER_ALIASES.get(h.lower()) for h in header]
    if any(c not in columns for c in ("date", "from", "to", "rate")):
        return False
    flagged = _flagged_rows(table)
    sound = [row for row in table.rows if row.line not in flagged]
    return _pantau_date_order(header, columns, sound, None).needs_choice


def decimal_mark_needed(data: bytes | str) -> bool:
    """Whether a Pantau-format FX file has a rate refused for reading two ways (`1.345` under English headers:
    1.345 or 1345) because no rate settles the decimal mark: a page then asks for the decimal mark. False for
    every other file (JISDOR decides its own), and for a file the import refuses anyway (its rates prove both
    marks, a header naming a column twice)."""
    try:
        table = _read_file(data)
        header = list(table.header)
        columns = [HEADER_ALIASES.get(h.lower()) for h in header]
        if any(c not in columns for c in ("date", "from", "to", "rate")):
            return False
        _refuse_repeated(header, columns)
        numbers = _rate_numbers(table, header, columns)
    except FxError:
        return False
    if numbers.proven:
        return False
    flagged = _flagged_rows(table)
    at, column = columns.index("rate"), header[columns.index("rate")]
    return any(
        _rate_problem(row.cells[at].strip(), column, numbers) is not None
        for row in table.rows
        if row.line not in flagged and at not in row.numbers
    )


def _with_warnings(result: ImportResult, table: Table) -> ImportResult:
    """The file's warnings on the result, never a refusal: a last row without a line break may be cut inside its
    last cell (`2026-07-02,USD,IDR,16234.5` cut to `16234`), which no rule can tell from a complete file."""
    cut = unterminated_warning(table)
    if cut is not None:
        result.warnings.append(cut)
    return result


_Record = tuple[int, object, object, object, object, str]


def _flagged_rows(table: Table) -> dict[int, tuple[Message, ...]]:
    """Rows the reader flagged (a download cut mid-row, more cells than the header, a formula without its value):
    refused whole with the reader's reasons, never padded with blanks or read from the cells that are there."""
    return {row.line: row.problems for row in table.rows if row.problems}


def _flag_problems(flagged: dict[int, tuple[Message, ...]]) -> list[tuple[int, str | Message]]:
    return [(line, message) for line, messages in flagged.items() for message in messages]


def _refuse_repeated(header: list[str], columns: list[str | None]) -> None:
    """A header naming a column twice (`rate,rate`, or `rate` and `kurs`) is refused: which one holds the rate?"""
    seen: dict[str, str] = {}
    for cell, column in zip(header, columns, strict=True):
        key = column or cell.strip().lower()
        if not key:
            continue
        if key in seen:
            raise FxError(
                N_("The FX file's header has {column} twice ({first} and {second}); keep one column."),
                column=column or cell,
                first=seen[key],
                second=cell,
            )
        seen[key] = cell


def _rate_numbers(
    table: Table, header: Sequence[str], columns: list[str | None], chosen: str | None = None
) -> NumberRule:
    """The rate column's number convention, decided once for the file by the one rule of every import
    (`campaigns.number_rule.decide`): the decimal mark `chosen` by the person, else a rate that proves its marks
    (`15.750,25`, `1.250.000`: Indonesian; `15,750.25`, `0.0000634`: English), else the header language
    (`Tanggal;Dari;Ke;Kurs`: Indonesian). A file whose rates prove both, without a choice, is an `FxError` naming
    the column and two rows: nothing is written."""
    at = columns.index("rate")
    words = [cell.strip().lower() for cell in header]
    bahasa = sum(1 for word in words if word in BAHASA_HEADERS)
    english = sum(1 for word in words if word in HEADER_ALIASES and word not in BAHASA_HEADERS)
    language = "id" if bahasa > english else "en"
    numbers = decide(table, [(table.keys[at], None)], language, RATE_TEXTS, chosen=chosen)
    if numbers.mixed is not None:
        raise FxError(numbers.mixed, column=header[at][:60])
    return numbers


def _rate_problem(value: str, column: str, numbers: NumberRule) -> Message | None:
    """Why a rate written as text cannot be read in a convention its header language chose (no rate proves one):
    `15.750` under English headers (or `15,750` under Bahasa ones) is 15.75 or 15750, and no rule knows a rate's
    size, so the row is refused with both readings (`figure_problem`) rather than stored a thousand times off, with
    how to choose the decimal mark (`decimal_mark_fix`). The grouped reading the headers choose (`15.750` under
    `Kurs`) is read; in a file whose rates prove the convention every rate is read by it. A mark the person chose
    reads every rate; only a rate proving the other mark is refused. A workbook's number cell is not text and
    never comes here (`_pantau_records`)."""
    if numbers.proven:
        return None
    problem = figure_problem(value, None, numbers, RATE_TEXTS)
    fix = {"column": column[:60], "fix": decimal_mark_fix()}
    return None if problem is None else Message(problem.text, {**problem.params, **fix})


def _pantau_records(
    rows: Sequence[Row],
    header: Sequence[str],
    columns: list[str | None],
    source: str,
    numbers: NumberRule,
) -> tuple[list[_Record], list[tuple[int, str | Message]]]:
    """The rows as records to store, and the rows refused for a rate that reads two ways (`_rate_problem`). A
    workbook's number cell (`db.tabular.Row.numbers`: `1.085` whatever the sheet's language) is the rate it holds
    (`campaigns.number_rule.workbook_figure`), never refused as reading two ways."""
    at = columns.index("rate")
    column = header[at]
    records: list[_Record] = []
    refused: list[tuple[int, str | Message]] = []
    for row in rows:
        record = {col: row.cells[i] for i, col in enumerate(columns) if col}
        rate = record["rate"].strip()
        if at in row.numbers:
            rate = workbook_figure(rate, numbers)
        else:
            problem = _rate_problem(rate, column, numbers)
            if problem is not None:
                refused.append((row.line, problem))
                continue
        row_source = (record.get("source") or source).strip()
        records.append((row.line, record["date"], record["from"], record["to"], rate, row_source))
    return records, refused


def _store_rates(
    session: Session,
    actor: Actor,
    records: list[_Record],
    refused: Sequence[tuple[int, str | Message]],
    file_format: str,
    order: DateOrderCode | None = None,
    locale: str = "en_US",
) -> ImportResult:
    created = updated = 0
    problems: list[tuple[int, Message]] = [(number, as_message(reason)) for number, reason in refused]
    if records:
        # Two imports of rates at once: the second waits, then updates what the first saved (docs/deployment.md).
        write_turn(session, "fx-rates", Message(FX_RATES_TURN))
    seen: set[tuple[dt.date, str, str]] = set()
    for number, day_cell, src_cell, dst_cell, rate_cell, row_source in records:
        try:
            day = _date(day_cell, order)
            src, dst = _code(str(src_cell), "from"), _code(str(dst_cell), "to")
            if (day, src, dst) in seen:
                raise FxError(N_("{pair} {day} appears twice in the file"), pair=f"{src}->{dst}", day=Day(day))
            seen.add((day, src, dst))
            exists = session.scalar(
                select(FxRate.id).where(FxRate.date == day, FxRate.from_currency == src, FxRate.to_currency == dst)
            )
            with savepoint(session):
                set_rate(session, actor, day, src, dst, rate_cell, row_source, locale=locale)  # type: ignore[arg-type]
        except FxError as exc:
            problems.append((number, exc.message))
            continue
        if exists:
            updated += 1
        else:
            created += 1
    problems.sort(key=lambda problem: problem[0])
    errors = [f"row {n}: {reason}" for n, reason in problems]
    return ImportResult(created, updated, errors, file_format, problems)


# --- Reading files ----------------------------------------------------------------------------------------


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _fx_header_score(cells: Sequence[str]) -> float:
    """How much a row looks like an FX file's header: Pantau's column names or JISDOR's Tanggal/Kurs/No."""
    words = [_header_word(cell) for cell in cells if cell]
    known = JISDOR_DATE_HEADERS | JISDOR_RATE_HEADERS | JISDOR_OTHER_HEADERS
    return float(sum(1 for word in words if word in HEADER_ALIASES or word in known))


def _read_file(data: bytes | str) -> Table:
    """The file as a table through the one tabular reader (limits, encodings, delimiters, XLSX/XLS)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        return read_table(raw, "fx-rates", header=_fx_header_score, limits=FX_LIMITS)
    except TabularError as exc:
        if "header" in exc.message.text.lower():
            raise FxError(
                N_("The FX file has no header row date,from,to,rate[,source] (or JISDOR's Tanggal,Kurs).")
            ) from None
        raise FxError(exc.message) from None  # the reader's one sentence, as the FX import's own refusal


def _cells(row: Row) -> list[object]:
    """A row's cells for the JISDOR reader, a workbook's number cells (`db.tabular.Row.numbers`) as the numbers they
    hold: the reader writes them as plain text (`16201.5`), which must not count as a decimal-point style when the
    sheet's text cells write `16.190,00`. Every text cell stays text (`16.234` written as text included)."""
    return [Decimal(cell) if position in row.numbers else cell for position, cell in enumerate(row.cells)]


def file_rows(data: bytes | str) -> list[list[object]]:
    """The non-blank rows of an FX file as text cells (title lines, header, data), read by the tabular reader."""
    table = _read_file(data)
    rows: list[list[object]] = [list(row.cells) for row in table.preamble]
    rows.append(list(table.header))
    rows += [list(row.cells) for row in table.rows]
    return rows


# --- Bank Indonesia JISDOR --------------------------------------------------------------------------------

JISDOR_SOURCE = "jisdor"
# JISDOR is IDR per 1 USD (about 9,700 in 2013, 16,000-17,000 in 2025): anything far outside is a wrong column
# or a misread number, refused rather than stored.
JISDOR_MIN, JISDOR_MAX = Decimal(1000), Decimal(100_000)
JISDOR_DATE_HEADERS = frozenset({"tanggal", "tgl", "date"})
JISDOR_RATE_HEADERS = frozenset({"kurs", "kurs jisdor", "jisdor", "kurs referensi", "kurs referensi jisdor"})
JISDOR_OTHER_HEADERS = frozenset({"no", "nomor"})
JISDOR_FIRST_DAY, JISDOR_LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
_HEADER_SEARCH_ROWS = 20


@dataclass
class JisdorTable:
    """Rates read from a JISDOR download, (row number, day, IDR per USD), and the rows refused, (row, reason)."""

    rates: list[tuple[int, dt.date, Decimal]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _header_word(cell: object) -> str:
    word = re.sub(r"\(.*?\)", " ", _text(cell).lower())  # "Kurs (Rp)" -> "kurs"
    return " ".join(word.replace(":", " ").split()).rstrip(".")


def jisdor_header(rows: Sequence[Sequence[object]]) -> tuple[int, int, int] | None:
    """Where a JISDOR table starts: (header row index, date column, rate column), or None.

    The header row (after any title lines) has one `Tanggal` column, one `Kurs` column (or `JISDOR`,
    `Kurs Referensi`, ...) and nothing else but a `No` column: a file with currency or other columns is some
    other table and is never read as IDR per USD."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        words = [_header_word(c) for c in row]
        dates = [i for i, w in enumerate(words) if w in JISDOR_DATE_HEADERS]
        rates = [i for i, w in enumerate(words) if w in JISDOR_RATE_HEADERS]
        others = [w for i, w in enumerate(words) if w and i not in dates and i not in rates]
        if len(dates) == 1 and len(rates) == 1 and all(w in JISDOR_OTHER_HEADERS for w in others):
            return index, dates[0], rates[0]
    return None


def read_jisdor(
    rows: Sequence[Sequence[object]],
    lines: Sequence[int] | None = None,
    *,
    date_order: DateOrderCode | None = None,
) -> JisdorTable | None:
    """Read Bank Indonesia's "Kurs Referensi JISDOR" download from rows of cells (CSV or XLSX), or None when
    the rows are not shaped like it.

    Dates: ISO, numeric in the order decided once for the column (`db.parse.decide_date_order`: `date_order`
    when given, else a part above 12, else the file's language: day/month/year, Indonesian, unless a time with
    AM/PM says the site wrote it in US English, month/day/year; a column written both ways is an `FxError`
    naming two rows), `30 Oktober 2026` / `30 Okt 2026` / `30 October 2026`, or XLSX dates.
    Rates: IDR per 1 USD as `16.234,00`, `16,234.00`, `Rp 16.234`, or XLSX numbers; the decimal mark is decided
    once for the whole file. Rows without a date and a rate (notes under the table) are skipped."""
    found = jisdor_header(rows)
    if found is None:
        return None
    header, date_col, rate_col = found
    number = (lambda index: lines[index]) if lines is not None else (lambda index: index + 1)
    body = [(number(index), list(rows[index])) for index in range(header + 1, len(rows))]
    cells = [(n, _cell(r, date_col), _cell(r, rate_col)) for n, r in body if any(_text(c) for c in r)]
    table = JisdorTable()
    dates = [(n, d) for n, d, _r in cells]
    decided = decide_date_order(
        dates,
        column=_text(_cell(rows[header], date_col))[:60],
        locale="en_US" if any(_written_am_pm(d) for _n, d in dates) else "id",
        chosen=date_order,
        fix=date_order_fix(),
    )
    if decided.problem is not None:
        raise FxError(decided.problem)
    month_first = decided.order == "mdy"
    decimal_mark = _decimal_mark([r for _n, _d, r in cells if isinstance(r, str)])
    for line_no, day_cell, rate_cell in cells:
        day = _jisdor_day(day_cell, month_first)
        if not _text(rate_cell) and (day is None or isinstance(day, str)):
            continue  # a note or footer line
        try:
            if day is None or isinstance(day, str):
                raise FxError(N_("Tanggal: {value!r} is not a date between 2000 and 2100"), value=_text(day_cell))
            rate = _jisdor_rate(rate_cell, decimal_mark)
        except FxError as exc:
            table.problems.append((line_no, str(exc)))
            continue
        table.rates.append((line_no, day, rate))
    return table


def _cell(row: Sequence[object], column: int) -> object:
    return row[column] if column < len(row) else None


_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*([AaPp][Mm])?)?")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NAMED_DAY = re.compile(r"(?:[^\W\d]+,\s*)?(\d{1,2})[\s-]+([^\W\d]+)\.?[\s-]+(\d{4})")


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {"agt": 8, "sept": 9}  # common Indonesian and English short forms Babel lacks
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[name.lower()] = number
    return names


_MONTHS = _month_names()


def _written_am_pm(cell: object) -> bool:
    """Whether a date cell carries a time with AM/PM (`10/30/2026 12:00:00 AM`): written in US English."""
    match = _NUMERIC_DAY.fullmatch(_text(cell)) if isinstance(cell, str) else None
    return bool(match and match[4])


def _jisdor_day(cell: object, month_first: bool) -> dt.date | str | None:
    """The date of a cell, or the cell's text when it is not one (None when empty)."""
    day: dt.date | None
    if isinstance(cell, dt.datetime):
        day = cell.date()
    elif isinstance(cell, dt.date):
        day = cell
    else:
        text = _text(cell)
        if not text:
            return None
        day = None
        try:
            if match := _ISO_DAY.fullmatch(text):
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            elif match := _NUMERIC_DAY.fullmatch(text):
                first, second = int(match[1]), int(match[2])
                month, dom = (first, second) if month_first else (second, first)
                day = dt.date(int(match[3]), month, dom)
            elif (match := _NAMED_DAY.fullmatch(text)) and match[2].lower() in _MONTHS:
                day = dt.date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        except ValueError:
            day = None
        if day is None:
            return text
    if not JISDOR_FIRST_DAY <= day <= JISDOR_LAST_DAY:
        return day.isoformat()
    return day


_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:[.,]?\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def _number_text(cell: str) -> str:
    text = re.sub(r"(?i)^\s*(rp|idr)\.?", "", cell).replace("\u00a0", "").replace(" ", "")
    return text


def _decimal_mark(cells: Iterable[str]) -> str | None:
    """`,` or `.` when the file's rates show which one is the decimal mark, else None (integers, or only
    thousands groups such as `16.234`). Mixed styles are refused."""
    marks: set[str] = set()
    for cell in cells:
        text = _number_text(cell)
        if "," in text and "." in text:
            marks.add("," if text.rfind(",") > text.rfind(".") else ".")
        elif (sep := "," if "," in text else "." if "." in text else "") and not re.fullmatch(
            rf"\d{{1,3}}(?:\{sep}\d{{3}})+", text
        ):
            marks.add(sep)
    if len(marks) > 1:
        raise FxError(N_("The Kurs column mixes 16.234,00 and 16,234.00 number styles; use one."))
    return marks.pop() if marks else None


def _jisdor_rate(cell: object, decimal_mark: str | None) -> Decimal:
    if isinstance(cell, bool) or cell is None:
        raise FxError(N_("Kurs: the cell is empty"))
    if isinstance(cell, int | float | Decimal):
        # XLSX numbers arrive as floats: their shortest repr is the number Excel shows.
        try:
            rate = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        except InvalidOperation:
            raise FxError(N_("Kurs: {value!r} is not a number"), value=cell) from None
    else:
        text = _number_text(str(cell))
        if not text:
            raise FxError(N_("Kurs: the cell is empty"))
        if not _PLAIN_NUMBER.fullmatch(text):
            raise FxError(N_("Kurs: {value!r} is not a number such as 16.234,00"), value=str(cell).strip())
        mark = decimal_mark or ("," if "." in text else ".")  # without a decimal mark, separators group thousands
        try:
            rate = parse_decimal(text, locale="id" if mark == "," else "en", strict=True)
        except NumberFormatError:
            raise FxError(N_("Kurs: {value!r} is not a number such as 16.234,00"), value=str(cell).strip()) from None
    if not rate.is_finite() or not JISDOR_MIN <= rate <= JISDOR_MAX:
        raise FxError(
            N_("Kurs: {value} is not a rupiah per US dollar rate (expected {low} to {high})"),
            value=str(cell).strip(),
            low=f"{JISDOR_MIN:,}",
            high=f"{JISDOR_MAX:,}",
        )
    return rate


def list_rates(session: Session, since: dt.date | None = None, until: dt.date | None = None) -> list[FxRate]:
    stmt = select(FxRate).order_by(FxRate.date.desc(), FxRate.from_currency, FxRate.to_currency)
    if since:
        stmt = stmt.where(FxRate.date >= since)
    if until:
        stmt = stmt.where(FxRate.date <= until)
    return list(session.scalars(stmt))


class Rates:
    """The rate from any currency to any other on a day, under one FX policy: every finance rate dated in the
    range is loaded once (so it keeps working after the session closes), and one `RateBook` per target currency,
    crossing through the workspace's reporting currency (`pivot`), is made on first need. What the Budgets page's
    plans in their own currency, the reporting-currency totals and the exports (`RateBook` with the same pivot)
    convert with."""

    def __init__(
        self,
        session: Session,
        since: dt.date,
        until: dt.date,
        policy: str | None = None,
        pivot: str | None = None,
        reference: ReferenceRates | None = None,
    ) -> None:
        self.since, self.until = since, until
        self.policy = _check_policy(policy or fx_policy(session))
        self.pivot = (pivot or reporting_currency(session)).upper()
        self._reference = reference
        self._rows = load_rates(session, since, until)
        self._books: dict[str, RateBook] = {}

    def book(self, target: str) -> RateBook:
        """The rate book into `target` (crossing through the pivot), made once."""
        code = target.upper()
        found = self._books.get(code)
        if found is None:
            found = self._books[code] = RateBook(
                None, code, self.since, self.until, self.policy, self._reference, pivot=self.pivot, rows=self._rows
            )
        return found

    @property
    def missing(self) -> list[MissingRate]:
        """Every (pair, day or month) asked for without a rate so far, over every target, sorted."""
        return sorted({m for book in self._books.values() for m in book.missing})

    def try_rate(self, source: str, target: str, day: dt.date) -> UsedRate | None:
        """THE rate from `source` to `target` for a figure dated `day` under the policy, or None."""
        return self.book(target).try_rate(source, day)

    def convert_or_none(self, amount: Decimal, source: str, target: str, day: dt.date) -> Decimal | None:
        """`amount` in `target` at its precision (the same currency: unchanged), or None without a rate."""
        if source.upper() == target.upper():
            return amount
        converted = self.book(target).convert_or_none(amount, source, day)
        return None if converted is None else converted[0]


def converter(
    session: Session,
    since: dt.date,
    until: dt.date,
    targets: tuple[str, ...] = (),
    policy: str | None = None,
    pivot: str | None = None,
) -> Callable[[Decimal, str, str, dt.date], Decimal | None]:
    """A converter for pages' totals and plans: (amount, from, to, day) -> amount in `to`, or None without a rate
    (`Rates.convert_or_none`: into any currency, directly or crossed through the reporting currency).

    Finance's rates of the range are loaded now, so the converter keeps working after the session closes; the
    books of `targets` are made now too (others on first use).
    """
    rates = Rates(session, since, until, policy, pivot)  # pivot: the reporting currency when the caller has it
    for target in targets:
        rates.book(target)
    return rates.convert_or_none
