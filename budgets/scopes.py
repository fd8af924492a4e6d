"""Pacing inputs per plan scope, aggregated in SQL: campaigns (spend and Meta budgets), programs (influencer
fees from `influencers.fees`), and channel and account plans rolled up from their members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import CursorResult, Executable, func, select
from sqlalchemy.orm import Session

from budgets import pacing
from budgets.models import SCOPE_ACCOUNT, SCOPE_CAMPAIGN, SCOPE_CHANNEL, SCOPE_MIX, SCOPE_PROGRAM
from budgets.pacing import PacingInput
from budgets.plans import (
    AD_CHANNELS,
    CHANNEL_INFLUENCER_FEES,
    CHANNEL_PRODUCT_SEEDING,
    CHANNELS,
    ad_channel,
    plan_share,
)
from campaigns.meta_budgets import MetaBudget, active_adset_budgets, campaign_budget, is_accruing
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.calendar import Period, last_running_day, local_date, local_today, week_start
from db.errors import N_, Message
from db.money import Converter
from influencers import fees
from influencers.models import Program


def _rows(session: Session, stmt: Executable) -> CursorResult[*tuple[Any, ...]]:
    """Run a column select on the Core path: plain rows without the ORM's per-row loading work
    (pending ORM changes are flushed first so the read sees them)."""
    session.flush()
    return session.connection().execute(stmt)


def _dec(value: object) -> Decimal:
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _account_todays(session: Session, now: dt.datetime | None) -> dict[int, tuple[dt.date, str]]:
    rows = _rows(session, select(AdAccount.id, AdAccount.timezone_name, AdAccount.currency)).all()
    return {r.id: (local_today(r.timezone_name, now), r.timezone_name) for r in rows}


def _window_sums(session: Session, windows: dict[object, tuple[dt.date, dt.date]]) -> dict[object, dict[int, Decimal]]:
    """SUM(spend) per campaign for each named [first, last] date window, in one scan of their joint range.

    A window equal to the joint range is a plain SUM, the others `SUM(spend) FILTER (WHERE ...)`;
    windows with the same dates share a column and empty windows (first > last) sum to nothing.
    """
    result: dict[object, dict[int, Decimal]] = {key: {} for key in windows}
    ranges = sorted({bounds for bounds in windows.values() if bounds[0] <= bounds[1]})
    if not ranges:
        return result
    first, last = min(lo for lo, _hi in ranges), max(hi for _lo, hi in ranges)
    day, spend = CampaignInsight.date, CampaignInsight.spend
    columns = [
        func.sum(spend) if (lo, hi) == (first, last) else func.sum(spend).filter(day >= lo, day <= hi)
        for lo, hi in ranges
    ]
    stmt = (
        select(CampaignInsight.campaign_id, *columns)
        .where(day >= first, day <= last)
        .group_by(CampaignInsight.campaign_id)
    )
    rows = _rows(session, stmt).all()
    by_range = {
        bounds: {row[0]: _dec(row[i]) for row in rows if row[i] is not None} for i, bounds in enumerate(ranges, 1)
    }
    for key, bounds in windows.items():
        result[key] = by_range.get(bounds, {})
    return result


def _spend_aggregates(
    session: Session, period: Period, todays: dict[int, tuple[dt.date, str]], lifetime_ids: set[int]
) -> dict[int, dict]:
    """Per campaign: actual (completed period days), recent (last RECENT_DAYS) and this week's spend.

    Accounts in different time zones may be on different days, so "completed" ends at each
    account's yesterday: every distinct account today gets its own windows. Two scans: the
    period's days for the actuals, the last RECENT_DAYS for the run-rate and week (see `_window_sums`).
    """
    distinct = sorted({today for today, _tz in todays.values()})
    if not distinct:
        return {}
    actual: dict[object, tuple[dt.date, dt.date]] = {
        today: (period.start, min(period.end, today - dt.timedelta(days=1))) for today in distinct
    }
    recent: dict[object, tuple[dt.date, dt.date]] = {}
    for today in distinct:
        cutoff = today - dt.timedelta(days=1)
        recent[("recent", today)] = (today - dt.timedelta(days=pacing.RECENT_DAYS), cutoff)
        recent[("week", today)] = (week_start(today), cutoff)  # inside the recent window
    sums: dict[object, dict[int, Decimal]] = {
        **{("actual", t): v for t, v in _window_sums(session, actual).items()},
        **_window_sums(session, recent),
    }
    account_of: dict[int, int] = dict(_rows(session, select(Campaign.id, Campaign.account_id)).all())
    result: dict[int, dict] = {}
    zero = Decimal(0)
    for campaign_id, account_id in account_of.items():
        today = todays[account_id][0]
        result[campaign_id] = {
            "actual": sums[("actual", today)].get(campaign_id, zero),
            "recent": sums[("recent", today)].get(campaign_id, zero),
            "week": sums[("week", today)].get(campaign_id, zero),
        }
    if lifetime_ids:
        # Lifetime budgets need all spend to date, only for those campaigns.
        stmt = select(CampaignInsight.campaign_id, CampaignInsight.date, CampaignInsight.spend).where(
            CampaignInsight.campaign_id.in_(sorted(lifetime_ids)), CampaignInsight.date >= distinct[0]
        )
        late: dict[int, Decimal] = defaultdict(Decimal)
        for campaign_id, day, amount in _rows(session, stmt):
            if _as_date(day) >= todays[account_of[campaign_id]][0]:
                late[campaign_id] += _dec(amount)  # today or later in the account's zone: not completed
        totals = (
            select(CampaignInsight.campaign_id, func.sum(CampaignInsight.spend))
            .where(CampaignInsight.campaign_id.in_(sorted(lifetime_ids)))
            .group_by(CampaignInsight.campaign_id)
        )
        for campaign_id, spent in _rows(session, totals):
            result[campaign_id]["lifetime"] = _dec(spent) - late.get(campaign_id, Decimal(0))
    return result


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _recent_days(today: dt.date, run_start: dt.date | None) -> int:
    """How many of the last RECENT_DAYS completed days the campaign was scheduled to run."""
    window_start = today - dt.timedelta(days=pacing.RECENT_DAYS)
    return max((today - max(window_start, run_start or window_start)).days, 0)


def campaign_inputs(session: Session, period: Period, plans: list, now: dt.datetime | None = None) -> list[PacingInput]:
    """A pacing input for every campaign with a plan, spend in the period or a live budget."""
    todays = _account_todays(session, now)
    planned: dict[int, tuple[Decimal, int]] = {}
    for plan in plans:
        if plan.scope_type == SCOPE_CAMPAIGN and plan.campaign_id is not None:
            amount, _pid = planned.get(plan.campaign_id, (Decimal(0), plan.id))
            planned[plan.campaign_id] = (amount + plan_share(plan, period), plan.id)
    rows = _rows(
        session,
        select(
            Campaign.id,
            Campaign.account_id,
            Campaign.name,
            Campaign.currency,
            Campaign.status,
            Campaign.effective_status,
            Campaign.daily_budget,
            Campaign.lifetime_budget,
            Campaign.start_time,
            Campaign.stop_time,
            Campaign.platform,
        ),
    ).all()
    lifetime_ids = {r.id for r in rows if r.lifetime_budget}
    adsets = active_adset_budgets(session)
    for campaign_id, (daily, lifetime) in adsets.items():
        if lifetime and not daily:
            lifetime_ids.add(campaign_id)
    spend = _spend_aggregates(session, period, todays, lifetime_ids)
    inputs: list[PacingInput] = []
    for r in rows:
        today, tz = todays[r.account_id]
        run_start = local_date(r.start_time, tz)
        run_end = last_running_day(r.stop_time, tz)
        budget = campaign_budget(r.daily_budget, r.lifetime_budget, adsets.get(r.id))
        if pacing.budget_rules(r.platform) is None:
            budget = MetaBudget("none")  # no known budget rules (Google Ads, LinkedIn): paced on plan and spend
        accruing = is_accruing(r.status, r.effective_status, run_end, today)
        figures = spend.get(r.id, {})
        plan = planned.get(r.id)
        scheduled = period.overlap_days(run_start, run_end) > 0 and (run_end is None or run_end >= today)
        if plan is None and not figures.get("actual") and not (accruing and budget.kind and scheduled):
            continue
        inputs.append(
            PacingInput(
                scope_key=f"campaign:{r.id}",
                scope_type=SCOPE_CAMPAIGN,
                name=r.name,
                currency=r.currency,
                period=period,
                today=today,
                planned=plan[0] if plan else None,
                actual=figures.get("actual", Decimal(0)),
                budget=budget,
                run_start=run_start,
                run_end=run_end,
                accruing=accruing,
                recent_spend=figures.get("recent", Decimal(0)),
                recent_days=_recent_days(today, run_start),
                week_spend=figures.get("week", Decimal(0)),
                lifetime_spent=figures.get("lifetime", Decimal(0)),
                account_id=r.account_id,
                platform=r.platform,
                campaign_id=r.id,
                plan_id=plan[1] if plan else None,
            )
        )
    return inputs


def _fee_figures(
    session: Session, period: Period, until: dt.date, recognition: str | None, converter: Converter | None
) -> tuple[dict[tuple[int, str], dict[str, Decimal]], dict[int, tuple[str, str]]]:
    """Per (program, channel): committed in the period, recognised and paid up to `until`, in the program's
    currency (amounts in another currency go through `converter` at the period start; without a rate they
    are left out). From `influencers.fees`, the one fee definition the ledger also uses."""
    figures: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: {fees.COMMITTED: Decimal(0), fees.RECOGNISED: Decimal(0), fees.PAID: Decimal(0)}
    )
    programs: dict[int, tuple[str, str]] = {}
    for item in fees.fee_amounts(session, period.start, period.end, recognition=recognition):
        programs[item.program_id] = (item.program_name, item.program_currency)
        if item.kind != fees.COMMITTED and item.day > until:
            continue  # recognised or paid later than the last completed day
        amount = item.amount
        if item.currency != item.program_currency:
            converted = (
                converter(item.amount, item.currency, item.program_currency, period.start) if converter else None
            )
            if converted is None:
                continue
            amount = converted
        figures[(item.program_id, item.channel)][item.kind] += amount
    return dict(figures), programs


def program_inputs(
    session: Session,
    period: Period,
    plans: list,
    today: dt.date,
    converter: Converter | None = None,
    *,
    recognition: str | None = None,
) -> tuple[list[PacingInput], list[PacingInput]]:
    """Pacing inputs per program with a plan or fees in the period: its influencer fees (shown), and its product
    seeding (rolled up into a `channel:product_seeding` plan only). Actual = fees recognised on completed days."""
    planned: dict[int, tuple[Decimal, int]] = {}
    for plan in plans:
        if plan.scope_type == SCOPE_PROGRAM and plan.program_id is not None:
            amount, _pid = planned.get(plan.program_id, (Decimal(0), plan.id))
            planned[plan.program_id] = (amount + plan_share(plan, period), plan.id)
    figures, _names = _fee_figures(session, period, today - dt.timedelta(days=1), recognition, converter)
    programs = _rows(
        session,
        select(Program.id, Program.name, Program.currency, Program.start_date, Program.end_date, Program.status),
    ).all()
    inputs, seeding = [], []
    zero = {fees.COMMITTED: Decimal(0), fees.RECOGNISED: Decimal(0), fees.PAID: Decimal(0)}
    for p in programs:
        fee = figures.get((p.id, fees.CHANNEL_FEES), zero)
        plan = planned.get(p.id)
        common = {
            "name": p.name,
            "currency": p.currency,
            "period": period,
            "today": today,
            "run_start": p.start_date,
            "run_end": p.end_date,
            "accruing": p.status not in ("completed", "cancelled"),
            "program_id": p.id,
        }
        if plan is not None or fee[fees.RECOGNISED] or fee[fees.COMMITTED] or fee[fees.PAID]:
            inputs.append(
                PacingInput(
                    scope_key=f"program:{p.id}",
                    scope_type=SCOPE_PROGRAM,
                    planned=plan[0] if plan else None,
                    actual=fee[fees.RECOGNISED],
                    committed=fee[fees.COMMITTED],
                    paid=fee[fees.PAID],
                    plan_id=plan[1] if plan else None,
                    **common,
                )
            )
        product = figures.get((p.id, fees.CHANNEL_SEEDING))
        if product:
            seeding.append(
                PacingInput(
                    scope_key=f"seeding:{p.id}",
                    scope_type=SCOPE_PROGRAM,
                    planned=None,
                    actual=product[fees.RECOGNISED],
                    committed=product[fees.COMMITTED],
                    **common,
                )
            )
    return inputs, seeding


def _convert_sum(
    items: Iterable[tuple[Decimal, str]], currency: str, day: dt.date, converter: Converter | None
) -> tuple[Decimal, set[str]]:
    total, missing = Decimal(0), set()
    for amount, cur in items:
        if cur == currency:
            total += amount
            continue
        converted = converter(amount, cur, currency, day) if converter else None
        if converted is None:
            missing.add(cur)
        else:
            total += converted
    return total, missing


def _daily(scope: PacingInput) -> Decimal:
    return scope.recent_spend / scope.recent_days if scope.recent_days else Decimal(0)


def _mix_members(
    keys: Iterable[str],
    campaigns: list[PacingInput],
    programs: list[PacingInput],
    channels: dict[str, list[PacingInput]],
) -> list[PacingInput]:
    """The inputs a mixed plan covers: its campaigns and programs, and every member of its whole channels; an input
    reached twice (a campaign that is also in a member channel) counts once."""
    by_key = {i.scope_key: i for i in (*campaigns, *programs)}
    found: dict[str, PacingInput] = {}
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == SCOPE_CHANNEL:
            for member in channels.get(ident, []):
                found.setdefault(member.scope_key, member)
        elif key in by_key:
            found.setdefault(key, by_key[key])
    return list(found.values())


def rollup_inputs(
    plans: list,
    period: Period,
    today: dt.date,
    campaigns: list[PacingInput],
    programs: list[PacingInput],
    converter: Converter | None = None,
    seeding: Iterable[PacingInput] = (),
) -> tuple[list[PacingInput], list[Message]]:
    """Channel, account and mixed plans: the sum of their campaigns' (or programs') figures, converted into
    the plan's currency through `converter`; amounts with no rate are left out and named in a note."""
    inputs: list[PacingInput] = []
    notes: list[Message] = []
    members_of: dict[str, list[PacingInput]] = {channel: [] for channel in AD_CHANNELS.values()}
    for c in campaigns:
        members_of[ad_channel(c.platform)].append(c)
    members_of |= {
        CHANNEL_INFLUENCER_FEES: programs,
        CHANNEL_PRODUCT_SEEDING: list(seeding),
    }
    for plan in plans:
        if plan.scope_type == SCOPE_CHANNEL:
            if plan.channel not in CHANNELS:
                notes.append(
                    Message(N_("Channel {channel} has no source of actual spend yet."), {"channel": plan.channel})
                )
                continue
            members = members_of[plan.channel]
        elif plan.scope_type == SCOPE_ACCOUNT:
            members = [c for c in campaigns if c.account_id == plan.account_id]
        elif plan.scope_type == SCOPE_MIX:
            members = _mix_members(plan.members or (), campaigns, programs, members_of)
        else:
            continue
        day = period.start
        actual, missing = _convert_sum(((m.actual, m.currency) for m in members), plan.currency, day, converter)
        committed, missing2 = _convert_sum(
            ((m.committed, m.currency) for m in members), plan.currency, period.start, converter
        )
        recent, _ = _convert_sum(
            ((_daily(m), m.currency) for m in members if m.accruing),
            plan.currency,
            period.start,
            converter,
        )
        if missing | missing2:
            notes.append(
                Message(
                    N_("{scope}: spend in {currencies} is left out until FX rates to {currency} are available."),
                    {
                        "scope": plan.scope_key,
                        "currencies": ", ".join(sorted(missing | missing2)),
                        "currency": plan.currency,
                    },
                )
            )
        inputs.append(
            PacingInput(
                scope_key=plan.scope_key,
                scope_type=plan.scope_type,
                name=plan.name or plan.channel or plan.scope_key,
                currency=plan.currency,
                period=period,
                today=today,
                planned=plan_share(plan, period),
                actual=actual,
                committed=committed,
                recent_spend=recent,
                recent_days=1 if recent else 0,
                account_id=plan.account_id,
                plan_id=plan.id,
            )
        )
    return inputs, notes


