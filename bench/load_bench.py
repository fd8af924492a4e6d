"""Many people at once: N real websocket sessions against `streamlit run streamlit_app.py` on the demo workspace.

Loads the demo into a temporary SQLite file (or uses --database-url), starts the app in local mode on a free
loopback port, and for each user count opens that many sessions at once. Each session speaks Streamlit's browser
protocol (the installed BackMsg/ForwardMsg protobufs over /_stcore/stream, exactly what the browser sends when a
page is opened from the sidebar) and visits the six main pages in turn, timing each from the rerun request to
`script_finished`. Prints the first cold page time (the first session's first page after the server started),
then (after one untimed visit of every page on every process, so first-run imports stay out of the warm
figures) p50/p95 per page and overall at each user count, and the ratio of each p95 to one user's.

    python bench/load_bench.py                       # 1, 5, 10 and 20 users, 2 rounds each
    python bench/load_bench.py --users 1 20 --rounds 3
    python bench/load_bench.py --servers 2          # two app processes, each session stuck to one (replicas)
    python bench/load_bench.py --think 5            # people pause 2.5..7.5 s between pages (seeded)
    python bench/load_bench.py --cpu --users        # only the server's CPU time per page run, one session
    python bench/load_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Two modes. With no `--think` (the default) every session asks for its next page the moment the last one finished:
a closed loop at saturation, which measures how the server queues work, not how people use it. `--think SECONDS`
pauses each session between pages for a uniform random 0.5x..1.5x of SECONDS (like Locust's `wait_time =
between(...)`, seeded with `--seed` so reruns draw the same pauses; people arrive spread over the first pause,
not all in one second, and each keeps clicking through its rounds). `--servers N` starts N app processes on N
ports on the same database and sticks session i to process i mod N, as a load balancer with sticky sessions
does (the bench's client does the balancing; no proxy runs in between). `--cpu` visits every page `--cpu-runs`
times from one session and prints the server process's CPU milliseconds per page run (/proc/PID/stat), the cost
that each extra person adds. The last line is a Markdown table row for docs/deployment.md, section 9.

Targets (issue #14): 20 users' p95 <= 5x one user's on 2 cores; first cold page < 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "campaigns", "budgets", "influencers", "programs", "calendar")
PAGE_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rerun_message(port: int, page: str) -> bytes:
    """The BackMsg a browser sends when the user opens `page` from the sidebar."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = ""
    state.page_name = "" if page == PAGES[0] else page  # the default page (Overview) has the empty url path
    info = state.context_info
    info.timezone = "Asia/Jakarta"
    info.timezone_offset = -420
    info.locale = "id-ID"
    info.url = f"http://127.0.0.1:{port}/{state.page_name}"
    return msg.SerializeToString()


class Session:
    """One browser tab: a websocket to /_stcore/stream that reruns the app on a page and waits until it is done."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.ws = None

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://127.0.0.1:{self.port}",
            max_size=None,
            open_timeout=PAGE_TIMEOUT,
        )

    async def visit(self, page: str) -> tuple[float, str | None]:
        """Seconds from the request to `script_finished`, and the first error the page showed (or None)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        started = time.perf_counter()
        await self.ws.send(rerun_message(self.port, page))
        error = None
        running = False
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), PAGE_TIMEOUT)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                running = True
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception" and error is None:
                    error = f"{element.exception.type}: {element.exception.message}"[:300]
            elif kind == "page_not_found":
                error = f"page not found: {page}"
            elif kind == "script_finished" and running:
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue
                if status != "FINISHED_SUCCESSFULLY" and error is None:
                    error = status
                return time.perf_counter() - started, error

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def one_user(
    port: int,
    pages: tuple[str, ...],
    rounds: int,
    times: dict[str, list[float]],
    errors: list[str],
    think: float = 0.0,
    pauses: random.Random | None = None,
) -> None:
    """One person: `rounds` times the six pages; with `think`, a pause after each page and a first page somewhere
    in the first pause (people do not all arrive in the same second: Locust's spawn ramp does the same)."""
    session = Session(port)
    await session.connect()
    try:
        if think and pauses is not None:
            await asyncio.sleep(think * pauses.uniform(0.0, 1.5))
        for _ in range(rounds):
            for page in pages:
                seconds, error = await session.visit(page)
                times[page].append(seconds)
                if error:
                    errors.append(f"{page}: {error}")
                if think and pauses is not None:  # reading the page before the next click
                    await asyncio.sleep(think * pauses.uniform(0.5, 1.5))
    finally:
        await session.close()


