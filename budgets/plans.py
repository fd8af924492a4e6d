"""Budget plans: the scopes a plan can cover, proration of a plan to any range of days, setting a plan.

Proration is one rule for every page and export: a plan covers its days evenly, so the part of a plan inside
[start, end] is amount x overlapping days / plan days (`plan_share`, exact), and a month's share in exports is
that amount rounded to the plan currency (`prorate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from sqlalchemy import CursorResult, Executable, select
from sqlalchemy.orm import Session

from budgets.errors import BudgetError
from budgets.models import (
    SCOPE_ACCOUNT,
    SCOPE_CAMPAIGN,
    SCOPE_CHANNEL,
    SCOPE_MIX,
    SCOPE_PROGRAM,
    BudgetChange,
    BudgetPlan,
)
from campaigns.models import AdAccount, Campaign
from campaigns.platforms import PLATFORM_GOOGLE, PLATFORM_LINKEDIN, PLATFORM_META, PLATFORM_TIKTOK, PLATFORMS
from db import audit
from db.calendar import Period
from db.errors import N_, DomainError, Message
from db.money import currency_code, quantize
from db.parse import parse_amount
from db.roles import Actor, require
from db.types import utcnow
from db.versioning import check_version
from influencers.fees import CHANNEL_FEES, CHANNEL_SEEDING
from influencers.models import Program

CHANNEL_META_ADS = "meta_ads"
CHANNEL_TIKTOK_ADS = "tiktok_ads"
CHANNEL_GOOGLE_ADS = "google_ads"
CHANNEL_LINKEDIN_ADS = "linkedin_ads"
CHANNEL_INFLUENCER_FEES = CHANNEL_FEES
CHANNEL_PRODUCT_SEEDING = CHANNEL_SEEDING
# The ledger channel of each ad platform's spend (a campaign's channel is its platform's).
AD_CHANNELS = {
    PLATFORM_META: CHANNEL_META_ADS,
    PLATFORM_TIKTOK: CHANNEL_TIKTOK_ADS,
    PLATFORM_GOOGLE: CHANNEL_GOOGLE_ADS,
    PLATFORM_LINKEDIN: CHANNEL_LINKEDIN_ADS,
}
# The platform of each ad channel (the reverse of AD_CHANNELS).
CHANNEL_PLATFORMS = {channel: platform for platform, channel in AD_CHANNELS.items()}
# The marketing ledger's channels, in display order (ad platforms in PLATFORMS order, then creators).
CHANNELS = (*(AD_CHANNELS[p] for p in PLATFORMS), CHANNEL_INFLUENCER_FEES, CHANNEL_PRODUCT_SEEDING)
# Channels whose plan is paced against programs' fees rather than campaigns' spend.
PROGRAM_CHANNELS = frozenset({CHANNEL_INFLUENCER_FEES})

TARGET_PLAN = "plan"
APPROVED = "approved"


class PlanDates(Protocol):
    """What proration reads of a plan: a BudgetPlan or a `plans_for_period` row."""

    @property
    def period_start(self) -> dt.date: ...
    @property
    def period_end(self) -> dt.date: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


def _rows(session: Session, stmt: Executable) -> CursorResult[*tuple[Any, ...]]:
    """Run a column select on the Core path (pending ORM changes are flushed first so the read sees them)."""
    session.flush()
    return session.connection().execute(stmt)


class PlanRow(NamedTuple):
    """A plan as `plans_for_period` reads it: BudgetPlan's column names, plain tuple access (a workspace has one
    plan per campaign and month, and pacing reads each plan's fields several times)."""

    id: int
    scope_type: str
    scope_key: str
    campaign_id: int | None
    program_id: int | None
    account_id: int | None
    channel: str | None
    name: str | None
    members: list[str] | None
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    currency: str


