"""Pages' figures in the reporting currency, by the exports' one conversion rule.

A page's reporting-currency total is what finance gets by adding up an export's rows for the same period and
scope: every dated amount (a campaign's day, as `campaign-daily` writes it; a ledger line's day, as
`marketing-spend` adds it) is converted on its own at the rate of its day under the FX policy and rounded to the
reporting currency (`finance.fx.convert_dated`), and the total adds those rounded amounts. Converting a
currency's (or a scope's) total once would round once and differ from the files by the roundings of the days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.money import precision
from finance.fx import MissingRate, RateBook, Rates, UsedRate, convert_dated, reporting_currency_later

ZERO = Decimal(0)
# One dated amount: its day, its currency, the amount (rounded to the currency as the file writes it).
Dated = tuple[dt.date, str, Decimal]
RateOf = Callable[[str, dt.date], UsedRate | None]


@dataclass(frozen=True)
class ConvertedSum:
    """Dated amounts converted one by one and added: `total` None when a rate was missing; `sources` the rates'
    sources (`finance`, `ecb_reference`, `same_currency`) of the amounts converted."""

    total: Decimal | None
    sources: frozenset[str]


def converted_sum(dated: Iterable[Dated], rate: RateOf, target: str) -> ConvertedSum:
    """THE reporting-currency sum of dated amounts, as every export adds them: each amount converted at
    `rate(currency, day)` (the FX policy's rate of that day) and rounded to `target` (`convert_dated`), then added.
    Stops at the first amount without a rate (`total` None); `rate` may raise instead (strict exports)."""
    total, sources = ZERO, set[str]()
    for day, currency, amount in dated:
        used = rate(currency, day)
        if used is None:
            return ConvertedSum(None, frozenset(sources))
        total += convert_dated(amount, currency, used, target)
        sources.add(used.source)
    return ConvertedSum(total, frozenset(sources))


class DayConverter:
    """Dated amounts -> their sum in the book's target currency by `converted_sum` (None when a rate is missing).
    Pages make it with `day_converter` (`finance.fx.Rates`: the exports' `RateBook`, crossing through the
    reporting currency). What `budgets.overview.budget_overview` takes as `spent_converter`."""

    def __init__(self, book: RateBook) -> None:
        self.book = book
        self.target = book.target
        self._rates: dict[tuple[str, dt.date], UsedRate | None] = {}
        self._factors: dict[tuple[str, dt.date], _Factor | None] = {}

    def rate(self, currency: str, day: dt.date) -> UsedRate | None:
        """The book's rate of (currency, day), looked up once per pair and day: a page converts thousands of
        campaigns' days, most of them sharing their currency and day (the book's rates are fixed once loaded)."""
        key = (currency, day)
        try:
            return self._rates[key]
        except KeyError:
            found = self._rates[key] = self.book.try_rate(currency, day)
            return found

    def __call__(self, dated: Iterable[Dated]) -> Decimal | None:
        return converted_sum(dated, self.rate, self.target).total

    def units_sum(self, dated: Iterable[tuple[dt.date, str, int]], scale: int) -> Decimal | None:
        """`__call__` of amounts given as integers of 10^-`scale` units (as SQLite stores money; `db.types.Money.
        units_from_stored`): the same rule (`convert_dated`: the amount rounded half-up to its currency, times its
        day's rate, rounded half-up to the target, then added) in Python integers, which a page converting tens of
        thousands of campaign days needs (Decimal quantizing costs a few microseconds an amount). A product past
        Decimal's 28 digits (where `convert_dated` rounds it first) goes through `convert_dated` itself, so the two
        never differ (tests/finance/test_units_sum.py). None when a rate is missing."""
        places = precision(self.target)
        total = 0
        for day, currency, units in dated:
            convert = self.units_converter(currency, day, scale)
            if convert is None:
                return None
            total += convert(units)
        return Decimal(total).scaleb(-places)

    def units_array_converter(
        self, currency: str, day: dt.date, scale: int
    ) -> Callable[[np.ndarray], np.ndarray] | None:
        """`units_converter` over an int64 array of amounts at once (numpy; the converted amounts as an object
        array of Python integers, exact): what converting every campaign's amount of one day and currency calls."""
        if self.units_converter(currency, day, scale) is None:
            return None
        return self._factors[(currency, day)].convert_many  # type: ignore[union-attr]

    def units_converter(self, currency: str, day: dt.date, scale: int) -> Callable[[int], int] | None:
        """`units_sum`'s rule for one amount of (currency, day), given and returned as integers: 10^-`scale` units
        in, the converted amount out in units of the target's places (10^-`precision(target)`); None when the
        day has no rate. Looked up once per (currency, day): what a caller converting every campaign's amount of
        one day and currency asks once for them all (`budgets.overview.converted_spent`)."""
        key = (currency, day)
        factor = self._factors.get(key, _UNSEEN)
        if factor is _UNSEEN:
            used = self.rate(currency, day)
            places = precision(self.target)
            factor = self._factors[key] = (
                None if used is None else _Factor.of(currency, used, scale, places, self.target)
            )
        return None if factor is None else factor.convert


_UNSEEN: Any = object()
_DIGITS = 10**28  # Decimal's default context precision: a product this long is rounded by Decimal arithmetic
_INT64 = 2**63


@dataclass(frozen=True)
class _Factor:
    """How `DayConverter.units_sum` converts one (currency, day)'s amounts of 10^-scale units: multiply by `up1`,
    divide by `down1` rounding half-up (the amount at its currency's places), multiply by the rate's digits
    (`mantissa`), then by `up2` and divide by `down2` rounding half-up (the target's places)."""

    up1: int
    down1: int
    half1: int
    mantissa: int
    up2: int
    down2: int
    half2: int
    used: UsedRate
    currency: str
    target: str
    scale: int
    places: int

    def convert(self, units: int) -> int:
        """One amount of 10^-scale units converted, in units of the target's places: to its currency's places,
        times the rate's digits, to the target's places, half-up (a tie away from zero, as Decimal's ROUND_HALF_UP),
        each step as (n x up + half) // down on |n|; a product past Decimal's 28 digits through `convert_dated`."""
        n = units * self.up1
        own = (n + self.half1) // self.down1 if n >= 0 else -((self.half1 - n) // self.down1)
        product = own * self.mantissa
        if -_DIGITS < product < _DIGITS:
            n = product * self.up2
            return (n + self.half2) // self.down2 if n >= 0 else -((self.half2 - n) // self.down2)
        amount = Decimal(units).scaleb(-self.scale)
        return int(convert_dated(amount, self.currency, self.used, self.target).scaleb(self.places))

    def convert_many(self, units: np.ndarray) -> np.ndarray:
        """`convert` of every amount of an int64 array, as an object array of Python integers: in int64 numpy
        steps (the same floor divisions) when no step can leave int64 or reach Decimal's 28 digits, else one by
        one through `convert` (tests/finance/test_units_sum.py holds the two equal)."""
        if not len(units):
            return np.zeros(0, dtype=object)
        top = max(abs(int(units.max())), abs(int(units.min())))
        own_top = (top * self.up1 + self.half1) // self.down1 + 1
        product_top = own_top * abs(self.mantissa)
        fits = max(
            top * self.up1 + self.half1,
            product_top * self.up2 + self.half2,
            self.up1,
            self.down1,
            abs(self.mantissa),
            self.up2,
            self.down2,
        )
        if fits >= _INT64 or product_top >= _DIGITS:
            return np.array([self.convert(u) for u in units.tolist()], dtype=object)
        n = units * self.up1
        own = np.where(n >= 0, (n + self.half1) // self.down1, -((self.half1 - n) // self.down1))
        n = own * self.mantissa * self.up2
        return np.where(n >= 0, (n + self.half2) // self.down2, -((self.half2 - n) // self.down2)).astype(object)

    @classmethod
    def of(cls, currency: str, used: UsedRate, scale: int, places: int, target: str) -> _Factor:
        sign, digits, exponent = used.rate.as_tuple()
        mantissa = int("".join(map(str, digits)) or "0")
        own = precision(currency)
        shift1, shift2 = scale - own, own - int(exponent) - places  # digits to drop (negative: to add)
        up1, down1 = 10 ** max(-shift1, 0), 10 ** max(shift1, 0)
        up2, down2 = 10 ** max(-shift2, 0), 10 ** max(shift2, 0)
        return cls(
            up1,
            down1,
            down1 // 2,
            -mantissa if sign else mantissa,
            up2,
            down2,
            down2 // 2,
            used,
            currency,
            target,
            scale,
            places,
        )


def day_converter(
    session: Session, since: dt.date, until: dt.date, target: str, policy: str | None = None, pivot: str | None = None
) -> DayConverter:
    """A `DayConverter` into `target` with finance's rates of since..until loaded now (it works after the session
    closes); `pivot`: the reporting currency when the caller has it (else it is worked out again)."""
    return DayConverter(Rates(session, since, until, policy, pivot).book(target))


class LateReporting:
    """The reporting currency and the converters into it, to be had later: made before a page's other reads, it
    starts the reporting currency's scan beside them (`finance.fx.reporting_currency_later`); its first call
    waits for the currency and makes what the pages made before their reads: `fx.Rates` of since..until crossing
    through it (the plans' and totals' converter, `Rates.convert_or_none`) and a `day_converter` into it (the
    day-by-day spent), the same objects and so the same figures. What `budgets.overview.budget_overview` takes
    as `reporting` (it calls it where the currency is first needed). Call it while the session is open."""

    def __init__(self, session: Session, since: dt.date, until: dt.date, policy: str | None = None) -> None:
        self._session, self._since, self._until, self._policy = session, since, until, policy
        self._currency = reporting_currency_later(session)
        self._made: tuple[str, Rates, DayConverter] | None = None

    def __call__(self) -> tuple[str, Callable[[Decimal, str, str, dt.date], Decimal | None], DayConverter]:
        """(reporting currency, converter, spent converter), made on the first call."""
        currency, rates, spent = self.made
        return currency, rates.convert_or_none, spent

    @property
    def made(self) -> tuple[str, Rates, DayConverter]:
        if self._made is None:
            currency = self._currency()
            session, since, until, policy = self._session, self._since, self._until, self._policy
            rates = Rates(session, since, until, policy, pivot=currency)
            self._made = (currency, rates, day_converter(session, since, until, currency, policy, pivot=currency))
        return self._made

    @property
    def currency(self) -> str:
        return self.made[0]

    @property
    def missing(self) -> list[MissingRate]:
        """Every rate asked for and missing, by the plans' converter or the day-by-day spent, sorted."""
        _currency, rates, spent = self.made
        return sorted(set(rates.missing) | set(spent.book.missing))


def campaign_spend_in(
    session: Session, since: dt.date, until: dt.date, convert_days: Callable[[Iterable[Dated]], Decimal | None]
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Per campaign (pk) with insights in since..until: its spend and conversion value in the target currency of
    `convert_days` (a `DayConverter`), each day converted as `campaign-daily` writes its `spend_reporting`
    (None when a day has no rate). One query over the period's insights (the export's rows: campaigns of an ad
    account), grouped here per campaign."""
    stmt = (
        select(
            CampaignInsight.campaign_id,
            CampaignInsight.date,
            CampaignInsight.currency,
            CampaignInsight.spend,
            CampaignInsight.conversion_value,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(since, until))
    )
    spend: dict[int, list[Dated]] = {}
    value: dict[int, list[Dated]] = {}
    for cid, day, currency, amount, worth in session.execute(stmt):
        spend.setdefault(cid, []).append((day, currency, amount))
        value.setdefault(cid, []).append((day, currency, worth or ZERO))
    return {cid: (convert_days(days), convert_days(value[cid])) for cid, days in spend.items()}