async def run_users(
    ports: list[int], users: int, rounds: int, think: float = 0.0, seed: int = 14
) -> tuple[dict[str, list[float]], list[str]]:
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    errors: list[str] = []
    # Each user starts on a different page, as people do; with no pause all of them at once (saturation). With
    # several servers each session stays on one of them, as behind a load balancer with sticky sessions.
    tasks = [
        one_user(
            ports[i % len(ports)],
            PAGES[i % len(PAGES) :] + PAGES[: i % len(PAGES)],
            rounds,
            times,
            errors,
            think,
            random.Random(f"{seed}:{users}:{i}"),
        )
        for i in range(users)
    ]
    await asyncio.gather(*tasks)
    return times, errors


async def _visit_all(session: Session) -> None:
    await session.connect()
    try:
        for page in PAGES:
            await session.visit(page)
    finally:
        await session.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def cpu_per_page(port: int, pid: int, runs: int) -> dict[str, float]:
    """Server CPU milliseconds per page run: one session opens each page once (warm), then `runs` more times."""
    session = Session(port)
    await session.connect()
    out: dict[str, float] = {}
    try:
        for page in PAGES:
            await session.visit(page)
            before = cpu_seconds(pid)
            for _ in range(runs):
                await session.visit(page)
            out[page] = (cpu_seconds(pid) - before) / runs * 1000
    finally:
        await session.close()
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def start_server(database_url: str, port: int, log: Path, warm_up: bool = False) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FB_", "PANTAU_", "STREAMLIT_"))}
    env["DATABASE_URL"] = database_url
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--secrets.files",
        str(log.with_name("no-secrets.toml")),
        "--server.scriptHealthCheckEnabled",
        "true" if warm_up else "false",
    ]
    out = log.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(port: int, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"streamlit did not become healthy:\n{log.read_text()[-3000:]}")


def load_demo(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "cli.py", "demo", "--reset"], cwd=ROOT, env=env, check=True, capture_output=True)


