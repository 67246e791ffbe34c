"""The whole chain against a bare scikit-learn baseline, stage by stage, in one run (issue 15).

    .venv/bin/python benchmarks/bench_chain.py --small          # 1k x 10k, demo incremental, start
    .venv/bin/python benchmarks/bench_chain.py --sizes 1000x10000,10000x100000 --repeat 3
    .venv/bin/python benchmarks/bench_chain.py --sizes 50000x500000 --repeat 1 --no-baseline
    .venv/bin/python benchmarks/bench_chain.py --sizes 1000x10000 --dask 1,2,4 --only dask

Parts (``--only``, default all):

- ``chain``: per size, in separate processes, (1) the bare baseline: pandas reads the same CSV
  files, scikit-learn ``TfidfVectorizer`` (words 1-2, min_df=2, float32) fitted on offers and
  profiles, ``sp_matmul_topn`` top-20 (2 threads), a CSV of the pairs written; (2) the product:
  ``python -m matcher rank --offers O.csv --profiles P.csv --top 20 --out S.csv`` (files to
  written suggestions, imports included); (3) the stages of `rank` in one run (imports,
  reading the files, normalise, text, skills, then by blocks the candidates, scores, reasons
  and file parts, then the file put together) with the peak memory of each (resident; while
  a forked child runs, the processes' proportional shares summed; sampled every 20 ms, less
  often when reading the shares costs more). (1) and (2) run in turns, and each run of (2) is also compared with the run of (1)
  just before it;
- ``dask``: ranking by blocks on a ``LocalCluster`` of 1, 2, 4 workers (1 thread each) against
  the same run in one process (cluster start-up not counted; results checked equal);
- ``incremental``: the demo base, 10 offers imported, ``run_matching`` (incremental) against a
  run that re-scores every offer, and ``python -m matcher match`` as a command;
- ``start``: ``--help``, ``list``, ``decide``, ``user list`` and a small ``export`` as commands
  (each the minimum of ``--repeat`` runs).

Timings are wall-clock on a shared 2-core machine: each figure is the minimum of ``--repeat``
runs and the load average is printed with it. Files are generated once per size into
``$BENCH_CACHE`` (default /tmp/circuit-court-bench), not timed.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import io
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
sys.path.insert(0, str(ROOT / "benchmarks"))

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# "skills" is the skills index (fuzzy matching of the vocabularies); "blocks" the candidate
# products, the pair scores and the top k, block by block, then the reasons and each part of
# the file (detailed under it); "write" the parts put together.
STAGES = ["imports", "read files", "normalise", "text", "skills", "blocks", "write"]


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def timed(cmd: list[str], cwd: Path = ROOT, stdin: str | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of a command run to completion (a failed run is an error:
    its time would mean nothing); its CPU time (user + sys) is kept in ``LAST_CPU``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=ENV, input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, max(after.ru_maxrss, before.ru_maxrss) / 1024


LAST_CPU = [0.0]


def child(part: str, *args: str) -> dict:
    """Run a part in a fresh process; its JSON result, with its CPU time (user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([PY, __file__, "--child", part, *args], env=ENV, capture_output=True,
                         text=True, cwd=ROOT)  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


# --------------------------------------------------------------------------------------------
# Children (each in its own process: its peak memory is its own)
# --------------------------------------------------------------------------------------------
def baseline(offers_csv: str, profiles_csv: str, out_csv: str) -> dict:
    t0 = time.perf_counter()
    import numpy as np
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sparse_dot_topn import sp_matmul_topn

    t1 = time.perf_counter()
    o = pd.read_csv(offers_csv, dtype=str).fillna("")
    p = pd.read_csv(profiles_csv, dtype=str).fillna("")
    ot = (o["title"] + " " + o["title"] + " " + o["description"] + " " + o["skills"]).tolist()
    pt = (p["target_jobs"] + " " + p["target_jobs"] + " " + p["skills"] + " " + p["experience"]
          + " " + p["training"]).tolist()  # fmt: skip
    t2 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, dtype=np.float32, sublinear_tf=True)
    x = vec.fit_transform(ot + pt)
    t3 = time.perf_counter()
    xo, xp = x[: len(ot)], x[len(ot) :]
    c = sp_matmul_topn(xo, xp.T.tocsr(), top_n=20, n_threads=2).tocoo()
    t4 = time.perf_counter()
    pd.DataFrame({"offer_ref": o["offer_ref"].to_numpy()[c.row],
                  "profile_ref": p["profile_ref"].to_numpy()[c.col], "score": c.data}).to_csv(
        out_csv, index=False)  # fmt: skip
    t5 = time.perf_counter()
    return {"imports": t1 - t0, "read": t2 - t1, "tfidf": t3 - t2, "top20": t4 - t3,
            "write": t5 - t4, "total": t5 - t0, "peak_mb": peak_mb()}  # fmt: skip


