"""A process killed with SIGKILL in the middle of an import or a batch of decisions, again and
again: the database stays intact and every import or batch is either whole or absent.

The child is a fork of the test process (modules already loaded), so 50 kills take seconds.
``benchmarks/crash_loop.py`` runs the same loop longer, with fresh interpreters."""

from __future__ import annotations

import os
import random
import signal
import time
from functools import partial

import pytest

from matcher import fields as F
from matcher.intake.report import ImportReport
from matcher.store.database import Store
from matcher.workflow import auth, review

from .review_world import PASSWORD, offers_frame, profiles_frame, suggestions_frame

OFFERS_PER_IMPORT = 1000  # each kind of operation takes about 0.1 s
PROFILES_PER_IMPORT = 1000
BASE_OFFERS = [f"BASE-{i:02d}" for i in range(10)]
BASE_PROFILES = [f"P{j:03d}" for j in range(40)]  # 10 x 40 = 400 pairs decided per batch
BATCH_SIZE = len(BASE_OFFERS) * len(BASE_PROFILES)


def setup_base(path) -> None:
    store = Store(path)
    store.save_offers(offers_frame(BASE_OFFERS), ImportReport(kind="offers", source="base"))
    store.save_profiles(profiles_frame("Base", BASE_PROFILES),
                        ImportReport(kind="profiles", source="base"))  # fmt: skip
    store.save_suggestions(
        suggestions_frame([(o, "Base", p) for o in BASE_OFFERS for p in BASE_PROFILES]), {}
    )
    auth.add_user(store, auth.SYSTEM, "cons", "counsellor", structure="Base", password=PASSWORD)


def work_loop(path, first: int, marks: int | None = None) -> None:  # pragma: no cover
    """Imports offers, imports profiles, applies a batch of decisions, forever; writes "R" when
    ready, then "S" and the step (0 offers, 1 profiles, 2 decisions) before each operation and
    "E" after it to ``marks`` (a pipe) when given."""
    store = Store(path)
    user = auth.get_user(store, "cons")
    if marks is not None:
        os.write(marks, b"R")  # ready: the parent starts its clock
    n = first
    while True:
        step = n % 3
        # Build the input first, so that "S" marks the call that writes.
        if step == 0:
            frame = offers_frame([f"I{n:06d}-{i:04d}" for i in range(OFFERS_PER_IMPORT)])
            call = partial(store.save_offers, frame, ImportReport(kind="offers", source=f"lot {n}"))
        elif step == 1:
            frame = profiles_frame(f"Import {n}", [f"R{i:04d}" for i in range(PROFILES_PER_IMPORT)])
            call = partial(store.save_profiles, frame,
                           ImportReport(kind="profiles", source=f"lot {n}"))  # fmt: skip
        else:
            # Flip the whole base between "retained" and "rejected" (both ways allowed), so that
            # every batch writes all of its 400 decisions.
            now = store.suggestions(user, offer_ref=BASE_OFFERS[0]).iloc[0][F.STATUS]
            status, reason = ("rejected", "skills") if now == "retained" else ("retained", None)
            batch = [review.Decision(o, p, status, reason, comment=f"lot {n}")
                     for o in BASE_OFFERS for p in BASE_PROFILES]  # fmt: skip
            call = partial(review.apply_decisions, store, user, batch, source=f"lot {n}")
        if marks is not None:
            os.write(marks, b"S%d" % step)
        call()
        if marks is not None:
            os.write(marks, b"E")
        n += 1


