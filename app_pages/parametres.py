"""Paramètres (coordinator only): the ranking's weights and policies with a preview of their
effect on one offer, the referential in use, and the accounts."""

import dataclasses

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.fields import Role
from matcher.reference.referential import active_referential
from matcher.settings import ConstraintSettings, Settings, Weights
from matcher.workflow import auth, review, service

WEIGHT_LABELS = {
    "text": "Texte de l'offre et du profil",
    "skills": "Compétences",
    "occupation": "Métier (code ROME)",
    "commute": "Trajet",
}
CONSTRAINT_LABELS = {
    "licence": "Permis exigé",
    "contract": "Type de contrat",
    "hours": "Durée du travail",
    "schedule": "Horaires (nuit, week-end, coupures)",
    "availability": "Date de disponibilité",
    "distance": "Au-delà du rayon de mobilité",
    "unknown_distance": "Distance inconnue",
}
POLICIES = {"exclude": "Exclure le candidat", "penalise": "Baisser son score",
            "demote": "À discuter (après les personnes à portée)"}  # fmt: skip
UNKNOWN_DISTANCE = {"below": "Après les personnes à portée", "neutral": "Comme à portée",
                    "demote": "À discuter"}  # fmt: skip
# Ranking settings shown: label, bounds, unit; percentages are edited as whole numbers.
RANKING_FIELDS = {
    "top_k": ("Candidats suggérés par offre", 1, 100, ""),
    "min_score": ("Score minimal d'une suggestion (%)", 0, 90, "%"),
    "default_radius_km": ("Rayon de mobilité quand la personne n'en donne pas (km)", 1, 80, "km"),
    # Shown when the ranking has it (the commute as a reach factor on the total).
    "commute_factor": ("Part du score perdue au-delà du rayon de mobilité (%)", 0, 100, "%"),
}


def percent_slider(where, label: str, value: float, key: str, lowest: int = 0) -> float:
    """A 0-100 % slider for a setting stored as a share (0.25 is shown « 25 % »)."""
    shown = where.slider(label, lowest, 100, round(float(value) * 100), 5, format="%d %%",
                         key=key)  # fmt: skip
    return shown / 100


def settings_form(current: Settings) -> Settings | None:
    """The widgets, prefilled with ``current``; the Settings they describe when submitted."""
    k = S.SETTINGS_FORM
    with st.form("settings"):
        st.markdown("**Poids des critères** (ramenés à un total de 100 %)")
        weights = {}
        cols = st.columns(2)
        for i, f in enumerate(dataclasses.fields(Weights)):
            weights[f.name] = percent_slider(
                cols[i % 2],
                WEIGHT_LABELS.get(f.name, f.name),
                getattr(current.weights, f.name),
                f"{k}w_{f.name}",
            )
        st.markdown("**Contraintes non respectées**")
        constraints = {}
        cols = st.columns(2)
        policy_fields = [f for f in dataclasses.fields(ConstraintSettings)
                         if isinstance(getattr(current.constraints, f.name), str)]  # fmt: skip
        for i, f in enumerate(policy_fields):
            value = getattr(current.constraints, f.name)
            options = UNKNOWN_DISTANCE if f.name == "unknown_distance" else POLICIES
            constraints[f.name] = cols[i % 2].radio(
                CONSTRAINT_LABELS.get(f.name, f.name), list(options), format_func=options.get,
                index=list(options).index(value), horizontal=True, key=f"{k}c_{f.name}",
            )  # fmt: skip
        if hasattr(current.constraints, "penalty"):
            constraints["penalty"] = percent_slider(
                st, "Quand on baisse le score, il est multiplié par", current.constraints.penalty,
                f"{k}penalty", lowest=10,
            )  # fmt: skip
        st.markdown("**Listes**")
        ranking = {}
        shown_fields = {n: f for n, f in RANKING_FIELDS.items() if hasattr(current.ranking, n)}
        cols = st.columns(len(shown_fields))
        for col, (name, (label, lo, hi, unit)) in zip(cols, shown_fields.items(), strict=True):
            value = getattr(current.ranking, name)
            shown = round(value * 100) if unit == "%" else round(value)
            chosen = col.number_input(label, lo, hi, shown, 1, key=f"{k}r_{name}")
            kind = type(value)
            ranking[name] = chosen / 100 if unit == "%" else kind(chosen)
        submitted = st.form_submit_button("Voir l'effet sur l'offre choisie", type="primary")
    if not submitted:
        return None
    return current.replace(
        weights=dataclasses.replace(current.weights, **weights),
        constraints=dataclasses.replace(current.constraints, **constraints),
        ranking=dataclasses.replace(current.ranking, **ranking),
    )


