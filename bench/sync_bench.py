"""Sync benchmark against the fake Graph API or the fake TikTok API: requests vs minimum pages, ingest rate vs
raw bulk insert, memory.

    python bench/sync_bench.py                 # Meta: 3 accounts x 500 campaigns x 4 ad sets x 90 days
    python bench/sync_bench.py --scale 0.1     # 50 campaigns per account
    python bench/sync_bench.py --platform tiktok   # TikTok: 3 advertisers x 500 campaigns x 4 ad groups x 90 days
    python bench/sync_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The sync runs in a child process (so its peak memory is its own); the fake server runs in this one.
The baseline inserts the same rows into the same database with plain bulk INSERTs (no API, no
upsert), timing only the database writes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.graph_api import TOKEN, FakeGraph, Generated  # noqa: E402
from tests.fakes.tiktok_api import TOKEN as TIKTOK_TOKEN  # noqa: E402
from tests.fakes.tiktok_api import FakeTikTok  # noqa: E402

UNTIL = dt.date(2026, 6, 30)


def metrics(level: str, object_id: str, day: dt.date) -> dict:
    seed = (hash(object_id) ^ day.toordinal()) & 0xFFFF
    purchases = seed % 7
    return {
        "spend": str(Decimal(seed % 5000 + 100) / 100),
        "impressions": 1000 + seed % 9000,
        "clicks": 10 + seed % 300,
        "inline_link_clicks": 5 + seed % 100,
        **({"reach": 800 + seed % 7000} if level == "campaign" else {}),
        "actions": [
            {"action_type": "omni_purchase", "value": str(purchases)},
            {"action_type": "purchase", "value": str(purchases)},
            {"action_type": "link_click", "value": str(5 + seed % 100)},
        ],
        "action_values": [{"action_type": "omni_purchase", "value": str(purchases * 25)}],
    }


def build(fake: FakeGraph, accounts: int, campaigns: int, adsets: int, days: int) -> dict:
    start = UNTIL - dt.timedelta(days=days - 1)
    for a in range(accounts):
        account = f"9{a:03d}"
        fake.add_account(account, currency=("IDR", "USD", "JPY")[a % 3], timezone_name="Asia/Jakarta")
        for c in range(campaigns):
            cid = f"{account}{c:05d}"
            fake.add_campaign(account, cid, daily_budget="500000")
            for s in range(adsets):
                fake.add_adset(cid, f"{cid}{s}", daily_budget="100000")
        fake.generated[account] = Generated(start=start, days=days, row=metrics)
    per_page = 500
    pages = math.ceil(accounts / per_page)
    for _ in range(accounts):
        pages += math.ceil(campaigns / per_page) + math.ceil(campaigns * adsets / per_page)
        pages += math.ceil(campaigns * days / per_page) + math.ceil(campaigns * adsets * days / per_page)
    rows = accounts * campaigns * days * (1 + adsets)
    return {"min_pages": pages, "rows": rows, "since": start.isoformat(), "until": UNTIL.isoformat()}


MONEY = ("spend", "total_complete_payment_rate")


def tiktok_metrics(level: str, object_id: str, day: dt.date) -> dict:
    """One object's day in the TikTok bench (deterministic, cheap), as TikTok sends it: every metric as text."""
    seed = (hash(object_id) ^ day.toordinal()) & 0xFFFF
    payments = seed % 7
    cents = seed % 5000 + 100
    return {
        "spend": f"{cents // 100}.{cents % 100:02d}",
        "impressions": str(1000 + seed % 9000),
        "clicks": str(10 + seed % 300),
        "conversion": str(payments),
        "complete_payment": str(payments),
        "total_complete_payment_rate": f"{payments * 25}.00",
        "form": str(seed % 3),
        "onsite_form": "0",
        "app_install": "0",
        **({"reach": str(800 + seed % 7000)} if level == "AUCTION_CAMPAIGN" else {}),
    }


