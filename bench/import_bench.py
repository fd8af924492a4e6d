"""Benchmark: the Sync page's Ads Manager upload, reading the file on every preview (before) against reading it once
per file and reusing the parse (`campaigns.adsmanager.parse_export`, after).

Writes a generated Bahasa Indonesia campaign-day export (UTF-8 with BOM, Meta's totals row first, `Jenis hasil` in
words, 200 campaigns) into a fresh SQLite database's directory, then replays what the page does for one upload:
the first run, one rerun (choosing the account) and the Import button (its check only; the database write is the
same either way and is left out):
  - before: every run previews the file twice (once to detect the account, once for the chosen one) and Import
            once more, each preview reading the bytes again;
  - after:  the file is read once; every run detects the account and previews from the kept parse, and Import
            previews once more from it (the database checks run each time).
Prints seconds of each step (best of --repeat), parses done, and peak traced memory (tracemalloc, a second pass:
tracing slows Python down, so times come from the untraced pass) plus the memory the kept parse holds.

    python bench/import_bench.py                 # 100k rows
    python bench/import_bench.py --rows 20000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CAMPAIGNS = 200
RESULT_TYPES = ("Pembelian di situs web", "Prospek di situs web", "Klik tautan", "Jangkauan", "Pendaftaran selesai")
NAME = "Toko Bench-Kampanye-2026.csv"


def export_bytes(rows: int) -> bytes:
    """A campaign-day export of `rows` rows: each campaign one row a day, days ending yesterday."""
    days = max(1, rows // CAMPAIGNS)
    last = dt.date.today() - dt.timedelta(days=1)
    lines = ["Nama kampanye,ID kampanye,Hari,Jenis hasil,Hasil,Jumlah yang dibelanjakan (IDR),Impresi,Klik tautan"]
    body = []
    for n in range(rows):
        campaign, day = n % CAMPAIGNS, last - dt.timedelta(days=n // CAMPAIGNS % days)
        kind = RESULT_TYPES[campaign % len(RESULT_TYPES)]
        body.append(f"Kampanye {campaign:03d},{120200000000000000 + campaign},{day},{kind},{n % 7},{15000 + n % 9000}")
        body[-1] += f",{1000 + n % 500},{n % 40}"
    lines.append(f",,,,,{sum(15000 + n % 9000 for n in range(rows))},0,0")
    return ("\ufeff" + "\r\n".join(lines + body) + "\r\n").encode("utf-8")


def _database(folder: Path) -> str:
    from migrations.migrate import upgrade

    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    return url


def before(url: str, data: bytes, counts: dict[str, int]) -> dict[str, float]:
    """The page as it was: `preview_import(bytes)` twice per run, once more at Import."""
    from campaigns.adsmanager import AccountTarget, preview_import
    from db.engine import session_scope

    target = AccountTarget(name="Toko Bench", timezone="Asia/Jakarta")

    def page_run() -> list:
        # As the page's script: the detecting preview is still referenced while the chosen one is read.
        with session_scope(url) as s:
            detected = preview_import(s, data, NAME)
            counts["parses"] += 1
        with session_scope(url) as s:
            preview = preview_import(s, data, NAME, target)
            counts["parses"] += 1
        return [detected, preview]

    def import_check() -> None:
        alive = page_run()
        with session_scope(url) as s:
            alive.append(preview_import(s, data, NAME, target))
            counts["parses"] += 1

    return {"first run": _timed(page_run), "rerun": _timed(page_run), "import check": _timed(import_check)}


def after(url: str, data: bytes, counts: dict[str, int], kept: list) -> dict[str, float]:
    """The page now: `parse_export` once per file's sha256, previews from the kept parse."""
    from campaigns.adsmanager import AccountTarget, detect_account, file_digest, parse_export, preview_import
    from campaigns.adsmanager_accounts import AccountChoiceError
    from db.engine import session_scope

    target = AccountTarget(name="Toko Bench", timezone="Asia/Jakarta")

    def parsed():
        if not kept or kept[0].digest != file_digest(data):
            kept[:] = [parse_export(data, NAME)]
            counts["parses"] += 1
        return kept[0]

    def page_run() -> None:
        file = parsed()
        with session_scope(url) as s, contextlib.suppress(AccountChoiceError):
            detect_account(s, file)
        with session_scope(url) as s:
            preview_import(s, file, NAME, target)

    def import_check() -> None:
        page_run()
        with session_scope(url) as s:
            preview_import(s, parsed(), NAME, target)

    return {"first run": _timed(page_run), "rerun": _timed(page_run), "import check": _timed(import_check)}


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each flow; the best time of each step is kept")
    args = parser.parse_args()
    data = export_bytes(args.rows)
    print(f"file: {args.rows} rows, {len(data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        url = _database(Path(folder))
        times: dict[str, dict[str, float]] = {}
        parses: dict[str, int] = {}
        for _ in range(args.repeat):
            for name in ("before", "after"):
                counts = {"parses": 0}
                figures = before(url, data, counts) if name == "before" else after(url, data, counts, [])
                parses[name] = counts["parses"]
                best = times.setdefault(name, figures)
                for step, seconds in figures.items():
                    best[step] = min(best[step], seconds)
        peaks: dict[str, float] = {}
        retained = 0.0
        for name in ("before", "after"):
            gc.collect()
            tracemalloc.start()
            kept: list = []
            before(url, data, {"parses": 0}) if name == "before" else after(url, data, {"parses": 0}, kept)
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peaks[name] = peak / 1e6
            if name == "after":
                retained = current / 1e6
            del kept
    print(f"{'step':<14}{'before s':>10}{'after s':>10}{'ratio':>8}")
    for step in times["before"]:
        old, new = times["before"][step], times["after"][step]
        print(f"{step:<14}{old:>10.2f}{new:>10.2f}{old / new if new else float('inf'):>8.1f}")
    print(f"parses: before {parses['before']}, after {parses['after']}")
    print(f"peak traced memory: before {peaks['before']:.0f} MB, after {peaks['after']:.0f} MB")
    print(f"kept between reruns (after): {retained:.0f} MB (the parse of one file, in the session)")


if __name__ == "__main__":
    main()
