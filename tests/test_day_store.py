"""The Busin'ESS day with the store: who may mark, set up and plan; the problem built from the
marked pairs; the timetable filtered by structure; the CLI; the documents (safe cells, French,
one sheet or page per firm, structure, room)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from matcher import cli
from matcher import fields as F
from matcher.day import documents as D
from matcher.day import model as M
from matcher.day import service as DS
from matcher.errors import AccessDenied, UserError
from matcher.fields import Status
from matcher.store.migrations import MIGRATIONS
from matcher.workflow import review

from .app_world import STRUCTURE_A, STRUCTURE_B


@pytest.fixture(params=["sqlite", "postgresql"])
def dash(dash, request, monkeypatch):
    """The dashboard's world (tests/app_world.py) as its SQLite file, then copied into a fresh
    PostgreSQL database with ``db copy``: the day's store on both backends."""
    if request.param == "sqlite":
        return dash
    from matcher.store.copy import copy_database

    from .app_world import World

    url = request.getfixturevalue("pg_url")
    copy_database(str(dash.db), url)
    monkeypatch.setenv("MATCHER_DB", url)
    return World(url, dash.coordinator, dash.counsellor_a, dash.counsellor_b)  # type: ignore[arg-type]


PAIRS = [("OFF-1", "A-01", STRUCTURE_A), ("OFF-1", "B-02", STRUCTURE_B),
         ("OFF-2", "A-02", STRUCTURE_A), ("OFF-3", "B-01", STRUCTURE_B)]  # fmt: skip


def _retain_and_mark(dash, pairs=PAIRS) -> None:
    for offer, ref, structure in pairs:
        review.decide(
            dash.store, dash.coordinator, offer, ref, Status.RETAINED, structure=structure
        )
        dash.store.day_mark(dash.coordinator, offer, ref, structure=structure)


def _setup(dash, tables=3, b2b=None) -> DS.DaySetup:
    setup = DS.DaySetup(M.DayFrame(date="2027-03-18", start="09:00", end="10:00", breaks=()),
                        DS.make_tables(tables, ["Salle A", "Salle B"]))  # fmt: skip
    if b2b is not None:
        setup.b2b = pd.DataFrame(b2b, columns=list(DS.B2B_COLUMNS))
    DS.save_setup(dash.store, dash.coordinator, setup)
    return setup


