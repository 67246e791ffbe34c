"""Tableau de bord page: key figures, the funnel, the breakdowns and the general-assembly
figures, computed from the decisions; a counsellor's figures cover their structure only."""

from matcher.fields import Status
from matcher.workflow import indicators, review

from .app_world import STRUCTURE_A, page, texts


def _decide(dash):
    a, b = dash.counsellor_a, dash.counsellor_b
    for status in (Status.RETAINED, Status.PROPOSED, Status.INTERVIEW, Status.HIRED):
        review.decide(dash.store, a, "OFF-1", "A-01", status)
    review.decide(dash.store, a, "OFF-2", "A-02", Status.PROPOSED)
    review.decide(dash.store, a, "OFF-2", "A-02", Status.REJECTED, reason="mobility")
    review.decide(dash.store, b, "OFF-3", "B-01", Status.INTERVIEW)


def _ag(at) -> dict[str, str]:
    table = at.table[0].value
    return dict(zip(table["Indicateur"], table["Valeur"], strict=True))


def test_key_figures_and_general_assembly_table(dash):
    _decide(dash)
    at = page("tableau_de_bord.py", dash.coordinator).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    n = len(dash.store.suggestions(dash.coordinator))
    assert metrics == {"Offres collectées": "3", "Entreprises": "3",
                       "Personnes": "6", "Suggestions": str(n),
                       "Embauches": "1"}  # fmt: skip
    ag = _ag(at)
    assert ag["dont entreprises en QPV"] == "1"
    assert ag["Postes à pourvoir"] == "4"
    # Proposed or beyond: A-01 (hired), A-02 (proposed, then not retained) and B-01 (straight
    # to the interview: skipped steps count as reached). Interviews: A-01 and B-01.
    assert ag["Personnes proposées à un employeur"] == "3"
    assert ag["Entretiens"] == "2"
    assert ag["Part des personnes proposées embauchées"] == "33\u202f%"
    assert "Chiffres du club" in texts(at)


def test_breakdowns_by_dimension(dash):
    _decide(dash)
    at = page("tableau_de_bord.py", dash.coordinator).run()
    control = at.segmented_control(key="dashboard_dimension")
    assert control.value == "sector"
    control.set_value("structure").run()
    table = at.dataframe[0].value.set_index("Structure")
    assert table.loc[STRUCTURE_A, ["Retenus", "Proposés", "Entretiens", "Embauchés"]].tolist() == [
        2, 2, 1, 1]  # fmt: skip
    at.segmented_control(key="dashboard_dimension").set_value("qpv_group").run()
    table = at.dataframe[0].value.set_index("Quartier prioritaire")
    assert table.loc["Entreprise en QPV", "Embauchés"] == 1
    at.segmented_control(key="dashboard_dimension").set_value("month").run()
    assert at.dataframe[0].value["Offres"].sum() == 3
    assert not at.exception


def test_counsellor_sees_their_structure_figures(dash):
    _decide(dash)
    at = page("tableau_de_bord.py", dash.counsellor_b).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Personnes"] == "3"
    assert metrics["Embauches"] == "0"
    assert "Chiffres de la structure ACI Les Jardins" in texts(at)
    at.segmented_control(key="dashboard_dimension").set_value("structure").run()
    assert at.dataframe[0].value["Structure"].tolist() == ["ACI Les Jardins"]


def test_no_decision_yet(dash):
    at = page("tableau_de_bord.py", dash.coordinator).run()
    assert "Aucun candidat retenu pour l'instant" in texts(at)


def test_empty_database(dash_empty):
    from matcher.store.database import Store
    from matcher.workflow import auth

    at = page("tableau_de_bord.py", auth.get_user(Store(dash_empty), "coord")).run()
    assert "Pas encore de chiffres : importez des offres et des profils" in at.info[0].value


def test_charts_refusal_reasons_separate_scales_and_png(dash):
    import json

    import altair as alt
    import pandas as pd

    from app_pages import _ui as U
    from matcher.fields import RejectReason, Status
    from matcher.workflow import review

    review.decide(dash.store, dash.counsellor_a, "OFF-2", "A-02", Status.REJECTED,
                  reason=RejectReason.MOBILITY)  # fmt: skip
    review.decide(dash.store, dash.counsellor_b, "OFF-1", "B-02", Status.RETAINED)
    at = page("tableau_de_bord.py", dash.coordinator).run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    titles = [str(s.get("title", "")) for s in specs]
    assert any("Motifs" in t for t in titles)
    # Offers and candidacies on two charts, each with its own scale.
    assert any(t.startswith("Offres par") for t in titles)
    assert any(t.startswith("Candidatures par") for t in titles)
    reasons = indicators.refusal_reasons(dash.store.suggestions(dash.coordinator))
    assert reasons.values.tolist() == [["mobilité", 1]]
    # Each chart has its PNG download, and the image is a real PNG of the chart.
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Télécharger l'image (PNG)") == len(specs)
    chart = (
        alt.Chart(pd.DataFrame({"Motif": ["Mobilité"], "Nombre": [1]}))
        .mark_bar()
        .encode(x="Nombre:Q", y="Motif:N")
    )
    png = U.chart_png(chart)()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_a_single_month_is_said_not_drawn(dash):
    at = page("tableau_de_bord.py", dash.coordinator).run()
    at.segmented_control(key="dashboard_dimension").set_value("month").run()
    assert not at.exception
    assert "Un seul mois d'offres pour l'instant" in texts(at)
    titles = [str(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert not any("par mois" in t for t in titles)
