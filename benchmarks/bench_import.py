"""Benchmark: import of a 50,000-row offers workbook (time and peak memory).

    .venv/bin/python benchmarks/bench_import.py [--rows 50000] [--store] [--refusal]

Generates, in a temporary folder, an offers workbook the way Excel writes it (shared strings,
date cells) and the same rows as openpyxl writes them (inline strings, a larger XML), then imports
each in a fresh process and prints the wall time, CPU time, peak RSS (``ru_maxrss``) and, in a
second run, the peak of Python allocations (``tracemalloc``, which slows the run down, so its
time is not the one reported). ``--store`` also saves the offers into a fresh SQLite store;
``--refusal`` times the refusal of a sheet larger than the row limit. Not part of ``make test``.
The machine is shared: figures vary by 10-30 % between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.intake.grid import column_letter  # noqa: E402  (after the path is set)

HEADER = ["Réf.", "Entreprise", "Intitulé du poste", "Descriptif", "Compétences recherchées",
          "Ville", "CP", "QPV", "Type de contrat", "Durée hebdo", "Horaires", "Permis",
          "Date de début", "Nb de postes", "Expérience", "Code ROME", "Contact"]  # fmt: skip
JOBS = ["Agent d'entretien H/F", "Cariste", "Aide à domicile", "Maçon", "Commis de cuisine",
        "Préparateur de commandes", "Agent de sécurité", "Vendeur", "Ouvrier paysagiste",
        "Chauffeur livreur", "Plombier", "Électricien", "Serveur", "Plongeur", "Manutentionnaire"]  # fmt: skip
TOWNS = [("Béthune", 62400), ("Bruay-la-Buissière", 62700), ("Lillers", 62190), ("Lens", 62300),
         ("Nœux-les-Mines", 62290), ("Auchel", 62260), ("Houdain", 62150), ("Isbergues", 62330)]  # fmt: skip
SKILLS = ["nettoyage des sols", "CACES R489 cat. 3", "préparation de commandes", "HACCP",
          "accueil de la clientèle", "entretien des espaces verts", "port de charges",
          "travail en équipe", "lecture de plans", "conduite de transpalette", "caisse"]  # fmt: skip
CONTRACTS = ["CDI", "CDD 6 mois", "CDDI", "Intérim", "Alternance", "contrat PEC", "CDD"]
HOURS = ["35h", "24 h/sem", "temps plein", "mi-temps", 35, 26, "20 à 26h", "39h"]
LICENCES = ["B", "Non", "pas nécessaire", "Permis B exigé", None, "C"]
DATES = ["dès que possible", "01/12/2026", "début janvier", "janv. 2027", "15/12/26", None]


def rows(n: int, seed: int = 2026):
    rng = random.Random(seed)
    for i in range(n):
        job = rng.choice(JOBS)
        town, cp = rng.choice(TOWNS)
        employer = f"Entreprise {rng.randrange(2000):04d}"
        start = rng.choice(DATES + [dt.date(2026, 11, 1) + dt.timedelta(days=rng.randrange(200))])
        yield [
            f"BUS-{i:06d}", employer, job,
            f"{employer} recherche un(e) {job.lower()} à {town}. " + " ".join(rng.sample(SKILLS, 3)),
            "; ".join(rng.sample(SKILLS, rng.randrange(2, 6))),
            town, cp if rng.random() < 0.6 else str(cp), rng.choice(["oui", "non", None, "Mont-Liébaut"]),
            rng.choice(CONTRACTS), rng.choice(HOURS), rng.choice(["journée", "week-ends", "nuit", None]),
            rng.choice(LICENCES), start, rng.choice([1, 2, "2 postes", 3]),
            rng.choice(["débutant accepté", "1 an", "2 ans minimum"]),
            rng.choice(["K2204", "N1103", None, None]), "Service RH – 03 21 xx xx xx",
        ]  # fmt: skip


def write_excel_like(path: Path, n: int) -> None:
    """Shared strings and a date style, as Excel writes its files."""
    strings: dict[str, int] = {}

    def sid(text: str) -> int:
        return strings.setdefault(text, len(strings))

    out = []
    for r, values in enumerate([HEADER, *rows(n)], start=1):
        cells = []
        for j, v in enumerate(values):
            ref = f"{column_letter(j)}{r}"
            if v is None:
                continue
            if isinstance(v, dt.date):
                serial = (v - dt.date(1899, 12, 30)).days
                cells.append(f'<c r="{ref}" s="1"><v>{serial}</v></c>')
            elif isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{sid(v)}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns} {rel}>'
        f'<dimension ref="A1:Q{n + 1}"/><sheetData>{"".join(out)}</sheetData></worksheet>'
    )
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    )
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override '
        'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    files = {
        "[Content_Types].xml": ct,
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets><sheet name="Offres" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": sst,
    }  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def write_openpyxl(path: Path, n: int) -> None:
    """The same rows written by openpyxl (inline strings: a larger sheet XML)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Offres")
    ws.append(HEADER)
    for values in rows(n):
        ws.append(values)
    wb.save(path)


