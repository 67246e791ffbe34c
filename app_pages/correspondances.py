"""Correspondances: for one offer, the ranked people with score, components and reasons; or for
one person, the offers they were suggested for. Decide in one or two clicks. A counsellor sees
and decides for their structure's people only (the store filters every read)."""

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from app_pages._day_marks import day_marks
from matcher import fields as F
from matcher.fields import Status
from matcher.ranking import explain as X

VIEWS = {"offre": "Par offre", "personne": "Par personne"}
FILTERS = {
    "all": ("Toutes", None),
    "todo": ("À traiter", [Status.SUGGESTED]),
    "ongoing": ("En cours", [Status.RETAINED, Status.PROPOSED, Status.INTERVIEW]),
    "closed": ("Terminées", [Status.HIRED, Status.REJECTED, Status.DROPPED]),
}
PAGE_SIZE = 10


def status_filter(suggestions: pd.DataFrame) -> pd.DataFrame:
    counts = {
        k: len(suggestions) if wanted is None else int(suggestions[F.STATUS].isin(wanted).sum())
        for k, (_, wanted) in FILTERS.items()
    }
    choice = st.segmented_control(
        "Afficher", list(FILTERS), default="all", required=True, key=S.STATUS_FILTER, persist_state="session",
        format_func=lambda k: f"{FILTERS[k][0]} ({counts[k]})",
    )  # fmt: skip
    wanted = FILTERS[choice or "all"][1]
    return suggestions if wanted is None else suggestions[suggestions[F.STATUS].isin(wanted)]


def cards(user, suggestions: pd.DataFrame, title, subtitle, key: str) -> None:
    """The suggestion cards, the first PAGE_SIZE then « Afficher plus »."""
    more_key = f"more|{key}"
    limit = st.session_state.get(more_key, PAGE_SIZE)
    records = suggestions.to_dict("records")
    settings = S.current_settings(user)
    for rec in records[:limit]:
        U.suggestion_card(user, rec, title(rec), subtitle(rec), settings=settings)
    more = len(records) - limit
    if more > 0 and st.button(f"Afficher plus ({more} de plus)", key=f"btn|{more_key}"):
        st.session_state[more_key] = limit + PAGE_SIZE
        st.rerun()


