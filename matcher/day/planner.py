"""The Busin'ESS day's planner: requests in, timetable out.

The problem is compiled once (:mod:`matcher.day.instance`) into 0/1 variables x[request, slot,
table group] (a table group is the interchangeable tables of one room with one owner: a firm's
own tables, or the shared ones) and rows ``A x <= b``:

- a request is placed at most once;
- a party (person, firm, accompanying counsellor) holds at most its seats per slot (one, or a
  firm's number of tables);
- a table group holds at most its tables per slot;
- a party that moves between rooms (a person, a counsellor, a firm on shared tables) is never
  in two rooms within ``room_change_gap`` slots: at least one free slot to walk;
- a person's first meeting (indicator u_p <= sum of their x) is worth extra.

Windows (arrival, departure) and meetings already held decide which variables exist at all.
Three solvers read the same rows: a greedy baseline, scipy's MILP (HiGHS) and OR-Tools CP-SAT;
``benchmarks/bench_day.py`` compares them, and :data:`DEFAULT_SOLVER` is the one kept. Tables
are then given within each group, keeping a firm (and a re-planned meeting) at the same table.

:func:`check` validates a timetable from the problem alone (not from the rows): the tests and
the hand moves (:func:`move_meeting`) rely on it.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matcher.day import model as M
from matcher.day.instance import (
    Instance,
    compile_problem,
    firm_tables,
    full_solution,
    inside,
    objective_value,
    objective_vector,
)
from matcher.day.model import DayProblem
from matcher.errors import UserError
from matcher.settings import DaySettings

log = logging.getLogger(__name__)

SOLVERS = ("cpsat", "milp", "greedy")
SOLVER_LABELS = {"cpsat": "OR-Tools CP-SAT", "milp": "HiGHS (MILP de scipy)",
                 "greedy": "glouton"}  # fmt: skip
DEFAULT_SOLVER = "cpsat"

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    return None


def _thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


# ---------------------------------------------------------------------------------------------
# Solvers: each returns the chosen variables (indices into the instance's variables)
# ---------------------------------------------------------------------------------------------
@dataclass
class SolverRun:
    chosen: np.ndarray
    status: str  # "optimal", "feasible" (time limit), "greedy"
    bound: float | None  # the solver's proven upper bound on the objective, if any
    seconds: float


def solve_greedy(inst: Instance, progress: Progress = no_progress) -> SolverRun:
    """Greedy baseline: first one meeting per person (people with the fewest options first),
    then the rest by worth; each at its first free slot (the previous one on a re-plan)."""
    t0 = time.perf_counter()
    n = inst.n_vars
    csc = inst.A[:, :n].tocsc()
    usage = np.zeros(len(inst.b))
    placed = np.zeros(len(inst.request_weight), dtype=bool)
    chosen: list[int] = []
    by_req: dict[int, list[int]] = defaultdict(list)
    # keep-bonus variables first, then by slot: the order of the compiled variables
    order = np.lexsort((inst.var_slot, -inst.var_weight))
    for v in order:
        by_req[int(inst.var_req[v])].append(int(v))

    def try_place(i: int) -> bool:
        for v in by_req.get(i, []):
            lo, hi = csc.indptr[v], csc.indptr[v + 1]
            rows, coefs = csc.indices[lo:hi], csc.data[lo:hi]
            if np.all(usage[rows] + coefs <= inst.b[rows] + 1e-9):
                usage[rows] += coefs
                chosen.append(v)
                placed[i] = True
                return True
        return False

    person_requests: dict[int, list[int]] = defaultdict(list)
    for i, ps in enumerate(inst.request_parties):
        if inst.parties[ps[1]].key.startswith("p:") and by_req.get(i):
            person_requests[ps[1]].append(i)
    wanted = set(int(p) for p in inst.u_person)
    people = sorted((p for p in person_requests if p in wanted),
                    key=lambda p: sum(len(by_req[i]) for i in person_requests[p]))  # fmt: skip
    for p in people:
        for i in sorted(person_requests[p], key=lambda i: -inst.request_weight[i]):
            if try_place(i):
                break
    progress(0.5, "glouton : une rencontre par personne")
    for i in np.argsort(-inst.request_weight, kind="stable"):
        if not placed[i]:
            try_place(int(i))
    return SolverRun(np.array(sorted(chosen), dtype=np.int64), "greedy", None,
                     time.perf_counter() - t0)  # fmt: skip


def solve_milp(inst: Instance, progress: Progress = no_progress) -> SolverRun:
    """scipy.optimize.milp (HiGHS branch and cut), within the time limit."""
    from scipy.optimize import LinearConstraint, milp

    t0 = time.perf_counter()
    c = -objective_vector(inst).astype(np.float64)
    if len(c) == 0:
        return SolverRun(np.array([], dtype=np.int64), "optimal", 0.0, 0.0)
    progress(0.1, "HiGHS : recherche en cours")
    res = milp(
        c,
        constraints=LinearConstraint(inst.A, -np.inf, inst.b),
        integrality=np.ones_like(c),
        bounds=(0, 1),
        options={"time_limit": float(inst.settings.time_limit_s), "disp": False,
                 "mip_rel_gap": 1e-6},
    )  # fmt: skip
    if res.x is None:
        raise UserError(f"le solveur HiGHS n'a trouvé aucun planning ({res.message})")
    x = np.round(res.x[: inst.n_vars]).astype(bool)
    status = "optimal" if res.status == 0 else "feasible"
    bound = getattr(res, "mip_dual_bound", None)
    return SolverRun(np.flatnonzero(x), status, -bound if bound is not None else None,
                     time.perf_counter() - t0)  # fmt: skip


def solve_cpsat(
    inst: Instance, progress: Progress = no_progress, hint: np.ndarray | None = None
) -> SolverRun:
    """OR-Tools CP-SAT on ``settings.workers`` threads, within the time limit, started from
    ``hint`` (the greedy plan) when given."""
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    m = cp_model.CpModel()
    n_all = inst.A.shape[1]
    x = [m.new_bool_var(f"x{j}") for j in range(n_all)]
    A, b = inst.A, inst.b
    for r in range(A.shape[0]):
        lo, hi = A.indptr[r], A.indptr[r + 1]
        idx, coefs = A.indices[lo:hi], A.data[lo:hi]
        if b[r] == 1 and np.all(coefs == 1):
            m.add_at_most_one(x[j] for j in idx)
        else:
            m.add(sum(int(c) * x[j] for j, c in zip(idx, coefs, strict=True)) <= int(b[r]))
    w = objective_vector(inst)
    m.maximize(sum(int(w[j]) * x[j] for j in range(n_all)))
    if hint is not None:
        values = full_solution(inst, hint)
        for j in range(n_all):
            m.add_hint(x[j], bool(values[j]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(inst.settings.time_limit_s)
    solver.parameters.num_workers = max(int(inst.settings.workers), 1)
    limit = float(inst.settings.time_limit_s)

    class _Report(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            elapsed = self.wall_time
            progress(min(0.1 + 0.85 * elapsed / max(limit, 1e-6), 0.95),
                     f"CP-SAT : planning trouvé, valeur {_thousands(self.objective_value)} "
                     f"(borne {_thousands(self.best_objective_bound)})")  # fmt: skip

    progress(0.1, "CP-SAT : recherche en cours")
    status = solver.solve(m, _Report())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise UserError(
            f"le solveur CP-SAT n'a trouvé aucun planning ({solver.status_name(status)})"
        )
    values = np.array([solver.boolean_value(x[j]) for j in range(inst.n_vars)], dtype=bool)
    return SolverRun(
        np.flatnonzero(values), "optimal" if status == cp_model.OPTIMAL else "feasible",
        float(solver.best_objective_bound), time.perf_counter() - t0,
    )  # fmt: skip


def run_solver(inst: Instance, solver: str, progress: Progress = no_progress) -> SolverRun:
    if solver not in SOLVERS:
        raise UserError(f"solveur « {solver} » inconnu (possibles : {', '.join(SOLVERS)})")
    if solver == "greedy" or inst.n_vars == 0:
        return solve_greedy(inst, progress)
    if solver == "milp":
        return solve_milp(inst, progress)
    greedy = solve_greedy(inst)
    return solve_cpsat(inst, progress, hint=greedy.chosen)


# ---------------------------------------------------------------------------------------------
# From chosen variables to a timetable
# ---------------------------------------------------------------------------------------------
@dataclass
class PlanResult:
    meetings: pd.DataFrame  # MEETING_COLUMNS (+ MOVED on a re-plan), by slot and table
    unplaced: pd.DataFrame  # UNPLACED_COLUMNS
    stats: dict[str, Any] = field(default_factory=dict)


def _assign_tables(
    inst: Instance, chosen: np.ndarray, previous: pd.DataFrame | None
) -> list[dict[str, Any]]:
    """Tables within each group and slot: the meeting's previous table if free, else the table
    its firm had at the slot before (firms on shared tables move less), else the first free."""
    prev_table = {} if previous is None else dict(
        zip(previous[M.REQUEST], previous[M.TABLE], strict=True)
    )  # fmt: skip
    req = inst.problem.requests
    taken: dict[int, set[str]] = defaultdict(set)  # slot -> tables
    firm_at: dict[tuple[str, int], str] = {}  # (firm, slot) -> table
    for f in inst.fixed.to_dict("records"):
        taken[int(f[M.SLOT])].add(f[M.TABLE])
        firm_at[(f[M.FIRM], int(f[M.SLOT]))] = f[M.TABLE]
    out = []
    order = sorted(chosen.tolist(), key=lambda v: (int(inst.var_slot[v]), int(inst.var_group[v])))
    for v in order:
        i, s, g = int(inst.var_req[v]), int(inst.var_slot[v]), int(inst.var_group[v])
        rid, firm = req.at[i, M.REQUEST], req.at[i, M.FIRM]
        free = [t for t in inst.groups[g].tables if t not in taken[s]]
        wish = [prev_table.get(rid), firm_at.get((firm, s - 1))]
        table = next((t for t in wish if t in free), free[0])
        taken[s].add(table)
        firm_at[(firm, s)] = table
        out.append({M.REQUEST: rid, M.SLOT: s, M.TABLE: table, M.ROOM: inst.groups[g].room})
    return out


def meetings_frame(problem: DayProblem, placed: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Placed meetings (request, slot, table, room[, held]) with what the documents show."""
    if not placed:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in M.MEETING_COLUMNS})
        return empty.astype({M.SLOT: "int64", M.HELD: bool, M.ACCOMPANIED: bool, M.SCORE: float})
    frame = pd.DataFrame(list(placed))
    if M.HELD not in frame:
        frame[M.HELD] = False
    frame[M.HELD] = frame[M.HELD].fillna(False).astype(bool)
    req = problem.requests.drop(columns=[c for c in (M.KIND,) if c not in problem.requests])
    frame = frame[[M.REQUEST, M.SLOT, M.TABLE, M.ROOM, M.HELD]].merge(req, on=M.REQUEST, how="left")
    people = problem.people[[M.PERSON, M.PROFILE_REF, M.STRUCTURE, M.COUNSELLOR, M.ACCOMPANIED]]
    frame = frame.merge(people, on=M.PERSON, how="left")
    for c in (M.PROFILE_REF, M.STRUCTURE, M.COUNSELLOR):
        frame[c] = frame[c].fillna("")
    frame[M.ACCOMPANIED] = frame[M.ACCOMPANIED].fillna(False).astype(bool)
    slots = problem.slots
    frame[M.SLOT] = frame[M.SLOT].astype(int)
    frame[M.START] = [M.fmt_time(slots[s].start) for s in frame[M.SLOT]]
    frame[M.END] = [M.fmt_time(slots[s].end) for s in frame[M.SLOT]]
    frame = frame[list(M.MEETING_COLUMNS)].sort_values([M.SLOT, M.ROOM, M.TABLE], kind="stable")
    return frame.reset_index(drop=True)


