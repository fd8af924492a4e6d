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

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight
from finance.fx import RateBook, Rates, UsedRate, convert_dated

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


def day_converter(
    session: Session, since: dt.date, until: dt.date, target: str, policy: str | None = None, pivot: str | None = None
) -> DayConverter:
    """A `DayConverter` into `target` with finance's rates of since..until loaded now (it works after the session
    closes); `pivot`: the reporting currency when the caller has it (else it is worked out again)."""
    return DayConverter(Rates(session, since, until, policy, pivot).book(target))


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