def by_offer(user, store) -> None:
    offers = store.offers(user, status=None)
    if offers.empty:
        st.info(
            "Aucune offre : importez un fichier d'offres (page Importer), puis les suggestions "
            "apparaîtront ici." if user.is_coordinator else
            "Aucune offre pour l'instant : le coordinateur du club importe les offres des "
            "entreprises. Revenez un peu plus tard."
        )  # fmt: skip
        return
    offers = offers.sort_values([F.STATUS, F.OFFER_REF], ascending=[False, True], kind="stable")
    if not user.is_coordinator:
        # A counsellor: the offers where their people are suggested, the best match first.
        best = store.suggestions(user).groupby(F.OFFER_REF)[F.SCORE].max()
        offers = offers[offers[F.OFFER_REF].isin(best.index)]
        offers = offers.assign(_best=offers[F.OFFER_REF].map(best)).sort_values(
            ["_best", F.OFFER_REF], ascending=[False, True], kind="stable"
        )
        if offers.empty:
            st.info("Aucune de vos personnes n'est suggérée pour une offre pour l'instant.")
            return
    by_ref = offers.set_index(F.OFFER_REF)
    refs = by_ref.index.tolist()
    if st.session_state.get(S.SELECTED_OFFER) not in refs:
        st.session_state[S.SELECTED_OFFER] = refs[0]

    def label(ref: str) -> str:
        o = by_ref.loc[ref]
        closed = " (clôturée)" if o[F.STATUS] == F.OfferStatus.CLOSED else ""
        best = "" if user.is_coordinator else f" – meilleur score {X.score_points(o['_best'])}/100"
        return (f"{ref} – {U.text_of(o[F.TITLE])} – "
                f"{U.text_of(o[F.EMPLOYER]) or 'entreprise non précisée'}{closed}{best}")  # fmt: skip

    ref = st.selectbox(
        "Offre", refs, format_func=label, key=S.SELECTED_OFFER, persist_state="session"
    )
    offer = by_ref.loc[ref]
    t = U.text_of
    st.subheader(f"{t(offer[F.TITLE]) or 'poste non précisé'} – "
                 f"{t(offer[F.EMPLOYER]) or 'entreprise non précisée'}")  # fmt: skip
    details = [
        t(offer[F.COMMUNE]) or "commune non précisée",
        U.as_text(offer[F.CONTRACT_TYPE]) or "contrat non précisé",
        f"{U.fr_number(offer[F.WEEKLY_HOURS], 1)} h/sem." if not U._missing(offer[F.WEEKLY_HOURS])
        else "",
        f"début {U.fr_date(offer[F.START_DATE])}" if t(offer[F.START_DATE]) else "",
    ]  # fmt: skip
    st.caption(" · ".join(d for d in details if d))
    skills = offer[F.SKILLS] if isinstance(offer[F.SKILLS], list) else []
    if skills or t(offer[F.DESCRIPTION]):
        with st.expander("Compétences demandées et descriptif"):
            if skills:  # one per line, never run together
                st.markdown("\n".join(f"- {U.text_of(k)}" for k in skills if U.text_of(k)))
            if t(offer[F.DESCRIPTION]):
                st.caption(t(offer[F.DESCRIPTION]))
    suggestions = store.suggestions(user, offer_ref=ref)
    if suggestions.empty:
        if user.is_coordinator:
            st.info("Aucune suggestion pour cette offre : relancez le calcul (page Offres). Si "
                    "rien n'apparaît, aucun profil importé ne correspond assez.")  # fmt: skip
        else:
            st.info("Aucune personne de votre structure n'est suggérée pour cette offre.")
        return
    shown = status_filter(suggestions)
    who = "" if user.is_coordinator else " de votre structure"
    st.caption(f"{U.fr_number(len(suggestions))} personne(s){who} suggérée(s), classées par "
               "score (les personnes gardées en vivier pour ce métier d'abord).")  # fmt: skip
    cards(
        user, shown,
        title=lambda r: f"n° {r[F.RANK]} – {r[F.PROFILE_REF]}",
        subtitle=lambda r: r[F.STRUCTURE] + (" · en vivier" if r.get(F.IN_POOL) is True
                                             or r.get(F.IN_POOL) == 1 else ""),
        key=ref,
    )  # fmt: skip
    day_marks(user, store, suggestions, lambda r: f"{r[F.PROFILE_REF]} ({r[F.STRUCTURE]})", ref)