def build_tiktok(fake: FakeTikTok, advertisers: int, campaigns: int, groups: int, days: int) -> dict:
    """Advertisers with campaigns and ad groups whose daily rows are generated; the minimum pages a read needs."""
    from campaigns.tiktok_client import report_windows

    start = UNTIL - dt.timedelta(days=days - 1)
    ids = []
    for a in range(advertisers):
        advertiser = f"71{a:017d}"
        ids.append(advertiser)
        fake.add_advertiser(advertiser, currency=("IDR", "USD", "JPY")[a % 3], timezone="Asia/Jakarta")
        for c in range(campaigns):
            cid = f"17{a:03d}{c:014d}"
            fake.add_campaign(advertiser, cid, budget_mode="BUDGET_MODE_DAY", budget=500000.0)
            for g in range(groups):
                fake.add_ad_group(cid, f"18{a:03d}{c:013d}{g}", budget_mode="BUDGET_MODE_DAY", budget=100000.0)
        fake.generate(advertiser, start, days, tiktok_metrics)
    per_page = 1000
    pages = math.ceil(advertisers / 100)  # advertiser/info
    windows = report_windows(start, UNTIL)
    for _ in range(advertisers):
        pages += math.ceil(campaigns / per_page) + math.ceil(campaigns * groups / per_page)
        for first, last in windows:
            span = (last - first).days + 1
            pages += max(1, math.ceil(campaigns * span / per_page))
            pages += max(1, math.ceil(campaigns * groups * span / per_page))
    rows = advertisers * campaigns * days * (1 + groups)
    return {"min_pages": pages, "rows": rows, "since": start.isoformat(), "until": UNTIL.isoformat(), "ids": ids}


def child(url: str, since: str, until: str, platform: str = "meta") -> None:
    """Run the sync (in its own process) and print its figures as JSON."""
    from campaigns.sync import sync_facebook
    from campaigns.tiktok_sync import sync_tiktok
    from db.roles import CLI_ACTOR
    from migrations.migrate import upgrade

    upgrade(url)
    started, cpu = time.perf_counter(), time.process_time()
    run = sync_tiktok if platform == "tiktok" else sync_facebook
    summary = run(CLI_ACTOR, since=dt.date.fromisoformat(since), until=dt.date.fromisoformat(until), url=url)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "ok": summary.ok,
                "errors": summary.errors,
                "requests": summary.requests,
                "calls": summary.calls,
                "rows": summary.rows,
                "objects": summary.objects,
                "seconds": seconds,
                "cpu_seconds": time.process_time() - cpu,  # this process's threads; under load, wall time varies
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def baseline(url: str, fake: FakeGraph, since: dt.date, until: dt.date) -> tuple[int, float]:
    """Plain bulk INSERT of the same rows (delete first), timing only the database writes."""
    from sqlalchemy import delete, insert, select

    from campaigns.models import AdSet, AdSetInsight, Campaign, CampaignInsight
    from db.engine import session_scope
    from db.types import utcnow

    with session_scope(url) as s:
        s.execute(delete(AdSetInsight))
        s.execute(delete(CampaignInsight))
        campaign_ids = dict(s.execute(select(Campaign.meta_id, Campaign.id)).all())
        adset_ids = dict(s.execute(select(AdSet.meta_id, AdSet.id)).all())
    total, seconds = 0, 0.0
    stamp = utcnow()
    for account, gen in fake.generated.items():
        currency = fake.accounts[account]["currency"]
        for level, model, ids in (("campaign", CampaignInsight, campaign_ids), ("adset", AdSetInsight, adset_ids)):
            count, get = fake._generated_rows(account, gen, level, since, until, [])
            with session_scope(url) as s:
                for start in range(0, count, 500):
                    batch = []
                    for i in range(start, min(count, start + 500)):
                        r = get(i)
                        row = {
                            "date": dt.date.fromisoformat(r["date_start"]),
                            "currency": currency,
                            "spend": Decimal(r["spend"]),
                            "impressions": int(r["impressions"]),
                            "clicks": int(r["clicks"]),
                            "link_clicks": int(r["inline_link_clicks"]),
                            "actions": r["actions"],
                            "action_values": r["action_values"],
                            "conversions": Decimal(0),
                            "conversion_value": Decimal(0),
                            "source": "meta_api",
                            "synced_at": stamp,
                        }
                        if level == "campaign":
                            row["campaign_id"] = ids[r["campaign_id"]]
                            row["reach"] = int(r["reach"])
                        else:
                            row["ad_set_id"] = ids[r["adset_id"]]
                        batch.append(row)
                    began = time.perf_counter()
                    s.execute(insert(model), batch)
                    seconds += time.perf_counter() - began
                    total += len(batch)
                began = time.perf_counter()
                s.commit()
                seconds += time.perf_counter() - began
    return total, seconds


