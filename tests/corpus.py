"""A corpus of malformed and tricky files, built at test time, each with its expected outcome.

Every case builds the bytes of one file (workbooks with openpyxl or by hand-written XML, as other
programs write them; CSV in several encodings; OLE2 containers; archives; junk) and says what the
import must do: refuse it with a given message, or import exactly these rows (row number as Excel
shows it, key value) and reject exactly those (row, reason). ``write_corpus`` writes them all to a
folder, for trying the command line on them by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from matcher import fields as F
from matcher.settings import ImportLimits

TODAY = dt.date(2026, 10, 15)

OFFER_HEADER = ["Réf.", "Entreprise", "Intitulé du poste", "Ville", "CP", "Type de contrat"]


@dataclass
class Case:
    """One file of the corpus and what importing it must give."""

    name: str  # file name (its extension may lie: the content decides)
    kind: str
    build: Callable[[], bytes]
    refused: str | None = None  # regex of the refusal message
    imported: list[tuple] | None = None  # [(sheet or None, row, key value)] in order
    rejected: dict[tuple, str] = field(default_factory=dict)  # (sheet, row) -> reason substring
    flagged: dict[tuple, str] = field(default_factory=dict)  # (sheet, row, column) -> substring
    options: dict = field(default_factory=dict)  # import_file keyword arguments
    check: Callable | None = None  # further assertions on the ImportResult
    about: str = ""


def key_field(kind: str) -> str:
    return F.TITLE if kind == "offers" else F.PROFILE_REF


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------
def workbook(fill: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.Workbook()
    fill(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_of(rows: list[list], title: str = "Offres") -> Callable[[openpyxl.Workbook], None]:
    def fill(wb):
        ws = wb.active
        ws.title = title
        for r in rows:
            ws.append(r)

    return fill


def xlsx_rows(rows: list[list], title: str = "Offres") -> bytes:
    return workbook(sheet_of(rows, title))


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def raw_xlsx(
    sheets: list[tuple[str, str]],
    shared: list[str] | None = None,
    *,
    date1904: bool = False,
    macro: bool = False,
    states: dict[str, str] | None = None,
) -> bytes:
    """A workbook written by hand, the way other programs write them: ``sheets`` are (name,
    inner XML of <worksheet>) pairs; style 1 is a date format (numFmtId 14)."""
    ct_main = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{ct_main}"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + overrides
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_R_NS}>'
            + ('<workbookPr date1904="1"/>' if date1904 else "")
            + "<sheets>"
            + "".join(
                f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
                + (f' state="{(states or {})[name]}"' if name in (states or {}) else "")
                + "/>"
                for i, (name, _x) in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + (
                f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {_NS}><fonts count="1"><font/>'
            '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
    }
    if shared is not None:
        files["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{len(shared)}">'
            + "".join(s if s.startswith("<si>") else f"<si><t>{s}</t></si>" for s in shared)
            + "</sst>"
        )
    for i, (_name, inner) in enumerate(sheets, start=1):
        files[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS} {_R_NS}>{inner}</worksheet>'
        )
    if macro:
        files["xl/vbaProject.bin"] = "\x00binary macro project\x00"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def inline_row(r: int, values: list, styles: dict[int, int] | None = None) -> str:
    """One <row> of inline strings and numbers (``None`` skipped)."""
    cells = []
    for j, v in enumerate(values):
        if v is None:
            continue
        ref = f"{get_column_letter(j + 1)}{r}"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            s = f' s="{styles[j]}"' if styles and j in styles else ""
            cells.append(f'<c r="{ref}"{s}><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
    return f'<row r="{r}">' + "".join(cells) + "</row>"


def zip_of(files: dict[str, bytes | str], stored_first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first:
            zf.writestr(zipfile.ZipInfo(stored_first), files[stored_first])
        for name, content in files.items():
            if name != stored_first:
                zf.writestr(name, content)
    return buf.getvalue()


def ole_file(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file whose directory holds these stream names (512-byte sectors:
    sector 0 is the FAT, the directory starts at sector 1)."""
    entries = ["Root Entry", *streams]
    n_dir = math.ceil(len(entries) / 4)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<i", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<i", header, 60, -2)
    struct.pack_into("<i", header, 68, -2)
    struct.pack_into("<109i", header, 76, 0, *([-1] * 108))
    fat = [-3] + [i + 2 for i in range(n_dir - 1)] + [-2]
    fat += [-1] * (128 - len(fat))
    fat_sector = struct.pack("<128i", *fat)
    directory = bytearray(512 * n_dir)
    for k, name in enumerate(entries):
        e = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), 5 if k == 0 else 2, 1)
        struct.pack_into("<iii", e, 68, -1, -1, 1 if k == 0 and len(entries) > 1 else -1)
        struct.pack_into("<iI", e, 116, -2, 0)
        directory[k * 128 : (k + 1) * 128] = e
    return bytes(header) + fat_sector + bytes(directory)


