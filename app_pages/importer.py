"""Importer: upload offers (coordinator) or profiles (a structure's people), check the detected
columns and correct the mapping, import, read the report; the suggestions are recomputed."""

import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher import fields as F
from matcher.intake.importer import FIELD_LABELS
from matcher.workflow import queue, review, service

KINDS = {"offers": "Offres d'entreprises", "profiles": "Personnes accompagnées (profils)"}
IGNORE = "(ne pas importer)"
FILE_COLUMN, EXAMPLE, FIELD_COLUMN, HOW = "Colonne du fichier", "Exemple", "Champ", "Reconnaissance"


def field_options(kind: str) -> dict[str, str]:
    """French label -> field, for the mapping editor."""
    fields = F.OFFER_FIELDS if kind == "offers" else F.PROFILE_FIELDS
    return {FIELD_LABELS.get(f, f).capitalize(): f for f in fields}


def choose_kind(user) -> str:
    if not user.is_coordinator:
        st.caption(f"Vous importez les personnes accompagnées par **{user.structure}** ; les "
                   "offres des entreprises sont importées par le coordinateur.")  # fmt: skip
        return "profiles"
    return st.radio("Que voulez-vous importer ?", list(KINDS), format_func=KINDS.get,
                    key=S.IMPORT_KIND, horizontal=True)  # fmt: skip


def choose_structure(user, store) -> str | None:
    """The structure the profiles belong to (a counsellor: their own)."""
    if not user.is_coordinator:
        return user.structure
    known = store.structures(user)
    new = "Nouvelle structure…"
    choice = st.selectbox(
        "Structure d'accompagnement de ces personnes", [*known, new], key=S.IMPORT_STRUCTURE,
        help="Utilisée quand le fichier n'a pas de colonne « structure ».",
    )  # fmt: skip
    if choice == new:
        name = st.text_input("Nom de la nouvelle structure", key=S.IMPORT_NEW_STRUCTURE)
        return name.strip() or None
    return choice


def mapping_editor(preview, kind: str) -> dict[str, str | None]:
    """The detected columns with the proposed field, editable; returns the user's changes
    (raw label -> field, or None to leave a column out)."""
    options = field_options(kind)
    label_of = {f: lab for lab, f in options.items()}
    rows, proposed = [], {}
    for sheet in preview.sheets:
        for label in sheet.labels:
            if label in proposed or label in sheet.dropped_columns:
                continue
            fld = sheet.mapping.columns.get(label)
            proposed[label] = label_of.get(fld, IGNORE) if fld else IGNORE
            values = sheet.rows[label].dropna().astype(str) if label in sheet.rows else []
            how = sheet.mapping.how.get(label, "") if fld else sheet.mapping.notes.get(label, "")
            rows.append({
                FILE_COLUMN: label,
                EXAMPLE: " ; ".join(v[:40] for v in list(values)[:2]),
                FIELD_COLUMN: proposed[label],
                HOW: how,
            })  # fmt: skip
    edited = st.data_editor(
        pd.DataFrame(rows, columns=[FILE_COLUMN, EXAMPLE, FIELD_COLUMN, HOW]),
        key=S.IMPORT_MAPPING,
        hide_index=True,
        width="stretch",
        height=36 * (len(rows) + 1) + 4,  # every column visible without scrolling the table
        disabled=[FILE_COLUMN, EXAMPLE, HOW],
        column_config={
            FIELD_COLUMN: st.column_config.SelectboxColumn(
                FIELD_COLUMN, options=[IGNORE, *options], required=True, width="medium",
                help="Le champ de circuit-court que cette colonne alimente : cliquez pour "
                     "changer",
            ),
            EXAMPLE: st.column_config.TextColumn(EXAMPLE, width="large"),
        },
    )  # fmt: skip
    changes: dict[str, str | None] = {}
    for rec in edited.to_dict("records"):
        if rec[FIELD_COLUMN] != proposed.get(rec[FILE_COLUMN]):
            changes[rec[FILE_COLUMN]] = options.get(rec[FIELD_COLUMN])
    return changes