def _why(inst: Instance, meetings: pd.DataFrame) -> dict[str, str]:
    """For each request left out, why in French (checked against the final plan)."""
    problem = inst.problem
    req = problem.requests
    placed = set(meetings[M.REQUEST])
    slots = problem.slots
    gap = inst.settings.room_change_gap * problem.day.slot_minutes
    # What each party and group holds in the final plan
    busy: dict[tuple[int, int], int] = defaultdict(int)
    rooms_at: dict[int, list[tuple[int, str]]] = defaultdict(list)
    group_busy: dict[tuple[int, int], int] = defaultdict(int)
    pos = {rid: i for i, rid in enumerate(req[M.REQUEST])}
    group_of_table = {t: g for g, grp in enumerate(inst.groups) for t in grp.tables}
    for m in meetings.to_dict("records"):
        i, s = pos.get(m[M.REQUEST]), int(m[M.SLOT])
        if i is None:
            continue
        group_busy[(group_of_table[m[M.TABLE]], s)] += 1
        for p in inst.request_parties[i]:
            busy[(p, s)] += 1
            rooms_at[p].append((s, m[M.ROOM]))
    labels = {"f": "l'entreprise est complète", "p": "la personne a déjà un rendez-vous",
              "c": "le conseiller qui l'accompagne est déjà pris"}  # fmt: skip
    out: dict[str, str] = {}
    for i, r in enumerate(req.to_dict("records")):
        rid = r[M.REQUEST]
        if rid in placed:
            continue
        ps = inst.request_parties[i]
        rest = [s for s in slots if inst.now is None or s.start >= inst.now]
        absent = [p for p in ps if not any(inside(s, inst.parties[p].window) for s in rest)]
        if absent:
            who = inst.parties[absent[0]].key
            out[rid] = ("entreprise absente" if who.startswith("f:") else "personne absente") + (
                " (aucun créneau dans ses heures de présence)" if inst.now is None
                else " ou partie pour le reste de la journée")  # fmt: skip
            continue
        if not inst.request_groups[i]:
            out[rid] = "aucune table pour cette entreprise (ni table à elle, ni table partagée)"
            continue
        common = inst.request_slots[i]
        if len(common) == 0:
            out[rid] = ("aucun créneau commun : les heures de présence ne se recouvrent pas"
                        if len([s for s in slots if all(inside(s, inst.parties[p].window) for p in ps)]) == 0
                        else "plus aucun créneau restant dans la journée")  # fmt: skip
            continue
        causes: list[str] = []
        for s in common:
            s = int(s)
            full = next((p for p in ps if busy[(p, s)] >= inst.parties[p].seats), None)
            if full is not None:
                causes.append(labels[inst.parties[full].key[0]])
                continue
            if all(
                group_busy[(g, s)] >= len(inst.groups[g].tables) for g in inst.request_groups[i]
            ):
                causes.append("plus de table libre")
                continue
            walk = any(
                inst.parties[p].mobile and room not in {inst.groups[g].room for g in inst.request_groups[i]}
                and (abs(slots[t].start - slots[s].end) < gap or abs(slots[s].start - slots[t].end) < gap)
                for p in ps for t, room in rooms_at.get(p, [])
            )  # fmt: skip
            causes.append("changement de salle sans créneau libre" if walk else "arbitrage")
        kinds = sorted(set(causes), key=causes.index)
        if kinds == ["arbitrage"] or not kinds:
            out[rid] = ("pas placé sans déplacer d'autres rendez-vous plus prioritaires "
                        "(les créneaux communs restent possibles : placez-le à la main)")  # fmt: skip
        elif len(kinds) == 1:
            out[rid] = f"sur chacun des {len(common)} créneaux communs, {kinds[0]}"
        else:
            parts = [f"{causes.count(k)} × {k}" for k in kinds if k != "arbitrage"]
            out[rid] = f"créneaux communs tous pris : {', '.join(parts)}"
    return out


