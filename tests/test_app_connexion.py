"""Connexion and navigation (app.py): nothing is reachable before login; the pages listed
depend on the role; a wrong password, an empty form, a disabled account say what to do."""

from matcher.workflow import auth

from .app_world import PASSWORD, app, texts


def _login(at, login: str, password: str):
    at.text_input[0].input(login)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_only_the_login_page_before_login(dash):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Connexion"
    assert not at.dataframe and "Offres" not in [t.value for t in at.title]
    # A bookmarked page opened before login shows the login form (never Streamlit's English
    # « Page not found »), and nothing of the page.
    at.switch_page("app_pages/offres.py").run()
    assert at.title[0].value == "Connexion"
    assert not at.dataframe and at.text_input[0].label == "Identifiant"


def test_wrong_password_then_right_one_opens_the_coordinator_pages(dash):
    at = app().run()
    _login(at, "coord", "mauvais mot de passe")
    assert "Identifiant ou mot de passe incorrect." in [e.value for e in at.error]
    assert at.title[0].value == "Connexion"
    _login(at, "coord", PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Offres"
    assert "Connecté(e) : **coord**" in at.sidebar.caption[0].value
    at.switch_page("app_pages/parametres.py").run()
    assert at.title[0].value == "Paramètres"


def test_empty_form_says_what_to_fill(dash):
    at = app().run()
    at.button[0].click().run()
    assert at.error[0].value == "Saisissez votre identifiant et votre mot de passe."


def test_counsellor_lands_on_the_queue_and_has_no_settings_page(dash):
    at = app().run()
    _login(at, "cons-a", PASSWORD)
    assert at.title[0].value == "À traiter"
    assert "Conseiller(ère) – EI Artois Propreté" in at.sidebar.caption[0].value
    # A bookmarked Paramètres: back home with a French message, nothing of the page.
    at.switch_page("app_pages/parametres.py").run()
    assert at.title[0].value == "À traiter"
    assert "réservée au coordinateur" in texts(at)
    at.switch_page("app_pages/listes.py").run()
    assert at.title[0].value == "Listes"


def test_logout_returns_to_the_login_page(dash):
    at = app(dash.coordinator).run()
    assert at.title[0].value == "Offres"
    at.sidebar.button(key="logout").click().run()
    assert at.title[0].value == "Connexion"
    assert "user" not in at.session_state


def test_a_disabled_account_is_logged_out_with_a_message(dash):
    at = app(dash.counsellor_a).run()
    assert at.title[0].value == "À traiter"
    auth.disable_user(dash.store, auth.SYSTEM, "cons-a")
    at.run()
    assert at.title[0].value == "Connexion"
    assert "Votre compte a été désactivé" in texts(at)


def test_empty_database_tells_how_to_create_the_first_account(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "none.sqlite3"))
    at = app().run()
    assert "Aucun compte dans cette base" in at.info[0].value
    assert "make demo" in at.info[0].value
