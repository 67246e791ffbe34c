"""Paths of the bundled data, resolved from the package (never from the working directory)."""

from __future__ import annotations

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


def default_db_path() -> Path:
    """``$MATCHER_DB`` if set, else ``data/matcher.sqlite3`` in the project."""
    env = os.environ.get(DB_ENV)
    return Path(env) if env else DEFAULT_DB