def csv_bytes(lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


# --------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------
def _offers(n: int, start: int = 1) -> list[list]:
    jobs = ["Agent d'entretien", "Cariste", "Aide à domicile", "Maçon", "Commis de cuisine"]
    towns = [("Béthune", 62400), ("Bruay-la-Buissière", 62700), ("Lillers", 62190)]
    rows = []
    for i in range(start, start + n):
        town, cp = towns[i % 3]
        rows.append([f"O-{i:03d}", f"Entreprise {i}", jobs[i % 5], town, cp, "CDI"])
    return rows


def _titles(rows: list[list], first_row: int, sheet: str | None = "Offres") -> list[tuple]:
    return [(sheet, first_row + k, r[2]) for k, r in enumerate(rows)]


def _c_basic():
    rows = _offers(3)
    return Case("c01_simple.xlsx", "offers", lambda: xlsx_rows([OFFER_HEADER, *rows]),
                imported=_titles(rows, 2), about="header on row 1, three offers")  # fmt: skip


def _c_title_rows():
    rows = _offers(2)

    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Busin'ESS 2026 – offres collectées"])
        ws.merge_cells("A1:F1")
        ws.append([])
        ws.append(OFFER_HEADER)
        for r in rows:
            ws.append(r)
        ws.append(["TOTAL", None, None, None, None, "2 offres"])

    def check(res):
        assert res.report.sheet_reports[0].header_row == 3
        assert res.report.sheet_reports[0].rows_above == 1

    return Case("c02_titre_fusionne.xlsx", "offers", lambda: workbook(fill),
                imported=_titles(rows, 4), rejected={("Offres", 6): "ligne de total, pas une offre"},
                check=check, about="merged title, blank row, header row 3, total row")  # fmt: skip


def _c_header_row_8():
    rows = _offers(2)
    top = [["Club des entrepreneurs ESS de l'Artois"], [], ["Offres reçues au 12/10/2026"],
           ["Contact : coordination"], [], ["Merci de compléter une ligne par poste"], []]  # fmt: skip
    return Case("c03_entete_ligne_8.xlsx", "offers", lambda: xlsx_rows([*top, OFFER_HEADER, *rows]),
                imported=_titles(rows, 9), about="notes above the header")  # fmt: skip


def _c_group_header():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Offre", None, None, "Contrat", None])
        ws.merge_cells("A1:C1")
        ws.merge_cells("D1:E1")
        ws.append(["Réf.", "Entreprise", "Intitulé", "Type", "Durée hebdo"])
        ws.append(["G-1", "Boulangerie Dupuis", "Vendeur en boulangerie", "CDD", "30h"])
        ws.append(["G-2", "Garage Martin", "Mécanicien", "CDI", "35h"])

    def check(res):
        assert res.report.sheet_reports[0].header_rows == 2
        assert res.frame[F.CONTRACT_TYPE].tolist() == [["CDD"], ["CDI"]]
        assert res.frame[F.WEEKLY_HOURS].tolist() == [30.0, 35.0]
        assert res.report.mapping["Contrat – Type"] == F.CONTRACT_TYPE

    return Case("c04_entete_groupe.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 3, "Vendeur en boulangerie"), ("Offres", 4, "Mécanicien")],
                check=check, about="group row of merged cells over the labels")  # fmt: skip


def _c_two_row_header():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Intitulé du poste", "Contrat", None, "Ville"])
        ws.append([None, "Type", "Durée hebdo", None])
        ws.merge_cells("A1:A2")
        ws.merge_cells("B1:C1")
        ws.merge_cells("D1:D2")
        ws.append(["Plombier", "CDI", "35h", "Béthune"])
        ws.append(["Peintre", "Intérim", "39h", "Lens"])

    def check(res):
        assert res.frame[F.COMMUNE].tolist() == ["Béthune", "Lens"]
        assert res.frame[F.WEEKLY_HOURS].tolist() == [35.0, 39.0]

    return Case("c05_entete_deux_lignes.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 3, "Plombier"), ("Offres", 4, "Peintre")], check=check,
                about="header on two rows, vertical and horizontal merges")  # fmt: skip


def _c_merged_employer():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Entreprise", "Poste", "Ville"])
        ws.append(["Propreté Artois", "Agent d'entretien", "Béthune"])
        ws.append([None, "Chef d'équipe propreté", "Béthune"])
        ws.append([None, "Laveur de vitres", "Lillers"])
        ws.append(["Logistique B", "Cariste", "Lens"])
        ws.merge_cells("A2:A4")

    def check(res):
        assert res.frame[F.EMPLOYER].tolist() == ["Propreté Artois"] * 3 + ["Logistique B"]
        assert res.report.sheet_reports[0].merged_filled == 2

    return Case("c06_entreprise_fusionnee.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Agent d'entretien"), ("Offres", 3, "Chef d'équipe propreté"),
                          ("Offres", 4, "Laveur de vitres"), ("Offres", 5, "Cariste")],
                check=check, about="employer merged over its offers")  # fmt: skip


def _c_section_rows():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Entreprise", "Poste", "Ville"])
        ws.append(["Secteur bâtiment"])
        ws.merge_cells("A2:C2")
        ws.append(["BTP Nord", "Maçon", "Lens"])
        ws.append(["Secteur services"])
        ws.merge_cells("A4:C4")
        ws.append(["Aide Plus", "Aide à domicile", "Béthune"])

    return Case("c07_lignes_de_section.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 3, "Maçon"), ("Offres", 5, "Aide à domicile")],
                rejected={("Offres", 2): "ligne de titre ou de section",
                          ("Offres", 4): "ligne de titre ou de section"},
                about="section titles merged across the table")  # fmt: skip


def _c_hidden_rows():
    rows = _offers(4)

    def fill(wb):
        sheet_of([OFFER_HEADER, *rows])(wb)
        wb.active.row_dimensions[3].hidden = True
        wb.active.row_dimensions[4].hidden = True

    def check(res):
        assert res.report.sheet_reports[0].hidden_rows == [3, 4]
        assert any("2 ligne(s) masquée(s)" in x for x in res.report.summary_lines())

    return Case("c08_lignes_masquees.xlsx", "offers", lambda: workbook(fill),
                imported=_titles(rows, 2), check=check, about="hidden rows imported, reported")  # fmt: skip


def _c_hidden_column():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "Descriptif", "Ville"])
        ws.append(["Cariste", "Conduite de chariot", "Lens"])
        ws.column_dimensions["B"].hidden = True

    def check(res):
        assert res.frame[F.DESCRIPTION].tolist() == ["Conduite de chariot"]
        assert res.report.sheet_reports[0].hidden_columns == ["Descriptif"]

    return Case("c09_colonne_masquee.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Cariste")], check=check,
                about="hidden column imported, reported")  # fmt: skip


