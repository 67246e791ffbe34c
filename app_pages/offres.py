"""Offres: the offers with filters, how many suggestions and decisions each has; open one to see
its matches. The coordinator also closes or reopens offers and reruns the matching."""

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.fields import OfferStatus, Status
from matcher.identity import User
from matcher.reference.display import proper_communes, proper_name, proper_title
from matcher.reference.geo import active_communes
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
    offers: pd.DataFrame,
    suggestions: pd.DataFrame,
    decisions: pd.DataFrame,
    sectors: dict,
    communes: pd.DataFrame,
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
        F.TITLE: proper_title(offers[F.TITLE]),
        F.EMPLOYER: proper_name(offers[F.EMPLOYER]),
        F.COMMUNE: proper_communes(offers[F.COMMUNE], communes),
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
        "status_code": offers[F.STATUS],
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


def offer_detail(user, row: pd.Series) -> None:
    """The chosen offer, beside the table (where the eye is): everything the table leaves
    out, and what to do with it."""
    ref = row[F.OFFER_REF]
    with st.container(key="offer_detail"):
        st.subheader(row[F.TITLE] or "Poste non précisé")
        st.markdown(f"**{row[F.EMPLOYER] or 'Entreprise non précisée'}** · "
                    f"{row[F.COMMUNE] or 'commune non précisée'}")  # fmt: skip
        facts = {
            "Référence": ref,
            "Secteur": row["sector"],
            "Quartier prioritaire": row["qpv"],
            "Contrat": row[F.CONTRACT_TYPE] or "non précisé",
            "Début": row[F.START_DATE],
            "Postes": U.fr_number(row[F.POSITIONS]),
            "Statut": row[F.STATUS],
        }
        st.markdown("\n".join(f"- {k} : {v}" for k, v in facts.items()))
        a, b, c, d = st.columns(4)
        a.metric("Suggestions", U.fr_number(row["suggestions"]))
        b.metric("Décisions", U.fr_number(row["decided"]))
        c.metric("En cours", U.fr_number(row["ongoing"]))
        d.metric("Embauchés", U.fr_number(row["hired"]))
        # Callbacks: they run at the next run whether or not the dialog is drawn again.
        st.button("Voir les correspondances", type="primary", icon=":material/handshake:",
                  on_click=_open_matches, args=(ref,), key="offer_matches")  # fmt: skip
        if user.is_coordinator:
            closed = row["status_code"] == OfferStatus.CLOSED
            label = "Rouvrir l'offre" if closed else "Clôturer l'offre (poste pourvu ou retiré)"
            st.button(label, icon=":material/lock_open:" if closed else ":material/lock:",
                      on_click=_set_status, args=(user, ref, not closed), key="offer_status")  # fmt: skip


def _open_matches(ref: str) -> None:
    st.session_state[S.SELECTED_OFFER] = ref
    st.session_state[S.MATCH_VIEW] = "offre"
    st.session_state[S.GOTO] = S.PAGE_MATCHES


def _set_status(user, ref: str, close: bool) -> None:
    try:
        S.get_store().set_offer_status(user, ref, OfferStatus.CLOSED if close else OfferStatus.OPEN)
    except S.UserError as exc:
        S.flash("error", S._sentence(str(exc)))
        return
    S.flash("success", f"Offre {ref} {'clôturée' if close else 'rouverte'}.")
    st.session_state.pop(S.OFFER_TABLE, None)  # the table changed: no row chosen
    st.session_state.pop(S.OFFER_OPENED, None)


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    goto = st.session_state.pop(S.GOTO, None)
    if goto:
        st.switch_page(goto)
    st.title("Offres")
    S.show_flash()
    _last_run(user, store)

    choice = st.segmented_control(
        "Offres", list(STATUS_CHOICES), default="open", format_func=STATUS_CHOICES.get,
        key=f"{S.OFFER_FILTERS}status", label_visibility="collapsed", required=True,
        persist_state="session",
    )  # fmt: skip
    offers = store.offers(user, status=None if choice == "all" else choice)
    if offers.empty:
        _no_offers(user, choice)
        return

    suggestions = store.suggestions(user)
    table = offer_table(
        offers, suggestions, store.decisions(user), S.offer_sectors(user), active_communes(store)
    )
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
        "Cliquez sur une ligne pour ouvrir la fiche de l'offre."
    )
    if shown.empty:
        st.info("Aucune offre ne correspond à ces filtres : retirez un filtre pour en voir plus.")
        return
    event = _offers_grid(shown)
    rows = list(event.selection.rows) if event is not None else []
    chosen = shown.iloc[rows[0]] if rows and rows[0] < len(shown) else None
    if chosen is None:
        st.session_state.pop(S.OFFER_OPENED, None)
    elif st.session_state.get(S.OFFER_OPENED) != chosen[F.OFFER_REF]:
        # Opened once per click: closing the dialog and changing a filter does not reopen it.
        st.session_state[S.OFFER_OPENED] = chosen[F.OFFER_REF]
        offer_dialog(user, chosen)


def _last_run(user: User, store) -> None:
    """When the suggestions were last computed; the coordinator can compute them again."""
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


def _no_offers(user: User, choice: str) -> None:
    """What to do when there is no offer to show."""
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


def _offers_grid(shown: pd.DataFrame):
    """The table of offers, one row selectable."""
    # The columns that matter fit a laptop screen (1,366 px); the rest is in the offer's
    # detail, which opens in front of the table (a dialog in the middle of the screen: where
    # the eye is, wherever the table was scrolled).
    return st.dataframe(
        shown[[F.TITLE, F.EMPLOYER, F.COMMUNE, "suggestions", "ongoing", "hired", F.START_DATE]],
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(shown), 600),
        on_select="rerun",
        selection_mode="single-row",
        key=S.OFFER_TABLE,
        column_config={
            F.TITLE: st.column_config.TextColumn("Poste", width=245),
            F.EMPLOYER: st.column_config.TextColumn("Entreprise", width=175),
            F.COMMUNE: st.column_config.TextColumn("Commune", width=125),
            "suggestions": st.column_config.NumberColumn("Suggestions", format="%d", width=85),
            "ongoing": st.column_config.NumberColumn(
                "En cours", format="%d", width=70, help="Retenus, proposés ou en entretien"
            ),
            "hired": st.column_config.NumberColumn("Embauchés", format="%d", width=80),
            F.START_DATE: st.column_config.TextColumn("Début", width=90),
        },
    )  # fmt: skip


@st.dialog("Fiche de l'offre", width="medium")
def offer_dialog(user, row: pd.Series) -> None:
    offer_detail(user, row)


S.guarded(main)
