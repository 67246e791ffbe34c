"""End-to-end tests of the command line on the bundled sample files."""

import json
import subprocess
import sys

import openpyxl
import pytest

from matcher import fields as F
from matcher.cli import main
from matcher.workflow.service import sample_files

from .conftest import ROOT, SAMPLE_DIR

OFFERS = SAMPLE_DIR / "offres_busin_ess_2026.xlsx"


def run(*args, capsys=None):
    code = main([str(a) for a in args])
    out = capsys.readouterr() if capsys else None
    return code, out


def test_rank_jsonl_to_stdout(capsys):
    _, profiles = sample_files()
    profile_file = next(p for p in profiles if p.suffix == ".csv")
    code, out = run("rank", "--offers", OFFERS, "--profiles", profile_file, "--top", 3,
                    capsys=capsys)  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert rows, out.err
    for key in (F.OFFER_REF, F.PROFILE_REF, F.RANK, F.SCORE, *F.COMPONENTS, F.REASONS):
        assert key in rows[0]
    by_offer: dict[str, list[dict]] = {}
    for r in rows:
        by_offer.setdefault(r[F.OFFER_REF], []).append(r)
    for suggestions in by_offer.values():
        assert [s[F.RANK] for s in suggestions] == list(range(1, len(suggestions) + 1))
        assert len(suggestions) <= 3
        scores = [s[F.SCORE] for s in suggestions]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)
    assert all(r[F.OFFER_REF].startswith("BUS26-") for r in rows)
    assert "importée(s)" in out.err


def test_rank_writes_xlsx_and_csv(tmp_path, capsys):
    _, profiles = sample_files()
    profile_file = next(iter(profiles))
    xlsx = tmp_path / "out.xlsx"
    assert run("rank", "--offers", OFFERS, "--profiles", profile_file, "--out", xlsx)[0] == 0
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert "Réf. offre" in header and "Score" in header
    assert ws.max_row > 10
    csv = tmp_path / "out.csv"
    assert run("rank", "--offers", OFFERS, "--profiles", profile_file, "--out", csv)[0] == 0
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0].split(";")[0] == "Réf. offre"


def test_rank_csv_parts_make_the_file_of_the_suggestions(tmp_path, capsys, monkeypatch):
    """``rank --out x.csv`` on two processes: each part of the file is written where its
    offers were ranked; the file is, byte for byte, the suggestions of one process written
    by write_suggestions, and nothing is left beside it."""
    import dataclasses

    from matcher.export.suggestions_file import write_suggestions
    from matcher.ranking import from_files, parallel
    from matcher.settings import Settings

    if not sys.platform.startswith("linux"):
        pytest.skip("fork: Linux only (elsewhere one process writes the file)")
    # Even if earlier tests of this worker left idle threads (the dashboard's do).
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    _, profiles = sample_files()
    out = tmp_path / "out" / "suggestions.csv"
    out.parent.mkdir()
    monkeypatch.setattr(from_files, "FORK_FROM_BYTES", 0)
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    parts: list = []
    real = from_files.rank_files_rendered
    monkeypatch.setattr(from_files, "rank_files_rendered",
                        lambda *a, **k: parts.extend(real(*a, **k)) or parts)  # fmt: skip
    given = [a for p in profiles for a in ("--profiles", p)]
    code, got = run("rank", "--offers", OFFERS, *given, "--out", out, capsys=capsys)
    assert code == 0
    assert len(parts) == 2 and len({p.path.split("/")[-1].split("-")[0] for p in parts}) == 2
    monkeypatch.undo()
    one = Settings()
    one = one.replace(ranking=dataclasses.replace(one.ranking, prepare_processes=1))
    frame = from_files.rank_files([OFFERS], profiles, one)
    write_suggestions(frame, tmp_path / "one.csv", 1)
    assert out.read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert f"{len(frame)} suggestions écrites" in got.err and len(frame) > 1000
    assert [p.name for p in out.parent.iterdir()] == ["suggestions.csv"]


