"""Journée Busin'ESS: the coordinator sets the day up (hours, tables and rooms, firms, business
meetings), plans it with a progress bar, sees the grid (tables x time, coloured by structure),
moves a meeting by hand (conflicts refused), re-plans the rest of the day, and downloads the
documents. A counsellor sees their people's timetable, sets their windows and downloads their
structure's sheet."""

from __future__ import annotations

import concurrent.futures
import time
from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.day import documents as D
from matcher.day import model as M
from matcher.day import planner as P
from matcher.day import service as DS
from matcher.errors import UserError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
K = S.DAY  # widget keys prefix


def _name(kind: str, ext: str = "xlsx") -> str:
    return f"circuit-court_journee_{kind}.{ext}"


# --------------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------------
def _breaks_text(day: M.DayFrame) -> str:
    return "; ".join(f"{a}-{b}" for a, b in day.breaks)


def _parse_breaks(text: str) -> tuple[tuple[str, str], ...]:
    out = []
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "-" not in part:
            raise UserError(f"pause « {part} » : attendu DÉBUT-FIN, par exemple 12:00-14:00")
        a, b = part.split("-", 1)
        out.append((a.strip(), b.strip()))
    return tuple(out)


def setup_section(user, store) -> None:
    setup = DS.load_setup(store, user)
    pairs = store.day_pairs(user, all_retained=setup.all_retained)
    st.caption(f"{U.fr_number(len(pairs))} paire(s) pour la journée : les personnes retenues "
               "et inscrites « pour la journée » par leur conseiller (page Correspondances).")  # fmt: skip
    with st.form(f"{K}setup"):
        c1, c2, c3, c4, c5 = st.columns(5)
        date = c1.text_input("Date (AAAA-MM-JJ)", setup.day.date)
        start = c2.text_input("Début", setup.day.start)
        end = c3.text_input("Fin", setup.day.end)
        minutes = c4.number_input("Créneau (min)", 5, 240, setup.day.slot_minutes, step=5)
        breaks = c5.text_input("Pauses", _breaks_text(setup.day), help="ex. 12:00-14:00")
        all_retained = st.checkbox(
            "Inclure toutes les paires retenues, même non inscrites « pour la journée »",
            setup.all_retained,
        )
        st.markdown("**Tables** – une table attribuée à une entreprise est la sienne ; les "
                    "autres sont partagées.")  # fmt: skip
        tables = st.data_editor(
            setup.tables.reindex(columns=list(M.TABLE_COLUMNS)), num_rows="dynamic",
            key=f"{K}tables", width="stretch",
            column_config={M.TABLE: st.column_config.TextColumn("Table", required=True),
                           M.ROOM: st.column_config.TextColumn("Salle", required=True),
                           M.FIRM: st.column_config.TextColumn("Entreprise (si réservée)")},
        )  # fmt: skip
        st.markdown("**Entreprises** – heures de présence (vides : toute la journée), quartier "
                    "prioritaire, contact.")  # fmt: skip
        firms = setup.firms.reindex(columns=list(DS.SETUP_FIRM_COLUMNS))
        known = set(firms[M.FIRM])
        offers = store.offers(user, status=None).set_index(F.OFFER_REF)
        present = sorted({str(offers.at[r, F.EMPLOYER]) for r in pairs[F.OFFER_REF]
                          if r in offers.index and offers.at[r, F.EMPLOYER]} - known)  # fmt: skip
        if present:
            defaults = DS.firm_defaults(offers.reset_index(), present)
            firms = pd.concat([firms, defaults], ignore_index=True) if len(firms) else defaults
        firms[M.QPV] = firms[M.QPV].fillna(False).astype(bool)
        firms = st.data_editor(
            firms, num_rows="dynamic", key=f"{K}firms", width="stretch",
            column_config={M.FIRM: st.column_config.TextColumn("Entreprise", required=True),
                           M.QPV: st.column_config.CheckboxColumn("QPV"),
                           M.ARRIVAL: st.column_config.TextColumn("Arrivée"),
                           M.DEPARTURE: st.column_config.TextColumn("Départ"),
                           M.CONTACT: st.column_config.TextColumn("Contact")},
        )  # fmt: skip
        st.markdown("**Rencontres entre entreprises** (deux entreprises, une table, un créneau)")
        b2b = st.data_editor(
            setup.b2b.reindex(columns=list(DS.B2B_COLUMNS)), num_rows="dynamic", key=f"{K}b2b",
            width="stretch",
            column_config={M.FIRM: st.column_config.TextColumn("Entreprise"),
                           M.OTHER_FIRM: st.column_config.TextColumn("Rencontre")},
        )  # fmt: skip
        saved = st.form_submit_button("Enregistrer la préparation", type="primary")
    if saved:
        day = M.DayFrame(date.strip(), start.strip(), end.strip(), int(minutes),
                         _parse_breaks(breaks))  # fmt: skip
        new = DS.DaySetup(day, tables.fillna(""), firms, b2b.fillna(""), all_retained)
        DS.save_setup(store, user, new)
        S.flash("success", f"Préparation enregistrée : {len(day.slots())} créneaux, "
                f"{len(new.tables)} tables.")  # fmt: skip
        st.rerun()
    with st.expander("Créer des tables partagées d'un coup"):
        c1, c2 = st.columns([1, 3])
        count = c1.number_input("Nombre de tables", 1, 500, 20, key=f"{K}gen_n")
        rooms = c2.text_input("Salles (séparées par des virgules)", "Salle A, Salle B",
                              key=f"{K}gen_rooms")  # fmt: skip
        if st.button("Remplacer les tables", key=f"{K}gen"):
            setup.tables = DS.make_tables(int(count), rooms.split(","))
            DS.save_setup(store, user, setup)
            S.flash("success", f"{int(count)} tables créées.")
            st.rerun()


