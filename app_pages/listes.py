"""Listes: download the shortlists (for a firm, for a structure, the coordinator's workbook) and
send a filled-in one back; its decisions are applied with a report line by line."""

import datetime as dt

import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.export import shortlists as export
from matcher.text.fold import fold
from matcher.workflow import service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INCLUDE = {
    "ongoing": ("Candidats retenus par les conseillers et au-delà (recommandé)",
                export.FIRM_STATUSES),
    "all": ("Aussi les suggestions pas encore examinées (jour du Busin'ESS)",
            export.FIRM_STATUSES_WITH_SUGGESTED),
}  # fmt: skip


def file_name(*parts: str) -> str:
    text = "-".join(p for p in parts if p)
    text = "-".join(fold(text).split())
    return f"circuit-court_{text}_{dt.date.today():%Y-%m-%d}.xlsx"


NOTHING_RETAINED = ("Aucun candidat retenu pour l'instant : retenez d'abord des candidats (page "
                    "Correspondances), ou incluez les suggestions pas encore examinées.")  # fmt: skip


def download(user, audience: str, rows, label: str, name: str, key: str,
             empty: str = "Aucun candidat à mettre dans cette liste pour l'instant.") -> None:  # fmt: skip
    if rows.empty:
        st.info(empty)
        return
    people = rows[[F.STRUCTURE, F.PROFILE_REF]].drop_duplicates()
    st.caption(f"{U.fr_number(len(rows))} ligne(s), {U.fr_number(len(people))} personne(s), "
               f"{U.fr_number(rows[F.OFFER_REF].nunique())} offre(s).")  # fmt: skip
    with st.container(horizontal=True):
        st.download_button(
            label, data=S.shortlist_builder(user, audience, rows), file_name=name, mime=XLSX,
            key=key, type="primary", icon=":material/download:", on_click="ignore",
        )  # fmt: skip
        if audience == S.FIRM:
            st.download_button(
                "CSV", data=lambda: export.shortlist_csv(rows), key=f"{key}_csv",
                file_name=name.removesuffix(".xlsx") + ".csv", mime="text/csv",
                on_click="ignore", help="Les mêmes colonnes, pour un autre logiciel (séparateur ;)",
            )  # fmt: skip


def firm_section(user, store) -> None:
    with st.container(border=True):
        st.subheader("Pour une entreprise")
        offers = store.offers(user)
        employers = sorted({e for e in offers[F.EMPLOYER].dropna() if str(e).strip()})
        if not employers:
            st.info("Aucune offre ouverte : importez des offres (page Importer).")
            return
        st.caption("La liste des candidats proposés pour les offres d'une entreprise : "
                   "références pseudonymes et conseiller à contacter, jamais l'identité des "
                   "personnes.")  # fmt: skip
        employer = st.selectbox("Entreprise", employers, key=S.LIST_EMPLOYER)
        include = st.radio("Candidats à inclure", list(INCLUDE),
                           format_func=lambda k: INCLUDE[k][0], key=f"{S.LIST_EMPLOYER}_inc")  # fmt: skip
        rows = S.shortlist_rows(user, employer=employer, statuses=INCLUDE[include][1])
        if rows.empty and include == "ongoing":
            st.info("Aucun candidat n'a encore été retenu pour ses offres : les conseillers "
                    "retiennent leurs candidats (page Correspondances), ou incluez les "
                    "suggestions pas encore examinées.")  # fmt: skip
            return
        download(user, S.FIRM, rows, f"Télécharger la liste « {employer} »",
                 file_name("entreprise", employer), "dl_firm")  # fmt: skip


def structure_section(user, store) -> None:
    with st.container(border=True):
        st.subheader("Pour une structure" if user.is_coordinator else "Pour votre structure")
        structures = store.structures(user)
        if not structures:
            st.info("Aucune structure : importez des profils (page Importer).")
            return
        if user.is_coordinator:
            structure = st.selectbox("Structure", structures, key=S.LIST_STRUCTURE)
        else:
            structure = user.structure
        st.caption(f"Les offres suggérées pour chaque personne accompagnée par {structure}, avec "
                   "les raisons et les décisions ; la colonne « Décision » se remplit et le "
                   "fichier se renvoie ci-dessous.")  # fmt: skip
        rows = S.shortlist_rows(user, structure=structure)
        download(user, S.STRUCTURE_LIST, rows, f"Télécharger la liste « {structure} »",
                 file_name("structure", structure), "dl_structure")  # fmt: skip


