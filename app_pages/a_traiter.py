"""À traiter: a counsellor's home. Every suggestion still to review across all their people,
best score first, with filters (offer, job, commune, minimum score, QPV, reach); several rows chosen
and decided at once (the same conflict rule as one by one); and « Sans suggestion »: their
people with none, and why. The coordinator gets the same over all offers and people."""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.fields import RejectReason, Status
from matcher.ranking import explain as X
from matcher.workflow import indicators, queue, review

VIEWS = {"todo": "À traiter", "none": "Sans suggestion"}
QPV_CHOICES = {"all": "Tous", "in": "En QPV", "out": "Hors QPV"}
# Issue 13: the « hors rayon / à discuter » part (reachability tier) on its own, or without it.
REACH_CHOICES = {"all": "Toutes", "in": "À portée", "discuss": F.TO_DISCUSS_LABEL}
BULK = "bulk_"  # prefix of the bulk decision widgets
TABLE = "queue_table"


def filters(rows: pd.DataFrame) -> pd.DataFrame:
    """The filter widgets and the rows they keep."""
    k = S.QUEUE_FILTERS
    with st.container(border=True):
        c1, c2, c3, c4, c5, c6 = st.columns([3, 3, 2, 2, 2, 2])
        labels = (rows[F.OFFER_REF] + " – " + rows[queue.OFFER_TITLE] + " (" +
                  rows[queue.OFFER_EMPLOYER] + ")").drop_duplicates()  # fmt: skip
        by_ref = dict(zip(rows[F.OFFER_REF].drop_duplicates(), labels, strict=True))
        offers = c1.multiselect("Offre", sorted(by_ref), format_func=by_ref.get,
                                key=f"{k}offer", placeholder="Toutes")  # fmt: skip
        jobs = c2.multiselect("Métier (domaine)", sorted(rows[queue.SECTOR].unique()),
                              key=f"{k}job", placeholder="Tous")  # fmt: skip
        communes = c3.multiselect("Commune", sorted(x for x in rows[queue.OFFER_COMMUNE].unique()
                                                    if x), key=f"{k}commune", placeholder="Toutes")  # fmt: skip
        minimum = c4.slider("Score minimal", 0, 100, 0, 5, key=f"{k}min", format="%d / 100")
        qpv = c5.selectbox("Quartier prioritaire", list(QPV_CHOICES), format_func=QPV_CHOICES.get,
                           key=f"{k}qpv")  # fmt: skip
        reach = c6.selectbox("Portée", list(REACH_CHOICES), format_func=REACH_CHOICES.get,
                             key=f"{k}reach")  # fmt: skip
    keep = rows[queue.POINTS] >= minimum
    if offers:
        keep &= rows[F.OFFER_REF].isin(offers)
    if jobs:
        keep &= rows[queue.SECTOR].isin(jobs)
    if communes:
        keep &= rows[queue.OFFER_COMMUNE].isin(communes)
    if qpv == "in":
        keep &= rows[queue.OFFER_QPV] == indicators.IN_QPV
    elif qpv == "out":
        keep &= rows[queue.OFFER_QPV] != indicators.IN_QPV
    discuss = rows[F.TO_DISCUSS].astype(bool) if F.TO_DISCUSS in rows else False
    if reach == "in":
        keep &= ~discuss
    elif reach == "discuss":
        keep &= discuss
    st.session_state[S.QUEUE_SIGNATURE] = repr((offers, jobs, communes, minimum, qpv, reach))
    return rows[keep].reset_index(drop=True)


def display(rows: pd.DataFrame, coordinator: bool) -> pd.DataFrame:
    warnings = rows[F.REASONS].map(lambda r: "; ".join(X.split_reasons(r)[1]))
    if F.TO_DISCUSS in rows:  # issue 13: « Hors rayon / à discuter » first in what to check
        reach = rows.get(F.REACH_REASON, pd.Series("", index=rows.index)).map(U.text_of)
        label = (F.TO_DISCUSS_LABEL + " " + reach).str.strip()
        warnings = warnings.where(~rows[F.TO_DISCUSS], label + "; " + warnings).str.strip("; ")
    table = pd.DataFrame({
        "Score": rows[queue.POINTS],
        "Personne": rows[F.PROFILE_REF],
        "Structure": rows[F.STRUCTURE],
        "Métier visé": rows[queue.TARGET_JOBS],
        "Poste": rows[queue.OFFER_TITLE],
        "Entreprise": rows[queue.OFFER_EMPLOYER],
        "Commune": rows[queue.OFFER_COMMUNE],
        "À vérifier": warnings,
    })  # fmt: skip
    if not coordinator:
        table = table.drop(columns="Structure")
    return table


