"""The Busin'ESS day's problem compiled once into 0/1 variables x[request, slot, table group] and
rows ``A x <= b`` (the rules are listed in :mod:`matcher.day.planner`'s docstring), which every
solver of the planner reads."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from matcher.day import model as M
from matcher.day.model import DayProblem, Slot
from matcher.settings import DaySettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Group:
    """Interchangeable tables: one room, one owner ("" = shared)."""

    room: str
    owner: str
    tables: tuple[str, ...]


@dataclass
class Party:
    key: str  # "f:<firm>", "p:<person>", "c:<counsellor>"
    seats: int  # meetings at once
    mobile: bool  # may change rooms during the day (the room-change rule applies)
    window: tuple[int, int]


@dataclass
class Instance:
    """The compiled problem (see the module docstring)."""

    problem: DayProblem
    settings: DaySettings
    groups: list[Group]
    parties: list[Party]
    request_parties: list[list[int]]  # per request: its party indices
    request_groups: list[list[int]]  # per request: its candidate groups
    request_slots: list[np.ndarray]  # per request: slots within every party's window, >= now
    request_weight: np.ndarray
    var_req: np.ndarray
    var_slot: np.ndarray
    var_group: np.ndarray
    var_weight: np.ndarray
    u_person: np.ndarray  # party index of each first-meeting indicator
    A: sparse.csr_matrix  # rows x (vars + indicators)
    b: np.ndarray
    fixed: pd.DataFrame  # held meetings (kept as they are)
    now: int | None = None  # minutes: nothing new starts before
    seconds: float = 0.0

    @property
    def n_vars(self) -> int:
        return len(self.var_req)


def inside(slot: Slot, window: tuple[int, int]) -> bool:
    return slot.start >= window[0] and slot.end <= window[1]


def _neighbours(slots: list[Slot], gap_slots: int, slot_minutes: int) -> list[list[int]]:
    """For each slot, the later slots that start too soon after it ends to change rooms."""
    need = gap_slots * slot_minutes
    return [[t.index for t in slots if t.index > s.index and t.start - s.end < need]
            for s in slots]  # fmt: skip


def firm_tables(problem: DayProblem) -> dict[str, list[str]]:
    own: dict[str, list[str]] = defaultdict(list)
    for t, f in zip(problem.tables[M.TABLE], problem.tables[M.FIRM], strict=True):
        if f:
            own[f].append(t)
    return own


def compile_problem(
    problem: DayProblem,
    settings: DaySettings,
    *,
    fixed: pd.DataFrame | None = None,
    now: int | None = None,
    previous: pd.DataFrame | None = None,
) -> Instance:
    """Variables and rows of ``problem``. ``fixed``: meetings held (kept, their seats taken);
    ``now`` (minutes): no new meeting starts before; ``previous``: the plan being re-planned
    (a meeting kept at its slot and table group is worth ``keep_weight`` more)."""
    t0 = time.perf_counter()
    tables = _TableGroups(problem.tables)
    fixed = fixed if fixed is not None else pd.DataFrame(columns=list(M.MEETING_COLUMNS))
    requests = _requests(problem, settings, tables, now)
    seats = _seats_left(problem, tables, requests, fixed)
    near = _neighbours(problem.slots, settings.room_change_gap, problem.day.slot_minutes)
    kept: dict[str, tuple[int, int]] = {}
    if previous is not None:
        for p in previous.to_dict("records"):
            if p[M.TABLE] in tables.group_of_table:
                kept[p[M.REQUEST]] = (int(p[M.SLOT]), tables.group_of_table[p[M.TABLE]])
    var_req, var_slot, var_group, var_weight = _variables(
        problem, settings, tables, requests, seats, near, set(fixed[M.REQUEST]), kept
    )
    rows = _Rows()
    _capacity_rows(rows, tables, requests, seats, near, var_req, var_slot, var_group)
    u_person = _first_meeting_rows(rows, requests, seats, var_req)
    n = len(var_req)
    A = sparse.csr_matrix(
        (np.array(rows.vals, dtype=np.float64), (np.array(rows.rows, dtype=np.int64),
                                                 np.array(rows.cols, dtype=np.int64))),
        shape=(len(rows.b), n + len(u_person)),
    )  # fmt: skip
    inst = Instance(
        problem, settings, tables.groups, requests.parties, requests.parties_of,
        requests.groups_of, requests.slots_of, requests.weights, var_req, var_slot, var_group,
        var_weight, np.array(u_person, dtype=np.int64), A, np.array(rows.b, dtype=np.float64),
        fixed, now,
    )  # fmt: skip
    inst.seconds = time.perf_counter() - t0
    log.info("day planner: %d variables, %d rows, compiled in %.2f s", n, len(rows.b), inst.seconds)
    return inst


class _TableGroups:
    """The tables grouped by room and owner: a firm's own groups, the shared ones."""

    def __init__(self, tables: pd.DataFrame):
        self.groups: list[Group] = []
        self.group_of_table: dict[str, int] = {}
        for (room, owner), part in tables.groupby([M.ROOM, M.FIRM], sort=True):
            self.group_of_table.update({t: len(self.groups) for t in part[M.TABLE]})
            self.groups.append(Group(str(room), str(owner), tuple(part[M.TABLE])))
        self.own: dict[str, list[int]] = defaultdict(list)
        self.shared = [i for i, grp in enumerate(self.groups) if not grp.owner]
        for i, grp in enumerate(self.groups):
            if grp.owner:
                self.own[grp.owner].append(i)


