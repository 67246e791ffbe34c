"""Import end to end: hand-made files, the sample files (every row accounted for, as their README
says), the preview for the dashboard, and the store around it (one transaction per import,
remembered mappings, history of re-imported offers, duplicates across files)."""

import datetime as dt
import json
import logging

import pandas as pd
import pytest

from matcher import fields as F
from matcher.errors import UserError
from matcher.intake.importer import import_file, import_path, preview_file
from matcher.intake.report import ImportReport
from matcher.workflow.auth import SYSTEM
from matcher.workflow.service import import_into_store, sample_files

from .conftest import SAMPLE_DIR
from .corpus import csv_bytes, ole_file, workbook, xlsx_rows

TODAY = dt.date(2026, 10, 15)


def test_offers_under_title_row():
    def fill(wb):
        ws = wb.active
        ws.append(["Busin'ESS 2026 – Offres"])
        ws.merge_cells("A1:F1")
        ws.append([])
        for r in [
            ["Réf.", "Entreprise", "Intitulé du poste", "CP", "Date de début", "Durée hebdo"],
            [
                "BUS-001",
                "Propreté Artois",
                "Agent(e) d'entretien H/F",
                "62400",
                "01/12/2026",
                "35h",
            ],
            [None, None, None, None, None, None],
            ["BUS-002", "Logistique B", None, "62700", "dès que possible", "24 h/sem"],
            ["BUS-003", "Logistique B", "Cariste", "1000", "bientôt", "temps plein"],
        ]:
            ws.append(r)

    res = import_file(workbook(fill), "offres.xlsx", "offers", today=TODAY)
    rep = res.report
    assert (rep.rows_read, rep.rows_imported, rep.rows_rejected) == (3, 2, 1)
    rej = rep.rejections[0]
    assert (rej.row, rej.column, rej.reason) == (6, "Intitulé du poste", "intitulé du poste vide")
    assert res.frame[F.OFFER_REF].tolist() == ["BUS-001", "BUS-003"]
    assert res.frame[F.SOURCE_ROW].tolist() == [4, 7]
    assert res.frame[F.START_DATE].tolist() == [dt.date(2026, 12, 1), "bientôt"]
    flag = rep.flags[0]
    assert (flag.row, flag.column, flag.value) == (7, "Date de début", "bientôt")
    assert res.frame[F.POSTAL_CODE].tolist() == ["62400", "01000"]
    assert res.frame[F.WEEKLY_HOURS].tolist() == [35.0, 35.0]
    lines = rep.summary_lines()
    assert lines[0] == (
        "offres.xlsx (classeur Excel (.xlsx)) : 3 ligne(s) lue(s), 2 importée(s), 1 rejetée(s)."
    )
    assert (
        "  offres.xlsx, feuille « Sheet », ligne 6, colonne « Intitulé du poste » : intitulé du poste vide"
        in lines
    )


def test_profiles_csv_personal_columns_and_comments_dropped():
    text = (
        "N° dossier;CIP;Métier visé;Observations;Nom\r\nACI-1;Mme D;Agent d'entretien;"
        "joignable au 06 12 34 56 78 ou a.b@mail.fr;Dupont\r\nACI-2;Mme D;Cariste;;Durand\r\n"
    )
    res = import_file(text.encode("cp1252"), "aci.csv", "profiles", structure="ACI X")
    f = res.frame
    assert f[F.PROFILE_REF].tolist() == ["ACI-1", "ACI-2"]
    assert f[F.STRUCTURE].tolist() == ["ACI X", "ACI X"]
    assert f[F.TARGET_JOBS].tolist() == ["Agent d'entretien", "Cariste"]
    assert res.report.dropped_columns == {
        "Observations": "commentaire libre, peut contenir des données personnelles",
        "Nom": "nom",
    }
    stored = f.to_string() + json.dumps(res.report.to_dict(), ensure_ascii=False, default=str)
    for secret in ("Dupont", "Durand", "06 12", "a.b@mail.fr", "joignable"):
        assert secret not in stored


def test_nothing_personal_in_the_logs(caplog):
    text = "ID;Nom;Compétences\r\nA-1;Dupont;ménage, tél 06 12 34 56 78\r\nA-2;Durand;vente\r\n"
    with caplog.at_level(logging.DEBUG, logger="matcher"):
        import_file(text.encode(), "p.csv", "profiles", structure="S")
    assert caplog.records  # the import logs...
    assert "Dupont" not in caplog.text and "06 12" not in caplog.text  # ...nothing personal