def plans_for_period(session: Session, period: Period, *, campaigns: bool = True) -> list[PlanRow]:
    """Plans overlapping the period as light rows with BudgetPlan's column names (a plan over other
    dates counts pro rata, see `plan_share`); `campaigns=False` leaves single-campaign plans out (the Budgets
    overview reads those in columns, `budgets.scopes.campaign_scopes`)."""
    stmt = (
        select(*(getattr(BudgetPlan, name) for name in PlanRow._fields))
        .where(BudgetPlan.period_start <= period.end, BudgetPlan.period_end >= period.start)
        .order_by(BudgetPlan.scope_key, BudgetPlan.period_start)
    )
    if not campaigns:
        stmt = stmt.where(BudgetPlan.scope_type != SCOPE_CAMPAIGN)
    return [PlanRow._make(row) for row in _rows(session, stmt).all()]


def plan_share(plan: PlanDates, period: Period) -> Decimal:
    """The part of a plan that falls inside the period, pro rata by days (exact, not rounded)."""
    return _share(plan.amount, *_days(plan.period_start, plan.period_end, period))


def plan_shares(dates: Sequence[tuple[dt.date, dt.date]], amounts: Sequence[Decimal], period: Period) -> list[Decimal]:
    """`plan_share` of many plans, given as their (period_start, period_end) and amounts: the day counts once per
    distinct plan dates (a workspace's plans are mostly whole months)."""
    counts: dict[tuple[dt.date, dt.date], tuple[int, int]] = {}
    out = []
    for bounds, amount in zip(dates, amounts, strict=True):
        days = counts.get(bounds)
        if days is None:
            days = counts[bounds] = _days(*bounds, period)
        out.append(_share(amount, *days))
    return out


def _days(start: dt.date, end: dt.date, period: Period) -> tuple[int, int]:
    """(the plan's days, of which inside the period)."""
    return (end - start).days + 1, period.overlap_days(start, end)


def _share(amount: Decimal, plan_days: int, inside: int) -> Decimal:
    return amount if inside == plan_days else amount * inside / plan_days


def prorate(plan: PlanDates, start: dt.date, end: dt.date) -> Decimal:
    """The plan's share of [start, end] rounded to the plan currency (a month of a plan in exports), so that the
    shares of consecutive ranges add up to the plan exactly: the rounded share of the plan's days up to `end`
    minus the rounded share up to the day before `start` (rounding each month on its own made a plan of
    Rp1.000.000 over October to December export as 336.957 + 326.087 + 336.957 = 1.000.001)."""
    return quantize(_share_through(plan, end), plan.currency) - quantize(
        _share_through(plan, start - dt.timedelta(days=1)), plan.currency
    )


def _share_through(plan: PlanDates, day: dt.date) -> Decimal:
    """The exact share of the plan's days from its first through `day` (0 before it, the whole plan after it)."""
    if day < plan.period_start:
        return Decimal(0)
    if day >= plan.period_end:
        return plan.amount
    return _share(plan.amount, *_days(plan.period_start, plan.period_end, Period(plan.period_start, day)))


def ad_channel(platform: str | None) -> str:
    """The ledger channel of an ad platform's spend (`meta` -> `meta_ads`; rows without one are Meta's)."""
    return AD_CHANNELS.get(platform or PLATFORM_META, CHANNEL_META_ADS)


def plan_scopes(session: Session) -> list[tuple[str, str, str, str | None]]:
    """Every scope a plan can be set for: (scope_key, type, name, currency or None for channels)."""
    campaigns = _rows(session, select(Campaign.id, Campaign.name, Campaign.currency).order_by(Campaign.name)).all()
    programs = _rows(session, select(Program.id, Program.name, Program.currency).order_by(Program.name)).all()
    return (
        [(f"campaign:{c.id}", SCOPE_CAMPAIGN, c.name, c.currency) for c in campaigns]
        + [(f"program:{p.id}", SCOPE_PROGRAM, p.name, p.currency) for p in programs]
        + [(f"channel:{name}", SCOPE_CHANNEL, name, None) for name in CHANNELS]
    )


MIX_NEEDS_NAME = N_("Name the plan (for example 'Ramadan, all channels').")
MIX_NEEDS_TWO = N_("A plan across channels covers at least two campaigns, programs or channels.")
MIX_UNKNOWN = N_("{scope} is not a campaign, program or channel Pantau knows.")