def upper_bounds(inst: Instance) -> dict[str, int]:
    """Upper bounds on the meetings one can hold: the meetings already held, plus for the rest
    of the day the least of the requests with a possible slot, the table-slots, the firms'
    seats x their slots and the people's slots (a plan can do no better; the LP relaxation in
    benchmarks/bench_day.py is tighter)."""
    held = set(inst.fixed[M.REQUEST])
    rid = inst.problem.requests[M.REQUEST]
    possible = [i for i in range(len(inst.request_weight)) if len(inst.request_slots[i])
                and inst.request_groups[i] and rid.iat[i] not in held]  # fmt: skip
    rest = [s for s in inst.problem.slots if inst.now is None or s.start >= inst.now]
    tables = len(inst.problem.tables) * len(rest)
    per_party: dict[int, int] = defaultdict(int)
    for i in possible:
        for p in inst.request_parties[i][:2]:
            per_party[p] += 1
    firm_side = 0
    person_side = 0
    for p, count in per_party.items():
        party = inst.parties[p]
        n = sum(inside(s, party.window) for s in rest)
        cap = min(count, party.seats * n)
        if party.key.startswith("f:"):
            firm_side += cap
        else:
            person_side += cap
    # Every meeting has a firm: the firm side bounds all; a person meeting also needs a person.
    b2b = sum(1 for i in possible if not inst.problem.requests.at[i, M.PERSON])
    return {
        "demandes": len(inst.request_weight),
        "possibles": len(possible) + len(held),
        "tables_x_creneaux": tables,
        "borne": len(held) + int(min(len(possible), tables, firm_side, person_side + b2b)),
    }