def test_personal_column_cannot_be_mapped_by_the_user():
    text = "ID;Nom;Compétences\r\nA-1;Dupont;ménage\r\n"
    with pytest.raises(
        UserError, match=r"la colonne « Nom » contient des données personnelles \(nom\)"
    ):
        import_file(text.encode(), "p.csv", "profiles", structure="S", overrides={"Nom": "skills"})


def test_redaction_in_free_text():
    text = 'ID,Compétences\nA1,"ménage, tél 06 12 34 56 78, mail x@y.fr"\n'
    res = import_file(text.encode(), "p.csv", "profiles", structure="S")
    skills = res.frame[F.SKILLS].iloc[0]
    assert skills == "ménage, tél [téléphone masqué], mail [courriel masqué]"
    assert res.report.redactions == {"courriels": 1, "téléphones": 1}
    assert "Données personnelles masquées dans le texte : 1 courriels, 1 téléphones." in (
        res.report.summary_lines()
    )


def test_missing_required_column_is_a_clear_error():
    with pytest.raises(UserError, match=r"colonne obligatoire introuvable \(intitulé du poste\)"):
        import_file(xlsx_rows([["Entreprise", "Ville"], ["A", "B"]]), "o.xlsx", "offers")


@pytest.mark.parametrize(
    "data, message",
    [(b"", "vide"), (ole_file(["EncryptionInfo", "EncryptedPackage"]), "mot de passe"),
     (ole_file(["Workbook"]), r"\.xls"), (b"PK\x03\x04garbage", "endommagé")],
)  # fmt: skip
def test_refused_files(data, message):
    with pytest.raises(UserError, match=message):
        import_file(data, "f.xlsx", "offers")


def test_generated_reference_is_stable_and_ignores_case_accents_and_gender_marks():
    a = xlsx_rows(
        [["Entreprise", "Poste", "Ville"], ["Propreté A", "Agent d'entretien H/F", "Béthune"]]
    )
    b = xlsx_rows(
        [["Entreprise", "Poste", "Ville"], ["PROPRETE A", "Agent d'entretien", "BETHUNE"]]
    )
    r1 = import_file(a, "o.xlsx", "offers").frame[F.OFFER_REF].iloc[0]
    r2 = import_file(b, "o2.xlsx", "offers").frame[F.OFFER_REF].iloc[0]
    assert r1 == r2 and r1.startswith("OFF-")


def test_several_columns_joined_for_skills():
    data = csv_bytes(["Poste;Compétence 1;Compétence 2;Compétence 3", "Cariste;CACES 3;;rigueur"])
    res = import_file(data, "o.csv", "offers")
    assert res.frame[F.SKILLS].tolist() == ["CACES 3; rigueur"]


def test_report_round_trip_through_json():
    data = csv_bytes(["Poste;Date de début", "Cariste;bientôt", ";01/12/2026"])
    rep = import_file(data, "o.csv", "offers").report
    back = ImportReport.from_dict(json.loads(json.dumps(rep.to_dict(), default=str)))
    assert back == rep
    assert back.summary_lines() == rep.summary_lines()


