"""Connexion: the login form; the other pages are not in the navigation until it succeeds."""

import streamlit as st

from app_pages import _state as S

user = S.current_user()
if user is None:
    st.title("Connexion")
    S.show_flash()
    st.caption(
        "circuit-court rapproche les offres des entreprises du club et les personnes "
        "accompagnées par les structures d'insertion. Connectez-vous avec l'identifiant que "
        "le coordinateur vous a donné."
    )
    left, _ = st.columns([2, 3])
    with left:
        S.login_form()
else:
    st.title("Connexion")
    st.success(f"Vous êtes connecté(e) : {user.label}.")
    if st.button("Continuer", type="primary"):
        st.switch_page(S.PAGE_OFFERS if user.is_coordinator else S.PAGE_MATCHES)
