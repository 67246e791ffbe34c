"""Export: shortlists as spreadsheets people can use and firms can receive safely.

Three workbooks, built from one "shortlist rows" frame (one row per suggestion, see
``ROW_COLUMNS``):

- for a firm (``firm_workbook``): pseudonymous profile reference, structure and counsellor to call,
  occupation link, matched and missing skills, commute, availability, score, decision columns, and
  nothing else about the person (``FIRM_COLUMNS`` is a whitelist);
- for a structure (``structure_workbook``): its people and the offers suggested to each, with the
  reasons and the decision columns;
- for the coordinator (``coordinator_workbook``): a summary sheet and one sheet per offer.

Every workbook starts with a "Lisez-moi" sheet. No cell is ever a formula: text that Excel would
read as one is stored as a string with the quote prefix. Each data row carries a hidden key of its
pair, signed with the database's secret (HMAC), so that a filled-in, re-sorted or filtered sheet
imports back right and an edited key is detected (``read_shortlist``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from matcher import fields as F
from matcher.errors import UserError

# Cell constants and helpers live in cells.py; the constants stay readable from here too.
from matcher.export.cells import CUT_MARK as CUT_MARK
from matcher.export.cells import EXCEL_MAX_CELL as EXCEL_MAX_CELL
from matcher.export.cells import (
    csv_safe_values,
    fr_date,
    is_formula_like,
    plain_value,
)

# The columns, headers and labels live in columns.py (no pandas there: an export to CSV starts
# at once); they stay readable from here too.
from matcher.export.columns import AVAILABILITY_TEXT as AVAILABILITY_TEXT
from matcher.export.columns import BASE_STATUS as BASE_STATUS
from matcher.export.columns import COLUMN_DOC as COLUMN_DOC
from matcher.export.columns import COMMENT as COMMENT
from matcher.export.columns import COMMUTE as COMMUTE
from matcher.export.columns import DATE_COLUMNS as DATE_COLUMNS
from matcher.export.columns import DECIDED_AT as DECIDED_AT
from matcher.export.columns import DECISION_COLUMNS as DECISION_COLUMNS
from matcher.export.columns import DECISION_REASON as DECISION_REASON
from matcher.export.columns import FIRM_COLUMNS as FIRM_COLUMNS
from matcher.export.columns import FIRM_STATUSES as FIRM_STATUSES
from matcher.export.columns import FIRM_STATUSES_WITH_SUGGESTED as FIRM_STATUSES_WITH_SUGGESTED
from matcher.export.columns import KEY as KEY
from matcher.export.columns import KEY_HEADER as KEY_HEADER
from matcher.export.columns import OCC_LINK as OCC_LINK
from matcher.export.columns import OCC_LINK_LABELS as OCC_LINK_LABELS
from matcher.export.columns import OFFER_COMMUNE as OFFER_COMMUNE
from matcher.export.columns import OFFER_SHEET_COLUMNS as OFFER_SHEET_COLUMNS
from matcher.export.columns import PERCENT_COLUMNS as PERCENT_COLUMNS
from matcher.export.columns import ROW_COLUMNS as ROW_COLUMNS
from matcher.export.columns import STATUS as STATUS
from matcher.export.columns import STRUCTURE_COLUMNS as STRUCTURE_COLUMNS
from matcher.export.columns import WRAP_COLUMNS as WRAP_COLUMNS
from matcher.export.columns import as_date as _as_date
from matcher.export.columns import header as _header
from matcher.export.columns import reason_label as _reason_label
from matcher.export.columns import shortlist_csv as _csv_of_records
from matcher.export.columns import status_label as _status_label
from matcher.intake.detect import FORMAT_CSV
from matcher.intake.readers import RowsRead, SheetRows, read_rows
from matcher.ranking import explain
from matcher.settings import ImportLimits
from matcher.workflow import review

log = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")  # every time written in a file is Paris time

SHEET_NAME_MAX = 31

README_SHEET = "Lisez-moi"

AUDIENCE = {
    "firm": "l'entreprise destinataire, pour ses propres offres uniquement ; ne pas transférer",
    "structure": "la structure d'insertion concernée (ses conseillers) ; usage interne",
    "coordinator": "la coordination du club ; usage interne, ne pas transmettre aux entreprises",
}
TITLES = {
    "firm": "Candidats proposés pour vos offres",
    "structure": "Offres suggérées pour les personnes accompagnées",
    "coordinator": "Suivi des offres et des candidats proposés",
}


# ---------------------------------------------------------------------------------------------
# Cell safety
# ---------------------------------------------------------------------------------------------
def fit_to_page_width(ws: Worksheet, orientation: str) -> None:
    """Print setup shared by every printed sheet: the whole width on one page, as many pages
    down as needed."""
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _set(ws: Worksheet, row: int, col: int, value: object):
    """Write one cell; text is always stored as a string, never as a formula."""
    value = plain_value(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        # Assigning "=..." makes openpyxl store a formula: set the value then force the type.
        cell.value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


# The safe-cell writer, public for the product's other workbooks (matcher/day/documents.py).
set_cell = _set


# ---------------------------------------------------------------------------------------------
# Pair keys (hidden, tamper-evident)
# ---------------------------------------------------------------------------------------------
def pair_key(
    offer_ref: str,
    structure: str,
    profile_ref: str,
    secret: bytes,
    base_review_id: int | None = None,
    base_status: str | None = None,
    exported_at: str | None = None,
) -> str:
    """The hidden key of a row: the pair, the decision it was exported with and when, then an
    HMAC of all that with the database's secret, so an edited key is refused at import and a
    decision taken meanwhile is detected as a conflict."""
    payload = json.dumps(
        [str(offer_ref), str(structure), str(profile_ref), base_review_id, base_status,
         exported_at],
        ensure_ascii=False,
    )  # fmt: skip
    sig = hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    return f"{payload}#{sig}"


@dataclass(frozen=True)
class PairKey:
    offer_ref: str
    structure: str
    profile_ref: str
    base_review_id: int | None
    base_status: str | None
    exported_at: str | None


def parse_key(key: object, secret: bytes) -> PairKey | None:
    """What a hidden key says, or None when it is missing or was altered."""
    if not isinstance(key, str) or "#" not in key:
        return None
    payload, sig = key.rsplit("#", 1)
    expected = hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
    if not hmac.compare_digest(sig, expected):
        return None
    try:
        offer_ref, structure, profile_ref, review_id, status, exported_at = json.loads(payload)
    except (ValueError, TypeError):
        return None
    return PairKey(str(offer_ref), str(structure), str(profile_ref), review_id, status, exported_at)


# ---------------------------------------------------------------------------------------------
# Preparing rows
# ---------------------------------------------------------------------------------------------
def prepare_rows(rows: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """Add the display columns (occupation link, commute, availability) to shortlist rows."""
    out = rows.copy()
    for c in ROW_COLUMNS:
        if c not in out:
            out[c] = None
    today = today or dt.date.today()
    kind = pd.to_numeric(out[F.OCC_KIND], errors="coerce")
    out[OCC_LINK] = kind.map(lambda k: OCC_LINK_LABELS.get(int(k), "") if pd.notna(k) else "")
    out[OCC_LINK] = out[OCC_LINK].where(kind.notna(), OCC_LINK_LABELS[-1])
    dist = pd.to_numeric(out[F.DISTANCE_KM], errors="coerce")
    out[COMMUTE] = dist.map(
        lambda d: ("moins de 1 km" if d < 1 else f"{d:.0f} km") if pd.notna(d) else "inconnu"
    )
    out[AVAILABILITY_TEXT] = out[F.AVAILABLE_FROM].map(
        lambda d: "immédiate" if not isinstance(d, dt.date) or d <= today else fr_date(d)
    )
    # The score as the dashboard shows it: whole points out of 100 (explain.score_points), so
    # that a file never says 57 % where the screen says 58.
    out[F.SCORE] = (explain.score_points_series(out[F.SCORE]) / 100).where(out[F.SCORE].notna())
    out[BASE_STATUS] = out[STATUS].where(out[STATUS].notna(), F.Status.SUGGESTED.value)
    out[STATUS] = out[STATUS].map(_status_label)
    out[DECISION_REASON] = out[DECISION_REASON].map(_reason_label)
    out[DECIDED_AT] = out[DECIDED_AT].map(_as_date)
    return out


# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DECISION_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    columns: Sequence[str],
    secret: bytes | None,
    title_rows: int = 0,
    exported_at: str | None = None,
) -> None:
    """A formatted table: header, rows, formats, drop-downs, filters, hidden key column."""
    columns = list(columns)
    with_key = secret is not None
    all_columns = [*columns, KEY] if with_key else columns
    h = title_rows + 1
    for j, c in enumerate(all_columns, start=1):
        cell = _set(ws, h, j, _header(c))
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, WRAP
    records = frame.to_dict("records")
    for i, rec in enumerate(records, start=h + 1):
        for j, c in enumerate(columns, start=1):
            value = rec.get(c)
            cell = _set(ws, i, j, value)
            if c in PERCENT_COLUMNS and isinstance(cell.value, (int, float)):
                cell.number_format = "0%"
            elif c in DATE_COLUMNS and isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "DD/MM/YYYY"
            cell.alignment = WRAP if c in WRAP_COLUMNS else TOP
            if c in DECISION_COLUMNS:
                cell.fill = DECISION_FILL
        if secret is not None:  # with_key
            review_id = rec.get(F.REVIEW_ID)
            review_id = int(review_id) if review_id is not None and pd.notna(review_id) else None
            key = pair_key(rec[F.OFFER_REF], rec[F.STRUCTURE], rec[F.PROFILE_REF], secret,
                           review_id, rec.get(BASE_STATUS), exported_at)  # fmt: skip
            _set(ws, i, len(all_columns), key)
    last = h + max(len(records), 1)
    if F.SCORE in columns:
        col = get_column_letter(columns.index(F.SCORE) + 1)
        ws.conditional_formatting.add(
            f"{col}{h + 1}:{col}{last}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8696B",
                mid_type="num",
                mid_value=0.5,
                mid_color="FFEB84",
                end_type="num",
                end_value=1,
                end_color="63BE7B",
            ),  # fmt: skip
        )
    rows_range = (h + 1, max(last, h + 200))  # room for rows the user adds
    if STATUS in columns:
        _dropdown(ws, columns.index(STATUS) + 1, rows_range, [s.label for s in F.Status],
                  "Décision", "Choisissez une décision dans la liste.")  # fmt: skip
    if DECISION_REASON in columns:
        _dropdown(ws, columns.index(DECISION_REASON) + 1, rows_range,
                  [r.label for r in F.RejectReason], "Motif",
                  "Choisissez un motif dans la liste.")  # fmt: skip
    ws.freeze_panes = ws.cell(row=h + 1, column=1)
    ws.auto_filter.ref = f"A{h}:{get_column_letter(len(all_columns))}{last}"
    _fit_widths(ws, frame, all_columns)
    widths = [ws.column_dimensions[get_column_letter(j)].width or 10
              for j in range(1, len(columns) + 1)]  # fmt: skip
    for i in range(h + 1, last + 1):
        height = _row_height([(ws.cell(row=i, column=j).value, w)
                              for j, w in enumerate(widths, start=1)])  # fmt: skip
        if height:
            ws.row_dimensions[i].height = height
    if with_key:
        ws.column_dimensions[get_column_letter(len(all_columns))].hidden = True
    ws.print_title_rows = f"{h}:{h}"
    fit_to_page_width(ws, "landscape")


def _dropdown(
    ws: Worksheet, column: int, rows: tuple[int, int], labels: list[str], title: str, error: str
) -> None:
    """A drop-down list (data validation) of ``labels`` on one column's cells."""
    letter = get_column_letter(column)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=error,
    )
    ws.add_data_validation(dv)
    dv.add(f"{letter}{rows[0]}:{letter}{rows[1]}")


