"""circuit-court dashboard: page configuration and navigation only; pages live in app_pages/.

Every page is in the navigation at every run, so that a reload or a bookmarked address always
finds its page (Streamlit shows an English « Page not found » dialog otherwise): before login
they are hidden and each shows the login form (``require_user``), after login the pages of
the user's role are listed and the others hidden (a counsellor opening Paramètres is sent home
with a French message). The login survives a reload through a signed session cookie (see
``_state.current_user`` and serve.py). An unknown address comes back home with a French
message (serve.py redirects it to ``/?page=inconnue``)."""

import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U

st.set_page_config(page_title="circuit-court", page_icon="🤝", layout="wide")
U.apply_style()

user = S.current_user()
if st.query_params.get(S.UNKNOWN_PAGE_PARAM) == S.UNKNOWN_PAGE_VALUE:
    S.flash("warning", "La page demandée n'existe pas (adresse ancienne ou mal recopiée) : "
            "voici la page d'accueil.")  # fmt: skip
    del st.query_params[S.UNKNOWN_PAGE_PARAM]

coordinator = user is not None and user.is_coordinator
logged = user is not None


def page(path: str, title: str, icon: str, *, shown: bool = True):
    return st.Page(path, title=title, icon=icon,
                   visibility="visible" if shown and logged else "hidden")  # fmt: skip


# The login page is always the default (the address « / »), so that every other page keeps
# its own address whatever the role (a default page has none, and a bookmark of it would
# be « not found »); once logged in, « / » goes on to the role's home page.
login = st.Page(S.PAGE_LOGIN, title="Connexion", icon=":material/login:", default=True,
                visibility="hidden" if logged else "visible")  # fmt: skip
work = [
    page(S.PAGE_QUEUE, "À traiter", ":material/checklist:"),
    page(S.PAGE_OFFERS, "Offres", ":material/work:"),
    page(S.PAGE_MATCHES, "Correspondances", ":material/handshake:"),
    page(S.PAGE_LISTS, "Listes", ":material/table_view:"),
    page(S.PAGE_DAY, "Journée Busin'ESS", ":material/event:"),
]
pages = {
    "": [login],
    "Au quotidien": work,
    "Données": [page(S.PAGE_IMPORT, "Importer", ":material/upload_file:")],
    "Suivi": [page(S.PAGE_DASHBOARD, "Tableau de bord", ":material/bar_chart:")],
    "Administration": [
        page(S.PAGE_SETTINGS, "Paramètres", ":material/settings:", shown=coordinator)
    ],
}
if not logged:
    pages = {"": [login], "Pages": [p for group in list(pages.values())[1:] for p in group]}
elif not coordinator:
    pages["Administration"][0] = page(S.PAGE_SETTINGS, "Paramètres", ":material/settings:",
                                      shown=False)  # fmt: skip
if user is not None:
    S.sidebar_account(user)

current = st.navigation(pages, position="sidebar" if logged else "hidden")
home = S.PAGE_OFFERS if coordinator else S.PAGE_QUEUE
if logged and current.url_path == login.url_path:
    st.switch_page(home)  # just logged in on the login page: to the role's home page
if user is not None and not coordinator and current.url_path == "parametres":
    S.flash("warning", "La page Paramètres est réservée au coordinateur : voici votre page "
            "d'accueil.")  # fmt: skip
    st.switch_page(home)
S.guarded(current.run)
