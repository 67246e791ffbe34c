"""Journée Busin'ESS page: the coordinator sets the day up, plans it (progress bar, figures),
sees the grid, moves a meeting by hand (a conflict is refused), downloads the documents; a
counsellor sees their people's timetable only and sets their windows."""

from __future__ import annotations

import pandas as pd

from matcher import fields as F
from matcher.day import model as M
from matcher.day import service as DS
from matcher.fields import Status
from matcher.workflow import review

from .app_world import STRUCTURE_A, STRUCTURE_B, page, texts

# The pairs the app world's people were written to fit (see tests/app_world.py).
PAIRS = [("OFF-1", "A-01", STRUCTURE_A), ("OFF-1", "B-02", STRUCTURE_B),
         ("OFF-2", "A-02", STRUCTURE_A), ("OFF-2", "B-03", STRUCTURE_B),
         ("OFF-3", "A-03", STRUCTURE_A), ("OFF-3", "B-01", STRUCTURE_B)]  # fmt: skip
# Two slots, one table: room for two of the six meetings.
SMALL_DAY = M.DayFrame(date="2027-03-18", start="09:00", end="09:40", slot_minutes=20, breaks=())


def _retain_and_mark(dash, pairs=PAIRS) -> None:
    for offer, ref, structure in pairs:
        review.decide(
            dash.store, dash.coordinator, offer, ref, Status.RETAINED, structure=structure
        )
        dash.store.day_mark(dash.coordinator, offer, ref, structure=structure)


def _setup(dash, day=SMALL_DAY, tables=1) -> None:
    DS.save_setup(dash.store, dash.coordinator,
                  DS.DaySetup(day, DS.make_tables(tables, ["Salle A"])))  # fmt: skip


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_coordinator_plans_the_day_and_sees_figures_grid_and_documents(dash):
    _retain_and_mark(dash)
    at = page("journee.py", dash.coordinator).run()
    assert not at.exception
    assert "6 paire(s) pour la journée" in texts(at)
    assert "Aucun planning pour l'instant" in texts(at)
    # One click makes the tables, then the plan (greedy: quick in a test).
    at.number_input(key="day_gen_n").set_value(3)
    at.text_input(key="day_gen_rooms").input("Salle A, Salle B")
    _button(at, "Remplacer les tables").click().run()
    assert "3 tables créées." in texts(at)
    setup = DS.load_setup(dash.store, dash.coordinator)
    assert setup.tables[M.ROOM].tolist() == ["Salle A", "Salle A", "Salle B"]
    at.selectbox(key="day_solver").set_value("greedy")
    _button(at, "Planifier la journée").click().run()
    assert not at.exception
    assert "Planning enregistré : 6 rencontre(s)." in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rencontres placées"] == "6"
    assert metrics["Personnes avec un rendez-vous"] == "6 / 6"
    assert at.get("vega_lite_chart"), "the grid picture"
    labels = [b.label for b in at.get("download_button")]
    assert "Grilles des salles (PDF)" in labels and "Classeur de la coordination" in labels
    meetings, unplaced, _ = dash.store.day_timetable(dash.coordinator)
    assert len(meetings) == 6 and unplaced.empty


def test_a_hand_move_that_conflicts_is_refused_and_a_free_one_is_saved(dash):
    _retain_and_mark(dash, PAIRS[:2])  # OFF-1 with A-01 and B-02: one firm, two people
    _setup(dash, tables=2)
    DS.plan_day(dash.store, dash.coordinator, solver="greedy")
    meetings, _, _ = dash.store.day_timetable(dash.coordinator)
    assert sorted(meetings[M.SLOT]) == [0, 1]  # the firm has one seat: two slots
    first = meetings.sort_values(M.SLOT).iloc[0]
    second = meetings.sort_values(M.SLOT).iloc[1]
    at = page("journee.py", dash.coordinator).run()
    at.selectbox(key="day_move_req").set_value(second[M.REQUEST])
    at.selectbox(key="day_move_slot").set_value(int(first[M.SLOT]))
    at.selectbox(key="day_move_table").set_value("T02")
    _button(at, "Déplacer").click().run()
    assert not at.exception
    error = at.error[0].value
    assert (
        error.startswith("Déplacement refusé")
        and "entreprise « Propreté Artois » à deux endroits" in error
    )
    after, _, _ = dash.store.day_timetable(dash.coordinator)
    assert after.set_index(M.REQUEST).at[second[M.REQUEST], M.SLOT] == second[M.SLOT]
    # The same meeting to the other table at its own slot: accepted and saved.
    at.selectbox(key="day_move_slot").set_value(int(second[M.SLOT]))
    other = "T01" if second[M.TABLE] == "T02" else "T02"
    at.selectbox(key="day_move_table").set_value(other)
    _button(at, "Déplacer").click().run()
    assert "Rendez-vous déplacé" in texts(at)
    after, _, _ = dash.store.day_timetable(dash.coordinator)
    assert after.set_index(M.REQUEST).at[second[M.REQUEST], M.TABLE] == other


