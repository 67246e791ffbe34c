"""Correspondances page: ranked people for an offer with score, components and reasons;
decisions in one click (next step) or two (« Non retenu » and its reason); the same from a
person's side; a counsellor never sees another structure's people."""

from matcher import fields as F
from matcher.fields import RejectReason, Status
from matcher.ranking import explain as X
from matcher.settings import Settings
from matcher.workflow import review

from .app_world import STRUCTURE_A, STRUCTURE_B, page, texts


def _cards(at):
    """Titles of the suggestion cards, in order (« n° 1 – A-01 » ...)."""
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")]


def _button(at, key_start: str):
    return next(b for b in at.button if b.key and b.key.startswith(key_start))


def test_an_offer_shows_its_ranked_people_with_reasons(dash):
    at = page("correspondances.py", dash.coordinator).run()
    assert not at.exception
    assert at.selectbox(key="selected_offer").value == "OFF-1"
    expected = dash.store.suggestions(dash.coordinator, offer_ref="OFF-1")
    assert _cards(at) == [f"n° {r} – {p}" for r, p in
                          zip(expected[F.RANK], expected[F.PROFILE_REF], strict=True)]  # fmt: skip
    shown = texts(at)
    strengths, warnings = X.split_reasons(expected[F.REASONS].iloc[0])
    for reason in strengths:
        assert f":green[:material/check:] {reason}" in shown
    for reason in warnings:  # apart, in orange
        assert f":orange[:material/warning: {reason}]" in shown
    # The score out of 100 and its parts, which add up to it, with their weights.
    first = expected.iloc[0].to_dict()
    e = X.explain(
        first,
        dash.store and Settings.from_dict(dash.store.latest_run(dash.coordinator)["settings"]),
    )
    bars = at.get("progress")
    assert bars[0].text == f"Score {e.score}\u202f/\u202f100"
    assert [b.value for b in bars] == [X.score_points(s) for s in expected[F.SCORE]]
    occupation = e.part(X.OCCUPATION)
    assert f"Métier {occupation.points}/{occupation.max_points}" in shown
    assert "Description " in shown and "Texte" not in shown


def test_retain_in_one_click(dash):
    at = page("correspondances.py", dash.counsellor_a).run()
    at.segmented_control(key="match_view").set_value("offre").run()
    at.selectbox(key="selected_offer").select("OFF-1").run()
    _button(at, "next|OFF-1|EI Artois Propreté|A-01").click().run()
    assert not at.exception
    assert "A-01 / OFF-1 : « Retenu par le conseiller » enregistré." in at.success[0].value
    stored = dash.store.suggestions(dash.counsellor_a, offer_ref="OFF-1", profile_ref="A-01")
    assert stored[F.STATUS].tolist() == [Status.RETAINED]
    assert stored[F.STATUS_BY].tolist() == ["cons-a"]
    # The next step is now offered on that card.
    assert _button(at, "next|OFF-1|EI Artois Propreté|A-01").label == "Proposer à l'employeur"
    decisions = dash.store.decisions(dash.coordinator, offer_ref="OFF-1")
    assert decisions[F.SOURCE].tolist() == [review.SOURCE_DASHBOARD]


def test_not_retained_with_reason_and_comment(dash):
    at = page("correspondances.py", dash.counsellor_a).run()
    at.segmented_control(key="match_view").set_value("offre").run()
    at.selectbox(key="selected_offer").select("OFF-2").run()
    key = "OFF-2|EI Artois Propreté|A-02"
    at.text_input(key=f"comment|{key}|rej").input("préfère la restauration, tél 06 12 34 56 78")
    _button(at, f"reason|{RejectReason.MOBILITY.value}|{key}").click().run()
    assert "« Non retenu » (mobilité) enregistré" in at.success[0].value
    stored = dash.store.suggestions(dash.counsellor_a, offer_ref="OFF-2", profile_ref="A-02")
    assert stored[F.STATUS].tolist() == [Status.REJECTED]
    assert stored[F.REASON].tolist() == [RejectReason.MOBILITY]
    assert "06 12 34 56 78" not in stored[F.COMMENT].iloc[0]  # personal data masked
    assert "préfère la restauration" in stored[F.COMMENT].iloc[0]
    # A closed pair can be reconsidered in one click.
    assert _button(at, f"next|{key}").label == "Reconsidérer"


def test_a_decision_taken_meanwhile_is_not_overwritten(dash):
    at = page("correspondances.py", dash.coordinator).run()
    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.PROPOSED)
    _button(at, "next|OFF-1|EI Artois Propreté|A-01").click().run()
    assert not at.exception
    assert "conflit avec une décision plus récente" in at.error[0].value
    assert "Rien n'a été enregistré." in at.error[0].value
    stored = dash.store.suggestions(dash.coordinator, offer_ref="OFF-1", profile_ref="A-01")
    assert stored[F.STATUS].tolist() == [Status.PROPOSED]


def test_counsellor_sees_only_their_structure_by_offer(dash):
    at = page("correspondances.py", dash.counsellor_a).run()
    at.segmented_control(key="match_view").set_value("offre").run()
    for ref in ("OFF-1", "OFF-2", "OFF-3"):
        at.selectbox(key="selected_offer").select(ref).run()
        mine = dash.store.suggestions(dash.counsellor_a, offer_ref=ref)
        assert len(_cards(at)) == len(mine) > 0
        shown = texts(at)
        assert STRUCTURE_A in shown
        assert STRUCTURE_B not in shown
        assert "B-0" not in shown


def test_by_person_lists_own_people_and_their_offers(dash):
    at = page("correspondances.py", dash.counsellor_b).run()
    assert at.segmented_control(key="match_view").value == "personne"
    options = at.selectbox(key="selected_profile").options
    assert len(options) == 3 and all("(" not in o and o.startswith("B-0") for o in options)
    at.selectbox(key="selected_profile").select_index(2).run()  # B-03
    expected = dash.store.suggestions(dash.counsellor_b, profile_ref="B-03")
    assert len(_cards(at)) == len(expected)
    assert "Cariste H/F – Logistique Lys" in _cards(at)
    assert STRUCTURE_A not in texts(at)


def test_status_filter(dash):
    review.decide(dash.store, dash.coordinator, "OFF-1", "A-01", Status.RETAINED)
    at = page("correspondances.py", dash.coordinator).run()
    total = len(dash.store.suggestions(dash.coordinator, offer_ref="OFF-1"))
    control = at.segmented_control(key="status_filter")
    assert control.options[2] == "En cours (1)"
    control.set_value("ongoing").run()
    assert _cards(at) == [c for c in _cards(at) if c.endswith("A-01")] and len(_cards(at)) == 1
    at.segmented_control(key="status_filter").set_value("todo").run()
    assert len(_cards(at)) == total - 1


def test_hired_is_final(dash):
    review.decide(dash.store, dash.coordinator, "OFF-1", "A-01", Status.HIRED)
    at = page("correspondances.py", dash.coordinator).run()
    assert "Embauche enregistrée : statut définitif." in texts(at)
    assert not [
        b for b in at.button if b.key and b.key.startswith("next|OFF-1|EI Artois Propreté|A-01")
    ]
