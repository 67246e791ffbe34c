"""Readers: type from the content, OLE directories, header detection, CSV dialects, early refusal
of giant sheets, cell texts as Excel shows them."""

import io

import openpyxl
import pytest

from matcher.errors import UserError
from matcher.intake.csvtext import sniff_delimiter
from matcher.intake.detect import (
    FORMAT_CSV,
    FORMAT_XLSM,
    FORMAT_XLSX,
    detect_format,
    ole_stream_names,
)
from matcher.intake.mapping import known_label_count, synonym_index
from matcher.intake.readers import read_file
from matcher.intake.xlsx import number_text
from matcher.settings import ImportLimits

from .corpus import csv_bytes, inline_row, ole_file, raw_xlsx, xlsx_rows


def test_type_comes_from_the_content_not_the_extension():
    xlsx = xlsx_rows([["Poste"], ["Cariste"]])
    csv = csv_bytes(["Poste;Ville", "Cariste;Lens"])
    assert detect_format(xlsx, "offres.csv") == FORMAT_XLSX
    assert detect_format(csv, "offres.xlsx") == FORMAT_CSV
    rows = inline_row(1, ["Poste"]) + inline_row(2, ["Cariste"])
    assert (
        detect_format(raw_xlsx([("A", f"<sheetData>{rows}</sheetData>")], macro=True), "x.xlsx")
        == FORMAT_XLSM
    )
    # A CSV named .xlsx is read as a CSV.
    table = read_file(csv, "offres.xlsx").tables[0]
    assert table.frame.to_dict("records") == [{"Poste": "Cariste", "Ville": "Lens"}]


def test_ole_directory_names_over_several_sectors():
    names = ["Workbook", "\x05SummaryInformation", "\x05DocumentSummaryInformation", "CompObj",
             "Ctls", "MsoDataStore", "EncryptionInfo"]  # fmt: skip
    assert ole_stream_names(ole_file(names)) == ["Root Entry", *names]


def test_ole_tells_encrypted_from_old_xls():
    with pytest.raises(UserError, match="protégé par mot de passe"):
        detect_format(ole_file(["EncryptionInfo", "EncryptedPackage"]), "a.xlsx")
    with pytest.raises(UserError, match=r"ancien format Excel 97-2003"):
        detect_format(ole_file(["Workbook"]), "a.xls")
    with pytest.raises(UserError, match="document Word"):
        detect_format(ole_file(["WordDocument"]), "a.doc")


def test_header_found_by_recognised_labels_under_a_wide_note_row():
    rows = [
        ["Liste envoyée par", "la coordination", "le 12/10", "à relancer", "avant", "vendredi"],
        [],
        ["Réf.", "Entreprise", "Intitulé du poste", "Ville"],
        ["A-1", "Garage", "Mécanicien", "Lens"],
    ]

    def scorer(labels):
        return sum(1 for x in labels if x in {"Réf.", "Entreprise", "Intitulé du poste", "Ville"})

    table = read_file(xlsx_rows(rows), "o.xlsx", header_scorer=scorer).tables[0]
    assert table.header_row == 3
    assert list(table.frame.index) == [4]


def test_header_without_scorer_is_the_first_row_of_distinct_labels():
    rows = [["Export"], ["Poste", "Ville", "Contrat"], ["Cariste", "Lens", "CDI"]]
    table = read_file(xlsx_rows(rows), "o.xlsx").tables[0]
    assert (table.header_row, table.rows_above) == (2, 1)


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["Poste;Descriptif;Ville", "Cariste;conduite, stock, rangement;Lens"] * 3, ";"),
        (["Poste,Descriptif,Ville", 'Cariste,"conduite; stock; rangement",Lens'] * 3, ","),
        (["Poste\tVille", "Cariste\tLens, Pas-de-Calais"] * 3, "\t"),
        (["Titre de l'export, du 12/10", "Poste|Ville|CP", "Cariste|Lens|62300"], "|"),
    ],
)
def test_delimiter_sniffing(lines, expected):
    assert sniff_delimiter("\n".join(lines)) == expected


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Intitulé;Ville\nAide-ménagère;Béthune\n".encode("cp1252"), "Windows-1252"),
        ("Intitulé;Ville\nAide-ménagère;Béthune\n".encode(), "UTF-8"),
        ("Intitulé\tVille\nAide-ménagère\tBéthune\n".encode("utf-16-le"), "UTF-16"),
    ],
)
def test_encodings(data, encoding):
    result = read_file(data, "f.csv")
    assert f"encodage du texte : {encoding}" in result.notes
    assert result.tables[0].frame.iloc[0].tolist() == ["Aide-ménagère", "Béthune"]