def show_preview(preview, kind: str) -> None:
    for sheet in preview.sheets:
        where = f"Feuille « {sheet.sheet} »" if sheet.sheet else "Tableau"
        remembered = " (correspondance mémorisée lors d'un import précédent)" if (
            sheet.remembered) else ""  # fmt: skip
        st.caption(f"{where} : en-tête trouvé ligne {sheet.header_row}, "
                   f"{len(sheet.labels)} colonne(s){remembered}.")  # fmt: skip
        if sheet.dropped_columns:
            st.info("Colonnes qui seront supprimées pour préserver l'anonymat des personnes : "
                    + ", ".join(f"« {c} » ({why})" for c, why in sheet.dropped_columns.items())
                    + ".", icon=":material/shield_person:")  # fmt: skip
    for skipped in preview.skipped:
        st.caption(f"Feuille « {skipped.sheet} » ignorée : {skipped.reason}.")
    for note in preview.notes:
        st.caption(note[0].upper() + note[1:] + ".")
    first = preview.sheets[0]
    with st.expander("Premières lignes du fichier", expanded=False):
        st.dataframe(first.rows, hide_index=True, width="stretch")


def run_import(user, data: bytes, name: str, kind: str, structure, sheet, overrides) -> None:
    store = S.get_store()
    settings = S.current_settings(user)
    match = st.session_state.get(S.IMPORT_MATCH, True)
    with st.status("Import en cours…", expanded=True) as status:
        st.write("Lecture du fichier, contrôle et enregistrement des lignes…")
        stored = service.import_into_store(
            store, data, name, kind, settings=settings, structure=structure, sheet=sheet,
            overrides=overrides or None, user=user,
        )  # fmt: skip
        st.write(f"{U.fr_number(stored.result.report.rows_imported)} ligne(s) enregistrée(s).")
        n_suggestions = None
        if match:
            st.write("Calcul des suggestions (les décisions déjà prises sont conservées)…")
            # The import calls for fresh suggestions whoever imported: the matching runs as an
            # internal job for a counsellor (who may not start it by hand).
            n_suggestions = len(service.run_matching(
                store, settings, user=user if user.is_coordinator else None
            ))  # fmt: skip
        status.update(label="Import terminé", state="complete", expanded=False)
    report = stored.result.report
    st.session_state[S.IMPORT_REPORT] = {
        "source": report.source,
        "kind": kind,
        "read": report.rows_read,
        "imported": report.rows_imported,
        "rejected": report.rows_rejected,
        "counts": dict(stored.counts),
        "changes": {k: list(v) for k, v in stored.changes.items()},
        "rejections": _findings(report.rejections),
        "duplicates": _findings(report.duplicates),
        "flags": _findings(report.flags),
        "warnings": list(report.warnings),
        "dropped": dict(report.dropped_columns),
        "redactions": {k: v for k, v in report.redactions.items() if v},
        "lines": report.summary_lines(limit=None),
        "suggestions": n_suggestions,
    }
    st.session_state[S.IMPORT_FILE] = st.session_state.get(S.IMPORT_FILE, 0) + 1  # new uploader
    st.rerun()


def _findings(items) -> list[dict]:
    return [
        {"Feuille": f.sheet or "", "Ligne": f.row, "Colonne": f.column or "",
         "Valeur": f.value or "", "Motif": f.reason}
        for f in items
    ]  # fmt: skip


CHANGE_LABELS = {"created": "Nouvelles", "updated": "Mises à jour", "unchanged": "Inchangées"}
CHANGE_HELP = {
    "created": "Lignes qui n'étaient pas encore dans l'outil",
    "updated": "Déjà dans l'outil, avec un contenu modifié (l'historique est gardé)",
    "unchanged": "Déjà dans l'outil, identiques : rien n'a changé",
}


def _change_table(store, user, kind: str, refs: list[str]) -> pd.DataFrame:
    if kind == "offers":
        offers = store.offers(user, status=None).set_index(F.OFFER_REF)
        return pd.DataFrame({
            "Réf.": refs,
            "Poste": [U.text_of(offers.at[r, F.TITLE]) if r in offers.index else "" for r in refs],
            "Entreprise": [U.text_of(offers.at[r, F.EMPLOYER]) if r in offers.index else ""
                           for r in refs],
        })  # fmt: skip
    return pd.DataFrame({"Personne": refs})


def merge_duplicate(user, new: str, existing: str) -> None:
    """Button callback: the copy imported as ``new`` is merged into ``existing``."""
    try:
        S.get_store().merge_offer(user, new, existing)
    except S.UserError as exc:
        S.flash("error", S._sentence(str(exc)))
        return
    S.flash("success", f"Offre {new} fusionnée avec l'offre {existing} : la copie est retirée, "
            "l'offre existante est gardée avec ses suggestions et décisions.")  # fmt: skip
    st.session_state.setdefault(S.IMPORT_SETTLED, set()).add(new)


