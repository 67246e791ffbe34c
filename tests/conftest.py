"""Shared fixtures: paths of the bundled and shared reference data, a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
ROME_DIR = SHARED / "rome-v460"
COMMUNES_FILE = SHARED / "communes" / "communes_59_62_laposte.csv"
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture
def store(tmp_path):
    from matcher.store import Store

    return Store(tmp_path / "test.sqlite3")


@pytest.fixture
def rome_dir() -> Path:
    if not ROME_DIR.is_dir():
        pytest.skip("../shared/data/rome-v460 absent (référentiel officiel non disponible ici)")
    return ROME_DIR
