"""Import: a file -> canonical offers or profiles frame plus a report where every row is counted.

readers (raw text tables) -> mapping (canonical fields) -> privacy (profiles) -> parsing (typed
values, flags) -> required fields checked row by row. Nothing here touches the database: the store
saves the frame and the report in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from matcher import fields as F
from matcher import parsing, privacy
from matcher.errors import UserError
from matcher.mapping import (
    OFFER_SYNONYMS,
    PROFILE_SYNONYMS,
    ColumnMapping,
    header_signature,
    map_columns,
)
from matcher.readers import RawTable, read_tables
from matcher.settings import ImportLimits

log = logging.getLogger(__name__)

Kind = Literal["offers", "profiles"]

FIELD_LABELS: dict[str, str] = {
    F.OFFER_REF: "référence", F.EMPLOYER: "entreprise", F.TITLE: "intitulé du poste",
    F.DESCRIPTION: "descriptif", F.SKILLS: "compétences", F.COMMUNE: "commune",
    F.POSTAL_CODE: "code postal", F.QPV: "quartier prioritaire (QPV)",
    F.CONTRACT_TYPE: "type de contrat", F.WEEKLY_HOURS: "durée hebdomadaire",
    F.SCHEDULE: "horaires", F.LICENCE_REQUIRED: "permis requis", F.START_DATE: "date de début",
    F.POSITIONS: "nombre de postes", F.EXPERIENCE_REQUIRED: "expérience requise",
    F.ROME_CODE: "code ROME", F.EMPLOYER_CONTACT: "contact employeur",
    F.PROFILE_REF: "identifiant", F.STRUCTURE: "structure", F.COUNSELLOR: "conseiller",
    F.TARGET_JOBS: "métiers visés", F.EXPERIENCE: "expériences", F.TRAINING: "formations",
    F.MOBILITY_KM: "mobilité (km)", F.LICENCE: "permis", F.TRANSPORT: "moyen de transport",
    F.CONTRACT_TYPES: "contrats acceptés", F.WANTED_HOURS: "temps de travail souhaité",
    F.AVAILABILITY: "disponibilités horaires", F.AVAILABLE_FROM: "disponible à partir du",
    F.ROME_CODES: "codes ROME",
}  # fmt: skip

# Free-text fields scanned for personal data (profiles).
FREE_TEXT_FIELDS = (F.SKILLS, F.EXPERIENCE, F.TRAINING, F.TARGET_JOBS, F.TRANSPORT, F.AVAILABILITY)


@dataclass
class Rejection:
    sheet: str | None
    row: int
    column: str | None
    reason: str

    def text(self, source: str) -> str:
        where = f"{source}" + (f", feuille « {self.sheet} »" if self.sheet else "")
        col = f", colonne « {self.column} »" if self.column else ""
        return f"{where}, ligne {self.row}{col} : {self.reason}"


@dataclass
class ImportReport:
    """What an import did, row by row; kept with the import in the database."""

    kind: str
    source: str
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # raw label -> field
    unmapped: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # values kept as text, flagged
    dropped_columns: dict[str, str] = field(default_factory=dict)
    redactions: dict[str, int] = field(default_factory=dict)
    header_signatures: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len({(r.sheet, r.row) for r in self.rejections})

    def to_dict(self) -> dict:
        return asdict(self)

    def summary_lines(self) -> list[str]:
        """The report as French sentences, for the CLI and the dashboard."""
        lines = [
            f"{self.source} : {self.rows_read} ligne(s) lue(s), {self.rows_imported} importée(s), "
            f"{self.rows_rejected} rejetée(s)."
        ]
        if self.mapping:
            pairs = ", ".join(
                f"« {k} » → {FIELD_LABELS.get(v, v)}" for k, v in self.mapping.items()
            )
            lines.append(f"Colonnes reconnues : {pairs}.")
        if self.unmapped:
            lines.append("Colonnes ignorées : " + ", ".join(f"« {c} »" for c in self.unmapped))
        if self.dropped_columns:
            dropped = ", ".join(f"« {k} » ({v})" for k, v in self.dropped_columns.items())
            lines.append(f"Colonnes supprimées pour l'anonymat : {dropped}.")
        n_red = sum(self.redactions.values())
        if n_red:
            detail = ", ".join(f"{v} {k}" for k, v in self.redactions.items() if v)
            lines.append(f"Données personnelles masquées dans le texte : {detail}.")
        lines += [r.text(self.source) for r in self.rejections]
        lines += self.warnings
        return lines


@dataclass
class ImportResult:
    frame: pd.DataFrame
    report: ImportReport


def import_file(
    data: bytes,
    name: str,
    kind: Kind,
    *,
    structure: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
    remembered: Mapping[str, Mapping[str, str]] | None = None,
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Read ``data`` (the bytes of a file called ``name``) as offers or profiles.

    ``structure`` fills the structure of profiles when the file has no such column; ``overrides``
    maps raw labels to fields ("Libellé" -> "title"); ``remembered`` holds mappings confirmed
    earlier, keyed by header signature."""
    if kind not in ("offers", "profiles"):
        raise ValueError(kind)
    report = ImportReport(kind=kind, source=name, sha256=hashlib.sha256(data).hexdigest())
    tables = read_tables(data, name, limits, sheet)
    synonyms = OFFER_SYNONYMS if kind == "offers" else PROFILE_SYNONYMS
    required = F.OFFER_REQUIRED if kind == "offers" else F.PROFILE_REQUIRED
    frames = []
    for table in tables:
        signature = header_signature(table.frame.columns)
        table_overrides = dict((remembered or {}).get(signature, {}))
        table_overrides.update(overrides or {})
        mapping = map_columns(table.frame.columns, synonyms, table_overrides)
        missing = mapping.missing(r for r in required if not (r == F.STRUCTURE and structure))
        if missing and len(tables) > 1 and sheet is None:
            names = ", ".join(FIELD_LABELS[m] for m in missing)
            report.warnings.append(f"{table.where} : feuille ignorée, pas de colonne {names}")
            continue
        if missing:
            names = ", ".join(FIELD_LABELS[m] for m in missing)
            raise UserError(
                f"{table.where} : colonne obligatoire introuvable ({names}) ; en-tête lu en "
                f"ligne {table.header_row} : {', '.join(map(str, table.frame.columns))}"
            )
        report.sheets.append(table.sheet or "")
        report.header_signatures.append(signature)
        frames.append(_canonical(table, mapping, kind, structure, report))
    if not frames:
        raise UserError(f"{name} : aucune feuille ne contient les colonnes attendues")
    frame = pd.concat(frames, ignore_index=True)
    report.rows_imported = len(frame)
    log.info("imported %s: %d rows of %d", name, report.rows_imported, report.rows_read)
    return ImportResult(frame=frame, report=report)


