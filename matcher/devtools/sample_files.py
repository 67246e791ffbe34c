"""Writers of the sample's files: stable xlsx workbooks and the README that documents them.

The workbooks carry fixed timestamps (document properties and zip entry dates) so that two runs
with the same seed write identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from matcher.devtools.sample_spec import (
    COLLECTION_DATE,
    COMMENT,
    FORBIDDEN,
    IGNORED,
    OFFERS_EXTRA_COLUMNS,
    OFFERS_EXTRA_FILE,
    OFFERS_MAIN_COLUMNS,
    OFFERS_MAIN_FILE,
    Columns,
    Structure,
)

FIXED_TIMESTAMP = dt.datetime(2026, 11, 1, 9, 0, 0)
ZIP_DATE = (2026, 11, 1, 9, 0, 0)


@dataclass
class Sheet:
    """One worksheet to write: its table, where the header goes, an optional title row."""

    name: str
    frame: pd.DataFrame
    header_row: int = 1
    title: str | None = None
    merge_title: bool = False
    hidden: bool = False
    widths: dict[str, float] = field(default_factory=dict)


def stabilise_xlsx(path: Path) -> None:
    """Rewrite the zip with fixed entry dates and a fixed 'modified' property."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{stamp}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            dst.writestr(new, data)
    path.write_bytes(buffer.getvalue())


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    """Write ``sheets`` into the workbook ``path``, with fixed timestamps (stable bytes)."""
    with pd.ExcelWriter(
        path, engine="openpyxl", date_format="DD/MM/YYYY", datetime_format="DD/MM/YYYY"
    ) as writer:
        for sheet in sheets:
            sheet.frame.to_excel(
                writer, sheet_name=sheet.name, startrow=sheet.header_row - 1, index=False
            )
            ws = writer.sheets[sheet.name]
            if sheet.title:
                ws.cell(row=1, column=1, value=sheet.title)
                if sheet.merge_title:
                    ws.merge_cells(
                        start_row=1, start_column=1, end_row=1, end_column=len(sheet.frame.columns)
                    )
            for letter, width in sheet.widths.items():
                ws.column_dimensions[letter].width = width
            if sheet.hidden:
                ws.sheet_state = "hidden"
        book = writer.book
        book.properties.creator = "circuit-court sample generator"
        book.properties.lastModifiedBy = "circuit-court sample generator"
        book.properties.created = FIXED_TIMESTAMP
        book.properties.modified = FIXED_TIMESTAMP
    stabilise_xlsx(path)


def default_widths(frame: pd.DataFrame) -> dict[str, float]:
    """Column widths fitted to the header and the first values, as a person would set them."""
    widths = {}
    for i, col in enumerate(frame.columns, start=1):
        longest = max([len(str(col))] + [len(str(v).split("\n")[0]) for v in frame[col].head(30)])
        widths[get_column_letter(i)] = float(min(max(10, longest + 2), 60))
    return widths


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------
def columns_table(columns: Columns) -> list[str]:
    """Markdown table of a file's columns and the canonical field of each."""
    meaning = {
        FORBIDDEN: "— (personal data: must be dropped)",
        COMMENT: "— (free comment: may be kept as a note, contact details must be redacted)",
        IGNORED: "— (free remark of the coordinator: not needed for matching)",
    }
    lines = ["| column (as written) | canonical field |", "|---|---|"]
    for header, fld in columns:
        lines.append(f"| `{header}` | {meaning.get(fld, f'`{fld}`')} |")
    return lines


ProfileInfo = tuple[Structure, int, list[str]]  # structure, data rows written, messes