def test_giant_sheet_refused_early_from_an_estimate():
    body = "".join(inline_row(r, [f"Poste {r}", "Lens"]) for r in range(1, 30001))
    data = raw_xlsx([("Offres", f"<sheetData>{body}</sheetData>")])
    with pytest.raises(UserError, match=r"trop de lignes \(environ [\d\u202f]+ d'après le début"):
        read_file(data, "o.xlsx", ImportLimits(max_rows=5000))


def test_preview_reads_only_the_first_rows():
    body = "".join(inline_row(r, [f"Poste {r}", "Lens"]) for r in range(2, 500))
    data = raw_xlsx(
        [("Offres", f"<sheetData>{inline_row(1, ['Poste', 'Ville'])}{body}</sheetData>")]
    )
    table = read_file(data, "o.xlsx", max_data_rows=5).tables[0]
    assert not table.complete
    assert len(table.frame) < 50


@pytest.mark.parametrize(
    "raw, shown",
    [("62400", "62400"), ("35.499999999999993", "35.5"), ("62400.0", "62400"),
     ("1.85057800608436E+14", "185057800608436"), ("-3", "-3"), ("0.1", "0.1")],
)  # fmt: skip
def test_numbers_read_as_excel_shows_them(raw, shown):
    assert number_text(raw) == shown


def test_cells_as_text():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Poste", "Début", "Permis", "Heures", "CP"])
    import datetime as dt

    ws.append(["Cariste", dt.datetime(2026, 12, 1), True, 35.5, 1000])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_file(buf.getvalue(), "o.xlsx").tables[0]
    assert table.frame.iloc[0].tolist() == ["Cariste", "2026-12-01", "oui", "35.5", "1000"]
    assert table.letters == {"Poste": "A", "Début": "B", "Permis": "C", "Heures": "D", "CP": "E"}


def test_duplicate_and_empty_labels_made_unique():
    scorer = known_label_count(synonym_index("offers"))
    data = xlsx_rows([["Poste", "Poste", None, "Ville"], ["Cariste", "CACES", "note", "Lens"]])
    table = read_file(data, "o.xlsx", header_scorer=scorer).tables[0]
    assert list(table.frame.columns) == ["Poste", "Poste (2)", "Colonne C", "Ville"]


# --- issue 12: JSON and JSON Lines -----------------------------------------------------------
def test_json_flattened_like_json_normalize():
    import json as _json

    data = {"resultats": [{"id": "1", "lieuTravail": {"commune": "62119", "latitude": 50.5},
                           "permis": [{"libelle": "B", "exigence": "S"}], "alternance": True}]}  # fmt: skip
    result = read_file(_json.dumps(data).encode(), "x.json")
    assert result.file_format == "json"
    frame = result.tables[0].frame
    assert list(frame.columns) == ["id", "lieuTravail.commune", "lieuTravail.latitude", "permis",
                                   "alternance"]  # fmt: skip
    row = frame.loc[1]
    assert (row["lieuTravail.commune"], row["lieuTravail.latitude"], row["alternance"]) == (
        "62119", "50.5", "true")  # fmt: skip
    assert _json.loads(row["permis"]) == [{"libelle": "B", "exigence": "S"}]


def test_json_lines_numbered_by_line_and_errors_located():
    result = read_file(b'{"id": 1}\n\n{"id": 2}\n', "x.jsonl")
    assert result.file_format == "jsonl"
    assert list(result.tables[0].frame.index) == [1, 3]
    with pytest.raises(UserError, match=r"x.jsonl, ligne 2 : JSON illisible"):
        read_file(b'{"id": 1}\n{"id": \n', "x.jsonl")
    with pytest.raises(UserError, match="attendu une liste d'objets"):
        read_file(b"[1, 2, 3]", "x.json")
