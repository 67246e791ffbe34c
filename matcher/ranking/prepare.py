"""Prepare: canonical offers / profiles -> frames with the derived columns the features read.

normalised text, skill lists, occupation codes (given or classified, with confidence),
coordinates, schedule flags, mobility radius. Input frames are never modified.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.features.skills import key_lists
from matcher.features.text import OFFER_TEXT_FIELDS, PROFILE_TEXT_FIELDS
from matcher.intake import parsing
from matcher.reference.geo import locate
from matcher.reference.referential import (
    CODE,
    CONFIDENCE,
    Referential,
    close_codes,
    fold_codes,
)
from matcher.reference.title_results import classify_in_context, classify_titles
from matcher.settings import Settings
from matcher.text.fold import fold_series
from matcher.text.normalise import (
    abbreviations,
    join_text,
    normalise_columns,
    split_skills,
    split_titles,
    stop_words,
)

log = logging.getLogger(__name__)

RADIUS_KM = F.RADIUS_KM
# What a title is classified with when it is unsure alone: the offer's text, the person's.
OFFER_CONTEXT_FIELDS = [F.DESCRIPTION, F.SKILLS]
PROFILE_CONTEXT_FIELDS = [F.SKILLS, F.EXPERIENCE]
MEANS = F.MEANS


def warm_up(referential: Referential) -> None:
    """Load what preparing reads (the title classifier, the word lists), so that it is loaded
    once before :mod:`matcher.ranking.parallel` forks, not once in each process."""
    _ = referential.classifier, referential.close_of, referential.label_by_code
    stop_words()
    abbreviations()


def _ensure(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        if c not in out:
            out[c] = None
    return out


def _listify(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v if isinstance(v, list) else [])


def _occupations(
    given: pd.Series,
    titles: pd.Series,
    referential: Referential,
    min_confidence: float,
    contexts: pd.Series | None = None,
    context_below: float = 0.0,
) -> pd.DataFrame:
    """Codes per row: the codes given in the file win (confidence 1); else each title of the cell
    (several allowed: "cariste ; magasinier") is classified and its code kept when its
    confidence reaches ``min_confidence``. Below it the row has no code (the UI says "métier
    non reconnu") and ``occ_confidence`` keeps the best confidence seen.

    ``contexts`` (the offer's description and skills, or the person's skills and experience;
    same index as ``titles``): a title whose confidence without context is under
    ``context_below`` is classified again with its row's context as evidence ("Soigneur",
    "Technicien": the missions or the skills say which job), and that result replaces the
    first. Titles are classified without context first because those
    results are shared by every row and every run (reference/title_results.py); only the few
    unsure ones pay for a classification of their own."""
    given_codes = fold_codes(given)
    known = referential.label_by_code
    given_codes = given_codes.map(lambda cs: [c for c in cs if c in known] or cs)
    title_lists = split_titles(titles)
    flat = title_lists.explode().dropna()
    codes = pd.Series([[] for _ in range(len(titles))], index=titles.index, dtype=object)
    conf = pd.Series(0.0, index=titles.index)
    if len(flat):
        # Each distinct title is classified once (many people write the same few titles).
        flat = flat.astype(str)
        distinct = pd.Series(pd.unique(flat))
        by_title = classify_distinct(referential, distinct).set_index(distinct)
        result = pd.DataFrame(
            {
                CODE: flat.map(by_title[CODE]).to_numpy(),
                CONFIDENCE: flat.map(by_title[CONFIDENCE]).to_numpy(),
            },
            index=flat.index,
        )
        if contexts is not None and context_below > 0:
            result = _with_context(result, flat, contexts, referential, context_below)
        ok = result[(result[CONFIDENCE] >= min_confidence) & result[CODE].notna()]
        if len(ok):
            # Codes of each row in order of appearance, without repeats.
            firsts = ok.rename_axis("_row").reset_index().drop_duplicates(["_row", CODE])
            lists = _runs(firsts["_row"].to_numpy(), firsts[CODE].to_numpy())
            codes.loc[lists.index] = lists
            conf.loc[lists.index] = ok.groupby(level=0)[CONFIDENCE].max().loc[lists.index]
        best_any = result.groupby(level=0)[CONFIDENCE].max()
        conf = conf.where(conf > 0, best_any.reindex(conf.index).fillna(0.0))
    has_given = given_codes.map(len) > 0
    out = pd.DataFrame(index=titles.index)
    out[F.OCC_CODES] = given_codes.where(has_given, codes)
    out[F.OCC_CONFIDENCE] = conf.where(~has_given, 1.0)
    labels = referential.label_by_code
    out[F.OCC_LABEL] = [labels.get(cs[0]) if cs else None for cs in out[F.OCC_CODES]]
    # Close jobs once per distinct list of codes (a few thousand lists for 500,000 people);
    # each row gets its own copy of its list.
    lists, distinct = pd.factorize(out[F.OCC_CODES].map(tuple))
    close = close_codes(referential, pd.Series([list(d) for d in distinct], dtype=object))
    table = close.to_numpy(dtype=object)
    out[F.OCC_CLOSE] = pd.Series([list(table[i]) for i in lists], index=out.index, dtype=object)
    out[F.OCC_SOURCE] = np.select(
        [has_given.to_numpy(), (out[F.OCC_CODES].map(len) > 0).to_numpy()], ["fichier", "titre"], ""
    )
    return out


def _runs(rows: np.ndarray, values: np.ndarray) -> pd.Series:
    """The values of each row as a list, indexed by row, for ``rows`` in contiguous runs (as
    ``explode`` leaves them): ``groupby(sort=False).agg(list)`` without a Python call per
    group (seconds for 100,000 people)."""
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    return pd.Series(
        [values[s:e].tolist() for s, e in zip(starts, ends, strict=True)],
        index=rows[starts],
        dtype=object,
    )


def _with_context(
    result: pd.DataFrame,
    flat: pd.Series,
    contexts: pd.Series,
    referential: Referential,
    below: float,
) -> pd.DataFrame:
    """``result`` (code and confidence of each title part, indexed by row) with the parts
    under ``below`` classified again with their row's context, when the row has one."""
    ctx = contexts.reindex(flat.index)
    ctx = ctx.astype("object").where(ctx.notna(), "").astype(str).str.strip().to_numpy()
    redo = (result[CONFIDENCE].to_numpy(float) < below) & (ctx != "")
    if not redo.any():
        return result
    again = classify_in_context(
        referential.classifier,
        pd.Series(flat.to_numpy()[redo], dtype=object),
        pd.Series(ctx[redo], dtype=object),
    )
    out = result.copy()
    out.loc[redo, CODE] = again[CODE].to_numpy()
    out.loc[redo, CONFIDENCE] = again[CONFIDENCE].to_numpy(float)
    log.info("titles: %d unsure parts classified again with their context", int(redo.sum()))
    return out