def _bench_limits():
    """Import limits wide enough for the national size (175 MB, 500,000 rows of profiles: past
    the defaults of 50 MB and 200,000 rows, which a real national run would raise the same way,
    ``[import_limits]`` in the settings file)."""
    from matcher.settings import ImportLimits

    return ImportLimits(max_file_mb=2000.0, max_rows=2_000_000)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


TREE_SAMPLER = r"""
import json, os, sys, time
pid, stage, peaks = int(sys.argv[1]), "start", {}
os.set_blocking(sys.stdin.fileno(), False)

def tree_pids(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    todo += [int(c) for c in fh.read().split() if int(c) != os.getpid()]
        except OSError:
            pass
    return pids

def field(path, name):
    try:
        with open(path) as fh:
            return next(int(l.split()[1]) for l in fh if l.startswith(name))
    except (OSError, StopIteration):
        return 0

def tree_memory(pid):
    # Memory of the process and its children (a forked preparation counts too), MiB. One
    # process: its resident memory. Several: the sum of their proportional shares (Pss): a
    # forked child shares its parent's pages, and the sum of resident sizes would count each
    # shared page twice (the memory of 2 x 4 GiB for one machine's 4 GiB).
    pids = tree_pids(pid)
    if len(pids) == 1:
        return field(f"/proc/{pid}/status", "VmRSS:") / 1024
    return sum(field(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids) / 1024

buf = ""
pause = 0.02
while True:
    try:
        buf += os.read(sys.stdin.fileno(), 4096).decode()
    except BlockingIOError:
        pass
    *lines, buf = buf.split("\n")
    t = time.perf_counter()
    m = tree_memory(pid)
    # Reading Pss walks the page tables (tens of ms for GiBs): at most a fifth of a core.
    pause = max(0.02, 4 * (time.perf_counter() - t))
    peaks[stage] = max(peaks.get(stage, 0.0), m)
    for line in lines:
        if line == "stop":
            print(json.dumps(peaks), flush=True)
            sys.exit(0)
        stage = line
        peaks[stage] = max(peaks.get(stage, 0.0), m)
    time.sleep(pause)
"""