def decide_many(user, rows: pd.DataFrame, status: Status, reason: RejectReason | None) -> None:
    """Button callback: the chosen rows decided at once, each with the decision it was shown
    with (a row decided meanwhile by someone else is refused, as one by one)."""
    items = [
        review.Decision(
            r[F.OFFER_REF], r[F.PROFILE_REF], status.value, reason=reason and reason.value,
            structure=r[F.STRUCTURE], base_review_id=int(r[F.REVIEW_ID] or 0),
            source=review.SOURCE_DASHBOARD,
        )
        for r in rows.to_dict("records")
    ]  # fmt: skip
    report = review.apply_decisions(S.get_store(), user, items, source=review.SOURCE_DASHBOARD)
    counts = report.counts()
    what = f"« {status.label} »" + (f" ({reason.label})" if reason else "")
    done = counts[review.APPLIED]
    S.flash("success" if not counts[review.REFUSED] else "warning",
            f"{U.fr_number(done)} décision(s) {what} enregistrée(s)"
            + (f", {U.fr_number(counts[review.UNCHANGED])} inchangée(s)"
               if counts[review.UNCHANGED] else "")
            + (f", {U.fr_number(counts[review.REFUSED])} refusée(s) : "
               + " ; ".join(o.text() for o in report.refused) if counts[review.REFUSED] else "")
            + ".")  # fmt: skip
    st.session_state[S.QUEUE_TABLE_N] = st.session_state.get(S.QUEUE_TABLE_N, 0) + 1


def bulk_bar(user, chosen: pd.DataFrame) -> None:
    n = len(chosen)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        if n == 0:
            st.caption("Cochez des lignes (case à gauche du tableau) pour les décider ensemble ; "
                       "une seule ligne cochée ouvre sa fiche sous le tableau.")  # fmt: skip
            return
        st.markdown(f"**{U.fr_number(n)} ligne(s) choisie(s)**")
        st.button(f"Retenir ({n})", type="primary", key=f"{BULK}retain", icon=":material/check:",
                  on_click=decide_many, args=(user, chosen, Status.RETAINED, None))  # fmt: skip
        with st.popover(f"Non retenu… ({n})", key=f"{BULK}reject"):
            st.caption("Cliquez sur le motif : les décisions sont enregistrées aussitôt.")
            for reason in RejectReason:
                st.button(reason.label.capitalize(), key=f"{BULK}reason|{reason.value}",
                          on_click=decide_many, args=(user, chosen, Status.REJECTED, reason))  # fmt: skip
        st.button(f"Sans suite ({n})", key=f"{BULK}drop",
                  on_click=decide_many, args=(user, chosen, Status.DROPPED, None))  # fmt: skip