def classify_distinct(referential: Referential, titles: pd.Series) -> pd.DataFrame:
    """``referential.classifier.classify(titles)`` (same rows, same order), each title reduced
    first to the parts the classifier reads (its main key and second job, without context):
    titles written differently but with the same parts ("Agent(e) d'entretien H/F", "agent
    d'entretien") are classified once, and parts classified by an earlier run of the same
    classifier are read back (:mod:`matcher.reference.title_results`). Tested equal to
    classifying every title."""
    return classify_titles(referential.classifier, titles)


def skill_lists(series: pd.Series) -> pd.Series:
    """Skills of each row: a list (read from a structured cell, one skill per element, never cut
    at its commas) kept as it is, without repeats; text split by :func:`split_skills`."""
    is_list = series.map(lambda v: isinstance(v, list))
    if not is_list.any():
        return split_skills(series)
    out = split_skills(series.where(~is_list, None))
    out[is_list] = series[is_list].map(
        lambda v: list(dict.fromkeys(str(x).strip() for x in v if str(x).strip()))
    )
    return out


def skill_vocab(prepared: pd.DataFrame, referential: Referential) -> pd.Series:
    """Vocabulary ids of each skill of prepared offers or profiles (see matcher.text.vocabulary),
    aligned with their ``skill_list``. Not computed by ``prepare_*``: no score reads it (the
    skills component compares the skills themselves), and it costs about a second per 10,000
    profiles."""
    return referential.skill_vocabulary.link_lists(prepared[F.SKILL_LIST])


def _flags(text: pd.Series) -> pd.DataFrame:
    flags = parsing.schedule_flags(text)
    return flags.rename(
        columns={"nights": F.NIGHTS, "weekends": F.WEEKENDS, "split_shifts": F.SPLIT_SHIFTS}
    )