@dataclass
class _Requests:
    """The parties of the day (firms, people, accompanying counsellors) with their windows, and
    per request: its parties, candidate table groups, possible slots and weight."""

    parties: list[Party] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)  # party key -> index
    parties_of: list[list[int]] = field(default_factory=list)
    groups_of: list[list[int]] = field(default_factory=list)
    slots_of: list[np.ndarray] = field(default_factory=list)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def party(self, key: str, seats: int, mobile: bool, window: tuple[int, int]) -> int:
        if key not in self.index:
            self.index[key] = len(self.parties)
            self.parties.append(Party(key, seats, mobile, window))
        return self.index[key]


def _requests(
    problem: DayProblem, settings: DaySettings, tables: _TableGroups, now: int | None
) -> _Requests:
    slots = problem.slots
    out = _Requests()
    index, parties = out.index, out.parties
    firms = problem.firms.set_index(M.FIRM)
    for f, row in firms.iterrows():
        seats = len(_tables_of(tables.groups, tables.own.get(str(f), [])))
        out.party(f"f:{f}", max(seats, 1), mobile=seats == 0,
                  window=problem.window(row[M.ARRIVAL], row[M.DEPARTURE], f"entreprise « {f} »"))  # fmt: skip
    people = problem.people.set_index(M.PERSON)
    day = (slots[0].start, slots[-1].end)
    for p, row in people.iterrows():
        out.party(f"p:{p}", 1, True, problem.window(row[M.ARRIVAL], row[M.DEPARTURE], str(p)))
    req = problem.requests
    weights = np.zeros(len(req), dtype=np.int64)
    qpv = dict(zip(firms.index, firms[M.QPV], strict=True))
    for i, r in enumerate(req.to_dict("records")):
        ps = [index[f"f:{r[M.FIRM]}"]]
        if r[M.PERSON]:
            ps.append(index[f"p:{r[M.PERSON]}"])
            person = people.loc[r[M.PERSON]]
            if person[M.ACCOMPANIED]:
                ps.append(out.party("c:" + M.counsellor_key(person), 1, True, day))
            cand = tables.own.get(r[M.FIRM]) or tables.shared
        else:
            ps.append(index[f"f:{r[M.OTHER_FIRM]}"])
            cand = tables.own.get(r[M.FIRM], []) + tables.own.get(r[M.OTHER_FIRM], [])
            cand = cand or tables.shared
        out.parties_of.append(ps)
        out.groups_of.append(list(cand))
        ok = [s.index for s in slots
              if all(inside(s, parties[p].window) for p in ps) and (now is None or s.start >= now)]  # fmt: skip
        out.slots_of.append(np.array(ok, dtype=np.int64))
        w = settings.meeting_weight + round(settings.score_weight * float(r[M.SCORE]))
        if qpv.get(r[M.FIRM]) or (r[M.OTHER_FIRM] and qpv.get(r[M.OTHER_FIRM])):
            w += settings.qpv_weight
        weights[i] = w
    out.weights = weights
    return out