def _c_hidden_first_sheet():
    def fill(wb):
        ws = wb.active
        ws.title = "listes"
        ws.append(["Contrats", "Villes"])
        ws.append(["CDI", "Béthune"])
        ws.sheet_state = "hidden"
        ws2 = wb.create_sheet("Offres")
        ws2.append(["Poste", "Ville"])
        ws2.append(["Cariste", "Lens"])

    def check(res):
        assert res.report.sheets == ["Offres"]
        assert [(s.sheet, s.reason) for s in res.report.skipped_sheets] == [
            ("listes", "feuille masquée")
        ]

    return Case("c10_premiere_feuille_masquee.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Cariste")], check=check,
                about="pandas reads the hidden first sheet: 0 rows")  # fmt: skip


def _two_sheets(wb):
    ws = wb.active
    ws.title = "Offres BTP"
    ws.append(["Poste", "Ville"])
    ws.append(["Maçon", "Lens"])
    ws.append([None, "Béthune"])
    ws2 = wb.create_sheet("Offres services")
    ws2.append(["Titre du poste", "Commune"])
    ws2.append(["Aide à domicile", "Lillers"])
    ws2.append(["Agent d'entretien", "Béthune"])


def _c_two_sheets():
    def check(res):
        counts = [
            (s.sheet, s.rows_read, s.rows_imported, s.rows_rejected)
            for s in res.report.sheet_reports
        ]
        assert counts == [("Offres BTP", 2, 1, 1), ("Offres services", 2, 2, 0)]

    return Case("c11_deux_feuilles.xlsx", "offers", lambda: workbook(_two_sheets),
                imported=[("Offres BTP", 2, "Maçon"), ("Offres services", 2, "Aide à domicile"),
                          ("Offres services", 3, "Agent d'entretien")],
                rejected={("Offres BTP", 3): "intitulé du poste vide"}, check=check,
                about="every visible sheet with a header is imported")  # fmt: skip


def _c_choose_sheet():
    return Case("c12_feuille_choisie.xlsx", "offers", lambda: workbook(_two_sheets),
                options={"sheet": "offres SERVICES"},
                imported=[("Offres services", 2, "Aide à domicile"),
                          ("Offres services", 3, "Agent d'entretien")],
                about="--sheet, name matched without case")  # fmt: skip


def _c_missing_sheet():
    return Case("c13_feuille_absente.xlsx", "offers", lambda: workbook(_two_sheets),
                options={"sheet": "Feuil9"},
                refused=r"feuille « Feuil9 » absente \(feuilles du classeur : « Offres BTP », « Offres services »\)")  # fmt: skip


def _c_notes_sheet():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "Ville"])
        ws.append(["Cariste", "Lens"])
        ws2 = wb.create_sheet("Notes")
        ws2.append(["Réunion du 3 octobre", "voir compte rendu"])
        ws2.append(["Relancer les entreprises", "avant le 20"])

    def check(res):
        skipped = [(s.sheet, s.rows) for s in res.report.skipped_sheets]
        assert skipped == [("Notes", 1)]
        assert "pas de colonne intitulé du poste reconnue" in res.report.skipped_sheets[0].reason

    return Case("c14_feuille_de_notes.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Cariste")], check=check,
                about="a visible sheet without the required columns is skipped and counted")  # fmt: skip


def _c_empty_workbook():
    return Case("c15_classeur_vide.xlsx", "offers", lambda: workbook(lambda wb: None),
                refused=r"aucune feuille visible ne contient de tableau \(« Sheet » : feuille vide\)")  # fmt: skip


def _c_cached_formulas():
    rows = (
        inline_row(1, ["Poste", "Ville", "Nb de postes"])
        + '<row r="2"><c r="A2" t="str"><f>UPPER("cariste")</f><v>CARISTE</v></c>'
        '<c r="B2" t="inlineStr"><is><t>Lens</t></is></c><c r="C2"><f>1+1</f><v>2</v></c></row>'
    )

    def check(res):
        assert res.frame[F.POSITIONS].tolist() == [2]
        assert res.report.sheet_reports[0].formula_cells == []

    return Case("c16_formules_calculees.xlsx", "offers",
                lambda: raw_xlsx([("Offres", f"<sheetData>{rows}</sheetData>")]),
                imported=[("Offres", 2, "CARISTE")], check=check,
                about="cached values of formulas are used")  # fmt: skip


def _c_formulas_without_values():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "Ville", "Nb de postes"])
        ws.append(["Cariste", "Lens", "=1+1"])
        ws.append(['=UPPER("maçon")', '=PROPER("béthune")', "=2"])

    def check(res):
        assert res.report.sheet_reports[0].formula_cells == ["C2", "A3", "B3", "C3"]
        text = "\n".join(res.report.summary_lines())
        assert "ouvrez le fichier dans Excel" in text and "4 cellule(s) avec une formule" in text

    return Case("c17_formules_sans_valeur.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Cariste")],
                rejected={("Offres", 3): "la cellule A3 contient une formule sans valeur calculée"},
                check=check, about="pandas drops formula-only rows silently")  # fmt: skip


def _c_error_values():
    rows = (
        inline_row(1, ["Poste", "Ville", "CP"])
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>Cariste</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Lens</t></is></c><c r="C2" t="e"><f>VLOOKUP(1,X,2)</f><v>#N/A</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#REF!</v></c><c r="B3" t="inlineStr"><is><t>Béthune</t></is></c></row>'
    )

    def check(res):
        assert res.report.sheet_reports[0].error_cells == ["C2 (#N/A)", "A3 (#REF!)"]
        assert res.frame[F.POSTAL_CODE].tolist() == [None]

    return Case("c18_erreurs_excel.xlsx", "offers",
                lambda: raw_xlsx([("Offres", f"<sheetData>{rows}</sheetData>")]),
                imported=[("Offres", 2, "Cariste")],
                rejected={("Offres", 3): "intitulé du poste illisible : erreur Excel #REF!"},
                check=check, about="error cells read as empty, reported")  # fmt: skip


