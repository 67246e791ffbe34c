"""Importer page: upload through the file uploader, preview of the detected columns with the
mapping editable, import with its report, suggestions recomputed; a counsellor imports their
structure's people only; a bad file says what is wrong."""

import pandas as pd

from matcher import fields as F

from .app_world import STRUCTURE_A, page, texts

# OFF-1 and OFF-2 as first imported (unchanged), and a near-copy of OFF-1 without reference.
OFFERS_AGAIN = """Réf.;Entreprise;Intitulé du poste;Compétences;Ville;CP;QPV;Type de contrat;Date de début;Nb postes
OFF-1;Propreté Artois;Agent(e) de propreté H/F;autolaveuse, nettoyage des sols;Béthune;62400;Mont-Liébaut;CDI;01/12/2026;2
OFF-2;Logistique Lys;Cariste H/F;CACES R489 cat 3, charger et décharger les camions;Lillers;62190;non;intérim;15/01/2027;1
;Propreté Artois;Agent(e) de propreté H/F;autolaveuse;Béthune;62400;Mont-Liébaut;CDI;01/12/2026;1
"""

NEW_OFFERS = """Réf.;Entreprise;Intitulé du poste;Ville;Compétences
OFF-9;Logistique Lys;Préparateur de commandes;Lillers;préparation de commandes
;Propreté Artois;;Béthune;sans intitulé
"""
ODD_HEADER = """Réf.;Entreprise;Zorglub;Ville
OFF-8;Jardins du Nord;Jardinier;Béthune
"""
PROFILES_WITH_NAMES = """Identifiant;Nom;Téléphone;Métier visé;Commune
A-10;Dupont;06 12 34 56 78;agent d'entretien;Beuvry
A-11;Martin;06 98 76 54 32;cariste (contact martin@example.org);Lillers
"""


def _upload(at, name: str, content: str, mime: str = "text/csv"):
    [uploader] = at.file_uploader
    uploader.set_value((name, content.encode("utf-8"), mime))
    return at.run()


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_offers_file_preview_import_and_report(dash):
    at = page("importer.py", dash.coordinator).run()
    assert "Déposez un fichier ci-dessus" in at.info[0].value
    _upload(at, "nouvelles.csv", NEW_OFFERS)
    assert not at.exception
    editor = at.data_editor[0].value
    assert editor["Colonne du fichier"].tolist() == ["Réf.", "Entreprise", "Intitulé du poste",
                                                     "Ville", "Compétences"]  # fmt: skip
    assert editor["Champ"].tolist() == ["Référence", "Entreprise", "Intitulé du poste",
                                        "Commune", "Compétences"]  # fmt: skip
    assert "en-tête trouvé ligne 1" in texts(at)
    _button(at, "Importer").click().run()
    assert not at.exception
    assert _metrics(at) == {"Nouvelles": "1", "Mises à jour": "0", "Inchangées": "0",
                            "Rejetées": "1", "Doublons possibles": "0"}  # fmt: skip
    assert "nouvelles.csv importé : 1 ligne(s) sur 2" in at.warning[0].value  # read = 2
    rejected = at.table[-1].value
    assert rejected[["Ligne", "Colonne", "Motif"]].values.tolist() == [
        [3, "Intitulé du poste", "intitulé du poste vide"]
    ]
    assert "nouvelles.csv importé : 1 ligne(s) sur 2, 1 rejetée(s)" in at.warning[0].value
    assert "OFF-9" in dash.store.offers(dash.coordinator)[F.OFFER_REF].tolist()
    # The matching ran: the new offer has suggestions.
    assert not dash.store.suggestions(dash.coordinator, offer_ref="OFF-9").empty
    assert "Suggestions recalculées" in texts(at)


