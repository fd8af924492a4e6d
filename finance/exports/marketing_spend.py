"""The `marketing-spend` export: the marketing ledger (planned, committed, actual, paid) per month and channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from db.calendar import month_end
from db.money import plain, quantize
from finance.exports.context import REPORTING, ZERO, ExportContext, ExportSpec, rate_text
from finance.ledger import build_ledger
from finance.periods import provisional_since


def build(ctx: ExportContext) -> Iterator[list[str]]:
    # The ledger is small (months x campaigns and programs): built whole so a missing rate fails up front.
    return iter(list(_rows(ctx)))


def _rows(ctx: ExportContext) -> Iterator[list[str]]:
    lines = build_ledger(ctx.session, ctx.since, ctx.until, with_days=ctx.policy == "daily")
    target = ctx.currency
    cutoffs_by_tz: dict[str | None, dt.date] = {}
    for ln in lines:
        cur = ln.currency
        if not ln.actual:
            converted, rate_cell, rate_date, policy = ZERO, "", "", ""  # nothing to convert (plan-only rows)
        elif ctx.policy == "daily" and cur != target and ln.actual_days:
            total = sum((amt * ctx.book.rate(cur, day).rate for day, amt in ln.actual_days.items()), ZERO)
            converted = quantize(total, target)
            rate_cell = rate_text(total / ln.actual)
            rate_date, policy = "daily", "daily"
        else:
            used = ctx.book.rate(cur, month_end(ln.month) if ctx.policy == "daily" else ln.month)
            converted = quantize(quantize(ln.actual, cur) * used.rate, target)
            rate_cell, rate_date, policy = rate_text(used.rate), used.rate_date, used.policy
        provisional = "false"
        if ln.channel == "meta_ads" and ln.last_day is not None:
            cutoff = cutoffs_by_tz.setdefault(ln.timezone_name, provisional_since(ln.timezone_name, ctx.now))
            provisional = ctx.provisional(ln.last_day, cutoff)
        yield [
            ln.month.strftime("%Y-%m"),
            ln.channel,
            ln.item_name or "",
            cur,
            plain(ln.planned, cur) if ln.planned is not None else "",
            plain(ln.committed, cur) if ln.committed is not None else "",
            plain(ln.actual, cur),
            target,
            rate_cell,
            plain(converted, target),
            plain(ln.paid, cur) if ln.paid is not None else "",
            rate_date,
            policy,
            provisional,
            ln.item_type,
            ln.item_id,
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
    ),
    frozenset({"channel", "program_or_campaign", "item_type", "item_id"}),
    build,
    amount_columns=(
        ("planned", "currency"),
        ("committed", "currency"),
        ("actual", "currency"),
        ("paid", "currency"),
        ("actual_reporting", "reporting_currency"),
    ),
)
