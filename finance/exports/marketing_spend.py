"""The `marketing-spend` export: the marketing ledger (planned, committed, actual, paid) per month and channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from budgets.plans import CHANNEL_PLATFORMS
from db.calendar import month_end
from db.money import plain
from finance.exports.context import FX_TRAIL, REPORTING, ZERO, ExportContext, ExportSpec, rate_text, source_of
from finance.fx import round_rate
from finance.ledger import build_ledger
from finance.periods import provisional_since
from finance.reporting import converted_sum


def build(ctx: ExportContext) -> Iterator[list[str]]:
    # The ledger is small (months x campaigns and programs): built whole so a missing rate fails up front.
    return iter(list(_rows(ctx)))


def _rows(ctx: ExportContext) -> Iterator[list[str]]:
    lines = build_ledger(ctx.session, ctx.since, ctx.until)
    target = ctx.currency
    cutoffs_by_tz: dict[str | None, dt.date] = {}
    for ln in lines:
        cur = ln.currency
        fx_source, fx_missing = "", "false"
        if not ln.actual_days:
            converted, rate_cell, rate_date, policy = ZERO, "", "", ""  # nothing to convert (plan-only rows)
        else:
            # Each dated amount converted and rounded on its own, then added (the rule of every export and page):
            # a day that is 0 as the files write it still needs its rate, as its campaign-daily row and the pages'
            # totals do, so the ledger never shows a converted 0 where they refuse.
            summed = converted_sum(
                ((day, cur, amount) for day, amount in sorted(ln.actual_days.items())), ctx.rate, target
            )
            total, sources = summed.total or ZERO, set(summed.sources)
            if summed.total is None:
                converted, rate_cell, rate_date, policy, fx_missing = None, "", "", ctx.policy, "true"
            elif ctx.policy == "daily" and cur != target:
                converted, rate_date, policy = total, "daily", "daily"
                rate_cell = rate_text(round_rate(total / ln.actual)) if ln.actual else ""
                fx_source = source_of(sources)
            else:
                used = ctx.book.rate(cur, month_end(ln.month) if ctx.policy == "daily" else ln.month)
                converted, rate_cell, rate_date, policy = total, rate_text(used.rate), used.rate_date, used.policy
                fx_source = source_of(sources)
        provisional = "false"
        if ln.channel in CHANNEL_PLATFORMS and ln.last_day is not None:
            cutoff = cutoffs_by_tz.setdefault(ln.timezone_name, provisional_since(ln.timezone_name, ctx.now))
            provisional = ctx.provisional(ln.last_day, cutoff)
        # A channel budget row holds the plan only: its channel's spend is on the campaign or program rows, so its
        # actual cells are blank (not 0.00, which read as "nothing spent"; a sum of the column stays right).
        plan_only = ln.item_type == "channel"
        yield [
            ln.month.strftime("%Y-%m"),
            ln.channel,
            ln.item_name or "",
            cur,
            plain(ln.planned, cur) if ln.planned is not None else "",
            plain(ln.committed, cur) if ln.committed is not None else "",
            "" if plan_only else plain(ln.actual, cur),
            target,
            rate_cell,
            "" if converted is None or plan_only else plain(converted, target),
            plain(ln.paid, cur) if ln.paid is not None else "",
            rate_date,
            policy,
            provisional,
            ln.item_type,
            ln.item_id,
            fx_source,
            fx_missing,
            ln.platform or "",
        ]


SPEC = ExportSpec(
    "marketing-spend",
    "Marketing ledger",
    "Planned, committed, actual and paid per month, channel and campaign or program.",
    (
        "month",
        "channel",
        "program_or_campaign",
        "currency",
        "planned",
        "committed",
        "actual",
        "reporting_currency",
        "fx_rate",
        "actual_reporting",
        "paid",
        *REPORTING,
        "provisional",
        "item_type",
        "item_id",
        *FX_TRAIL,
        "platform",
    ),
    frozenset({"channel", "program_or_campaign", "item_type", "item_id", "platform"}),
    build,
    amount_columns=(
        ("planned", "currency"),
        ("committed", "currency"),
        ("actual", "currency"),
        ("paid", "currency"),
        ("actual_reporting", "reporting_currency"),
    ),
    date_columns=frozenset({"month", "fx_rate_date"}),
    number_columns=frozenset({"fx_rate"}),
)
