"""À traiter (a counsellor's home): every suggestion to review over all their people, best
first; filters; several rows decided at once with the same conflict rule as one by one;
« Sans suggestion » with why. The coordinator sees the same over all structures."""

import zlib

from matcher import fields as F
from matcher.fields import RejectReason, Status
from matcher.ranking import explain as X
from matcher.workflow import queue, review

from .app_world import STRUCTURE_A, STRUCTURE_B, page, texts


def _table(at):
    return at.dataframe[0].value


def _select(at, rows: list[int]):
    n = at.session_state["queue_table_n"] if "queue_table_n" in at.session_state else 0  # noqa: SIM401 (AppTest state has no get)
    key = f"queue_table{n}_{zlib.crc32(at.session_state['queue_signature'].encode())}"
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def test_the_queue_lists_the_counsellors_people_best_first(dash):
    at = page("a_traiter.py", dash.counsellor_a).run()
    assert not at.exception
    assert at.title[0].value == "À traiter"
    table = _table(at)
    expected = dash.store.suggestions(dash.counsellor_a, status=[Status.SUGGESTED])
    expected = expected.sort_values(F.SCORE, ascending=False, kind="stable")
    assert len(table) == len(expected) > 0
    assert table["Score"].tolist() == [X.score_points(s) for s in expected[F.SCORE]]
    assert table["Score"].is_monotonic_decreasing
    assert set(table["Personne"]) <= {"A-01", "A-02", "A-03"}  # never structure B's people
    assert "Structure" not in table.columns
    assert STRUCTURE_B not in texts(at)


def test_filters_keep_what_they_say(dash):
    at = page("a_traiter.py", dash.coordinator).run()
    table = _table(at)
    assert {"A-01", "B-01"} <= set(table["Personne"])  # the coordinator: every structure
    at.multiselect(key="queue_filter_offer").select("OFF-1").run()
    kept = _table(at)
    rows = queue.todo(dash.store, dash.coordinator)
    assert len(kept) == int((rows[F.OFFER_REF] == "OFF-1").sum()) > 0
    assert set(kept["Poste"]) == {"Agent(e) de propreté H/F"}
    at.slider(key="queue_filter_min").set_value(100).run()
    assert "Aucune suggestion ne correspond à ces filtres" in texts(at)
    at.slider(key="queue_filter_min").set_value(0).run()
    at.multiselect(key="queue_filter_offer").set_value([]).run()
    at.selectbox(key="queue_filter_qpv").select("in").run()
    # Only OFF-1 is in a QPV (Mont-Liébaut).
    assert set(_table(at)["Poste"]) == {"Agent(e) de propreté H/F"}


def test_several_rows_decided_at_once(dash):
    at = page("a_traiter.py", dash.counsellor_a).run()
    table = _table(at)
    n = len(table)
    at = _select(at, [0, 1])
    chosen = table.iloc[[0, 1]]
    assert "2 ligne(s) choisie(s)" in texts(at)
    next(b for b in at.button if b.key == "bulk_retain").click().run()
    assert not at.exception
    assert "2 décision(s) « Retenu par le conseiller » enregistrée(s)" in at.success[0].value
    for person in chosen["Personne"]:
        stored = dash.store.suggestions(dash.counsellor_a, profile_ref=person)
        assert Status.RETAINED in stored[F.STATUS].tolist()
    assert len(_table(at)) == n - 2  # they left the queue
    decisions = dash.store.decisions(dash.coordinator)
    assert decisions[F.SOURCE].tolist() == [review.SOURCE_DASHBOARD] * 2


def test_bulk_refusal_with_reason_and_the_conflict_rule(dash):
    at = page("a_traiter.py", dash.counsellor_a).run()
    table = _table(at)
    at = _select(at, [0, 1])
    first = queue.todo(dash.store, dash.counsellor_a).iloc[0]
    # Someone decides the first row meanwhile: the bulk decision refuses that row only.
    review.decide(dash.store, dash.coordinator, first[F.OFFER_REF], first[F.PROFILE_REF],
                  Status.RETAINED, structure=STRUCTURE_A)  # fmt: skip
    next(b for b in at.button if b.key == f"bulk_reason|{RejectReason.MOBILITY.value}").click()
    at.run()
    assert not at.exception
    message = at.warning[0].value
    assert "1 décision(s) « Non retenu » (mobilité) enregistrée(s)" in message
    assert "1 refusée(s)" in message and first[F.PROFILE_REF] in message
    second = table.iloc[1]
    stored = dash.store.suggestions(dash.counsellor_a, profile_ref=second["Personne"])
    assert Status.REJECTED in stored[F.STATUS].tolist()
    kept = dash.store.suggestions(dash.counsellor_a, offer_ref=first[F.OFFER_REF],
                                  profile_ref=first[F.PROFILE_REF])  # fmt: skip
    assert kept[F.STATUS].tolist() == [Status.RETAINED]  # the newer decision is kept