def _result(
    inst: Instance, run: SolverRun, solver: str, previous: pd.DataFrame | None, started: float
) -> PlanResult:
    placed = _assign_tables(inst, run.chosen, previous)
    fixed = inst.fixed.assign(**{M.HELD: True})[[M.REQUEST, M.SLOT, M.TABLE, M.ROOM, M.HELD]]
    rows = fixed.to_dict("records") + placed
    meetings = meetings_frame(inst.problem, rows)
    why = _why(inst, meetings)
    req = inst.problem.requests
    unplaced = req[req[M.REQUEST].isin(why)].merge(
        inst.problem.people[[M.PERSON, M.PROFILE_REF, M.STRUCTURE]], on=M.PERSON, how="left"
    )
    unplaced[M.REASON] = unplaced[M.REQUEST].map(why)
    unplaced = unplaced.reindex(columns=list(M.UNPLACED_COLUMNS)).fillna(
        {M.PROFILE_REF: "", M.STRUCTURE: ""}
    )
    people = inst.problem.people[M.PERSON]
    with_request = set(req[M.PERSON]) - {""}
    with_meeting = set(meetings[M.PERSON]) - {""}
    stats: dict[str, Any] = {
        "solveur": solver,
        "statut": run.status,
        "rencontres": len(meetings),
        "demandes": len(req),
        "non_placees": len(unplaced),
        "personnes": int(people.isin(with_request).sum()),
        "personnes_avec_rencontre": len(with_meeting),
        "valeur": objective_value(inst, run.chosen),
        "borne_solveur": None if run.bound is None else round(run.bound),
        "secondes": round(time.perf_counter() - started, 2),
        "secondes_solveur": round(run.seconds, 2),
        "variables": inst.n_vars,
        "contraintes": int(inst.A.shape[0]),
        **upper_bounds(inst),
    }
    if previous is not None:
        before = previous.set_index(M.REQUEST)
        moved = [
            rid in before.index and (before.at[rid, M.SLOT], before.at[rid, M.TABLE]) != (s, t)
            for rid, s, t in zip(meetings[M.REQUEST], meetings[M.SLOT], meetings[M.TABLE], strict=True)
        ]  # fmt: skip
        meetings[M.MOVED] = pd.Series(moved, index=meetings.index, dtype=bool)
        stats["deplacees"] = int(sum(moved))
        stats["gardees"] = int(meetings[M.REQUEST].isin(before.index).sum() - sum(moved))
        stats["ajoutees"] = int((~meetings[M.REQUEST].isin(before.index)).sum())
        stats["retirees"] = int((~before.index.isin(meetings[M.REQUEST])).sum())
    return PlanResult(meetings, unplaced, stats)


