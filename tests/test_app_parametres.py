"""Paramètres page (coordinator): weights and policies with a preview on one offer, applying
them reruns the matching; the referential in use; accounts created, disabled, passwords."""

from matcher import fields as F
from matcher.ranking import explain as X
from matcher.workflow import auth, service

from .app_world import PASSWORD, page, standalone_page, texts


def _tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def test_counsellor_is_refused(dash):
    at = standalone_page("parametres.py", dash.counsellor_a).run()
    assert at.error[0].value == "Cette page est réservée au coordinateur."
    assert not at.slider and not at.tabs


def test_preview_then_apply_new_weights(dash):
    at = page("parametres.py", dash.coordinator).run()
    assert not at.exception
    at.selectbox(key="preview_offer").select("OFF-2").run()
    at.slider(key="settings_w_text").set_value(0)
    at.slider(key="settings_w_commute").set_value(90)
    at.radio(key="settings_c_contract").set_value("exclude")
    [submit] = [b for b in at.button if b.label == "Voir l'effet sur l'offre choisie"]
    submit.click().run()
    assert not at.exception
    preview = at.dataframe[0].value
    now = dash.store.suggestions(dash.coordinator, offer_ref="OFF-2")
    # Every person ranked now appears, with where they were before.
    assert set(now[F.PROFILE_REF]) <= set(preview["Candidat"])
    assert "candidat(s) changent de place" in texts(at)
    # « Score actuel » is the number the cards show (the stored score), never a recomputed one.
    shown = dict(zip(preview["Candidat"], preview["Score actuel"], strict=True))
    for person, score in zip(now[F.PROFILE_REF], now[F.SCORE], strict=True):
        assert shown[person] == X.score_points(score)
    [apply] = [b for b in at.button if b.label == "Appliquer ces réglages et relancer le calcul"]
    apply.click().run()
    assert not at.exception
    assert "Réglages appliqués" in texts(at)
    current = service.current_settings(dash.store, dash.coordinator)
    assert current.weights.text == 0.0 and current.weights.commute == 0.9
    assert current.constraints.contract == "exclude"
    # The form now starts from the applied settings.
    assert at.slider(key="settings_w_commute").value == 90


def test_referential_in_use(dash):
    at = page("parametres.py", dash.coordinator).run()
    shown = texts(_tab(at, "Référentiel des métiers"))
    assert "Référentiel des métiers : intégré" in shown
    assert "python -m matcher referential load" in shown


def test_create_and_disable_an_account(dash):
    at = page("parametres.py", dash.coordinator).run()
    users = at.dataframe[0].value
    assert users["Identifiant"].tolist() == ["cons-a", "cons-b", "coord"]
    at.text_input(key="new_user_login").input("marie.dupont")
    at.selectbox(key="new_user_structure").select("EI Artois Propreté")
    at.text_input(key="new_user_p1").input("une autre phrase de passe")
    at.text_input(key="new_user_p2").input("une autre phrase de passe")
    [create] = [b for b in at.button if b.label == "Créer le compte"]
    create.click().run()
    assert not at.exception
    assert "Compte créé : marie.dupont (conseiller, EI Artois Propreté)" in texts(at)
    made = auth.authenticate(dash.store, "marie.dupont", "une autre phrase de passe")
    assert made.structure == "EI Artois Propreté"

    at.selectbox(key="new_user_target").select("cons-b").run()
    [disable] = [b for b in at.button if b.key == "new_user_disable"]
    assert disable.disabled  # a confirmation first
    at.checkbox(key="new_user_confirm").check().run()
    [disable] = [b for b in at.button if b.key == "new_user_disable"]
    disable.click().run()
    assert "Compte cons-b désactivé." in texts(at)
    try:
        auth.authenticate(dash.store, "cons-b", PASSWORD)
    except auth.AccessDenied as exc:
        assert "incorrect" in str(exc)
    else:
        raise AssertionError("a disabled account logged in")


def test_a_short_password_is_refused_in_french(dash):
    at = page("parametres.py", dash.coordinator).run()
    at.text_input(key="new_user_login").input("paul")
    at.selectbox(key="new_user_structure").select("EI Artois Propreté")
    at.text_input(key="new_user_p1").input("court")
    at.text_input(key="new_user_p2").input("court")
    [create] = [b for b in at.button if b.label == "Créer le compte"]
    create.click().run()
    assert not at.exception
    assert "Mot de passe trop court : au moins 12 caractères" in at.error[0].value
