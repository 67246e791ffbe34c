"""Listes page: the shortlists a user may download (what each holds), and a filled-in list
sent back through the file uploader, applied with a report line by line."""

import io

from openpyxl import load_workbook

from matcher import fields as F
from matcher.fields import Status
from matcher.workflow import review

from .app_world import STRUCTURE_A, STRUCTURE_B, page, texts


def _downloads(at) -> list[str]:
    return [b.label for b in at.get("download_button")]


def _workbook_rows(data: bytes) -> list[list[str]]:
    wb = load_workbook(io.BytesIO(data))
    return [[("" if v is None else str(v)) for v in row]
            for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]  # fmt: skip


def test_coordinator_lists(dash):
    review.decide(dash.store, dash.coordinator, "OFF-1", "A-01", Status.RETAINED)
    at = page("listes.py", dash.coordinator).run()
    assert not at.exception
    labels = _downloads(at)
    # The first structure in alphabetical order is chosen by default.
    assert f"Télécharger la liste « {STRUCTURE_B} »" in labels
    # The coordinator's workbook (slow) is built on request, with progress, then offered.
    next(b for b in at.button if b.key == "make_all").click().run()
    assert not at.exception
    assert "Télécharger le classeur complet" in _downloads(at)
    # Firms with retained people first, with their count.
    assert at.selectbox(key="list_employer").options[0] == "Propreté Artois – 1 retenu(s)"
    assert "1 entreprise(s) sur 3 ont des candidats retenus" in texts(at)
    # The firm's list holds the candidates retained for its offers by default.
    at.selectbox(key="list_employer").select("Propreté Artois").run()
    assert "Télécharger la liste « Propreté Artois »" in _downloads(at)
    assert "1 ligne(s), 1 personne(s), 1 offre(s)." in texts(at)
    at.selectbox(key="list_employer").select("Logistique Lys").run()
    assert "Aucun candidat n'a encore été retenu pour ses offres" in texts(at)
    at.radio(key="list_employer_inc").set_value("all").run()
    n = len(dash.store.suggestions(dash.coordinator, offer_ref="OFF-2"))
    assert f"{n} ligne(s)" in texts(at)


def test_counsellor_lists_hold_their_people_only(dash):
    from app_pages import _state as S

    at = page("listes.py", dash.counsellor_a).run()
    labels = _downloads(at)
    assert f"Télécharger la liste « {STRUCTURE_A} »" in labels
    assert not any(STRUCTURE_B in label for label in labels)
    assert "Télécharger le classeur complet" not in labels
    assert not [s for s in at.selectbox if s.key == "list_structure"]
    # What the download button builds for this counsellor: their structure's rows only.
    rows = S.shortlist_rows(dash.counsellor_a, structure=STRUCTURE_A)
    data = S.shortlist_builder(dash.counsellor_a, S.STRUCTURE_LIST, rows)()
    text = "\n".join(" | ".join(r) for r in _workbook_rows(data))
    assert "A-01" in text and STRUCTURE_A in text
    assert STRUCTURE_B not in text and "B-01" not in text


def _filled_in(dash, decisions: dict[tuple[str, str], str]) -> bytes:
    """The structure list of counsellor A with some « Décision » cells filled in."""
    from app_pages import _state as S

    rows = S.shortlist_rows(dash.counsellor_a, structure=STRUCTURE_A)
    data = S.shortlist_builder(dash.counsellor_a, S.STRUCTURE_LIST, rows)()
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        header = None
        for row in ws.iter_rows():
            values = [c.value for c in row]
            if header is None:
                if "Décision" in values and "Réf. offre" in values:
                    header = {v: i for i, v in enumerate(values) if v}
                continue
            offer = row[header["Réf. offre"]].value
            person = next(row[i].value for h, i in header.items() if h.startswith("Réf. candidat"))
            if (offer, person) in decisions:
                row[header["Décision"]].value = decisions[(offer, person)]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_filled_in_list_sent_back_is_applied_with_a_report(dash):
    data = _filled_in(dash, {("OFF-1", "A-01"): "Retenu par le conseiller",
                             ("OFF-2", "A-02"): "Embauché",
                             ("OFF-3", "A-03"): "Décision inventée"})  # fmt: skip
    at = page("listes.py", dash.counsellor_a).run()
    [uploader] = at.file_uploader
    uploader.set_value(("liste.xlsx", data, "application/octet-stream"))
    at.run()
    [apply] = [b for b in at.button if b.label == "Appliquer les décisions"]
    apply.click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Décisions appliquées"] == "2"
    assert metrics["Refusées"] == "1"
    report = at.dataframe[-1].value
    refused = report[report["Résultat"] == "refusée"]
    assert (
        refused["Offre"].tolist() == ["OFF-3"] and "Décision inventée" in refused["Détail"].iloc[0]
    )
    stored = dash.store.suggestions(dash.counsellor_a).set_index([F.OFFER_REF, F.PROFILE_REF])
    assert stored.at[("OFF-1", "A-01"), F.STATUS] == Status.RETAINED
    assert stored.at[("OFF-2", "A-02"), F.STATUS] == Status.HIRED
    assert "corrigez-les dans le fichier" in texts(at)


def test_no_suggestion_yet_says_what_to_do(dash_empty):
    from matcher.store.database import Store
    from matcher.workflow import auth

    at = page("listes.py", auth.get_user(Store(dash_empty), "coord")).run()
    assert "Aucune suggestion pour l'instant : importez des offres et des profils" in (
        at.info[0].value
    )


def test_firm_file_gives_the_counsellor_contact_no_setting_and_paris_time(dash):
    from app_pages import _state as S
    from matcher.workflow import auth

    auth.add_user(dash.store, auth.SYSTEM, "cons-a2", "counsellor", structure=STRUCTURE_A,
                  password="une autre phrase de passe", phone="0321445566",
                  email="conseil@ei-artois.fr")  # fmt: skip
    review.decide(dash.store, dash.coordinator, "OFF-1", "A-01", Status.RETAINED)
    rows = S.shortlist_rows(dash.coordinator, employer="Propreté Artois",
                            statuses=("retained",))  # fmt: skip
    data = S.shortlist_builder(dash.coordinator, S.FIRM, rows)()
    text = "\n".join(" | ".join(r) for r in _workbook_rows(data))
    assert "03 21 44 55 66 – conseil@ei-artois.fr" in text
    assert "Poids des critères" not in text and "pénalité" not in text.lower()
    import datetime as dt
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("Europe/Paris"))
    assert f"Produit le | {now:%d/%m/%Y à %H}" in text