def _c_dates_mixed():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "Date de début"])
        ws.append(["A", dt.datetime(2026, 12, 1)])
        ws.append(["B", "01/02/2027"])
        ws.append(["C", "dès que possible"])
        ws.append(["D", 46357])
        ws.append(["E", "janv. 2027"])
        ws.append(["F", "quand le chantier démarre"])

    def check(res):
        assert res.frame[F.START_DATE].tolist() == [
            dt.date(2026, 12, 1), dt.date(2027, 2, 1), None, dt.date(2026, 12, 1),
            dt.date(2027, 1, 1), "quand le chantier démarre"]  # fmt: skip

    return Case("c19_dates_melangees.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", r, t) for r, t in zip(range(2, 8), "ABCDEF", strict=True)],
                flagged={("Offres", 7, "Date de début"): "valeur « quand le chantier démarre » non comprise"},
                check=check, about="date cells, French text, serial numbers")  # fmt: skip


def _c_date1904():
    rows = inline_row(1, ["Poste", "Date de début"]) + inline_row(2, ["Cariste", 44897], {1: 1})

    def check(res):
        # 44897 days after 1 January 1904 (the Mac date system) is 3 December 2026.
        assert res.frame[F.START_DATE].tolist() == [dt.date(2026, 12, 3)]

    return Case("c20_dates_1904.xlsx", "offers",
                lambda: raw_xlsx([("Offres", f"<sheetData>{rows}</sheetData>")], date1904=True),
                imported=[("Offres", 2, "Cariste")], check=check,
                about="workbook using the 1904 date system")  # fmt: skip


def _c_postal_numbers():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "CP", "Nb de postes"])
        ws.append(["A", 1000, 2.0])
        ws.append(["B", 62400, "3 postes"])
        ws.append(["C", "01000", "deux"])

    def check(res):
        assert res.frame[F.POSTAL_CODE].tolist() == ["01000", "62400", "01000"]
        assert res.frame[F.POSITIONS].tolist() == [2, 3, 2]

    return Case("c21_codes_postaux_nombres.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "A"), ("Offres", 3, "B"), ("Offres", 4, "C")],
                check=check, about="01000 typed as a number keeps its zero")  # fmt: skip


def _c_repeated_header():
    rows1, rows2 = _offers(2), _offers(2, start=3)
    return Case("c22_entete_repete.xlsx", "offers",
                lambda: xlsx_rows([OFFER_HEADER, *rows1, OFFER_HEADER, *rows2]),
                imported=_titles(rows1, 2) + _titles(rows2, 5),
                rejected={("Offres", 4): "ligne d'en-tête répétée"},
                about="two exports pasted one under the other")  # fmt: skip


def _c_xlsm():
    rows = inline_row(1, ["Poste", "Ville"]) + inline_row(2, ["Cariste", "Lens"])

    def check(res):
        assert res.report.file_format == "xlsm"
        assert any("macros ne sont jamais exécutées" in n for n in res.report.notes)

    return Case("c23_macros.xlsm", "offers",
                lambda: raw_xlsx([("Offres", f"<sheetData>{rows}</sheetData>")], macro=True),
                imported=[("Offres", 2, "Cariste")], check=check, about="macros ignored")  # fmt: skip


def _c_other_program():
    shared = ["Poste", "Ville", "Permis", "<si><r><t>Agent </t></r><r><rPr><b/></rPr><t>d'entretien</t></r></si>",
              "Béthune"]  # fmt: skip
    # No <dimension>, no r attributes, shared strings with rich text, a boolean, a date style.
    inner = (
        '<sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c>'
        '<c t="inlineStr"><is><t>Début</t></is></c></row>'
        '<row><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="b"><v>1</v></c>'
        '<c s="1"><v>46357</v></c></row></sheetData>'
    )

    def check(res):
        assert res.frame[F.COMMUNE].tolist() == ["Béthune"]
        assert res.frame[F.LICENCE_REQUIRED].tolist() == [["B"]]  # TRUE -> "oui" -> B
        assert res.frame[F.START_DATE].tolist() == [dt.date(2026, 12, 1)]

    return Case("c24_autre_logiciel.xlsx", "offers", lambda: raw_xlsx([("Feuille1", inner)], shared),
                imported=[("Feuille1", 2, "Agent d'entretien")], check=check,
                about="XML as other programs write it")  # fmt: skip


def _c_truncated():
    return Case("c25_tronque.xlsx", "offers",
                lambda: xlsx_rows([OFFER_HEADER, *_offers(30)])[:3000],
                refused="fichier Excel endommagé ou tronqué")  # fmt: skip


def _zeros_sheet(mb: int) -> bytes:
    pad = "<!--" + " " * (mb * 1024 * 1024) + "-->"
    rows = inline_row(1, ["Poste"]) + inline_row(2, ["Cariste"])
    return raw_xlsx([("Offres", f"<sheetData>{rows}</sheetData>{pad}")])


def _c_uncompressed_limit():
    return Case("c26_trop_gros_decompresse.xlsx", "offers", lambda: _zeros_sheet(3),
                options={"limits": ImportLimits(max_uncompressed_mb=1)},
                refused=r"trop volumineux une fois décompressé \(3 Mo, limite 1 Mo\)")  # fmt: skip


def _c_zip_bomb():
    return Case("c27_bombe.xlsx", "offers", lambda: _zeros_sheet(20),
                refused=r"taux de compression anormal \(xl/worksheets/sheet1.xml : \d+ pour 1")  # fmt: skip


