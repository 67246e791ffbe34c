"""Property tests of the day planner on random small days: whatever the tables, windows,
counsellors and requests, a timetable never double-books a party or a table, respects every
presence window and room change, and a re-plan keeps the meetings already held."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.day import model as M
from matcher.day import planner as P
from matcher.settings import DaySettings

FAST = DaySettings(time_limit_s=2)
TIMES = ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00"]


@st.composite
def days(draw) -> M.DayProblem:
    n_slots = draw(st.integers(2, 6))
    day = M.DayFrame(start="09:00", end=TIMES[n_slots], slot_minutes=20, breaks=())
    n_firms = draw(st.integers(1, 5))
    firms = [f"F{i}" for i in range(n_firms)]
    n_rooms = draw(st.integers(1, 2))
    n_tables = draw(st.integers(1, 5))
    owners = draw(st.lists(st.sampled_from(["", *firms]), min_size=n_tables, max_size=n_tables))
    tables = pd.DataFrame({
        M.TABLE: [f"T{i}" for i in range(n_tables)],
        M.ROOM: [f"Salle {draw(st.integers(1, n_rooms))}" for _ in range(n_tables)],
        M.FIRM: owners,
    })  # fmt: skip

    def window() -> tuple[str, str]:
        a = draw(st.integers(0, n_slots))
        b = draw(st.integers(a, n_slots))
        return ("" if a == 0 else TIMES[a], "" if b == n_slots else TIMES[b])

    firm_rows = []
    for f in firms:
        a, b = window()
        firm_rows.append({M.FIRM: f, M.QPV: draw(st.booleans()), M.ARRIVAL: a, M.DEPARTURE: b})
    n_people = draw(st.integers(1, 6))
    people_rows = []
    for i in range(n_people):
        a, b = window()
        people_rows.append({
            M.PROFILE_REF: f"P{i}", M.STRUCTURE: draw(st.sampled_from(["EI", "ACI"])),
            M.COUNSELLOR: draw(st.sampled_from(["", "C1", "C2"])), M.ARRIVAL: a,
            M.DEPARTURE: b, M.ACCOMPANIED: draw(st.booleans()),
        })  # fmt: skip
    people = pd.DataFrame(people_rows)
    people[M.PERSON] = [M.person_key(s, p) for s, p in zip(people[M.STRUCTURE],
                                                            people[M.PROFILE_REF], strict=True)]  # fmt: skip
    pairs = [(f, p) for f in firms for p in people[M.PERSON]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=12))
    rows = [{M.FIRM: f, M.PERSON: p, M.SCORE: draw(st.floats(0, 1))} for f, p in chosen]
    if n_firms > 1:
        b2b = draw(st.lists(st.tuples(st.sampled_from(firms), st.sampled_from(firms)),
                            max_size=3, unique=True))  # fmt: skip
        seen = set()
        for a, b in b2b:
            if a != b and (b, a) not in seen:
                seen.add((a, b))
                rows.append({M.FIRM: a, M.OTHER_FIRM: b})
    return M.make_problem(day, tables, pd.DataFrame(rows), pd.DataFrame(firm_rows), people)


def assert_valid(problem: M.DayProblem, result: P.PlanResult) -> None:
    assert P.check(problem, result.meetings) == []
    # Each request is either placed (once) or listed with a reason, never both or neither.
    placed, left = set(result.meetings[M.REQUEST]), set(result.unplaced[M.REQUEST])
    assert placed.isdisjoint(left)
    assert placed | left == set(problem.requests[M.REQUEST])
    assert result.unplaced[M.REASON].str.len().gt(0).all()
    # Independent of check(): no table and no person twice in a slot.
    m = result.meetings
    assert not m.duplicated([M.SLOT, M.TABLE]).any()
    people = m[m[M.PERSON] != ""]
    assert not people.duplicated([M.SLOT, M.PERSON]).any()
    assert result.stats["rencontres"] <= result.stats["borne"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days())
def test_greedy_plans_are_valid(problem):
    assert_valid(problem, P.plan(problem, FAST, solver="greedy"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days())
def test_cpsat_plans_are_valid_and_not_worse_than_greedy(problem):
    result = P.plan(problem, FAST, solver="cpsat")
    assert_valid(problem, result)
    greedy = P.plan(problem, FAST, solver="greedy")
    assert result.stats["valeur"] >= greedy.stats["valeur"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days())
def test_milp_plans_are_valid(problem):
    assert_valid(problem, P.plan(problem, FAST, solver="milp"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days(), st.data())
def test_replan_keeps_held_meetings(problem, data):
    solver = data.draw(st.sampled_from(["greedy", "greedy", "cpsat"]))
    first = P.plan(problem, FAST, solver=solver)
    now = data.draw(st.sampled_from([M.fmt_time(s.start) for s in problem.slots]))
    changed = problem
    if data.draw(st.booleans()):
        firm = data.draw(st.sampled_from(sorted(problem.firms[M.FIRM])))
        changed = P.mark_absent(problem, firm=firm, since=now)
    else:
        person = data.draw(st.sampled_from(sorted(problem.people[M.PERSON])))
        changed = P.mark_absent(problem, person=person, since=now)
    again = P.replan(changed, first.meetings, now, FAST, solver=solver)
    assert_valid(changed, again)
    held = first.meetings[first.meetings[M.START] < now]
    after = again.meetings.set_index(M.REQUEST)
    for m in held.to_dict("records"):
        assert m[M.REQUEST] in after.index
        assert (after.at[m[M.REQUEST], M.SLOT], after.at[m[M.REQUEST], M.TABLE]) == (
            m[M.SLOT],
            m[M.TABLE],
        )
        assert after.at[m[M.REQUEST], M.HELD]
    new = again.meetings[~again.meetings[M.HELD]]
    assert (new[M.START] >= now).all()
