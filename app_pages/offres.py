"""Offres: the offers with filters, how many suggestions and decisions each has; open one to see
its matches. The coordinator also closes or reopens offers and reruns the matching."""

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.fields import OfferStatus, Status
from matcher.workflow import indicators, review, service

STATUS_CHOICES = {"open": "Ouvertes", "closed": "Clôturées", "all": "Toutes"}
UNDATED = "date non précisée"


def rerun_matching(user) -> None:
    store = S.get_store()
    with st.status("Calcul des suggestions en cours…", expanded=True) as status:
        st.write("Lecture des offres et des profils, classement des candidats…")
        suggestions = service.run_matching(store, S.current_settings(user), user=user)
        status.update(label="Calcul terminé", state="complete", expanded=False)
    S.flash("success", f"Suggestions recalculées : {U.fr_number(len(suggestions))} "
            "suggestion(s) ; les décisions déjà prises sont conservées.")  # fmt: skip
    st.rerun()


def offer_table(
    offers: pd.DataFrame, suggestions: pd.DataFrame, decisions: pd.DataFrame, sectors: dict
) -> pd.DataFrame:
    """One display row per offer, with its counts of suggestions and decisions (hires counted
    as the dashboard counts them: highest stage reached)."""
    per_offer = suggestions.groupby(F.OFFER_REF)
    decided = suggestions[suggestions[F.STATUS] != Status.SUGGESTED].groupby(F.OFFER_REF).size()
    ongoing = (
        suggestions[
            suggestions[F.STATUS].isin([Status.RETAINED, Status.PROPOSED, Status.INTERVIEW])
        ]
        .groupby(F.OFFER_REF)
        .size()
    )
    hired = indicators.hires_per_offer(suggestions, decisions)
    refs = offers[F.OFFER_REF]
    return pd.DataFrame({
        F.OFFER_REF: refs,
        F.TITLE: offers[F.TITLE],
        F.EMPLOYER: offers[F.EMPLOYER].fillna(""),
        F.COMMUNE: offers[F.COMMUNE].fillna(""),
        "suggestions": refs.map(per_offer.size()).fillna(0).astype(int),
        "decided": refs.map(decided).fillna(0).astype(int),
        "ongoing": refs.map(ongoing).fillna(0).astype(int),
        "hired": refs.map(hired).fillna(0).astype(int),
        "sector": refs.map(sectors).fillna(indicators.UNKNOWN_SECTOR),
        "qpv": indicators.qpv_group(offers[F.QPV]),
        F.CONTRACT_TYPE: offers[F.CONTRACT_TYPE].map(U.as_text),
        F.START_DATE: offers[F.START_DATE].map(U.fr_date),
        "start": offers[F.START_DATE].map(U.parse_date),
        F.POSITIONS: pd.to_numeric(offers[F.POSITIONS], errors="coerce").fillna(1).astype(int),
        F.STATUS: offers[F.STATUS].map(lambda s: OfferStatus(s).label),
    }).reset_index(drop=True)  # fmt: skip


def filters(table: pd.DataFrame) -> pd.DataFrame:
    """Filter widgets (sector, commune, QPV, contract, start date, text) and the kept rows."""
    k = S.OFFER_FILTERS
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        c4, c5, c6 = st.columns(3)

        def choose(where, label: str, options, name: str, placeholder: str, **kw) -> list:
            return where.multiselect(label, options, key=f"{k}{name}", placeholder=placeholder,
                                     persist_state="session", **kw)  # fmt: skip

        sectors = choose(c1, "Secteur", sorted(table["sector"].unique()), "sector", "Tous")
        communes = choose(c2, "Commune", sorted(x for x in table[F.COMMUNE].unique() if x),
                          "commune", "Toutes")  # fmt: skip
        qpv = choose(c3, "Quartier prioritaire (QPV)", sorted(table["qpv"].unique()), "qpv",
                     "Tous")  # fmt: skip
        contracts = sorted({c.strip() for v in table[F.CONTRACT_TYPE] for c in v.split(",") if c})
        contract = choose(c4, "Contrat", contracts, "contract", "Tous")
        months = sorted({d.strftime("%Y-%m") for d in table["start"] if d is not None})
        start = choose(
            c5, "Début du poste", [*months, UNDATED], "start", "Peu importe",
            format_func=lambda m: m if m == UNDATED else U.fr_month(m),
            help="Mois de la date de début ; « date non précisée » pour les offres sans date "
                 "ou que l'import n'a pas su lire (« selon profil »).",
        )  # fmt: skip
        text = c6.text_input("Rechercher (poste, entreprise, réf.)", key=f"{k}text",
                             persist_state="session")  # fmt: skip
    keep = pd.Series(True, index=table.index)
    if sectors:
        keep &= table["sector"].isin(sectors)
    if communes:
        keep &= table[F.COMMUNE].isin(communes)
    if qpv:
        keep &= table["qpv"].isin(qpv)
    if contract:
        keep &= table[F.CONTRACT_TYPE].map(lambda v: any(c in v.split(", ") for c in contract))
    if start:
        month = table["start"].map(lambda d: UNDATED if d is None else d.strftime("%Y-%m"))
        keep &= month.isin(start)
    if text.strip():
        needle = text.strip().lower()
        hay = (table[F.OFFER_REF] + " " + table[F.TITLE] + " " + table[F.EMPLOYER]).str.lower()
        keep &= hay.str.contains(needle, regex=False)
    return table[keep].reset_index(drop=True)


