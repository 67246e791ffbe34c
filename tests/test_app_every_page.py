"""Every page of the dashboard, for both roles, on a database full of empty and missing values
(offers without firm, commune, contract or date; people without commune, mobility or job;
decisions with and without comment): no « nan », « None » or raw code anywhere a person
reads, no English word from Streamlit's defaults, and no error."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from matcher.fields import OfferStatus, RejectReason, Role, Status
from matcher.workflow import review, service

from .app_world import STRUCTURE_A, STRUCTURE_B, page

SPARSE_OFFERS = """Réf.;Entreprise;Intitulé du poste;Compétences;Ville;CP;QPV;Type de contrat;Date de début;Nb postes
OFF-7;;Agent d'entretien;;;;;;;
OFF-8;ENTREPRISE DU NORD;MANUTENTIONNAIRE H/F;;HERSIN COUPIGNY;;;;;
"""
SPARSE_PROFILES = """Identifiant;Métier visé;Compétences;Commune;Code postal;Mobilité (km)
A-08;;;;;
A-09;agent d'entretien;;;;
"""
PAGES = ["a_traiter.py", "offres.py", "correspondances.py", "listes.py", "importer.py",
         "tableau_de_bord.py", "parametres.py"]  # fmt: skip
# Words a person must never read: missing values as Python/pandas print them, and the codes
# stored in the database instead of their French labels.
FORBIDDEN = (
    {"nan", "none", "nat", "<na>", "null", "undefined"}
    | {v.value for v in (*Status, *RejectReason, *OfferStatus, *Role)}
    | {"offers", "profiles"}
)
# Streamlit's own English (toolbars, menus, dialogs, uploader).
ENGLISH = ("Download", "Search", "Fullscreen", "Sort ascending", "Pin column", "Type to search",
           "Page not found", "files are not allowed", "Browse files", "Drag and drop", "Limit ")  # fmt: skip


WIDGETS = {"button_group", "selectbox", "multiselect", "radio", "slider", "text_input",
           "checkbox", "toggle", "number_input", "select_slider", "text_area", "date_input"}  # fmt: skip


@pytest.fixture
def sparse(dash):
    store = dash.store
    service.import_into_store(store, SPARSE_OFFERS.encode(), "creuses.csv", "offers")
    service.import_into_store(store, SPARSE_PROFILES.encode(), "creux.csv", "profiles",
                              structure=STRUCTURE_A)  # fmt: skip
    service.run_matching(store)
    review.decide(store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    review.decide(store, dash.counsellor_b, "OFF-3", "B-01", Status.REJECTED,
                  reason=RejectReason.MOBILITY, comment="trop loin")  # fmt: skip
    return dash


def _strings(node) -> list[str]:
    """Everything a person can read in an element tree: texts, labels, options, help, table
    cells and headers."""
    out: list[str] = []
    if getattr(node, "type", None) == "html":  # the dashboard's style sheet, not shown
        return out
    # A widget's value is what the code receives (a stored key), not what is shown: its
    # label and options are read instead.
    attrs = ("label", "help", "placeholder") if getattr(node, "type", "") in WIDGETS else (
        "value", "label", "help", "placeholder", "text", "body")  # fmt: skip
    for attr in attrs:
        try:
            v = getattr(node, attr, None)
        except Exception:  # some widgets compute value lazily from state
            v = None
        if isinstance(v, pd.DataFrame):
            # Cells (a table's headers are the pages' column_config labels, not these names;
            # st.table shows its column names as they are).
            if getattr(node, "type", "") == "table":
                out += [str(c) for c in v.columns]
            out += [str(x) for x in v.astype(str).to_numpy().ravel()]
        elif isinstance(v, str):
            out.append(v)
    for attr in ("options",):
        v = getattr(node, attr, None)
        if isinstance(v, (list, tuple)):
            out += [str(o) for o in v]
    for child in getattr(node, "children", {}).values():
        out += _strings(child)
    return out


def _check(at, where: str) -> None:
    assert not at.exception, f"{where}: {at.exception}"
    words = set()
    for text in _strings(at._tree):
        if "Une erreur inattendue" in text:
            raise AssertionError(f"{where}: {text}")
        for english in ENGLISH:
            assert english not in text, f"{where}: English « {english} » in « {text[:120]} »"
        words |= {w.lower() for w in re.findall(r"[\w<>]+", text)}
    bad = words & FORBIDDEN
    assert not bad, f"{where}: {sorted(bad)} shown"


@pytest.mark.parametrize("role", ["coordinator", "counsellor_a"])
def test_every_page_reads_right_with_missing_values(sparse, role):
    user = getattr(sparse, role)
    for name in PAGES:
        if name == "parametres.py" and role != "coordinator":
            continue
        at = page(name, user).run()
        _check(at, f"{name} ({role})")
    # The views behind a choice: by person (with an undecided and a decided card), the queue
    # with one row opened, people without suggestion, the dashboard by month.
    at = page("correspondances.py", user).run()
    at.segmented_control(key="match_view").set_value("personne").run()
    _check(at, f"correspondances par personne ({role})")
    at.segmented_control(key="match_view").set_value("offre").run()
    _check(at, f"correspondances par offre ({role})")
    at = page("a_traiter.py", user).run()
    at.segmented_control(key="queue_view").set_value("none").run()
    _check(at, f"sans suggestion ({role})")
    at = page("tableau_de_bord.py", user).run()
    for dimension in ("structure", "qpv_group", "month"):
        at.segmented_control(key="dashboard_dimension").set_value(dimension).run()
        _check(at, f"tableau de bord par {dimension} ({role})")


def test_an_undecided_card_never_says_someone_decided(sparse):
    # Once one decision exists, an undecided card shows no « Dernière décision » line.
    at = page("correspondances.py", sparse.counsellor_a).run()
    at.segmented_control(key="match_view").set_value("offre").run()
    at.selectbox(key="selected_offer").select("OFF-1").run()
    cards = [m.value for m in at.caption]
    decided = [c for c in cards if c.startswith("Dernière décision")]
    assert len(decided) == 1 and "par cons-a" in decided[0]
    assert not any(c.startswith("Commentaire") for c in cards)


def test_names_are_shown_in_their_proper_form(sparse):
    at = page("offres.py", sparse.coordinator).run()
    table = at.dataframe[0].value
    assert "Hersin-Coupigny" in table["commune"].tolist()  # from the communes referential
    assert "Entreprise du Nord" in table["employer"].tolist()
    assert "Manutentionnaire H/F" in table["title"].tolist()
    assert STRUCTURE_B  # both structures' people are in the world