def mix_scope_key(name: str) -> str:
    """The scope key of a mixed plan: `mix:` and its name, folded (one plan per name and period)."""
    return "mix:" + " ".join(name.split()).casefold()[:76]


def check_members(session: Session, members: list[str]) -> list[str]:
    """The member scope keys of a mixed plan, checked (each exists; at least two), without repeats, sorted."""
    keys = sorted(dict.fromkeys(str(m).strip() for m in members if str(m).strip()))
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == SCOPE_CHANNEL and ident in CHANNELS:
            continue
        if kind in (SCOPE_CAMPAIGN, SCOPE_PROGRAM) and ident.isdigit():
            model = Campaign if kind == SCOPE_CAMPAIGN else Program
            if session.get(model, int(ident)) is not None:
                continue
        raise BudgetError(MIX_UNKNOWN, scope=key)
    if len(keys) < 2:
        raise BudgetError(MIX_NEEDS_TWO)
    return keys


def set_mix_plan(
    session: Session,
    actor: Actor,
    name: str,
    members: list[str],
    period: Period,
    amount: object,
    *,
    currency: str,
    reason: str,
    locale: str | None = "en_US",
) -> BudgetPlan:
    """Create or change a named plan across channels: any campaigns (of any platform), programs and whole channels.

    Paced on the sum of its members' figures (a campaign that is also inside a member channel counts once)."""
    require(actor, "budget.plan")
    title = " ".join((name or "").split())[:200]
    if not title:
        raise BudgetError(MIX_NEEDS_NAME)
    keys = check_members(session, members)
    plan = set_plan(
        session,
        actor,
        mix_scope_key(title),
        period,
        amount,
        reason=reason,
        currency=currency,
        locale=locale,
        members=keys,
    )
    before = (plan.name, plan.members)
    plan.name, plan.members = title, keys
    if before != (title, keys):
        session.flush()
    return plan


def plan_members(session: Session) -> list[tuple[str, str, str, str | None]]:
    """What a plan across channels can cover: (scope_key, type, name, platform) of every campaign (with its
    platform), program and channel, campaigns by platform then name."""
    campaigns = _rows(
        session, select(Campaign.id, Campaign.name, Campaign.platform).order_by(Campaign.platform, Campaign.name)
    ).all()
    programs = _rows(session, select(Program.id, Program.name).order_by(Program.name)).all()
    return (
        [(f"channel:{name}", SCOPE_CHANNEL, name, CHANNEL_PLATFORMS.get(name)) for name in CHANNELS]
        + [(f"campaign:{c.id}", SCOPE_CAMPAIGN, c.name, c.platform) for c in campaigns]
        + [(f"program:{p.id}", SCOPE_PROGRAM, p.name, None) for p in programs]
    )


FIELD_PLANNED = N_("Planned amount")
FIELD_NEW_AMOUNT = N_("New amount")


def plan_amount(value: object, currency: str, field: str = FIELD_PLANNED, locale: str | None = "en_US") -> Decimal:
    """A plan or budget amount: read by `db.parse.parse_amount` (the locale's way for text, e.g. `50.000.000` in
    id_ID; Decimals as they are), at the currency's precision, within its bound, greater than zero; otherwise a
    BudgetError naming the field (`Planned amount: 1e20 is not an amount; ...`)."""
    label = Message(field)
    try:
        amount = parse_amount(value, currency, locale, field=label)  # type: ignore[arg-type]
    except DomainError as exc:
        raise BudgetError(exc.message) from None
    if amount <= 0:
        raise BudgetError(
            N_("{field}: the amount must be greater than zero (got {value})."), field=label, value=str(value).strip()
        )
    return amount


