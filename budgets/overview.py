"""The Budgets overview for a period: every scope paced (as columns), totals per currency, and spend by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Integer, Numeric, cast, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from budgets import pacing
from budgets.models import SCOPE_CAMPAIGN, SCOPE_PROGRAM
from budgets.pacing import ZERO, PacingInput
from budgets.pacing_frame import ScopeFrame, Verdicts, pace_columns, statuses
from budgets.plans import plans_for_period
from budgets.scopes import (
    CampaignScopes,
    _as_date,
    _dec,
    account_plan_names,
    campaign_scopes,
    program_inputs,
    rollup_inputs,
    start_spend_scan,
)
from campaigns.models import CampaignInsight
from db.calendar import Period, workspace_today
from db.columns import filled, objects
from db.errors import Message
from db.money import Converter, precision, quantize
from db.reads import beside
from db.types import SCALE, Money
from influencers import fees


class SpentConverter(Protocol):
    """Dated amounts -> their sum in the reporting currency, each converted on its own day and rounded as the
    exports write it (None when a rate is missing): `finance.reporting.DayConverter`, passed in by the pages
    (budgets cannot import finance). Dated Decimal amounts (`__call__`), or dated amounts in integer units of
    10^-scale (`units_sum`; `units_array_converter`: one (currency, day)'s int64 array of the campaigns' stored
    spend at once, converted one by one, as Python integers of the target's places), by the same rule."""

    def __call__(self, dated: Iterable[tuple[dt.date, str, Decimal]]) -> Decimal | None: ...

    def units_sum(self, dated: Iterable[tuple[dt.date, str, int]], scale: int) -> Decimal | None: ...

    def units_array_converter(self, currency: str, day: dt.date, scale: int) -> Callable[[Any], Any] | None: ...


@dataclass(frozen=True)
class CurrencyTotals:
    """Planned, spent, committed, projected and remaining in one currency. `remaining` is the sum of the planned
    scopes' plan minus their spent (a scope without a plan has no remaining); `plans` counts those scopes."""

    currency: str
    planned: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    remaining: Decimal = Decimal(0)
    unplanned_actual: Decimal = Decimal(0)
    plans: int = 0


@dataclass(frozen=True)
class PacingResults:
    """Every paced scope of a period as columns, one row per scope in the page's order (scope type, currency,
    name): what a `PacingInput` says about the scope that pages show, beside its verdict (`verdicts`, the
    `Pacing` fields as `pacing_frame.Verdicts` columns). Every column is a numpy array (object, int64 or bool).

    `pacings(rows)` builds whole `Pacing` objects only for the rows a caller needs them for (alerts, one scope
    opened on a chart); `BudgetOverview.pacings` builds them all for the callers that want objects."""

    period: Period
    scope_key: Any
    scope_type: Any
    name: Any
    currency: Any
    campaign_id: Any  # int or None
    plan_id: Any  # int or None
    today: Any  # the scope's today (an account's for campaigns), dt.date
    accruing: Any  # bool
    planned: Any  # Decimal or None
    actual: Any
    committed: Any
    verdicts: Verdicts
    source: Any  # int64: each row's index in [campaign rows of `campaigns`..., `others`...]
    campaigns: CampaignScopes
    others: list[PacingInput]

    def __len__(self) -> int:
        return len(self.scope_key)

    def rows(self, mask: Any) -> list[int]:
        """The row indexes where a boolean column (or expression over columns) holds."""
        return np.flatnonzero(np.asarray(mask, dtype=bool)).tolist()

    def inputs(self, rows: Sequence[int] | None = None) -> list[PacingInput]:
        """The `PacingInput` of each row (all rows when None), built from the campaigns' columns as needed."""
        picked = self.source.tolist() if rows is None else [int(i) for i in self.source[list(rows)]]
        n = len(self.campaigns.ids)
        wanted = sorted({i for i in picked if i < n})
        built = dict(zip(wanted, self.campaigns.inputs(wanted), strict=True))
        return [built[i] if i < n else self.others[i - n] for i in picked]

    def pacings(self, rows: Sequence[int] | None = None) -> list[pacing.Pacing]:
        """`Pacing` objects for `rows` (indexes, in that order; all rows when None), equal to `pacing.pace`."""
        chosen = list(range(len(self))) if rows is None else list(rows)
        verdicts = self.verdicts if rows is None else self.verdicts.take(np.array(chosen, dtype=np.int64))
        return verdicts.pacings(self.inputs(chosen))

    def totals(
        self,
        rows: Sequence[int] | None = None,
        converter: Converter | None = None,
        reporting_currency: str | None = None,
        actual_converted: Any = None,
    ) -> list[CurrencyTotals]:
        """`currency_totals` of `rows` (all rows when None); `actual_converted`: a column of every row's actual
        in the reporting currency, day by day (`budget_overview`'s `spent_converter`)."""
        pick: Any = slice(None) if rows is None else np.array(list(rows), dtype=np.int64)
        return currency_totals(
            self.scope_type[pick],
            self.currency[pick],
            self.planned[pick],
            self.actual[pick],
            self.committed[pick],
            self.verdicts.projected[pick],
            self.period.start,
            converter,
            reporting_currency,
            None if actual_converted is None else np.asarray(actual_converted, dtype=object)[pick],
        )

    @classmethod
    def of(cls, period: Period, campaigns: CampaignScopes, others: Sequence[PacingInput]) -> PacingResults:
        """Pace the campaigns' columns and the other scopes in one pass and sort the rows for the page."""
        others = list(others)
        frame = ScopeFrame.concat([campaigns.frame, ScopeFrame.of(others)])
        verdicts = pace_columns(frame)
        n, cf = len(campaigns.ids), campaigns.frame
        keys = [f"campaign:{cid}" for cid in campaigns.ids] + [o.scope_key for o in others]
        types = [SCOPE_CAMPAIGN] * n + [o.scope_type for o in others]
        names = campaigns.names + [o.name for o in others]
        currencies = campaigns.currencies + [o.currency for o in others]
        lowered = [m.lower() for m in names]
        order = [row[-1] for row in sorted(zip(types, currencies, lowered, range(len(keys)), strict=True))]
        take = np.array(order, dtype=np.int64)
        planned = objects([*cf.planned.tolist(), *(o.planned for o in others)])
        planned[np.flatnonzero(~cf.has_plan)] = None
        return cls(
            period=period,
            scope_key=objects(keys)[take],
            scope_type=objects(types)[take],
            name=objects(names)[take],
            currency=objects(currencies)[take],
            campaign_id=objects([*campaigns.ids, *(o.campaign_id for o in others)])[take],
            plan_id=objects([*campaigns.plan_ids, *(o.plan_id for o in others)])[take],
            today=objects([*campaigns.todays, *(o.today for o in others)])[take],
            accruing=frame.accruing[take],
            planned=planned[take],
            actual=frame.actual[take],
            committed=frame.committed[take],
            verdicts=verdicts.take(take),
            source=take,
            campaigns=campaigns,
            others=others,
        )


@dataclass(frozen=True)
class BudgetOverview:
    """Everything the Budgets page shows for one period."""

    period: Period
    today: dt.date  # the workspace's today
    results: PacingResults
    totals: list[CurrencyTotals]
    daily: list[dict]  # {date, currency, spend}: ad spend plus influencer payments per day
    notes: list[Message] = field(default_factory=list)
    # An ended period only (`ended`): per program scope key, the influencer fees committed in the period and not
    # recognised by its end (`influencers.fees.unrecognised_in`), in the program's currency; they are not in the
    # program's projection (an ended period projects what was spent).
    unrecognised: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        """Whether the period is over on the workspace's today and on every scope's own today (an ad account in a
        zone behind the workspace's may still be on the period's last day): every figure is then final."""
        end = self.period.end
        return end < self.today and all(day > end for day in self.results.today.tolist())

    def unrecognised_column(self) -> Any:
        """Per row of `results`: its fees committed and not recognised in the ended period, None where nothing."""
        return objects([self.unrecognised.get(key) for key in self.results.scope_key.tolist()])

    def unrecognised_total(self, rows: Sequence[int]) -> Decimal:
        """The sum of `unrecognised_column` over `rows` (one currency's rows, as the page's tiles pick them)."""
        keys = self.results.scope_key
        return sum((self.unrecognised.get(str(keys[i]), ZERO) for i in rows), ZERO)

    @cached_property
    def pacings(self) -> list[pacing.Pacing]:
        """One `Pacing` per scope, in `results` order (built on first use, for the callers that want objects)."""
        return self.results.pacings()

    def fees_recognised(self) -> dict[str, Decimal]:
        """Per program currency: the influencer fees recognised in the period on completed days (`influencers.fees`,
        the program scopes' "Spent" on the Budgets page; fees in another currency converted as the page does).
        Recognised, not paid: payments are the ledger's `paid` column. The Overview shows this figure."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        for p in self.pacings:
            if p.scope.scope_type == SCOPE_PROGRAM:
                out[p.scope.currency] += p.scope.actual
        return {cur: quantize(amount, cur) for cur, amount in sorted(out.items())}


_ADDED_UP = (SCOPE_CAMPAIGN, SCOPE_PROGRAM)  # channel and account plans overlap their members


def currency_totals(
    scope_types: Any,
    currencies: Any,
    planned: Any,
    actual: Any,
    committed: Any,
    projected: Any,
    day: dt.date | Sequence[dt.date],
    converter: Converter | None = None,
    reporting_currency: str | None = None,
    actual_converted: Any = None,
) -> list[CurrencyTotals]:
    """Tiles: campaign and program scopes added up per currency (channel and account plans overlap them, so they
    are left out), from columns row for row (`planned` None where a scope has no plan). With a converter and a
    reporting currency, amounts in other currencies are converted on `day` (one date, or one per row) into one
    row in that currency; a row without a rate stays in its own currency. Each currency's amounts are added in
    row order, starting from zero, then rounded to the currency.

    `actual_converted` (with the converter): per row, its actual in the reporting currency with each day
    converted and rounded as the exports write it (None without a rate). The reporting-currency row's spent
    (and spent without a plan) then adds those, for the rows in that currency too, so it equals the
    marketing-spend ledger's `actual_reporting` of the same days; a row in another currency whose days lack a
    rate stays in its own currency, and a row whose days all have one is converted even when `day` has none (its
    other amounts at the rate its spend used in effect)."""
    types = np.asarray(scope_types, dtype=object)
    added = np.isin(types, _ADDED_UP)
    if not added.any():
        return []
    rows = np.flatnonzero(added)
    cur = np.asarray(currencies, dtype=object)[rows].copy()
    plan_col = np.asarray(planned, dtype=object)[rows]
    has_plan = np.array([p is not None for p in plan_col.tolist()], dtype=bool)
    spent = np.asarray(actual, dtype=object)[rows]
    values = [
        objects([p or ZERO for p in plan_col.tolist()]),
        spent.copy(),
        np.asarray(committed, dtype=object)[rows].copy(),
        np.asarray(projected, dtype=object)[rows].copy(),
        filled(len(rows), ZERO),
    ]
    values[4][~has_plan] = spent[~has_plan]
    target = reporting_currency if converter and reporting_currency else None
    if converter is not None and target is not None:
        days = [day] * len(rows) if isinstance(day, dt.date) else [day[i] for i in rows.tolist()]
        by_day = None if actual_converted is None else np.asarray(actual_converted, dtype=object)[rows].tolist()
        # With `actual_converted`, spent and an unplanned row's remaining are replaced by the day-by-day figure, so
        # only planned, committed and projected are converted on `day`; a zero converts to zero once its (currency,
        # day) has a rate (`rated`: what the first conversion of the pair found). The same figures, fewer lookups.
        asked = (0, 2, 3) if by_day is not None else tuple(range(len(values)))
        rated: dict[tuple[str, dt.date], bool] = {}
        for j in range(len(rows)):
            spent_here = None if by_day is None else by_day[j]
            if cur[j] == target:
                converted: list[Decimal | None] = [v[j] for v in values]
            elif by_day is not None and spent_here is None:
                continue  # a day of its spend has no rate: it stays in its own currency
            else:
                source, on = cur[j], days[j]
                converted = [v[j] for v in values]  # spent and remaining: replaced below when not asked
                for i in asked:
                    amount = values[i][j]
                    if amount == 0 and rated.get((source, on)):
                        converted[i] = ZERO
                        continue
                    converted[i] = converter(amount, source, target, on)
                    rated.setdefault((source, on), converted[i] is not None)
                spent_raw = values[1][j]
                if spent_here is not None and spent_raw and any(v is None for v in converted):
                    # Every day of the spend had a rate but `day` (the period's first) has none, as under `daily`
                    # when rates start later in the month: the row's other amounts take the rate its spend used in
                    # effect (converted / spent, as marketing-spend writes `fx_rate` under `daily`), so the
                    # converted spent still equals the ledger's instead of the row staying in its own currency.
                    effective = spent_here / spent_raw
                    converted = [
                        quantize(v[j] * effective, target) if c is None else c
                        for c, v in zip(converted, values, strict=True)
                    ]
            if by_day is not None:
                converted[1] = spent_here
                if not has_plan[j]:
                    converted[4] = spent_here
            if not any(v is None for v in converted):
                for column, v in zip(values, converted, strict=True):
                    column[j] = v
                cur[j] = target
    out = []
    for code in sorted(set(cur.tolist())):
        mask = cur == code
        plans = int(np.count_nonzero(has_plan & mask))
        plan_sum, actual_sum, committed_sum, projected_sum, unplanned = (
            np.add.reduce(v[mask], initial=Decimal(0)) for v in values
        )
        out.append(
            CurrencyTotals(
                currency=code,
                planned=quantize(plan_sum, code),
                actual=quantize(actual_sum, code),
                committed=quantize(committed_sum, code),
                projected=quantize(projected_sum, code),
                remaining=quantize(plan_sum - (actual_sum - unplanned), code),  # planned scopes only
                unplanned_actual=quantize(unplanned, code),
                plans=plans,
            )
        )
    return out


def totals_by_currency(
    pacings: Iterable[pacing.Pacing], converter: Converter | None = None, reporting_currency: str | None = None
) -> list[CurrencyTotals]:
    """`currency_totals` of `Pacing` objects (each converted on its own period's start)."""
    ps = list(pacings)
    return currency_totals(
        [p.scope.scope_type for p in ps],
        [p.scope.currency for p in ps],
        [p.scope.planned for p in ps],
        [p.scope.actual for p in ps],
        [p.scope.committed for p in ps],
        [p.projected for p in ps],
        [p.scope.period.start for p in ps],
        converter,
        reporting_currency,
    )


def _ad_spend_by_day(session: Session, period: Period, until: dt.date) -> Future[list[tuple[Any, ...]]] | None:
    """The ad spend per day and currency from the period start to `until`, as stored (`Money.stored`), started at
    once beside the session (`db.reads.beside`); None when no day is in range."""
    end = min(period.end, until)
    if end < period.start:
        return None
    return beside(
        session,
        select(CampaignInsight.date, CampaignInsight.currency, Money.stored(func.sum(CampaignInsight.spend)))
        .where(CampaignInsight.date >= period.start, CampaignInsight.date <= end)
        .group_by(CampaignInsight.date, CampaignInsight.currency),
    )


def daily_spend(
    session: Session,
    period: Period,
    until: dt.date,
    *,
    recognition: str | None = None,
    fee_items: Sequence[fees.FeeAmount] | None = None,
    ads: Future[list[tuple[Any, ...]]] | None = None,
) -> list[dict]:
    """Per day and currency: ad spend plus influencer fees recognised (`influencers.fees`, as the program scopes
    count them), from the period start to `until`. `fee_items` are `fees.fee_amounts` of the whole period when
    the caller has read them already (those after `until` are left out here); `ads`: the ad spend read started
    earlier by `_ad_spend_by_day` for the same days."""
    end = min(period.end, until)
    if end < period.start:
        return []
    ads = ads or _ad_spend_by_day(session, period, until)
    rows = ads.result() if ads is not None else []
    amounts = Money.from_stored([row[2] for row in rows], session.get_bind().dialect)
    merged: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for (day, currency, _stored), amount in zip(rows, amounts, strict=True):
        merged[(_as_date(day), currency)] += _dec(amount)
    if fee_items is None:
        fee_items = fees.fee_amounts(session, period.start, end, recognition=recognition)
    for item in fee_items:
        if item.kind == fees.RECOGNISED and item.channel == fees.CHANNEL_FEES and item.day <= end:
            merged[(item.day, item.currency)] += item.amount
    return [{"date": d, "currency": c, "spend": v} for (d, c), v in sorted(merged.items())]


def budget_overview(
    session: Session,
    period: Period,
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    converter: Converter | None = None,
    reporting_currency: str | None = None,
    recognition: str | None = None,
    spent_converter: SpentConverter | None = None,
    reporting: Callable[[], tuple[str, Converter, SpentConverter]] | None = None,
) -> BudgetOverview:
    """Pacing for every campaign, program, channel and account plan in the period, with totals.

    Campaigns are paced on their ad account's today; programs and the page on the workspace's today. The
    campaigns' inputs stay columns (`CampaignScopes`) through one vectorised pass (`pacing_frame.pace_columns`);
    their `PacingInput`s are built only when a channel, account or mixed plan rolls them up.

    With `spent_converter` (into `reporting_currency`), the converted totals' spent adds each scope's days
    converted one by one (`dated_actuals`), as the marketing-spend ledger does.

    `reporting` (instead of the three): the reporting currency, the converter and the spent converter to be had
    later (`finance.reporting.LateReporting`, whose currency scan the caller started beside): called once the
    campaigns' columns are read, or earlier by the first conversion a program needs, so the scan overlaps the
    page's other reads; the figures are those of passing its three values."""
    today_here = today or workspace_today(session, now)
    until = today_here - dt.timedelta(days=1)
    # The two scans of the period's insights run beside the session (db.reads) while plans and fees are read.
    ads_by_day = _ad_spend_by_day(session, period, until)
    scan = start_spend_scan(session, period, now)
    to_convert = None
    if reporting is None and spent_converter is not None and reporting_currency:
        to_convert = _days_to_convert(session, period, reporting_currency)
    plans = plans_for_period(session, period, campaigns=False)  # campaign plans: read with the columns
    fee_items = fees.fee_amounts(session, period.start, period.end, recognition=recognition)
    if reporting is not None:
        resolve = reporting

        def late_converter(amount: Decimal, source: str, target: str, day: dt.date) -> Decimal | None:
            return resolve()[1](amount, source, target, day)  # a program's fee in another currency: wait here

        converter = late_converter

    programs, seeding = program_inputs(
        session, period, plans, today_here, converter, recognition=recognition, fee_items=fee_items
    )
    scopes = campaign_scopes(session, period, None, now, scan)
    if reporting is not None:
        reporting_currency, converter, spent_converter = reporting()
        to_convert = _days_to_convert(session, period, reporting_currency)  # runs beside the pacing below
    rollups, notes = rollup_inputs(
        plans, period, today_here, scopes, programs, converter, seeding, account_plan_names(session, plans)
    )
    results = PacingResults.of(period, scopes, [*programs, *rollups])
    actual_converted = None
    if spent_converter is not None and reporting_currency:
        actual_converted = []
        actuals = dated_actuals(session, results, fee_items, reporting_currency, to_convert, spent_converter)
        for converted, dated, rest in actuals:
            fees_converted = spent_converter(dated) if dated else ZERO
            ok = converted is not None and fees_converted is not None
            actual_converted.append(converted + fees_converted + rest if ok else None)  # type: ignore[operator]
    unrecognised = {}
    if period.end < today_here:
        unrecognised = _unrecognised(session, period, converter, recognition, fee_items)
    return BudgetOverview(
        period=period,
        today=today_here,
        unrecognised=unrecognised,
        results=results,
        totals=results.totals(
            converter=converter, reporting_currency=reporting_currency, actual_converted=actual_converted
        ),
        daily=daily_spend(session, period, until, fee_items=fee_items, ads=ads_by_day),
        notes=notes,
    )


def _unrecognised(
    session: Session,
    period: Period,
    converter: Converter | None,
    recognition: str | None,
    fee_items: Sequence[fees.FeeAmount],
) -> dict[str, Decimal]:
    """Per program scope key: its influencer fees committed in the ended `period` and not recognised by its end, in
    the program's currency (another currency converted on the period's start, as the program's figures are; left
    out without a rate), rounded to the currency."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    currencies: dict[str, str] = {}
    for item in fees.unrecognised_in(session, period.start, period.end, recognition=recognition, fee_items=fee_items):
        if item.channel != fees.CHANNEL_FEES:
            continue
        amount: Decimal | None = item.amount
        if item.currency != item.program_currency:
            amount = converter(item.amount, item.currency, item.program_currency, period.start) if converter else None
        if amount is None:
            continue
        key = f"program:{item.program_id}"
        out[key] += amount
        currencies[key] = item.program_currency
    return {key: quantize(amount, currencies[key]) for key, amount in out.items() if amount}


def _days_to_convert(session: Session, period: Period, target: str) -> Future[list[tuple[Any, ...]]]:
    """The period's insight rows whose spend converting into `target` could change it, started beside the session
    (`db.reads.beside`): those in another currency, and those in `target` with more decimals than it has. A row
    already in `target` at its precision converts to itself (`finance.fx.convert_dated`: rate 1, nothing to round),
    so the others need not leave the database: `dated_actuals` adds them as one amount.

    Rows: (day, currency, its campaigns packed as `campaign,units,campaign,units` text; `_numbers` splits it), in
    day order: tens of thousands of rows or small JSON arrays cost the page more to decode than the scan itself
    (PostgreSQL: a NUMERIC each for the driver to make), and grouped per day and currency the rows come in the
    order of the insights' (date, currency, campaign, spend) covering index, with nothing to sort (grouped per
    campaign, SQLite picked the campaign index, looked every row up for its currency and sorted them: 2.4x slower,
    docs/budgets.md, Speed); a campaign's days then come in date order. Units: the stored spend in 10^-SCALE
    (SQLite stores that integer; on PostgreSQL NUMERIC(_, SCALE) times 10^SCALE is a whole number, exactly)."""
    dialect = session.get_bind().dialect
    day, currency, spend = CampaignInsight.date, CampaignInsight.currency, CampaignInsight.spend
    as_is = (currency == target) & Money.within_places(spend, precision(target), dialect)
    if dialect.name == "sqlite":
        packed = func.group_concat(func.printf("%d,%d", CampaignInsight.campaign_id, type_coerce(spend, Integer)), ",")
    else:
        units = cast(type_coerce(spend, Numeric) * literal_column(str(10**SCALE)), Numeric(38, 0))
        packed = func.string_agg(func.concat(CampaignInsight.campaign_id, ",", units), ",")
    stmt = select(day, currency, packed.label(_PACKED)).where(day >= period.start, day <= period.end, ~as_is)
    return beside(session, stmt.group_by(day, currency).order_by(day, currency))


_PACKED = "days"


def _numbers(packed: str) -> tuple[list[int], list[int]]:
    """A packed `campaign,units,campaign,units` text as its campaigns and their units (split and parsed in C)."""
    numbers = list(map(int, packed.split(",")))
    return numbers[0::2], numbers[1::2]


def _unpacked(rows: list[tuple[Any, ...]]) -> Iterable[tuple[int, Any, str, int]]:
    """`_days_to_convert`'s rows as (campaign id, stored day, currency, units): the packed text split."""
    for stored_day, currency, packed in rows:
        cids, units = _numbers(packed)
        for cid, amount in zip(cids, units, strict=True):
            yield cid, stored_day, currency, amount


Dated = list[tuple[dt.date, str, Decimal]]


def dated_actuals(
    session: Session,
    results: PacingResults,
    fee_items: Sequence[fees.FeeAmount],
    target: str,
    rows: Future[list[tuple[Any, ...]]] | None,
    spent: SpentConverter,
) -> list[tuple[Decimal | None, Dated, Decimal]]:
    """Per row of `results`: its actual's amounts converted into `target` one by one, as the marketing-spend ledger
    dates them, in three parts: the converted campaign days (None when one has no rate), the dated amounts still to
    convert, and the rest of its actual, already in `target` at its precision (what converting its days one by one
    gives unchanged). A campaign's days are its completed days (before its account's today; the insight rows
    `_days_to_convert` reads, `rows` when started earlier), converted here by `SpentConverter.units_converter`
    (`units_sum`'s rule, one lookup per day and currency for all campaigns, in stored units); a program's are its
    influencer fees recognised per currency and completed day (before the workspace's today, in the fee's own
    currency) as Decimals, none left as rest. Other rows: nothing.

    A campaign's days are converted in date (then currency) order and it stops at its first day without a rate,
    as `units_sum` over its own list did: a (currency, day) is looked up when a campaign still converting has an
    amount on it, so the rates asked for (and the missing ones the page lists) are the same."""
    period = results.period
    wanted: dict[int, dt.date] = {}  # campaign id -> its scope's today
    for kind, cid, today in zip(
        results.scope_type.tolist(), results.campaign_id.tolist(), results.today.tolist(), strict=True
    ):
        if kind == SCOPE_CAMPAIGN and cid is not None:
            wanted[int(cid)] = today
    ids = np.array(sorted(wanted), dtype=np.int64)  # the campaigns' positions in the sums below
    todays = np.array([wanted[int(cid)].toordinal() for cid in ids], dtype=np.int64)
    converted = np.zeros(len(ids), dtype=object)  # converted days, in units of the target's places (Python ints)
    raw = np.zeros(len(ids), dtype=object)  # the days' stored units
    seen = np.zeros(len(ids), dtype=bool)
    failed = np.zeros(len(ids), dtype=bool)
    if wanted:
        found = (rows or _days_to_convert(session, period, target)).result()
        for stored_day, currency, packed in found:
            day = _as_date(stored_day)
            cids, amounts = _numbers(packed)
            where = np.searchsorted(ids, cids).clip(0, len(ids) - 1)
            take = (ids[where] == cids) & (day.toordinal() < todays[where])  # a completed day of a campaign row
            where, units = where[take], np.array(amounts, dtype=np.int64)[take]  # (campaign, date) is unique
            raw[where] += units.astype(object)
            seen[where] = True
            converting = ~failed[where]
            if not converting.any():
                continue  # every campaign here stopped at an earlier day without a rate: not asked
            convert = spent.units_array_converter(currency, day, SCALE)
            if convert is None:
                failed[where] = True
            else:
                converted[where[converting]] += convert(units[converting])
    position = {int(cid): n for n, cid in enumerate(ids.tolist())}
    places = precision(target)
    program_today = {
        key: today
        for key, kind, today in zip(
            results.scope_key.tolist(), results.scope_type.tolist(), results.today.tolist(), strict=True
        )
        if kind == SCOPE_PROGRAM
    }
    fee_days: dict[str, dict[tuple[dt.date, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for item in fee_items:
        key = f"program:{item.program_id}"
        today = program_today.get(key)
        if item.kind == fees.RECOGNISED and item.channel == fees.CHANNEL_FEES and today and item.day < today:
            fee_days[key][(item.day, item.currency)] += item.amount
    out: list[tuple[Decimal | None, Dated, Decimal]] = []
    for key, kind, cid, actual in zip(
        results.scope_key.tolist(),
        results.scope_type.tolist(),
        results.campaign_id.tolist(),
        results.actual.tolist(),
        strict=True,
    ):
        if kind == SCOPE_CAMPAIGN and cid is not None:
            n = position[int(cid)]
            days = None if failed[n] else Decimal(converted[n]).scaleb(-places) if seen[n] else ZERO
            out.append((days, [], actual - Decimal(raw[n]).scaleb(-SCALE)))
        elif kind == SCOPE_PROGRAM:
            out.append((ZERO, [(d, c, a) for (d, c), a in sorted(fee_days.get(key, {}).items())], ZERO))
        else:
            out.append((ZERO, [], ZERO))
    return out


def campaign_statuses(session: Session, period: Period, now: dt.datetime | None = None) -> dict[int, str]:
    """Each campaign's pacing status for the period (campaigns without plan or spend are absent)."""
    scopes = campaign_scopes(session, period, None, now)  # columns only: no PacingInput or Pacing objects
    return dict(zip(scopes.ids, statuses(scopes.frame), strict=True))
