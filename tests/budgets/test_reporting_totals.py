"""One number, one definition: a page's reporting-currency total is the sum of an export's rows for the same period
and scope, to the rupiah, on the demo workspace (its FX rates, IDR reporting currency, USD and SGD accounts and
programs), for last month and this month.

- Campaigns page: the last row of the totals table (the reporting currency) has the spend that the
  `campaign-daily` export's `spend_reporting` column adds up to over all its rows of the period.
- Budgets page ("All currencies converted to IDR: ... spent ...") and Overview ("... of ... planned" under IDR):
  the `marketing-spend` ledger's `actual_reporting` column added over its ad rows (channels `meta_ads`,
  `tiktok_ads`, `google_ads`, `linkedin_ads`) and its `influencer_fees` rows; `product_seeding` rows left out
  (the Budgets page paces campaigns and influencer fees, not product value), less what the ledger holds on days
  that are not completed yet: the pages count completed days only (before an ad account's today in its own time
  zone, before the workspace's today for fees; docs/budgets.md), the ledger whatever falls in the export's dates.
  Between 17:00 and 24:00 UTC the demo's Jakarta data already holds a day that is still today for its
  Los Angeles account.

Before the pages converted each currency's (or scope's) total once: a few rupiah off the files."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from budgets.plans import CHANNEL_PLATFORMS
from db.calendar import local_today, month_start, workspace_today
from db.engine import session_scope
from finance import fx, reporting
from finance.exports import export_chunks, read_rows
from finance.ledger import build_ledger
from influencers.fees import CHANNEL_FEES
from pages.components.data import month_bounds

AD_CHANNELS = frozenset(CHANNEL_PLATFORMS)  # meta_ads, tiktok_ads, google_ads, linkedin_ads


def _open(app_test, path: str):
    at = app_test(timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _rupiah(text: str) -> int:
    """`IDR110,837,007` (en_US, no decimals for IDR) -> 110837007."""
    assert re.fullmatch(r"IDR[\d,]+", text), text
    return int(text[3:].replace(",", ""))


def _months() -> list[tuple[dt.date, dt.date]]:
    with session_scope() as s:
        today = workspace_today(s)
    this = month_start(today)
    return [month_bounds(this - dt.timedelta(days=1)), month_bounds(this)]


def _export(name: str, since: dt.date, until: dt.date) -> tuple[str, list[dict[str, str]]]:
    with session_scope() as s:
        currency = fx.reporting_currency(s)
        header, rows = read_rows(b"".join(export_chunks(s, name, since, until)))
    return currency, [dict(zip(header, row, strict=True)) for row in rows]


def _campaign_daily_total(since: dt.date, until: dt.date) -> Decimal:
    currency, rows = _export("campaign-daily", since, until)
    assert currency == "IDR"
    assert rows
    assert {r["reporting_currency"] for r in rows} == {"IDR"}
    assert {r["currency"] for r in rows} > {"IDR"}  # other currencies are converted
    assert all(r["fx_missing"] == "false" for r in rows)
    return sum((Decimal(r["spend_reporting"]) for r in rows), Decimal(0))


def _ledger_spent(since: dt.date, until: dt.date) -> Decimal:
    """The marketing-spend ledger's `actual_reporting`, added over its ad-channel and influencer-fee rows."""
    currency, rows = _export("marketing-spend", since, until)
    assert currency == "IDR"
    assert rows
    spent = [r for r in rows if r["channel"] in AD_CHANNELS or r["channel"] == CHANNEL_FEES]
    assert {r["currency"] for r in spent if r["actual_reporting"] not in ("", "0")} > {"IDR"}
    assert all(r["fx_missing"] == "false" for r in spent)
    return sum((Decimal(r["actual_reporting"] or "0") for r in spent), Decimal(0)) - _not_completed(since, until)


def _not_completed(since: dt.date, until: dt.date) -> Decimal:
    """The ledger's ad spend and recognised fees dated on or after their scope's today, converted into IDR as the
    export converts them (each day on its own, then added, so taking it off the file's sum is exact)."""
    with session_scope() as s:
        convert = reporting.day_converter(s, since, until, "IDR", pivot="IDR")
        fees_today = workspace_today(s)
        out = Decimal(0)
        for line in build_ledger(s, since, until):
            if line.channel in AD_CHANNELS:
                today = local_today(line.timezone_name)
            elif line.channel == CHANNEL_FEES:
                today = fees_today
            else:
                continue
            partial = [(day, line.currency, v) for day, v in (line.actual_days or {}).items() if day >= today]
            if partial:
                converted = convert(partial)
                assert converted is not None, partial
                out += converted
    return out


def test_campaigns_page_reporting_total_is_the_campaign_daily_export_summed(demo_url: str, app_test) -> None:
    at = _open(app_test, "pages/campaigns/campaigns.py")
    for since, until in _months():
        at.date_input(key="campaigns_period").set_value((since, until)).run()
        assert not at.exception, at.exception
        # The totals table (display-only: no widget key): one row per currency, then the reporting currency.
        totals = next(d.value for d in at.dataframe if {"Totals", "Campaigns"} <= set(d.value.columns))
        per_currency, converted = totals.iloc[:-1], totals.iloc[-1]
        assert set(per_currency["Totals"]) == {"Total IDR", "Total SGD", "Total USD"}
        assert converted["Totals"] == "All currencies in IDR (converted)"
        assert _rupiah(converted["Spend"]) == _campaign_daily_total(since, until), (since, until)


@pytest.mark.parametrize("page", ["budgets", "overview"])
def test_budgets_and_overview_spent_is_the_ledger_ad_and_fee_rows_summed(demo_url: str, app_test, page: str) -> None:
    months = _months()
    if page == "overview":  # the Overview shows this month only
        at = _open(app_test, "pages/overview/overview.py")
        # The all-currencies tile: the planned scopes' spent, then the spend without a plan said apart.
        label = "Budget used, all currencies in IDR"
        assert label in [m.label for m in at.metric]
        # (the last IDR captions: the per-currency IDR tile, unconverted, comes first)
        planned = [c.value for c in at.caption if " remaining" in c.value and c.value.startswith("IDR")][-1]
        unplanned = [c.value for c in at.caption if c.value.endswith(" spent without a plan")]
        unplanned = [u for u in unplanned if u.startswith("IDR")][-1:]
        spent = _rupiah(planned.split(" of ")[0]) + sum((_rupiah(u.split(" spent")[0]) for u in unplanned), Decimal(0))
        assert spent == _ledger_spent(*months[1])
        return
    at = _open(app_test, "pages/budgets/budgets.py")
    for since, until in months:
        at.selectbox(key="budgets_month").select(since).run()
        assert not at.exception, at.exception
        caption = next(c.value for c in at.caption if c.value.startswith("All currencies converted to IDR"))
        found = re.search(r"spent (IDR[\d,]+),", caption)
        assert found, caption
        assert _rupiah(found.group(1)) == _ledger_spent(since, until), (since, caption)