class TreeSampler:
    """Peak memory per stage of this process and its children (see TREE_SAMPLER), sampled by
    another process (a sampling thread here would keep the preparation from forking: see
    matcher/ranking/parallel.py)."""

    def __init__(self) -> None:
        self.stage = "start"
        self.times: dict[str, float] = {}
        self.peaks: dict[str, float] = {}
        self._last = time.perf_counter()
        self._proc = subprocess.Popen([PY, "-c", TREE_SAMPLER, str(os.getpid())],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip

    def enter(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[self.stage] = self.times.get(self.stage, 0.0) + now - self._last
        self.stage, self._last = stage, now
        assert self._proc.stdin is not None
        self._proc.stdin.write(stage + "\n")
        self._proc.stdin.flush()

    def stop(self) -> None:
        self.enter("end")
        out, _ = self._proc.communicate("stop\n")
        self.peaks = json.loads(out)


def stages(offers_csv: str, profiles_csv: str, out_csv: str) -> dict:
    """The product's chain in this process, stage by stage, with the peak memory per stage of
    this process and its children."""
    sampler = TreeSampler()
    # CPU time (user + sys of this process, every thread, and of its finished children) per
    # stage, beside the wall clock: on a shared machine the wall clock says as much about the
    # neighbours as about us.
    cpu: dict[str, float] = {}

    def cpu_now() -> float:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    last_stage, last_cpu = [sampler.stage], [cpu_now()]
    enter = sampler.enter

    def cpu_enter(stage: str) -> None:
        now = cpu_now()
        cpu[last_stage[0]] = cpu.get(last_stage[0], 0.0) + now - last_cpu[0]
        last_stage[0], last_cpu[0] = stage, now
        enter(stage)

    sampler.enter = cpu_enter  # type: ignore[method-assign]
    sampler.enter("imports")
    from matcher.export.csv_file import CsvParts
    from matcher.export.suggestions_file import suggestion_headers
    from matcher.ranking.from_files import rank_files_rendered
    from matcher.settings import Settings

    # The path of `python -m matcher rank --out S.csv` (with the bench's import limits): the
    # profiles' file may be read in a second process while the offers are read and prepared
    # ("read files"); each part of the file is written where its offers were ranked, inside
    # "blocks" (the reasons too: their seconds, summed over both processes, are listed under
    # it); "write" puts the parts together.
    settings = Settings().replace(import_limits=_bench_limits())
    timings: dict[str, float] = {}
    t = time.perf_counter()
    with CsvParts(Path(out_csv), suggestion_headers) as parts:
        rendered = rank_files_rendered([Path(offers_csv)], [Path(profiles_csv)], parts.render,
                                       settings, 20, progress=sampler.enter,
                                       timings=timings)  # fmt: skip
        ranked = time.perf_counter() - t
        sampler.enter("write")
        rows = parts.write(rendered)
    sampler.stop()
    # Stages inside the blocks come from their own clocks (summed over the blocks); the
    # sampler gives the peak memory of the blocks as a whole.
    return {"times": sampler.times, "peaks": sampler.peaks, "inside": timings, "cpu": cpu,
            "ranked_s": ranked, "rows": rows}  # fmt: skip


def dask_child(offers_csv: str, profiles_csv: str, workers: str) -> dict:
    """The context is built once on the driver (as in a real run); what is timed is the part
    the cluster takes: candidate products, pair scores and top k of every block."""
    import pandas as pd
    from distributed import Client, LocalCluster

    from matcher.intake.importer import import_path
    from matcher.ranking.blocks import ranked_pairs
    from matcher.ranking.scoring import build_context
    from matcher.reference.geo import builtin_communes
    from matcher.reference.referential import builtin_referential
    from matcher.settings import Settings

    o = import_path(Path(offers_csv), "offers", limits=_bench_limits()).frame
    p = import_path(Path(profiles_csv), "profiles", structure="bench", limits=_bench_limits()).frame
    ref, communes, settings = builtin_referential(), builtin_communes(), Settings()
    t = time.perf_counter()
    ctx = build_context(o, p, settings, ref, communes)
    context_s = time.perf_counter() - t
    t = time.perf_counter()
    local = ranked_pairs(ctx, 20)
    local_s = time.perf_counter() - t
    out = {"context_s": context_s, "local_s": local_s, "workers": {}}
    for n in [int(x) for x in workers.split(",")]:
        with (
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):  # fmt: skip
            t = time.perf_counter()
            got = ranked_pairs(ctx, 20, scheduler=client)
            out["workers"][n] = time.perf_counter() - t
            # Each figure as soon as it is known: a later cluster size may not finish.
            print(f"{n} worker(s): {out['workers'][n]:.2f} s (in process {local_s:.2f} s, "
                  f"context {context_s:.2f} s; load {load()})", file=sys.stderr, flush=True)  # fmt: skip
            pd.testing.assert_frame_equal(got, local)
    return out


def incremental_child(workdir: str) -> dict:
    import io

    import pandas as pd

    from matcher.store.database import Store
    from matcher.workflow.auth import SYSTEM
    from matcher.workflow.service import import_into_store, load_demo, run_matching

    db = Path(workdir) / "demo.sqlite3"
    store = Store(db)
    load_demo(store)
    offers = store.offers(SYSTEM).head(10)
    new = pd.DataFrame({
        "Référence": [f"BENCH-{i}" for i in range(10)],
        "Entreprise": offers["employer"].to_numpy(),
        "Intitulé du poste": offers["title"].to_numpy(),
        "Descriptif": offers["description"].astype(str).to_numpy(),
        "Commune": offers["commune"].to_numpy(),
    })  # fmt: skip
    buf = io.BytesIO()
    new.to_csv(buf, index=False)
    shutil.copy(db, Path(workdir) / "before.sqlite3")
    # A run with nothing changed first: the referential, the classifier and the modules are
    # loaded as in a running dashboard (the first run of a process pays them; not what the
    # target is about). It re-scores nothing.
    t, c = time.perf_counter(), time.process_time()
    warm = run_matching(store).attrs["report"]
    warm_s, warm_cpu = time.perf_counter() - t, time.process_time() - c
    import_into_store(store, buf.getvalue(), "dix_offres.csv", "offers")
    t, c = time.perf_counter(), time.process_time()
    report = run_matching(store).attrs["report"]
    inc, inc_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    run_matching(store, incremental=False)
    full, full_cpu = time.perf_counter() - t, time.process_time() - c
    # The same import again on the saved copy, matched by the command (a fresh process).
    other = Store(Path(workdir) / "before.sqlite3")
    import_into_store(other, buf.getvalue(), "dix_offres.csv", "offers")
    return {"incremental_s": inc, "full_s": full, "rescored": len(report.rescored),
            "incremental_cpu": inc_cpu, "full_cpu": full_cpu, "warm_s": warm_s,
            "warm_cpu": warm_cpu, "warm_rescored": len(warm.rescored),
            "offers": report.offers, "prepared_offers": report.prepared_offers,
            "prepared_profiles": report.prepared_profiles}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------------------------
def part_chain(sizes: list[tuple[int, int]], repeat: int, with_baseline: bool) -> None:
    from chain_data import chain_files

    for n_o, n_p in sizes:
        oc, pc = chain_files(n_o, n_p)
        out = Path(tempfile.mkdtemp(prefix="bench-chain-"))
        print(f"\n== {n_o:,} offers x {n_p:,} profiles (files: {oc.parent}) load {load()}")
        # The same import limits as the stages (the national size is past the defaults).
        limits = _bench_limits()
        (out / "bench.toml").write_text(f"[import_limits]\nmax_file_mb = {limits.max_file_mb}\n"
                                        f"max_rows = {limits.max_rows}\n")  # fmt: skip
        cmd = [PY, "-m", "matcher", "rank", "--offers", str(oc), "--profiles", str(pc),
               "--top", "20", "--out", str(out / "product.csv"),
               "--settings", str(out / "bench.toml")]  # fmt: skip
        # The baseline and the product run in turns: this machine's speed drifts by tens of
        # per cent within minutes, and a series of one then a series of the other would
        # compare two machines. Each product run is also compared with the baseline run just
        # before it (the median of those ratios is the steadiest figure).
        runs, runs_cli, cpus = [], [], []
        for _ in range(repeat):
            if with_baseline:
                runs.append(child("baseline", str(oc), str(pc), str(out / "base.csv")))
            runs_cli.append(timed(cmd))
            cpus.append(LAST_CPU[0])
        base = min(runs, key=lambda r: r["total"]) if runs else None
        if base:
            print(f"   bare scikit-learn TF-IDF top-20: {base['total']:.2f} s (min of {repeat}; "
                  f"all: {', '.join(format(r['total'], '.1f') for r in runs)}; "
                  f"imports {base['imports']:.2f}, read {base['read']:.2f}, TF-IDF "
                  f"{base['tfidf']:.2f}, top-20 {base['top20']:.2f}, write {base['write']:.2f};"
                  f" CPU {min(r['cpu_s'] for r in runs):.2f} s),"
                  f" peak {base['peak_mb'] / 1024:.2f} GiB; load {load()}")  # fmt: skip
        wall = min(w for w, _ in runs_cli)
        peak = max(m for _, m in runs_cli)
        ratio = ""
        if base:
            pairs = sorted(w / r["total"] for (w, _), r in zip(runs_cli, runs, strict=True))
            ratio = (f" = {wall / base['total']:.1f}x the baseline (min / min; each run over "
                     f"the baseline run before it: median {pairs[len(pairs) // 2]:.2f}x, "
                     f"{pairs[0]:.2f}-{pairs[-1]:.2f}x)")  # fmt: skip
        print(f"   python -m matcher rank (files -> written suggestions): {wall:.2f} s (min of "
              f"{repeat}; all: {', '.join(f'{w:.1f}' for w, _ in runs_cli)}){ratio}, CPU "
              f"{min(cpus):.2f} s (min), peak "
              f"{peak / 1024:.2f} GiB; load {load()}")  # fmt: skip
        st = child("stages", str(oc), str(pc), str(out / "stages.csv"))
        print(f"   stages of `rank` in one run ({st['rows']:,} suggestions; CPU {st['cpu_s']:.1f} s; "
              f"load {load()}):")  # fmt: skip
        for name in STAGES:
            sec = st["times"].get(name, 0.0)
            mem = st["peaks"].get(name, 0.0)
            print(f"      {name:<12} {sec:8.2f} s   cpu {st['cpu'].get(name, 0.0):8.2f} s   "
                  f"peak {mem / 1024:6.2f} GiB")  # fmt: skip
            if name == "blocks":
                for sub, v in st["inside"].items():
                    if sub.startswith("blocks/"):
                        print(f"         {sub[7:]:<12} {v:8.2f} s")
                for sub, label in (("reasons", "reasons"), ("write", "file parts")):
                    print(f"         {label:<12} {st['inside'].get(sub, 0.0):8.2f} s")
        shutil.rmtree(out, ignore_errors=True)


def part_dask(sizes: list[tuple[int, int]], workers: str) -> None:
    from chain_data import chain_files

    for n_o, n_p in sizes:
        oc, pc = chain_files(n_o, n_p)
        r = child("dask", str(oc), str(pc), workers)
        print(f"\n== Dask LocalCluster, {n_o:,} x {n_p:,} (load {load()}): context (prepare, "
              f"TF-IDF, skills index; on the driver) {r['context_s']:.2f} s; blocks in one "
              f"process {r['local_s']:.2f} s")  # fmt: skip
        for n, sec in r["workers"].items():
            print(
                f"   blocks on {n} worker(s): {sec:.2f} s (context scattered once included; "
                "same scored pairs as in one process)"
            )


def part_incremental(repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-inc-"))
    try:
        r = child("incremental", str(work))
        # Each run of the command on its own copy of the base as the import left it (a run
        # applies the re-match, so the next would find nothing to do).
        walls = []
        for i in range(max(repeat, 1)):
            db = work / f"copy{i}.sqlite3"
            shutil.copy(work / "before.sqlite3", db)
            walls.append(timed([PY, "-m", "matcher", "match", "--db", str(db)])[0])
        print(f"\n== incremental re-match, demo base ({r['offers']} open offers after importing"
              f" 10; load {load()}): a first run with nothing changed (loads the referential)"
              f" {r['warm_s']:.2f} s, CPU {r['warm_cpu']:.2f} s ({r['warm_rescored']} re-scored);"
              f" then run_matching {r['incremental_s']:.2f} s, CPU {r['incremental_cpu']:.2f} s"
              f" ({r['rescored']} "
              f"offers re-scored, {r['prepared_offers']} offers and {r['prepared_profiles']} "
              f"profiles prepared) vs every offer re-scored {r['full_s']:.2f} s, CPU "
              f"{r['full_cpu']:.2f} s; "
              f"`python -m matcher match` after the import: {min(walls):.2f} s (min of "
              f"{len(walls)}; all: {', '.join(f'{w:.2f}' for w in walls)})")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def part_start(repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-start-"))
    try:
        db = str(work / "demo.sqlite3")
        subprocess.run([PY, "-m", "matcher", "demo", "--db", db], env=ENV, cwd=ROOT,
                       capture_output=True, check=True)  # fmt: skip
        listed = subprocess.run([PY, "-m", "matcher", "list", "suggestions", "--db", db,
                                 "--format", "csv"], env=ENV, cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout  # fmt: skip
        first = next(csv.DictReader(io.StringIO(listed)))
        offer, profile = first["offer_ref"], first["profile_ref"]
        cmds = {
            "--help": ["--help"],
            "list offers": ["list", "offers", "--db", db],
            "decide": ["decide", offer, profile, "--status", "retained", "--db", db],
            "user list": ["user", "list", "--db", db],
            "export (one offer, csv)": ["export", "--offer", offer, "--include-suggested",
                                        "--out", str(work / "s.csv"), "--db", db],
            "export (one offer, xlsx)": ["export", "--offer", offer, "--include-suggested",
                                         "--out", str(work / "s.xlsx"), "--db", db],
        }  # fmt: skip
        print(f"\n== start of commands on the demo base (min of {repeat}; load {load()})")
        for name, args in cmds.items():
            walls = [timed([PY, "-m", "matcher", *args])[0] for _ in range(repeat)]
            cpu = subprocess.run([PY, "-X", "importtime", "-m", "matcher", *args], env=ENV,
                                 cwd=ROOT, capture_output=True, text=True).stderr  # fmt: skip
            total = max((int(line.split("|")[1]) for line in cpu.splitlines()
                         if line.startswith("import time:") and line.split("|")[1].strip()
                         .isdigit()), default=0)  # fmt: skip
            print(f"   {name:<26} {min(walls):6.2f} s   (largest import tree {total / 1e6:.2f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="1k x 10k, demo, start (make bench)")
    parser.add_argument("--sizes", default="1000x10000,10000x100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dask", default="1,2,4", help="worker counts of the Dask part")
    parser.add_argument("--dask-sizes", default="1000x10000")
    parser.add_argument("--only", default="chain,dask,incremental,start")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fn = {"baseline": baseline, "stages": stages, "dask": dask_child,
              "incremental": incremental_child}[args.child[0]]  # fmt: skip
        print(json.dumps(fn(*args.child[1:])))
        return
    if args.small:
        args.sizes, args.repeat, args.dask = "1000x10000", 1, "1,2"
    # The product as installed: its modules compiled to bytecode (`make bytecode`, as pip does
    # for a package), not compiled from source by every run where Python may not write them.
    compileall.compile_dir(ROOT / "matcher", quiet=1)

    def sizes(text: str) -> list[tuple[int, int]]:
        return [tuple(int(v) for v in s.split("x")) for s in text.split(",") if s]  # type: ignore[misc]

    print(f"machine: {os.cpu_count()} cores, load {load()} at start (shared: read the minimum "
          "of several runs, and the load printed with each figure)")  # fmt: skip
    parts = args.only.split(",")
    if "chain" in parts:
        part_chain(sizes(args.sizes), args.repeat, not args.no_baseline)
    if "dask" in parts:
        part_dask(sizes(args.dask_sizes), args.dask)
    if "incremental" in parts:
        part_incremental(args.repeat)
    if "start" in parts:
        part_start(args.repeat)


if __name__ == "__main__":
    main()