@dataclass
class _Seats:
    """Seats left per party and per table group at each slot once held meetings are counted,
    and the rooms where each party has a held meeting."""

    party_cap: np.ndarray
    group_cap: np.ndarray
    fixed_rooms: dict[int, list[tuple[int, str]]]  # party -> (slot, room)


def _seats_left(
    problem: DayProblem, tables: _TableGroups, requests: _Requests, fixed: pd.DataFrame
) -> _Seats:
    n_slots = len(problem.slots)
    req_pos = {rid: i for i, rid in enumerate(problem.requests[M.REQUEST])}
    party_used = np.zeros((len(requests.parties), n_slots), dtype=np.int64)
    group_used = np.zeros((len(tables.groups), n_slots), dtype=np.int64)
    fixed_rooms: dict[int, list[tuple[int, str]]] = defaultdict(list)  # party -> (slot, room)
    for f in fixed.to_dict("records"):
        pos = req_pos.get(f[M.REQUEST])
        if pos is None:
            continue
        i, s = pos, int(f[M.SLOT])
        group_used[tables.group_of_table[f[M.TABLE]], s] += 1
        for p in requests.parties_of[i]:
            party_used[p, s] += 1
            fixed_rooms[p].append((s, f[M.ROOM]))
    party_cap = np.array([p.seats for p in requests.parties])[:, None] - party_used
    group_cap = np.array([len(g.tables) for g in tables.groups])[:, None] - group_used
    return _Seats(party_cap, group_cap, fixed_rooms)


