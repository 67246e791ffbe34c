"""Places at import: each row's place looked up once, so that nothing is stored misread.

A code is never stored as a commune's name: a commune given only by its INSEE code, its postal
code or France Travail's "62 - BETHUNE" label gets the base's name; a postal code written in the
INSEE column (or the reverse) is moved to its own field; the INSEE code found is kept with the
row. The report counts each of these, lists the rows whose place could not be found (their
distance will be unknown), and says when the file's places are far from all the people (or
offers) already imported, which is the sign of a file from another region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.reference import geo

if TYPE_CHECKING:
    from matcher.intake.report import ImportReport

# Beyond this distance from every person (offers) or every offer (profiles), a place is "far".
FAR_KM = 80.0
FAR_LISTED = 10
R_INSEE_NAME = (
    "commune donnée par son seul code (INSEE ou postal) : nom pris dans la base des communes"
)
R_LABEL = "libellé France Travail « 62 - BETHUNE » lu comme département et commune"
R_COORDS = "coordonnées du fichier utilisées pour la distance"
R_INSEE_FOUND = "code INSEE de la commune trouvé (gardé avec la ligne)"
R_NEAREST = "nom porté par plusieurs communes : la plus proche des autres lieux retenue"
NOTES_COUNTED = (
    "code postal écrit dans la colonne du code INSEE",
    "code INSEE écrit dans la colonne du code postal",
    "code INSEE écrit à la place du nom de la commune",
)
_LOST_HOW = ""


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def resolve(
    frame: pd.DataFrame, kind: str, report: ImportReport, communes: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` with its places read (commune name, INSEE and postal codes where the file mixed
    them) and the located points (``lat``, ``lon``, ``how`` of :func:`geo.locate`)."""
    from matcher.intake.report import Finding

    table = communes if communes is not None else geo.builtin_communes()
    out = frame.copy()
    given = kind == "offers"
    loc = geo.locate(
        out[F.COMMUNE], out[F.POSTAL_CODE], table, insee=out[F.INSEE_CODE],
        lat=out[F.GIVEN_LAT] if given else None, lon=out[F.GIVEN_LON] if given else None,
    )  # fmt: skip
    commune = _text(out[F.COMMUNE])
    label = geo.split_place_label(commune)
    found = loc[geo.FOUND_NAME] != ""
    code_only = commune.eq("") | commune.str.fullmatch(r"\d{5}|2[AaBb]\d{3}")
    is_label = label["dept"].ne("")
    named = found & code_only
    out.loc[named, F.COMMUNE] = loc.loc[named, geo.FOUND_NAME]
    report.count(R_INSEE_NAME, int((named & commune.ne("") | named & commune.eq("")).sum()))
    relabel = is_label & ~code_only & found  # a place not found stays as written
    out.loc[relabel, F.COMMUNE] = loc.loc[relabel, geo.FOUND_NAME]
    report.count(R_LABEL, int(relabel.sum()))
    note = loc[geo.NOTE]
    moved_to_postal = note == NOTES_COUNTED[0]
    out.loc[moved_to_postal & out[F.POSTAL_CODE].isna(), F.POSTAL_CODE] = out.loc[
        moved_to_postal & out[F.POSTAL_CODE].isna(), F.INSEE_CODE
    ]
    moved_to_insee = note == NOTES_COUNTED[1]
    out.loc[moved_to_insee, F.POSTAL_CODE] = None
    for what in NOTES_COUNTED:
        report.count(what, int((note == what).sum()))
    report.count(
        "code INSEE corse écrit 20xxx, lu 2A/2B", int(note.str.startswith("code INSEE corse").sum())
    )
    has_insee = loc[geo.FOUND_INSEE] != ""
    before = _text(out[F.INSEE_CODE])
    out[F.INSEE_CODE] = loc[geo.FOUND_INSEE].where(has_insee, out[F.INSEE_CODE])
    out[F.INSEE_CODE] = out[F.INSEE_CODE].where(~moved_to_postal | has_insee, None)
    report.count(R_INSEE_FOUND, int((has_insee & before.eq("")).sum()))
    report.count(R_COORDS, int((loc[geo.HOW] == "coordonnées").sum()))
    report.count(R_NEAREST, int((loc[geo.HOW] == "proche").sum()))
    lost = loc["lat"].isna()
    said = commune.ne("") | _text(out[F.POSTAL_CODE]).ne("") | _text(frame[F.INSEE_CODE]).ne("")
    for i in out.index[lost]:
        place = " ".join(
            x
            for x in (commune[i], _text(frame[F.POSTAL_CODE])[i], _text(frame[F.INSEE_CODE])[i])
            if x
        )
        why = note[i] if said[i] else "aucun lieu donné"
        report.places_not_found.append(
            Finding(
                out.at[i, F.SOURCE_SHEET],
                int(out.at[i, F.SOURCE_ROW]),
                None,
                f"lieu « {place} » : {why}" if place else why,
                place or None,
            )  # fmt: skip
        )
    out = out.astype("object").where(out.notna(), None)  # one missing value: None
    return out, loc[["lat", "lon", geo.HOW]]


def report_far(
    frame: pd.DataFrame,
    points: pd.DataFrame,
    others: pd.DataFrame,
    kind: str,
    report: ImportReport,
    communes: pd.DataFrame | None,
    far_km: float = FAR_KM,
) -> None:
    """Warn when the file's places are more than ``far_km`` from every place of ``others`` (the
    people when importing offers, the offers when importing profiles)."""
    if others is None or others.empty or points["lat"].isna().all():
        return
    table = communes if communes is not None else geo.builtin_communes()
    o = others.reindex(columns=[F.COMMUNE, F.POSTAL_CODE, F.INSEE_CODE, F.GIVEN_LAT, F.GIVEN_LON])
    o = o.astype("object").where(o.notna(), "").astype(str).drop_duplicates()
    o = o.replace("", None)
    there = geo.locate(o[F.COMMUNE], o[F.POSTAL_CODE], table, insee=o[F.INSEE_CODE],
                       lat=o[F.GIVEN_LAT], lon=o[F.GIVEN_LON])  # fmt: skip
    there = there[there["lat"].notna()][["lat", "lon"]].drop_duplicates()
    if there.empty:
        return
    here = points[points["lat"].notna()]
    distinct = here[["lat", "lon"]].drop_duplicates()
    nearest = geo.haversine_matrix(distinct["lat"], distinct["lon"], there["lat"], there["lon"])
    nearest_km = pd.Series(nearest.min(axis=1), index=pd.MultiIndex.from_frame(distinct))
    d = nearest_km.reindex(pd.MultiIndex.from_frame(here[["lat", "lon"]])).to_numpy()
    far = d > far_km
    if not far.any():
        return
    noun, whom = (("offre(s)", "des personnes importées") if kind == "offers"
                  else ("personne(s)", "des offres importées"))  # fmt: skip
    rows = frame.loc[here.index[far], F.SOURCE_ROW].astype(int).tolist()
    listed = ", ".join(map(str, rows[:FAR_LISTED])) + (" …" if len(rows) > FAR_LISTED else "")
    if far.all():
        report.warnings.append(
            f"Tous les lieux de ce fichier sont à plus de {far_km:.0f} km de chacun {whom} "
            f"(au plus près : {np.nanmin(d):.0f} km) : un fichier d'une autre région ? "
            "Les distances seront grandes et les suggestions rares."
        )
    else:
        report.warnings.append(
            f"{int(far.sum())} {noun} à plus de {far_km:.0f} km de chacun {whom} (lignes {listed})."
        )