# --------------------------------------------------------------------------------------------
# Planning (in a worker thread: the page polls it to move the progress bar)
# --------------------------------------------------------------------------------------------
def _run_with_progress(label: str, job, limit: float):
    """Run ``job(progress)`` in a thread; the progress bar follows the solver's messages and
    the time spent against the time limit."""
    state = {"fraction": 0.0, "message": "préparation"}

    def progress(fraction: float, message: str) -> None:
        state["fraction"], state["message"] = fraction, message

    bar = st.progress(0.0, text=label)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(job, progress)
        while not future.done():
            elapsed = time.monotonic() - started
            shown = max(state["fraction"], min(elapsed / max(limit + 2, 1), 0.97))
            bar.progress(min(shown, 1.0), text=f"{label} – {state['message']} ({elapsed:.0f} s)")
            time.sleep(0.3)
        result = future.result()
    bar.progress(1.0, text=f"{label} – terminé")
    return result


def _figures(stats: dict) -> None:
    c = st.columns(4)
    c[0].metric("Rencontres placées", U.fr_number(stats.get("rencontres")),
                help=f"sur {stats.get('demandes')} demandées ; au plus {stats.get('borne')} "
                "possibles (tables, présences)")  # fmt: skip
    c[1].metric("Non placées", U.fr_number(stats.get("non_placees")))
    c[2].metric("Personnes avec un rendez-vous",
                f"{stats.get('personnes_avec_rencontre')} / {stats.get('personnes')}")  # fmt: skip
    c[3].metric("Calcul", f"{U.fr_number(stats.get('secondes'), 1)} s",
                help=P.SOLVER_LABELS.get(stats.get("solveur", ""), ""))  # fmt: skip
    if "deplacees" in stats:
        st.caption(f"Re-planification : {stats['tenues']} déjà tenue(s), {stats['gardees']} "
                   f"gardée(s) à leur place, {stats['deplacees']} déplacée(s), "
                   f"{stats['ajoutees']} ajoutée(s), {stats['retirees']} retirée(s).")  # fmt: skip