def preview_table(preview: pd.DataFrame) -> pd.DataFrame:
    def move(v) -> str:
        if U._missing(v):
            return ""
        v = int(v)
        return f"▲ {v}" if v > 0 else (f"▼ {-v}" if v < 0 else "=")

    now = f"{F.RANK}_{service.PREVIEW_NOW}"
    table = pd.DataFrame({
        "Rang": preview[F.RANK].map(lambda r: "sorti" if U._missing(r) else int(r)).astype(str),
        "Avant": preview[now].map(lambda r: "nouveau" if U._missing(r) else int(r)).astype(str),
        "Évolution": preview[service.PREVIEW_MOVE].map(move),
        "Candidat": preview[F.PROFILE_REF],
        "Structure": preview[F.STRUCTURE],
        "Score": (preview[F.SCORE].astype(float) * 100).round(0),
        "Score avant": (preview[f"{F.SCORE}_{service.PREVIEW_NOW}"].astype(float) * 100).round(0),
    })  # fmt: skip
    return table


def ranking_tab(user, store) -> None:
    current = S.current_settings(user)
    run = store.latest_run(user)
    st.caption(
        "Les réglages en vigueur sont ceux du dernier calcul des suggestions"
        + (f" ({review.fr_datetime(run['created_at'])})." if run else ".")
        + " Modifiez-les, regardez l'effet sur une offre, puis appliquez-les : les suggestions "
        "sont recalculées, les décisions déjà prises sont conservées."
    )
    offers = store.offers(user)
    if offers.empty:
        st.info("Aucune offre pour prévisualiser : importez des offres (page Importer).")
        return
    by_ref = offers.set_index(F.OFFER_REF)
    ref = st.selectbox(
        "Offre pour l'aperçu", by_ref.index.tolist(), key=S.PREVIEW_OFFER,
        format_func=lambda r: f"{r} – {by_ref.at[r, F.TITLE]} ({by_ref.at[r, F.EMPLOYER]})",
    )  # fmt: skip
    wanted = settings_form(current)
    if wanted is not None:
        with st.spinner("Classement de l'offre avec ces réglages…"):
            preview = service.preview_offer_ranking(store, user, ref, wanted)
        st.session_state[S.PREVIEW_RESULT] = (ref, wanted, preview)
    result = st.session_state.get(S.PREVIEW_RESULT)
    if result is None or result[0] != ref:
        return
    _, wanted, preview = result
    changed = int((preview[service.PREVIEW_MOVE].fillna(1) != 0).sum())
    st.markdown(f"**Effet sur {ref}** : {changed} candidat(s) changent de place, entrent ou "
                "sortent de la liste.")  # fmt: skip
    st.dataframe(
        preview_table(preview), hide_index=True, width="stretch",
        column_config={
            "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100,
                                                     format="%d %%"),
            "Score avant": st.column_config.ProgressColumn("Score avant", min_value=0,
                                                           max_value=100, format="%d %%"),
        },
    )  # fmt: skip
    if st.button("Appliquer ces réglages et relancer le calcul", icon=":material/done_all:"):
        with st.status("Calcul des suggestions avec les nouveaux réglages…") as status:
            suggestions = service.run_matching(store, wanted, user=user)
            status.update(label="Calcul terminé", state="complete")
        del st.session_state[S.PREVIEW_RESULT]
        S.flash("success", f"Réglages appliqués : {U.fr_number(len(suggestions))} suggestion(s) "
                "recalculée(s), décisions conservées.")  # fmt: skip
        st.rerun()


def referential_tab(store) -> None:
    referential = active_referential(store)
    info = store.referential_info()
    counts = referential.summary()
    if info is None:
        st.markdown(f"**Référentiel des métiers : intégré** (version réduite livrée avec l'outil, "
                    f"{U.fr_number(counts['codes'])} métiers).")  # fmt: skip
        st.caption("Pour utiliser le ROME officiel de France Travail, la personne qui administre "
                   "l'outil lance « python -m matcher referential load DOSSIER » avec l'export "
                   "officiel, puis relance le calcul des suggestions.")  # fmt: skip
    else:
        st.markdown(f"**Référentiel des métiers : {info['source']}**, chargé le "
                    f"{review.fr_datetime(info['loaded_at'])}.")  # fmt: skip
    a, b, c, d = st.columns(4)
    a.metric("Métiers (codes)", U.fr_number(counts["codes"]))
    b.metric("Appellations", U.fr_number(counts["titles"]))
    c.metric("Compétences liées", U.fr_number(counts["skills"]))
    d.metric("Liens entre métiers proches", U.fr_number(counts["close"]))
    stamp = store.communes_stamp()
    st.markdown("**Communes** : " + (
        f"base chargée ({stamp.split(' @ ')[0]})." if stamp else
        "base intégrée du territoire (Béthune-Bruay). Pour toute la région : « python -m "
        "matcher communes load FICHIER » avec la base officielle de La Poste."
    ))  # fmt: skip