def test_a_missing_required_column_is_chosen_in_the_editor(dash):
    at = page("importer.py", dash.coordinator).run()
    _upload(at, "bizarre.csv", ODD_HEADER)
    assert "Colonne obligatoire à choisir dans le tableau ci-dessus : intitulé du poste" in (
        at.warning[0].value
    )
    assert _button(at, "Importer").disabled
    labels = at.data_editor[0].value["Colonne du fichier"].tolist()
    row, town = labels.index("Zorglub"), labels.index("Ville")
    at.session_state["import_mapping"] = {
        "edited_rows": {row: {"Champ": "Intitulé du poste"},
                        town: {"Champ": "(ne pas importer)"}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    assert not at.warning
    _button(at, "Importer").click().run()
    assert not at.exception
    offers = dash.store.offers(dash.coordinator).set_index(F.OFFER_REF)
    assert offers.at["OFF-8", F.TITLE] == "Jardinier"
    assert pd.isna(offers.at["OFF-8", F.COMMUNE])  # the column left out
    # The corrected mapping is remembered for the next file with the same header.
    at = page("importer.py", dash.coordinator).run()
    _upload(at, "bizarre.csv", ODD_HEADER)
    assert not at.warning
    assert "correspondance mémorisée" in texts(at)


def test_counsellor_imports_their_people_without_personal_data(dash):
    at = page("importer.py", dash.counsellor_a).run()
    assert not at.radio  # no choice: a counsellor imports profiles
    assert STRUCTURE_A in texts(at)
    _upload(at, "personnes.csv", PROFILES_WITH_NAMES)
    shown = texts(at)
    assert "« Nom »" in shown and "« Téléphone »" in shown  # announced as dropped
    assert "Dupont" not in at.dataframe[0].value.to_string()
    _button(at, "Importer").click().run()
    assert not at.exception
    profiles = dash.store.profiles(dash.counsellor_a)
    assert {"A-10", "A-11"} <= set(profiles[F.PROFILE_REF])
    assert "Dupont" not in profiles.to_string() and "martin@example.org" not in profiles.to_string()
    assert "Colonnes supprimées pour l'anonymat" in texts(at)
    # The matching ran as an internal job: the new people have suggestions.
    assert not dash.store.suggestions(dash.counsellor_a, profile_ref="A-10").empty


def test_coordinator_imports_profiles_for_a_new_structure(dash):
    at = page("importer.py", dash.coordinator).run()
    at.radio(key="import_kind").set_value("profiles").run()
    at.selectbox(key="import_structure").select("Nouvelle structure…").run()
    _upload(at, "aci.csv", "Identifiant;Métier visé\nN-1;jardinier\n")
    assert "Indiquez la structure d'accompagnement" in at.warning[0].value
    assert _button(at, "Importer").disabled
    at.text_input(key="import_new_structure").input("AI Nouvelle").run()
    _button(at, "Importer").click().run()
    assert not at.exception
    assert "AI Nouvelle" in dash.store.structures(dash.coordinator)


def test_a_file_that_cannot_be_read_says_what_to_do(dash):
    at = page("importer.py", dash.coordinator).run()
    _upload(at, "offres.xlsx", "ceci n'est pas un classeur", "application/octet-stream")
    assert not at.exception
    assert at.error and "Corrigez le fichier, puis déposez-le de nouveau." in at.error[0].value
    assert "offres.xlsx" in at.error[0].value


def test_import_history(dash):
    at = page("importer.py", dash.coordinator).run()
    assert "Imports précédents (3)" in [e.label for e in at.expander]


def test_reimport_says_unchanged_and_a_near_copy_can_be_merged(dash):
    """A re-import counts its rows as unchanged (with their rows); a near-copy of a stored
    offer under another reference is a possible duplicate, merged from the report."""
    at = page("importer.py", dash.coordinator).run()
    again = OFFERS_AGAIN
    _upload(at, "offres.csv", again)
    _button(at, "Importer").click().run()
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Inchangées"] == "2" and metrics["Nouvelles"] == "1"
    assert metrics["Doublons possibles"] == "1"
    shown = texts(at)
    assert "déjà enregistrée" in shown
    tables = [t.value for t in at.table]
    assert any("OFF-1" in t.get("Réf.", []).tolist() for t in tables if "Réf." in t)
    merge = next(b for b in at.button if b.key and b.key.startswith("merge|"))
    new_ref = merge.key.split("|")[1]
    assert new_ref in dash.store.offers(dash.coordinator)[F.OFFER_REF].tolist()
    merge.click().run()
    assert not at.exception
    assert f"Offre {new_ref} fusionnée avec l'offre OFF-1" in texts(at)
    assert new_ref not in dash.store.offers(dash.coordinator, status=None)[F.OFFER_REF].tolist()
    assert not any(b.key and b.key.startswith("merge|") for b in at.button)
    audit = dash.store.audit(dash.coordinator)
    assert "offer_merge" in audit["action"].tolist()
