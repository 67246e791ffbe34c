"""Offer identity and duplicates inside a file (all sheets together) or against the offers
already stored: exact duplicates and reused references rejected, offers without reference
given one from their identity, look-alikes kept and reported."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.intake.report import Finding, ImportReport, Kind
from matcher.text.fold import fold

_GENDER_MARK = re.compile(r"\(?\b[hf]\s*/\s*[hf]\b\)?|\(?\b[hf]\s*-\s*[hf]\b\)?", re.I)
_SHORT_NUMERIC_REF = re.compile(r"\d{1,4}")  # a row number, not a reference


def _key_part(series: pd.Series) -> pd.Series:
    text = series.astype("object").where(series.notna(), "").astype(str)
    folded = {v: fold(_GENDER_MARK.sub(" ", v)) for v in pd.unique(text)}
    return text.map(folded)


def offer_identity(frame: pd.DataFrame) -> pd.Series:
    """Identity of offers without a reference: employer + title + commune, folded (case,
    accents, punctuation and "H/F" ignored)."""
    return (
        _key_part(frame[F.EMPLOYER])
        + "|"
        + _key_part(frame[F.TITLE])
        + "|"
        + _key_part(frame[F.COMMUNE])
    )


def _hash_ref(keys: pd.Series) -> pd.Series:
    return "OFF-" + keys.map(lambda k: hashlib.sha1(k.encode()).hexdigest()[:10].upper())


def check_duplicates(
    frame: pd.DataFrame, kind: Kind, report: ImportReport, existing: pd.DataFrame | None
) -> pd.DataFrame:
    """References of offers, and duplicates inside the file (all sheets together):

    - the same row twice (every field equal): the second is rejected;
    - profiles: the same identifier twice with other content: the second is rejected;
    - offers with a reference used twice for different offers: the second is rejected;
    - offers without reference sharing employer + title + commune but differing otherwise: both
      kept as distinct offers (the second gets "-2"), and reported;
    - offers looking like an offer already stored under another reference: kept, reported."""
    if frame.empty:
        return frame.drop(columns=["_content"], errors="ignore")
    frame = frame.copy()
    if kind == "profiles":
        keys = frame[F.STRUCTURE].astype(str) + "|" + frame[F.PROFILE_REF].astype(str)
    else:
        offer = _offer_keys(frame, report)
        keys = offer.keys
    # The same row twice.
    full = keys + "|" + frame["_content"]
    exact = full.duplicated(keep="first")
    first_full = _first_of(full)
    _reject(
        frame,
        report,
        exact,
        lambda i: (
            f"doublon exact de la {_location(frame, i, first_full[full[i]])} : ligne non importée"
        ),
    )
    first_key = _first_of(keys[~exact])
    same_key = keys.duplicated(keep="first") & ~exact
    if kind == "profiles":
        _reject(
            frame,
            report,
            same_key,
            lambda i: (
                f"identifiant « {frame.at[i, F.PROFILE_REF]} » déjà présent "
                f"({_location(frame, i, first_key[keys[i]])}) avec d'autres informations : ligne non importée, "
                "corrigez l'un des deux"
            ),
        )
        rejected = exact | same_key
        return frame[~rejected].drop(columns=["_content"])
    by_ref = keys.str.startswith(("ref|", "num|"))
    _reject(
        frame,
        report,
        same_key & by_ref,
        lambda i: (
            f"référence « {frame.at[i, F.OFFER_REF]} » déjà utilisée "
            f"({_location(frame, i, first_key[keys[i]])}) pour une autre offre : ligne non importée"
        ),
    )
    rejected = exact | (same_key & by_ref)
    _give_references(frame, offer, rejected, report)
    if existing is not None and not existing.empty:
        _report_existing(frame[~rejected], offer.identity[~rejected], existing, report)
    return frame[~rejected].drop(columns=["_content"])


@dataclass
class _OfferKeys:
    """How the offers of a file are told apart."""

    keys: pd.Series  # "ref|…" given reference, "num|employer|…" short number, "id|…" identity
    given: pd.Series  # a reference is given
    short: pd.Series  # ... but it is a short number (a row number, not a reference)
    ref_text: pd.Series  # the reference as written
    employer: pd.Series  # the employer's key part
    identity: pd.Series  # employer + title + commune, folded


def _offer_keys(frame: pd.DataFrame, report: ImportReport) -> _OfferKeys:
    given = frame[F.OFFER_REF].notna()
    ref_text = frame[F.OFFER_REF].map(lambda v: str(v).strip() if v is not None else "")
    short = given & ref_text.str.fullmatch(_SHORT_NUMERIC_REF.pattern)
    employer_key = _key_part(frame[F.EMPLOYER])
    identity = offer_identity(frame)
    keys = ("ref|" + ref_text).where(given & ~short, "num|" + employer_key + "|" + ref_text)
    keys = keys.where(given, "id|" + identity)
    if short.any():
        report.warnings.append(
            "Références courtes purement numériques (1, 2, 3...) : combinées au nom de "
            "l'entreprise, pour ne pas confondre les offres de deux entreprises."
        )
    return _OfferKeys(keys, given, short, ref_text, employer_key, identity)


def _give_references(
    frame: pd.DataFrame, offer: _OfferKeys, rejected: pd.Series, report: ImportReport
) -> None:
    """References: given; short numbers scoped by employer; else generated from the identity,
    numbered in file order when one identity holds several different offers (reported)."""
    given, identity = offer.given, offer.identity
    kept_id = ~given & ~rejected
    occurrence = frame[kept_id].groupby(identity[kept_id], sort=False).cumcount() + 1
    occurrence = occurrence.reindex(frame.index, fill_value=1)
    suffix = occurrence.map(lambda n: "" if n == 1 else f"-{n}")
    refs = offer.ref_text.where(
        given & ~offer.short, _hash_ref("num|" + offer.employer + "|" + offer.ref_text)
    )
    frame[F.OFFER_REF] = refs.where(given, _hash_ref(identity) + suffix)
    first_id = _first_of(identity[kept_id])
    for i in frame.index[kept_id & (occurrence > 1)]:
        report.duplicates.append(
            Finding.of_row(
                frame,
                i,
                f"même entreprise, intitulé et commune que la {_location(frame, i, first_id[identity[i]])}, "
                f"mais pas le même contenu : importée comme une offre distincte (réf. "
                f"{frame.at[i, F.OFFER_REF]}) ; ajoutez une colonne référence pour les distinguer "
                "sûrement",
            )
        )


def _first_of(keys: pd.Series) -> dict:
    """Key -> index of its first row."""
    first = keys[~keys.duplicated()]
    return dict(zip(first.tolist(), first.index.tolist(), strict=True))


def _location(frame: pd.DataFrame, i, first: int) -> str:
    """Where the first row is, said from row ``i``: "ligne 4", or with its sheet if another."""
    row = int(frame.at[first, F.SOURCE_ROW])
    sheet = frame.at[first, F.SOURCE_SHEET]
    if sheet != frame.at[i, F.SOURCE_SHEET]:
        return f"feuille « {sheet} », ligne {row}"
    return f"ligne {row}"


def _reject(frame: pd.DataFrame, report: ImportReport, mask: pd.Series, reason) -> None:
    for i in frame.index[mask]:
        report.rejections.append(Finding.of_row(frame, i, reason(i)))


def _report_existing(
    frame: pd.DataFrame, identity: pd.Series, existing: pd.DataFrame, report: ImportReport
) -> None:
    """Offers that look like an offer already stored under another reference (the same offer
    sent by two coordinators, or another offer of the same firm): kept, and reported so that a
    person decides; the report says whether contract and hours are the same."""
    if not {F.EMPLOYER, F.TITLE, F.COMMUNE, F.OFFER_REF} <= set(existing.columns):
        return
    keys = offer_identity(existing)
    stored = existing.assign(_key=keys.to_numpy()).drop_duplicates("_key").set_index("_key")
    for i, key in identity.items():
        if key not in stored.index or not key.strip("|"):
            continue
        other = stored.loc[key]
        if other[F.OFFER_REF] == frame.at[i, F.OFFER_REF]:
            continue  # the same reference: an update of that offer
        same = all(
            _as_text(other.get(c)) == _as_text(frame.at[i, c])
            for c in (F.CONTRACT_TYPE, F.WEEKLY_HOURS)
        )
        verdict = (
            "même contrat et même durée : sans doute la même offre, envoyée deux fois"
            if same
            else "contrat ou durée différents : sans doute une autre offre"
        )
        report.duplicates.append(
            Finding.of_row(
                frame,
                i,
                f"même entreprise, intitulé et commune que l'offre « {other[F.OFFER_REF]} » déjà "
                f"enregistrée ({verdict}) : importée sous la référence {frame.at[i, F.OFFER_REF]}, "
                "à vérifier",
            )
        )


def content_keys(out: pd.DataFrame, fields) -> pd.Series:
    """One hash per row of the canonical values (as text; a missing value is ""): equal rows,
    equal keys. Each column is hashed by pandas in C and the columns' hashes are combined."""
    if out.empty:
        return pd.Series([], dtype=object, index=out.index)
    combined = np.zeros(len(out), dtype=np.uint64)
    for f in fields:
        values = out[f].to_numpy(dtype=object)
        if set(map(type, values)) - {str, type(None)}:  # lists, numbers, dates: as text
            values = np.array([_as_text(v) for v in values], dtype=object)
        else:
            values = np.where(pd.isna(values), "", values)
        # The multiplier spreads each column's hash before the next is mixed in, so that the
        # same values in other columns give another key (as pandas combines hashes).
        combined = combined * np.uint64(1_000_003) ^ pd.util.hash_array(values)
    return pd.Series(combined.astype(str), index=out.index, dtype=object)


def _as_text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, list):
        return "\x1e".join(map(str, v))
    return str(v)