def by_person(user, store) -> None:
    profiles = store.profiles(user)
    if profiles.empty:
        st.info(
            "Aucune personne importée : importez le fichier de vos personnes accompagnées "
            "(page Importer)." if not user.is_coordinator else
            "Aucun profil importé : les structures importent leurs personnes accompagnées "
            "(page Importer)."
        )  # fmt: skip
        return
    # The people with the best suggestions first, those without any last.
    best = store.suggestions(user).groupby([F.STRUCTURE, F.PROFILE_REF])[F.SCORE].max()
    profiles = profiles.assign(
        _best=[
            best.get((s, p), -1.0)
            for s, p in zip(profiles[F.STRUCTURE], profiles[F.PROFILE_REF], strict=True)
        ]
    )
    profiles = profiles.sort_values(["_best", F.PROFILE_REF], ascending=[False, True],
                                    kind="stable").reset_index(drop=True)  # fmt: skip
    keys = (profiles[F.STRUCTURE] + "|" + profiles[F.PROFILE_REF].astype(str)).tolist()
    if st.session_state.get(S.SELECTED_PROFILE) not in keys:
        st.session_state[S.SELECTED_PROFILE] = keys[0]
    by_key = dict(zip(keys, profiles.to_dict("records"), strict=True))

    def label(k: str) -> str:
        p = by_key[k]
        jobs = U.as_text(p.get(F.TARGET_JOBS))
        best = (f" – meilleur score {X.score_points(p['_best'])}/100" if p["_best"] >= 0
                else " – aucune suggestion")  # fmt: skip
        text = f"{p[F.PROFILE_REF]} – {jobs[:60] or 'métier visé non précisé'}{best}"
        return text if not user.is_coordinator else f"{text} ({p[F.STRUCTURE]})"

    key = st.selectbox(
        "Personne (pseudonyme)", keys, format_func=label, key=S.SELECTED_PROFILE,
        persist_state="session",
    )  # fmt: skip
    person = by_key[key]
    st.subheader(f"{person[F.PROFILE_REF]} – {person[F.STRUCTURE]}")
    t = U.text_of
    jobs, licence = U.as_text(person.get(F.TARGET_JOBS)), U.as_text(person.get(F.LICENCE))
    facts = [
        f"vise : {jobs}" if t(jobs) else "",
        f"commune : {t(person.get(F.COMMUNE))}" if t(person.get(F.COMMUNE)) else "",
        f"mobilité {U.fr_number(person[F.MOBILITY_KM])} km"
        if not U._missing(person.get(F.MOBILITY_KM)) else "",
        f"permis {licence}" if t(licence) else "",
        f"disponible le {U.fr_date(person.get(F.AVAILABLE_FROM))}"
        if t(person.get(F.AVAILABLE_FROM)) else "",
    ]  # fmt: skip
    st.caption(" · ".join(f for f in facts if f))
    suggestions = store.suggestions(user, structure=person[F.STRUCTURE],
                                    profile_ref=person[F.PROFILE_REF])  # fmt: skip
    if suggestions.empty:
        st.info("Aucune offre suggérée pour cette personne pour l'instant. Vérifiez ses métiers "
                "visés et sa commune dans votre fichier, ou attendez les prochaines offres.")  # fmt: skip
        return
    offers = store.offers(user, status=None).set_index(F.OFFER_REF)
    suggestions = suggestions.sort_values(F.SCORE, ascending=False, kind="stable")
    shown = status_filter(suggestions)
    st.caption(f"{U.fr_number(len(suggestions))} offre(s) suggérée(s), la meilleure d'abord.")

    def title(r) -> str:
        o = offers.loc[r[F.OFFER_REF]] if r[F.OFFER_REF] in offers.index else None
        if o is None:
            return r[F.OFFER_REF]
        return (f"{U.text_of(o[F.TITLE]) or 'poste non précisé'} – "
                f"{U.text_of(o[F.EMPLOYER]) or 'entreprise non précisée'}")  # fmt: skip

    def subtitle(r) -> str:
        o = offers.loc[r[F.OFFER_REF]] if r[F.OFFER_REF] in offers.index else None
        where = U.text_of(o[F.COMMUNE]) if o is not None else ""
        return f"{r[F.OFFER_REF]} · {where} · n° {r[F.RANK]} des candidats de l'offre"

    cards(user, shown, title, subtitle, key=key)
    day_marks(user, store, suggestions, lambda r: f"{r[F.OFFER_REF]} – {title(r)}", key)


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("Correspondances")
    S.show_flash()
    if S.MATCH_VIEW not in st.session_state:
        st.session_state[S.MATCH_VIEW] = "offre" if user.is_coordinator else "personne"
    view = st.segmented_control(
        "Voir", list(VIEWS), format_func=VIEWS.get, key=S.MATCH_VIEW, required=True, persist_state="session",
        label_visibility="collapsed",
    )  # fmt: skip
    if view == "personne":
        by_person(user, store)
    else:
        by_offer(user, store)


S.guarded(main)
