"""Benchmark of the influencer directory and CSV import on 50,000 influencers with 200,000 handles.

Prints: the directory's search-and-filter query (influencers.queries.influencer_directory, count + page)
against a plain hand-written SQL query returning the same rows on the same indexes (target <= 2x), and the
CSV import rate (preview + one commit) for 10,000 rows.

    python bench/influencers_bench.py [--url DATABASE_URL] [--influencers 50000] [--import-rows 10000]

Without --url a fresh SQLite file in a temporary folder is used. A PostgreSQL URL must point at an empty
database or schema (the bench creates the tables itself)."""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from db.engine import dispose_engines, get_engine, session_scope
from db.roles import CLI_ACTOR
from db.types import utcnow
from influencers.csv_import import apply_import, preview_import
from influencers.models import Influencer, InfluencerLabel, SocialHandle
from influencers.queries import influencer_directory
from migrations.migrate import upgrade

PLATFORMS = ("instagram", "tiktok", "youtube", "x")
NICHES = ("coffee", "food", "travel", "beauty", "tech", "fitness", "parenting", "gaming")
COUNTRIES = ("ID", "ID", "ID", "SG", "MY", "US")
FIRST = ("ayu", "budi", "citra", "dewi", "eka", "fajar", "gita", "hendra", "indah", "joko", "kirana", "maya")


