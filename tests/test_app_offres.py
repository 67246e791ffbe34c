"""Offres page: the offers with their counts, the filters, opening an offer, closing it; a
counsellor's counts cover their people only; an empty database says what to do."""

from matcher import fields as F
from matcher.fields import Status

from .app_world import app, page, texts

SELECT = "offer_table"


TITLES = {"OFF-1": "Agent(e) de propreté H/F", "OFF-2": "Cariste H/F",
          "OFF-3": "Jardinier paysagiste"}  # fmt: skip
REFS = {t: r for r, t in TITLES.items()}


def _table(at):
    """The table with the offer reference put back (the page shows titles, not references)."""
    table = at.dataframe[0].value.copy()
    table.insert(0, F.OFFER_REF, table[F.TITLE].map(REFS))
    return table


def _open(at, row: int):
    at.session_state[SELECT] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def _facts(at) -> str:
    return texts(at) + "\n".join(f"{m.label}={m.value}" for m in at.metric)


def _expected_counts(store, user):
    return store.suggestions(user).groupby(F.OFFER_REF).size().to_dict()


def test_offers_with_their_suggestion_counts(dash):
    at = page("offres.py", dash.coordinator).run()
    assert not at.exception
    table = _table(at)
    assert table[F.OFFER_REF].tolist() == ["OFF-1", "OFF-2", "OFF-3"]
    assert dict(zip(table[F.OFFER_REF], table["suggestions"], strict=True)) == _expected_counts(
        dash.store, dash.coordinator
    )
    # Dates in French; a date the import could not read stays as written.
    assert table[F.START_DATE].tolist() == ["01/12/2026", "15/01/2027", "selon profil"]
    n = len(dash.store.suggestions(dash.coordinator))
    assert f"3 offre(s) sur 3 · {n} suggestion(s)" in texts(at)
    # What the table leaves out is in the detail, beside it.
    assert list(at.dataframe[0].value.columns) == [F.TITLE, F.EMPLOYER, F.COMMUNE, "suggestions",
                                                   "ongoing", "hired", F.START_DATE]  # fmt: skip
    for row, qpv in enumerate(["Entreprise en QPV", "Hors QPV", "Non renseigné"]):
        assert f"Quartier prioritaire : {qpv}" in texts(_open(at, row))


def test_counsellor_counts_only_their_people(dash):
    at = page("offres.py", dash.counsellor_a).run()
    table = _table(at)
    mine = _expected_counts(dash.store, dash.counsellor_a)
    assert dict(zip(table[F.OFFER_REF], table["suggestions"], strict=True)) == mine
    everyone = _expected_counts(dash.store, dash.coordinator)
    assert sum(mine.values()) < sum(everyone.values())
    assert "de vos candidats" in texts(at)
    # No button to close offers or rerun the matching for a counsellor.
    labels = [b.label for b in at.button]
    assert "Relancer le calcul des suggestions" not in labels


def test_filters_keep_the_matching_rows(dash):
    at = page("offres.py", dash.coordinator).run()
    at.multiselect(key="offer_filters_qpv").select("Hors QPV").run()
    assert _table(at)[F.OFFER_REF].tolist() == ["OFF-2"]
    at.multiselect(key="offer_filters_qpv").unselect("Hors QPV").run()
    at.multiselect(key="offer_filters_start").select("date non précisée").run()
    assert _table(at)[F.OFFER_REF].tolist() == ["OFF-3"]
    at.multiselect(key="offer_filters_start").select("2026-12").run()
    assert _table(at)[F.OFFER_REF].tolist() == ["OFF-1", "OFF-3"]
    at.text_input(key="offer_filters_text").input("cariste").run()
    assert "Aucune offre ne correspond à ces filtres" in at.info[0].value


def test_sector_filter_uses_the_referential(dash):
    at = page("offres.py", dash.coordinator).run()
    assert "Secteur : Propreté" in texts(_open(at, 0))
    sector = next(line for line in texts(_open(at, 1)).split("\n") if "Secteur" in line)
    at.multiselect(key="offer_filters_sector").select(sector.split(" : ")[1]).run()
    assert _table(at)[F.OFFER_REF].tolist() == ["OFF-2"]


def test_selecting_a_row_opens_the_offer_and_its_matches(dash):
    at = app(dash.coordinator).run()
    assert at.title[0].value == "Offres"
    at.session_state[SELECT] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.subheader[0].value == "Cariste H/F"
    assert "**Logistique Lys** · Lillers" in texts(at)
    [open_button] = [b for b in at.button if b.label == "Voir les correspondances"]
    open_button.click().run()
    assert at.title[0].value == "Correspondances"
    assert at.selectbox(key="selected_offer").value == "OFF-2"


def test_coordinator_closes_an_offer(dash):
    at = page("offres.py", dash.coordinator).run()
    at.session_state[SELECT] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    [close] = [b for b in at.button if b.label.startswith("Clôturer l'offre")]
    close.click().run()
    assert "Offre OFF-1 clôturée." in texts(at)
    assert dash.store.offers(dash.coordinator)[F.OFFER_REF].tolist() == ["OFF-2", "OFF-3"]
    assert _table(at)[F.OFFER_REF].tolist() == ["OFF-2", "OFF-3"]


def test_decisions_are_counted(dash):
    from matcher.workflow import review

    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    review.decide(dash.store, dash.counsellor_b, "OFF-1", "B-02", Status.HIRED)
    review.decide(dash.store, dash.counsellor_a, "OFF-2", "A-02", Status.REJECTED,
                  reason="skills")  # fmt: skip
    at = page("offres.py", dash.coordinator).run()
    table = _table(at).set_index(F.OFFER_REF)
    assert table.loc[["OFF-1", "OFF-2"], "ongoing"].tolist() == [1, 0]
    for row, counts in ((0, "Décisions=2\nEn cours=1\nEmbauchés=1"),
                        (1, "Décisions=1\nEn cours=0\nEmbauchés=0")):  # fmt: skip
        assert counts in _facts(_open(at, row))


def test_rerun_matching_keeps_decisions(dash):
    from matcher.workflow import review

    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.RETAINED)
    at = page("offres.py", dash.coordinator).run()
    [rerun] = [b for b in at.button if b.label == "Relancer le calcul des suggestions"]
    rerun.click().run()
    assert not at.exception
    assert "Suggestions recalculées" in texts(at)
    kept = dash.store.suggestions(dash.coordinator, offer_ref="OFF-1", profile_ref="A-01")
    assert kept[F.STATUS].tolist() == [Status.RETAINED]


def test_empty_database_says_what_to_do(dash_empty):
    from matcher.store.database import Store
    from matcher.workflow import auth

    coordinator = auth.get_user(Store(dash_empty), "coord")
    at = page("offres.py", coordinator).run()
    assert "Aucune offre : importez un fichier d'offres" in at.info[0].value
    counsellor = auth.get_user(Store(dash_empty), "cons-a")
    at = page("offres.py", counsellor).run()
    assert "le coordinateur du club importe les offres" in at.info[0].value
