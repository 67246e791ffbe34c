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
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from matcher import fields as F
from matcher.errors import UserError
from matcher.export.cells import CUT_MARK as CUT_MARK
from matcher.export.cells import EXCEL_MAX_CELL as EXCEL_MAX_CELL
from matcher.export.cells import csv_safe as csv_safe
from matcher.export.cells import csv_safe_values as csv_safe_values
from matcher.export.cells import fr_date as fr_date
from matcher.export.cells import is_formula_like as is_formula_like
from matcher.export.cells import plain_value as plain_value

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

# Cell constants and helpers live in cells.py; the constants stay readable from here too.
from matcher.export.suggestions_file import write_suggestions as write_suggestions

# The workbooks and the table writer live in workbooks.py (no pandas there); they stay readable
# from here too.
from matcher.export.workbooks import AUDIENCE as AUDIENCE
from matcher.export.workbooks import DECISION_FILL as DECISION_FILL
from matcher.export.workbooks import HEADER_FILL as HEADER_FILL
from matcher.export.workbooks import HEADER_FONT as HEADER_FONT
from matcher.export.workbooks import PARIS as PARIS
from matcher.export.workbooks import README_SHEET as README_SHEET
from matcher.export.workbooks import SETTING_LABELS as SETTING_LABELS
from matcher.export.workbooks import SHEET_NAME_MAX as SHEET_NAME_MAX
from matcher.export.workbooks import SUMMARY_COLUMNS as SUMMARY_COLUMNS
from matcher.export.workbooks import TITLES as TITLES
from matcher.export.workbooks import TOP as TOP
from matcher.export.workbooks import WRAP as WRAP
from matcher.export.workbooks import PairKey as PairKey
from matcher.export.workbooks import coordinator_workbook as coordinator_workbook
from matcher.export.workbooks import firm_workbook as firm_workbook
from matcher.export.workbooks import fit_to_page_width as fit_to_page_width
from matcher.export.workbooks import pair_key as pair_key
from matcher.export.workbooks import parse_key as parse_key
from matcher.export.workbooks import set_cell as set_cell
from matcher.export.workbooks import settings_lines as settings_lines
from matcher.export.workbooks import structure_workbook as structure_workbook
from matcher.export.workbooks import unique_sheet_name as unique_sheet_name
from matcher.export.workbooks import workbook_bytes as workbook_bytes
from matcher.intake.detect import FORMAT_CSV
from matcher.intake.readers import RowsRead, SheetRows, read_rows
from matcher.ranking import explain
from matcher.settings import ImportLimits
from matcher.workflow import review

log = logging.getLogger(__name__)


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
# CSV and JSON lines
# ---------------------------------------------------------------------------------------------
def shortlist_csv(rows: pd.DataFrame, columns: Sequence[str] = FIRM_COLUMNS) -> bytes:
    """CSV for other tools: ``;`` separator, UTF-8 with BOM (Excel in French opens it right);
    the rows as :func:`matcher.export.columns.shortlist_csv` writes them."""
    return _csv_of_records(rows.to_dict("records"), columns)


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
