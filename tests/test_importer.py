"""Import of small hand-made files: header found under a title row, columns mapped through
synonyms, values parsed, every row accounted for, personal data dropped or masked."""

import datetime as dt
import io

import openpyxl
import pytest

from matcher import fields as F
from matcher.errors import UserError
from matcher.importer import import_file


def xlsx(rows, title=None, hidden_first=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    if hidden_first:
        ws.title = "cachée"
        ws.append(["x", "y"])
        ws.sheet_state = "hidden"
        ws = wb.create_sheet("Offres")
    if title:
        ws.append([title])
        ws.merge_cells("A1:D1")
        ws.append([])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_offers_under_title_row():
    data = xlsx(
        [["Réf.", "Entreprise", "Intitulé du poste", "CP", "Date de début", "Durée hebdo"],
         ["BUS-001", "Propreté Artois", "Agent(e) d'entretien H/F", "62400", "01/12/2026", "35h"],
         [None, None, None, None, None, None],
         ["BUS-002", "Logistique B", None, "62700", "dès que possible", "24 h/sem"],
         ["BUS-003", "Logistique B", "Cariste", "1000", "bientôt", "temps plein"]],
        title="Busin'ESS 2026 – Offres",
    )  # fmt: skip
    res = import_file(data, "offres.xlsx", "offers")
    rep = res.report
    assert rep.rows_read == 3 and rep.rows_imported == 2 and rep.rows_rejected == 1
    rej = rep.rejections[0]
    assert (rej.row, rej.column) == (6, "Intitulé du poste")
    assert res.frame[F.OFFER_REF].tolist() == ["BUS-001", "BUS-003"]
    assert res.frame[F.SOURCE_ROW].tolist() == [4, 7]
    assert res.frame[F.START_DATE].iloc[0] == dt.date(2026, 12, 1)
    assert res.frame[F.START_DATE].iloc[1] == "bientôt"  # kept as text, flagged
    assert any("bientôt" in w and "ligne 7" in w for w in rep.warnings)
    assert res.frame[F.POSTAL_CODE].tolist() == ["62400", "01000"]
    assert res.frame[F.WEEKLY_HOURS].tolist() == [35.0, 35.0]


def test_hidden_sheet_skipped():
    data = xlsx([["Poste", "Ville"], ["Cariste", "Béthune"]], hidden_first=True)
    res = import_file(data, "o.xlsx", "offers")
    assert res.frame[F.TITLE].tolist() == ["Cariste"]
    assert res.report.sheets == ["Offres"]


def test_csv_semicolon_cp1252():
    text = (
        "N° dossier;CIP;Métier visé;Observations;Nom\r\nACI-1;Mme D;Agent d'entretien;"
        "joignable au 06 12 34 56 78 ou a.b@mail.fr;Dupont\r\nACI-2;Mme D;Cariste;;Durand\r\n"
    )
    res = import_file(text.encode("cp1252"), "aci.csv", "profiles", structure="ACI X")
    f = res.frame
    assert f[F.PROFILE_REF].tolist() == ["ACI-1", "ACI-2"]
    assert f[F.STRUCTURE].tolist() == ["ACI X", "ACI X"]
    assert f[F.TARGET_JOBS].tolist() == ["Agent d'entretien", "Cariste"]
    assert res.report.dropped_columns == {"Nom": "nom"}
    assert "Dupont" not in f.to_string()


def test_redaction_in_free_text():
    text = 'ID,Compétences\nA1,"ménage, tél 06 12 34 56 78, mail x@y.fr"\n'
    res = import_file(text.encode(), "p.csv", "profiles", structure="S")
    skills = res.frame[F.SKILLS].iloc[0]
    assert "06 12" not in skills and "x@y.fr" not in skills
    assert "[téléphone masqué]" in skills and "[courriel masqué]" in skills
    assert res.report.redactions["téléphones"] == 1 and res.report.redactions["courriels"] == 1


def test_missing_required_column_is_a_clear_error():
    with pytest.raises(UserError, match=r"colonne obligatoire introuvable.*intitulé du poste"):
        import_file(xlsx([["Entreprise", "Ville"], ["A", "B"]]), "o.xlsx", "offers")


@pytest.mark.parametrize(
    "data, message",
    [(b"", "vide"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "mot de passe"),
     (b"PK\x03\x04garbage", "endommagé")],
)  # fmt: skip
def test_refused_files(data, message):
    with pytest.raises(UserError, match=message):
        import_file(data, "f.xlsx", "offers")


def test_generated_reference_is_stable():
    data = xlsx([["Entreprise", "Poste", "Ville"], ["A", "Cariste", "Béthune"]])
    r1 = import_file(data, "o.xlsx", "offers").frame[F.OFFER_REF].iloc[0]
    r2 = import_file(data, "o2.xlsx", "offers").frame[F.OFFER_REF].iloc[0]
    assert r1 == r2 and r1.startswith("OFF-")