def plan_section(user, store) -> None:
    settings = S.current_settings(user).day
    c1, c2 = st.columns(2)
    solver = c1.selectbox("Méthode", P.SOLVERS, format_func=P.SOLVER_LABELS.get,
                          key=f"{K}solver")  # fmt: skip
    limit = c2.number_input("Temps de calcul maximal (s)", 1, 600, int(settings.time_limit_s),
                            key=f"{K}limit")  # fmt: skip
    settings = replace(settings, time_limit_s=float(limit))
    if st.button("Planifier la journée", type="primary", key=f"{K}plan",
                 icon=":material/calendar_month:"):  # fmt: skip
        result = _run_with_progress(
            "Planification",
            lambda progress: DS.plan_day(store, user, settings, solver, progress=progress),
            settings.time_limit_s,
        )
        st.session_state[S.DAY_RESULT] = result.stats
        S.flash("success", f"Planning enregistré : {result.stats['rencontres']} rencontre(s).")
        st.rerun()
    _, _, info = store.day_timetable(user)
    if info is None:
        st.info("Aucun planning pour l'instant : préparez la journée puis planifiez.")
        return
    st.caption(f"Planning du {U.fr_date(info['created_at'][:10])} par {info['created_by']}.")
    _figures(info["stats"])
    with st.expander("Le jour même : absences, re-planification de la suite"):
        setup = DS.load_setup(store, user)
        problem = DS.build_problem(store, user, setup)
        now = st.selectbox("À partir de", [M.fmt_time(s.start) for s in problem.slots],
                           key=f"{K}now")  # fmt: skip
        firms = st.multiselect("Entreprises absentes ou parties", sorted(problem.firms[M.FIRM]),
                               key=f"{K}absent_firms")  # fmt: skip
        people = st.multiselect(
            "Personnes absentes ou parties", sorted(problem.people[M.PERSON]),
            format_func=lambda k: f"{k.partition('|')[2]} ({k.partition('|')[0]})",
            key=f"{K}absent_people",
        )  # fmt: skip
        st.caption("Les rendez-vous déjà commencés restent ; les autres bougent le moins "
                   "possible. Une paire inscrite entre-temps est ajoutée si elle trouve place.")  # fmt: skip
        if st.button("Re-planifier la suite de la journée", key=f"{K}replan"):
            result = _run_with_progress(
                "Re-planification",
                lambda progress: DS.replan_day(store, user, now, absent_firms=firms,
                                               absent_people=people, settings=settings,
                                               solver=solver, progress=progress),
                settings.time_limit_s,
            )  # fmt: skip
            S.flash("success", f"Suite de la journée re-planifiée : {result.stats['deplacees']} "
                    "rendez-vous déplacé(s).")  # fmt: skip
            st.rerun()


# --------------------------------------------------------------------------------------------
# Grid, hand moves
# --------------------------------------------------------------------------------------------
def grid_chart(day: M.DayFrame, tables: pd.DataFrame, meetings: pd.DataFrame) -> alt.Chart:
    """Tables x time, one coloured box per meeting (colour: structure; grey: between firms)."""
    slots = day.slots()
    order = [s.label for s in slots]
    rows = [
        f"{t[M.ROOM]} · {t[M.TABLE]}"
        for t in tables.sort_values([M.ROOM, M.TABLE]).to_dict("records")
    ]
    data = meetings.assign(
        creneau=[slots[s].label for s in meetings[M.SLOT]],
        ligne=meetings[M.ROOM] + " · " + meetings[M.TABLE],
        couleur=[D.B2B_LABEL if k == M.KIND_FIRMS else s
                 for k, s in zip(meetings[M.KIND], meetings[M.STRUCTURE], strict=True)],
        avec=[o or p for o, p in zip(meetings[M.OTHER_FIRM], meetings[M.PROFILE_REF], strict=True)],
    )  # fmt: skip
    colours = D.structure_colours(meetings[M.STRUCTURE].tolist())
    domain = [*colours, D.B2B_LABEL]
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("creneau:O", sort=order, title="Créneau", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("ligne:O", sort=rows, title=None, scale=alt.Scale(domain=rows)),
            color=alt.Color("couleur:N", title="Structure",
                            scale=alt.Scale(domain=domain, range=[*colours.values(), D.B2B_COLOUR])),
            tooltip=[alt.Tooltip("creneau:O", title="Créneau"),
                     alt.Tooltip(f"{M.FIRM}:N", title="Entreprise"),
                     alt.Tooltip("avec:N", title="Avec"),
                     alt.Tooltip(f"{M.STRUCTURE}:N", title="Structure"),
                     alt.Tooltip(f"{M.TABLE}:N", title="Table")],
        )
        .properties(height=max(18 * len(rows), 120))
    )  # fmt: skip


