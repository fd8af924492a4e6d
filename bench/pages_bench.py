"""Benchmark the Budgets and Campaigns page queries at scale against one hand-written GROUP BY.

Builds N campaigns x D days of daily insights (default 2,000 x 730, about 1.5M rows) in a fresh
SQLite file or PostgreSQL schema with bulk inserts (executemany / COPY), then prints each page query's
median time, its ratio to a plain `GROUP BY campaign_id` over the same rows (target <= 2x), and each
page's AppTest render time (cold cache, then warm).

    python bench/pages_bench.py --db sqlite [--scale 0.1]
    python bench/pages_bench.py --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ACCOUNTS = (
    ("900000000000001", "Bench ID", "IDR", "Asia/Jakarta", 2_000_000),
    ("900000000000002", "Bench US", "USD", "America/New_York", 150),
    ("900000000000003", "Bench SG", "SGD", "Asia/Singapore", 200),
    ("900000000000004", "Bench ID 2", "IDR", "Asia/Jakarta", 1_000_000),
)


def storers(dialect) -> dict[str, object]:
    """Per money column, the function that turns a Decimal into what the column stores on this database: the
    column type's own bind processor (`db.types.ScaledDecimal`: a scaled integer, value x 10^4, on SQLite since
    migration 0006_exact_money; NUMERIC on PostgreSQL), so the bench writes exactly what the app writes."""
    from budgets.models import BudgetPlan
    from campaigns.models import AdSet, Campaign, CampaignInsight

    columns = {
        "campaign.daily_budget": Campaign.daily_budget,
        "ad_set.daily_budget": AdSet.daily_budget,
        "budget_plan.amount": BudgetPlan.amount,
        "insight.spend": CampaignInsight.spend,
        "insight.conversions": CampaignInsight.conversions,
        "insight.conversion_value": CampaignInsight.conversion_value,
    }
    out: dict[str, object] = {}
    for name, column in columns.items():
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        out[name] = (
            (lambda v, p=process: None if v is None else p(Decimal(str(v))))
            if process
            else (lambda v: None if v is None else Decimal(str(v)))
        )
    return out


def build(url: str, campaigns: int, days: int, today: dt.date) -> int:
    """Schema, accounts, campaigns, ad sets, plans and insights; returns the insight row count."""
    from db.engine import get_engine
    from migrations.migrate import upgrade

    upgrade(url)
    engine = get_engine(url)
    store = storers(engine.dialect)
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    stamp = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    month_start = today.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with engine.begin() as conn:
        for i, (aid, name, cur, tz, _b) in enumerate(ACCOUNTS, start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO ad_account (id, account_id, name, currency, timezone_name, source, sync_enabled,"
                    " version_id, created_at, updated_at) VALUES (:i, :a, :n, :c, :t, 'bench', true, 1, :s, :s)"
                ),
                {"i": i, "a": aid, "n": name, "c": cur, "t": tz, "s": stamp},
            )
        camp_rows, adset_rows, plan_rows, meta = [], [], [], []
        for cid in range(1, campaigns + 1):
            account = (cid - 1) % len(ACCOUNTS)
            _aid, _n, cur, _tz, daily = ACCOUNTS[account]
            cbo = cid % 3 != 0
            status = "ACTIVE" if cid % 7 else "PAUSED"
            budget = daily * rng.uniform(0.5, 2)
            start = now - dt.timedelta(days=days + rng.randint(0, 30))
            camp_rows.append(
                {
                    "id": cid,
                    "account_id": account + 1,
                    "meta_id": f"9{cid:012d}",
                    "name": f"Bench campaign {cid:05d}",
                    "status": status,
                    "effective_status": status,
                    "objective": ("OUTCOME_SALES", "OUTCOME_LEADS", "OUTCOME_TRAFFIC")[cid % 3],
                    "currency": cur,
                    "daily_budget": store["campaign.daily_budget"](round(budget, 2) if cbo else None),
                    "start_time": start.replace(tzinfo=None) if engine.dialect.name == "sqlite" else start,
                    "source": "bench",
                    "version_id": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            for s in range(2):
                adset_rows.append(
                    {
                        "id": cid * 2 + s,
                        "campaign_id": cid,
                        "meta_id": f"8{cid:012d}{s}",
                        "name": f"Ad set {s}",
                        "status": "ACTIVE",
                        "currency": cur,
                        "daily_budget": store["ad_set.daily_budget"](None if cbo else round(budget / 2, 2)),
                        "source": "bench",
                        "version_id": 1,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
            if cid % 10:
                plan_rows.append(
                    {
                        "scope_type": "campaign",
                        "scope_key": f"campaign:{cid}",
                        "campaign_id": cid,
                        "period_start": month_start,
                        "period_end": month_end,
                        "amount": store["budget_plan.amount"](round(budget * 30 * rng.uniform(0.8, 1.2), 2)),
                        "currency": cur,
                        "version_id": 1,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
            meta.append((cid, cur, budget))
        conn.execute(sa.text(_insert_sql("campaign", camp_rows[0])), camp_rows)
        conn.execute(sa.text(_insert_sql("ad_set", adset_rows[0])), adset_rows)
        conn.execute(sa.text(_insert_sql("budget_plan", plan_rows[0])), plan_rows)
    first = today - dt.timedelta(days=days)
    dates = [first + dt.timedelta(days=d) for d in range(days)]
    rows = 0
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        columns = (
            "campaign_id, date, currency, spend, impressions, clicks, conversions, conversion_value, source, synced_at"
        )
        batch: list[tuple] = []

        def flush() -> None:
            if not batch:
                return
            if engine.dialect.name == "postgresql":
                with cur.copy(f"COPY campaign_insight ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cur.executemany(
                    f"INSERT INTO campaign_insight ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch
                )
            batch.clear()

        spend_of, conversions_of, value_of = (
            store["insight.spend"],
            store["insight.conversions"],
            store["insight.conversion_value"],
        )
        for n, (cid, currency, budget) in enumerate(meta, start=1):
            digits = 0 if currency == "IDR" else 2
            for day in dates:
                spend = round(budget * rng.uniform(0.7, 1.1), digits)
                impressions = int(spend * (0.05 if currency == "IDR" else 90))
                clicks = impressions // 60
                conversions = clicks // 25
                batch.append(
                    (
                        cid,
                        day if engine.dialect.name == "postgresql" else day.isoformat(),
                        currency,
                        spend_of(spend),
                        impressions,
                        clicks,
                        conversions_of(conversions),
                        value_of(round(conversions * budget / 10, digits)),
                        "bench",
                        stamp if engine.dialect.name == "postgresql" else stamp.isoformat(sep=" "),
                    )
                )
                rows += 1
            if len(batch) >= 100_000:
                flush()
            if n % 200 == 0:
                print(f"  {n}/{len(meta)} campaigns, {rows:,} rows", file=sys.stderr, flush=True)
        flush()
        raw.commit()
        raw.commit()
    finally:
        raw.close()
    # Fresh statistics (and on PostgreSQL the visibility map, so index-only scans are possible).
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return rows


def ensure_rates(url: str, today: dt.date, days: int) -> int:
    """Daily finance rates USD->IDR and SGD->IDR for every day of the data (added once; a kept database built before
    they were part of the bench gets them here), so the reporting-currency totals convert every day as the pages
    do. Returns how many were added."""
    from db.engine import session_scope
    from finance.models import FxRate

    with session_scope(url) as s:
        if s.scalar(sa.select(sa.func.count()).select_from(FxRate)):
            return 0
        first = today - dt.timedelta(days=days)
        rates = []
        for n in range(days + 2):
            day = first + dt.timedelta(days=n)
            wobble = Decimal(n % 17) / 10
            rates.append(FxRate(date=day, from_currency="USD", to_currency="IDR", rate=Decimal("16210.5") + wobble))
            rates.append(FxRate(date=day, from_currency="SGD", to_currency="IDR", rate=Decimal("12120.25") + wobble))
        s.add_all(rates)
        return len(rates)


def _insert_sql(table: str, row: dict) -> str:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"


def timed_pair(fn, base, repeat: int) -> tuple[float, float]:
    """Median seconds of `fn` and of `base`, run alternately (after a warm-up of each) so that a
    busy machine slows both alike: the ratio is what matters."""
    fn()
    base()
    runs, bases = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        base()
        bases.append(time.perf_counter() - start)
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), statistics.median(bases)


def measure(url: str, today: dt.date, repeat: int) -> list[tuple[str, float, float]]:
    from budgets.overview import budget_overview, campaign_statuses
    from campaigns import performance
    from db.calendar import Period
    from db.engine import get_engine, session_scope

    period = Period.month_of(today)
    year = Period(today - dt.timedelta(days=364), today)
    # Pace as of --today (noon UTC: the same date in Jakarta and New York), not the machine's clock: with a
    # --today in the past the month would otherwise be over and no projection would run.
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    engine = get_engine(url)
    baseline_sql = sa.text(
        "SELECT campaign_id, SUM(spend), SUM(impressions), SUM(clicks), SUM(conversions), SUM(conversion_value) "
        "FROM campaign_insight WHERE date >= :a AND date <= :b GROUP BY campaign_id"
    )

    def baseline(p: Period):
        def run():
            with engine.connect() as conn:
                return conn.execute(baseline_sql, {"a": p.start, "b": p.end}).all()

        return run

    def campaigns_page(p: Period):
        # What the Campaigns page calls: the table read beside the pacing column (budgets.campaign_page).
        from budgets.campaign_page import campaign_page_data

        def run():
            with session_scope(url) as s:
                campaign_page_data(s, performance.CampaignFilters(p.start, p.end), period, now)

        return run

    def campaigns_page_in_order(p: Period):
        # The same two reads one after the other (the A/B of reading the table beside).
        def run():
            with session_scope(url) as s:
                performance.campaign_performance(s, performance.CampaignFilters(p.start, p.end))
                campaign_statuses(s, period, now)

        return run

    def campaigns_table(p: Period):
        def run():
            with session_scope(url) as s:
                performance.campaign_performance(s, performance.CampaignFilters(p.start, p.end))

        return run

    def pacing_column():
        with session_scope(url) as s:
            campaign_statuses(s, period, now)

    def budgets_page():
        with session_scope(url) as s:
            budget_overview(s, period, now=now, today=today)

    def budgets_page_with_reporting_currency():
        # What the Budgets and Overview pages call: the same overview with every plan and total in the reporting
        # currency, spent converted day by day as the exports convert it (pages/budgets/budgets.py).
        from finance import reporting as reporting_totals

        with session_scope(url) as s:
            budget_overview(
                s, period, now=now, today=today, reporting=reporting_totals.LateReporting(s, period.start, period.end)
            )

    def budgets_page_currency_first():
        # The same with the reporting currency worked out before the overview's reads (the A/B of LateReporting).
        from finance import fx
        from finance import reporting as reporting_totals

        with session_scope(url) as s:
            currency = fx.reporting_currency(s)
            budget_overview(
                s,
                period,
                now=now,
                today=today,
                converter=fx.converter(s, period.start, period.end, pivot=currency),
                reporting_currency=currency,
                spent_converter=reporting_totals.day_converter(s, period.start, period.end, currency, pivot=currency),
            )

    def budgets_page_in_order():
        # The same with every read on the session, one after the other (db.reads as if no scan could run beside).
        from db import reads

        separate, reads._separate = reads._separate, lambda _engine: False
        try:
            budgets_page()
        finally:
            reads._separate = separate

    results = []
    for name, fn, p in (
        ("Campaigns table, this month", campaigns_table(period), period),
        ("Campaigns pacing column, this month", pacing_column, period),
        ("Campaigns page queries (table + pacing), this month", campaigns_page(period), period),
        ("Campaigns page queries, in order (not beside)", campaigns_page_in_order(period), period),
        ("Budgets overview, this month", budgets_page, period),
        ("Budgets overview, scans in order (not beside)", budgets_page_in_order, period),
        ("Budgets page data (totals in IDR, day by day)", budgets_page_with_reporting_currency, period),
        ("Budgets page data, reporting currency first (the A/B)", budgets_page_currency_first, period),
        ("Campaigns table, 365 days", campaigns_table(year), year),
    ):
        base = baseline(p)
        statements = captured(engine, fn)
        sql_seconds, raw_base = timed_pair(replay(engine, statements), raw_baseline(engine, baseline_sql, p), repeat)
        seconds, base_seconds = timed_pair(fn, base, repeat)
        results.append((name, len(statements), sql_seconds, raw_base, seconds, base_seconds))
    return results


def captured(engine, fn) -> list[tuple[str, object]]:
    """The SQL statements (with their parameters) that one call of `fn` sends to the database."""
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    from db.engine import reader_engine

    engines = (engine, reader_engine(engine))  # the reads beside a session have a pool of their own
    for each in engines:
        sa.event.listen(each, "before_cursor_execute", keep)
    try:
        fn()
    finally:
        for each in engines:
            sa.event.remove(each, "before_cursor_execute", keep)
    return statements


def replay(engine, statements: list[tuple[str, object]]):
    """Run the captured statements on the driver's cursor and fetch every row: the queries' own time,
    without the Python work the page does with the rows (pacing maths, Decimal conversion)."""

    def run():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            raw.rollback()
        finally:
            raw.close()

    return run


def raw_baseline(engine, baseline_sql, period):
    """The hand-written GROUP BY on the driver's cursor too, so both sides of the SQL ratio match."""
    compiled = baseline_sql.bindparams(a=period.start, b=period.end).compile(engine)
    statement = str(compiled)
    params = compiled.construct_params()
    if engine.dialect.name == "sqlite":
        parameters = tuple(str(params[name]) for name in compiled.positiontup)
    else:
        parameters = params

    def run():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            raw.rollback()
        finally:
            raw.close()

    return run


