"""circuit-court dashboard: page configuration and navigation only; pages live in app_pages/.

Before login the navigation holds the login page alone, so no other page can be reached; after
login it holds the pages of the user's role (Paramètres for the coordinator only)."""

import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U

st.set_page_config(page_title="circuit-court", page_icon="🤝", layout="wide")
U.apply_style()

user = S.current_user()
if user is None:
    pages = [st.Page(S.PAGE_LOGIN, title="Connexion", icon=":material/login:", default=True)]
else:
    coordinator = user.is_coordinator
    work = [
        st.Page(S.PAGE_OFFERS, title="Offres", icon=":material/work:", default=coordinator),
        st.Page(S.PAGE_MATCHES, title="Correspondances", icon=":material/handshake:",
                default=not coordinator),
        st.Page(S.PAGE_LISTS, title="Listes", icon=":material/table_view:"),
        st.Page(S.PAGE_DAY, title="Journée Busin'ESS", icon=":material/event:"),
    ]  # fmt: skip
    pages = {
        "Au quotidien": work,
        "Données": [st.Page(S.PAGE_IMPORT, title="Importer", icon=":material/upload_file:")],
        "Suivi": [st.Page(S.PAGE_DASHBOARD, title="Tableau de bord", icon=":material/bar_chart:")],
    }
    if coordinator:
        pages["Administration"] = [
            st.Page(S.PAGE_SETTINGS, title="Paramètres", icon=":material/settings:")
        ]
    S.sidebar_account(user)

S.guarded(st.navigation(pages).run)
