"""Benchmark: the campaign-daily export for 1.5M rows against pandas `DataFrame.to_csv` of the same rows.

Builds a SQLite database of campaign insights (IDR and USD accounts, daily FX rates), then runs, each in a
subprocess of its own so peak memory (ru_maxrss) is per process:
  - export:  finance.exports.export_chunks("campaign-daily", ..., "USD") streamed to a file: the 11 contract
             columns plus the rest of the export's spec (reporting currency, FX rate, its date, policy and source,
             spend converted, provisional, source, fx_missing), exact decimals, text cells neutralised;
  - pandas:  the same rows (same joins, period and order) read with pandas.read_sql, then DataFrame.to_csv of
             the 11 contract columns as pandas writes them (floats, nothing converted or neutralised), timed
             separately.
Both files are then read back and compared row by row on the 11 contract columns (same rows, same order,
same values), outside the timings. With --repeat N the two runs alternate N times and the best time of each
is kept. Prints seconds, the ratios export / pandas, and peak memory of each process.

    python bench/export_bench.py                # 1.5M rows
    python bench/export_bench.py --scale 0.1    # 150k rows
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finance.exports import get_spec  # noqa: E402

BASE_ROWS = 1_500_000
DAYS = 1000
START = dt.date(2022, 1, 1)
UNTIL = START + dt.timedelta(days=DAYS)
# The export's contract columns (its first 11), which pandas writes too: both sides are compared on them.
CONTRACT = list(get_spec("campaign-daily").columns[:11])
EXTRA = list(get_spec("campaign-daily").columns[11:])  # the columns only the export writes


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(url: str, rows: int) -> None:
    """Fill a fresh database with `rows` campaign-day rows."""
    from decimal import Decimal

    from sqlalchemy import insert

    from campaigns.models import AdAccount, Campaign, CampaignInsight
    from db.engine import session_scope
    from finance.models import FxRate
    from migrations.migrate import upgrade

    upgrade(url)
    campaigns = max(1, rows // DAYS)
    days = min(DAYS, rows)
    with session_scope(url) as s:
        accounts = []
        for i, (cur, tz) in enumerate((("IDR", "Asia/Jakarta"), ("USD", "America/New_York"))):
            acct = AdAccount(
                account_id=f"90000000000{i}", name=f'Bench {cur}, "quoted"', currency=cur, timezone_name=tz
            )
            s.add(acct)
            accounts.append(acct)
        s.flush()
        ids = []
        for c in range(campaigns):
            acct = accounts[c % 2]
            camp = Campaign(
                account_id=acct.id, meta_id=f"{120000000 + c}", name=f"Campaign {c}, =test", currency=acct.currency
            )
            s.add(camp)
            ids.append((camp, acct.currency))
        s.flush()
        s.execute(
            insert(FxRate),
            [
                {
                    "date": START + dt.timedelta(days=d),
                    "from_currency": "USD",
                    "to_currency": "IDR",
                    "rate": Decimal("16000") + d,
                    "source": "bench",
                    "version_id": 1,
                    "created_at": dt.datetime.now(dt.UTC),
                    "updated_at": dt.datetime.now(dt.UTC),
                }
                for d in range(days + 40)
            ],
        )
    batch: list[dict] = []
    done = 0
    with session_scope(url) as s:
        for d in range(days):
            day = START + dt.timedelta(days=d)
            for camp, cur in ids:
                if done >= rows:
                    break
                spend = Decimal(1_234_567 + d * 7) if cur == "IDR" else Decimal("123.45") + d
                batch.append(
                    {
                        "campaign_id": camp.id,
                        "date": day,
                        "currency": cur,
                        "spend": spend,
                        "impressions": 10_000 + d,
                        "clicks": 120,
                        "conversions": Decimal(3),
                        "conversion_value": spend * 2,
                        "source": "meta_api",
                    }
                )
                done += 1
            if len(batch) >= 50_000:
                s.execute(insert(CampaignInsight), batch)
                batch.clear()
        if batch:
            s.execute(insert(CampaignInsight), batch)
    print(f"built {done} rows ({campaigns} campaigns x {days} days)", file=sys.stderr)


def child_export(url: str, out: str) -> dict:
    from db.engine import session_scope
    from finance.exports import export_chunks

    t0 = time.perf_counter()
    size = 0
    with session_scope(url) as s, open(out, "wb") as fh:
        for chunk in export_chunks(
            s, "campaign-daily", START, UNTIL, "USD", now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        ):
            fh.write(chunk)
            size += len(chunk)
    return {"seconds": time.perf_counter() - t0, "bytes": size, "peak_mb": _peak_mb()}


def child_pandas(url: str, out: str) -> dict:
    import pandas as pd
    from sqlalchemy import select

    from campaigns.models import AdAccount, Campaign, CampaignInsight
    from db.engine import get_engine

    stmt = (
        select(
            CampaignInsight.date,
            AdAccount.account_id,
            AdAccount.name.label("account_name"),
            Campaign.meta_id.label("campaign_id"),
            Campaign.name.label("campaign_name"),
            CampaignInsight.currency,
            CampaignInsight.spend,
            CampaignInsight.impressions,
            CampaignInsight.clicks,
            CampaignInsight.conversions,
            CampaignInsight.conversion_value,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(START, UNTIL))
        .order_by(CampaignInsight.date, AdAccount.account_id, Campaign.meta_id, Campaign.id)
    )
    t0 = time.perf_counter()
    with get_engine(url).connect() as conn:
        frame = pd.read_sql(stmt, conn)
    t1 = time.perf_counter()
    frame.to_csv(out, index=False, encoding="utf-8-sig")
    t2 = time.perf_counter()
    return {
        "read_seconds": t1 - t0,
        "to_csv_seconds": t2 - t1,
        "seconds": t2 - t0,
        "rows": len(frame),
        "bytes": os.path.getsize(out),
        "peak_mb": _peak_mb(),
    }


def compare(export_csv: str, pandas_csv: str) -> int:
    """Both files hold the same rows in the same order: the 11 contract columns agree on every row (amounts
    as numbers: pandas writes floats, the export exact decimals; a name the export neutralised with `'`)."""
    from decimal import Decimal

    numeric = {"spend", "impressions", "clicks", "conversions", "conversion_value"}
    opts = {"encoding": "utf-8-sig", "newline": ""}
    with open(export_csv, **opts) as fe, open(pandas_csv, **opts) as fp:  # type: ignore[call-overload]
        ex, pa = csv.reader(fe), csv.reader(fp)
        eh, ph = next(ex), next(pa)
        if eh != CONTRACT + EXTRA or ph != CONTRACT:
            sys.exit(f"headers differ: export {eh}, pandas {ph}")
        n = 0
        for n, (e, p) in enumerate(zip(ex, pa, strict=True), start=1):
            for i, col in enumerate(CONTRACT):
                a, b = e[i], p[i]
                same = Decimal(a) == Decimal(b) if col in numeric else a in (b, "'" + b)
                if not same:
                    sys.exit(f"row {n} differs in {col}: export {a!r}, pandas {b!r}")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1.5M rows (default 1.0)")
    parser.add_argument("--db", help="SQLite file to build/reuse (default: a temporary file)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate the two runs N times, keep each best")
    parser.add_argument("--child", choices=["export", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        func = child_export if args.child == "export" else child_pandas
        print(json.dumps(func(args.url, args.out)))
        return
    rows = int(BASE_ROWS * args.scale)
    tmp = tempfile.mkdtemp(prefix="pantau-bench-")
    db = Path(args.db) if args.db else Path(tmp) / "bench.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        build(url, rows)
        print(f"database built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results: dict[str, dict] = {}
    for _round in range(max(1, args.repeat)):
        for mode in ("export", "pandas"):
            out = str(Path(tmp) / f"{mode}.csv")
            proc = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--url", url, "--out", out],
                capture_output=True,
                text=True,
                env={**os.environ, "DATABASE_URL": url},
            )
            if proc.returncode != 0:
                sys.exit(f"{mode} run failed:\n{proc.stderr[-2000:]}")
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{mode}: {run}", file=sys.stderr)
            best = results.setdefault(mode, run)
            for key in ("seconds", "read_seconds", "to_csv_seconds"):  # each timing's best, for both sides
                if key in run:
                    best[key] = min(best[key], run[key])
    rows = compare(str(Path(tmp) / "export.csv"), str(Path(tmp) / "pandas.csv"))
    shutil.rmtree(tmp, ignore_errors=True)  # the two files (and the database unless --db was given)
    e, p = results["export"], results["pandas"]
    runs = f"best of {args.repeat} alternating runs" if args.repeat > 1 else "one run each"
    print(f"rows: {rows} in both files, the same on the 11 contract columns ({runs})")
    print(
        f"export writes {len(CONTRACT) + len(EXTRA)} columns: the {len(CONTRACT)} contract columns + "
        f"{','.join(EXTRA)} (exact decimals, text cells neutralised)"
    )
    print("pandas writes 11 columns: the contract columns only (amounts as floats, no FX, nothing neutralised)")
    print(
        f"campaign-daily export (query + FX + format + write): {e['seconds']:.2f} s, {e['bytes'] / 1e6:.1f} MB, "
        f"peak RSS {e['peak_mb']:.0f} MB"
    )
    print(
        f"pandas read_sql: {p['read_seconds']:.2f} s; DataFrame.to_csv: {p['to_csv_seconds']:.2f} s, "
        f"{p['bytes'] / 1e6:.1f} MB; total {p['seconds']:.2f} s, peak RSS {p['peak_mb']:.0f} MB"
    )
    print(f"ratio export / to_csv alone: {e['seconds'] / p['to_csv_seconds']:.2f}x (target <= 1.5x)")
    print(f"ratio export / pandas (read_sql + to_csv): {e['seconds'] / p['seconds']:.2f}x")
    print(f"export peak memory: {e['peak_mb']:.0f} MB (target <= 300 MB)")


if __name__ == "__main__":
    main()
