"""What the store's own backend layer costs on PostgreSQL, against raw psycopg: the per-statement
time of a point read and of an insert through ``PgConnection`` (``?`` -> ``%s`` translation,
parameter binding as SQLite does, rows readable by name) and through psycopg directly. The
figure an ORM or a query builder would have to beat to pay for itself on speed.

    .venv/bin/python benchmarks/store_layer.py [--n 3000] [--pg-url postgresql://...]

Without --pg-url, a throw-away cluster from the installed server (tests/pg_cluster.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from matcher.store.backend_postgres import PgConnection, _row_factory  # noqa: E402


def per_call_us(fn, n: int) -> float:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        for i in range(n):
            fn(i)
        runs.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(runs)


def measure(url: str, n: int) -> None:
    with psycopg.connect(url, autocommit=True, row_factory=_row_factory) as raw:
        raw.execute("CREATE TABLE IF NOT EXISTS bench_layer (id BIGINT PRIMARY KEY, v TEXT)")
        raw.execute("TRUNCATE bench_layer")
        raw.execute(
            "INSERT INTO bench_layer SELECT g, 'valeur ' || g FROM generate_series(0, %s) g",
            (n,),
        )
        ours = PgConnection(raw)
        plain = psycopg.connect(url, autocommit=True)
        read_ours = per_call_us(
            lambda i: ours.execute("SELECT id, v FROM bench_layer WHERE id = ?", (i,)).fetchone()[
                "v"
            ],
            n,
        )
        read_raw = per_call_us(
            lambda i: plain.execute("SELECT id, v FROM bench_layer WHERE id = %s", (i,)).fetchone()[
                1
            ],
            n,
        )
        raw.execute("TRUNCATE bench_layer")
        k = [0]

        def insert_ours(i: int) -> None:
            k[0] += 1
            ours.execute("INSERT INTO bench_layer (id, v) VALUES (?, ?)", (k[0], "x"))

        def insert_raw(i: int) -> None:
            k[0] += 1
            plain.execute("INSERT INTO bench_layer (id, v) VALUES (%s, %s)", (k[0], "x"))

        ins_ours = per_call_us(insert_ours, n)
        ins_raw = per_call_us(insert_raw, n)
        plain.close()
        raw.execute("DROP TABLE bench_layer")
    print(f"point read: store layer {read_ours:.0f} µs, raw psycopg {read_raw:.0f} µs "
          f"({read_ours - read_raw:+.0f} µs per statement)")  # fmt: skip
    print(f"insert (autocommit): store layer {ins_ours:.0f} µs, raw psycopg {ins_raw:.0f} µs "
          f"({ins_ours - ins_raw:+.0f} µs per statement)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    if args.pg_url:
        measure(args.pg_url, args.n)
        return
    from tests import pg_cluster

    reason = pg_cluster.missing_reason()
    if reason:
        raise SystemExit(f"PostgreSQL : {reason}")
    cluster = pg_cluster.Cluster.create()
    try:
        cluster.start()
        measure(cluster.url(), args.n)
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
