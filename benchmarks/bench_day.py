"""Benchmark of the Busin'ESS day planner (issue 17).

The issue's day: 120 firms, 60 tables (3 rooms), 400 people, 1,200 meeting requests, 16 slots
of 20 minutes (matcher/day/synthetic.py). Each solver (greedy baseline, scipy MILP/HiGHS,
OR-Tools CP-SAT) plans it within the time limit of the settings; printed for each: meetings
placed, people with at least one meeting, the plan's value, seconds, and whether the timetable
passes the independent check. Bounds: the combinatorial one (tables x slots, firms' seats,
people's slots) and the LP relaxation of "as many meetings as possible" (HiGHS), which no plan
can beat.

    .venv/bin/python benchmarks/bench_day.py [--time-limit 30] [--seed 2026] [--solvers cpsat,milp,greedy]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.day import planner as P
from matcher.day.instance import Instance, compile_problem
from matcher.day.synthetic import synthetic_problem
from matcher.settings import DaySettings


def lp_bound(inst: Instance) -> float:
    """The LP relaxation of the meeting count (same rows, no first-meeting indicators)."""
    from scipy.optimize import linprog

    n = inst.n_vars
    res = linprog(-np.ones(n), A_ub=inst.A[:, :n], b_ub=inst.b, bounds=(0, 1), method="highs")
    return float(-res.fun)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=DaySettings().time_limit_s)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--solvers", default="greedy,milp,cpsat")
    parser.add_argument("--firms", type=int, default=120)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--requests", type=int, default=1200)
    args = parser.parse_args()

    t0 = time.perf_counter()
    problem = synthetic_problem(args.firms, args.tables, args.people, args.requests, seed=args.seed)
    built = time.perf_counter() - t0
    settings = replace(DaySettings(), time_limit_s=args.time_limit)
    inst = compile_problem(problem, settings)
    bounds = P.upper_bounds(inst)
    t1 = time.perf_counter()
    lp = lp_bound(inst)
    print(f"day: {args.firms} firms, {args.tables} tables, {args.people} people, "
          f"{len(problem.requests)} requests, {len(problem.slots)} slots of "
          f"{problem.day.slot_minutes} min (seed {args.seed}); built in {built:.2f} s")  # fmt: skip
    print(f"compiled: {inst.n_vars} variables, {inst.A.shape[0]} rows in {inst.seconds:.2f} s")
    print(f"bounds: combinatorial {bounds['borne']} (requests with a possible slot "
          f"{bounds['possibles']}, table-slots {bounds['tables_x_creneaux']}); "
          f"LP relaxation {lp:.1f} ({time.perf_counter() - t1:.1f} s)")  # fmt: skip
    print(f"time limit {settings.time_limit_s:g} s, {settings.workers} worker(s)")
    print()
    print(f"{'solver':8} {'placed':>6} {'% LP':>6} {'people':>8} {'value':>8} {'status':>9} "
          f"{'seconds':>8} {'valid':>6}")  # fmt: skip
    for solver in args.solvers.split(","):
        result = P.plan(problem, settings, solver=solver)
        s = result.stats
        valid = not P.check(problem, result.meetings, settings)
        print(f"{solver:8} {s['rencontres']:6d} {100 * s['rencontres'] / lp:5.1f}% "
              f"{s['personnes_avec_rencontre']:4d}/{s['personnes']:<3d} {s['valeur']:8d} "
              f"{s['statut']:>9} {s['secondes']:8.1f} {'yes' if valid else 'NO':>6}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