def baseline_tiktok(url: str, fake: FakeTikTok, since: dt.date, until: dt.date) -> tuple[int, float]:
    """The TikTok rows as plain bulk INSERTs (delete first), timing only the database writes."""
    from sqlalchemy import delete, insert, select

    from campaigns.models import AdSet, AdSetInsight, Campaign, CampaignInsight
    from campaigns.tiktok_writer import raw_actions
    from db.engine import session_scope
    from db.types import utcnow

    with session_scope(url) as s:
        s.execute(delete(AdSetInsight))
        s.execute(delete(CampaignInsight))
        campaign_ids = dict(list(s.execute(select(Campaign.meta_id, Campaign.id))))
        group_ids = dict(list(s.execute(select(AdSet.meta_id, AdSet.id))))
    total, seconds = 0, 0.0
    stamp = utcnow()
    for advertiser, gen in fake.generated.items():
        currency = fake.advertisers[advertiser]["currency"]
        days = gen.covers(since, until)
        for level, model, ids, key in (
            ("AUCTION_CAMPAIGN", CampaignInsight, campaign_ids, "campaign_id"),
            ("AUCTION_ADGROUP", AdSetInsight, group_ids, "ad_set_id"),
        ):
            objects = sorted(fake.objects(level, advertiser))
            with session_scope(url) as s:
                batch: list[dict] = []
                for index, (object_id, day) in enumerate((o, d) for o in objects for d in days):
                    text = tiktok_metrics(level, object_id, day)
                    m = {
                        k: Decimal(v) if k in ("spend", "total_complete_payment_rate") else int(v)
                        for k, v in text.items()
                    }
                    actions, values = raw_actions(m)
                    row = {
                        key: ids[object_id],
                        "date": day,
                        "currency": currency,
                        "spend": m["spend"],
                        "impressions": m["impressions"],
                        "clicks": m["clicks"],
                        "actions": actions,
                        "action_values": values,
                        "conversions": Decimal(0),
                        "conversion_value": Decimal(0),
                        "source": "tiktok_api",
                        "synced_at": stamp,
                    }
                    if level == "AUCTION_CAMPAIGN":
                        row["reach"] = m["reach"]
                    batch.append(row)
                    if len(batch) == 500 or index == len(objects) * len(days) - 1:
                        began = time.perf_counter()
                        s.execute(insert(model), batch)
                        seconds += time.perf_counter() - began
                        total += len(batch)
                        batch = []
                began = time.perf_counter()
                s.commit()
                seconds += time.perf_counter() - began
    return total, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 500 campaigns per account")
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--adsets", type=int, default=4)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--platform", choices=("meta", "tiktok"), default="meta", help="which sync to measure")
    parser.add_argument("--child", nargs=4, metavar=("URL", "SINCE", "UNTIL", "PLATFORM"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    campaigns = max(1, round(500 * args.scale))
    tmp = tempfile.mkdtemp(prefix="pantau-bench-")
    with fresh_database(args.database_url or f"sqlite:///{tmp}/bench.db") as url:
        (run_tiktok if args.platform == "tiktok" else run)(args, campaigns, url)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """`url` itself for a (new) SQLite file; on PostgreSQL a schema of its own, dropped afterwards, so
    every run starts from empty tables (a first sync) and never touches other data in that database."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() != "postgresql":
        yield url
        return
    schema = f"pantau_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        from db.engine import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def run(args: argparse.Namespace, campaigns: int, url: str) -> None:
    with FakeGraph() as fake:
        plan = build(fake, args.accounts, campaigns, args.adsets, args.days)
        env = {
            **os.environ,
            "FB_GRAPH_URL": fake.url,
            "FB_ACCESS_TOKEN": TOKEN,
            "FB_MAX_WAIT_SECONDS": "1",
            "FB_ASYNC_POLL_SECONDS": "0.05",
            "FB_AD_ACCOUNT_IDS": "",
            "PYTHONPATH": str(ROOT),
        }
        print(
            f"data: {args.accounts} accounts x {campaigns} campaigns x {args.adsets} ad sets x {args.days} days "
            f"= {plan['rows']} insight rows; database {url.split('@')[-1].split('?')[0]}",
            flush=True,
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--child", url, plan["since"], plan["until"], "meta"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            sys.exit(f"sync failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if not result["ok"]:
            sys.exit(f"sync failed: {result['errors']}")
        raw_rows, raw_seconds = baseline(
            url, fake, dt.date.fromisoformat(plan["since"]), dt.date.fromisoformat(plan["until"])
        )
    sync_rate = result["rows"] / result["seconds"]
    raw_rate = raw_rows / raw_seconds
    print(f"rows synced:        {result['rows']} (expected {plan['rows']}), {result['objects']} objects")
    print(
        f"graph requests:     {result['requests']} HTTP ({result['calls']} charged calls) vs minimum pages "
        f"{plan['min_pages']} -> {result['requests'] / plan['min_pages']:.2f}x (target <= 1.5x)"
    )
    print(
        f"ingest:             {sync_rate:,.0f} rows/s end to end ({result['seconds']:.1f} s) vs raw bulk insert "
        f"{raw_rate:,.0f} rows/s ({raw_seconds:.1f} s) -> {sync_rate / raw_rate:.2f}x (target >= 0.5x)"
    )
    print(f"peak memory (sync): {result['peak_mib']:.0f} MiB RSS")
    print(f"sync process CPU:   {result['cpu_seconds']:.1f} s ({os.getloadavg()[0]:.1f} load average at the end)")


def run_tiktok(args: argparse.Namespace, campaigns: int, url: str) -> None:
    with FakeTikTok() as fake:
        plan = build_tiktok(fake, args.accounts, campaigns, args.adsets, args.days)
        env = {
            **os.environ,
            "TIKTOK_API_URL": fake.url,
            "TIKTOK_ACCESS_TOKEN": TIKTOK_TOKEN,
            "TIKTOK_ADVERTISER_IDS": ",".join(plan["ids"]),
            "TIKTOK_MAX_WAIT_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
        }
        print(
            f"data: {args.accounts} advertisers x {campaigns} campaigns x {args.adsets} ad groups x {args.days} days "
            f"= {plan['rows']} report rows; database {url.split('@')[-1].split('?')[0]}",
            flush=True,
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--child", url, plan["since"], plan["until"], "tiktok"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            sys.exit(f"sync failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if not result["ok"]:
            sys.exit(f"sync failed: {result['errors']}")
        raw_rows, raw_seconds = baseline_tiktok(
            url, fake, dt.date.fromisoformat(plan["since"]), dt.date.fromisoformat(plan["until"])
        )
    sync_rate = result["rows"] / result["seconds"]
    raw_rate = raw_rows / raw_seconds
    print(f"rows synced:        {result['rows']} (expected {plan['rows']}), {result['objects']} objects")
    print(
        f"tiktok requests:    {result['requests']} HTTP vs minimum pages {plan['min_pages']} -> "
        f"{result['requests'] / plan['min_pages']:.2f}x (target <= 1.5x)"
    )
    print(
        f"ingest:             {sync_rate:,.0f} rows/s end to end ({result['seconds']:.1f} s) vs raw bulk insert "
        f"{raw_rate:,.0f} rows/s ({raw_seconds:.1f} s) -> {sync_rate / raw_rate:.2f}x (target >= 0.5x)"
    )
    print(f"peak memory (sync): {result['peak_mib']:.0f} MiB RSS")
    print(f"sync process CPU:   {result['cpu_seconds']:.1f} s ({os.getloadavg()[0]:.1f} load average at the end)")


if __name__ == "__main__":
    main()
