"""The Busin'ESS day's documents: workbooks per firm, per structure, per room and for the
coordinator, and a printable PDF of the room grids.

Workbooks are written through the shortlists' safe-cell writer (no cell is ever a formula,
control characters removed), in French, formatted for printing (landscape, fit to width, header
row repeated on each page). No document holds a direct identifier: people appear by their
pseudonymous reference; the structure's own sheet leaves a blank « Nom » column for the names
the structure holds, to fill in by hand after printing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from matcher.day import model as M
from matcher.export.shortlists import HEADER_FILL, HEADER_FONT, fit_to_page_width
from matcher.export.shortlists import set_cell as _set
from matcher.export.shortlists import unique_sheet_name as _sheet_name
from matcher.export.shortlists import workbook_bytes as _save

# Colours by structure (grid picture, room grids): light enough to print text over them.
PALETTE = ("#AED6F1", "#F9E79F", "#ABEBC6", "#F5B7B1", "#D7BDE2", "#FAD7A0", "#A3E4D7",
           "#EDBB99", "#F8C471", "#85C1E9", "#C39BD3", "#82E0AA")  # fmt: skip
B2B_COLOUR = "#CCD1D1"
B2B_LABEL = "Rencontre entre entreprises"

WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def structure_colours(structures: Sequence[str]) -> dict[str, str]:
    """One colour per structure (in name order, so the same in every document)."""
    names = sorted({s for s in structures if s})
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(names)}


def _day_label(day: M.DayFrame) -> str:
    if day.date:
        try:
            return f"journée Busin'ESS du {dt.date.fromisoformat(day.date):%d/%m/%Y}"
        except ValueError:
            return f"journée Busin'ESS du {day.date}"
    return "journée Busin'ESS"


def meeting_text(m: dict, *, for_firm: str | None = None) -> str:
    """What a grid cell says of a meeting: the firm, then who it meets."""
    if m[M.KIND] == M.KIND_FIRMS:
        if for_firm == m[M.FIRM]:
            return f"avec {m[M.OTHER_FIRM]}"
        if for_firm == m[M.OTHER_FIRM]:
            return f"avec {m[M.FIRM]}"
        return f"{m[M.FIRM]}\n↔ {m[M.OTHER_FIRM]}"
    who = f"{m[M.PROFILE_REF]} ({m[M.STRUCTURE]})"
    return who if for_firm else f"{m[M.FIRM]}\n{who}"


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------
def _readme(wb: Workbook, title: str, day: M.DayFrame, lines: list[tuple[str, str]]) -> None:
    ws = wb.active
    ws.title = "Lisez-moi"
    rows = [(title, ""), ("Journée", _day_label(day)),
            ("Produit le", f"{dt.datetime.now():%d/%m/%Y à %H:%M}"), *lines,
            ("Données personnelles", "Aucune identité : les personnes sont désignées par leur "
             "référence pseudonyme. N'ajoutez ni nom ni téléphone dans ce fichier s'il doit "
             "circuler ; la structure complète les noms sur la version imprimée qu'elle garde.")]  # fmt: skip
    for i, (a, b) in enumerate(rows, start=1):
        _set(ws, i, 1, a).alignment = WRAP
        _set(ws, i, 2, b).alignment = WRAP
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    fit_to_page_width(ws, "portrait")


def _list_sheet(ws: Worksheet, title: str, headers: Sequence[str], rows: list[list[object]],
                widths: Sequence[float]) -> None:  # fmt: skip
    """A printable list: a title row, the header (repeated on each printed page), rows."""
    _set(ws, 1, 1, title).font = Font(bold=True, size=12)
    for j, h in enumerate(headers, start=1):
        cell = _set(ws, 2, j, h)
        cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, WRAP, BOX
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row, start=1):
            cell = _set(ws, i, j, v)
            cell.alignment, cell.border = WRAP, BOX
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A3"
    if rows:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{len(rows) + 2}"
    _print_setup(ws, "2:2")


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.print_title_rows = title_rows
    fit_to_page_width(ws, "landscape")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _firm_rows(meetings: pd.DataFrame, firm: str) -> list[list[object]]:
    mine = meetings[(meetings[M.FIRM] == firm) | (meetings[M.OTHER_FIRM] == firm)]
    out = []
    for m in mine.sort_values([M.SLOT, M.TABLE]).to_dict("records"):
        b2b = m[M.KIND] == M.KIND_FIRMS
        other = m[M.OTHER_FIRM] if m[M.FIRM] == firm else m[M.FIRM]
        out.append([m[M.START], m[M.END], m[M.ROOM], m[M.TABLE],
                    other if b2b else m[M.PROFILE_REF], "" if b2b else m[M.STRUCTURE],
                    "" if b2b else m[M.COUNSELLOR], m[M.OFFER_REF],
                    "oui" if m[M.ACCOMPANIED] else ""])  # fmt: skip
    return out


FIRM_HEADERS = ("Début", "Fin", "Salle", "Table", "Rendez-vous avec (réf. candidat ou entreprise)",
                "Structure", "Conseiller à contacter", "Offre(s)", "Accompagné(e)")  # fmt: skip
FIRM_WIDTHS = (8, 8, 12, 8, 26, 26, 24, 16, 12)


def firms_workbook(
    day: M.DayFrame, meetings: pd.DataFrame, firms: Sequence[str] | None = None
) -> bytes:
    """Per firm, one sheet: its meetings in time order (table, pseudonymous reference,
    structure and counsellor to call). ``firms``: those firms only (default: all)."""
    names = sorted(set(firms) if firms is not None else
                   (set(meetings[M.FIRM]) | set(meetings[M.OTHER_FIRM])) - {""})  # fmt: skip
    wb = Workbook()
    _readme(wb, "Planning des entreprises", day, [
        ("Contenu", f"{len(names)} entreprise(s), une feuille chacune : vos rendez-vous, la "
                    "table où vous recevez, la référence pseudonyme de la personne, sa "
                    "structure et le conseiller à contacter pour toute suite."),
        ("Peut être transmis à", "chaque entreprise, pour sa feuille uniquement"),
    ])  # fmt: skip
    used: set[str] = set()
    for name in names:
        ws = wb.create_sheet(_sheet_name(name, used))
        _list_sheet(ws, f"{name} – {_day_label(day)}", FIRM_HEADERS, _firm_rows(meetings, name),
                    FIRM_WIDTHS)  # fmt: skip
    return _save(wb)


STRUCTURE_HEADERS = ("Réf. candidat", "Nom (à compléter par la structure)", "Début", "Fin",
                     "Salle", "Table", "Entreprise", "Offre(s)", "Conseiller", "Accompagné(e)")  # fmt: skip
STRUCTURE_WIDTHS = (14, 26, 8, 8, 12, 8, 28, 16, 20, 12)


def structures_workbook(
    day: M.DayFrame, meetings: pd.DataFrame, structures: Sequence[str] | None = None
) -> bytes:
    """Per structure, one sheet: its people's meetings, person by person in time order, with a
    blank column for the names the structure holds (to print and hand over)."""
    people = meetings[meetings[M.KIND] == M.KIND_PERSON]
    names = sorted(set(structures) if structures is not None else set(people[M.STRUCTURE]) - {""})
    wb = Workbook()
    _readme(wb, "Planning des personnes accompagnées", day, [
        ("Contenu", f"{len(names)} structure(s), une feuille chacune : l'heure, la salle, la "
                    "table et l'entreprise de chaque rendez-vous de vos personnes."),
        ("Peut être transmis à", "la structure concernée ; usage interne"),
    ])  # fmt: skip
    used: set[str] = set()
    for name in names:
        mine = people[people[M.STRUCTURE] == name].sort_values([M.PROFILE_REF, M.SLOT])
        rows = [[m[M.PROFILE_REF], "", m[M.START], m[M.END], m[M.ROOM], m[M.TABLE], m[M.FIRM],
                 m[M.OFFER_REF], m[M.COUNSELLOR], "oui" if m[M.ACCOMPANIED] else ""]
                for m in mine.to_dict("records")]  # fmt: skip
        ws = wb.create_sheet(_sheet_name(name, used))
        _list_sheet(ws, f"{name} – {_day_label(day)}", STRUCTURE_HEADERS, rows, STRUCTURE_WIDTHS)
    return _save(wb)


def _grid_sheet(ws: Worksheet, title: str, day: M.DayFrame, tables: pd.DataFrame,
                meetings: pd.DataFrame, colours: dict[str, str]) -> None:  # fmt: skip
    """Tables (rows) x slots (columns); each cell: firm and who it meets, coloured by structure."""
    slots = day.slots()
    _set(ws, 1, 1, title).font = Font(bold=True, size=12)
    header = ["Table", *[s.label for s in slots]]
    for j, h in enumerate(header, start=1):
        cell = _set(ws, 2, j, h)
        cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, CENTRE, BOX
    at = {(m[M.TABLE], int(m[M.SLOT])): m for m in meetings.to_dict("records")}
    for i, t in enumerate(tables.to_dict("records"), start=3):
        owner = f"\n{t[M.FIRM]}" if t[M.FIRM] else ""
        cell = _set(ws, i, 1, f"{t[M.TABLE]}{owner}")
        cell.font, cell.alignment, cell.border = Font(bold=True), WRAP, BOX
        for j, s in enumerate(slots, start=2):
            m = at.get((t[M.TABLE], s.index))
            cell = _set(ws, i, j, meeting_text(m) if m else "")
            cell.alignment, cell.border = CENTRE, BOX
            if m:
                colour = B2B_COLOUR if m[M.KIND] == M.KIND_FIRMS else colours.get(m[M.STRUCTURE])
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour.lstrip("#"))
        ws.row_dimensions[i].height = 48
    ws.column_dimensions["A"].width = 16
    for j in range(2, len(slots) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 17
    ws.freeze_panes = "B3"
    _print_setup(ws, "2:2")
    ws.print_title_cols = "A:A"


def rooms_workbook(day: M.DayFrame, tables: pd.DataFrame, meetings: pd.DataFrame,
                   rooms: Sequence[str] | None = None) -> bytes:  # fmt: skip
    """Per room, one sheet: the grid of its tables x slots, to post at the door."""
    colours = structure_colours(meetings[M.STRUCTURE].tolist())
    names = list(rooms) if rooms is not None else sorted(set(tables[M.ROOM]))
    wb = Workbook()
    _readme(wb, "Grilles des salles", day, [
        ("Contenu", f"{len(names)} salle(s), une feuille chacune : les tables en lignes, les "
                    "créneaux en colonnes ; chaque case donne l'entreprise et la personne "
                    "(référence et structure) ou l'autre entreprise. À afficher à l'entrée."),
        ("Couleurs", "une couleur par structure ; gris : rencontre entre entreprises"),
    ])  # fmt: skip
    used: set[str] = set()
    for room in names:
        ws = wb.create_sheet(_sheet_name(room, used))
        _grid_sheet(ws, f"{room} – {_day_label(day)}", day, tables[tables[M.ROOM] == room],
                    meetings[meetings[M.ROOM] == room], colours)  # fmt: skip
    return _save(wb)


UNPLACED_HEADERS = ("Rendez-vous", "Entreprise", "Avec (réf. candidat ou entreprise)",
                    "Structure", "Offre(s)", "Pourquoi il n'est pas placé")  # fmt: skip


def coordinator_workbook(day: M.DayFrame, tables: pd.DataFrame, meetings: pd.DataFrame,
                         unplaced: pd.DataFrame, stats: dict | None = None) -> bytes:  # fmt: skip
    """The whole day: the grid of every room, the list of meetings, what was not placed and
    why, and the plan's figures."""
    colours = structure_colours(meetings[M.STRUCTURE].tolist())
    figures = []
    if stats:
        labels = {"rencontres": "Rencontres placées", "demandes": "Rencontres demandées",
                  "non_placees": "Non placées", "borne": "Au plus possible (borne)",
                  "personnes": "Personnes inscrites",
                  "personnes_avec_rencontre": "Personnes avec au moins un rendez-vous",
                  "solveur": "Méthode", "secondes": "Durée du calcul (s)"}  # fmt: skip
        figures = [(label, str(stats[k])) for k, label in labels.items() if k in stats]
    wb = Workbook()
    _readme(wb, "Journée Busin'ESS – classeur de la coordination", day, [
        ("Contenu", "la grille de toutes les salles, la liste des rendez-vous, les rendez-vous "
                    "non placés avec leur raison"),
        ("Peut être transmis à", "la coordination du club ; usage interne"), *figures,
    ])  # fmt: skip
    _grid_sheet(wb.create_sheet("Grille"), f"Toutes les salles – {_day_label(day)}", day,
                tables.sort_values([M.ROOM, M.TABLE], kind="stable"), meetings, colours)  # fmt: skip
    rows = [[m[M.START], m[M.END], m[M.ROOM], m[M.TABLE], m[M.FIRM],
             m[M.OTHER_FIRM] or m[M.PROFILE_REF], m[M.STRUCTURE], m[M.COUNSELLOR],
             m[M.OFFER_REF], "oui" if m[M.ACCOMPANIED] else "", "oui" if m[M.HELD] else ""]
            for m in meetings.sort_values([M.SLOT, M.ROOM, M.TABLE]).to_dict("records")]  # fmt: skip
    _list_sheet(wb.create_sheet("Rendez-vous"), f"Rendez-vous – {_day_label(day)}",
                ("Début", "Fin", "Salle", "Table", "Entreprise", "Avec", "Structure",
                 "Conseiller", "Offre(s)", "Accompagné(e)", "Déjà tenu"), rows,
                (8, 8, 12, 8, 26, 24, 24, 20, 16, 12, 10))  # fmt: skip
    left = [[u[M.REQUEST], u[M.FIRM], u[M.OTHER_FIRM] or u[M.PROFILE_REF], u[M.STRUCTURE],
             u[M.OFFER_REF], u[M.REASON]] for u in unplaced.fillna("").to_dict("records")]  # fmt: skip
    _list_sheet(wb.create_sheet("Non placés"), "Rendez-vous non placés", UNPLACED_HEADERS, left,
                (14, 26, 24, 24, 16, 60))  # fmt: skip
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# PDF of the room grids
# ---------------------------------------------------------------------------------------------
_PDF_REPLACE = str.maketrans({"’": "'", "–": "-", "—": "-", "↔": "/", "œ": "oe", "Œ": "OE",
                              "\u202f": " ", "\u00a0": " ", "…": "...", "«": '"', "»": '"'})  # fmt: skip