def keep_duplicate(new: str, existing: str) -> None:
    S.flash("info", f"Offre {new} gardée comme une offre distincte de {existing}.")
    st.session_state.setdefault(S.IMPORT_SETTLED, set()).add(new)


def show_duplicates(user, rep: dict) -> None:
    settled = st.session_state.get(S.IMPORT_SETTLED, set())
    pending = [d for d in queue.duplicate_offers(rep["duplicates"]) if d["new"] not in settled]
    if not pending or not user.is_coordinator:
        return
    st.markdown("**À décider : même offre qu'une offre déjà enregistrée ?**")
    for d in pending:
        with st.container(border=True):
            st.markdown(f"Ligne {d['Ligne']}" + (f" (feuille « {d['Feuille']} »)" if d["Feuille"]
                        else "") + f" : {d['Motif']}.")  # fmt: skip
            with st.container(horizontal=True):
                st.button(f"Fusionner avec l'offre {d['existing']}", key=f"merge|{d['new']}",
                          type="primary", on_click=merge_duplicate,
                          args=(user, d["new"], d["existing"]),
                          help="La copie est retirée ; l'offre déjà enregistrée est gardée.")  # fmt: skip
                st.button("Garder les deux offres", key=f"keep|{d['new']}",
                          on_click=keep_duplicate, args=(d["new"], d["existing"]))  # fmt: skip


def show_report(user, store, rep: dict) -> None:
    ok = rep["rejected"] == 0
    (st.success if ok else st.warning)(
        f"{rep['source']} importé : {U.fr_number(rep['imported'])} ligne(s) sur "
        f"{U.fr_number(rep['read'])}"
        + ("." if ok else f", {U.fr_number(rep['rejected'])} rejetée(s) : voyez le détail "
           "ci-dessous, corrigez le fichier et importez-le de nouveau (les lignes déjà "
           "importées ne seront pas dupliquées).")
    )  # fmt: skip
    counts, changes = rep["counts"], rep.get("changes", {})
    cols = st.columns(5)
    for col, key in zip(cols, CHANGE_LABELS, strict=False):
        col.metric(CHANGE_LABELS[key], U.fr_number(counts.get(key, 0)), help=CHANGE_HELP[key])
    cols[3].metric("Rejetées", U.fr_number(rep["rejected"]),
                   help="Lignes non importées : le motif de chacune est ci-dessous")  # fmt: skip
    cols[4].metric("Doublons possibles", U.fr_number(len(rep["duplicates"])),
                   help="Importées, mais qui ressemblent à une autre offre : à vérifier")  # fmt: skip
    if rep["suggestions"] is not None:
        st.caption(f"Suggestions recalculées : {U.fr_number(rep['suggestions'])} au total.")
    for warning in rep["warnings"]:
        st.warning(warning)
    show_duplicates(user, rep)
    for key, label in CHANGE_LABELS.items():
        refs = changes.get(key, [])
        if refs:
            with st.expander(f"{label} ({U.fr_number(len(refs))})"):
                st.table(_change_table(store, user, rep["kind"], refs), hide_index=True,
                         border="horizontal")  # fmt: skip
    for key, title in (
        ("rejections", "Lignes rejetées"),
        ("duplicates", "Doublons possibles (importés, à vérifier)"),
        ("flags", "Valeurs gardées telles quelles (à vérifier)"),
    ):
        if rep[key]:
            with st.expander(f"{title} ({U.fr_number(len(rep[key]))})", expanded=key != "flags"):
                # A static table: every reason in full, wrapped (never cut).
                st.table(pd.DataFrame(rep[key]), hide_index=True, border="horizontal")
    if rep["dropped"]:
        st.info("Colonnes supprimées pour l'anonymat : "
                + ", ".join(f"« {c} » ({w})" for c, w in rep["dropped"].items()) + ".")  # fmt: skip
    if rep["redactions"]:
        st.info("Données personnelles masquées dans le texte : "
                + ", ".join(f"{U.fr_number(n)} {k}" for k, n in rep["redactions"].items()) + ".")  # fmt: skip
    with st.expander("Rapport complet"):
        st.text("\n".join(rep["lines"]))
    target = S.PAGE_OFFERS if rep["kind"] == "offers" else S.PAGE_QUEUE
    st.page_link(target, label="Voir les suggestions", icon=":material/arrow_forward:")