def import_path(path: str | Path, kind: Kind, **kwargs) -> ImportResult:
    """Like :func:`import_file` for a file on disk."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"{path} : fichier introuvable") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} : c'est un dossier, pas un fichier") from exc
    return import_file(data, path.name, kind, **kwargs)


def _canonical(
    table: RawTable, mapping: ColumnMapping, kind: Kind, structure: str | None, report: ImportReport
) -> pd.DataFrame:
    raw = table.frame
    nonempty = raw.notna().any(axis=1)
    raw = raw[nonempty]
    report.rows_read += len(raw)
    report.mapping.update(mapping.columns)
    report.unmapped += [c for c in mapping.unmapped if c not in report.unmapped]
    out = pd.DataFrame(index=raw.index)
    by_field = {fld: label for label, fld in mapping.columns.items()}
    for fld in F.OFFER_FIELDS if kind == "offers" else F.PROFILE_FIELDS:
        out[fld] = raw[by_field[fld]] if fld in by_field else None
    if kind == "profiles":
        for label in list(mapping.unmapped):
            why = privacy.forbidden_kind(label)
            if why:
                report.dropped_columns[label] = why
                report.unmapped.remove(label)
        if structure:
            out[F.STRUCTURE] = out[F.STRUCTURE].fillna(structure)
        for fld in FREE_TEXT_FIELDS:
            out[fld], counts = privacy.redact_text(out[fld])
            for k, v in counts.items():
                report.redactions[k] = report.redactions.get(k, 0) + v
    out = _parse_values(out, kind, by_field, table, report)
    required = F.OFFER_REQUIRED if kind == "offers" else F.PROFILE_REQUIRED
    bad = pd.Series(False, index=out.index)
    for fld in required:
        empty = out[fld].isna()
        for row in out.index[empty & ~bad]:
            report.rejections.append(
                Rejection(table.sheet, int(row), by_field.get(fld), f"{FIELD_LABELS[fld]} vide")
            )
        bad |= empty
    if kind == "profiles":
        dup = out[F.PROFILE_REF].duplicated(keep="first") & ~bad
        for row in out.index[dup]:
            report.rejections.append(
                Rejection(
                    table.sheet,
                    int(row),
                    by_field.get(F.PROFILE_REF),
                    f"identifiant « {out.at[row, F.PROFILE_REF]} » en double dans le fichier",
                )
            )
        bad |= dup
    out = out[~bad].copy()
    if kind == "offers":
        out[F.OFFER_REF] = _offer_refs(out)
    out[F.SOURCE_FILE] = table.source
    out[F.SOURCE_SHEET] = table.sheet
    out[F.SOURCE_ROW] = out.index.astype(int)
    return out.reset_index(drop=True)


def _offer_refs(out: pd.DataFrame) -> pd.Series:
    """The file's reference when given, else a stable one from employer + title + commune, so
    that re-importing the same offer finds it again."""
    key = (
        out[F.EMPLOYER].fillna("").astype(str).map(parsing.fold)
        + "|"
        + out[F.TITLE].fillna("").astype(str).map(parsing.fold)
        + "|"
        + out[F.COMMUNE].fillna("").astype(str).map(parsing.fold)
    )
    generated = "OFF-" + key.map(lambda k: hashlib.sha1(k.encode()).hexdigest()[:10].upper())
    return out[F.OFFER_REF].where(out[F.OFFER_REF].notna(), generated)


_PARSERS = {
    F.POSTAL_CODE: parsing.parse_postal_codes,
    F.WEEKLY_HOURS: parsing.parse_hours,
    F.WANTED_HOURS: parsing.parse_hours,
    F.START_DATE: parsing.parse_dates,
    F.AVAILABLE_FROM: parsing.parse_dates,
    F.POSITIONS: parsing.parse_ints,
    F.MOBILITY_KM: parsing.parse_kms,
    F.LICENCE_REQUIRED: parsing.parse_licences,
    F.LICENCE: parsing.parse_licences,
    F.CONTRACT_TYPE: parsing.parse_contracts,
    F.CONTRACT_TYPES: parsing.parse_contracts,
}


def _parse_values(
    out: pd.DataFrame, kind: Kind, by_field: dict[str, str], table: RawTable, report: ImportReport
) -> pd.DataFrame:
    out = out.copy()
    if kind == "profiles":
        # "permis B + voiture", "bus uniquement" in the mobility cell say the means, not a
        # distance: keep that text with the means of transport instead of losing it.
        raw_mob = out[F.MOBILITY_KM].astype("object")
        km, _ = parsing.parse_kms(raw_mob)
        means_only = raw_mob.notna() & km.isna()
        transport = out[F.TRANSPORT].astype("object")
        out[F.TRANSPORT] = transport.where(
            ~means_only,
            (transport.fillna("").astype(str) + " " + raw_mob.fillna("").astype(str)).str.strip(),
        )
    for fld, parser in _PARSERS.items():
        if fld not in out or out[fld].isna().all():
            continue
        values, failed = parser(out[fld])
        for row in out.index[failed]:
            report.warnings.append(
                Rejection(
                    table.sheet,
                    int(row),
                    by_field.get(fld),
                    f"valeur « {out.at[row, fld]} » non comprise ({FIELD_LABELS[fld]}), "
                    "gardée telle quelle",
                ).text(table.source)
            )
        # A value that cannot be parsed is kept as text (flagged above), not lost.
        out[fld] = values.where(~failed, out[fld])
    if kind == "offers" and F.LICENCE_REQUIRED in out:
        # "non"/"aucun" required means no licence required.
        out[F.LICENCE_REQUIRED] = out[F.LICENCE_REQUIRED].map(
            lambda v: None if v == [parsing.Licence.NONE.value] else v
        )
    text_cols = [c for c in out.columns if c not in _PARSERS]
    for c in text_cols:
        out[c] = out[c].where(out[c].isna(), out[c].astype("object").map(_clean_text))
    return out


def _clean_text(v: object) -> object:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v
