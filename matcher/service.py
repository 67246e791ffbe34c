"""Workflows over the store, shared by the CLI and the dashboard: import a file, run the
matching, load the demo data. Each is one library call; the faces only talk to people."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from matcher.geo import active_communes
from matcher.importer import ImportResult, Kind, import_file
from matcher.paths import SAMPLE_DIR
from matcher.ranking import rank
from matcher.referential import active_referential
from matcher.settings import Settings
from matcher.store import Store

log = logging.getLogger(__name__)


@dataclass
class StoredImport:
    result: ImportResult
    counts: dict[str, int]


def import_into_store(
    store: Store,
    data: bytes,
    name: str,
    kind: Kind,
    *,
    settings: Settings | None = None,
    structure: str | None = None,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
    user: str | None = None,
) -> StoredImport:
    """Import one file into the store (one transaction); remembered mappings are applied and,
    when the user gave overrides, remembered for the next file with the same header."""
    settings = settings or Settings()
    result = import_file(
        data,
        name,
        kind,
        structure=structure,
        sheet=sheet,
        overrides=overrides,
        remembered=store.remembered_mappings(kind),
        limits=settings.import_limits,
    )
    if kind == "offers":
        counts = store.save_offers(result.frame, result.report, user)
    else:
        counts = store.save_profiles(result.frame, result.report, user)
    if overrides:
        for signature in result.report.header_signatures:
            store.remember_mapping(kind, signature, result.report.mapping)
    return StoredImport(result, counts)


def run_matching(store: Store, settings: Settings | None = None) -> pd.DataFrame:
    """Rank every open offer against every profile and store the suggestions (decisions kept).
    Uses the referential and communes loaded in the store, else the built-in ones."""
    settings = settings or Settings()
    offers = store.offers()
    profiles = store.profiles()
    suggestions = rank(
        offers,
        profiles,
        settings,
        referential=active_referential(store),
        communes=active_communes(store),
    )
    store.save_suggestions(suggestions, settings.to_dict())
    log.info("matching: %d offers, %d profiles, %d suggestions",
             len(offers), len(profiles), len(suggestions))  # fmt: skip
    return suggestions


SAMPLE_MANIFEST = "structures.csv"  # fichier,structure: who sent which profiles file


def sample_files(sample_dir: Path = SAMPLE_DIR) -> tuple[list[Path], dict[Path, str]]:
    """The bundled sample files: (offers files, {profiles file: structure})."""
    manifest = pd.read_csv(sample_dir / SAMPLE_MANIFEST, dtype=str)
    profiles = {
        sample_dir / f: s for f, s in zip(manifest["fichier"], manifest["structure"], strict=True)
    }
    offers = sorted(p for p in sample_dir.glob("offres*") if p.suffix.lower() in (".xlsx", ".csv"))
    return offers, profiles


def load_demo(store: Store, settings: Settings | None = None) -> list[StoredImport]:
    """Import the bundled sample data and run the matching."""
    offers, profiles = sample_files()
    done = [
        import_into_store(store, p.read_bytes(), p.name, "offers", settings=settings)
        for p in offers
    ]
    done += [
        import_into_store(
            store, p.read_bytes(), p.name, "profiles", settings=settings, structure=structure
        )
        for p, structure in profiles.items()
    ]
    run_matching(store, settings)
    return done


def is_empty(store: Store) -> bool:
    counts = store.counts()
    return counts["offers"] == 0 and counts["profiles"] == 0


__all__ = ["import_into_store", "load_demo", "run_matching", "sample_files"]
