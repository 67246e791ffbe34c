"""The compact copy of the official ROME 4.0 shipped with the product (``data/rome/``).

``python -m matcher referential build DIR --out data/rome`` reads France Travail's official
export (the ``unix_*_utf8.csv`` files of one version, see :func:`load_rome_dir`) and writes what
the matcher reads from it, as gzipped CSV files (a few MB in all, written byte for byte the same
from the same export):

=================  ====================================================================
codes.csv.gz       code, label, domain, sector (label of the professional domain), parent
titles.csv.gz      code, title (long and short forms of every appellation, and the label)
items.csv.gz       item, skill, kind (savoir-faire / savoir): each skill or knowledge once
links.csv.gz       code, item, core (1 for a core skill of the code)
close.csv.gz       code, close_code (the official mobility links)
texts.csv.gz       code, text (definition and access conditions)
source.txt         "ROME 4.0 v4.60": the version, shown by ``referential info``
LISEZMOI.md        licence and attribution, and the command that built the files
=================  ====================================================================

Licence Ouverte / Open Licence 2.0 (Etalab); attribution "France Travail, ROME 4.0 v4.60".
"""

from __future__ import annotations

import gzip
import io
import logging
from pathlib import Path

import pandas as pd

from matcher.errors import UserError
from matcher.reference.referential import (
    CLOSE_CODE,
    CODE,
    CORE,
    DOMAIN,
    KIND,
    LABEL,
    PARENT,
    SECTOR,
    SKILL,
    TEXT,
    TITLE,
    Referential,
    load_rome_dir,
)

log = logging.getLogger(__name__)

FILES = ("codes", "titles", "items", "links", "close", "texts")
ITEM = "item"

README = """# ROME 4.0 (copie compacte)

Ces fichiers sont une copie compacte du **Répertoire Opérationnel des Métiers et des Emplois
(ROME 4.0)** publié par France Travail, version {version}.

- Licence : **Licence Ouverte / Open Licence 2.0** (Etalab),
  https://www.etalab.gouv.fr/licence-ouverte-open-licence
- Attribution : **« France Travail, {source_fr} »**
- Modifications : seules les colonnes utiles au rapprochement sont gardées (codes, libellés,
  code parent, appellations, compétences et savoirs liés à chaque code avec l'indicateur
  « cœur de métier », liens de mobilité, textes de définition et d'accès) ; les apostrophes et
  points de suspension typographiques sont ramenés à ' et ... ; les fichiers sont compressés
  (gzip).

Reconstruits depuis l'export officiel (fichiers `unix_*_utf8.csv`) par :

    python -m matcher referential build DOSSIER_DE_L_EXPORT --out data/rome

Le référentiel intégré de `data/referentiel/` (travail de l'équipe) s'applique par-dessus :
ses libellés, appellations, compétences types et métiers proches.
"""


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    """Gzipped UTF-8 CSV with a fixed header time (mtime=0): the same frame gives the same
    bytes, so a rebuild from the same export leaves git with nothing to commit."""
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(data)


def _read_csv_gz(path: Path) -> pd.DataFrame:
    with gzip.open(path, "rb") as fh:
        return pd.read_csv(io.BytesIO(fh.read()), dtype=str, keep_default_na=False)


def write_pack(referential: Referential, out: str | Path) -> dict[str, int]:
    """Write ``referential`` (normally :func:`load_rome_dir` of an official export) in the
    compact form; returns the number of rows of each file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    r = referential
    codes = r.codes[[CODE, LABEL, DOMAIN, SECTOR]].copy()
    codes[PARENT] = r.codes[PARENT] if PARENT in r.codes else r.codes[CODE]
    codes = codes.sort_values(CODE, ignore_index=True)
    titles = r.titles[[CODE, TITLE]].drop_duplicates().sort_values([CODE, TITLE])
    skills = r.skills.copy()
    if KIND not in skills:
        skills[KIND] = "savoir-faire"
    # Each item's text once: the same skill is linked to many codes.
    items = skills[[SKILL, KIND]].drop_duplicates(SKILL).sort_values(SKILL, ignore_index=True)
    items.insert(0, ITEM, range(1, len(items) + 1))
    ids = dict(zip(items[SKILL], items[ITEM], strict=True))
    links = pd.DataFrame({
        CODE: skills[CODE].to_numpy(),
        ITEM: skills[SKILL].map(ids).to_numpy(),
        CORE: skills[CORE].astype(bool).astype(int).to_numpy(),
    }).drop_duplicates([CODE, ITEM]).sort_values([CODE, ITEM])  # fmt: skip
    close = r.close[[CODE, CLOSE_CODE]].drop_duplicates().sort_values([CODE, CLOSE_CODE])
    texts = r.texts[[CODE, TEXT]].sort_values(CODE)
    frames = {"codes": codes, "titles": titles, "items": items, "links": links,
              "close": close, "texts": texts}  # fmt: skip
    for name, frame in frames.items():
        _write_csv_gz(frame, out / f"{name}.csv.gz")
    (out / "source.txt").write_text(r.source + "\n", encoding="utf-8")
    version = r.source.rsplit("v", 1)[-1]
    (out / "LISEZMOI.md").write_text(
        README.format(version=version, source_fr=r.source), encoding="utf-8"
    )
    counts = {name: len(frame) for name, frame in frames.items()}
    log.info("%s written to %s: %s", r.source, out, counts)
    return counts


def build_pack(rome_dir: str | Path, out: str | Path) -> tuple[Referential, dict[str, int]]:
    """Read the official export in ``rome_dir`` and write its compact copy to ``out``."""
    referential = load_rome_dir(rome_dir)
    return referential, write_pack(referential, out)


def read_pack(directory: str | Path) -> Referential:
    """The referential of a compact copy written by :func:`write_pack`."""
    d = Path(directory)
    missing = [f"{n}.csv.gz" for n in FILES if not (d / f"{n}.csv.gz").is_file()]
    if missing or not (d / "source.txt").is_file():
        raise UserError(
            f"{d} : copie du ROME incomplète ({', '.join(missing) or 'source.txt'} manquant) ; "
            "la reconstruire avec python -m matcher referential build DOSSIER --out " + str(d)
        )
    f = {n: _read_csv_gz(d / f"{n}.csv.gz") for n in FILES}
    items = f["items"].set_index(ITEM)
    links = f["links"]
    skills = pd.DataFrame({
        CODE: links[CODE].to_numpy(),
        SKILL: links[ITEM].map(items[SKILL]).to_numpy(),
        CORE: (links[CORE] == "1").to_numpy(),
        KIND: links[ITEM].map(items[KIND]).to_numpy(),
    })  # fmt: skip
    source = (d / "source.txt").read_text(encoding="utf-8").strip()
    return Referential(
        codes=f["codes"],
        titles=f["titles"],
        skills=skills,
        close=f["close"],
        source=source,
        texts=f["texts"],
    )
