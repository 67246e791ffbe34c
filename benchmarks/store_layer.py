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

from matcher.store.backend_postgres import (  # noqa: E402
    PgConnection,
    _params,
    _row_class,
    _row_factory,
    to_pyformat,
)


def python_cost_us(n: int = 200_000) -> float:
    """The layer's own work per statement, without the server: translation (cached), binding
    of three parameters, one row read by name."""
    query = "SELECT id, v FROM bench_layer WHERE id = ? AND v <> ?"
    names = (b"id", b"v")
    t0 = time.perf_counter()
    for i in range(n):
        to_pyformat(query)
        _params((i, "x", None))
        _row_class(names)((i, "x"))["v"]
    return (time.perf_counter() - t0) / n * 1e6


def per_call_us(a, b, n: int, rounds: int = 20) -> tuple[float, float]:
    """Median time per call of ``a`` and of ``b``, in µs, over rounds run alternately (so that
    the load of a shared machine weighs on both alike)."""
    times: tuple[list[float], list[float]] = ([], [])
    step = max(n // rounds, 1)
    for r in range(rounds):
        for fn, out in ((a, times[0]), (b, times[1])):
            t0 = time.perf_counter()
            for i in range(r * step, (r + 1) * step):
                fn(i)
            out.append((time.perf_counter() - t0) / step * 1e6)
    return statistics.median(times[0]), statistics.median(times[1])


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
        read_ours, read_raw = per_call_us(
            lambda i: ours.execute("SELECT id, v FROM bench_layer WHERE id = ?", (i,)).fetchone()[
                "v"
            ],
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

        ins_ours, ins_raw = per_call_us(insert_ours, insert_raw, n)
        plain.close()
        raw.execute("DROP TABLE bench_layer")
    print(f"the layer's own Python work: {python_cost_us():.1f} µs per statement")
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
