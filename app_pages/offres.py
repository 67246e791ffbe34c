"""Offres: the imported offers and how many suggestions each has."""

import streamlit as st

from app_pages._state import SELECTED_OFFER, get_store, require_user
from matcher import fields as F

user = require_user()
st.title("Offres")
store = get_store()
offers = store.offers(user)
if offers.empty:
    st.info(
        "Aucune offre : importez un fichier d'offres (python -m matcher import offers FICHIER)."
    )
    st.stop()

suggestions = store.suggestions(user)
per_offer = suggestions.groupby(F.OFFER_REF).size()
table = offers[[F.OFFER_REF, F.EMPLOYER, F.TITLE, F.COMMUNE, F.CONTRACT_TYPE]].copy()
table["suggestions"] = table[F.OFFER_REF].map(per_offer).fillna(0).astype(int)
table[F.CONTRACT_TYPE] = table[F.CONTRACT_TYPE].map(
    lambda v: ", ".join(v) if isinstance(v, list) else (v or "")
)
st.caption(f"{len(offers)} offres ouvertes, {len(suggestions)} suggestions.")
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        F.OFFER_REF: "Réf.",
        F.EMPLOYER: "Entreprise",
        F.TITLE: "Poste",
        F.COMMUNE: "Commune",
        F.CONTRACT_TYPE: "Contrat",
        "suggestions": st.column_config.NumberColumn("Suggestions"),
    },
)
choice = st.selectbox(
    "Voir les candidats proposés pour l'offre",
    offers[F.OFFER_REF].tolist(),
    format_func=lambda ref: f"{ref} – {offers.set_index(F.OFFER_REF).at[ref, F.TITLE]}",
    key=SELECTED_OFFER,
)
if st.button("Voir les correspondances"):
    st.switch_page("app_pages/correspondances.py")