def _c_too_many_rows():
    return Case("c28_trop_de_lignes.xlsx", "offers",
                lambda: xlsx_rows([OFFER_HEADER, *_offers(80)]),
                options={"limits": ImportLimits(max_rows=50, header_search_rows=10)},
                refused=r"trop de lignes, limite 50")  # fmt: skip


def _c_too_many_columns():
    return Case("c29_trop_de_colonnes.xlsx", "offers",
                lambda: xlsx_rows([["Poste", "Ville"], ["Cariste", "Lens", *([None] * 10), "x"]]),
                options={"limits": ImportLimits(max_columns=10)},
                refused=r"trop de colonnes \(valeur en colonne M, ligne 2 ; limite 10 colonnes\)")  # fmt: skip


def _c_file_too_big():
    return Case("c30_fichier_trop_gros.csv", "offers", lambda: csv_bytes(["Poste"] + ["Cariste"] * 300),
                options={"limits": ImportLimits(max_file_mb=0.001)},
                refused=r"fichier trop volumineux \(0.0 Mo, limite 0.001 Mo\)")  # fmt: skip


def _c_ods():
    return Case("c31_libreoffice.ods", "offers",
                lambda: zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                "content.xml": "<office:document-content/>"}, stored_first="mimetype"),
                refused=r"classeur OpenDocument \(.ods, LibreOffice\)")  # fmt: skip


def _c_docx():
    return Case("c32_document.xlsx", "offers",
                lambda: zip_of({"[Content_Types].xml": "<Types><Override ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
                                "word/document.xml": "<w:document/>"}),
                refused="document Word, pas un tableau")  # fmt: skip


def _c_plain_zip():
    return Case("c33_archive.zip", "offers", lambda: zip_of({"offres.csv": "Poste\nCariste\n"}),
                refused="archive ZIP qui ne contient pas de classeur Excel")  # fmt: skip


def _c_old_xls():
    return Case("c34_ancien.xls", "offers",
                lambda: ole_file(["Workbook", "\x05SummaryInformation"]),
                refused=r"ancien format Excel 97-2003 \(.xls\)")  # fmt: skip


def _c_encrypted():
    return Case("c35_mot_de_passe.xlsx", "offers",
                lambda: ole_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]),
                refused="classeur protégé par mot de passe")  # fmt: skip


def _c_empty_file():
    return Case("c36_vide.xlsx", "offers", lambda: b"", refused=r"le fichier est vide \(0 octet\)")


def _c_junk():
    return Case("c37_binaire.xlsx", "offers",
                lambda: random.Random(7).randbytes(4000),
                refused="fichier binaire non reconnu")  # fmt: skip


def _c_pdf():
    return Case(
        "c38_offres.pdf",
        "offers",
        lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n",
        refused="document PDF",
    )


def _c_html():
    html = (
        "<html><body><table><tr><td>Poste</td></tr><tr><td>Cariste</td></tr></table></body></html>"
    )
    return Case("c39_export_web.xls", "offers", lambda: html.encode(),
                refused=r"page web \(HTML\), souvent un export nommé .xls")  # fmt: skip


def _c_xml2003():
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
           "<Worksheet><Table><Row><Cell><Data>Poste</Data></Cell></Row></Table></Worksheet></Workbook>")  # fmt: skip
    return Case("c40_xml2003.xls", "offers", lambda: xml.encode(), refused="classeur « XML 2003 »")


def _c_no_title_column():
    return Case("c41_sans_intitule.xlsx", "offers",
                lambda: xlsx_rows([["Entreprise", "Ville", "Salaire"], ["A", "Lens", "1800"]]),
                refused=r"colonne obligatoire introuvable \(intitulé du poste\) ; en-tête lu en ligne 1 : « Entreprise », « Ville », « Salaire »")  # fmt: skip


def _c_csv_semicolon():
    lines = ["Réf.;Entreprise;Intitulé du poste;Ville;CP;Durée hebdo",
             "S-1;Régie Béthune;Agent d'entretien;Béthune;62400;24,5",
             "S-2;Élan Services;Aide-ménagère;Lillers;62190;mi-temps"]  # fmt: skip

    def check(res):
        assert res.frame[F.WEEKLY_HOURS].tolist() == [24.5, 17.5]
        assert res.frame[F.EMPLOYER].tolist() == ["Régie Béthune", "Élan Services"]
        assert "séparateur : point-virgule" in res.report.notes

    return Case("c42_point_virgule_cp1252.csv", "offers", lambda: csv_bytes(lines, "cp1252"),
                imported=[(None, 2, "Agent d'entretien"), (None, 3, "Aide-ménagère")], check=check,
                about="pandas reads it as one garbage column")  # fmt: skip


def _c_csv_multiline():
    lines = ['Poste,Descriptif,Ville',
             'Cariste,"Conduite de chariots, gestion de stock,\nrangement",Lens',
             'Maçon,"Gros œuvre, coffrage",Béthune']  # fmt: skip

    def check(res):
        assert (
            res.frame[F.DESCRIPTION].iloc[0] == "Conduite de chariots, gestion de stock,\nrangement"
        )

    return Case("c43_virgule_multiligne.csv", "offers",
                lambda: b"\xef\xbb\xbf" + csv_bytes(lines, "utf-8"),
                imported=[(None, 2, "Cariste"), (None, 3, "Maçon")], check=check,
                about="UTF-8 with BOM, quoted commas and line breaks")  # fmt: skip


def _c_tab_txt():
    lines = ["Poste\tVille\tCP", "Cariste\tLens\t62300", "Soudeur\tArras\t62000"]
    return Case("c44_tabulation.txt", "offers", lambda: csv_bytes(lines, "utf-8", "\n"),
                imported=[(None, 2, "Cariste"), (None, 3, "Soudeur")], about="tab-separated .txt")  # fmt: skip