def pacing_maths(url: str, today: dt.date, repeat: int) -> tuple[int, float, float]:
    """The Budgets overview's pacing maths alone on its own scopes: `pace` one scope at a time against the
    vectorised `pace_all` (budgets/pacing_frame.py), alternating; returns (scopes, per-scope s, vectorised s)."""
    from budgets.overview import budget_overview
    from budgets.pacing import pace
    from budgets.pacing_frame import pace_all
    from db.calendar import Period
    from db.engine import session_scope

    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    with session_scope(url) as s:
        scopes = [p.scope for p in budget_overview(s, Period.month_of(today), now=now, today=today).pacings]
    loop, vectorised = timed_pair(lambda: [pace(scope) for scope in scopes], lambda: pace_all(scopes), repeat)
    return len(scopes), loop, vectorised


def render_times(url: str) -> list[tuple[str, float, float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    out = []
    for path in ("pages/overview/overview.py", "pages/campaigns/campaigns.py", "pages/budgets/budgets.py"):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
        at.run()
        import streamlit as st

        st.cache_data.clear()
        start = time.perf_counter()
        at.switch_page(path).run()
        cold = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"{path} failed: {at.exception}")
        start = time.perf_counter()
        at.run()
        warm = time.perf_counter() - start
        out.append((path, cold, warm))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url", default=os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 2,000 campaigns (days stay 730)")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-render", action="store_true", help="skip the AppTest page renders")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        help="the day the data ends and 'this month' is measured (default: today in Asia/Jakarta); early in a month"
        " 'this month' holds a day or two, so pass e.g. the 28th of last month for the query ratios (renders use"
        " the real today: combine with --no-render)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL) for profiling")
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="measure a database kept with --keep (built with the same --scale, --days and --today) instead of"
        " building one; it is left in place",
    )
    args = parser.parse_args()

    from db.calendar import DEFAULT_WORKSPACE_TIMEZONE, local_today
    from db.engine import dispose_engines

    campaigns = max(int(2000 * args.scale), 4)
    today = args.today or local_today(DEFAULT_WORKSPACE_TIMEZONE)  # the bench workspace keeps the default zone
    tmp = tempfile.mkdtemp(prefix="pantau-bench-")
    schema = None
    if args.reuse:
        url = args.reuse
    elif args.db == "sqlite":
        url = f"sqlite:///{tmp}/bench.db"
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = (
            make_url(args.pg_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    try:
        if args.reuse:
            print(f"Measuring the kept database {url}", flush=True)
        else:
            print(f"Building {campaigns:,} campaigns x {args.days} days on {args.db} ...", flush=True)
            start = time.perf_counter()
            rows = build(url, campaigns, args.days, today)
            print(f"Built {rows:,} insight rows in {time.perf_counter() - start:.1f}s")
        added = ensure_rates(url, today, args.days)
        if added:
            print(f"Added {added:,} daily FX rates (USD and SGD to IDR)")
        print(
            "\nSQL: the page's statements replayed on the driver's cursor (all rows fetched) vs the GROUP BY;"
            "\nend to end: the page's data function (SQL + rows to Decimal + pacing maths) vs the GROUP BY."
            "\nEach is the median of runs alternating with its baseline; the target is <= 2x."
        )
        header = f"{'page data':<54} {'stmts':>5} {'SQL':>8} {'GROUP BY':>9} {'ratio':>6} {'end to end':>11}"
        header += f" {'ratio':>6}"
        print(f"\n{header}")
        for name, count, sql, raw_base, seconds, base in measure(url, today, args.repeat):
            print(
                f"{name:<54} {count:>5} {sql * 1000:>6.1f}ms {raw_base * 1000:>7.1f}ms {sql / raw_base:>5.2f}x"
                f" {seconds * 1000:>9.1f}ms {seconds / base:>5.2f}x"
            )
        count, loop, vectorised = pacing_maths(url, today, args.repeat)
        print(
            f"\npacing maths alone, {count:,} Budgets overview scopes: one `pace` per scope {loop * 1000:.1f}ms,"
            f" vectorised `pace_all` {vectorised * 1000:.1f}ms ({loop / vectorised:.2f}x faster)"
        )
        if not args.no_render:
            print(f"\n{'page (AppTest)':<58} {'cold':>9} {'warm':>9}")
            for path, cold, warm in render_times(url):
                print(f"{path:<58} {cold:>8.2f}s {warm:>8.2f}s")
    finally:
        dispose_engines()
        if args.keep or args.reuse:
            print(f"kept: {url}")
        else:
            if schema:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                admin.dispose()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
