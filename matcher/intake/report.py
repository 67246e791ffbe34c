"""The import report: every row read is imported or rejected, every value read otherwise than
written is counted, and the French sentences that say so (CLI and dashboard). Kept with the import
in the database (``to_dict`` / ``from_dict``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

import pandas as pd

from matcher import fields as F
from matcher.intake.detect import FORMAT_LABELS
from matcher.intake.mapping import FIELD_LABELS
from matcher.intake.readers import SkippedSheet
from matcher.intake.xlsx import ADVICE_FORMULAS

Kind = Literal["offers", "profiles"]

# Findings listed one by one in the summary before "... and N more".
SUMMARY_LIMIT = 100


@dataclass
class Finding:
    """A rejected row or a flagged value: where it is and why, in French."""

    sheet: str | None
    row: int  # as Excel shows it
    column: str | None  # header label as written
    reason: str
    value: str | None = None

    @classmethod
    def of_row(cls, frame: pd.DataFrame, i, reason: str, value: str | None = None) -> Finding:
        """A finding about the whole row ``i`` of an imported frame (its sheet and row)."""
        return cls(frame.at[i, F.SOURCE_SHEET], int(frame.at[i, F.SOURCE_ROW]), None, reason,
                   value)  # fmt: skip

    def text(self, source: str) -> str:
        where = f"{source}" + (f", feuille « {self.sheet} »" if self.sheet else "")
        col = f", colonne « {self.column} »" if self.column else ""
        return f"{where}, ligne {self.row}{col} : {self.reason}"


Rejection = Finding  # a rejected row
Flag = Finding  # a value kept as text


@dataclass
class SheetReport:
    """What happened in one sheet (or the CSV): rows read = imported + rejected."""

    sheet: str | None
    header_row: int
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    header_rows: int = 1
    rows_above: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)  # "D5": formula without cached value
    error_cells: list[str] = field(default_factory=list)  # "D5 (#N/A)"
    merged_filled: int = 0
    truncated_cells: int = 0
    signature: str = ""
    remembered_mapping: bool = False


@dataclass
class ImportReport:
    """What an import did, row by row; kept with the import in the database."""

    kind: str
    source: str
    sha256: str = ""
    file_format: str = ""
    sheets: list[str] = field(default_factory=list)  # names of the imported sheets
    sheet_reports: list[SheetReport] = field(default_factory=list)
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # raw label -> field
    mapping_how: dict[str, str] = field(default_factory=dict)  # raw label -> how it was found
    unmapped: list[str] = field(default_factory=list)
    unmapped_notes: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_imported: int = 0
    rejections: list[Finding] = field(default_factory=list)
    flags: list[Finding] = field(default_factory=list)  # values kept as text
    duplicates: list[Finding] = field(default_factory=list)  # kept, but reported
    warnings: list[str] = field(default_factory=list)  # file-level warnings and advice
    notes: list[str] = field(default_factory=list)  # encoding, separator, macros...
    dropped_columns: dict[str, str] = field(default_factory=dict)  # label -> kind of data
    redactions: dict[str, int] = field(default_factory=dict)  # kind -> count
    header_signatures: list[str] = field(default_factory=list)
    source_format: str = ""  # a known format recognised (France Travail, les emplois)
    reinterpreted: dict[str, int] = field(default_factory=dict)  # what was read otherwise -> count
    places_not_found: list[Finding] = field(default_factory=list)  # rows whose place is unknown
    code_checks: list[Finding] = field(default_factory=list)  # official codes the title contradicts

    @property
    def rows_rejected(self) -> int:
        return len({(r.sheet, r.row) for r in self.rejections})

    @property
    def accounted(self) -> bool:
        """Every row read is imported or rejected, in every sheet."""
        return self.rows_read == self.rows_imported + self.rows_rejected and all(
            s.rows_read == s.rows_imported + s.rows_rejected for s in self.sheet_reports
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def count(self, what: str, n: int) -> None:
        """Count ``n`` values read otherwise than written (``what``: a French sentence)."""
        if n:
            self.reinterpreted[what] = self.reinterpreted.get(what, 0) + int(n)

    @classmethod
    def from_dict(cls, data: Mapping) -> ImportReport:
        """Rebuild a report stored as JSON (``to_dict``)."""
        data = dict(data)
        for key, kls in (("rejections", Finding), ("flags", Finding), ("duplicates", Finding),
                         ("places_not_found", Finding), ("code_checks", Finding)):  # fmt: skip
            data[key] = [kls(**x) for x in data.get(key, [])]
        data["sheet_reports"] = [SheetReport(**x) for x in data.get("sheet_reports", [])]
        data["skipped_sheets"] = [SkippedSheet(**x) for x in data.get("skipped_sheets", [])]
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def summary_lines(self, limit: int | None = SUMMARY_LIMIT) -> list[str]:
        """The report as French sentences, for the CLI and the dashboard (findings listed up to
        ``limit`` per kind; ``None`` lists them all)."""
        fmt = FORMAT_LABELS.get(self.file_format, self.file_format)
        lines = [
            f"{self.source}{f' ({fmt})' if fmt else ''} : {self.rows_read} ligne(s) lue(s), "
            f"{self.rows_imported} importée(s), {self.rows_rejected} rejetée(s)."
        ]
        lines += self._sheet_lines()
        lines += self._column_lines()
        for s in self.sheet_reports:
            lines += _cell_lines(s)
        if self.reinterpreted:
            lines.append("Valeurs lues autrement qu'écrites (rien n'est perdu) :")
            lines += [f"  {n} × {what}" for what, n in self.reinterpreted.items() if n]
        lines += self.warnings
        lines += self._finding_lines(limit)
        return lines

    def _sheet_lines(self) -> list[str]:
        """Where each sheet's header was read, the format recognised, the notes, the sheets
        left out."""
        lines = []
        several = len(self.sheet_reports) > 1
        for s in self.sheet_reports:
            head = f"Feuille « {s.sheet} »" if s.sheet else "Tableau"
            rows = (
                f"lignes {s.header_row - 1}-{s.header_row}"
                if s.header_rows > 1
                else f"ligne {s.header_row}"
            )
            detail = f"{head} : en-tête {rows}" if s.header_row else f"{head} : champs du JSON"
            if s.rows_above:
                detail += f" ({s.rows_above} ligne(s) de titre au-dessus ignorée(s))"
            if several:
                detail += (
                    f", {s.rows_read} ligne(s) lue(s), {s.rows_imported} importée(s), "
                    f"{s.rows_rejected} rejetée(s)"
                )
            if s.remembered_mapping:
                detail += ", correspondance des colonnes mémorisée appliquée"
            lines.append(detail + ".")
        if self.source_format:
            lines.append(f"Format reconnu : {self.source_format}.")
        lines += [n[0].upper() + n[1:] + "." for n in self.notes]
        for sk in self.skipped_sheets:
            rows = f" ({sk.rows} ligne(s) non importée(s))" if sk.rows else ""
            lines.append(f"Feuille « {sk.sheet} » ignorée : {sk.reason}{rows}.")
        return lines

    def _column_lines(self) -> list[str]:
        """The columns recognised, left out, dropped for anonymity; personal data masked."""
        lines = []
        if self.mapping:
            pairs = ", ".join(
                f"« {k} » → {FIELD_LABELS.get(v, v)}"
                + (" (approché)" if "approché" in self.mapping_how.get(k, "") else "")
                for k, v in self.mapping.items()
            )
            lines.append(f"Colonnes reconnues : {pairs}.")
        if self.unmapped:
            unmapped = []
            for c in self.unmapped:
                note = self.unmapped_notes.get(c)
                unmapped.append(f"« {c} »" + (f" ({note})" if note else ""))
            lines.append("Colonnes non importées : " + ", ".join(unmapped) + ".")
        if self.dropped_columns:
            dropped = ", ".join(f"« {k} » ({v})" for k, v in self.dropped_columns.items())
            lines.append(f"Colonnes supprimées pour l'anonymat, jamais enregistrées : {dropped}.")
        n_red = sum(self.redactions.values())
        if n_red:
            detail = ", ".join(f"{v} {k}" for k, v in self.redactions.items() if v)
            lines.append(f"Données personnelles masquées dans le texte : {detail}.")
        return lines

    def _finding_lines(self, limit: int | None) -> list[str]:
        """The findings one by one, per kind, up to ``limit`` each."""
        lines = []
        for title, items in (
            ("Lignes rejetées", self.rejections),
            ("Doublons signalés", self.duplicates),
            ("Valeurs gardées telles quelles", self.flags),
            ("Lieux introuvables (distance inconnue)", self.places_not_found),
            ("Codes ROME à vérifier", self.code_checks),
        ):
            if not items:
                continue
            lines.append(f"{title} ({len(items)}) :")
            shown = items if limit is None else items[:limit]
            lines += ["  " + r.text(self.source) for r in shown]
            if len(shown) < len(items):
                lines.append(
                    f"  … et {len(items) - len(shown)} autre(s) (rapport complet en base)."
                )
        return lines


def _cell_lines(s: SheetReport) -> list[str]:
    """What Excel hid or showed otherwise in one sheet: hidden rows and columns, formulas
    without value, error cells, merged cells copied, texts cut."""
    lines = []
    where = f"feuille « {s.sheet} »" if s.sheet else "fichier"
    if s.hidden_rows:
        lines.append(
            f"{where[0].upper() + where[1:]} : {len(s.hidden_rows)} ligne(s) masquée(s) "
            f"dans Excel, importée(s) comme les autres ({_short_list(s.hidden_rows)})."
        )
    if s.hidden_columns:
        cols = ", ".join(f"« {c} »" for c in s.hidden_columns)
        lines.append(
            f"{where[0].upper() + where[1:]} : colonne(s) masquée(s) dans Excel, "
            f"importée(s) comme les autres : {cols}."
        )
    if s.formula_cells:
        lines.append(
            f"{where[0].upper() + where[1:]} : {len(s.formula_cells)} cellule(s) avec une "
            f"formule sans valeur calculée ({_short_list(s.formula_cells)}), lue(s) comme "
            f"vide(s) : {ADVICE_FORMULAS}."
        )
    if s.error_cells:
        lines.append(
            f"{where[0].upper() + where[1:]} : {len(s.error_cells)} cellule(s) en erreur "
            f"Excel, lue(s) comme vide(s) ({_short_list(s.error_cells)})."
        )
    if s.merged_filled:
        lines.append(
            f"{where[0].upper() + where[1:]} : cellules fusionnées sur plusieurs lignes, "
            f"valeur recopiée dans {s.merged_filled} cellule(s)."
        )
    if s.truncated_cells:
        lines.append(
            f"{where[0].upper() + where[1:]} : {s.truncated_cells} cellule(s) trop "
            "longue(s), coupée(s) à 32 767 caractères."
        )
    return lines


def _short_list(items: list, n: int = 10) -> str:
    shown = ", ".join(str(x) for x in items[:n])
    return shown + (f"… ({len(items)} en tout)" if len(items) > n else "")