def _c_utf16():
    lines = ["Poste\tVille", "Électricien\tBéthune", "Plaquiste\tLens"]
    return Case("c45_texte_unicode.txt", "offers", lambda: "\r\n".join(lines).encode("utf-16"),
                imported=[(None, 2, "Électricien"), (None, 3, "Plaquiste")],
                about="Excel's « Texte Unicode » export (UTF-16)")  # fmt: skip


def _c_sep_line():
    lines = ["sep=,", "Poste,Ville", "Cariste,Lens"]
    return Case("c46_ligne_sep.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste")], about="sep= directive (Excel hides that line)")  # fmt: skip


def _c_unclosed_quote():
    lines = ["Poste;Descriptif;Ville", 'Cariste;"Conduite;Lens', "Maçon;Gros œuvre;Béthune",
             "Peintre;Finitions;Arras", "Plombier;Sanitaire;Lens"]  # fmt: skip
    return Case("c47_guillemet_ouvert.csv", "offers", lambda: csv_bytes(lines),
                refused=r"ligne 2 du texte : guillemet ouvert jamais fermé")  # fmt: skip


def _c_ragged():
    lines = ["Poste;Ville", "Cariste;Lens", "Maçon;Béthune;en urgence"]
    return Case("c48_cellules_en_trop.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste"), (None, 3, "Maçon")],
                flagged={(None, 3, None): "plus de cellules que de titres de colonnes"},
                about="a row longer than the header")  # fmt: skip


def _c_excel_text():
    lines = ["Poste;CP", 'Cariste;="01000"', 'Maçon;="62400"']

    def check(res):
        assert res.frame[F.POSTAL_CODE].tolist() == ["01000", "62400"]

    return Case("c49_valeurs_protegees.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste"), (None, 3, "Maçon")], check=check,
                about='="01000", how some tools keep leading zeros')  # fmt: skip


def _c_csv_title_lines():
    lines = ["Export du 12/10/2026;;", ";;", "Poste;Ville;Contrat", "Cariste;Lens;CDI"]
    return Case("c50_titre_dans_le_csv.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 4, "Cariste")], about="title lines above the CSV header")  # fmt: skip


def _c_mojibake():
    lines = ["Intitulé du poste;Ville", "Aide-ménagère;Béthune", "Électricien;Liévin"]
    broken = csv_bytes(lines).decode("utf-8").encode("utf-8").decode("cp1252").encode("utf-8")

    def check(res):
        assert res.frame[F.COMMUNE].tolist() == ["Béthune", "Liévin"]
        assert any("accents mal encodés" in n for n in res.report.notes)

    return Case("c51_accents_casses.csv", "offers", lambda: broken,
                imported=[(None, 2, "Aide-ménagère"), (None, 3, "Électricien")], check=check,
                about="UTF-8 decoded as Windows-1252 once too often")  # fmt: skip


def _c_blank_csv():
    return Case("c52_blanc.csv", "offers", lambda: b" \r\n;;\r\n\r\n",
                refused=r"aucun tableau trouvé")  # fmt: skip


def _c_unreadable_values():
    lines = ["Poste;Date de début;Durée hebdo;Type de contrat;Permis",
             "Cariste;bientôt;beaucoup;freelance;CACES 3",
             "Maçon;01/12/2026;35h;CDI;B"]  # fmt: skip

    def check(res):
        first = res.frame.iloc[0]
        assert (first[F.START_DATE], first[F.WEEKLY_HOURS], first[F.CONTRACT_TYPE]) == (
            "bientôt",
            "beaucoup",
            "freelance",
        )
        # A CACES is not a driving licence: it joins the skills (issue 12), nothing is lost.
        assert first[F.LICENCE_REQUIRED] is None
        assert first[F.SKILLS] == ["CACES cat. 3"]

    return Case("c53_valeurs_illisibles.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste"), (None, 3, "Maçon")],
                flagged={(None, 2, "Date de début"): "« bientôt » non comprise",
                         (None, 2, "Durée hebdo"): "« beaucoup » non comprise",
                         (None, 2, "Type de contrat"): "« freelance » non comprise"},
                check=check, about="unreadable values kept as text, flagged, row kept")  # fmt: skip


def _c_offer_duplicates():
    lines = ["Entreprise;Poste;Ville;Type de contrat",
             "Logistique B;Cariste;Lens;CDI",
             "Logistique B;Cariste;Lens;CDI",
             "Logistique B;Cariste;LENS;Intérim",
             "Propreté A;Agent d'entretien;Béthune;CDD"]  # fmt: skip

    def check(res):
        refs = res.frame[F.OFFER_REF].tolist()
        assert refs[1] == refs[0] + "-2" and len(set(refs)) == 3
        assert [d.row for d in res.report.duplicates] == [4]
        assert (
            "même entreprise, intitulé et commune que la ligne 2" in res.report.duplicates[0].reason
        )

    return Case("c54_doublons_offres.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste"), (None, 4, "Cariste"), (None, 5, "Agent d'entretien")],
                rejected={(None, 3): "doublon exact de la ligne 2"}, check=check,
                about="duplicates reported, never silently merged")  # fmt: skip


def _c_ref_conflict():
    lines = ["Réf.;Entreprise;Poste", "R-1;A;Cariste", "R-1;B;Maçon", "1;C;Peintre", "1;D;Plombier"]

    def check(res):
        refs = res.frame[F.OFFER_REF].tolist()
        assert refs[0] == "R-1" and refs[1].startswith("OFF-") and refs[2].startswith("OFF-")
        assert refs[1] != refs[2]  # two firms numbering their offers 1

    return Case("c55_references_en_conflit.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste"), (None, 4, "Peintre"), (None, 5, "Plombier")],
                rejected={(None, 3): "référence « R-1 » déjà utilisée (ligne 2) pour une autre offre"},
                check=check, about="a reference used for two offers; short numbers per firm")  # fmt: skip