def grid_section(user, store) -> None:
    meetings, unplaced, info = store.day_timetable(user)
    if info is None:
        st.info("Aucun planning pour l'instant.")
        return
    setup = DS.load_setup(store, user)
    st.altair_chart(grid_chart(setup.day, setup.tables, meetings), width="stretch")
    st.markdown("**Déplacer un rendez-vous à la main** (refusé s'il crée un conflit)")
    problem = DS.build_problem(store, user, setup)
    labels = {
        m[M.REQUEST]: f"{m[M.START]} · {m[M.TABLE]} · {m[M.FIRM]} – "
                      f"{m[M.OTHER_FIRM] or m[M.PROFILE_REF]}"
        for m in meetings.to_dict("records") if not m[M.HELD]
    }  # fmt: skip
    labels.update({u[M.REQUEST]: f"non placé · {u[M.FIRM]} – {u[M.OTHER_FIRM] or u[M.PROFILE_REF]}"
                   for u in unplaced.fillna("").to_dict("records")})  # fmt: skip
    if not labels:
        st.caption("Aucun rendez-vous à déplacer.")
    else:
        c1, c2, c3, c4 = st.columns([4, 2, 2, 1], vertical_alignment="bottom")
        request = c1.selectbox(
            "Rendez-vous", list(labels), format_func=labels.get, key=f"{K}move_req"
        )
        slot = c2.selectbox("Créneau", [s.index for s in problem.slots],
                            format_func=lambda i: problem.slots[i].label, key=f"{K}move_slot")  # fmt: skip
        table = c3.selectbox("Table", problem.tables[M.TABLE].tolist(), key=f"{K}move_table")
        if c4.button("Déplacer", key=f"{K}move"):
            try:
                DS.move_in_day(store, user, request, int(slot), table, S.current_settings(user).day)
            except UserError as exc:
                st.error(S._sentence(str(exc)))
            else:
                S.flash("success", f"Rendez-vous déplacé : {problem.slots[int(slot)].label}, "
                        f"table {table}.")  # fmt: skip
                st.rerun()
    if len(unplaced):
        st.markdown(f"**Non placés ({len(unplaced)})**")
        st.dataframe(
            unplaced[[M.FIRM, M.OTHER_FIRM, M.PROFILE_REF, M.STRUCTURE, M.REASON]].rename(columns={
                M.FIRM: "Entreprise", M.OTHER_FIRM: "Autre entreprise", M.PROFILE_REF: "Réf.",
                M.STRUCTURE: "Structure", M.REASON: "Pourquoi"}),
            hide_index=True, width="stretch",
        )  # fmt: skip


def documents_section(user, store) -> None:
    meetings, unplaced, info = store.day_timetable(user)
    if info is None:
        st.info("Les documents se téléchargent une fois la journée planifiée.")
        return
    setup = DS.load_setup(store, user)
    day, tables = setup.day, setup.tables
    with st.container(horizontal=True):
        st.download_button(
            "Grilles des salles (PDF)", data=lambda: D.rooms_pdf(day, tables, meetings),
            file_name=_name("salles", "pdf"), mime="application/pdf", key=f"{K}dl_pdf",
            type="primary", icon=":material/picture_as_pdf:", on_click="ignore",
        )  # fmt: skip
        st.download_button("Grilles des salles (Excel)", key=f"{K}dl_rooms", on_click="ignore",
                           data=lambda: D.rooms_workbook(day, tables, meetings),
                           file_name=_name("salles"), mime=XLSX)  # fmt: skip
        st.download_button("Planning par entreprise", key=f"{K}dl_firms", on_click="ignore",
                           data=lambda: D.firms_workbook(day, meetings),
                           file_name=_name("entreprises"), mime=XLSX)  # fmt: skip
        st.download_button("Planning par structure", key=f"{K}dl_structures", on_click="ignore",
                           data=lambda: D.structures_workbook(day, meetings),
                           file_name=_name("structures"), mime=XLSX)  # fmt: skip
        st.download_button(
            "Classeur de la coordination", key=f"{K}dl_all", on_click="ignore",
            data=lambda: D.coordinator_workbook(day, tables, meetings, unplaced, info["stats"]),
            file_name=_name("coordination"), mime=XLSX,
        )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Counsellor