def test_one_row_chosen_opens_its_card_with_the_score_explained(dash):
    at = page("a_traiter.py", dash.counsellor_a).run()
    at = _select(at, [0])
    row = queue.todo(dash.store, dash.counsellor_a).iloc[0]
    bars = at.get("progress")
    assert bars[0].text == f"Score {X.score_points(row[F.SCORE])}\u202f/\u202f100"
    assert "Métier " in texts(at) and "Conditions" in texts(at)


def test_people_without_suggestion_and_why(dash):
    # A person whose job is not recognised, and one who lives far from every offer.
    from matcher.workflow import service

    extra = ("Identifiant;Métier visé;Compétences;Commune;Code postal;Mobilité (km)\n"
             "A-04;xyzzy plugh;;Béthune;62400;15\n"
             "A-05;cariste;CACES R489 cat 3;Bruay-la-Buissière;62700;1\n")  # fmt: skip
    service.import_into_store(dash.store, extra.encode(), "plus.csv", "profiles",
                              structure=STRUCTURE_A)  # fmt: skip
    at = page("a_traiter.py", dash.counsellor_a).run()
    at.segmented_control(key="queue_view").set_value("none").run()
    assert not at.exception
    shown = texts(at) + "\n".join(str(t.value) for t in at.table)
    table = at.table[0].value
    why = dict(zip(table["Personne"], table["Raison"], strict=True))
    assert why["A-04"] == "Métier visé non reconnu"
    assert why["A-05"] == "Trop loin"
    assert "A-01" not in why
    assert "personne(s) sans suggestion" in shown


def _far_person(dash) -> None:
    """A-05, a cariste who can travel 1 km only: every offer is out of reach."""
    from matcher.workflow import service

    far = ("Identifiant;Métier visé;Compétences;Commune;Code postal;Mobilité (km)\n"
           "A-05;cariste;CACES R489 cat 3, charger et décharger les camions;"
           "Bruay-la-Buissière;62700;1\n")  # fmt: skip
    service.import_into_store(dash.store, far.encode(), "loin.csv", "profiles",
                              structure=STRUCTURE_A)  # fmt: skip
    service.run_matching(dash.store)


def test_people_who_cannot_reach_the_job_come_last_and_say_so(dash):
    """Issue 13's « hors rayon / à discuter » part: shown in « À vérifier » and on the card,
    after every reachable suggestion."""
    _far_person(dash)
    rows = queue.todo(dash.store, dash.counsellor_a)
    mine = rows[rows[F.PROFILE_REF] == "A-05"]
    assert not mine.empty and mine[F.TO_DISCUSS].all()
    assert rows[F.TO_DISCUSS].is_monotonic_increasing  # the reachable ones first
    at = page("a_traiter.py", dash.counsellor_a).run()
    table = _table(at)
    flagged = table[table["Personne"] == "A-05"]["À vérifier"].tolist()
    assert flagged and all(v.startswith("Hors rayon / à discuter") for v in flagged)
    at = _select(at, [int(table.index[table["Personne"] == "A-05"][0])])
    assert ":orange-badge[:material/directions_car: Hors rayon / à discuter]" in texts(at)


def test_the_reach_filter_keeps_one_part(dash):
    """The counsellor can look at the « hors rayon / à discuter » part alone, or without it."""
    _far_person(dash)
    rows = queue.todo(dash.store, dash.counsellor_a)
    n_discuss = int(rows[F.TO_DISCUSS].sum())
    assert 0 < n_discuss < len(rows)
    at = page("a_traiter.py", dash.counsellor_a).run()
    assert len(_table(at)) == len(rows)
    at.selectbox(key="queue_filter_reach").select("discuss").run()
    assert not at.exception
    part = _table(at)
    assert len(part) == n_discuss
    assert all(v.startswith("Hors rayon / à discuter") for v in part["À vérifier"])
    assert set(part["Personne"]) == set(rows.loc[rows[F.TO_DISCUSS], F.PROFILE_REF])
    at.selectbox(key="queue_filter_reach").select("in").run()
    rest = _table(at)
    assert len(rest) == len(rows) - n_discuss
    assert not any(str(v).startswith("Hors rayon") for v in rest["À vérifier"])
