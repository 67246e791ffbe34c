"""Import: a file -> canonical offers or profiles frame plus a report where every row is counted.

readers (raw text tables) -> privacy (profiles: personal columns dropped before anything else) ->
mapping (canonical fields) -> privacy (profiles: personal data in text redacted) -> parsing (typed
values, flags) -> rows checked (required fields, repeated headers, duplicates). Nothing here
touches the database: the store saves the frame and the report in one transaction.

Every non-empty row under the header of an imported sheet is either imported or rejected with a
reason; a value that cannot be read is kept as text and flagged, it does not stop the row. The
report says where (file, sheet, row as Excel shows it, column) in French, and keeps structured
fields for the dashboard.

The report and its sentences are in ``report``; the column mapping shared with the preview in
``columns``; offer identity and duplicates in ``duplicates``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.errors import UserError
from matcher.intake import codes, francetravail, parsing, places, privacy, structured
from matcher.intake.columns import adapt_tables, header_scorer, map_table, required_fields
from matcher.intake.detect import FORMAT_LABELS
from matcher.intake.duplicates import check_duplicates, content_keys
from matcher.intake.mapping import (
    FIELD_LABELS,
    ColumnMapping,
    SynonymIndex,
    synonym_index,
)
from matcher.intake.readers import ReadResult, SkippedSheet, read_bytes, read_file
from matcher.intake.report import Finding, ImportReport, Kind, SheetReport
from matcher.intake.tables import RawTable
from matcher.intake.xlsx import ADVICE_FORMULAS
from matcher.settings import ImportLimits

if TYPE_CHECKING:
    from matcher.reference.referential import Referential

log = logging.getLogger(__name__)

ROW_NOUN = {"offers": "une offre", "profiles": "un profil"}

__all__ = [
    "FIELD_LABELS",
    "ImportResult",
    "Preview",
    "SheetPreview",
    "import_file",
    "import_path",
    "preview_file",
]

# Values the parsers read, per field, with what the flag says was expected.
_PARSERS = {
    F.POSTAL_CODE: (parsing.parse_postal_codes, "un code postal à 5 chiffres"),
    F.WEEKLY_HOURS: (
        parsing.parse_hours,
        "des heures par semaine, par ex. « 35h », « temps plein »",
    ),
    F.WANTED_HOURS: (parsing.parse_hours, "des heures par semaine, par ex. « 24h », « mi-temps »"),
    F.START_DATE: (parsing.parse_dates, "une date, par ex. « 01/12/2026 » ou « dès que possible »"),
    F.AVAILABLE_FROM: (parsing.parse_dates, "une date, par ex. « 01/12/2026 » ou « immédiate »"),
    F.POSITIONS: (parsing.parse_ints, "un nombre de postes"),
    F.MOBILITY_KM: (parsing.parse_kms, "une distance, par ex. « 15 km »"),
    F.LICENCE_REQUIRED: (parsing.parse_licences, "un permis (B, C, CE, D...) ou « aucun »"),
    F.LICENCE: (parsing.parse_licences, "un permis (B, C, CE, D...), « en cours » ou « aucun »"),
    F.LICENCE_DESIRED: (parsing.parse_licences, "un permis (B, C, CE, D...)"),
    F.CONTRACT_TYPE: (parsing.parse_contracts, "CDI, CDD, CDDI, intérim, alternance..."),
    F.CONTRACT_TYPES: (parsing.parse_contracts, "CDI, CDD, CDDI, intérim, alternance..."),
    F.QPV: (parsing.parse_qpv, "oui, non ou le nom du quartier"),
    F.INSEE_CODE: (
        parsing.parse_insee_codes,
        "un code INSEE de commune (5 caractères, 2A/2B en Corse)",
    ),
    F.GIVEN_LAT: (parsing.parse_numbers, "une latitude en degrés décimaux"),
    F.GIVEN_LON: (parsing.parse_numbers, "une longitude en degrés décimaux"),
    F.ALTERNANCE: (parsing.parse_yes_no, "oui ou non"),
    F.ACCESSIBLE_TH: (parsing.parse_yes_no, "oui ou non"),
    F.PUBLISHED_ON: (parsing.parse_dates, "une date, par ex. « 2026-11-02 »"),
}
# Reinterpretations counted in the report (keys are the French sentences shown).
R_STRUCTURED = "cellule(s) structurée(s) (listes JSON ou Python) lue(s) élément par élément, jamais coupée(s) aux virgules"
R_SKILLS_DESIRED = "offre(s) avec des compétences souhaitées (S) gardées à part des exigées (E)"
R_LICENCE_DESIRED = "offre(s) avec un permis souhaité (S), qui n'est pas exigé"
R_LICENCE_REQUIRED = "offre(s) avec un permis exigé (E)"
R_CACES = "CACES lu(s) dans une colonne de permis, gardé(s) comme compétence"
R_EXPERIENCE = "code d'expérience France Travail (D, E, S) traduit en mots"
R_ALTERNANCE = "offre(s) en alternance (contrat complété)"
R_ROME = "code ROME du fichier utilisé comme métier"
R_MERGED = "candidature(s) d'une personne déjà vue regroupée(s) sur sa première ligne"


@dataclass
class ImportResult:
    frame: pd.DataFrame
    report: ImportReport


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def import_file(
    data: bytes,
    name: str,
    kind: Kind,
    *,
    structure: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    remembered: Mapping[str, Mapping[str, str | None]] | None = None,
    limits: ImportLimits | None = None,
    existing: pd.DataFrame | None = None,
    today: dt.date | None = None,
    synonyms: SynonymIndex | None = None,
    communes: pd.DataFrame | None = None,
    referential: Referential | None = None,
    pseudonym_key: bytes | None = None,
    others: pd.DataFrame | None = None,
    far_km: float = places.FAR_KM,
) -> ImportResult:
    """Read ``data`` (the bytes of a file called ``name``) as offers or profiles.

    Places are looked up in ``communes`` (default: the built-in base of every French commune):
    a code is never stored as a commune's name, and the report lists the rows whose place is
    unknown. ``referential`` checks official job codes given by the file against the titles.
    ``pseudonym_key`` keys the references given to people of an export that has no identifier
    (les emplois de l'inclusion; default: a random key, references valid for this file only).
    ``others`` (the stored profiles when importing offers, or offers when importing profiles;
    canonical frames) lets the report say when the file's places are far from all of them.

    ``structure`` fills the structure of profiles when the file has no such column; ``overrides``
    maps raw labels (or column letters) to fields ("Libellé" -> "title", "Remarques" -> None to
    ignore); ``remembered`` holds mappings confirmed earlier, keyed by header signature;
    ``existing`` (offers already stored, canonical frame) lets the report point at offers that
    look like offers imported from another file; ``today`` anchors dates written without a year.
    Raises :class:`UserError` (French message) when the file cannot be imported at all."""
    if kind not in ("offers", "profiles"):
        raise ValueError(kind)
    limits = limits or ImportLimits()
    index = synonyms or synonym_index(kind)
    report = ImportReport(kind=kind, source=name, sha256=hashlib.sha256(data).hexdigest())
    read = read_file(data, name, limits, sheet, header_scorer=header_scorer(index, kind))
    report.file_format = read.file_format
    report.notes += read.notes
    report.skipped_sheets += read.skipped
    adapt_tables(read, kind, pseudonym_key, report)
    prepared = _prepare_tables(read, kind, index, structure, sheet, overrides, remembered, report)
    frames = [
        _canonical(t, mapping, kind, structure, report, sr, today) for t, mapping, sr in prepared
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_frame(kind)
    frame = check_duplicates(frame, kind, report, existing)
    if len(frame):
        frame, points = places.resolve(frame, kind, report, communes)
        if others is not None:
            places.report_far(frame, points, others, kind, report, communes, far_km)
        if kind == "offers":
            report.count(R_ROME, int(frame[F.ROME_CODE].notna().sum()))
            if referential is not None:
                codes.check_given_codes(frame, referential, report)
    for sr in report.sheet_reports:
        sr.rows_rejected = len({r.row for r in report.rejections if r.sheet == sr.sheet})
        sr.rows_imported = (
            int((frame[F.SOURCE_SHEET] == sr.sheet).sum()) if sr.sheet else len(frame)
        )
    report.rows_imported = len(frame)
    if report.rows_read == 0:
        report.warnings.append("Aucune ligne de données sous l'en-tête : rien à importer.")
    # A rejected row is reported once, for the reason it was rejected.
    rejected = {(r.sheet, r.row) for r in report.rejections}
    report.flags = [f for f in report.flags if (f.sheet, f.row) not in rejected]
    report.rejections.sort(key=lambda r: (_sheet_order(report, r.sheet), r.row))
    report.flags.sort(key=lambda r: (_sheet_order(report, r.sheet), r.row))
    if not report.accounted:  # a bug, never a user error: say so loudly
        raise AssertionError(f"rows not accounted for in {name}: {report.rows_read} read")
    log.info(
        "imported %s (%s): %d rows read, %d imported, %d rejected",
        name, kind, report.rows_read, report.rows_imported, report.rows_rejected,
    )  # fmt: skip
    return ImportResult(frame=frame.reset_index(drop=True), report=report)


def import_path(path: str | Path, kind: Kind, **kwargs) -> ImportResult:
    """Like :func:`import_file` for a file on disk."""
    path = Path(path)
    return import_file(read_bytes(path), path.name, kind, **kwargs)


# ---------------------------------------------------------------------------------------------
# Preview (dashboard: header, proposed mapping, a few rows, nothing imported)
# ---------------------------------------------------------------------------------------------
@dataclass
class SheetPreview:
    """One sheet as it would be imported: header found, mapping proposed, first rows."""

    sheet: str | None
    header_row: int
    labels: list[str]
    letters: dict[str, str]
    mapping: ColumnMapping
    missing: list[str]  # required fields without a column
    dropped_columns: dict[str, str]  # profiles: personal-data columns that will be dropped
    rows: pd.DataFrame  # first data rows, raw text (profiles: without personal data)
    signature: str
    remembered: bool = False
    complete: bool = True  # False when the sheet has more rows than shown

    @property
    def usable(self) -> bool:
        return not self.missing


@dataclass
class Preview:
    """What an import of a file would do, without importing it."""

    source: str
    kind: str
    file_format: str
    sheets: list[SheetPreview]
    skipped: list[SkippedSheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        fmt = FORMAT_LABELS.get(self.file_format, self.file_format)
        lines = [f"{self.source} ({fmt}) : aperçu, rien n'est importé."]
        for s in self.sheets:
            head = f"Feuille « {s.sheet} »" if s.sheet else "Tableau"
            lines.append(f"{head} : en-tête ligne {s.header_row} ({len(s.labels)} colonnes).")
            for label in s.labels:
                if label in s.dropped_columns:
                    lines.append(f"  « {label} » : supprimée ({s.dropped_columns[label]})")
                elif label in s.mapping.columns:
                    fld = s.mapping.columns[label]
                    lines.append(
                        f"  « {label} » → {FIELD_LABELS.get(fld, fld)} ({s.mapping.how.get(label, '')})"
                    )
                else:
                    note = s.mapping.notes.get(label)
                    lines.append(f"  « {label} » : non importée" + (f" ({note})" if note else ""))
            if s.missing:
                names = ", ".join(FIELD_LABELS[m] for m in s.missing)
                lines.append(f"  Colonne obligatoire à choisir : {names}.")
        for sk in self.skipped:
            lines.append(f"Feuille « {sk.sheet} » ignorée : {sk.reason}.")
        return lines


def preview_file(
    data: bytes,
    name: str,
    kind: Kind,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    remembered: Mapping[str, Mapping[str, str | None]] | None = None,
    limits: ImportLimits | None = None,
    rows: int = 10,
    structure: str | None = None,
) -> Preview:
    """Read the header and the first ``rows`` rows of each usable sheet and propose a mapping,
    without importing anything (for the dashboard's mapping editor). Profiles are shown without
    the personal-data columns and with personal data in text masked. Files that cannot be read
    raise :class:`UserError` like :func:`import_file`."""
    limits = limits or ImportLimits()
    index = synonym_index(kind)
    read = read_file(
        data, name, limits, sheet, header_scorer=header_scorer(index, kind), max_data_rows=rows
    )
    adapt_tables(read, kind, None, None)
    required = required_fields(kind, structure)
    sheets = []
    for table in read.tables:
        labels = list(table.frame.columns)
        signature, dropped, kept, mapping, was_remembered = map_table(
            table, kind, index, overrides, remembered
        )
        shown = table.frame[kept].head(rows).copy()
        if kind == "profiles":
            for c in shown.columns:
                shown[c], _ = privacy.redact_text(shown[c])
        sheets.append(
            SheetPreview(
                sheet=table.sheet,
                header_row=table.header_row,
                labels=labels,
                letters=dict(table.letters),
                mapping=mapping,
                missing=mapping.missing(required),
                dropped_columns=dropped,
                rows=shown,
                signature=signature,
                remembered=was_remembered,
                complete=table.complete and len(table.frame) <= rows,
            )
        )
    return Preview(name, kind, read.file_format, sheets, read.skipped, read.notes)


# ---------------------------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------------------------
def _prepare_tables(
    read: ReadResult,
    kind: Kind,
    index: SynonymIndex,
    structure: str | None,
    sheet: str | None,
    overrides: Mapping[str, str | None] | None,
    remembered: Mapping[str, Mapping[str, str | None]] | None,
    report: ImportReport,
) -> list[tuple[RawTable, ColumnMapping, SheetReport]]:
    """Map each table; keep those with the required columns. With several sheets, a sheet
    without them is skipped (and reported with its row count); alone, it is an error."""
    required = required_fields(kind, structure)
    out = []
    errors = []
    for table in read.tables:
        signature, dropped, kept, mapping, was_remembered = map_table(
            table, kind, index, overrides, remembered
        )
        missing = mapping.missing(required)
        if missing:
            names = ", ".join(FIELD_LABELS[m] for m in missing)
            errors.append(f"{table.where} : {_missing_message(table, kind, kept, missing)}")
            report.skipped_sheets.append(
                SkippedSheet(
                    table.sheet or "", f"pas de colonne {names} reconnue", len(table.frame)
                )
            )
            continue
        sr = _sheet_report(table, dropped, signature, was_remembered)
        report.dropped_columns.update(dropped)
        out.append((table, mapping, sr))
    if not out:
        if len(errors) == 1:
            raise UserError(errors[0])
        raise UserError(
            f"{read.source} : aucune feuille ne contient les colonnes attendues ({'; '.join(errors)})"
        )
    # Sheets that were skipped because they lack the required columns stay in the report.
    _record_sheets(report, out)
    return out


def _missing_message(table: RawTable, kind: Kind, kept: list[str], missing: list[str]) -> str:
    """Why a table cannot be imported: the required columns not found, the header as read and
    what to do."""
    names = ", ".join(FIELD_LABELS[m] for m in missing)
    labels = list(table.frame.columns)
    shown_labels = kept[:25] if kind == "profiles" else labels[:25]
    if kind == "profiles":  # a data row taken for a header must not show personal data
        shown_labels = [privacy.redact_value(str(x), {}) for x in shown_labels]
    shown = ", ".join(f"« {x} »" for x in shown_labels)
    hint = (
        " ; indiquez la structure (option --structure ou champ « structure »)"
        if F.STRUCTURE in missing
        else " ; indiquez quelle colonne utiliser (option --map « Colonne=champ » ou éditeur de correspondance)"
    )
    return (
        f"colonne obligatoire introuvable ({names}) ; en-tête lu en ligne "
        f"{table.header_row} : {shown}{hint}"
    )


def _sheet_report(
    table: RawTable, dropped: dict[str, str], signature: str, remembered: bool
) -> SheetReport:
    """The report of a sheet that will be imported (its rows are counted as they are read)."""
    return SheetReport(
        sheet=table.sheet,
        header_row=table.header_row,
        header_rows=table.header_rows,
        rows_above=table.rows_above,
        hidden_rows=list(table.hidden_rows),
        hidden_columns=[c for c in table.hidden_columns if c not in dropped],
        formula_cells=sorted(set(table.formula_cells.values()), key=_cell_order),
        error_cells=[
            f"{table.letters.get(label, '?')}{row} ({value})"
            for (row, label), value in sorted(table.error_cells.items())
        ],
        merged_filled=table.merged_filled,
        truncated_cells=len(table.truncated_cells),
        signature=signature,
        remembered_mapping=remembered,
    )


def _record_sheets(
    report: ImportReport, prepared: list[tuple[RawTable, ColumnMapping, SheetReport]]
) -> None:
    """The sheets to import, their header signatures and their mappings, in the report."""
    for table, mapping, sr in prepared:
        report.sheets.append(table.sheet or "")
        report.header_signatures.append(sr.signature)
        report.sheet_reports.append(sr)
        for label, fld in mapping.columns.items():
            report.mapping.setdefault(label, fld)
            report.mapping_how.setdefault(label, mapping.how.get(label, ""))
        for label in mapping.unmapped:
            if label not in report.unmapped:
                report.unmapped.append(label)
                if label in mapping.notes:
                    report.unmapped_notes[label] = mapping.notes[label]


def _cell_order(ref: str) -> tuple[int, str]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    return (int(m[2]), m[1]) if m else (0, ref)


def _sheet_order(report: ImportReport, sheet: str | None) -> int:
    names = [s.sheet for s in report.sheet_reports]
    return names.index(sheet) if sheet in names else len(names)


def _empty_frame(kind: str) -> pd.DataFrame:
    cols = list(F.OFFER_FIELDS if kind == "offers" else F.PROFILE_FIELDS)
    return pd.DataFrame(columns=[*cols, F.SOURCE_FILE, F.SOURCE_SHEET, F.SOURCE_ROW])


def _join_columns(raw: pd.DataFrame, labels: list[str]) -> pd.Series:
    """Several columns feeding one list-like field: their values joined with "; "."""
    result = raw[labels[0]].astype("object")
    for label in labels[1:]:
        col = raw[label].astype("object")
        both = result.notna() & col.notna()
        joined = result.where(~both, result.astype(str) + "; " + col.astype(str))
        result = joined.where(joined.notna(), col)
    return result


def _join_values(parts: list[pd.Series]) -> pd.Series:
    """Values of several columns for one field: lists concatenated, texts joined with "; "; a
    text met with a list becomes one more element."""
    result = parts[0].astype("object")
    for col in parts[1:]:
        col = col.astype("object")
        joined = [_join_two(a, b) for a, b in zip(result.tolist(), col.tolist(), strict=True)]
        result = pd.Series(joined, index=result.index, dtype=object)
    return result


def _join_two(a: object, b: object) -> object:
    if a is None or (isinstance(a, float) and a != a):
        return b
    if b is None or (isinstance(b, float) and b != b):
        return a
    if isinstance(a, list) or isinstance(b, list):
        left = a if isinstance(a, list) else [a]
        right = b if isinstance(b, list) else [b]
        return list(dict.fromkeys([*left, *right]))
    return f"{a}; {b}"


_REQUIRED_WORD = {True: "exigé", False: "souhaité"}


def _structured_values(
    fld: str, series: pd.Series, kind: Kind
) -> tuple[pd.Series, pd.Series | None, int]:
    """One column of a field, its structured cells turned into values: skills of offers as a list
    of labels (the desired ones, "S", apart), licences as their labels with the desired ones
    apart, trainings and languages with "(exigé)" / "(souhaité)", a contact's values, other
    fields the labels joined with "; ". Returns (values, desired values or None, cells read)."""
    decoded, n = structured.decode_column(series)
    if not n:
        return series, None, 0
    cache: dict[str, tuple[object, object]] = {}
    main: list[object] = []
    desired: list[object] = []
    for raw_value, value in zip(series.tolist(), decoded.tolist(), strict=True):
        if not structured.is_structured(value):
            main.append(value)
            desired.append(None)
            continue
        if raw_value not in cache:
            cache[raw_value] = _convert(fld, value, kind)
        m, d = cache[raw_value]
        main.append(m)
        desired.append(d)
    index = series.index
    return (
        pd.Series(main, index=index, dtype=object),
        pd.Series(desired, index=index, dtype=object),
        n,
    )


def _convert(fld: str, value: object, kind: Kind) -> tuple[object, object]:
    if fld == F.EMPLOYER_CONTACT and isinstance(value, dict):
        return structured.contact_text(value), None
    items = structured.items_of(value)
    required = [i.label for i in items if i.required is not False]
    desired = [i.label for i in items if i.required is False]
    if fld == F.SKILLS and kind == "offers":
        return (required or None), (desired or None)
    if fld == F.SKILLS_DESIRED and kind == "offers":
        return ([i.label for i in items] or None), None
    if fld in (F.LICENCE_REQUIRED,):
        return ("; ".join(required) or None), ("; ".join(desired) or None)
    if fld in (F.TRAINING_LEVEL, F.LANGUAGES):
        labels = [i.label + (f" ({_REQUIRED_WORD[i.required]})" if i.required is not None else "")
                  for i in items]  # fmt: skip
        return ("; ".join(labels) or None), None
    return ("; ".join(i.label for i in items) or None), None


# Where the desired part of a field goes.
_DESIRED_OF = {F.SKILLS: F.SKILLS_DESIRED, F.LICENCE_REQUIRED: F.LICENCE_DESIRED}


def _structured_fields(
    raw: pd.DataFrame, by_field: dict[str, list[str]], fields, kind: Kind, report: ImportReport
) -> pd.DataFrame:
    """The canonical fields of a table, structured cells decoded (see ``_structured_values``)."""
    parts: dict[str, list[pd.Series]] = {f: [] for f in fields}
    for fld in fields:
        for label in by_field.get(fld, []):
            values, desired, n = _structured_values(fld, raw[label], kind)
            report.count(R_STRUCTURED, n)
            parts[fld].append(values)
            if desired is not None and desired.notna().any() and fld in _DESIRED_OF:
                parts[_DESIRED_OF[fld]].append(desired)
                if fld == F.SKILLS:
                    report.count(R_SKILLS_DESIRED, int(desired.notna().sum()))
    out = pd.DataFrame(index=raw.index)
    for fld in fields:
        out[fld] = _join_values(parts[fld]) if parts[fld] else None
    out = out.astype("object")
    if kind == "profiles":
        # Profiles hold text only (redaction reads text): lists back to "; "-joined text.
        for fld in fields:
            if list in set(map(type, out[fld].to_numpy(dtype=object))):  # C loops only
                out[fld] = out[fld].map(
                    lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v
                )
    return out


def _canonical(
    table: RawTable,
    mapping: ColumnMapping,
    kind: Kind,
    structure: str | None,
    report: ImportReport,
    sr: SheetReport,
    today: dt.date | None,
) -> pd.DataFrame:
    raw = table.frame
    sr.rows_read = len(raw)
    report.rows_read += len(raw)
    by_field = mapping.by_field()
    fields = F.OFFER_FIELDS if kind == "offers" else F.PROFILE_FIELDS
    out = _structured_fields(raw, by_field, fields, kind, report)
    if report.source_format == francetravail.NAME:
        for fld, extra in francetravail.extra_values(raw).items():
            if fld in out:
                out[fld] = _join_values([out[fld], extra])
    column_of = {fld: labels[0] for fld, labels in by_field.items()}
    ref_before = None
    if kind == "profiles":
        ref_before = _redact_profiles(out, fields, structure, table, column_of, report)
    out = _parse_values(out, kind, column_of, table, report, today)
    bad = _rejected_rows(out, table, kind, structure, column_of, report, ref_before)
    out = out[~bad].copy()
    out[F.SOURCE_FILE] = table.source
    out[F.SOURCE_SHEET] = table.sheet
    out[F.SOURCE_ROW] = out.index.astype(int)
    # Cell texts of the raw table, for duplicate checks (exact duplicates vs. different rows).
    out = out.astype("object").where(out.notna(), None)  # one missing value: None
    out["_content"] = content_keys(out, fields)
    return out.reset_index(drop=True)


def _redact_profiles(
    out: pd.DataFrame,
    fields,
    structure: str | None,
    table: RawTable,
    column_of: dict[str, str],
    report: ImportReport,
) -> pd.Series:
    """Profiles: the structure given for the file filled in, and personal data in any text masked
    (``out`` changed in place) before anything reads it (parsers, report, logs); identifiers that
    look like people's names refused. Returns the identifiers as they were, before masking."""
    if structure:
        out[F.STRUCTURE] = out[F.STRUCTURE].where(out[F.STRUCTURE].notna(), structure)
    # Personal data in any text is masked before anything reads it (parsers, report, logs).
    ref_before = out[F.PROFILE_REF].copy()
    for fld in fields:
        if out[fld].notna().any():
            out[fld], counts = privacy.redact_text(
                out[fld], free_text=fld not in (F.PROFILE_REF, F.POSTAL_CODE)
            )
            for k, v in counts.items():
                if v:
                    report.redactions[k] = report.redactions.get(k, 0) + v
    ids = ref_before.dropna()
    if len(ids) >= 3 and privacy.names_as_identifiers(ids) >= 0.5:
        raise UserError(
            f"{table.where}, colonne {table.column_ref(column_of[F.PROFILE_REF])} : les "
            "identifiants ressemblent à des noms de personnes (lettres seules, sans chiffre) ; "
            "les profils doivent arriver anonymisés : remplacez-les par un code (ex. ACI-042)"
        )
    return ref_before


def _rejected_rows(
    out: pd.DataFrame,
    table: RawTable,
    kind: Kind,
    structure: str | None,
    column_of: dict[str, str],
    report: ImportReport,
    ref_before: pd.Series | None,
) -> pd.Series:
    """The rows that are not an offer or a profile, each rejected in the report for the first
    reason found; rows with more cells than the header flagged. ``ref_before``: the profiles'
    identifiers before masking (``None`` for offers)."""
    # Row checks, in order: the first reason found is the one reported.
    bad = pd.Series(False, index=out.index)
    noun = ROW_NOUN[kind]

    def reject(mask: pd.Series, column: str | None, reason, value=None) -> None:
        nonlocal bad
        mask = mask & ~bad
        for row in out.index[mask]:
            text = reason(row) if callable(reason) else reason
            v = value(row) if callable(value) else value
            report.rejections.append(Finding(table.sheet, int(row), column, text, v))
        bad |= mask

    for row in table.extra_cells_rows:
        report.flags.append(
            Finding(
                table.sheet,
                int(row),
                None,
                "plus de cellules que de titres de colonnes : les valeurs en trop ne sont pas "
                "importées (séparateur dans une valeur sans guillemets ?)",
            )  # fmt: skip
        )
    rows = pd.Series(out.index, index=out.index)
    if table.merged_rows:
        report.count(R_MERGED, len(table.merged_rows))
        reject(rows.isin(list(table.merged_rows)), None,
               lambda r: f"autre candidature de la même personne (ligne {table.merged_rows[r]}) : "
               "ses métiers sont regroupés sur cette ligne")  # fmt: skip
    reject(rows.isin(table.section_rows), None,
           f"ligne de titre ou de section (une cellule fusionnée sur la largeur du tableau), pas {noun}")  # fmt: skip
    reject(rows.isin(table.repeated_header_rows), None, "ligne d'en-tête répétée, pas " + noun)
    # A "TOTAL" row under the data (sums of positions...) has no required value: say what it is
    # rather than ask the user to fill it in.
    required_empty = pd.Series(False, index=out.index)
    for fld in required_fields(kind, structure):
        required_empty |= out[fld].isna()
    # Only the rows with a required value missing are read (a row is a total by its own cells).
    candidates = table.frame.index.intersection(out.index[required_empty.to_numpy()])
    totals = _total_rows(table.frame.loc[candidates]).reindex(out.index, fill_value=False)
    reject(required_empty & totals, None, f"ligne de total, pas {noun}")
    for fld in required_fields(kind, structure):
        label = column_of.get(fld)
        empty = out[fld].isna()

        def why(row, fld=fld, label=label) -> str:
            if (row, label) in table.formula_cells:
                return (
                    f"{FIELD_LABELS[fld]} vide : la cellule {table.formula_cells[(row, label)]} "
                    f"contient une formule sans valeur calculée ; {ADVICE_FORMULAS}"
                )
            if (row, label) in table.error_cells:
                return f"{FIELD_LABELS[fld]} illisible : erreur Excel {table.error_cells[(row, label)]}"
            return f"{FIELD_LABELS[fld]} vide"

        reject(empty, label, why)
    if ref_before is not None:  # profiles
        personal = ref_before.notna() & (out[F.PROFILE_REF] != ref_before)
        reject(personal, column_of.get(F.PROFILE_REF),
               "l'identifiant contient une donnée personnelle (courriel, téléphone...) : "
               "remplacez-le par un code anonyme")  # fmt: skip
    return bad


_TOTAL_RE = r"^\s*(?:sous[- ]?)?totaux?\b|^\s*total\b"


_TOTAL = re.compile(_TOTAL_RE, re.I)
# What a cell of a total row holds somewhere ("tot", in any case, as ``_TOTAL_RE`` reads it):
# searched once over a column's texts joined, so that only the few texts holding it are read.
_TOTAL_ANYWHERE = re.compile("tot", re.I)


def _total_rows(raw: pd.DataFrame) -> pd.Series:
    """Rows with a cell starting with "Total", "TOTAL GÉNÉRAL", "Sous-total", "Totaux"."""
    hit = np.zeros(len(raw), dtype=bool)
    for column in raw.columns:
        present = raw[column].notna().to_numpy()
        cells = raw[column].to_numpy(dtype=object)
        text = [str(v) if ok else "" for v, ok in zip(cells, present, strict=True)]
        for i in texts_with(text, _TOTAL_ANYWHERE):
            if not hit[i] and _TOTAL.search(text[i]):
                hit[i] = True
    return pd.Series(hit, index=raw.index)


def texts_with(texts: list[str], regex: re.Pattern[str]) -> list[int]:
    """Positions of the texts in which ``regex`` (no anchor, no look-behind, matches never
    spanning a line break) finds a match, searched once over the texts joined by line breaks."""
    if not texts:
        return []
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    found = [m.start() for m in regex.finditer("\n".join(texts))]
    return sorted(set((np.searchsorted(starts, found, side="right") - 1).tolist()))


def _parse_values(
    out: pd.DataFrame,
    kind: Kind,
    column_of: dict[str, str],
    table: RawTable,
    report: ImportReport,
    today: dt.date | None,
) -> pd.DataFrame:
    out = out.copy()
    if kind == "profiles" and out[F.MOBILITY_KM].notna().any():
        # "permis B + voiture", "bus uniquement" in the mobility cell say the means, not a
        # distance: keep that text with the means of transport instead of losing it.
        raw_mob = out[F.MOBILITY_KM].astype("object")
        km, failed = parsing.parse_kms(raw_mob)
        means_only = raw_mob.notna() & km.isna() & ~failed
        transport = out[F.TRANSPORT].astype("object")
        joined = (
            transport.fillna("").astype(str) + " " + raw_mob.fillna("").astype(str)
        ).str.strip()
        out[F.TRANSPORT] = transport.where(~means_only, joined)
    _caces_to_skills(out, kind, report)
    if kind == "offers" and out[F.EXPERIENCE_REQUIRED].notna().any():
        before = out[F.EXPERIENCE_REQUIRED]
        text = before.map(lambda v: parsing.experience_text(v) if isinstance(v, str) else v)
        report.count(R_EXPERIENCE, int((text != before).sum()))
        out[F.EXPERIENCE_REQUIRED] = text
    for fld, (parser, expected) in _PARSERS.items():
        if fld not in out or out[fld].isna().all():
            continue
        if parser is parsing.parse_dates:
            values, failed = parser(out[fld], today)
        else:
            values, failed = parser(out[fld])
        for row in out.index[failed]:
            value = str(out.at[row, fld])
            report.flags.append(
                Finding(
                    table.sheet,
                    int(row),
                    column_of.get(fld),
                    f"valeur « {_clip(value)} » non comprise (attendu : {expected}), gardée telle quelle",
                    value,
                )
            )
        # A value that cannot be parsed is kept as text (flagged above), not lost.
        out[fld] = values.where(~failed, out[fld])
    if kind == "offers":
        # "non", "aucun", "souhaité" required means no licence required.
        for fld in (F.LICENCE_REQUIRED, F.LICENCE_DESIRED):
            out[fld] = out[fld].map(lambda v: None if v == [parsing.Licence.NONE.value] else v)
        # A licence both required and desired is required.
        out[F.LICENCE_DESIRED] = [
            ([c for c in d if c not in r] or None) if isinstance(d, list) and isinstance(r, list)
            else d for d, r in zip(out[F.LICENCE_DESIRED], out[F.LICENCE_REQUIRED], strict=True)
        ]  # fmt: skip
        report.count(R_LICENCE_REQUIRED, int(out[F.LICENCE_REQUIRED].map(_is_list).sum()))
        report.count(R_LICENCE_DESIRED, int(out[F.LICENCE_DESIRED].map(_is_list).sum()))
        alternance = out[F.ALTERNANCE].map(lambda v: v is True)
        if alternance.any():
            alt = parsing.Contract.ALTERNANCE.value
            out.loc[alternance, F.CONTRACT_TYPE] = out.loc[alternance, F.CONTRACT_TYPE].map(
                lambda v: (v if alt in v else [*v, alt]) if isinstance(v, list) else [alt]
            )
            report.count(R_ALTERNANCE, int(alternance.sum()))
    return out


def _is_list(v: object) -> bool:
    return isinstance(v, list) and bool(v)


def _caces_to_skills(out: pd.DataFrame, kind: Kind, report: ImportReport) -> None:
    """A CACES written in a licence column is not a driving licence: it joins the skills
    (required ones with the offer's skills, desired ones with its desired skills)."""
    pairs = (
        [(F.LICENCE_REQUIRED, F.SKILLS), (F.LICENCE_DESIRED, F.SKILLS_DESIRED)]
        if kind == "offers" else [(F.LICENCE, F.SKILLS)]
    )  # fmt: skip
    for source, target in pairs:
        text = out[source]
        has = text.map(lambda v: isinstance(v, str) and "caces" in v.lower())
        if not has.any():
            continue
        found = text[has].map(parsing.caces_mentions)
        found = found[found.map(len) > 0]
        report.count(R_CACES, int(found.map(len).sum()))
        # What is left of the cell is read as licences ("Permis B, CACES 3" -> "Permis B").
        rest = text[found.index].map(
            lambda v: "; ".join(p for p in re.split(r"[;,]", v) if "caces" not in p.lower()
                                and p.strip()) or None
        )  # fmt: skip
        out.loc[found.index, source] = rest
        for row, mentions in found.items():
            current = out.at[row, target]
            if kind == "offers":
                base = current if isinstance(current, list) else ([current] if current else [])
                out.at[row, target] = list(dict.fromkeys([*base, *mentions]))
            else:
                out.at[row, target] = "; ".join([current, *mentions] if current else mentions)


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