def plan(
    problem: DayProblem,
    settings: DaySettings | None = None,
    solver: str = DEFAULT_SOLVER,
    progress: Progress = no_progress,
) -> PlanResult:
    """The day's timetable: as many meetings as the tables, seats and windows allow, with the
    priorities of ``settings`` (see :class:`matcher.settings.DaySettings`), and the requests
    left out with why."""
    settings = settings or DaySettings()
    started = time.perf_counter()
    progress(0.02, "préparation du problème")
    inst = compile_problem(problem, settings)
    run = run_solver(inst, solver, progress)
    progress(0.98, "attribution des tables")
    result = _result(inst, run, solver, None, started)
    progress(1.0, f"{result.stats['rencontres']} rencontres placées")
    return result


def replan(
    problem: DayProblem,
    previous: pd.DataFrame,
    now: str,
    settings: DaySettings | None = None,
    solver: str = DEFAULT_SOLVER,
    progress: Progress = no_progress,
) -> PlanResult:
    """Re-plan the rest of the day from ``now`` ("HH:MM"): meetings of ``previous`` that started
    before ``now`` are held and kept as they are; the others are placed again, moving as few as
    possible (``keep_weight``), with the changes already in ``problem`` (absences through
    :func:`mark_absent`, requests added or removed)."""
    settings = settings or DaySettings()
    started = time.perf_counter()
    minute = M.parse_time(now, "re-planification, heure")
    slots = problem.slots
    known = set(problem.requests[M.REQUEST])
    prev = previous[previous[M.REQUEST].isin(known)]
    held_mask = np.array([slots[int(s)].start < minute for s in prev[M.SLOT]], dtype=bool)
    fixed = prev[held_mask]
    progress(0.02, "préparation du problème")
    inst = compile_problem(problem, settings, fixed=fixed, now=minute, previous=prev[~held_mask])
    run = run_solver(inst, solver, progress)
    result = _result(inst, run, solver, prev, started)
    result.stats["tenues"] = len(fixed)
    progress(1.0, f"{result.stats['rencontres']} rencontres placées")
    return result