# --------------------------------------------------------------------------------------------
# The sample files
# --------------------------------------------------------------------------------------------
SAMPLE_COUNTS = {
    # file: (rows read, imported, rejected), from data/sample/README.md: data rows minus empty
    # rows; rejected: total row, title missing, identifier missing, same person twice.
    "offres_busin_ess_2026.xlsx": (81, 80, 1),
    "offres_complementaires.xlsx": (41, 40, 1),
    "aci_jardins_bethunois.xlsx": (80, 80, 0),
    "ei_artois_proprete.xlsx": (85, 85, 0),
    "ai_bruay_services.csv": (75, 75, 0),
    "geiq_btp_artois.xlsx": (60, 60, 0),
    "etti_interim_solidaire.csv": (111, 109, 2),
    "aci_ressourcerie_lys.xlsx": (55, 54, 1),
    "ei_restauration_solidaire.xlsx": (60, 60, 0),
    "plie_bethune_bruay.xlsx": (75, 75, 0),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sample_files_every_row_accounted_for(name):
    kind = "offers" if name.startswith("offres") else "profiles"
    res = import_path(SAMPLE_DIR / name, kind, structure="Structure test", today=TODAY)
    rep = res.report
    assert (rep.rows_read, rep.rows_imported, rep.rows_rejected) == SAMPLE_COUNTS[name]
    assert (rep.accounted and not rep.unmapped) or all(c in ("Remarques",) for c in rep.unmapped)
    if kind == "profiles":
        assert set(rep.dropped_columns) <= {
            "Nom",
            "Prénom",
            "Date de naissance",
            "Sexe",
            "Observations",
        }
        text = res.frame.to_string()
        assert "FICTIF" not in text and "06 39 98" not in text and "example.com" not in text


def test_sample_rejections_are_the_documented_ones():
    rep = import_path(
        SAMPLE_DIR / "etti_interim_solidaire.csv", "profiles", structure="ETTI"
    ).report
    assert [(r.row, r.reason) for r in rep.rejections] == [
        (65, "doublon exact de la ligne 64 : ligne non importée"),
        (81, "identifiant vide"),
    ]


# --------------------------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------------------------
def test_preview_proposes_a_mapping_without_importing(store):
    data = (SAMPLE_DIR / "ai_bruay_services.csv").read_bytes()
    preview = preview_file(data, "ai.csv", "profiles", rows=3, structure="AI")
    (sheet,) = preview.sheets
    assert sheet.header_row == 1 and sheet.usable
    assert sheet.mapping.columns["Réf. bénéficiaire"] == F.PROFILE_REF
    assert set(sheet.dropped_columns) == {"Nom", "Prénom", "Date de naissance", "Sexe"}
    assert len(sheet.rows) == 3 and "Nom" not in sheet.rows.columns
    assert not sheet.complete
    assert any("« Nom » : supprimée (nom)" in line for line in preview.summary_lines())
    assert store.counts()["imports"] == 0


def test_preview_says_which_required_column_is_missing():
    data = xlsx_rows([["Désignation", "Lieu"], ["Cariste", "Lens"]])
    preview = preview_file(data, "o.xlsx", "offers")
    assert preview.sheets[0].missing == [F.TITLE]
    fixed = preview_file(data, "o.xlsx", "offers", overrides={"Désignation": "title"})
    assert fixed.sheets[0].usable


# --------------------------------------------------------------------------------------------
# With the store
# --------------------------------------------------------------------------------------------
def test_a_refused_import_changes_nothing(store):
    good = csv_bytes(["Réf.;Poste", "A-1;Cariste"])
    import_into_store(store, good, "a.csv", "offers")
    before = store.counts()
    with pytest.raises(UserError):
        import_into_store(store, csv_bytes(["Réf.;Entreprise", "A-2;X"]), "b.csv", "offers")
    assert store.counts() == before


def test_mapping_confirmed_once_is_remembered(store):
    header = "Libellé;Lieu;Zone"
    first = csv_bytes([header, "Cariste;Lens;62300"])
    done = import_into_store(store, first, "a.csv", "offers",
                             overrides={"Libellé": "title", "Zone": "postal_code"})  # fmt: skip
    assert done.result.report.mapping["Libellé"] == F.TITLE
    second = csv_bytes([header, "Maçon;Béthune;62400"])
    done = import_into_store(store, second, "b.csv", "offers")
    assert done.result.frame[F.TITLE].tolist() == ["Maçon"]
    assert done.result.frame[F.POSTAL_CODE].tolist() == ["62400"]
    assert done.result.report.sheet_reports[0].remembered_mapping


def test_reimport_updates_and_keeps_history(store):
    v1 = csv_bytes(["Réf.;Poste;Durée hebdo", "A-1;Cariste;35h", "A-2;Maçon;39h"])
    v2 = csv_bytes(["Réf.;Poste;Durée hebdo", "A-1;Cariste;24h", "A-2;Maçon;39h"])
    assert import_into_store(store, v1, "o.csv", "offers").counts == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert import_into_store(store, v2, "o.csv", "offers").counts == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    with store.read() as conn:
        history = conn.execute(
            "SELECT offer_ref, version, before, after FROM offer_history"
        ).fetchall()
    assert [(h["offer_ref"], h["version"]) for h in history] == [("A-1", 2)]
    assert json.loads(history[0]["before"])[F.WEEKLY_HOURS] == 35.0
    assert json.loads(history[0]["after"])[F.WEEKLY_HOURS] == 24.0
    assert store.offers(SYSTEM)[F.WEEKLY_HOURS].tolist() == [24.0, 39.0]


def test_report_is_kept_with_the_import(store):
    data = csv_bytes(["Réf.;Poste", "A-1;Cariste", "A-2;"])
    import_into_store(store, data, "o.csv", "offers")
    with store.read() as conn:
        row = conn.execute(
            "SELECT rows_read, rows_imported, rows_rejected, report FROM imports"
        ).fetchone()
    assert (row["rows_read"], row["rows_imported"], row["rows_rejected"]) == (2, 1, 1)
    report = ImportReport.from_dict(json.loads(row["report"]))
    assert report.rejections[0].row == 3 and report.rejections[0].reason == "intitulé du poste vide"


def _import_samples(store, offers=True, profiles=True):
    """What ``load_demo`` imports (without the matching, which other tests cover)."""
    offer_files, profile_files = sample_files()
    done = []
    for p in offer_files if offers else []:
        done.append(import_into_store(store, p.read_bytes(), p.name, "offers"))
    for p, structure in profile_files.items() if profiles else []:
        done.append(
            import_into_store(store, p.read_bytes(), p.name, "profiles", structure=structure)
        )
    return done


def test_demo_stores_every_offer_and_reports_the_shared_one(store):
    """The two sample offer files hold 120 offers. offres_complementaires.xlsx has no reference
    column, and two distinct offers of one firm with the same title in the same town (rows 16
    and 32): before, both got the same generated reference and the second silently overwrote the
    first (119 offers stored). Now both are kept (the second numbered "-2") and reported. The
    offer sent to both coordinators (row 19 = BUS26-002) and another offer of a firm already
    listed (row 40, BUS26-059, other contract) are kept and reported for a person to decide."""
    offers = _import_samples(store, profiles=False)
    assert sum(d.result.report.rows_imported for d in offers) == 120
    assert store.counts()["offers"] == 120
    dup = sorted(offers[1].result.report.duplicates, key=lambda d: d.row)
    assert [d.row for d in dup] == [19, 32, 40]
    assert "« BUS26-002 » déjà enregistrée (même contrat et même durée" in dup[0].reason
    assert "que la ligne 16, mais pas le même contenu" in dup[1].reason
    assert "« BUS26-059 » déjà enregistrée (contrat ou durée différents" in dup[2].reason


def test_profiles_of_the_demo_are_anonymous(store):
    _import_samples(store, offers=False)
    profiles = store.profiles(SYSTEM)
    text = profiles.to_string()
    assert "FICTIF" not in text and "06 39 98" not in text and "example.com" not in text
    _offers, files = sample_files()
    assert set(profiles[F.STRUCTURE]) == set(files.values())
    assert len(profiles) == 598
    assert isinstance(profiles, pd.DataFrame)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
def test_cli_preview_shows_the_mapping_and_imports_nothing(tmp_path, capsys):
    from matcher.cli import main

    path = tmp_path / "offres.csv"
    path.write_bytes(csv_bytes(["Désignation;Ville;Remarques", "Cariste;Lens;urgent"]))
    db = tmp_path / "db.sqlite3"
    assert main(["preview", "offers", str(path), "--map", "Désignation=intitulé du poste"]) == 0
    out = capsys.readouterr().out
    assert "« Désignation » → intitulé du poste (choisi par l'utilisateur)" in out
    assert "« Ville » → commune (nom reconnu)" in out
    assert "Cariste" in out
    assert not db.exists()


def test_cli_imports_several_files_each_in_its_own_transaction(tmp_path, capsys):
    from matcher.cli import main
    from matcher.store.database import Store

    good = tmp_path / "a.csv"
    good.write_bytes(csv_bytes(["Réf.;Poste", "A-1;Cariste"]))
    bad = tmp_path / "b.xlsx"
    bad.write_bytes(ole_file(["EncryptionInfo", "EncryptedPackage"]))
    db = tmp_path / "db.sqlite3"
    code = main(["import", "offers", str(bad), str(good), "--db", str(db)])
    out = capsys.readouterr()
    assert code == 2
    assert "b.xlsx : classeur protégé par mot de passe" in out.err
    assert "(rien n'a été importé de ce fichier)" in out.err
    assert (
        "a.csv (fichier texte (CSV)) : 1 ligne(s) lue(s), 1 importée(s), 0 rejetée(s)." in out.out
    )
    assert Store(db).counts()["offers"] == 1


def test_columns_left_out_by_the_user_are_remembered_too(store):
    header = "Désignation;Ville;Poste occupé avant"
    first = csv_bytes([header, "Cariste;Lens;Maçon"])
    import_into_store(store, first, "a.csv", "offers",
                      overrides={"Désignation": "title", "Poste occupé avant": ""})  # fmt: skip
    assert store.remembered_mappings("offers")["designation|poste occupe avant|ville"] == {
        "Désignation": F.TITLE, "Ville": F.COMMUNE, "Poste occupé avant": None,
    }  # fmt: skip
    done = import_into_store(store, csv_bytes([header, "Maçon;Béthune;Peintre"]), "b.csv", "offers")
    assert done.result.frame[F.TITLE].tolist() == ["Maçon"]
    assert done.result.report.unmapped == ["Poste occupé avant"]


def test_header_only_file_imports_nothing_and_says_so():
    rep = import_file(csv_bytes(["Poste;Ville"]), "o.csv", "offers").report
    assert (rep.rows_read, rep.rows_imported) == (0, 0)
    assert "Aucune ligne de données sous l'en-tête : rien à importer." in rep.summary_lines()