def test_rank_csv_that_cannot_be_written_says_why_in_french(tmp_path, capsys, monkeypatch):
    """A disk that fills up while the parts are written: a French message, exit status 2, and
    neither the file nor its parts left behind."""
    import errno

    from matcher.export import csv_file

    def full(self, frame):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(csv_file.CsvParts, "render", full)
    _, profiles = sample_files()
    out = tmp_path / "s.csv"
    code, got = run("rank", "--offers", OFFERS, "--profiles", next(iter(profiles)), "--out", out,
                    capsys=capsys)  # fmt: skip
    assert code == 2
    assert f"{out} : écriture impossible (plus de place sur le disque)" in got.err
    assert "Traceback" not in got.err and list(tmp_path.iterdir()) == []


def test_database_workflow(tmp_path, capsys):
    db = tmp_path / "m.sqlite3"
    assert run("demo", "--db", db, capsys=capsys)[0] == 0
    code, out = run("list", "offers", "--db", db, capsys=capsys)
    offers = [json.loads(x) for x in out.out.splitlines()]
    assert 100 <= len(offers) <= 140
    code, out = run("list", "suggestions", "--db", db, capsys=capsys)
    suggestions = [json.loads(x) for x in out.out.splitlines()]
    assert len(suggestions) > len(offers)
    # Re-importing the same file changes nothing.
    code, out = run("import", "offers", OFFERS, "--db", db, capsys=capsys)
    assert code == 0 and "0 nouveau(x), 0 mis à jour, 80 inchangé(s)" in out.out
    out_file = tmp_path / "liste.xlsx"
    ref = offers[0][F.OFFER_REF]
    # For a firm, only people retained by their counsellor leave by default.
    code, out = run("export", "--out", out_file, "--offer", ref, "--db", db, capsys=capsys)
    assert code == 2 and "--include-suggested" in out.err
    code, out = run("export", "--out", out_file, "--offer", ref, "--include-suggested",
                    "--db", db, capsys=capsys)  # fmt: skip
    assert code == 0
    wb = openpyxl.load_workbook(out_file)
    assert wb.sheetnames[0] == "Lisez-moi"
    rows = list(wb["Candidats"].iter_rows(min_row=2, values_only=True))
    assert rows and all(r[0] == ref for r in rows)


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "offers", "nope.xlsx"], "nope.xlsx : fichier introuvable"),
        (["rank", "--offers", "README.md", "--profiles", "README.md"],
         "colonne obligatoire introuvable"),
        # A file rank could not write is refused before anything is read or ranked.
        (["rank", "--offers", "absent.xlsx", "--profiles", "absent.csv", "--out",
          "/nonexistent-folder/s.csv"], "le dossier « /nonexistent-folder » n'existe pas"),
        (["rank", "--offers", "absent.xlsx", "--profiles", "absent.csv", "--out", "s.txt"],
         "s.txt : extension non prise en charge (attendu .xlsx, .csv ou .jsonl)"),
        (["rank", "--offers", "absent.xlsx", "--profiles", "absent.csv", "--out", "/proc/s.csv"],
         "impossible d'écrire dans le dossier « /proc » ("),
    ],
)  # fmt: skip
def test_user_errors_exit_2_in_french(tmp_path, capsys, args, message):
    code, out = run(*args, "--db", tmp_path / "x.sqlite3") if args[0] == "import" else run(*args)
    out = capsys.readouterr()
    assert code == 2
    assert message in out.err
    assert "Traceback" not in out.err


def test_module_entry_point_exit_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "matcher", "import", "offers", str(tmp_path / "absent.xlsx"),
         "--db", str(tmp_path / "db.sqlite3")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "fichier introuvable" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["rank"], "arguments obligatoires manquants : --offers, --profiles"),
        (["rank", "--offers", "a", "--profiles", "b", "--top", "x"],
         "argument --top : valeur « x » invalide (type attendu : int)"),
        (["list", "nothing"], "choix « nothing » invalide"),
    ],
)  # fmt: skip
def test_usage_errors_are_in_french(capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