def populate(url: str, n: int, rng: random.Random) -> None:
    now = utcnow()
    people, handles, labels = [], [], []
    for i in range(1, n + 1):
        first = FIRST[i % len(FIRST)]
        people.append(
            {
                "id": i,
                "name": f"{first.title()} Creator {i}",
                "email": f"{first}{i}@bench.example",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "status": "do_not_contact" if i % 50 == 0 else "active",
                "version_id": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        base = int(10 ** rng.uniform(3, 6.5))
        for platform in PLATFORMS:
            handles.append(
                {
                    "influencer_id": i,
                    "platform": platform,
                    "handle": f"{first}.{i}.{platform[:2]}",
                    "followers": int(base * rng.uniform(0.3, 1.5)),
                    "engagement_rate": Decimal("3.1"),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        labels.append({"influencer_id": i, "kind": "niche", "value": NICHES[i % len(NICHES)]})
        labels.append({"influencer_id": i, "kind": "tag", "value": "vip" if i % 10 == 0 else "new"})
    with session_scope(url) as s:
        for model, rows in ((Influencer, people), (SocialHandle, handles), (InfluencerLabel, labels)):
            for start in range(0, len(rows), 5000):
                s.execute(insert(model), rows[start : start + 5000])
    with get_engine(url).begin() as conn:
        if conn.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
            for table in ("influencer", "social_handle", "influencer_label"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        conn.exec_driver_sql("ANALYZE")


PLAIN = """
SELECT i.id, i.name, i.email, i.country, i.city, i.status, h.followers, h.handles
FROM influencer i
JOIN (SELECT influencer_id, max(followers) AS followers, {agg}(platform || ':' || handle, ', ') AS handles
      FROM social_handle WHERE platform = :platform GROUP BY influencer_id) h ON h.influencer_id = i.id
WHERE i.merged_into_id IS NULL AND i.country = :country AND h.followers >= :low AND h.followers < :high
  AND EXISTS (SELECT 1 FROM influencer_label l WHERE l.influencer_id = i.id AND l.kind = 'niche'
              AND l.value = :niche)
  {search}
ORDER BY h.followers DESC, i.id
LIMIT 500
"""
PLAIN_COUNT = """
SELECT count(*) FROM influencer i
JOIN (SELECT influencer_id, max(followers) AS followers FROM social_handle WHERE platform = :platform
      GROUP BY influencer_id) h ON h.influencer_id = i.id
WHERE i.merged_into_id IS NULL AND i.country = :country AND h.followers >= :low AND h.followers < :high
  AND EXISTS (SELECT 1 FROM influencer_label l WHERE l.influencer_id = i.id AND l.kind = 'niche'
              AND l.value = :niche)
  {search}
"""
SEARCH = """AND (lower(i.name) LIKE :pattern OR i.email LIKE :pattern
     OR EXISTS (SELECT 1 FROM social_handle s WHERE s.influencer_id = i.id AND s.handle LIKE :pattern))"""


def timed(func, repeat: int) -> tuple[float, object]:
    result = func()  # warm the caches once
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


PLAIN_ALL = """
SELECT i.id, i.name, i.email, i.country, i.city, i.status, h.followers, h.handles
FROM influencer i
LEFT JOIN (SELECT influencer_id, max(followers) AS followers, {agg}(platform || ':' || handle, ', ') AS handles
           FROM social_handle GROUP BY influencer_id) h ON h.influencer_id = i.id
WHERE i.merged_into_id IS NULL
ORDER BY i.name, i.id
LIMIT 500
"""
PLAIN_ALL_COUNT = "SELECT count(*) FROM influencer i WHERE i.merged_into_id IS NULL"


def bench_directory(url: str, repeat: int) -> list[tuple[str, float, float, int]]:
    filtered = [
        (
            "micro on instagram, ID, coffee",
            {"platform": "instagram", "tier": "micro", "country": "ID", "niche": "coffee"},
            None,
            (10_000, 100_000),
        ),
        (
            "search 'ayu' + mid on tiktok, ID, coffee",
            {"platform": "tiktok", "tier": "mid", "country": "ID", "niche": "coffee", "search": "ayu"},
            "ayu",
            (100_000, 500_000),
        ),
    ]
    out = []
    with session_scope(url) as s:
        agg = "string_agg" if s.bind.dialect.name == "postgresql" else "group_concat"
        cases = []
        for label, filters, search, (low, high) in filtered:
            params = {
                "platform": filters["platform"],
                "country": filters["country"],
                "niche": filters["niche"],
                "low": low,
                "high": high,
            }
            if search:
                params["pattern"] = f"%{search}%"
            extra = SEARCH if search else ""
            cases.append(
                (
                    label,
                    filters,
                    "followers",
                    True,
                    PLAIN.format(search=extra, agg=agg),
                    PLAIN_COUNT.format(search=extra),
                    params,
                )
            )
        cases.append(
            ("first page, no filter, by name", {}, "name", False, PLAIN_ALL.format(agg=agg), PLAIN_ALL_COUNT, {})
        )
        for label, filters, sort, desc, sql, count_sql, params in cases:
            ours, (frame, total) = timed(
                lambda f=filters, o=sort, d=desc: influencer_directory(s, sort=o, descending=d, **f), repeat
            )

            def plain(sql=sql, count_sql=count_sql, params=params):
                return s.execute(text(sql), params).all(), s.execute(text(count_sql), params).scalar()

            base, (rows, plain_total) = timed(plain, repeat)
            assert plain_total == total, (label, plain_total, total)
            assert [r.id for r in rows] == list(frame["id"]), f"{label}: the two queries must return the same rows"
            out.append((label, ours, base, total))
    return out


def bench_import(url: str, rows: int, offset: int) -> tuple[float, dict]:
    lines = ["Nama;Surel;No HP;Negara;Instagram;TikTok;Pengikut;Kategori;Label"]
    for i in range(rows):
        n = offset + i
        lines.append(
            f"Impor {n};impor{n}@bench.example;0812{n % 10_000_000:07d}9;ID;@impor.{n};impor.{n}.tt;"
            f"{1000 + n % 90_000};coffee, food;new"
        )
    data = "\n".join(lines).encode("utf-8-sig")
    start = time.perf_counter()
    with session_scope(url) as s:
        preview = preview_import(s, data)
        counts = apply_import(s, CLI_ACTOR, preview, source="bench.csv")
    return time.perf_counter() - start, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--influencers", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = None if args.url else tempfile.mkdtemp(prefix="pantau-bench-")
    url = args.url or f"sqlite:///{tmp}/bench.db"
    try:
        run(args, url)
    finally:
        dispose_engines()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, url: str) -> None:
    """Populate the database at `url`, then print the directory and import figures."""
    upgrade(url)
    rng = random.Random(7)
    start = time.perf_counter()
    populate(url, args.influencers, rng)
    print(f"database: {get_engine(url).dialect.name}")
    print(
        f"populated {args.influencers:,} influencers, {args.influencers * len(PLATFORMS):,} handles "
        f"in {time.perf_counter() - start:.1f}s"
    )
    for label, ours, base, total in bench_directory(url, args.repeat):
        print(
            f"directory [{label}]: {total:,} matches; directory query {ours * 1000:.1f} ms, "
            f"plain SQL {base * 1000:.1f} ms, ratio {ours / base:.2f}x (target <= 2x)"
        )
    seconds, counts = bench_import(url, args.import_rows, args.influencers + 1)
    print(
        f"import of {args.import_rows:,} rows (preview + one commit): {seconds:.1f}s, "
        f"{args.import_rows / seconds:,.0f} rows/s; {counts}"
    )


if __name__ == "__main__":
    main()
