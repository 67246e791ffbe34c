"""Benchmark: import of 20,000 France Travail offers, as the API's JSON and as a flattened CSV.

    .venv/bin/python benchmarks/bench_import_francetravail.py [--rows 20000]

Generates, in a temporary folder, offers in the API's form ("offres d'emploi v2": nested
``lieuTravail``, ``entreprise``, lists of ``competences`` / ``permis`` / ``qualitesProfessionnelles``
with E/S), from the test corpus's templates, spread over communes of the whole country (INSEE code,
postal code, "DD - NOM" label; coordinates for half of them). Writes them as ``{"resultats": [...]}``
JSON and as the ``|`` CSV pandas ``json_normalize`` + ``to_csv`` gives, then imports each in a fresh
process (built-in communes base and referential, code check on) and prints wall time, CPU time
and peak RSS. Not part of ``make test``; the machine is shared: figures vary by 10-30 %.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMPORT = """
import resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from matcher.intake.importer import import_path
from matcher.reference.referential import builtin_referential
r = import_path(sys.argv[1], "offers", referential=builtin_referential())
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rep = r.report
print(f"{wall:.1f}|{cpu:.1f}|{rss:.0f}|{rep.rows_imported}|{len(rep.places_not_found)}|"
      f"{sum(rep.reinterpreted.values())}|{len(rep.code_checks)}")
"""


def make_offers(n: int, seed: int = 2026) -> list[dict]:
    import pandas as pd

    from matcher.reference.geo import builtin_communes
    from tests import realformats as R

    rng = random.Random(seed)
    table = builtin_communes()
    communes = table[table["how"] == "nom"].drop_duplicates("code_insee")
    picks = communes.sample(n=min(n, 3000), random_state=seed).to_dict("records")
    templates = [R.DRIVER_CE, R.DRIVER_D, R.CLEANER, R.APPRENTICE, R.SEASONAL_CORSICA]
    out = []
    for i in range(n):
        o = copy.deepcopy(templates[i % len(templates)])
        c = picks[rng.randrange(len(picks))]
        dept = c["code_insee"][:3] if c["code_insee"].startswith("97") else c["code_insee"][:2]
        place = {"libelle": f"{dept} - {c['nom']}", "commune": c["code_insee"],
                 "codePostal": c["code_postal"]}  # fmt: skip
        if i % 2:
            place["latitude"], place["longitude"] = (
                round(c["latitude"], 4),
                round(c["longitude"], 4),
            )
        o["lieuTravail"] = place
        o["id"] = f"B{i:07d}"
        o["intitule"] = f"{o['intitule']} - poste {i % 97}"
        o["description"] = f"{o.get('description', '')} Offre n° {i}."
        out.append(o)
    del pd
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    import pandas as pd

    offers = make_offers(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "API JSON (resultats)": Path(tmp) / "offres.json",
            "CSV | (json_normalize)": Path(tmp) / "offres.csv",
        }
        files["API JSON (resultats)"].write_text(
            json.dumps({"resultats": offers}, ensure_ascii=False), encoding="utf-8"
        )
        pd.json_normalize(offers).to_csv(files["CSV | (json_normalize)"], sep="|", index=False)
        print(f"{args.rows} offres France Travail ; python {sys.version.split()[0]}")
        print(
            "format | taille | temps (s) | CPU (s) | RSS max (Mo) | importées | lieux introuvables "
            "| valeurs relues | codes à vérifier"
        )
        for label, path in files.items():
            res = subprocess.run([sys.executable, "-c", IMPORT, str(path)], cwd=ROOT,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            wall, cpu, rss, n, lost, reread, checks = res.stdout.strip().splitlines()[-1].split("|")
            size = path.stat().st_size / 1024 / 1024
            print(
                f"{label} | {size:.1f} Mo | {wall} | {cpu} | {rss} | {n} | {lost} | {reread} "
                f"| {checks}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
