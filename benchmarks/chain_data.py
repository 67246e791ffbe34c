"""Synthetic offers and profiles files for the chain benchmarks (CSV, the columns the importer
recognises), generated once per size and seed into a cache folder (not timed).

    .venv/bin/python benchmarks/chain_data.py --offers 1000 --profiles 10000 [--rome DIR]

Texts come from the official ROME export when ``../shared/data/rome-v460`` is present (the real
vocabulary), else from the built-in referential.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROME_DIR = ROOT.parent / "shared" / "data" / "rome-v460"
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "circuit-court-bench"))


def _cell(v: object) -> object:
    return ", ".join(map(str, v)) if isinstance(v, list) else v


def referential_for_texts(rome: Path | None = None):
    """The official ROME when available (texts written from its real vocabulary), else the
    built-in referential; and its name."""
    from matcher.reference.referential import builtin_referential, load_rome_dir

    rome = rome or ROME_DIR
    if (rome / "unix_referentiel_code_rome_v460_utf8.csv").exists() or any(rome.glob("unix_*")):
        return load_rome_dir(rome), "rome-v460"
    return builtin_referential(), "builtin"


def chain_files(n_offers: int, n_profiles: int, seed: int = 7) -> tuple[Path, Path]:
    """(offers.csv, profiles.csv) for this size, generated on first use."""
    folder = CACHE / f"{n_offers}x{n_profiles}-s{seed}"
    offers, profiles = folder / "offres.csv", folder / "profils.csv"
    if offers.exists() and profiles.exists():
        return offers, profiles
    from matcher.devtools.synthetic import synthetic_frames

    folder.mkdir(parents=True, exist_ok=True)
    ref, _ = referential_for_texts()
    o, p, _ = synthetic_frames(ref, n_offers, n_profiles, seed)
    for frame, path in ((o, offers), (p, profiles)):
        tmp = path.with_suffix(".tmp")
        frame.map(_cell).to_csv(tmp, index=False)
        tmp.replace(path)
    return offers, profiles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=1000)
    parser.add_argument("--profiles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for path in chain_files(args.offers, args.profiles, args.seed):
        print(path)


if __name__ == "__main__":
    main()