def _files_section(
    offers_main: pd.DataFrame,
    offers_extra: pd.DataFrame,
    profile_info: list[ProfileInfo],
    seed: int,
) -> list[str]:
    """Title, warnings and the table of the files."""
    out = [
        "# Sample data (generated)",
        "",
        f"Written by `matcher.sample.generate_sample(out_dir, seed={seed})`: do not edit by hand,",
        "re-run the generator instead. Everything here is invented (firms, structures, counsellors,",
        "job seekers); identifiers are pseudonymous codes. Firm phone numbers are masked",
        "(`03 21 xx xx xx`); the few personal contact details planted on purpose use the ranges",
        "reserved for fiction (06 39 98 ..) and the reserved domain `example.com`.",
        "",
        "Row numbers below are as a spreadsheet shows them (1-based, header and title rows",
        "included), i.e. the `source_row` of `matcher/fields.py`. The structure of a profile is not",
        "a column: each file belongs to one structure (table below).",
        "",
        "## Files",
        "",
        "| file | content | format | sheets | header row | data rows |",
        "|---|---|---|---|---|---|",
        f"| `{OFFERS_MAIN_FILE}` | job offers, coordinator Busin'ESS | xlsx | `Offres 2026` | 3 | "
        f"{len(offers_main)} (+ total row) |",
        f"| `{OFFERS_EXTRA_FILE}` | job offers, second coordinator | xlsx | `Feuil1` | 1 | "
        f"{len(offers_extra)} |",
    ]
    for struct, n_rows, _ in profile_info:
        if struct.sheet is None:
            enc = "cp1252, `;`" if struct.key == "ai_bs" else "UTF-8 with BOM, `,`"
            fmt, sheets = f"CSV ({enc})", "—"
        else:
            fmt = "xlsx"
            sheets = f"`{struct.sheet}`" + (
                " + hidden `paramètres`" if struct.key == "ei_ap" else ""
            )
        out.append(
            f"| `{struct.filename}` | profiles, {struct.name} | {fmt} | {sheets} | "
            f"{struct.header_row} | {n_rows} |"
        )
    return out


def _offers_section(offer_notes: dict[str, list[str]]) -> list[str]:
    """The two offer workbooks: layout, columns and messes."""
    return [
        "",
        "## Offers",
        "",
        f"### {OFFERS_MAIN_FILE}",
        "",
        "Row 1: merged title `Busin'ESS 2026 – Offres collectées le "
        f"{COLLECTION_DATE}`; row 2: empty; row 3: header.",
        "",
        *columns_table(OFFERS_MAIN_COLUMNS),
        "",
        "Messes:",
        *[f"- {n}" for n in offer_notes[OFFERS_MAIN_FILE]],
        "",
        f"### {OFFERS_EXTRA_FILE}",
        "",
        "Header on row 1, other column names and order, no reference column (references must",
        "be generated), no ROME code column.",
        "",
        *columns_table(OFFERS_EXTRA_COLUMNS),
        "",
        "Messes:",
        *[f"- {n}" for n in offer_notes[OFFERS_EXTRA_FILE]],
    ]


def _profiles_section(profile_info: list[ProfileInfo]) -> list[str]:
    """The profile files: common habits, then each file's layout, columns and messes."""
    out = [
        "",
        "## Profiles",
        "",
        "Common habits: several target jobs in one cell (separated by `/`, `;`, `,` or `ou`),",
        "skills separated by `,` `;` `/` ` - `, line breaks or `- ` bullets, typos and missing",
        "accents, abbreviations (CACES 3, HACCP, ADVF...), commune names without accents or in",
        "upper case, a few postal codes missing, dates as text (`immédiate`, `01/12/2026`,",
        "`fin novembre`) or as real date cells.",
    ]
    for struct, _, notes in profile_info:
        where = (
            f"sheet `{struct.sheet}`, header on row {struct.header_row}"
            if struct.sheet
            else "CSV, header on line 1"
        )
        out += ["", f"### {struct.filename} — {struct.name}", "", where + "."]
        if struct.title and struct.header_row == 3:
            out.append(f"Row 1: merged title `{struct.title}`; row 2: empty.")
        if struct.key == "ei_ap":
            out.append(
                "A second, hidden sheet `paramètres` holds the drop-down lists of the workbook "
                "(counsellors, contract types): it is not data and must be skipped."
            )
        out += ["", *columns_table(struct.columns)]
        extra = list(struct.notes) + notes
        if extra:
            out += ["", "Messes and particularities:", *[f"- {n}" for n in extra]]
    return out


def readme_text(
    offers_main: pd.DataFrame,
    offers_extra: pd.DataFrame,
    offer_notes: dict[str, list[str]],
    profile_info: list[ProfileInfo],
    seed: int,
) -> str:
    """The sample's README.md: every file, every column's canonical field, every mess."""
    out = _files_section(offers_main, offers_extra, profile_info, seed)
    out += _offers_section(offer_notes)
    out += _profiles_section(profile_info)
    return "\n".join(out) + "\n"