def prepare_offers(
    offers: pd.DataFrame, referential: Referential, communes: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """Offers with text, skills, occupation, coordinates and schedule flags."""
    out = _ensure(offers, F.OFFER_FIELDS).reset_index(drop=True)
    out[F.SKILL_LIST] = skill_lists(out[F.SKILLS])
    out[F.SKILL_KEYS] = key_lists(out[F.SKILL_LIST])
    out[F.TEXT_NORM] = normalise_columns(out, OFFER_TEXT_FIELDS)
    r = settings.ranking
    occ = _occupations(
        out[F.ROME_CODE],
        out[F.TITLE],
        referential,
        r.occupation_min_confidence,
        contexts=join_text(out, OFFER_CONTEXT_FIELDS),
        context_below=r.title_context_below,
    )
    out = pd.concat([out, occ, _flags(out[F.SCHEDULE])], axis=1)
    loc = locate(out[F.COMMUNE], out[F.POSTAL_CODE], communes, insee=out[F.INSEE_CODE],
                 lat=out[F.GIVEN_LAT], lon=out[F.GIVEN_LON])  # fmt: skip
    out[F.LAT], out[F.LON] = loc["lat"], loc["lon"]
    for col in (F.LICENCE_REQUIRED, F.LICENCE_DESIRED, F.CONTRACT_TYPE):
        out[col] = _listify(out[col])
    return out


def _means(transport: pd.Series, mobility: pd.Series, licence: pd.Series) -> pd.Series:
    """Means of transport from the transport and mobility cells: "voiture" when a vehicle is
    mentioned, "transports en commun", "deux-roues", else ""."""
    text = (
        transport.astype("object").where(transport.notna(), "").astype(str)
        + " "
        + mobility.astype("object").where(mobility.notna(), "").astype(str)
    )
    t = fold_series(text, punctuation=True)
    car = t.str.contains(r"voiture|vehicule|vl\b|auto\b|permis b \+|vehicule", regex=True)
    no_car = t.str.contains(
        r"sans vehicule|pas de vehicule|pas de voiture|sans voiture", regex=True
    )
    bus = t.str.contains(r"bus|transports? en commun|tc\b|train|ter\b|tram|pied", regex=True)
    two = t.str.contains(r"velo|scooter|moto|deux roues|2 roues|trottinette", regex=True)
    means = np.select(
        [car & ~no_car, two, bus], ["voiture", "deux-roues", "transports en commun"], default=""
    )
    return pd.Series(means, index=transport.index)


def prepare_profiles(
    profiles: pd.DataFrame, referential: Referential, communes: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """Profiles with text, skills (skills + training), occupation, coordinates, schedule flags,
    means of transport and mobility radius."""
    out = _ensure(profiles, F.PROFILE_FIELDS).reset_index(drop=True)
    skills = split_skills(out[F.SKILLS])
    training = split_skills(out[F.TRAINING])
    out[F.SKILL_LIST] = [list(dict.fromkeys(a + b)) for a, b in zip(skills, training, strict=True)]
    out[F.SKILL_KEYS] = key_lists(out[F.SKILL_LIST])
    out[F.TEXT_NORM] = normalise_columns(out, PROFILE_TEXT_FIELDS)
    occ = _occupations(
        out[F.ROME_CODES],
        out[F.TARGET_JOBS],
        referential,
        settings.ranking.occupation_min_confidence,
        contexts=join_text(out, PROFILE_CONTEXT_FIELDS),
        context_below=settings.ranking.profile_title_context_below,
    )
    out = pd.concat([out, occ, _flags(out[F.AVAILABILITY])], axis=1)
    loc = locate(out[F.COMMUNE], out[F.POSTAL_CODE], communes, insee=out[F.INSEE_CODE])
    out[F.LAT], out[F.LON] = loc["lat"], loc["lon"]
    for col in (F.LICENCE, F.CONTRACT_TYPES):
        out[col] = _listify(out[col])
    out[MEANS] = _means(out[F.TRANSPORT], out[F.MOBILITY_KM].astype("object"), out[F.LICENCE])
    km = pd.to_numeric(out[F.MOBILITY_KM], errors="coerce")
    r = settings.ranking
    default = np.where(
        out[MEANS] == "transports en commun", r.public_transport_radius_km, r.default_radius_km
    )
    out[RADIUS_KM] = km.where(km.notna() & (km > 0), default)
    return out
