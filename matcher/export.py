"""Export: suggestions -> spreadsheets people can use (xlsx with openpyxl), CSV, JSON lines.

No cell is ever a formula: text that Excel would read as one is written as text. Only
pseudonymous profile fields leave the building (see ``FIRM_COLUMNS``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from matcher import fields as F
from matcher.errors import UserError

log = logging.getLogger(__name__)

EXCEL_MAX_CELL = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

# French headers of the exported columns.
HEADERS: dict[str, str] = {
    F.OFFER_REF: "Réf. offre",
    F.EMPLOYER: "Entreprise",
    F.TITLE: "Poste",
    F.PROFILE_REF: "Réf. candidat (pseudonyme)",
    F.STRUCTURE: "Structure d'accompagnement",
    F.COUNSELLOR: "Conseiller à contacter",
    F.RANK: "Rang",
    F.SCORE: "Score",
    F.S_TEXT: "Texte",
    F.S_SKILLS: "Compétences",
    F.S_OCCUPATION: "Métier",
    F.S_COMMUTE: "Trajet",
    F.S_CONSTRAINTS: "Contraintes",
    F.DISTANCE_KM: "Distance (km)",
    F.REASONS: "Pourquoi",
    "status": "Décision",
}


def safe_text(value: object) -> object:
    """A value safe to put in a cell: control characters removed, cut at Excel's limit; text is
    returned as is (the writer marks formula-like text as text)."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if len(value) > EXCEL_MAX_CELL:
        value = value[: EXCEL_MAX_CELL - 20] + " […] (texte coupé)"
    return value


def _cell_value(value: object) -> object:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return safe_text(value)


def _write_sheet(ws, frame: pd.DataFrame, columns: Sequence[str], decisions: Sequence[str]) -> None:
    headers = [HEADERS.get(c, c) for c in columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for rec in frame[list(columns)].itertuples(index=False):
        ws.append([_cell_value(v) for v in rec])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even for "=..."
                if cell.value.lstrip(" ").startswith(_FORMULA_START):
                    cell.quotePrefix = True
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "DD/MM/YYYY"
    if F.SCORE in columns:
        col = get_column_letter(list(columns).index(F.SCORE) + 1)
        for cell in ws[col][1:]:
            cell.number_format = "0%"
    if "status" in columns and decisions:
        col = get_column_letter(list(columns).index("status") + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(decisions) + '"', allow_blank=True)
        dv.error = "Choisissez une décision dans la liste"
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{max(ws.max_row, 2)}")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for j, c in enumerate(columns, start=1):
        width = max(
            [len(str(HEADERS.get(c, c)))]
            + [
                min(len(line), 60)
                for v in frame[c].head(200)
                for line in str(_cell_value(v) or "").split("\n")
            ]
        )
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 62)
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"


SHORTLIST_COLUMNS = [F.OFFER_REF, F.TITLE, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE,
                     F.REASONS, "status"]  # fmt: skip


def shortlist_workbook(suggestions: pd.DataFrame, offers: pd.DataFrame) -> bytes:
    """A shortlist workbook: one row per suggestion, a "Lisez-moi" sheet first."""
    frame = suggestions.merge(
        offers[[F.OFFER_REF, F.TITLE, F.EMPLOYER]], on=F.OFFER_REF, how="left"
    )
    if "status" not in frame:
        frame["status"] = F.Status.SUGGESTED.value
    frame["status"] = frame["status"].map(lambda s: F.Status(s).label if s else "")
    wb = Workbook()
    readme = wb.active
    readme.title = "Lisez-moi"
    readme.append(["Liste de candidats proposés – circuit-court"])
    readme.append([f"Produite le {dt.date.today():%d/%m/%Y}"])
    readme.append(["Les candidats sont désignés par une référence pseudonyme : pour toute suite, "
                   "contactez la structure d'accompagnement."])  # fmt: skip
    readme.append([])
    for c in SHORTLIST_COLUMNS:
        readme.append([HEADERS[c]])
    readme.column_dimensions["A"].width = 100
    ws = wb.create_sheet("Suggestions")
    _write_sheet(ws, frame, SHORTLIST_COLUMNS, [s.label for s in F.Status])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_safe(value: object) -> object:
    value = _cell_value(value)
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def write_suggestions(frame: pd.DataFrame, out: str | Path | None) -> str | None:
    """Write ``rank`` results by the extension of ``out``: .xlsx, .csv (``;``, UTF-8 with BOM)
    or .jsonl; JSON lines returned as text when ``out`` is None."""
    records = frame.to_dict("records")
    if out is None or str(out).endswith(".jsonl"):
        lines = "\n".join(
            json.dumps({k: _json(v) for k, v in r.items()}, ensure_ascii=False) for r in records
        )
        if out is None:
            return lines + ("\n" if lines else "")
        Path(out).write_text(lines + "\n", encoding="utf-8")
        return None
    out = Path(out)
    if out.suffix.lower() == ".csv":
        csv_frame = frame.map(_csv_safe)
        csv_frame.columns = [HEADERS.get(c, c) for c in frame.columns]
        csv_frame.to_csv(out, sep=";", index=False, encoding="utf-8-sig")
        return None
    if out.suffix.lower() == ".xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "Suggestions"
        _write_sheet(ws, frame, list(frame.columns), [])
        wb.save(out)
        return None
    raise UserError(f"{out} : extension non prise en charge (attendu .xlsx, .csv ou .jsonl)")


def _json(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
