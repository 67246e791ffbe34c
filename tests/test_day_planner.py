"""The Busin'ESS day planner on small days built by hand: the rules of the timetable, the
reasons given for what is left out, the priorities, re-planning and hand moves."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from matcher.day import model as M
from matcher.day import planner as P
from matcher.errors import UserError
from matcher.settings import DaySettings

# 09:00-10:40: five slots of 20 minutes, no break.
DAY = M.DayFrame(date="2027-03-18", start="09:00", end="10:40", slot_minutes=20, breaks=())
FAST = DaySettings(time_limit_s=5)


def tables(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[M.TABLE, M.ROOM, M.FIRM])


def people(*rows: dict) -> pd.DataFrame:
    out = []
    for r in rows:
        rec = {M.STRUCTURE: "EI Artois", M.COUNSELLOR: "", M.ARRIVAL: "", M.DEPARTURE: "",
               M.ACCOMPANIED: False, **r}  # fmt: skip
        rec[M.PERSON] = M.person_key(rec[M.STRUCTURE], rec[M.PROFILE_REF])
        out.append(rec)
    return pd.DataFrame(out)


def requests(*pairs: tuple[str, str], scores: dict | None = None) -> pd.DataFrame:
    """(firm, person ref) or (firm, "firm:Other") pairs."""
    rows = []
    for firm, other in pairs:
        if other.startswith("firm:"):
            rows.append({M.FIRM: firm, M.OTHER_FIRM: other[5:]})
        else:
            rows.append({M.FIRM: firm, M.PERSON: M.person_key("EI Artois", other),
                         M.SCORE: (scores or {}).get((firm, other), 0.5)})  # fmt: skip
    return pd.DataFrame(rows)


def firms(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{M.QPV: False, M.ARRIVAL: "", M.DEPARTURE: "", **r} for r in rows])


def by_request(result: P.PlanResult) -> pd.DataFrame:
    return result.meetings.set_index(M.REQUEST)


@pytest.mark.parametrize("solver", P.SOLVERS)
def test_everyone_placed_when_room_allows(solver):
    problem = M.make_problem(
        DAY,
        tables(("T1", "Salle A", "Propreté Artois"), ("T2", "Salle A", ""), ("T3", "Salle B", "")),
        requests(("Propreté Artois", "P1"), ("Propreté Artois", "P2"), ("Logistique Lys", "P1"),
                 ("Jardins", "P3"), ("Logistique Lys", "firm:Jardins")),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}, {M.PROFILE_REF: "P3"}),
    )  # fmt: skip
    result = P.plan(problem, FAST, solver=solver)
    assert len(result.meetings) == 5 and result.unplaced.empty
    assert P.check(problem, result.meetings) == []
    placed = by_request(result)
    # The firm with a table of its own receives at it; the others at shared tables.
    own = placed[placed[M.FIRM] == "Propreté Artois"]
    assert set(own[M.TABLE]) == {"T1"}
    assert set(placed.loc[placed[M.FIRM] != "Propreté Artois", M.TABLE]) <= {"T2", "T3"}
    assert result.stats["personnes_avec_rencontre"] == 3


def test_check_finds_every_broken_rule():
    problem = M.make_problem(
        DAY,
        tables(("T1", "Salle A", "Propreté Artois"), ("T2", "Salle A", ""), ("T3", "Salle B", "")),
        requests(("Propreté Artois", "P1"), ("Logistique Lys", "P1"), ("Jardins", "P2"),
                 ("Logistique Lys", "P2")),
        firms=firms({M.FIRM: "Jardins", M.ARRIVAL: "10:00"}),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}),
    )  # fmt: skip
    bad = P.meetings_frame(problem, [
        {M.REQUEST: "R0001", M.SLOT: 0, M.TABLE: "T1", M.ROOM: "Salle A"},
        {M.REQUEST: "R0002", M.SLOT: 0, M.TABLE: "T2", M.ROOM: "Salle A"},  # P1 twice at 9:00
        {M.REQUEST: "R0003", M.SLOT: 1, M.TABLE: "T2", M.ROOM: "Salle A"},  # Jardins not yet there
        {M.REQUEST: "R0004", M.SLOT: 2, M.TABLE: "T3", M.ROOM: "Salle B"},  # P2 runs A -> B
    ])  # fmt: skip
    problems = P.check(problem, bad)
    assert any("personne P1 (EI Artois) à deux endroits à 09:00–09:20" in p for p in problems)
    assert any("R0003 à 09:20–09:40 : hors des heures de présence de entreprise « Jardins »" in p
               for p in problems)  # fmt: skip
    assert any("personne P2 (EI Artois) change de salle (Salle A puis Salle B)" in p
               for p in problems)  # fmt: skip
    wrong_table = P.meetings_frame(problem, [
        {M.REQUEST: "R0002", M.SLOT: 3, M.TABLE: "T1", M.ROOM: "Salle A"},
    ])  # fmt: skip
    assert P.check(problem, wrong_table) == [
        "rendez-vous R0002 : table T1 réservée à « Propreté Artois »"
    ]


@pytest.mark.parametrize("solver", P.SOLVERS)
def test_windows_and_reasons(solver):
    problem = M.make_problem(
        DAY,
        tables(("T1", "Salle A", "Propreté Artois"), ("T2", "Salle A", "")),
        requests(("Propreté Artois", "P1"), ("Propreté Artois", "P2"), ("Propreté Artois", "P3"),
                 ("Logistique Lys", "P4"), ("Logistique Lys", "P5")),
        firms=firms({M.FIRM: "Propreté Artois", M.ARRIVAL: "09:40", M.DEPARTURE: "10:20"},
                    {M.FIRM: "Logistique Lys", M.DEPARTURE: "09:40"}),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}, {M.PROFILE_REF: "P3"},
                      {M.PROFILE_REF: "P4", M.ARRIVAL: "10:00"},
                      {M.PROFILE_REF: "P5", M.DEPARTURE: "09:00"}),
    )  # fmt: skip
    result = P.plan(problem, FAST, solver=solver)
    assert P.check(problem, result.meetings) == []
    # Propreté Artois is there for 2 slots (09:40-10:20) with one table: two of three placed.
    own = result.meetings[result.meetings[M.FIRM] == "Propreté Artois"]
    assert sorted(own[M.START]) == ["09:40", "10:00"]
    why = result.unplaced.set_index(M.REQUEST)[M.REASON]
    full = [r for r in ("R0001", "R0002", "R0003") if r in why.index]
    assert (
        len(full) == 1
        and why[full[0]] == "sur chacun des 2 créneaux communs, l'entreprise est complète"
    )
    assert why["R0004"] == "aucun créneau commun : les heures de présence ne se recouvrent pas"
    assert why["R0005"].startswith("personne absente")


@pytest.mark.parametrize("solver", P.SOLVERS)
def test_accompanying_counsellor_and_room_changes(solver):
    # Two people of one counsellor, each meeting the same two firms in two rooms.
    problem = M.make_problem(
        M.DayFrame(start="09:00", end="10:20", slot_minutes=20, breaks=()),
        tables(("T1", "Salle A", "Propreté Artois"), ("T2", "Salle B", "Logistique Lys")),
        requests(("Propreté Artois", "P1"), ("Logistique Lys", "P1"), ("Propreté Artois", "P2"),
                 ("Logistique Lys", "P2")),
        people=people({M.PROFILE_REF: "P1", M.COUNSELLOR: "Mme Leroy", M.ACCOMPANIED: True},
                      {M.PROFILE_REF: "P2", M.COUNSELLOR: "Mme Leroy", M.ACCOMPANIED: True}),
    )  # fmt: skip
    result = P.plan(problem, FAST, solver=solver)
    assert P.check(problem, result.meetings) == []
    # The counsellor is at one table at a time, and walks between rooms with a free slot:
    # four slots hold at most three meetings (A, A, walk, B).
    slots = result.meetings[M.SLOT].tolist()
    assert len(slots) == len(set(slots))
    assert len(result.meetings) == 3 or (solver == "greedy" and len(result.meetings) == 2)
    assert result.stats["personnes_avec_rencontre"] == 2
    rooms = result.meetings.sort_values(M.SLOT)[[M.SLOT, M.ROOM]].values.tolist()
    for (s1, r1), (s2, r2) in itertools.pairwise(rooms):
        assert r1 == r2 or s2 - s1 >= 2


@pytest.mark.parametrize("solver", ["cpsat", "milp"])
def test_priorities_first_meeting_then_qpv_then_score(solver):
    # One shared table, one slot: only one meeting can be held.
    day = M.DayFrame(start="09:00", end="09:20", slot_minutes=20, breaks=())
    t = tables(("T1", "Salle A", ""))
    # Firm in a priority neighbourhood beats a better score elsewhere.
    problem = M.make_problem(
        day, t, requests(("Propreté Artois", "P1"), ("Logistique Lys", "P2"),
                         scores={("Propreté Artois", "P1"): 0.2, ("Logistique Lys", "P2"): 0.9}),
        firms=firms({M.FIRM: "Propreté Artois", M.QPV: True}, {M.FIRM: "Logistique Lys"}),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}),
    )  # fmt: skip
    assert P.plan(problem, FAST, solver=solver).meetings[M.PERSON].tolist() == ["EI Artois|P1"]
    # Without priority neighbourhoods, the better score wins.
    problem = M.make_problem(
        day, t, requests(("Propreté Artois", "P1"), ("Logistique Lys", "P2"),
                         scores={("Propreté Artois", "P1"): 0.2, ("Logistique Lys", "P2"): 0.9}),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}),
    )  # fmt: skip
    assert P.plan(problem, FAST, solver=solver).meetings[M.PERSON].tolist() == ["EI Artois|P2"]
    # Two slots: P1 asked for two firms, P2 for one of them at a higher score; everyone gets a
    # meeting before anyone gets a second.
    day2 = M.DayFrame(start="09:00", end="09:40", slot_minutes=20, breaks=())
    problem = M.make_problem(
        day2, tables(("T1", "Salle A", "Propreté Artois"), ("T2", "Salle A", "Logistique Lys")),
        requests(("Propreté Artois", "P1"), ("Logistique Lys", "P1"), ("Propreté Artois", "P2")),
        firms=firms({M.FIRM: "Propreté Artois", M.DEPARTURE: "09:20"}),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}),
    )  # fmt: skip
    placed = P.plan(problem, FAST, solver=solver).meetings
    assert set(placed[M.PERSON]) == {"EI Artois|P1", "EI Artois|P2"}


def test_solvers_agree_on_the_optimum_and_greedy_is_not_better():
    from matcher.day.synthetic import synthetic_problem

    problem = synthetic_problem(12, 6, 30, 80, n_rooms=2, seed=7)
    results = {s: P.plan(problem, DaySettings(time_limit_s=20), solver=s) for s in P.SOLVERS}
    for r in results.values():
        assert P.check(problem, r.meetings) == []
    assert results["cpsat"].stats["statut"] == "optimal"
    assert results["milp"].stats["statut"] == "optimal"
    assert results["cpsat"].stats["valeur"] == results["milp"].stats["valeur"]
    assert results["greedy"].stats["valeur"] <= results["cpsat"].stats["valeur"]
    assert results["cpsat"].stats["rencontres"] <= results["cpsat"].stats["borne"]


def test_replan_keeps_held_meetings_and_moves_few():
    from matcher.day.synthetic import synthetic_problem

    problem = synthetic_problem(12, 6, 30, 80, n_rooms=2, seed=3)
    first = P.plan(problem, FAST, solver="cpsat")
    # At 10:00 a firm with meetings later on leaves, and a new meeting is asked for.
    now = "10:00"
    later = first.meetings[first.meetings[M.START] >= now]
    firm = later[M.FIRM].value_counts().index[0]
    changed = P.mark_absent(problem, firm=firm, since=now)
    new = pd.DataFrame(
        [{M.REQUEST: "NEW1", M.FIRM: "Entreprise 001", M.OTHER_FIRM: "Entreprise 002"}]
    )
    changed = M.make_problem(changed.day, changed.tables,
                             pd.concat([changed.requests, new], ignore_index=True),
                             changed.firms, changed.people)  # fmt: skip
    again = P.replan(changed, first.meetings, now, FAST, solver="cpsat")
    assert P.check(changed, again.meetings) == []
    held = first.meetings[first.meetings[M.START] < now]
    kept = again.meetings.set_index(M.REQUEST)
    for m in held.to_dict("records"):
        assert kept.at[m[M.REQUEST], M.SLOT] == m[M.SLOT]
        assert kept.at[m[M.REQUEST], M.TABLE] == m[M.TABLE]
        assert kept.at[m[M.REQUEST], M.HELD]
    assert again.stats["tenues"] == len(held)
    gone = again.meetings[(again.meetings[M.FIRM] == firm) & (again.meetings[M.START] >= now)]
    assert gone.empty
    why = again.unplaced.set_index(M.REQUEST)[M.REASON]
    for rid in later[later[M.FIRM] == firm][M.REQUEST]:
        assert why[rid] == "entreprise absente ou partie pour le reste de la journée"
    # Nothing starts before "now" that was not held; few meetings move.
    fresh = again.meetings[~again.meetings[M.HELD]]
    assert (fresh[M.START] >= now).all()
    assert again.stats["deplacees"] <= max(2, len(later) // 4)


def test_move_by_hand_refuses_conflicts():
    problem = M.make_problem(
        DAY,
        tables(("T1", "Salle A", ""), ("T2", "Salle A", ""), ("T3", "Salle B", "")),
        requests(("Propreté Artois", "P1"), ("Logistique Lys", "P2"), ("Jardins", "P1")),
        people=people({M.PROFILE_REF: "P1"}, {M.PROFILE_REF: "P2"}),
    )  # fmt: skip
    meetings = P.meetings_frame(problem, [
        {M.REQUEST: "R0001", M.SLOT: 0, M.TABLE: "T1", M.ROOM: "Salle A"},
        {M.REQUEST: "R0002", M.SLOT: 0, M.TABLE: "T2", M.ROOM: "Salle A"},
        {M.REQUEST: "R0003", M.SLOT: 2, M.TABLE: "T1", M.ROOM: "Salle A"},
    ])  # fmt: skip
    with pytest.raises(UserError, match="table T1 à deux endroits à 09:00–09:20"):
        P.move_meeting(problem, meetings, "R0002", 0, "T1")
    with pytest.raises(UserError, match=r"personne P1 .* à deux endroits"):
        P.move_meeting(problem, meetings, "R0003", 0, "T3")
    with pytest.raises(UserError, match="change de salle"):
        P.move_meeting(problem, meetings, "R0003", 1, "T3")
    moved = P.move_meeting(problem, meetings, "R0003", 3, "T3")
    assert P.check(problem, moved) == []
    row = moved.set_index(M.REQUEST).loc["R0003"]
    assert (row[M.SLOT], row[M.TABLE], row[M.ROOM], row[M.START]) == (3, "T3", "Salle B", "10:00")


def test_bad_inputs_are_refused_in_french():
    t = tables(("T1", "Salle A", ""))
    with pytest.raises(UserError, match="heure « 25:00 » illisible"):
        M.make_problem(DAY, t, requests(("A", "P1")),
                       people=people({M.PROFILE_REF: "P1", M.ARRIVAL: "25:00"}))  # fmt: skip
    with pytest.raises(UserError, match="table « T1 » apparaît deux fois"):
        M.make_problem(DAY, tables(("T1", "Salle A", ""), ("T1", "Salle B", "")),
                       requests(("A", "P1")), people=people({M.PROFILE_REF: "P1"}))  # fmt: skip
    with pytest.raises(UserError, match="salle non précisée"):
        M.make_problem(DAY, tables(("T1", "", "")), requests(("A", "P1")))
    with pytest.raises(UserError, match="aucun créneau possible"):
        M.DayFrame(start="09:00", end="10:00", breaks=(("08:00", "11:00"),)).slots()
    with pytest.raises(UserError, match="une entreprise ne se rencontre pas elle-même"):
        M.make_problem(DAY, t, requests(("A", "firm:A")))


def test_day_frame_slots_skip_breaks():
    slots = M.DayFrame().slots()
    assert len(slots) == 16
    assert slots[8].label == "11:40–12:00" and slots[9].label == "14:00–14:20"