def _latin1(text: object) -> str:
    """PDF core fonts speak Latin-1 (all French letters but œ): the rest is replaced."""
    return str(text).translate(_PDF_REPLACE).encode("latin-1", "replace").decode("latin-1")


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def rooms_pdf(day: M.DayFrame, tables: pd.DataFrame, meetings: pd.DataFrame,
              rooms: Sequence[str] | None = None) -> bytes:  # fmt: skip
    """A printable PDF (A4 landscape): per room, the grid of tables x slots, coloured by
    structure, with a legend; long rooms continue on the next page with the header repeated."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    slots = day.slots()
    colours = structure_colours(meetings[M.STRUCTURE].tolist())
    names = list(rooms) if rooms is not None else sorted(set(tables[M.ROOM]))
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.set_margins(8, 10, 8)
    pdf.set_title(_latin1(f"Grilles des salles - {_day_label(day)}"))
    pdf.set_creator("circuit-court")
    width = pdf.w - 16
    first = 20.0
    col = (width - first) / max(len(slots), 1)
    font = 6 if len(slots) > 12 else 7
    at = {(m[M.TABLE], int(m[M.SLOT])): m for m in meetings.to_dict("records")}
    for room in names:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, _latin1(f"{room} - {_day_label(day)}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 7)
        # Legend: one swatch per structure, grey for the business meetings.
        for name, colour in [*colours.items(), (B2B_LABEL, B2B_COLOUR)]:
            label = _latin1(name)
            w = pdf.get_string_width(label) + 4
            if pdf.get_x() + w > pdf.w - 8:
                pdf.ln(5)
            pdf.set_fill_color(*_rgb(colour))
            pdf.cell(w, 4.5, label, fill=True, align="C")
            pdf.cell(2, 4.5, "")
        pdf.ln(6)
        pdf.set_fill_color(255, 255, 255)
        pdf.ln(1)
        pdf.set_font("Helvetica", "", font)
        header_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(31, 78, 121))
        with pdf.table(col_widths=(first, *([col] * len(slots))), text_align="CENTER",
                       line_height=font * 0.45, headings_style=header_style,
                       repeat_headings=1) as grid:  # fmt: skip
            row = grid.row()
            row.cell("Table")
            for s in slots:
                row.cell(_latin1(s.label))
            for t in tables[tables[M.ROOM] == room].to_dict("records"):
                row = grid.row()
                owner = f"\n{t[M.FIRM]}" if t[M.FIRM] else ""
                row.cell(_latin1(f"{t[M.TABLE]}{owner}"), style=FontFace(emphasis="BOLD"))
                for s in slots:
                    m = at.get((t[M.TABLE], s.index))
                    if m is None:
                        row.cell("")
                        continue
                    colour = (
                        B2B_COLOUR
                        if m[M.KIND] == M.KIND_FIRMS
                        else colours.get(m[M.STRUCTURE], "#FFFFFF")
                    )
                    row.cell(_latin1(meeting_text(m)), style=FontFace(fill_color=_rgb(colour)))
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()
