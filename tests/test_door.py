"""One door for the files people hand in: offers, profiles, filled-in shortlists and decisions CSV
are all opened by the readers, under the same limits table and with the same French messages."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from matcher.cli import main
from matcher.errors import UserError
from matcher.export import shortlists as export
from matcher.intake.detect import OLE_MAGIC
from matcher.intake.importer import import_file
from matcher.settings import ImportLimits
from matcher.workflow import review

from .app_world import page, texts

SECRET = b"test-secret-0123456789abcdef0123"
HEADERS = ["Réf. offre", "Réf. candidat (pseudonyme)", "Structure d'accompagnement", "Décision"]
ROW_XML = (
    '<row><c t="inlineStr"><is><t>BUS-001</t></is></c><c t="inlineStr"><is><t>A1</t></is></c>'
    '<c t="inlineStr"><is><t>Retenu</t></is></c></row>'
)


def _workbook(rows: int = 3, columns: int = 4) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Suggestions"
    ws.append((HEADERS + [f"Colonne {j}" for j in range(columns)])[:columns])
    for i in range(rows):
        ws.append(
            [f"BUS-{i:03d}", f"A{i}", "EI Artois", "Retenu"][:columns] + ["x"] * (columns - 4)
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _inflating(megabytes: int) -> bytes:
    """A filled-in list whose sheet inflates to ``megabytes`` MB (rows padded with blanks, which
    XML allows and DEFLATE shrinks about a thousand times)."""
    src = zipfile.ZipFile(io.BytesIO(_workbook(0)))
    chunk = ROW_XML.encode() + b" " * (1024 * 1024 - len(ROW_XML))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info, src.read(info.filename))
                continue
            with zf.open(info.filename, "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org'
                        b'/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                for _ in range(megabytes):
                    f.write(chunk)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="session")
def inflating_list(tmp_path_factory) -> Path:
    """About 0.4 MB on disk, about 400 MB once inflated (built once per session)."""
    path = tmp_path_factory.mktemp("door") / "liste_complétée.xlsx"
    path.write_bytes(_inflating(400))
    return path


INFLATED = "classeur trop volumineux une fois décompressé (400 Mo, limite 300 Mo)"


def test_the_inflating_list_is_small_on_disk(inflating_list):
    size = inflating_list.stat().st_size
    assert 0.3e6 < size < 0.6e6
    with zipfile.ZipFile(inflating_list) as zf:
        assert sum(i.file_size for i in zf.infolist()) > 400 * 1024 * 1024


def test_import_decisions_refuses_an_inflating_list_quickly(inflating_list, tmp_path, capsys):
    start = time.monotonic()
    code = main(["import", "decisions", str(inflating_list), "--db", str(tmp_path / "m.db")])
    elapsed = time.monotonic() - start
    err = capsys.readouterr().err
    assert code == 2
    assert INFLATED in err and "liste_complétée.xlsx" in err
    assert elapsed < 10, elapsed


def test_listes_upload_refuses_an_inflating_list(dash, inflating_list):
    at = page("listes.py", dash.counsellor_a).run()
    [uploader] = at.file_uploader
    uploader.set_value(("liste.xlsx", inflating_list.read_bytes(), "application/octet-stream"))
    at.run()
    [apply] = [b for b in at.button if b.label == "Appliquer les décisions"]
    start = time.monotonic()
    apply.click().run()
    assert time.monotonic() - start < 10
    assert not at.exception
    assert INFLATED in texts(at)


# -- the same limits table for every kind of file -------------------------------------------------
Reader = Callable[[bytes, str, ImportLimits], object]
KINDS: dict[str, Reader] = {
    "offres": lambda data, name, limits: import_file(data, name, "offers", limits=limits),
    "profils": lambda data, name, limits: import_file(
        data, name, "profiles", structure="EI Artois", limits=limits
    ),
    "liste exportée": lambda data, name, limits: export.read_shortlist(data, name, SECRET, limits),
    "décisions": lambda data, name, limits: review.read_decisions_file(data, name, limits=limits),
}
CASES = {
    "size": (lambda: _workbook(), ImportLimits(max_file_mb=0.001), "fichier trop volumineux"),
    "inflated": (
        lambda: _inflating(8),
        ImportLimits(max_uncompressed_mb=5),
        "trop volumineux une fois décompressé (8 Mo, limite 5 Mo)",
    ),  # fmt: skip
    "ratio": (lambda: _inflating(8), ImportLimits(), "taux de compression anormal"),
    "entries": (lambda: _workbook(), ImportLimits(max_zip_entries=3), "archive anormale"),
    "rows": (
        lambda: _workbook(rows=60),
        ImportLimits(max_rows=10, header_search_rows=5),
        "trop de lignes, limite 10",
    ),  # fmt: skip
    "columns": (lambda: _workbook(columns=12), ImportLimits(max_columns=6), "trop de colonnes"),
    "old xls": (lambda: OLE_MAGIC + b"\0" * 600, ImportLimits(), "ancien format Excel"),
    "csv rows": (
        lambda: "\n".join(["a;b"] * 60).encode(),
        ImportLimits(max_rows=10, header_search_rows=5),
        "trop de lignes, limite 10",
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_kind_of_file_meets_the_same_limits(case):
    make, limits, expected = CASES[case]
    data = make()
    messages = {}
    for kind, read in KINDS.items():
        with pytest.raises(UserError) as exc:
            read(data, "fichier.xlsx" if not case.startswith("csv") else "fichier.csv", limits)
        messages[kind] = str(exc.value)
    assert len(set(messages.values())) == 1, messages
    assert expected in messages["offres"]