@dataclass(frozen=True)
class ScopeName:
    """What a plan scope is, in words: "campaign" "ID | Payday" on account "Kopi ID" (meta)."""

    scope_key: str
    scope_type: str
    name: str  # the campaign's, program's or account's name; a channel's code (pages label it)
    account_name: str | None = None
    platform: str | None = None


def scope_names(session: Session, scope_keys: Iterable[str]) -> dict[str, ScopeName]:
    """Names for scope keys ("campaign:12", "program:3", "account:4", "channel:meta_ads"), in three queries at
    most; a key whose record is gone keeps its key as its name."""
    keys = set(scope_keys)
    ids: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        kind, _sep, ident = key.partition(":")
        if ident.isdigit():
            ids[kind].add(int(ident))
    campaigns = {}
    if ids[SCOPE_CAMPAIGN]:
        campaign_rows = (
            select(Campaign.id, Campaign.name, Campaign.platform, AdAccount.name.label("account_name"))
            .join(AdAccount, AdAccount.id == Campaign.account_id)
            .where(Campaign.id.in_(ids[SCOPE_CAMPAIGN]))
        )
        campaigns = {r.id: r for r in _rows(session, campaign_rows)}
    programs = {}
    if ids[SCOPE_PROGRAM]:
        program_rows = select(Program.id, Program.name).where(Program.id.in_(ids[SCOPE_PROGRAM]))
        programs = {r.id: r for r in _rows(session, program_rows)}
    accounts = {}
    if ids[SCOPE_ACCOUNT]:
        account_rows = select(AdAccount.id, AdAccount.name, AdAccount.platform).where(
            AdAccount.id.in_(ids[SCOPE_ACCOUNT])
        )
        accounts = {r.id: r for r in _rows(session, account_rows)}
    names: dict[str, ScopeName] = {}
    for key in keys:
        kind, _sep, ident = key.partition(":")
        number = int(ident) if ident.isdigit() else None
        if kind == SCOPE_CAMPAIGN and number in campaigns:
            c = campaigns[number]
            names[key] = ScopeName(key, kind, c.name, c.account_name, c.platform)
        elif kind == SCOPE_PROGRAM and number in programs:
            names[key] = ScopeName(key, kind, programs[number].name)
        elif kind == SCOPE_ACCOUNT and number in accounts:
            a = accounts[number]
            names[key] = ScopeName(key, kind, a.name, a.name, a.platform)
        elif kind == SCOPE_CHANNEL and ident:
            names[key] = ScopeName(key, kind, ident)
        else:
            names[key] = ScopeName(key, kind, key)
    return names