def offer_section(user, store) -> None:
    """A counsellor: their people for one offer (to send to the firm or to prepare a call)."""
    with st.container(border=True):
        st.subheader("Pour une offre")
        suggestions = store.suggestions(user)
        refs = sorted(suggestions[F.OFFER_REF].unique())
        if not refs:
            st.info("Aucune de vos personnes n'est suggérée pour une offre pour l'instant.")
            return
        offers = store.offers(user, status=None).set_index(F.OFFER_REF)
        ref = st.selectbox(
            "Offre", refs, key=S.LIST_OFFER,
            format_func=lambda r: f"{r} – {offers.at[r, F.TITLE]} ({offers.at[r, F.EMPLOYER]})"
            if r in offers.index else r,
        )  # fmt: skip
        include = st.radio("Candidats à inclure", list(INCLUDE),
                           format_func=lambda k: INCLUDE[k][0], key=f"{S.LIST_OFFER}_inc")  # fmt: skip
        rows = S.shortlist_rows(user, offer_ref=ref, statuses=INCLUDE[include][1])
        download(user, S.FIRM, rows, f"Télécharger la liste de l'offre {ref}",
                 file_name("offre", ref), "dl_offer",
                 empty=NOTHING_RETAINED if include == "ongoing" else "Aucun candidat pour cette offre.")  # fmt: skip


def coordinator_section(user) -> None:
    with st.container(border=True):
        st.subheader("Classeur complet de la coordination")
        st.caption("Une feuille de synthèse (offres, suggestions, décisions) puis une feuille par "
                   "offre. Usage interne : ne pas transmettre aux entreprises.")  # fmt: skip
        rows = S.shortlist_rows(user)
        download(user, S.COORDINATION, rows, "Télécharger le classeur complet",
                 file_name("coordination"), "dl_all")  # fmt: skip


def upload_section(user, store) -> None:
    with st.container(border=True):
        st.subheader("Renvoyer une liste complétée")
        st.caption("Déposez une liste téléchargée ici, avec la colonne « Décision » remplie "
                   "(et « Motif » pour « Non retenu ») : chaque ligne est appliquée ou refusée "
                   "avec sa raison. Une décision plus récente prise entre-temps n'est jamais "
                   "écrasée.")  # fmt: skip
        n = st.session_state.get(S.DECISIONS_FILE, 0)
        upload = st.file_uploader("Liste complétée (.xlsx ou .csv)", type=["xlsx", "csv"],
                                  key=f"{S.DECISIONS_FILE}{n}")  # fmt: skip
        if upload is not None and st.button("Appliquer les décisions", type="primary"):
            with st.spinner("Lecture du fichier et application des décisions…"):
                report = service.import_decisions(
                    store, user, upload.getvalue(), upload.name, S.current_settings(user)
                )
            st.session_state[S.DECISIONS_REPORT] = report
            st.session_state[S.DECISIONS_FILE] = n + 1  # a fresh uploader
            st.rerun()
        report = st.session_state.get(S.DECISIONS_REPORT)
        if report is not None:
            st.markdown(f"**Rapport : {report.source}**")
            U.decision_report(report)


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("Listes")
    S.show_flash()
    if store.suggestions(user).empty:
        st.info("Aucune suggestion pour l'instant : importez des offres et des profils (page "
                "Importer) ; les listes se remplissent avec les suggestions.")  # fmt: skip
        upload_section(user, store)
        return
    left, right = st.columns(2)
    with left:
        if user.is_coordinator:
            firm_section(user, store)
        else:
            offer_section(user, store)
    with right:
        structure_section(user, store)
    if user.is_coordinator:
        coordinator_section(user)
    upload_section(user, store)


S.guarded(main)