def mark_absent(
    problem: DayProblem, *, firm: str | None = None, person: str | None = None, since: str
) -> DayProblem:
    """A copy of ``problem`` where ``firm`` or ``person`` leaves (or never came) at ``since``."""
    M.parse_time(since, "absence, heure")
    if firm is not None:
        frame, key, col = problem.firms.copy(), firm, M.FIRM
    elif person is not None:
        frame, key, col = problem.people.copy(), person, M.PERSON
    else:
        raise UserError("absence : indiquez une entreprise ou une personne")
    if key not in set(frame[col]):
        raise UserError(f"absence : « {key} » ne fait pas partie de la journée")
    frame.loc[frame[col] == key, M.DEPARTURE] = since
    arrival = frame.loc[frame[col] == key, M.ARRIVAL].iloc[0]
    if arrival and M.parse_time(arrival, "arrivée") > M.parse_time(since, "absence"):
        frame.loc[frame[col] == key, M.ARRIVAL] = since
    out = DayProblem(problem.day, problem.tables, problem.firms, problem.people,
                     problem.requests, problem.slots)  # fmt: skip
    if firm is not None:
        out.firms = frame
    else:
        out.people = frame
    return out


# ---------------------------------------------------------------------------------------------
# Validation and hand moves
# ---------------------------------------------------------------------------------------------
def check(
    problem: DayProblem, meetings: pd.DataFrame, settings: DaySettings | None = None
) -> list[str]:
    """Every rule a timetable breaks, in French (empty: the timetable is valid). Read from the
    problem itself, not from the planner's rows."""
    settings = settings or DaySettings()
    problems: list[str] = []
    slots = problem.slots
    req = problem.requests.set_index(M.REQUEST)
    tables = problem.tables.set_index(M.TABLE)
    own = firm_tables(problem)
    firms = problem.firms.set_index(M.FIRM)
    people = problem.people.set_index(M.PERSON)
    gap = settings.room_change_gap * problem.day.slot_minutes
    seen: set[str] = set()
    use: dict[tuple[str, int], list[str]] = defaultdict(list)  # (party, slot) -> requests
    moves: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # party -> (slot, room, req)
    for m in meetings.to_dict("records"):
        rid = m[M.REQUEST]
        if rid not in req.index:
            problems.append(f"rendez-vous {rid} : inconnu")
            continue
        if rid in seen:
            problems.append(f"rendez-vous {rid} : placé deux fois")
        seen.add(rid)
        r = req.loc[rid]
        s = int(m[M.SLOT])
        if not 0 <= s < len(slots):
            problems.append(f"rendez-vous {rid} : créneau {s} hors de la journée")
            continue
        slot = slots[s]
        table = m[M.TABLE]
        if table not in tables.index:
            problems.append(f"rendez-vous {rid} : table « {table} » inconnue")
            continue
        room = tables.at[table, M.ROOM]
        owner = tables.at[table, M.FIRM]
        firms_here = [r[M.FIRM]] + ([r[M.OTHER_FIRM]] if r[M.OTHER_FIRM] else [])
        allowed = [t for f in firms_here for t in own.get(f, [])]
        if allowed and table not in allowed:
            problems.append(
                f"rendez-vous {rid} : table {table} qui n'est pas celle de l'entreprise"
            )
        if not allowed and owner:
            problems.append(f"rendez-vous {rid} : table {table} réservée à « {owner} »")
        use[(f"table {table}", s)].append(rid)
        parties = [(f"entreprise « {f} »", problem.window(firms.at[f, M.ARRIVAL], firms.at[f, M.DEPARTURE], f),
                    f, not own.get(f)) for f in firms_here]  # fmt: skip
        if r[M.PERSON]:
            p = people.loc[r[M.PERSON]]
            parties.append((f"personne {p[M.PROFILE_REF]} ({p[M.STRUCTURE]})",
                            problem.window(p[M.ARRIVAL], p[M.DEPARTURE], r[M.PERSON]), None, True))  # fmt: skip
            if p[M.ACCOMPANIED]:
                parties.append((f"conseiller {M.counsellor_key(p).replace('|', ' – ')}",
                                (slots[0].start, slots[-1].end), None, True))  # fmt: skip
        for label, window, _firm, mobile in parties:
            if not inside(slot, window):
                problems.append(f"rendez-vous {rid} à {slot.label} : hors des heures de présence "
                                f"de {label}")  # fmt: skip
            use[(label, s)].append(rid)
            if mobile:
                moves[label].append((s, room, rid))
    for (label, s), rids in use.items():
        if label.startswith("entreprise"):
            firm = label[len("entreprise « ") : -2]
            seats = max(len(own.get(firm, [])), 1)
        else:
            seats = 1
        if len(rids) > seats:
            problems.append(f"{label} à deux endroits à {slots[s].label} : rendez-vous "
                            f"{', '.join(sorted(rids))}")  # fmt: skip
    for label, visits in moves.items():
        visits.sort()
        for (s1, r1, a), (s2, r2, b) in itertools.pairwise(visits):
            if r1 != r2 and slots[s2].start - slots[s1].end < gap:
                problems.append(f"{label} change de salle ({r1} puis {r2}) sans créneau libre "
                                f"entre les rendez-vous {a} et {b}")  # fmt: skip
    return problems


