"""Paths of the bundled data, resolved from the package (never from the working directory)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
REFERENTIAL_DIR = DATA_DIR / "referentiel"
# The compact official ROME shipped as the default referential (python -m matcher referential build)
ROME_DIR = DATA_DIR / "rome"
COMMUNES_DIR = DATA_DIR / "communes"
DEFAULT_DB = DATA_DIR / "matcher.sqlite3"
DB_ENV = "MATCHER_DB"
CACHE_ENV = "MATCHER_CACHE"


def cache_dir() -> Path:
    """``$MATCHER_CACHE``, else ``.cache/`` at the project's root (not committed): what is built
    from reference data (classifier artefacts, classified titles, the communes' look-ups)."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else ROOT / ".cache"


def cache_file(kind: str, salt: str, files: list[Path | str], suffix: str) -> Path:
    """``<cache_dir>/<kind>-<key><suffix>``, the key a hash of ``salt`` and of the bytes of
    ``files`` (the code that builds the file, its source data): any change of them names a new
    file, so a stale one is never read."""
    h = hashlib.sha1(salt.encode())
    for f in files:
        h.update(Path(f).read_bytes())
    return cache_dir() / f"{kind}-{h.hexdigest()[:20]}{suffix}"


def default_database() -> str:
    """The database to open: ``$MATCHER_DB`` if set (a path, ``sqlite:///PATH`` or
    ``postgresql://USER@HOST/DB``), else ``data/matcher.sqlite3`` in the project."""
    return os.environ.get(DB_ENV) or str(DEFAULT_DB)


# The official data shared by the projects of the machine (read-only, see its README): tests and
# evaluations read it from there and skip or refuse with a reason when it is absent.
SHARED_DATA_DIR = ROOT.parent / "shared" / "data"
OFFICIAL_ROME_DIR = SHARED_DATA_DIR / "rome-v460"  # the full official ROME 4.0 export, v4.60