def todo_view(user, rows: pd.DataFrame) -> None:
    if rows.empty:
        st.success("Rien à traiter : toutes les suggestions ont reçu une décision.")
        return
    shown = filters(rows)
    scope = "de vos personnes" if not user.is_coordinator else "toutes structures"
    st.caption(f"{U.fr_number(len(shown))} suggestion(s) à traiter sur "
               f"{U.fr_number(len(rows))} ({scope}), la meilleure d'abord.")  # fmt: skip
    if shown.empty:
        st.info("Aucune suggestion ne correspond à ces filtres : retirez un filtre pour en voir "
                "plus.")  # fmt: skip
        return
    bar = st.container()
    # A fresh table (no selection) after a bulk decision or when the filters change.
    signature = zlib.crc32(st.session_state.get(S.QUEUE_SIGNATURE, "").encode())
    key = f"{TABLE}{st.session_state.get(S.QUEUE_TABLE_N, 0)}_{signature}"
    event = st.dataframe(
        display(shown, user.is_coordinator), hide_index=True, width="stretch", height=420,
        on_select="rerun", selection_mode="multi-row", key=key,
        # Every column visible on a laptop screen (1,366 px); the rest is in the row's card.
        column_config={
            "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100,
                                                     format="%d", width=70,
                                                     help="Sur 100 ; détail dans la fiche"),
            "Personne": st.column_config.TextColumn("Personne", width=105),
            "Structure": st.column_config.TextColumn("Structure", width=120),
            "Métier visé": st.column_config.TextColumn("Métier visé", width=150),
            "Poste": st.column_config.TextColumn("Poste", width=170),
            "Entreprise": st.column_config.TextColumn("Entreprise", width=135),
            "Commune": st.column_config.TextColumn("Commune", width=100),
            "À vérifier": st.column_config.TextColumn("À vérifier", width=130),
        },
    )  # fmt: skip
    picked = [i for i in (event.selection.rows if event is not None else []) if i < len(shown)]
    chosen = shown.iloc[picked]
    with bar:
        bulk_bar(user, chosen)
    if len(chosen) == 1:
        rec = chosen.iloc[0].to_dict()
        U.suggestion_card(
            user, rec, f"{rec[F.PROFILE_REF]} → {rec[queue.OFFER_TITLE]}",
            f"{rec[queue.OFFER_EMPLOYER]} · {rec[queue.OFFER_COMMUNE]} · {rec[F.OFFER_REF]}"
            + (f" · début {U.fr_date(rec[queue.OFFER_START])}"
               if U.text_of(rec[queue.OFFER_START]) else "")
            + (f" · {rec[F.STRUCTURE]}" if user.is_coordinator else ""),
        )  # fmt: skip


@st.cache_data(max_entries=16, show_spinner=False)
def _without(path: str, user, version: int, stamp: str | None) -> pd.DataFrame:
    store = S.get_store()
    return queue.without_suggestion(store, user, S.current_settings(user))


def none_view(user) -> None:
    store = S.get_store()
    with st.spinner("Recherche des raisons pour chaque personne sans suggestion…"):
        people = _without(str(store.path), user, store.data_version(), store.referential_stamp())
    if people.empty:
        st.success("Chacune de vos personnes a au moins une suggestion." if not user.is_coordinator
                   else "Chaque personne a au moins une suggestion.")  # fmt: skip
        return
    counts = people[queue.WHY_KIND].map(queue.WHY_LABELS).value_counts()
    st.caption(f"{U.fr_number(len(people))} personne(s) sans suggestion : "
               + ", ".join(f"{label} {U.fr_number(n)}" for label, n in counts.items()) + ".")  # fmt: skip
    table = pd.DataFrame({
        "Personne": people[F.PROFILE_REF],
        "Structure": people[F.STRUCTURE],
        "Métier visé": people[queue.TARGET_JOBS],
        "Raison": people[queue.WHY_KIND].map(queue.WHY_LABELS).str.capitalize(),
        "Détail": people[queue.WHY],
    })  # fmt: skip
    if not user.is_coordinator:
        table = table.drop(columns="Structure")
    st.table(table, hide_index=True, border="horizontal")


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("À traiter")
    S.show_flash()
    with st.spinner("Chargement des suggestions à traiter…"):
        rows = queue.todo(store, user)
    if store.counts(user)["profiles"] == 0:
        st.info("Aucune personne importée : importez le fichier de vos personnes accompagnées "
                "(page Importer)." if not user.is_coordinator else
                "Aucun profil importé : les structures importent leurs personnes accompagnées "
                "(page Importer).")  # fmt: skip
        return
    view = st.segmented_control(
        "Vue", list(VIEWS), default="todo", required=True, key=S.QUEUE_VIEW,
        label_visibility="collapsed",
        format_func=lambda v: f"{VIEWS[v]} ({U.fr_number(len(rows))})" if v == "todo"
        else VIEWS[v],
    )  # fmt: skip
    if view == "none":
        none_view(user)
    else:
        todo_view(user, rows)


S.guarded(main)
