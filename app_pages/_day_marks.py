"""The « pour la journée » mark on the Correspondances page (issue 17): which retained pairs of
the view go to the Busin'ESS day. Kept apart from the page so that its change stays small."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages import _state as S
from matcher import fields as F
from matcher.store.day import DAY_STATUSES


def day_marks(
    user, store, suggestions: pd.DataFrame, label: Callable[[dict], str], key: str
) -> None:
    """A multiselect of the pairs shown that may go to the day (retained or later), the marked
    ones selected; « Enregistrer » marks and unmarks what changed."""
    eligible = suggestions[suggestions[F.STATUS].isin(DAY_STATUSES)]
    if eligible.empty:
        return
    marked = store.day_marked(user)
    records = {f"{r[F.OFFER_REF]}|{r[F.STRUCTURE]}|{r[F.PROFILE_REF]}": r
               for r in eligible.to_dict("records")}  # fmt: skip
    now = [k for k in records if tuple(k.split("|", 2)) in marked]
    with st.expander(f"Journée Busin'ESS : {len(now)} inscrite(s) sur {len(records)} retenue(s)",
                     icon=":material/event:"):  # fmt: skip
        chosen = st.multiselect(
            "Pour la journée",
            list(records),
            default=now,
            format_func=lambda k: label(records[k]),
            key=f"{S.DAY}marks|{key}",
            help="Les personnes retenues inscrites ici sont planifiées par le coordinateur "
            "(page Journée Busin'ESS).",
        )
        if st.button("Enregistrer les inscriptions", key=f"{S.DAY}marks_save|{key}"):
            changed = 0
            for k in set(chosen) ^ set(now):
                offer, structure, ref = k.split("|", 2)
                changed += store.day_mark(user, offer, ref, structure=structure, marked=k in chosen)
            S.flash("success", f"Journée Busin'ESS : {changed} inscription(s) modifiée(s).")
            st.rerun()