def _scope(session: Session, scope_key: str) -> dict:
    kind, _, ident = scope_key.partition(":")
    if kind == SCOPE_CAMPAIGN:
        campaign = session.get(Campaign, int(ident)) if ident.isdigit() else None
        if campaign is None:
            raise BudgetError(N_("scope: campaign {id} does not exist."), id=ident)
        return {"scope_type": kind, "campaign_id": campaign.id, "currency": campaign.currency}
    if kind == SCOPE_PROGRAM:
        program = session.get(Program, int(ident)) if ident.isdigit() else None
        if program is None:
            raise BudgetError(N_("scope: program {id} does not exist."), id=ident)
        return {"scope_type": kind, "program_id": program.id, "currency": program.currency}
    if kind == SCOPE_ACCOUNT:
        account = session.get(AdAccount, int(ident)) if ident.isdigit() else None
        if account is None:
            raise BudgetError(N_("scope: ad account {id} does not exist."), id=ident)
        return {"scope_type": kind, "account_id": account.id, "currency": account.currency}
    if kind == SCOPE_CHANNEL and ident:
        return {"scope_type": kind, "channel": ident, "currency": None}
    if kind == SCOPE_MIX and ident:
        return {"scope_type": kind, "currency": None}
    raise BudgetError(
        N_("scope: {value} is not campaign:ID, program:ID, account:ID or channel:NAME."), value=repr(scope_key)
    )


def set_plan(
    session: Session,
    actor: Actor,
    scope_key: str,
    period: Period,
    amount: object,
    *,
    reason: str,
    currency: str | None = None,
    locale: str | None = "en_US",
    version_id: int | None = None,
    members: list[str] | None = None,
) -> BudgetPlan:
    """Create or change the plan of a scope for a period (managers). Records a BudgetChange and audit.

    `amount` is a Decimal (a form's parsed amount) or text read in `locale` (`plan_amount`). `version_id` is the
    version of the plan the form showed: a plan saved since then is a ConflictError, never overwritten. A plan
    across channels (`mix:` scope) is created by `set_mix_plan`, which passes its checked `members`; here an
    existing one may change its amount, a new one without members is refused (it would pace nothing)."""
    require(actor, "budget.plan")
    scope = _scope(session, scope_key)
    try:
        currency = currency_code(scope.pop("currency") or currency or "")
    except DomainError as exc:
        raise BudgetError(N_("Currency: {reason}"), reason=exc.message) from None
    value = plan_amount(amount, currency, FIELD_PLANNED, locale)
    if not (reason or "").strip():
        raise BudgetError(N_("reason: say why the plan is set or changed."))
    plan = session.scalar(
        select(BudgetPlan).where(
            BudgetPlan.scope_key == scope_key,
            BudgetPlan.period_start == period.start,
            BudgetPlan.period_end == period.end,
        )
    )
    if plan is None and scope["scope_type"] == SCOPE_MIX and not members:
        raise BudgetError(MIX_NEEDS_TWO)
    if plan is not None:
        check_version("budget plan", plan, version_id)
    before = None if plan is None else audit.snapshot(plan)
    if plan is not None and plan.currency != currency:
        raise BudgetError(N_("currency: the plan is in {plan}, not {currency}."), plan=plan.currency, currency=currency)
    old = None if plan is None else plan.amount
    if plan is None:
        plan = BudgetPlan(
            scope_key=scope_key,
            period_start=period.start,
            period_end=period.end,
            amount=value,
            currency=currency,
            notes=reason.strip(),
            created_by=actor.email,
            **scope,
        )
        session.add(plan)
    else:
        plan.amount = value
        plan.notes = reason.strip()
        plan.updated_at = utcnow()  # a save is a write: the version moves on even when the amount is the same
    session.flush()
    now = utcnow()
    change = BudgetChange(
        budget_plan_id=plan.id,
        campaign_id=plan.campaign_id,
        target=TARGET_PLAN,
        old_amount=old,
        new_amount=value,
        currency=currency,
        reason=reason.strip(),
        status=APPROVED,
        proposed_by=actor.email,
        proposed_at=now,
        decided_by=actor.email,
        decided_at=now,
        decision_note="Set directly by a plan owner",
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor,
        "create" if before is None else "update",
        "budget_plan",
        plan.id,
        before=before,
        after=audit.snapshot(plan),
        summary=f"Plan {scope_key} {period.start}..{period.end}: {old if old is not None else '-'} -> {value} "
        f"{currency} ({reason.strip()})",
    )
    return plan