def test_unplaced_meetings_are_listed_with_why(dash):
    _retain_and_mark(dash)
    _setup(dash, tables=1)
    DS.plan_day(dash.store, dash.coordinator, solver="greedy")
    at = page("journee.py", dash.coordinator).run()
    assert "**Non placés (4)**" in texts(at)
    table = at.dataframe[-1].value
    assert len(table) == 4 and table["Pourquoi"].str.len().gt(0).all()


def test_counsellor_sees_their_people_only_and_sets_windows(dash):
    _retain_and_mark(dash)
    _setup(dash, M.DayFrame(start="09:00", end="10:00", slot_minutes=20, breaks=()), tables=3)
    DS.plan_day(dash.store, dash.coordinator, solver="greedy")
    at = page("journee.py", dash.counsellor_a).run()
    assert not at.exception
    assert "Le planning de vos personnes" in texts(at)
    shown = at.dataframe[0].value
    assert sorted(shown["Réf."]) == ["A-01", "A-02", "A-03"]
    assert not any(tab.label == "Préparer" for tab in at.tabs)
    labels = [b.label for b in at.get("download_button")]
    assert labels == [f"Télécharger le planning « {STRUCTURE_A} »"]
    # Windows: A-01 comes at 09:20, accompanied.
    editor = at.get("data_editor")[0]
    assert editor is not None
    dash.store.save_day_people(dash.counsellor_a, pd.DataFrame([{
        F.STRUCTURE: STRUCTURE_A, F.PROFILE_REF: "A-01", M.ARRIVAL: "9h20", M.DEPARTURE: "",
        M.ACCOMPANIED: True}]))  # fmt: skip
    windows = dash.store.day_people(dash.coordinator)
    assert windows.to_dict("records") == [{F.STRUCTURE: STRUCTURE_A, F.PROFILE_REF: "A-01",
                                           M.ARRIVAL: "09:20", M.DEPARTURE: "",
                                           M.ACCOMPANIED: True}]  # fmt: skip
    # The next plan respects it.
    DS.plan_day(dash.store, dash.coordinator, solver="greedy")
    meetings, _, _ = dash.store.day_timetable(dash.counsellor_a)
    a01 = meetings[meetings[M.PROFILE_REF] == "A-01"]
    assert (a01[M.START] >= "09:20").all()
    assert set(meetings[M.STRUCTURE]) == {STRUCTURE_A}


def test_correspondances_marks_retained_pairs_for_the_day(dash):
    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    at = page("correspondances.py", dash.counsellor_a).run()
    at.segmented_control(key="match_view").set_value("offre").run()
    # A counsellor's offers come best match first (issue 14): choose OFF-1.
    at.selectbox(key="selected_offer").select("OFF-1").run()
    key = "day_marks|OFF-1"
    [select] = [m for m in at.multiselect if m.key == key]
    # Only the retained pair may go to the day; none is marked yet.
    assert select.options == [f"A-01 ({STRUCTURE_A})"] and select.value == []
    select.set_value([f"OFF-1|{STRUCTURE_A}|A-01"])
    _button(at, "Enregistrer les inscriptions").click().run()
    assert not at.exception
    assert "Journée Busin'ESS : 1 inscription(s) modifiée(s)." in texts(at)
    assert dash.store.day_marked(dash.coordinator) == {("OFF-1", STRUCTURE_A, "A-01")}
    assert dash.store.day_pairs(dash.coordinator)[F.PROFILE_REF].tolist() == ["A-01"]
