"""Budget and delivery alerts for managers: over-pacing, exhausted plans, an ended period spent over its plan,
spend without a plan, lifetime budgets ending early (a forecast) or already run out (a fact: the platform stops
delivery) and overdue influencer deliverables (pure; the Budgets and Overview pages both render them). An ended
period raises no forecast (no over-pacing, no lifetime ending early) and no run-out: its final verdict "over
plan" is the only pacing alert it can have besides spend without a plan.

Each alert carries an English message template with `{placeholders}` and its values, so pages
translate the template with `_()` and format the money themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgets import pacing
from influencers.queries import OverdueDeliverable

OVER_PACING = "over_pacing"
OVER_PLAN = "over_plan"  # an ended period spent more than its plan
OVER_PLAN_TEXT = "{name}: {actual} spent against a plan of {planned} ({percent}% of plan); the period ended on {end}."
EXHAUSTED_EARLY = "budget_exhausted"
NO_PLAN = "spending_without_plan"
LIFETIME_ENDS_EARLY = "lifetime_ends_early"
LIFETIME_ENDS_EARLY_TEXT = "{name}: the lifetime budget runs out around {day}, before the campaign ends on {end}."
LIFETIME_SPENT = "lifetime_spent"  # the lifetime budget ran out (already spent) while the campaign is scheduled
LIFETIME_RAN_OUT_TEXT = (
    "{name}: the lifetime budget ran out on {day}, so delivery has stopped; the campaign is scheduled until {end}."
)
LIFETIME_HAS_RUN_OUT_TEXT = (
    "{name}: the lifetime budget has run out, so delivery has stopped; the campaign is scheduled until {end}."
)
DELIVERABLE_OVERDUE = "deliverable_overdue"

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Budget alerts first (what a manager acts on), then overdue deliverables.
KIND_ORDER = {
    EXHAUSTED_EARLY: 0,
    OVER_PLAN: 1,
    OVER_PACING: 2,
    LIFETIME_SPENT: 3,
    LIFETIME_ENDS_EARLY: 4,
    NO_PLAN: 5,
    DELIVERABLE_OVERDUE: 6,
}
# The statuses that raise a pacing alert whatever the spend (`pacing_alerts`, `alerting_rows`).
ALERTING_STATUSES = (pacing.EXHAUSTED, pacing.OVER_PACING, pacing.OVER_PLAN)


@dataclass(frozen=True)
class Alert:
    """One thing a manager should look at, with the scope it is about."""

    kind: str
    severity: str  # error | warning | info
    subject: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    scope_key: str | None = None

    def message(self) -> str:
        return self.template.format(**self.values)


def pacing_alerts(pacings: Iterable[pacing.Pacing]) -> list[Alert]:
    """Alerts from pacing verdicts (campaign, program, channel and account scopes)."""
    alerts: list[Alert] = []
    for p in pacings:
        s = p.scope
        base = {"name": s.name, "currency": s.currency}
        if p.status == pacing.EXHAUSTED:
            alerts.append(
                Alert(
                    EXHAUSTED_EARLY,
                    "error",
                    s.name,
                    "{name}: the plan of {planned} is spent ({actual}) before the period ends on {end}.",
                    {**base, "planned": p.planned, "actual": s.actual, "end": s.period.end},
                    s.scope_key,
                )
            )
        elif p.status == pacing.OVER_PACING:
            alerts.append(
                Alert(
                    OVER_PACING,
                    "warning",
                    s.name,
                    "{name}: projected {projected} against a plan of {planned} ({percent}% of plan).",
                    {**base, "projected": p.projected, "planned": p.planned, "percent": _percent(p.pace_ratio)},
                    s.scope_key,
                )
            )
        elif p.status == pacing.OVER_PLAN:
            alerts.append(
                Alert(
                    OVER_PLAN,
                    "warning",
                    s.name,
                    OVER_PLAN_TEXT,
                    {
                        **base,
                        "actual": s.actual,
                        "planned": p.planned,
                        "percent": _percent(p.pace_ratio),
                        "end": s.period.end,
                    },
                    s.scope_key,
                )
            )
        if p.status == pacing.NO_PLAN and s.actual > 0:
            alerts.append(
                Alert(
                    NO_PLAN,
                    "warning",
                    s.name,
                    "{name}: {actual} spent this period with no budget plan.",
                    {**base, "actual": s.actual},
                    s.scope_key,
                )
            )
        if pacing.LIFETIME_SPENT in p.flags:  # a fact: on the day it ran out, or "has run out" when not known
            day = p.lifetime_exhausted_on
            text = LIFETIME_HAS_RUN_OUT_TEXT if day is None else LIFETIME_RAN_OUT_TEXT
            values = {**base, "end": s.run_end} if day is None else {**base, "day": day, "end": s.run_end}
            alerts.append(Alert(LIFETIME_SPENT, "warning", s.name, text, values, s.scope_key))
        elif p.lifetime_exhausted_on is not None:  # a forecast
            alerts.append(
                Alert(
                    LIFETIME_ENDS_EARLY,
                    "warning",
                    s.name,
                    LIFETIME_ENDS_EARLY_TEXT,
                    {**base, "day": p.lifetime_exhausted_on, "end": s.run_end},
                    s.scope_key,
                )
            )
    return alerts


def alerting_rows(statuses: Iterable[str], actuals: Iterable[Decimal], ends_early: Iterable[bool]) -> list[int]:
    """The rows of verdicts given as columns (status, actual spend, whether a lifetime budget ends early or has
    run out: `pacing_frame.Verdicts.ends_early`) that `pacing_alerts` raises an alert for, so a caller holding
    columns (`budgets.overview.PacingResults`) builds `Pacing` objects for those rows only. Keep in step with
    `pacing_alerts` (tests/budgets/test_results.py)."""
    return [
        i
        for i, (status, actual, early) in enumerate(zip(statuses, actuals, ends_early, strict=True))
        if status in ALERTING_STATUSES or (status == pacing.NO_PLAN and actual > 0) or early
    ]


def deliverable_alerts(overdue: Iterable[OverdueDeliverable]) -> list[Alert]:
    """One alert per deliverable due before today and not published."""
    return [
        Alert(
            DELIVERABLE_OVERDUE,
            "error" if d.days_late > 7 else "warning",
            d.influencer,
            "{influencer} ({program}): {type} on {platform} was due {due} and is {status}, {days} days late.",
            {
                "influencer": d.influencer,
                "program": d.program,
                "type": d.type,
                "platform": d.platform,
                "due": d.due_date,
                "status": d.status.replace("_", " "),
                "days": d.days_late,
            },
            f"deliverable:{d.deliverable_id}",
        )
        for d in overdue
    ]


def build_alerts(
    pacings: Iterable[pacing.Pacing], overdue: Iterable[OverdueDeliverable] = (), today: dt.date | None = None
) -> list[Alert]:
    """Every alert: budget alerts first (exhausted, over plan, over-pacing, lifetime run out, lifetime ending early,
    no plan), then
    overdue deliverables; within a kind the most severe first, then by subject."""
    alerts = pacing_alerts(pacings) + deliverable_alerts(overdue)
    alerts.sort(key=lambda a: (KIND_ORDER.get(a.kind, 9), SEVERITY_ORDER.get(a.severity, 9), a.subject.lower()))
    return alerts


def _percent(ratio: Decimal | None) -> int:
    return 0 if ratio is None else int((ratio * 100).to_integral_value())