def _variables(
    problem: DayProblem,
    settings: DaySettings,
    tables: _TableGroups,
    requests: _Requests,
    seats: _Seats,
    near: list[list[int]],
    fixed_ids: set,
    kept: dict[str, tuple[int, int]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The variables x[request, slot, group] that can be 1: a seat free for every party and a
    table in the group, and no held meeting in another room too close before or after."""
    before: list[list[int]] = [[] for _ in problem.slots]
    for s, later in enumerate(near):
        for t in later:
            before[t].append(s)
    req = problem.requests
    parties, groups = requests.parties, tables.groups
    party_cap, group_cap, fixed_rooms = seats.party_cap, seats.group_cap, seats.fixed_rooms
    v_req, v_slot, v_group, v_weight = [], [], [], []
    for i in range(len(req)):
        rid = req.at[i, M.REQUEST]
        if rid in fixed_ids:
            continue
        ps = requests.parties_of[i]
        for s in requests.slots_of[i]:
            if any(party_cap[p, s] <= 0 for p in ps):
                continue
            for g in requests.groups_of[i]:
                if group_cap[g, s] <= 0:
                    continue
                room = groups[g].room
                # a held meeting in another room too close before or after: no walking time
                if any(
                    r != room and (t in near[s] or t in before[s] or t == s)
                    for p in ps if parties[p].mobile for t, r in fixed_rooms.get(p, [])
                ):  # fmt: skip
                    continue
                v_req.append(i)
                v_slot.append(int(s))
                v_group.append(g)
                bonus = settings.keep_weight if kept.get(rid) == (int(s), g) else 0
                v_weight.append(int(requests.weights[i]) + bonus)
    return (
        np.array(v_req, dtype=np.int64),
        np.array(v_slot, dtype=np.int64),
        np.array(v_group, dtype=np.int64),
        np.array(v_weight, dtype=np.int64),
    )


@dataclass
class _Rows:
    """The rows ``A x <= b`` as coordinates, built one row at a time."""

    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)

    def add(self, members: Sequence[int], bound: int, coefs: Sequence[int] | None = None) -> None:
        r = len(self.b)
        self.rows.extend([r] * len(members))
        self.cols.extend(members)
        self.vals.extend(coefs if coefs is not None else [1] * len(members))
        self.b.append(bound)


def _capacity_rows(
    rows: _Rows,
    tables: _TableGroups,
    requests: _Requests,
    seats: _Seats,
    near: list[list[int]],
    var_req: np.ndarray,
    var_slot: np.ndarray,
    var_group: np.ndarray,
) -> None:
    """A request placed at most once; a party's seats and a group's tables per slot; a mobile
    party never in two rooms within the room-change gap."""
    parties, groups = requests.parties, tables.groups
    party_cap, group_cap = seats.party_cap, seats.group_cap
    add_row = rows.add
    by_req: dict[int, list[int]] = defaultdict(list)
    by_party_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_group_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_party_slot_room: dict[tuple[int, int], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for v in range(len(var_req)):
        i, s, g = int(var_req[v]), int(var_slot[v]), int(var_group[v])
        by_req[i].append(v)
        by_group_slot[(g, s)].append(v)
        for p in requests.parties_of[i]:
            by_party_slot[(p, s)].append(v)
            if parties[p].mobile:
                by_party_slot_room[(p, s)][groups[g].room].append(v)
    for members in by_req.values():
        if len(members) > 1:
            add_row(members, 1)
    for (p, s), members in by_party_slot.items():
        if len(members) > party_cap[p, s]:
            add_row(members, int(party_cap[p, s]))
    for (g, s), members in by_group_slot.items():
        if len(members) > group_cap[g, s]:
            add_row(members, int(group_cap[g, s]))
    for (p, s), rooms in by_party_slot_room.items():
        later_rooms: dict[str, list[int]] = defaultdict(list)
        for t in near[s]:
            for room, members in by_party_slot_room.get((p, t), {}).items():
                later_rooms[room].extend(members)
        for room, here in rooms.items():
            elsewhere = [v for r2, m in later_rooms.items() if r2 != room for v in m]
            if elsewhere:
                add_row(here + elsewhere, 1)


def _first_meeting_rows(
    rows: _Rows, requests: _Requests, seats: _Seats, var_req: np.ndarray
) -> list[int]:
    """The first meeting of each person without a held one: an indicator u_p <= sum of their
    x (columns after the variables). Returns the party index of each indicator."""
    parties = requests.parties
    n = len(var_req)
    held_people = {p for p in seats.fixed_rooms if parties[p].key.startswith("p:")}
    u_person: list[int] = []
    person_vars: dict[int, list[int]] = defaultdict(list)
    for v in range(n):
        person_vars[requests.parties_of[int(var_req[v])][1]].append(v)
    for p, members in person_vars.items():
        if parties[p].key.startswith("p:") and p not in held_people:
            j = n + len(u_person)
            u_person.append(p)
            rows.add([j, *members], 0, [1] + [-1] * len(members))
    return u_person


def _tables_of(groups: list[Group], indices: list[int]) -> list[str]:
    return [t for i in indices for t in groups[i].tables]


def full_solution(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    """0/1 values of every column (meetings and first-meeting indicators) for ``chosen``."""
    values = np.zeros(inst.A.shape[1], dtype=np.int64)
    values[chosen] = 1
    with_meeting = {inst.request_parties[int(inst.var_req[v])][1] for v in chosen}
    for k, p in enumerate(inst.u_person):
        values[inst.n_vars + k] = int(p) in with_meeting
    return values


def objective_value(inst: Instance, chosen: np.ndarray) -> int:
    return int(objective_vector(inst) @ full_solution(inst, chosen))


def objective_vector(inst: Instance) -> np.ndarray:
    fw = np.full(len(inst.u_person), inst.settings.first_meeting_weight, dtype=np.int64)
    return np.concatenate([inst.var_weight, fw])