def test_marks_follow_rights_and_statuses(dash):
    store = dash.store
    assert store.schema_version() == len(MIGRATIONS)
    with pytest.raises(UserError, match="seule une personne retenue"):
        store.day_mark(dash.counsellor_a, "OFF-1", "A-01")
    review.decide(store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    assert store.day_mark(dash.counsellor_a, "OFF-1", "A-01") is True
    assert store.day_mark(dash.counsellor_a, "OFF-1", "A-01") is False  # already marked
    with pytest.raises(AccessDenied):
        store.day_mark(dash.counsellor_b, "OFF-1", "A-01", structure=STRUCTURE_A)
    with pytest.raises(UserError, match="inconnu"):
        store.day_mark(dash.counsellor_b, "OFF-1", "A-01")
    assert store.day_pairs(dash.counsellor_b).empty
    assert store.day_pairs(dash.counsellor_a)[F.PROFILE_REF].tolist() == ["A-01"]
    # A pair no longer retained leaves the day (the mark stays, the status decides).
    review.decide(store, dash.counsellor_a, "OFF-1", "A-01", Status.REJECTED,
                  reason=F.RejectReason.OTHER)  # fmt: skip
    assert store.day_pairs(dash.coordinator).empty
    audit = store.audit(dash.coordinator, action="day_mark")
    assert audit["actor"].tolist() == ["cons-a"]


def test_only_the_coordinator_sets_up_and_plans(dash):
    _retain_and_mark(dash)
    with pytest.raises(AccessDenied, match="réservée au coordinateur"):
        DS.save_setup(dash.store, dash.counsellor_a, DS.DaySetup(tables=DS.make_tables(2, ["A"])))
    with pytest.raises(UserError, match="aucune table"):
        DS.plan_day(dash.store, dash.coordinator, solver="greedy")
    _setup(dash)
    with pytest.raises(AccessDenied, match="réservée au coordinateur"):
        DS.plan_day(dash.store, dash.counsellor_a, solver="greedy")


def test_problem_from_the_store_and_timetable_by_structure(dash):
    _retain_and_mark(dash)
    review.decide(dash.store, dash.coordinator, "OFF-2", "B-03", Status.RETAINED,
                  structure=STRUCTURE_B)  # fmt: skip
    dash.store.day_mark(dash.coordinator, "OFF-2", "B-03", structure=STRUCTURE_B)
    _setup(dash, b2b=[("Propreté Artois", "Logistique Lys")])
    problem = DS.build_problem(dash.store, dash.coordinator)
    req = problem.requests.set_index(M.REQUEST)
    assert len(req) == 6  # 5 pairs + 1 business meeting
    assert req.index.tolist() == [DS.request_id(f, p or o) for f, p, o in
                                  zip(req[M.FIRM], req[M.PERSON], req[M.OTHER_FIRM], strict=True)]  # fmt: skip
    firms = problem.firms.set_index(M.FIRM)
    # Propreté Artois's offer is in a priority neighbourhood (Mont-Liébaut), Logistique Lys's not.
    assert firms.at["Propreté Artois", M.QPV] and not firms.at["Logistique Lys", M.QPV]
    result = DS.plan_day(dash.store, dash.coordinator, solver="cpsat")
    assert len(result.meetings) == 6
    mine, _, info = dash.store.day_timetable(dash.counsellor_a)
    assert set(mine[M.STRUCTURE]) == {STRUCTURE_A} and len(mine) == 2
    assert info["stats"] == {}  # the day's figures are the coordinator's
    everything, _, info = dash.store.day_timetable(dash.coordinator)
    assert len(everything) == 6 and info["stats"]["rencontres"] == 6
    assert (everything[M.KIND] == M.KIND_FIRMS).sum() == 1


def test_replan_with_an_absent_firm_keeps_what_was_held(dash):
    _retain_and_mark(dash)
    _setup(dash, tables=1)  # one table, 3 slots: three of the four meetings
    first = DS.plan_day(dash.store, dash.coordinator, solver="cpsat")
    assert len(first.meetings) == 3
    held = first.meetings[first.meetings[M.START] < "09:20"]
    gone = first.meetings[first.meetings[M.START] >= "09:20"][M.FIRM].iloc[0]
    again = DS.replan_day(dash.store, dash.coordinator, "09:20", absent_firms=[gone],
                          solver="cpsat")  # fmt: skip
    kept = again.meetings.set_index(M.REQUEST)
    for m in held.to_dict("records"):
        assert kept.at[m[M.REQUEST], M.HELD] and kept.at[m[M.REQUEST], M.SLOT] == m[M.SLOT]
    later = again.meetings[again.meetings[M.START] >= "09:20"]
    assert gone not in set(later[M.FIRM])
    setup = DS.load_setup(dash.store, dash.coordinator)
    assert setup.firms.set_index(M.FIRM).at[gone, M.DEPARTURE] == "09:20"


def test_cli_day_commands(dash, tmp_path, capsys):
    db = ["--db", str(dash.db)]
    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    assert cli.main(["day", "mark", "OFF-1", "A-01", "--as", "cons-a", *db]) == 0
    assert cli.main(["day", "mark", "OFF-1", "B-02", "--as", "cons-a", *db]) == 2
    assert "inconnu" in capsys.readouterr().err
    setup = tmp_path / "journee.json"
    setup.write_text(json.dumps({
        "day": {"date": "2027-03-18", "start": "09:00", "end": "10:00", "breaks": []},
        "tables": [{"table": "A1", "room": "Salle A"}, {"table": "B1", "room": "Salle B"}],
        "b2b": [{"firm": "Propreté Artois", "other_firm": "Logistique Lys"}],
    }), encoding="utf-8")  # fmt: skip
    assert cli.main(["day", "setup", "--file", str(setup), *db]) == 0
    assert "3 créneaux, 2 tables, 1 rencontre(s)" in capsys.readouterr().out
    assert cli.main(["day", "window", f"{STRUCTURE_A}|A-01", "--arrival", "09:20", *db]) == 0
    assert cli.main(["day", "plan", "--solver", "greedy", *db]) == 0
    out = capsys.readouterr().out
    assert "2 rencontre(s) placée(s) sur 2 demandée(s)" in out
    assert cli.main(["day", "show", "--format", "jsonl", "--as", "cons-a", *db]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["profile_ref"], r["start"] >= "09:20") for r in rows] == [("A-01", True)]
    pdf = tmp_path / "salles.pdf"
    assert cli.main(["day", "export", "--kind", "room", "--out", str(pdf), *db]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert cli.main(["day", "export", "--kind", "firm", "--out", str(pdf), *db]) == 2
    assert "--kind room" in capsys.readouterr().err
    xlsx = tmp_path / "coord.xlsx"
    assert cli.main(["day", "export", "--kind", "coordinator", "--out", str(xlsx), "--as",
                     "cons-a", *db]) == 2  # fmt: skip
    assert cli.main(["day", "export", "--kind", "coordinator", "--out", str(xlsx), *db]) == 0
    assert load_workbook(xlsx).sheetnames == ["Lisez-moi", "Grille", "Rendez-vous", "Non placés"]
    req = DS.request_id("Propreté Artois", "Logistique Lys")
    assert cli.main(["day", "move", req, "--at", "09:05", "--table", "A1", *db]) == 2
    assert "aucun créneau ne commence à 09:05" in capsys.readouterr().err


def _cells(data: bytes) -> dict[str, list]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [c for row in ws.iter_rows() for c in row] for ws in wb.worksheets}