def history(user, store) -> None:
    imports = store.imports(user)
    if imports.empty:
        return
    with st.expander(f"Imports précédents ({len(imports)})"):
        recent = imports.iloc[::-1].head(50)
        st.dataframe(
            pd.DataFrame({
                "Date": recent["created_at"].map(review.fr_datetime),
                "Type": recent["kind"].map({"offers": "offres", "profiles": "profils"}),
                "Fichier": recent["source"],
                "Structure": recent[F.STRUCTURE].fillna(""),
                "Par": recent["created_by"].fillna(""),
                "Lues": recent["rows_read"],
                "Importées": recent["rows_imported"],
                "Rejetées": recent["rows_rejected"],
            }),
            hide_index=True, width="stretch",
        )  # fmt: skip


def main() -> None:
    user = S.require_user()
    store = S.get_store()
    st.title("Importer")
    S.show_flash()
    if S.IMPORT_REPORT in st.session_state:
        show_report(user, store, st.session_state[S.IMPORT_REPORT])
        if st.button("Importer un autre fichier", icon=":material/upload_file:"):
            del st.session_state[S.IMPORT_REPORT]
            st.session_state.pop(S.IMPORT_SETTLED, None)
            st.rerun()
        history(user, store)
        return

    kind = choose_kind(user)
    structure = choose_structure(user, store) if kind == "profiles" else None
    upload = st.file_uploader(
        "Fichier Excel (.xlsx) ou CSV",
        # Any file is accepted here: the library reads the type from the content and says in
        # French what is wrong (Streamlit's own refusal is in English).
        key=f"{S.IMPORT_FILE}{st.session_state.get(S.IMPORT_FILE, 0)}",
        help="Le tableau peut commencer plus bas que la première ligne et avoir ses propres "
             "intitulés de colonnes : ils sont reconnus ci-dessous, et vous pouvez corriger.",
    )  # fmt: skip
    if upload is None:
        st.info(
            "Déposez un fichier ci-dessus. Les colonnes sont reconnues automatiquement ; vous "
            "vérifiez la correspondance avant d'importer. Rien n'est enregistré avant de "
            "cliquer sur « Importer »."
        )
        history(user, store)
        return
    data, name = upload.getvalue(), upload.name
    try:
        preview = S.import_preview(user, data, name, kind, structure=structure)
    except S.UserError as exc:  # say what is wrong with the file, and what to do
        st.error(f"{S._sentence(str(exc))} Corrigez le fichier, puis déposez-le de nouveau.")
        return
    if not preview.sheets:
        st.error(f"{name} : aucun tableau reconnu dans ce fichier. Vérifiez qu'il contient une "
                 "ligne d'intitulés de colonnes au-dessus des données.")  # fmt: skip
        return
    sheet = None
    names = [s.sheet for s in preview.sheets if s.sheet]
    if len(names) > 1:
        sheet = st.selectbox("Feuille à importer", [None, *names],
                             format_func=lambda s: "Toutes les feuilles" if s is None else s)  # fmt: skip
    show_preview(preview, kind)
    st.markdown("**Correspondance des colonnes** – vérifiez, corrigez si besoin :")
    overrides = mapping_editor(preview, kind)
    checked = S.import_preview(user, data, name, kind, sheet=sheet, overrides=overrides,
                               structure=structure)  # fmt: skip
    missing = sorted({m for s in checked.sheets for m in s.missing})
    if kind == "profiles" and not structure:
        st.warning("Indiquez la structure d'accompagnement de ces personnes.")
    if missing:
        st.warning("Colonne obligatoire à choisir dans le tableau ci-dessus : "
                   + ", ".join(FIELD_LABELS.get(m, m) for m in missing) + ".")  # fmt: skip
    st.checkbox("Recalculer les suggestions après l'import", value=True, key=S.IMPORT_MATCH)
    ready = not missing and (kind == "offers" or bool(structure))
    if st.button("Importer", type="primary", disabled=not ready, icon=":material/upload:"):
        run_import(user, data, name, kind, structure, sheet, overrides)
    history(user, store)


S.guarded(main)