def _c_unseen_headers():
    lines = ["N° de l'offre;Nom de la société;Intitullé du poste proposé;Vile;Code postal du site;"
             "Nbre de postes;Salaire brut",
             "X-1;Garage Martin;Mécanicien;Béthune;62400;2;1900"]  # fmt: skip

    def check(res):
        r = res.frame.iloc[0]
        assert (r[F.OFFER_REF], r[F.EMPLOYER], r[F.COMMUNE], r[F.POSTAL_CODE], r[F.POSITIONS]) == (
            "X-1",
            "Garage Martin",
            "Béthune",
            "62400",
            2,
        )
        assert res.report.unmapped == ["Salaire brut"]

    return Case("c56_entetes_inconnus.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Mécanicien")], check=check,
                about="headers never seen, with typos")  # fmt: skip


PROFILE_HEADER = ["Code anonyme", "CIP", "Métier visé", "Compétences", "Ville", "Permis"]


def _c_forbidden_columns():
    header = ["ID", "Nom", "Prénom", "Tél.", "Adresse", "Date de naissance", "N° sécu", "RQTH",
              "Métier visé", "Observations", "Sexe"]  # fmt: skip
    row1 = ["P-1", "DUPONT", "Jean", "06 12 34 56 78", "3 rue X", "01/01/1980", "180017512345601",
            "oui", "Cariste", "joignable au 06 98 76 54 32", "H"]  # fmt: skip
    row2 = ["P-2", "MARTIN", "Léa", "07 11 22 33 44", "5 rue Y", "02/02/1990", "290027512345678",
            "non", "Vendeuse", "très motivée", "F"]  # fmt: skip

    def check(res):
        dropped = res.report.dropped_columns
        assert list(dropped) == ["Nom", "Prénom", "Tél.", "Adresse", "Date de naissance",
                                 "N° sécu", "RQTH", "Observations", "Sexe"]  # fmt: skip
        text = res.frame.to_string() + repr(res.report.to_dict())
        for secret in (
            "DUPONT",
            "Jean",
            "06 12 34 56 78",
            "rue X",
            "1980",
            "180017512345601",
            "motivée",
        ):
            assert secret not in text

    return Case("c57_colonnes_personnelles.xlsx", "profiles",
                lambda: xlsx_rows([header, row1, row2], "Participants"),
                options={"structure": "ACI Test"},
                imported=[("Participants", 2, "P-1"), ("Participants", 3, "P-2")], check=check,
                about="personal columns dropped before anything is stored")  # fmt: skip


def _nir(first13: str) -> str:
    return first13 + f"{97 - int(first13) % 97:02d}"


def _c_free_text_pii():
    nir = _nir("2690549588157")
    lines = ["Code anonyme;Compétences;Expériences",
             f"P-1;ménage, repassage, tél 06 39 98 12 34;Aide à domicile (NIR {nir})",
             "P-2;vente, caisse;contact : lea.martin@example.com, IBAN FR76 3000 6000 0112 3456 7890 189",
             "P-3;CACES 3, 35h par semaine;03 21 xx xx xx (standard de l'entreprise)"]  # fmt: skip

    def check(res):
        f = res.frame
        assert f[F.SKILLS].tolist()[0] == "ménage, repassage, tél [téléphone masqué]"
        assert f[F.EXPERIENCE].tolist()[0] == "Aide à domicile (NIR [n° sécu masqué])"
        assert f[F.EXPERIENCE].tolist()[1] == "contact : [courriel masqué], IBAN [IBAN masqué]"
        assert f[F.SKILLS].tolist()[2] == "CACES 3, 35h par semaine"
        assert res.report.redactions == {
            "téléphones": 1,
            "n° sécurité sociale": 1,
            "courriels": 1,
            "IBAN": 1,
        }

    return Case("c58_donnees_dans_le_texte.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "AI Test"},
                imported=[(None, 2, "P-1"), (None, 3, "P-2"), (None, 4, "P-3")], check=check,
                about="personal data in free text masked and counted")  # fmt: skip


def _c_names_as_ids():
    lines = [
        "Bénéficiaire;Métier visé",
        "DUPONT Jean;Cariste",
        "MARTIN Léa;Vendeuse",
        "DURAND Paul;Maçon",
    ]
    return Case("c59_identifiants_noms.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "S", "overrides": {"Bénéficiaire": "profile_ref"}},
                refused=r"les identifiants ressemblent à des noms de personnes")  # fmt: skip


def _c_id_is_email():
    lines = [
        "Identifiant;Métier visé",
        "jean.dupont@example.com;Cariste",
        "ACI-2;Vendeuse",
        "ACI-3;Maçon",
    ]

    def check(res):
        assert "jean.dupont" not in repr(res.report.to_dict())

    return Case("c60_identifiant_courriel.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "S"},
                imported=[(None, 3, "ACI-2"), (None, 4, "ACI-3")],
                rejected={(None, 2): "l'identifiant contient une donnée personnelle"}, check=check,
                about="an e-mail address as identifier")  # fmt: skip


def _c_profile_duplicates():
    lines = ["ID;Métier visé;Ville", "A-1;Cariste;Lens", "A-2;Vendeuse;Béthune", "A-1;Cariste;Lens",
             "A-2;Aide à domicile;Lillers"]  # fmt: skip
    return Case("c61_doublons_profils.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "S"},
                imported=[(None, 2, "A-1"), (None, 3, "A-2")],
                rejected={(None, 4): "doublon exact de la ligne 2",
                          (None, 5): "identifiant « A-2 » déjà présent (ligne 3) avec d'autres informations"},
                about="the same person twice")  # fmt: skip


def _c_structure_missing():
    return Case("c62_sans_structure.csv", "profiles",
                lambda: csv_bytes(["ID;Métier visé", "A-1;Cariste"]),
                refused=r"colonne obligatoire introuvable \(structure\).*--structure")  # fmt: skip