def move_meeting(
    problem: DayProblem,
    meetings: pd.DataFrame,
    request: str,
    slot: int,
    table: str,
    settings: DaySettings | None = None,
) -> pd.DataFrame:
    """The timetable with ``request`` moved (or added) at ``slot`` and ``table``; refused with
    the conflicts in French when the move breaks a rule the timetable kept."""
    if request not in set(problem.requests[M.REQUEST]):
        raise UserError(f"rendez-vous « {request} » inconnu")
    rows = meetings[meetings[M.REQUEST] != request][[M.REQUEST, M.SLOT, M.TABLE, M.ROOM, M.HELD]]
    old = meetings[meetings[M.REQUEST] == request]
    if len(old) and bool(old[M.HELD].iloc[0]):
        raise UserError(f"rendez-vous {request} : déjà tenu, il ne se déplace plus")
    tables = problem.tables.set_index(M.TABLE)
    if table not in tables.index:
        raise UserError(f"table « {table} » inconnue")
    if not 0 <= slot < len(problem.slots):
        raise UserError(f"créneau {slot} hors de la journée")
    new = {M.REQUEST: request, M.SLOT: slot, M.TABLE: table, M.ROOM: tables.at[table, M.ROOM],
           M.HELD: False}  # fmt: skip
    moved = meetings_frame(problem, rows.to_dict("records") + [new])
    before = set(check(problem, meetings, settings))
    conflicts = [c for c in check(problem, moved, settings) if c not in before]
    if conflicts:
        raise UserError("déplacement refusé : " + " ; ".join(conflicts))
    if M.MOVED in meetings:
        moved[M.MOVED] = moved[M.REQUEST].map(dict(zip(meetings[M.REQUEST], meetings[M.MOVED],
                                                       strict=True))).fillna(False).astype(bool)  # fmt: skip
        moved.loc[moved[M.REQUEST] == request, M.MOVED] = True
    return moved
