"""Profiles exported by les emplois de l'inclusion (its "Exporter les candidatures" workbook).

A structure (SIAE) downloads its job applications as an xlsx (older exports: CSV), one row per
application, headed "Civilité candidat", "Nom candidat", "Prénom candidat", "Email candidat",
"Téléphone candidat", "Date de naissance candidat", "Ville candidat", "Département candidat" (the
postal code), "Nom structure employeur", "Type employeur", "Métiers" (the jobs applied for, or
"Candidature spontanée"), the prescriber, dates and status of the application, and the PASS IAE.
The identifying columns are dropped by :mod:`matcher.intake.privacy` like any other; before that,
this module gives each person a pseudonymous reference (a keyed hash of name, first name and
birth date, "LE-3F9A0C21B4", stable for one database) since the export has no other identifier,
and gathers the jobs of a person's several applications on their first row: the other rows are
reported as such, not imported twice.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from matcher.intake.readers import RawTable
from matcher.text.fold import fold, fold_series

NAME = "export des candidatures des emplois de l'inclusion"
REF_LABEL = "Référence pseudonyme (les emplois)"
JOBS = "Métiers"
SPONTANEOUS = "candidature spontanee"
SIGNATURE = frozenset(
    fold(x)
    for x in (
        "Nom candidat", "Prénom candidat", "Email candidat", "Ville candidat",
        "Département candidat", "Date de naissance candidat", "Nom structure employeur",
        "Type employeur", "Métiers", "Source de la candidature", "Statut de la candidature",
        "Date de la candidature", "Motifs de refus", "Éligibilité IAE validée",
    )
)  # fmt: skip
MIN_SIGNATURE = 5
# Columns that tell one person from another (all dropped afterwards, never stored).
IDENTITY = tuple(fold(x) for x in (
    "Nom candidat", "Prénom candidat", "Date de naissance candidat", "Email candidat"))  # fmt: skip
STRUCTURE = fold("Nom structure employeur")


def recognised(labels: list[str]) -> bool:
    """The table's header is les emplois' job applications export (five of its columns)."""
    return len({fold(x) for x in labels} & SIGNATURE) >= MIN_SIGNATURE


def add_references(table: RawTable, key: bytes) -> tuple[int, dict[int, int]]:
    """Put a pseudonymous reference column first in ``table`` (rows without any identity get
    none), and the union of a person's jobs on their first row. Returns the number of people and
    the rows that repeat a person already seen (row -> first row)."""
    frame = table.frame
    by_fold = {fold(c): c for c in frame.columns}
    identity = [by_fold[k] for k in IDENTITY if k in by_fold]
    if not identity:
        return 0, {}
    folded = [fold_series(frame[c]) for c in identity]
    text = folded[0]
    for col in folded[1:]:
        text = text + "|" + col
    has = pd.concat([col != "" for col in folded], axis=1).any(axis=1)
    digests = {
        t: "LE-" + hmac.new(key, t.encode(), hashlib.sha256).hexdigest()[:10].upper()
        for t in pd.unique(text[has])
    }
    refs = text.map(digests).where(has, None)
    jobs_label = by_fold.get(fold(JOBS))
    structure_label = by_fold.get(STRUCTURE)
    person = (
        refs.fillna("")
        + "|"
        + (frame[structure_label].fillna("").astype(str) if structure_label else "")
    )
    merged: dict[int, int] = {}
    if jobs_label is not None:
        jobs = frame[jobs_label].astype("object")
        jobs = jobs.where(jobs.map(lambda v: fold(v) != SPONTANEOUS if v else False), None)
        frame[jobs_label] = jobs
        with_ref = refs.notna()
        first = pd.Series(frame.index, index=frame.index).groupby(person).transform("first")
        repeat = with_ref & (first != frame.index.to_series(index=frame.index))
        merged = {int(r): int(first[r]) for r in frame.index[repeat]}
        if merged:
            gathered = (
                jobs[with_ref].dropna().groupby(person[with_ref].loc[jobs[with_ref].dropna().index])
                .agg(lambda v: " ; ".join(dict.fromkeys(v)))
            )  # fmt: skip
            firsts = with_ref & ~repeat
            frame.loc[firsts, jobs_label] = (
                person[firsts].map(gathered).where(person[firsts].isin(gathered.index), None)
            )
    frame.insert(0, REF_LABEL, refs)
    return len(digests), merged