def summary(
    args: argparse.Namespace,
    load_before: float,
    load_after: float,
    cold_seconds: float,
    cpu: dict[str, float],
    p95s: dict[int, float],
) -> str:
    """Markdown: a header and one row with the settings, load averages, the cold page, CPU and p95 per user count."""
    processes = f"{args.servers} process" + ("es" if args.servers > 1 else "")
    label = args.label or f"{processes}, " + (f"think {args.think:g} s" if args.think else "no pause")
    head = ["run", "load average", "first cold page"]
    cells = [label, f"{load_before:.1f} to {load_after:.1f}", f"{cold_seconds:.2f} s"]
    if cpu:
        head.append("CPU ms per page run (six pages)")
        cells.append(f"{sum(cpu.values()) / len(cpu):.0f} ({sum(cpu.values()):.0f})")
    for users, p95 in p95s.items():
        head.append(f"{users} user{'s' if users > 1 else ''} p95")
        cells.append(f"{p95:.2f} s")
    if len(p95s) > 1:
        first, last = next(iter(p95s)), list(p95s)[-1]
        head.append(f"{last} / {first}")
        cells.append(f"{p95s[last] / p95s[first]:.1f}x")
    return "\n".join(["| " + " | ".join(head) + " |", "|" + " --- |" * len(head), "| " + " | ".join(cells) + " |"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="*", default=[1, 5, 10, 20], help="user counts (none: no load)")
    parser.add_argument("--rounds", type=int, default=2, help="visits of the six pages per user and user count")
    parser.add_argument("--database-url", help="an existing database to load the demo into (default: temp SQLite)")
    parser.add_argument("--servers", type=int, default=1, help="app processes sharing the database (replicas)")
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="request /_stcore/script-health-check once the server is up, as a deployment's start script would",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="pause between pages: uniform random 0.5x..1.5x of SECONDS per page (default 0: no pause, saturation)",
    )
    parser.add_argument("--seed", type=int, default=14, help="seed of the think-time pauses")
    parser.add_argument("--cpu", action="store_true", help="print server CPU ms per page run (one session)")
    parser.add_argument("--cpu-runs", type=int, default=10, help="page runs measured per page with --cpu")
    parser.add_argument("--label", default="", help="first cell of the summary row (default: the settings)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pantau-load-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'pantau.db'}"
    (tmp / "no-secrets.toml").write_text("")
    load_before = os.getloadavg()[0]
    print(f"cores: {os.cpu_count()}, load average before: {load_before:.2f}")
    print(f"loading the demo into {database_url.split('@')[-1]} ...", flush=True)
    load_demo(database_url)

    ports = [free_port() for _ in range(args.servers)]
    spawned = time.perf_counter()
    processes = [start_server(database_url, port, tmp / f"streamlit-{port}.log", args.warm_up) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(port, process, tmp / f"streamlit-{port}.log")
        healthy = time.perf_counter() - spawned
        if args.warm_up:
            started = time.perf_counter()
            for port in ports:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/script-health-check", timeout=120).read()
            print(f"warm-up request (script health check): {time.perf_counter() - started:.2f} s")

        async def cold() -> tuple[float, str | None]:
            session = Session(ports[0])
            await session.connect()
            try:
                return await session.visit(PAGES[0])
            finally:
                await session.close()

        cold_seconds, cold_error = asyncio.run(cold())
        print(f"app processes: {len(ports)}; server start to healthy: {healthy:.2f} s")
        print(
            f"first cold page ({PAGES[0]}): {cold_seconds:.2f} s (start to first page: {healthy + cold_seconds:.2f} s)"
        )
        if cold_error:
            print(f"  error on the cold page: {cold_error}")
        # Every page's first run in a process imports its modules: keep those cold runs (on every replica) out of
        # the warm figures, so the user counts compare like with like. The cold page above is the cold figure.
        for port in ports:
            asyncio.run(_visit_all(Session(port)))

        cpu: dict[str, float] = {}
        if args.cpu:
            cpu = asyncio.run(cpu_per_page(ports[0], processes[0].pid, args.cpu_runs))
            print(f"\nserver CPU ms per page run (one session, {args.cpu_runs} runs each)")
            print("  ".join(f"{p}: {ms:.0f}" for p, ms in cpu.items()) + f"  (six pages: {sum(cpu.values()):.0f})")

        p95s: dict[int, float] = {}
        if args.users:
            pause = f"think {args.think:g} s (0.5x..1.5x, seed {args.seed})" if args.think else "no pause"
            header = f"{'users':>5}  " + "  ".join(f"{p[:11]:>16}" for p in PAGES) + f"  {'all pages':>16}"
            print(f"\np50 / p95 seconds per page ({pause}; each user visits the six pages, starting on another)")
            print(header)
        for users in args.users:
            times, errors = asyncio.run(run_users(ports, users, args.rounds, args.think, args.seed))
            every = [t for page in PAGES for t in times[page]]
            cells = [f"{percentile(times[p], 0.5):6.2f} / {percentile(times[p], 0.95):6.2f}" for p in PAGES]
            p95s[users] = percentile(every, 0.95)
            baseline_p95 = next(iter(p95s.values()))
            row = f"{users:>5}  " + "  ".join(f"{c:>16}" for c in cells)
            row += f"  {percentile(every, 0.5):6.2f} / {p95s[users]:6.2f}   p95 {p95s[users] / baseline_p95:4.1f}x"
            print(row + f" the first count's  (load {os.getloadavg()[0]:.1f})", flush=True)
            for error in sorted(set(errors))[:5]:
                print(f"    error: {error}")
        load_after = os.getloadavg()[0]
        print(f"load average after: {load_after:.2f}")
        print("\nsummary (a row for docs/deployment.md, section 9):")
        print(summary(args, load_before, load_after, cold_seconds, cpu, p95s))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