def check_whole_or_absent(path) -> dict[str, int]:
    """Assert integrity and atomicity; return how many imports and batches are stored."""
    store = Store(path)
    assert store.integrity_check() == []
    with store.read() as conn:
        imports = {r["source"]: r for r in conn.execute(
            "SELECT source, kind, id FROM imports WHERE source LIKE 'lot %'")}  # fmt: skip
        offers = dict(conn.execute(
            "SELECT substr(offer_ref, 2, 6), COUNT(*) FROM offers WHERE offer_ref LIKE 'I%' "
            "GROUP BY 1").fetchall())  # fmt: skip
        profiles = dict(conn.execute(
            "SELECT substr(s.name, 8), COUNT(*) FROM profiles p JOIN structures s "
            "ON s.id = p.structure_id WHERE s.name LIKE 'Import %' GROUP BY 1").fetchall())  # fmt: skip
        batches = dict(
            conn.execute(
                "SELECT source, COUNT(*) FROM reviews WHERE source LIKE 'lot %' GROUP BY 1"
            ).fetchall()
        )
        audit_batches = conn.execute(
            "SELECT COUNT(*) FROM audit WHERE action = 'decision'").fetchone()[0]  # fmt: skip
        statuses = {r[0] for r in conn.execute(
            "SELECT DISTINCT status FROM suggestions WHERE offer_ref LIKE 'BASE-%'")}  # fmt: skip
    # Every offers import: its 300 offers, and no offer without its import.
    offer_lots = {int(k) for k in offers}
    assert offer_lots == {int(s[4:]) for s, r in imports.items() if r["kind"] == "offers"}
    assert set(offers.values()) <= {OFFERS_PER_IMPORT}
    profile_lots = {int(k) for k in profiles}
    assert profile_lots == {int(s[4:]) for s, r in imports.items() if r["kind"] == "profiles"}
    assert set(profiles.values()) <= {PROFILES_PER_IMPORT}
    # Every batch of decisions: all of its 400 decisions, each audited, and one status for all.
    assert set(batches.values()) <= {BATCH_SIZE}
    assert audit_batches == BATCH_SIZE * len(batches)
    assert len(statuses) == 1
    return {"imports": len(imports), "batches": len(batches)}


@pytest.mark.slow
def test_sigkill_during_imports_50_times(tmp_path):
    path = tmp_path / "crash.sqlite3"
    setup_base(path)
    rng = random.Random(2026)
    # Kill delays scale with how long one operation takes on this machine now (about 0.1 s on
    # a quiet machine, several times more under load), so that kills land before, inside and
    # between operations whatever the load.
    probe = Store(tmp_path / "probe.sqlite3")
    started = time.perf_counter()
    probe.save_offers(offers_frame([f"T{i:05d}" for i in range(OFFERS_PER_IMPORT)]),
                      ImportReport(kind="offers", source="probe"))  # fmt: skip
    unit = max(time.perf_counter() - started, 0.05)
    killed_during = {b"0": 0, b"1": 0, b"2": 0}  # offers import, profiles import, decisions
    stored = {"imports": 0, "batches": 0}
    for run in range(50):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: work until killed
            os.close(read_end)
            try:
                work_loop(path, first=run * 10_000, marks=write_end)
            finally:
                os._exit(1)
        os.close(write_end)
        assert os.read(read_end, 1) == b"R"
        # Let the child finish 0 to 2 operations first (read from its marks, so whatever the
        # machine's load some work is stored), then kill it at a random moment of the next ones.
        marks = b""
        done_first = rng.randrange(3)
        while marks.count(b"E") < done_first:
            marks += os.read(read_end, 1)
        time.sleep(rng.uniform(0.0, 2.0) * unit)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        while chunk := os.read(read_end, 65536):
            marks += chunk
        os.close(read_end)
        if marks[-2:-1] == b"S":
            killed_during[marks[-1:]] += 1
        stored = check_whole_or_absent(path)
    # The kills did land inside each kind of operation (else this test would prove nothing),
    # and work was stored between them.
    # (At least once each: under heavy machine load the timing of kills spreads less evenly.)
    assert min(killed_during.values()) >= 1, killed_during
    assert stored["imports"] >= 5 and stored["batches"] >= 1, stored


# -- PostgreSQL: the server killed, not the client --------------------------------------------
PG_KILLS = 4  # two inside a batch of decisions, two after one was stored