def child(path: str, mode: str, max_rows: int | None) -> None:
    """Run one import in this (fresh) process and print its figures as JSON."""
    import tracemalloc

    from matcher.errors import UserError
    from matcher.intake.importer import import_file
    from matcher.settings import ImportLimits

    data = Path(path).read_bytes()
    limits = ImportLimits(max_rows=max_rows) if max_rows else ImportLimits()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "tracemalloc":
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    figures: dict = {}
    try:
        res = import_file(data, Path(path).name, "offers", limits=limits)
        figures.update(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0)
        figures.update(rows=res.report.rows_read, imported=res.report.rows_imported,
                       rejected=res.report.rows_rejected, flags=len(res.report.flags))  # fmt: skip
        if mode == "store":
            from matcher.store.database import Store

            with tempfile.TemporaryDirectory() as tmp:
                t1 = time.perf_counter()
                counts = Store(Path(tmp) / "b.sqlite3").save_offers(res.frame, res.report)
                figures.update(store_s=time.perf_counter() - t1, stored=counts["created"])
    except UserError as exc:
        figures["refused"] = str(exc)
        figures.update(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0)
    if mode == "tracemalloc":
        figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures.update(rss_before_mb=rss0 / 1024, peak_rss_mb=rss / 1024)
    print(json.dumps(figures))


def run_child(path: Path, mode: str, max_rows: int | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", str(path), "--mode", mode]
    if max_rows:
        cmd += ["--max-rows", str(max_rows)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--rows", type=int, default=50_000)
    p.add_argument("--store", action="store_true", help="also save into a fresh SQLite store")
    p.add_argument("--refusal", action="store_true", help="time the refusal of a too-large sheet")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--mode", default="time", help=argparse.SUPPRESS)
    p.add_argument("--max-rows", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.mode, args.max_rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "Excel-like (shared strings)": Path(tmp) / "offres_excel.xlsx",
            "openpyxl (inline strings)": Path(tmp) / "offres_openpyxl.xlsx",
        }
        t = time.perf_counter()
        write_excel_like(files["Excel-like (shared strings)"], args.rows)
        write_openpyxl(files["openpyxl (inline strings)"], args.rows)
        print(f"{args.rows} rows generated in {time.perf_counter() - t:.1f} s (not counted)")
        for label, path in files.items():
            with zipfile.ZipFile(path) as zf:
                xml_mb = sum(i.file_size for i in zf.infolist()) / 1e6
            timed = run_child(path, "store" if args.store else "time")
            traced = run_child(path, "tracemalloc")
            print(f"\n{label}: file {path.stat().st_size / 1e6:.1f} MB, {xml_mb:.0f} MB of XML")
            print(f"  rows read {timed['rows']}, imported {timed['imported']}, rejected "
                  f"{timed['rejected']}, values flagged {timed['flags']}")  # fmt: skip
            print(f"  import: {timed['wall_s']:.1f} s wall, {timed['cpu_s']:.1f} s CPU")
            print(f"  peak RSS {timed['peak_rss_mb']:.0f} MB (process before import "
                  f"{timed['rss_before_mb']:.0f} MB); tracemalloc peak "
                  f"{traced['tracemalloc_peak_mb']:.0f} MB")  # fmt: skip
            if args.store:
                print(
                    f"  + store.save_offers: {timed['store_s']:.1f} s for {timed['stored']} offers"
                )
        if args.refusal:
            limit = args.rows // 5
            r = run_child(files["Excel-like (shared strings)"], "time", max_rows=limit)
            print(f"\nrefusal with max_rows={limit}: {r['wall_s']:.2f} s wall, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB\n  « {r.get('refused')} »")  # fmt: skip
    print("\n(shared machine: figures vary by 10-30 % between runs)")


if __name__ == "__main__":
    main()