def offer_actions(user, row: pd.Series) -> None:
    ref = row[F.OFFER_REF]
    st.subheader(f"{row[F.TITLE]} – {row[F.EMPLOYER] or 'entreprise non précisée'}")
    st.caption(f"{ref} · {row[F.COMMUNE] or 'commune non précisée'} · {row['sector']} · "
               f"{row['qpv']} · début {row[F.START_DATE]}")  # fmt: skip
    with st.container(horizontal=True):
        if st.button("Voir les correspondances", type="primary", icon=":material/handshake:"):
            st.session_state[S.SELECTED_OFFER] = ref
            st.session_state[S.MATCH_VIEW] = "offre"
            st.switch_page(S.PAGE_MATCHES)
        if user.is_coordinator:
            closed = row[F.STATUS] == OfferStatus.CLOSED.label
            label = "Rouvrir l'offre" if closed else "Clôturer l'offre (poste pourvu ou retiré)"
            if st.button(label, icon=":material/lock_open:" if closed else ":material/lock:"):
                S.get_store().set_offer_status(
                    user, ref, OfferStatus.OPEN if closed else OfferStatus.CLOSED
                )
                S.flash("success", f"Offre {ref} {'rouverte' if closed else 'clôturée'}.")
                st.rerun()


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("Offres")
    S.show_flash()
    run = store.latest_run(user)
    top_left, top_right = st.columns([3, 2], vertical_alignment="center")
    if run is not None:
        top_left.caption(
            f"Dernier calcul des suggestions : {review.fr_datetime(run['created_at'])}"
        )
    if user.is_coordinator and top_right.button(
        "Relancer le calcul des suggestions", icon=":material/refresh:",
        help="À faire après un import ou un changement de réglages ; les décisions déjà "
             "prises sont conservées.",
    ):  # fmt: skip
        rerun_matching(user)

    choice = st.segmented_control(
        "Offres", list(STATUS_CHOICES), default="open", format_func=STATUS_CHOICES.get,
        key=f"{S.OFFER_FILTERS}status", label_visibility="collapsed", required=True,
        persist_state="session",
    )  # fmt: skip
    offers = store.offers(user, status=None if choice == "all" else choice)
    if offers.empty:
        if choice != "open":
            st.info("Aucune offre dans cette catégorie.")
        elif user.is_coordinator:
            st.info("Aucune offre : importez un fichier d'offres (page Importer), les "
                    "suggestions seront calculées dans la foulée.")  # fmt: skip
            st.page_link(S.PAGE_IMPORT, label="Importer un fichier d'offres",
                         icon=":material/upload_file:")  # fmt: skip
        else:
            st.info("Aucune offre ouverte pour l'instant : le coordinateur du club importe les "
                    "offres des entreprises. Revenez un peu plus tard.")  # fmt: skip
        return

    suggestions = store.suggestions(user)
    table = offer_table(offers, suggestions, store.decisions(user), S.offer_sectors(user))
    if not user.is_coordinator and st.toggle(
        "Seulement les offres où vos personnes sont suggérées", value=True,
        key=f"{S.OFFER_FILTERS}mine", persist_state="session",
    ):  # fmt: skip
        table = table[table["suggestions"] > 0].reset_index(drop=True)
    shown = filters(table)
    scope = "de vos candidats" if not user.is_coordinator else ""
    st.caption(
        f"{U.fr_number(len(shown))} offre(s) sur {U.fr_number(len(table))} · "
        f"{U.fr_number(int(shown['suggestions'].sum()))} suggestion(s) {scope} · "
        f"{U.fr_number(int(shown['decided'].sum()))} décision(s) prise(s). "
        "Cliquez sur une ligne pour ouvrir l'offre."
    )
    if shown.empty:
        st.info("Aucune offre ne correspond à ces filtres : retirez un filtre pour en voir plus.")
        return
    event = st.dataframe(
        shown.drop(columns=["start"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=S.OFFER_TABLE,
        column_config={
            F.OFFER_REF: st.column_config.TextColumn("Réf.", width="small"),
            F.TITLE: st.column_config.TextColumn("Poste", width="medium"),
            F.EMPLOYER: st.column_config.TextColumn("Entreprise", width="medium"),
            F.COMMUNE: "Commune",
            "sector": "Secteur",
            "qpv": "QPV",
            F.CONTRACT_TYPE: "Contrat",
            F.START_DATE: "Début",
            F.POSITIONS: st.column_config.NumberColumn("Postes", format="%d"),
            "suggestions": st.column_config.NumberColumn("Suggestions", format="%d"),
            "decided": st.column_config.NumberColumn(
                "Décisions", format="%d", help="Candidats pour qui une décision a été prise"
            ),
            "ongoing": st.column_config.NumberColumn(
                "En cours", format="%d", help="Retenus, proposés ou en entretien"
            ),
            "hired": st.column_config.NumberColumn("Embauchés", format="%d"),
            F.STATUS: "Statut",
        },
    )
    rows = list(event.selection.rows) if event is not None else []
    if rows and rows[0] < len(shown):
        offer_actions(user, shown.iloc[rows[0]])


S.guarded(main)
