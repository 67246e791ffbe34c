"""Stress the review store and print figures: concurrent decisions (threads), and processes
killed with SIGKILL in the middle of imports and decision batches (fresh interpreters); on
PostgreSQL, the server itself killed with SIGKILL during decision batches and restarted.

    .venv/bin/python benchmarks/review_stress.py                       # SQLite, defaults below
    .venv/bin/python benchmarks/review_stress.py --backend both        # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/review_stress.py --threads 32 --per-thread 500 --crash-runs 300
    .venv/bin/python benchmarks/review_stress.py --backend postgresql --pg-url postgresql://...

PostgreSQL: a throw-away cluster from the installed server (tests/pg_cluster.py), with fsync
on as in production (SQLite runs with synchronous=FULL), unless --pg-url names an empty
database of a running server (the crash loop then needs a cluster of its own and is skipped).

The test suite runs smaller versions (tests/test_concurrency.py, tests/test_crash.py); this
script is for longer runs. Figures are noisy when other work shares the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher import fields as F  # noqa: E402
from matcher.intake.report import ImportReport  # noqa: E402
from matcher.store.database import Store  # noqa: E402
from matcher.workflow import auth, review  # noqa: E402
from tests.review_world import (  # noqa: E402
    PASSWORD,
    offers_frame,
    profiles_frame,
    suggestions_frame,
)
from tests.test_crash import check_whole_or_absent, setup_base  # noqa: E402


def concurrency(path: Path | str, threads: int, per_thread: int) -> None:
    store = Store(path)
    n_offers = threads
    offers = [f"O{i:03d}" for i in range(n_offers)]
    refs = [f"P{j:04d}" for j in range(per_thread)]
    store.save_offers(offers_frame(offers), ImportReport(kind="offers", source="o"))
    store.save_profiles(profiles_frame("S", refs), ImportReport(kind="profiles", source="p"))
    store.save_suggestions(suggestions_frame([(o, "S", r) for o in offers for r in refs]), {})
    auth.add_user(store, auth.SYSTEM, "cons", "counsellor", structure="S", password=PASSWORD)
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def run(t: int) -> None:
        s = Store(path)
        user = auth.get_user(s, "cons")
        mine = []
        barrier.wait()
        for r in refs:
            t0 = time.perf_counter()
            try:
                review.decide(s, user, offers[t], r, "retained")
            except Exception as exc:  # counted and printed, never hidden
                errors.append(repr(exc))
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    total = threads * per_thread
    stored = len(store.decisions(auth.SYSTEM))
    audited = len(store.audit(auth.SYSTEM, action="decision"))
    lat = sorted(latencies)
    print(f"concurrency ({store.engine}): {threads} threads x {per_thread} decisions = {total}")
    print(f"  stored {stored}, audited {audited}, errors {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))  # fmt: skip
    print(f"  {elapsed:.2f} s, {total / elapsed:.0f} decisions/s; latency median "
          f"{statistics.median(lat) * 1000:.1f} ms, p95 {lat[int(0.95 * len(lat))] * 1000:.1f} ms, "
          f"max {lat[-1] * 1000:.0f} ms")  # fmt: skip
    assert stored == audited == total and not errors
    assert set(store.suggestions(auth.SYSTEM)[F.STATUS]) == {"retained"}


CHILD = (
    "import os, sys; sys.path.insert(0, {root!r}); "
    "from tests.test_crash import work_loop; work_loop({path!r}, {first}, {fd})"
)


def crash(path: Path, runs: int, seed: int) -> None:
    setup_base(path)
    rng = random.Random(seed)
    in_flight = 0
    start = time.perf_counter()
    for run in range(runs):
        read_end, write_end = os.pipe()
        code = CHILD.format(root=str(ROOT), path=str(path), first=run * 10_000, fd=write_end)
        proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(write_end,))
        os.close(write_end)
        if os.read(read_end, 1) != b"R":  # wait until the interpreter is up
            raise SystemExit("the child process did not start")
        time.sleep(rng.uniform(0.02, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        marks = b""
        while chunk := os.read(read_end, 65536):
            marks += chunk
        os.close(read_end)
        in_flight += marks[-2:-1] == b"S"
        stored = check_whole_or_absent(path)
    elapsed = time.perf_counter() - start
    print(f"crash: {runs} processes killed with SIGKILL ({in_flight} inside an operation), "
          f"integrity_check ok and every import/batch whole or absent after each; "
          f"{stored['imports']} imports and {stored['batches']} batches stored; {elapsed:.0f} s")  # fmt: skip


def postgres(args: argparse.Namespace) -> None:
    from tests import pg_cluster
    from tests.test_crash import server_kill_loop

    if args.pg_url:
        concurrency(args.pg_url, args.threads, args.per_thread)
        return
    reason = pg_cluster.missing_reason()
    if reason:
        raise SystemExit(f"PostgreSQL : {reason}")
    cluster = pg_cluster.Cluster.create(fsync=True)
    try:
        cluster.start()
        pg_cluster.execute(cluster.url(), "CREATE DATABASE bench")
        concurrency(cluster.url("bench"), args.threads, args.per_thread)
        if args.crash_runs:
            start = time.perf_counter()
            result = server_kill_loop(cluster, args.crash_runs, args.seed)
            print(f"crash (postgresql): server SIGKILLed {args.crash_runs} times and restarted "
                  f"(killed inside: decisions {result['killed_during']['2']}, offers import "
                  f"{result['killed_during']['0']}, profiles import "
                  f"{result['killed_during']['1']}); after each restart integrity checks ok "
                  f"(foreign keys, amcheck) and every import/batch whole or absent; "
                  f"{result['imports']} imports and {result['batches']} batches stored; "
                  f"one batch of 400 decisions {result['batch_seconds']:.2f} s; "
                  f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    finally:
        from matcher.store.backend_postgres import close_pools

        close_pools()
        cluster.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--pg-url", default=None, help="an empty database of a running server")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=200)
    parser.add_argument("--crash-runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            concurrency(Path(tmp) / "concurrency.sqlite3", args.threads, args.per_thread)
            if args.crash_runs:
                crash(Path(tmp) / "crash.sqlite3", args.crash_runs, args.seed)
    if args.backend in ("postgresql", "both"):
        postgres(args)


if __name__ == "__main__":
    main()
