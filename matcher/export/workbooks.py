"""The shortlist workbooks for firms, structures and the coordinator, and the table writer every
workbook of the product uses (formats, drop-downs, filters, widths, hidden signed keys). Built
with openpyxl from shortlist rows given as records or as a frame, without pandas (issue 15: an
export starts at once). The module docstring of :mod:`matcher.export.shortlists` says what each
workbook holds; it re-exports everything here."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from matcher import fields as F
from matcher.export.cells import is_formula_like, plain_value
from matcher.export.columns import (
    BASE_STATUS,
    COLUMN_DOC,
    COMMENT,
    DATE_COLUMNS,
    DECISION_COLUMNS,
    DECISION_REASON,
    FIRM_COLUMNS,
    KEY,
    OFFER_SHEET_COLUMNS,
    PERCENT_COLUMNS,
    STATUS,
    STRUCTURE_COLUMNS,
    WRAP_COLUMNS,
    as_records,
    display_record,
    is_missing,
)
from matcher.export.columns import header as _header

if TYPE_CHECKING:
    import pandas as pd

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
# Sheets
# ---------------------------------------------------------------------------------------------
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DECISION_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _write_table(
    ws: Worksheet,
    frame: pd.DataFrame | Sequence[Mapping[str, Any]],
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
    records = as_records(frame)
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
            rid = rec.get(F.REVIEW_ID)
            review_id = None if rid is None or is_missing(rid) else int(rid)
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
    _fit_widths(ws, records, all_columns)
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


def _fit_widths(ws: Worksheet, records: list[dict[str, Any]], columns: Sequence[str]) -> None:
    """Column widths that fit the content: the longest line of the header and of the first
    rows, bounded so that reasons wrap instead of making a 300-character column."""
    for j, c in enumerate(columns, start=1):
        lengths = [max(len(w) for w in _header(c).split())]
        if records and c in records[0]:
            for v in (r[c] for r in records[:300]):
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
write_table = _write_table  # also writes ``rank``'s suggestions (shortlists.write_suggestions)
iso_utc = _iso


def _sorted(records: list[dict[str, Any]], by: Sequence[str]) -> list[dict[str, Any]]:
    """Sorted as ``sort_values(by, kind="stable")`` sorts a frame: missing values last."""
    return sorted(records, key=lambda r: [(1, 0) if is_missing(r[c]) else (0, r[c]) for c in by])


def _prepared(rows: pd.DataFrame | Sequence[Mapping[str, Any]], today: dt.date) -> list[dict]:
    return [display_record(r, today) for r in as_records(rows)]


def _text(value: object) -> object:
    """A value in a sentence: "" when missing (never "nan")."""
    return "" if is_missing(value) or not value else value


def _distinct(records: list[dict[str, Any]], column: str) -> set:
    return {r[column] for r in records if not is_missing(r[column])}


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
    records = _sorted(_prepared(rows, generated.date()), [F.OFFER_REF, F.RANK])
    # The firm writes its own answer: the structure's reason and comment never leave.
    for r in records:
        r[DECISION_REASON] = None
        r[COMMENT] = None
    employers = sorted({str(e) for e in _distinct(records, F.EMPLOYER)})
    scope = (f"{len(_distinct(records, F.OFFER_REF))} offre(s) de "
             f"{', '.join(employers) or 'l entreprise'}, {len(records)} candidat(s) proposé(s)")  # fmt: skip
    wb = Workbook()
    _readme(wb, "firm", FIRM_COLUMNS, None, generated, scope)
    ws = wb.create_sheet("Candidats")
    _write_table(ws, records, FIRM_COLUMNS, secret, exported_at=_iso(generated))
    return _save(wb)


def structure_workbook(
    rows: pd.DataFrame,
    secret: bytes,
    settings: dict | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """For a structure: its people and the offers suggested to each, reasons and decisions."""
    generated = generated or dt.datetime.now(PARIS)
    records = _sorted(_prepared(rows, generated.date()), [F.PROFILE_REF, F.RANK, F.OFFER_REF])
    structures = sorted({str(s) for s in _distinct(records, F.STRUCTURE)})
    scope = (f"{', '.join(structures)} : {len(_distinct(records, F.PROFILE_REF))} personne(s), "
             f"{len(records)} offre(s) suggérée(s)")  # fmt: skip
    wb = Workbook()
    _readme(wb, "structure", STRUCTURE_COLUMNS, settings, generated, scope)
    ws = wb.create_sheet("Suggestions")
    _write_table(ws, records, STRUCTURE_COLUMNS, secret, exported_at=_iso(generated))
    return _save(wb)


SUMMARY_COLUMNS = ("Réf. offre", "Entreprise", "Poste", "Lieu de travail", "Suggestions",
                   *(s.label for s in F.Status))  # fmt: skip


def coordinator_workbook(
    rows: pd.DataFrame | Sequence[Mapping[str, Any]],
    offers: pd.DataFrame | Sequence[Mapping[str, Any]],
    secret: bytes,
    settings: dict | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """For the coordinator: a summary sheet (offers, suggestions, decisions so far) and one sheet
    per offer with its candidates."""
    generated = generated or dt.datetime.now(PARIS)
    records = _sorted(_prepared(rows, generated.date()), [F.OFFER_REF, F.RANK])
    offer_records = _sorted([dict(o) for o in as_records(offers)], [F.OFFER_REF])
    wb = Workbook()
    scope = f"{len(offer_records)} offre(s), {len(records)} suggestion(s)"
    _readme(wb, "coordinator", OFFER_SHEET_COLUMNS, settings, generated, scope)
    summary = wb.create_sheet("Synthèse")
    counts = Counter((r[F.OFFER_REF], r[STATUS]) for r in records if not is_missing(r[F.OFFER_REF]))
    per_offer = Counter(r[F.OFFER_REF] for r in records)
    table = []
    for o in offer_records:
        ref = o[F.OFFER_REF]
        row = [ref, o.get(F.EMPLOYER), o.get(F.TITLE), o.get(F.COMMUNE), per_offer[ref]]
        row += [counts[(ref, s.label)] for s in F.Status]
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
    for o in offer_records:
        ref = o[F.OFFER_REF]
        ws = wb.create_sheet(_sheet_name(ref, used))
        title = f"{ref} – {_text(o.get(F.TITLE))} – {_text(o.get(F.EMPLOYER))}"
        _set(ws, 1, 1, title)
        ws["A1"].font = Font(bold=True, size=12)
        _write_table(ws, [r for r in records if r[F.OFFER_REF] == ref], OFFER_SHEET_COLUMNS,
                     secret, title_rows=1, exported_at=_iso(generated))  # fmt: skip
    return _save(wb)