def _read_until(fd: int, wanted: bytes, buffer: bytearray, timeout: float) -> bool:
    """Read marks from ``fd`` into ``buffer`` until ``wanted`` shows up (False on timeout or
    when the writer is gone)."""
    import select

    deadline = time.monotonic() + timeout
    while wanted not in buffer:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return False
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        buffer += chunk
    return True


def server_kill_loop(cluster, runs: int, seed: int) -> dict:
    """On a started ``cluster``: make the base, then ``runs`` times start a client that applies
    batches of decisions and imports, SIGKILL the server (every other time inside a batch of
    decisions, else after one was stored), restart it and check that every import and batch is
    whole or absent. Returns where the kills landed and what was stored."""
    from matcher.store.backend_postgres import close_pools

    from . import pg_cluster

    pg_cluster.execute(cluster.url(), "CREATE DATABASE crash")
    url = cluster.url("crash")
    pg_cluster.execute(url, "CREATE EXTENSION amcheck")
    setup_base(url)
    close_pools(url)
    # How long one batch of 400 decisions takes here now (on a copy of the base).
    pg_cluster.execute(cluster.url(), "CREATE DATABASE probe TEMPLATE crash")
    probe = Store(cluster.url("probe"))
    batch = [review.Decision(o, p, "retained") for o in BASE_OFFERS for p in BASE_PROFILES]
    started = time.perf_counter()
    review.apply_decisions(probe, auth.get_user(probe, "cons"), batch, source="probe")
    unit = max(time.perf_counter() - started, 0.05)
    rng = random.Random(seed)
    killed_during = {b"0": 0, b"1": 0, b"2": 0}
    stored = {"imports": 0, "batches": 0}
    for run in range(runs):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: work until its server dies
            os.close(read_end)
            first = run * 10_000 + (2 - run * 10_000) % 3  # a batch of decisions first
            try:
                work_loop(url, first=first, marks=write_end)
            finally:
                os._exit(1)
        os.close(write_end)
        marks = bytearray()
        assert _read_until(read_end, b"R", marks, 120)
        assert _read_until(read_end, b"S2", marks, 120 * unit + 60)
        if run % 2 == 0:  # inside the batch of decisions
            time.sleep(rng.uniform(0.0, 0.8) * unit)
        else:  # once it is stored, anywhere in what follows
            assert _read_until(read_end, b"E", marks, 120 * unit + 60)
            time.sleep(rng.uniform(0.0, 1.0) * unit)
        assert cluster.kill() >= 2
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_end, 65536):
            marks += chunk
        os.close(read_end)
        if marks[-2:-1] == b"S":
            killed_during[bytes(marks[-1:])] += 1
        cluster.start()  # crash recovery
        stored = check_whole_or_absent(url)  # the parent's pool reconnects by itself
    return {"killed_during": {k.decode(): v for k, v in killed_during.items()}, **stored,
            "batch_seconds": unit}  # fmt: skip


@pytest.mark.slow
def test_postgres_server_sigkilled_during_decision_batches():
    """The PostgreSQL server (postmaster and every backend) is SIGKILLed while a client
    imports and applies batches of 400 decisions, then restarted (crash recovery): after each
    restart every import and batch is whole or absent and the integrity checks pass (foreign
    keys, amcheck on every table and index)."""
    from matcher.store.backend_postgres import close_pools

    from . import pg_cluster
    from .conftest import require_postgres

    require_postgres()
    # fsync off: the kills are of processes, the machine's page cache survives them, so the
    # recovery replays the same WAL as with fsync; only power cuts would need it on.
    cluster = pg_cluster.Cluster.create()
    try:
        cluster.start()
        result = server_kill_loop(cluster, PG_KILLS, seed=2026)
    finally:
        close_pools()
        cluster.remove()
    assert result["killed_during"]["2"] >= 1, result
    assert result["batches"] >= 1, result