def _fit_widths(ws: Worksheet, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Column widths that fit the content: the longest line of the header and of the first
    rows, bounded so that reasons wrap instead of making a 300-character column."""
    for j, c in enumerate(columns, start=1):
        lengths = [max(len(w) for w in _header(c).split())]
        if c in frame:
            for v in frame[c].head(300):
                v = plain_value(v)
                if isinstance(v, (dt.date, dt.datetime)):
                    lengths.append(10)
                elif isinstance(v, float) and c in PERCENT_COLUMNS:
                    lengths.append(5)
                elif v is not None:
                    lengths.append(max((len(line) for line in str(v).split("\n")), default=0))
        if c == STATUS:
            lengths.append(max(len(x.label) for x in F.Status))  # room for the drop-down
        elif c == DECISION_REASON:
            lengths.append(max(len(x.label) for x in F.RejectReason))
        limit = 60 if c in WRAP_COLUMNS else 40
        ws.column_dimensions[get_column_letter(j)].width = min(max(max(lengths) + 2, 8), limit)


def _readme(
    wb: Workbook,
    kind: str,
    columns: Sequence[str],
    settings: dict | None,
    generated: dt.datetime,
    scope: str,
) -> None:
    ws = wb.active
    ws.title = README_SHEET
    lines: list[tuple[str, str]] = [
        (TITLES[kind], ""),
        ("Produit le", f"{generated:%d/%m/%Y à %H:%M}"),
        ("Contenu", scope),
        ("Peut être transmis à", AUDIENCE[kind]),
        ("Données personnelles", "Aucune identité de candidat : les références sont des "
         "pseudonymes. Ne pas ajouter de nom, téléphone ou adresse dans ce fichier."),
        ("Comment répondre", "Remplissez les colonnes « Décision », « Motif si non retenu » et "
         "« Commentaire », puis renvoyez le fichier au conseiller ou à la coordination. Ne "
         "modifiez pas la colonne masquée « Clé » : elle permet de relire vos réponses, même "
         "si vous triez ou filtrez les lignes."),
        ("", ""),
        ("Colonne", "Signification"),
    ]  # fmt: skip
    lines += [COLUMN_DOC[c] for c in columns]
    if settings:
        lines += [("", ""), ("Paramètres du calcul", "")]
        lines += settings_lines(settings)
    for i, (a, b) in enumerate(lines, start=1):
        _set(ws, i, 1, a)
        _set(ws, i, 2, b)
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=i, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = _row_height([(a, 28), (b, 90)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.row_dimensions[1].height = 20
    header_row = lines.index(("Colonne", "Signification")) + 1
    for c in ("A", "B"):
        ws[f"{c}{header_row}"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    fit_to_page_width(ws, "portrait")


# French names of the settings shown in the "Lisez-moi" sheet (others keep their key).
SETTING_LABELS: dict[str, str] = {
    "weights": "Poids des critères",
    "weights.text": "texte",
    "weights.skills": "compétences",
    "weights.occupation": "métier",
    "weights.commute": "trajet",
    "constraints": "Contraintes (exclure ou pénaliser)",
    "constraints.licence": "permis",
    "constraints.contract": "contrat",
    "constraints.hours": "horaires hebdomadaires",
    "constraints.schedule": "nuit, week-end, coupures",
    "constraints.availability": "disponibilité",
    "constraints.penalty": "pénalité",
    "ranking": "Classement",
    "ranking.top_k": "candidats par offre",
    "ranking.min_score": "score minimal",
    "ranking.skill_threshold": "seuil de ressemblance des compétences (sur 100)",
    "ranking.default_radius_km": "rayon de mobilité par défaut (km)",
    "ranking.commute_factor": "part du score perdue au-delà du rayon de mobilité",
    "ranking.occupation_min_confidence": "confiance minimale pour reconnaître un métier",
    "ranking.allocate": "répartition selon le nombre de postes",
}
_POLICY_LABELS = {"exclude": "exclure", "penalise": "pénaliser", True: "oui", False: "non"}


def _fr_value(value: object) -> str:
    if isinstance(value, bool) or value in _POLICY_LABELS:
        return _POLICY_LABELS.get(value, str(value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def settings_lines(settings: dict) -> list[tuple[str, str]]:
    """The settings of a matching run as French lines: one per section, the values that matter
    to a reader (weights, constraint policies, main ranking choices)."""
    lines = []
    for section in ("weights", "constraints", "ranking"):
        values = settings.get(section)
        if not isinstance(values, dict):
            continue
        shown = [
            f"{SETTING_LABELS[f'{section}.{k}']} : {_fr_value(v)}"
            for k, v in values.items()
            if f"{section}.{k}" in SETTING_LABELS
        ]
        if shown:
            lines.append((SETTING_LABELS[section], " ; ".join(shown)))
    return lines


def _row_height(cells: Sequence[tuple[object, float]]) -> float | None:
    """Height (points) that shows wrapped text whole: lines needed at each column's width.
    Spreadsheet programs do not all grow rows on opening, and printing needs it."""
    lines = 1
    for value, width in cells:
        if not isinstance(value, str) or not value:
            continue
        per_line = max(int(width * 1.1) - 2, 5)
        n = sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))
        lines = max(lines, n)
    return None if lines == 1 else min(15.0 * lines, 180.0)


def _sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "-", str(text)).strip("' ") or "Feuille"
    base = base[:SHEET_NAME_MAX]
    name, n = base, 2
    while name.lower() in used or name.lower() == README_SHEET.lower():
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _iso(when: dt.datetime) -> str:
    """A timestamp as stored by the review module (UTC ISO); a naive time is local time."""
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# Public for the product's other workbooks (matcher/day/documents.py).
unique_sheet_name = _sheet_name
workbook_bytes = _save


def _sorted(rows: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return rows.sort_values(list(by), kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The three workbooks
# ---------------------------------------------------------------------------------------------
def firm_workbook(
    rows: pd.DataFrame,
    secret: bytes,
    settings: dict | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """Shortlist for a firm: one sheet, its offers' candidates, whitelisted columns only.
    ``settings`` is ignored: the ranking's internal settings never go to a firm."""
    generated = generated or dt.datetime.now(PARIS)
    rows = _sorted(prepare_rows(rows, generated.date()), [F.OFFER_REF, F.RANK])
    # The firm writes its own answer: the structure's reason and comment never leave.
    rows[DECISION_REASON] = None
    rows[COMMENT] = None
    employers = sorted({str(e) for e in rows[F.EMPLOYER].dropna()})
    scope = (f"{rows[F.OFFER_REF].nunique()} offre(s) de {', '.join(employers) or 'l entreprise'},"
             f" {len(rows)} candidat(s) proposé(s)")  # fmt: skip
    wb = Workbook()
    _readme(wb, "firm", FIRM_COLUMNS, None, generated, scope)
    ws = wb.create_sheet("Candidats")
    _write_table(ws, rows, FIRM_COLUMNS, secret, exported_at=_iso(generated))
    return _save(wb)


def structure_workbook(
    rows: pd.DataFrame,
    secret: bytes,
    settings: dict | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """For a structure: its people and the offers suggested to each, reasons and decisions."""
    generated = generated or dt.datetime.now(PARIS)
    rows = _sorted(prepare_rows(rows, generated.date()), [F.PROFILE_REF, F.RANK, F.OFFER_REF])
    structures = sorted({str(s) for s in rows[F.STRUCTURE].dropna()})
    scope = (f"{', '.join(structures)} : {rows[F.PROFILE_REF].nunique()} personne(s), "
             f"{len(rows)} offre(s) suggérée(s)")  # fmt: skip
    wb = Workbook()
    _readme(wb, "structure", STRUCTURE_COLUMNS, settings, generated, scope)
    ws = wb.create_sheet("Suggestions")
    _write_table(ws, rows, STRUCTURE_COLUMNS, secret, exported_at=_iso(generated))
    return _save(wb)


SUMMARY_COLUMNS = ("Réf. offre", "Entreprise", "Poste", "Lieu de travail", "Suggestions",
                   *(s.label for s in F.Status))  # fmt: skip


def coordinator_workbook(
    rows: pd.DataFrame,
    offers: pd.DataFrame,
    secret: bytes,
    settings: dict | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """For the coordinator: a summary sheet (offers, suggestions, decisions so far) and one sheet
    per offer with its candidates."""
    generated = generated or dt.datetime.now(PARIS)
    rows = _sorted(prepare_rows(rows, generated.date()), [F.OFFER_REF, F.RANK])
    offers = offers.sort_values(F.OFFER_REF, kind="stable")
    wb = Workbook()
    scope = f"{len(offers)} offre(s), {len(rows)} suggestion(s)"
    _readme(wb, "coordinator", OFFER_SHEET_COLUMNS, settings, generated, scope)
    summary = wb.create_sheet("Synthèse")
    counts = rows.groupby([F.OFFER_REF, STATUS]).size().unstack(fill_value=0)
    table = []
    for o in offers.to_dict("records"):
        ref = o[F.OFFER_REF]
        row = [ref, o.get(F.EMPLOYER), o.get(F.TITLE), o.get(F.COMMUNE),
               int((rows[F.OFFER_REF] == ref).sum())]  # fmt: skip
        row += [int(counts.at[ref, s.label]) if ref in counts.index and s.label in counts
                else 0 for s in F.Status]  # fmt: skip
        table.append(row)
    for j, head in enumerate(SUMMARY_COLUMNS, start=1):
        cell = _set(summary, 1, j, head)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, WRAP
    for i, r in enumerate(table, start=2):
        for j, v in enumerate(r, start=1):
            _set(summary, i, j, v)
    total_row = len(table) + 2
    _set(summary, total_row, 1, "Total")
    summary.cell(row=total_row, column=1).font = Font(bold=True)
    for j in range(5, len(SUMMARY_COLUMNS) + 1):
        # A computed value, not a formula: the workbook never holds formulas.
        _set(summary, total_row, j, sum(r[j - 1] for r in table))
        summary.cell(row=total_row, column=j).font = Font(bold=True)
    summary.freeze_panes = "A2"
    summary.auto_filter.ref = (
        f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{max(len(table) + 1, 2)}"
    )
    for j, head in enumerate(SUMMARY_COLUMNS, start=1):
        width = max([len(head)] + [len(str(r[j - 1] or "")) for r in table[:300]])
        summary.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 45)
    summary.page_setup.orientation = "landscape"
    summary.print_title_rows = "1:1"
    used: set[str] = {"synthèse"}
    for o in offers.to_dict("records"):
        ref = o[F.OFFER_REF]
        ws = wb.create_sheet(_sheet_name(ref, used))
        title = f"{ref} – {o.get(F.TITLE) or ''} – {o.get(F.EMPLOYER) or ''}"
        _set(ws, 1, 1, title)
        ws["A1"].font = Font(bold=True, size=12)
        _write_table(ws, rows[rows[F.OFFER_REF] == ref], OFFER_SHEET_COLUMNS, secret,
                     title_rows=1, exported_at=_iso(generated))  # fmt: skip
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# CSV and JSON lines
# ---------------------------------------------------------------------------------------------
def shortlist_csv(rows: pd.DataFrame, columns: Sequence[str] = FIRM_COLUMNS) -> bytes:
    """CSV for other tools: ``;`` separator, UTF-8 with BOM (Excel in French opens it right);
    the rows as :func:`matcher.export.columns.shortlist_csv` writes them."""
    return _csv_of_records(rows.to_dict("records"), columns)


def write_suggestions(frame: pd.DataFrame, out: str | Path | None) -> str | None:
    """Write ``rank`` results by the extension of ``out``: .xlsx, .csv (``;``, UTF-8 with BOM)
    or .jsonl; JSON lines returned as text when ``out`` is None."""
    if out is None or str(out).lower().endswith(".jsonl"):
        records = frame.to_dict("records")
        lines = "\n".join(
            json.dumps({k: _json(v) for k, v in r.items()}, ensure_ascii=False) for r in records
        )
        if out is None:
            return lines + ("\n" if lines else "")
        Path(out).write_text(lines + "\n", encoding="utf-8")
        return None
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        # Numbers are written as they are (csv_safe would leave them unchanged: only text,
        # lists and dates need it), so the cell-by-cell pass runs on the text columns only.
        csv_frame = frame.copy()
        for c in frame.columns:
            if not (pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool):
                csv_frame[c] = pd.Series(csv_safe_values(frame[c]), index=frame.index, dtype=object)
        csv_frame.columns = [_header(c) for c in frame.columns]
        # Streamed to the file (pandas writes it by chunks of rows): the whole text, then its
        # bytes, would be about twice the file's size in memory (1.5 GB at 1,000,000 rows).
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            csv_frame.to_csv(fh, sep=";", index=False, lineterminator="\r\n")
        return None
    if suffix == ".xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "Suggestions"
        # The same table writer as the shortlists (formats, filters, widths), without keys:
        # a stateless ranking has no stored pairs to read back.
        _write_table(ws, frame, list(frame.columns), None)
        out.write_bytes(_save(wb))
        return None
    raise UserError(f"{out} : extension non prise en charge (attendu .xlsx, .csv ou .jsonl)")


def _json(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


# ---------------------------------------------------------------------------------------------
# Reading a filled-in shortlist back
# ---------------------------------------------------------------------------------------------
SHEET = "sheet"
ROW = review.ROW


@dataclass
class ShortlistRead:
    """Decisions read from a filled-in shortlist: one row per data row (``DECISION_COLUMNS`` of
    :mod:`matcher.workflow.review`, ``row`` as the spreadsheet shows it); ``problems`` lists the rows that
    cannot be used, as (sheet, row, offer shown, candidate shown, French reason)."""

    decisions: pd.DataFrame
    problems: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    rows_read: int = 0


def has_pair_keys(data: bytes | RowsRead) -> bool:
    """True when the workbook is an export of ours (it carries the hidden key column)."""
    if isinstance(data, bytes):
        try:
            data = read_rows(data, "liste", max_rows=5)
        except UserError:  # not a workbook we read: the caller's reader will say what is wrong
            return False
    return any(_key_header(sheet) is not None for sheet in data.sheets)


def _key_header(sheet: SheetRows) -> tuple[int, list[str | None]] | None:
    """The header row (number, labels) holding the key column, within the first five rows."""
    return next(
        ((number, cells) for number, cells in sheet.rows if number <= 5 and KEY_HEADER in cells),
        None,
    )


def read_shortlist(
    data: bytes, name: str, secret: bytes, limits: ImportLimits | None = None
) -> ShortlistRead:
    """Read the decision columns of an exported shortlist (any of the three workbooks) through
    the hidden signed key of each row: re-sorted, filtered or re-ordered sheets read right; a
    row whose key was altered or removed is reported, not applied. Decision labels are read as
    written (the review module checks them and reports unknown ones). The file is opened by
    :func:`matcher.intake.readers.read_rows` (its limits and messages)."""
    return shortlist_from_rows(read_rows(data, name, limits), secret)


def shortlist_from_rows(read: RowsRead, secret: bytes) -> ShortlistRead:
    """:func:`read_shortlist` on a file already read by :func:`matcher.intake.readers.read_rows`."""
    name = read.source
    if read.file_format == FORMAT_CSV:
        raise UserError(f"{name} : ce n'est pas une liste exportée lisible (.xlsx)")
    records: list[dict] = []
    problems: list[tuple[str, int, str, str, str]] = []
    rows_read = 0
    found_key = False
    for ws in read.sheets:
        title = ws.sheet or ""
        if title == README_SHEET:
            continue
        found = _key_header(ws)
        if found is None:
            continue
        found_key = True
        header_row, header = found
        col = {h: j for j, h in enumerate(header) if h}

        def get(row: list[str | None], column: str, col: dict = col) -> str | None:
            j = col.get(_header(column))
            return row[j] if j is not None and j < len(row) else None

        for i, row in ws.rows:
            if i <= header_row:
                continue
            rows_read += 1
            key = parse_key(get(row, KEY), secret)
            if key is None:
                problems.append((title, i, str(get(row, F.OFFER_REF) or "?"),
                                 str(get(row, F.PROFILE_REF) or "?"),
                                 "clé de la ligne absente ou modifiée, ligne ignorée"))  # fmt: skip
                continue
            comment = get(row, COMMENT)
            records.append({
                F.OFFER_REF: key.offer_ref, F.PROFILE_REF: key.profile_ref,
                F.STRUCTURE: key.structure,
                F.STATUS: str(get(row, STATUS) or "").strip() or None,
                F.REASON: str(get(row, DECISION_REASON) or "").strip() or None,
                F.COMMENT: str(comment).strip() if comment not in (None, "") else None,
                ROW: i, review.BASE_REVIEW_ID: key.base_review_id,
                review.BASE_STATUS: key.base_status, review.EXPORTED_AT: key.exported_at,
                SHEET: title,
            })  # fmt: skip
    if not found_key:
        raise UserError(
            f"{name} : aucune feuille avec la colonne « {KEY_HEADER} » : ce fichier n'est pas une "
            "liste exportée par circuit-court (ou la colonne a été supprimée)"
        )
    columns = [*review.DECISION_COLUMNS, SHEET]
    return ShortlistRead(pd.DataFrame(records, columns=columns), problems, rows_read)