def _c_structure_column():
    lines = ["Structure;N° dossier;Poste recherché", "ACI Nord;7;Maraîcher", ";8;Cariste"]

    def check(res):
        assert res.frame[F.STRUCTURE].tolist() == ["ACI Nord", "PLIE"]

    return Case("c63_structure_dans_le_fichier.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "PLIE"},
                imported=[(None, 2, "7"), (None, 3, "8")], check=check,
                about="structure from the file, completed by the command line")  # fmt: skip


def _c_mobility_means():
    lines = ["ID;Mobilité;Véhicule", "A-1;15 km;", "A-2;permis B + voiture;", "A-3;30 min;vélo"]

    def check(res):
        assert res.frame[F.MOBILITY_KM].tolist() == [15.0, None, "30 min"]
        assert res.frame[F.TRANSPORT].tolist() == [None, "permis B + voiture", "vélo"]

    return Case("c64_mobilite.csv", "profiles", lambda: csv_bytes(lines),
                options={"structure": "S"},
                imported=[(None, 2, "A-1"), (None, 3, "A-2"), (None, 4, "A-3")],
                flagged={(None, 4, "Mobilité"): "« 30 min » non comprise"}, check=check,
                about="a means of transport in the mobility cell is kept as transport")  # fmt: skip


def _c_overrides():
    lines = ["Libellé;Zone;Remarques", "Cariste;Lens;urgent", "Maçon;Béthune;"]

    def check(res):
        assert res.frame[F.COMMUNE].tolist() == ["Lens", "Béthune"]
        assert res.report.mapping_how["Libellé"] == "choisi par l'utilisateur"

    return Case("c65_correspondance_forcee.csv", "offers", lambda: csv_bytes(lines),
                options={"overrides": {"Libellé": "title", "B": "commune"}},
                imported=[(None, 2, "Cariste"), (None, 3, "Maçon")], check=check,
                about="--map by label and by column letter")  # fmt: skip


def _c_long_cell():
    lines = ["Poste;Descriptif", "Cariste;" + "x" * 40000]

    def check(res):
        assert len(res.frame[F.DESCRIPTION].iloc[0]) == 32767
        assert res.report.sheet_reports[0].truncated_cells == 1

    return Case("c66_cellule_geante.csv", "offers", lambda: csv_bytes(lines),
                imported=[(None, 2, "Cariste")], check=check, about="cell longer than Excel allows")  # fmt: skip


def _c_title_right_above():
    rows = _offers(2)

    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Offres de la semaine"])
        ws.merge_cells("A1:F1")
        ws.append(OFFER_HEADER)
        for r in rows:
            ws.append(r)

    def check(res):
        assert list(res.report.mapping) == OFFER_HEADER
        assert res.report.sheet_reports[0].header_rows == 1

    return Case("c67_titre_colle.xlsx", "offers", lambda: workbook(fill),
                imported=_titles(rows, 3), check=check,
                about="a merged title right above the header is not a group row")  # fmt: skip


def _c_merged_skills_header():
    def fill(wb):
        ws = wb.active
        ws.title = "Offres"
        ws.append(["Poste", "Ville", "Compétences", None, None])
        ws.merge_cells("C1:E1")
        ws.append(["Cariste", "Lens", "CACES 3", "rigueur", "port de charges"])
        ws.append(["Maçon", "Béthune", "lecture de plans", None, None])

    def check(res):
        assert res.frame[F.SKILLS].tolist() == [
            "CACES 3; rigueur; port de charges",
            "lecture de plans",
        ]

    return Case("c68_competences_sur_trois_colonnes.xlsx", "offers", lambda: workbook(fill),
                imported=[("Offres", 2, "Cariste"), ("Offres", 3, "Maçon")], check=check,
                about="one merged header over three columns: the first data row stays data")  # fmt: skip


CASES: list[Case] = [
    f()
    for f in (
        _c_basic, _c_title_rows, _c_header_row_8, _c_group_header, _c_two_row_header,
        _c_merged_employer, _c_section_rows, _c_hidden_rows, _c_hidden_column,
        _c_hidden_first_sheet, _c_two_sheets, _c_choose_sheet, _c_missing_sheet, _c_notes_sheet,
        _c_empty_workbook, _c_cached_formulas, _c_formulas_without_values, _c_error_values,
        _c_dates_mixed, _c_date1904, _c_postal_numbers, _c_repeated_header, _c_xlsm,
        _c_other_program, _c_truncated, _c_uncompressed_limit, _c_zip_bomb, _c_too_many_rows,
        _c_too_many_columns, _c_file_too_big, _c_ods, _c_docx, _c_plain_zip, _c_old_xls,
        _c_encrypted, _c_empty_file, _c_junk, _c_pdf, _c_html, _c_xml2003, _c_no_title_column,
        _c_csv_semicolon, _c_csv_multiline, _c_tab_txt, _c_utf16, _c_sep_line, _c_unclosed_quote,
        _c_ragged, _c_excel_text, _c_csv_title_lines, _c_mojibake, _c_blank_csv,
        _c_unreadable_values, _c_offer_duplicates, _c_ref_conflict, _c_unseen_headers,
        _c_forbidden_columns, _c_free_text_pii, _c_names_as_ids, _c_id_is_email,
        _c_profile_duplicates, _c_structure_missing, _c_structure_column, _c_mobility_means,
        _c_overrides, _c_long_cell, _c_title_right_above, _c_merged_skills_header,
    )
]  # fmt: skip


def write_corpus(folder: str | Path) -> list[tuple[Case, Path]]:
    """Write every file of the corpus into ``folder``; returns (case, path) pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in CASES:
        path = folder / case.name
        path.write_bytes(case.build())
        out.append((case, path))
    return out


if __name__ == "__main__":  # python -m tests.corpus DIR: write the files to try them by hand
    import sys

    written = write_corpus(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    print(f"{len(written)} fichiers écrits")
