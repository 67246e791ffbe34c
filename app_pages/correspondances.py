"""Correspondances: for one offer, the ranked profiles with score and reasons."""

import streamlit as st

from app_pages._state import SELECTED_OFFER, get_store, require_user
from matcher import fields as F

user = require_user()
st.title("Correspondances")
store = get_store()
offers = store.offers(user)
if offers.empty:
    st.info("Aucune offre : importez un fichier d'offres, puis lancez le calcul des suggestions.")
    st.stop()

refs = offers[F.OFFER_REF].tolist()
current = st.session_state.get(SELECTED_OFFER)
index = refs.index(current) if current in refs else 0
by_ref = offers.set_index(F.OFFER_REF)
ref = st.selectbox(
    "Offre",
    refs,
    index=index,
    format_func=lambda r: f"{r} – {by_ref.at[r, F.TITLE]} ({by_ref.at[r, F.EMPLOYER] or '?'})",
)
st.session_state[SELECTED_OFFER] = ref
offer = by_ref.loc[ref]
st.subheader(f"{offer[F.TITLE]} – {offer[F.EMPLOYER] or 'entreprise non précisée'}")
st.caption(f"{offer[F.COMMUNE] or 'commune non précisée'}")

suggestions = store.suggestions(user, offer_ref=ref)
if suggestions.empty:
    st.info("Aucune suggestion pour cette offre : lancez le calcul (python -m matcher match).")
    st.stop()

for rec in suggestions.to_dict("records"):
    with st.container(border=True):
        left, right = st.columns([1, 3])
        left.metric(f"n° {rec[F.RANK]} – {rec[F.PROFILE_REF]}", f"{rec[F.SCORE]:.0%}")
        left.progress(min(max(rec[F.SCORE], 0.0), 1.0))
        left.caption(rec[F.STRUCTURE])
        right.markdown("\n".join(f"- {r}" for r in rec[F.REASONS]))