def test_documents_are_safe_french_and_split_by_audience():
    day = M.DayFrame(date="2027-03-18", start="09:00", end="10:00", breaks=())
    tables = pd.DataFrame({M.TABLE: ["A1", "B1"], M.ROOM: ["Salle A", "Salle B"], M.FIRM: ""})
    evil = '=HYPERLINK("http://x","clic")'
    requests = pd.DataFrame([{M.FIRM: evil, M.PERSON: "EI|P1"}, {M.FIRM: "Lys", M.PERSON: "EI|P2"},
                             {M.FIRM: "Lys", M.OTHER_FIRM: evil}])  # fmt: skip
    people = pd.DataFrame([{M.PROFILE_REF: "P1", M.STRUCTURE: "EI", M.COUNSELLOR: "@Mme Roux"},
                           {M.PROFILE_REF: "P2", M.STRUCTURE: "EI", M.COUNSELLOR: ""}])  # fmt: skip
    from matcher.day import planner as P

    problem = M.make_problem(day, tables, requests, people=people)
    result = P.plan(problem, solver="cpsat")
    assert len(result.meetings) == 3
    firms = _cells(D.firms_workbook(day, result.meetings))
    assert len(firms) == 3  # Lisez-moi + 2 firms
    formula_like = [c for cells in firms.values() for c in cells
                    if isinstance(c.value, str) and c.value.startswith(("=", "@"))]  # fmt: skip
    assert formula_like and all(c.data_type == "s" and c.quotePrefix for c in formula_like)
    structures = _cells(D.structures_workbook(day, result.meetings))
    header = [c.value for c in structures["EI"] if c.row == 2]
    assert header[:2] == ["Réf. candidat", "Nom (à compléter par la structure)"]
    assert [c.value for c in structures["EI"] if c.row > 2 and c.column == 2] == [None, None]
    rooms = load_workbook(io.BytesIO(D.rooms_workbook(day, tables, result.meetings)))
    assert rooms.sheetnames == ["Lisez-moi", "Salle A", "Salle B"]
    grid = rooms["Salle A"]
    assert [grid.cell(2, j).value for j in range(1, 5)] == ["Table", "09:00–09:20", "09:20–09:40",
                                                            "09:40–10:00"]  # fmt: skip
    assert grid.page_setup.orientation == "landscape" and grid.print_title_rows == "$2:$2"
    pdf = D.rooms_pdf(day, tables, result.meetings)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