# --------------------------------------------------------------------------------------------
def counsellor_view(user, store) -> None:
    meetings, _, info = store.day_timetable(user)
    st.subheader("Le planning de vos personnes")
    if info is None:
        st.info("Le coordinateur n'a pas encore planifié la journée. Inscrivez vos personnes "
                "retenues « pour la journée » (page Correspondances) et indiquez leurs heures "
                "de présence ci-dessous.")  # fmt: skip
    elif meetings.empty:
        st.info("Aucun rendez-vous pour vos personnes dans le planning actuel.")
    else:
        shown = meetings.sort_values([M.PROFILE_REF, M.SLOT])
        st.dataframe(
            shown[[M.PROFILE_REF, M.START, M.END, M.ROOM, M.TABLE, M.FIRM, M.OFFER_REF,
                   M.ACCOMPANIED]].rename(columns={
                M.PROFILE_REF: "Réf.", M.START: "Début", M.END: "Fin", M.ROOM: "Salle",
                M.TABLE: "Table", M.FIRM: "Entreprise", M.OFFER_REF: "Offre(s)",
                M.ACCOMPANIED: "Accompagné(e)"}),
            hide_index=True, width="stretch",
        )  # fmt: skip
        setup = DS.load_setup(store, user)
        st.download_button(
            f"Télécharger le planning « {user.structure} »", key=f"{K}dl_mine",
            data=lambda: D.structures_workbook(setup.day, meetings, [user.structure]),
            file_name=_name("structure"), mime=XLSX, type="primary", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip
    st.subheader("Heures de présence de vos personnes")
    pairs = store.day_pairs(user, all_retained=DS.load_setup(store, user).all_retained)
    if pairs.empty:
        st.caption("Aucune de vos personnes n'est inscrite pour la journée.")
        return
    people = pairs[[F.STRUCTURE, F.PROFILE_REF]].drop_duplicates()
    windows = store.day_people(user)
    people = people.merge(windows, on=[F.STRUCTURE, F.PROFILE_REF], how="left")
    people[M.ACCOMPANIED] = people[M.ACCOMPANIED].fillna(False).astype(bool)
    people = people.fillna("")
    with st.form(f"{K}windows"):
        edited = st.data_editor(
            people, key=f"{K}people", hide_index=True, width="stretch",
            disabled=[F.STRUCTURE, F.PROFILE_REF],
            column_config={F.STRUCTURE: None, F.PROFILE_REF: "Réf.",
                           M.ARRIVAL: st.column_config.TextColumn("Arrivée (HH:MM)"),
                           M.DEPARTURE: st.column_config.TextColumn("Départ (HH:MM)"),
                           M.ACCOMPANIED: st.column_config.CheckboxColumn("Je l'accompagne")},
        )  # fmt: skip
        if st.form_submit_button("Enregistrer les heures"):
            n = store.save_day_people(user, edited)
            S.flash("success", f"Heures de présence enregistrées pour {n} personne(s).")
            st.rerun()


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("Journée Busin'ESS")
    S.show_flash()
    if not user.is_coordinator:
        counsellor_view(user, store)
        return
    # The tab chosen stays chosen across reruns (key); a day already planned opens on its plan.
    planned = store.day_timetable(user)[2] is not None
    prep, plan, grid, docs = st.tabs(
        ["Préparer", "Planifier", "Grille", "Documents"], key=f"{K}tab",
        default="Planifier" if planned else "Préparer",
    )  # fmt: skip
    with prep:
        S.guarded(lambda: setup_section(user, store))
    with plan:
        S.guarded(lambda: plan_section(user, store))
    with grid:
        S.guarded(lambda: grid_section(user, store))
    with docs:
        S.guarded(lambda: documents_section(user, store))


S.guarded(main)