def users_tab(user, store) -> None:
    users = auth.list_users(store, user)
    st.dataframe(
        pd.DataFrame({
            "Identifiant": users["login"],
            "Rôle": users["role"].map(lambda r: Role(r).label),
            "Structure": users[F.STRUCTURE].fillna(""),
            "Créé le": users["created_at"].map(review.fr_datetime),
            "État": users["disabled_at"].map(lambda d: f"désactivé le {review.fr_datetime(d)}"
                                             if d else "actif"),
        }),
        hide_index=True, width="stretch",
    )  # fmt: skip
    k = S.NEW_USER
    with (
        st.expander("Créer un compte", icon=":material/person_add:"),
        st.form("new_user", clear_on_submit=True),
    ):
        login = st.text_input("Identifiant", key=f"{k}login",
                                  help="Minuscules, chiffres, point, tiret (ex. marie.dupont)")  # fmt: skip
        role = st.radio("Rôle", [Role.COUNSELLOR.value, Role.COORDINATOR.value],
                            format_func=lambda r: Role(r).label.capitalize(), horizontal=True,
                            key=f"{k}role")  # fmt: skip
        structures = store.structures(user)
        structure = st.selectbox("Structure (conseiller)", ["", *structures],
                                     key=f"{k}structure")  # fmt: skip
        new_structure = st.text_input("… ou nouvelle structure", key=f"{k}new_structure")
        p1 = st.text_input("Mot de passe (12 caractères au moins)", type="password",
                               key=f"{k}p1")  # fmt: skip
        p2 = st.text_input("Mot de passe, encore", type="password", key=f"{k}p2")
        if st.form_submit_button("Créer le compte", type="primary"):
            if p1 != p2:
                st.error("Les deux mots de passe diffèrent : saisissez-les de nouveau.")
            else:
                where = (new_structure.strip() or structure or None) if role == "counsellor" \
                        else None  # fmt: skip
                made = auth.add_user(store, user, login, role, structure=where, password=p1)
                S.flash("success", f"Compte créé : {made.label}. Transmettez l'identifiant "
                            "et le mot de passe à la personne de vive voix.")  # fmt: skip
                st.rerun()
    active = users[users["disabled_at"].isna() & (users["login"] != user.login)]["login"].tolist()
    if not active:
        return
    with st.expander("Changer un mot de passe ou désactiver un compte", icon=":material/key:"):
        target = st.selectbox("Compte", active, key=f"{k}target")
        with st.form("password"):
            p1 = st.text_input("Nouveau mot de passe", type="password", key=f"{k}np1")
            p2 = st.text_input("Nouveau mot de passe, encore", type="password", key=f"{k}np2")
            if st.form_submit_button("Changer le mot de passe"):
                if p1 != p2:
                    st.error("Les deux mots de passe diffèrent : saisissez-les de nouveau.")
                else:
                    auth.set_password(store, user, target, p1)
                    st.success(f"Mot de passe de {target} changé.")
        confirm = st.checkbox(f"Je confirme la désactivation de {target} (ses décisions restent "
                              "dans l'historique)", key=f"{k}confirm")  # fmt: skip
        if st.button("Désactiver le compte", disabled=not confirm, key=f"{k}disable"):
            auth.disable_user(store, user, target)
            S.flash("success", f"Compte {target} désactivé.")
            st.rerun()


def main() -> None:
    user = S.require_coordinator()
    store = S.get_store()
    st.title("Paramètres")
    S.show_flash()
    ranking, referential, users = st.tabs(["Classement", "Référentiel des métiers", "Comptes"])
    with ranking:
        S.guarded(lambda: ranking_tab(user, store))
    with referential:
        S.guarded(lambda: referential_tab(store))
    with users:
        S.guarded(lambda: users_tab(user, store))


S.guarded(main)
