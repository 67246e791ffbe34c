"""The score explained in counsellors' words: each part's weight and its points out of 100.

The total of :func:`matcher.ranking.scoring.total_score` is a weighted mean of four components
(text, skills, occupation, commute) times a reach factor (commute) times a constraint factor.
Spread over 100 points, that is:

- métier, compétences, description, trajet: each earns ``weight x component x 100`` points
  (the weight is its share of the score, the component how well the pair does on it);
- trajet also loses points when the place of work is beyond the person's mobility radius
  (the reach factor), conditions lose points for each broken constraint (contract, hours,
  schedule, availability) whose policy is to lower the score.

The parts are rounded so that they add up to the displayed score, and the displayed score is
:func:`score_points` of the stored score everywhere (cards, tables, exports), so a counsellor
never sees two numbers for one pair.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.features.commute import reach_factor
from matcher.settings import Settings

OCCUPATION, SKILLS, TEXT, COMMUTE, CONDITIONS = (
    "occupation", "skills", "text", "commute", "conditions",
)  # fmt: skip
# Parts in the order counsellors read them, with their words.
PART_LABELS: dict[str, str] = {
    OCCUPATION: "Métier",
    SKILLS: "Compétences",
    COMMUTE: "Trajet",
    TEXT: "Description",
    CONDITIONS: "Conditions",
}
PART_HELP: dict[str, str] = {
    OCCUPATION: "le métier visé par la personne comparé à celui du poste",
    SKILLS: "les compétences demandées que la personne possède",
    COMMUTE: "la distance comparée au rayon de mobilité de la personne",
    TEXT: "les mots communs à l'offre et au profil (intitulés, descriptions)",
    CONDITIONS: "contrat, durée, horaires, date de disponibilité",
}
COMPONENT_OF = {OCCUPATION: F.S_OCCUPATION, SKILLS: F.S_SKILLS, COMMUTE: F.S_COMMUTE,
                TEXT: F.S_TEXT}  # fmt: skip
# Column names of :func:`explain_frame` (points of each part), for tables and exports.
POINTS_COLUMN = {k: f"points_{k}" for k in PART_LABELS}


@dataclass(frozen=True)
class Part:
    """One part of a score. ``weight`` is its share of the score (None for conditions, which
    only lower it); ``value`` how well the pair does on it (0 to 1, None when unknown);
    ``points`` what it adds to the score out of 100 (negative for a loss); ``max_points`` the
    most it can add."""

    key: str
    label: str
    weight: float | None
    value: float | None
    points: int
    max_points: int
    loss: int = 0  # points lost by this part (reach for trajet, constraints for conditions)

    @property
    def text(self) -> str:
        """« 27 pts sur 30 » ; « −9 pts » ; « 0 pt (poids 0 %) »."""
        if self.key == CONDITIONS:
            return "respectées" if self.points == 0 else f"{_signed(self.points)} pts"
        if self.max_points == 0 and self.loss == 0:
            return "non compté (poids 0 %)"
        text = f"{_signed(self.points)} pts sur {self.max_points}"
        if self.loss:
            text += f" (dont −{self.loss} hors rayon)"
        return text


@dataclass(frozen=True)
class Explanation:
    score: int  # points out of 100: the number shown everywhere
    parts: tuple[Part, ...]

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)


def _signed(n: int) -> str:
    return f"−{-n}" if n < 0 else str(n)


def score_points(score: Any) -> int:
    """The score as shown to people: whole points out of 100 (0.575 -> 58; missing -> 0).
    Rounded half up, the same in every page and file."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        return 0
    if math.isnan(value):
        return 0
    # Rounded to 6 decimals first, so that 0.575 (57.4999... in binary) shows 58.
    return math.floor(round(min(max(value, 0.0), 1.0) * 100, 6) + 0.5)


def score_points_series(scores: pd.Series) -> pd.Series:
    """:func:`score_points` over a column (vectorised)."""
    values = pd.to_numeric(scores, errors="coerce").fillna(0.0).clip(0.0, 1.0).to_numpy(float)
    return pd.Series(np.floor(np.round(values * 100, 6) + 0.5).astype(int), index=scores.index)


def weights(settings: Settings) -> dict[str, float]:
    """Each additive part's share of the score (normalised to sum to 1, as the ranking does)."""
    w = settings.weights
    raw = {TEXT: w.text, SKILLS: w.skills, OCCUPATION: w.occupation, COMMUTE: w.commute}
    raw = {k: max(float(v), 0.0) for k, v in raw.items()}
    total = sum(raw.values())
    return {k: (v / total if total > 0 else 0.25) for k, v in raw.items()}


def _raw_parts(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Unrounded points (floats) per part, one row per pair: additive gains, the reach loss
    (counted in trajet) and the constraint loss (conditions)."""
    w = weights(settings)
    unknown = settings.ranking.unknown_score
    out = pd.DataFrame(index=frame.index)
    base = np.zeros(len(frame))
    for key, column in COMPONENT_OF.items():
        values = pd.to_numeric(frame.get(column, np.nan), errors="coerce")
        values = np.nan_to_num(np.asarray(values, dtype=float), nan=unknown)
        gain = w[key] * values
        out[key] = gain * 100
        base = base + gain
    commute = pd.to_numeric(frame.get(F.S_COMMUTE, np.nan), errors="coerce")
    reach = reach_factor(np.asarray(commute, dtype=float), settings)
    constraints = pd.to_numeric(frame.get(F.S_CONSTRAINTS, np.nan), errors="coerce")
    constraints = np.nan_to_num(np.asarray(constraints, dtype=float), nan=1.0)
    out["reach_loss"] = -base * (1.0 - reach) * 100
    out[CONDITIONS] = -base * reach * (1.0 - constraints) * 100
    return out


def _round_to(values: np.ndarray, total: int) -> np.ndarray:
    """Integers close to ``values`` that add up to ``total`` (largest remainders)."""
    floors = np.floor(values)
    missing = int(total - floors.sum())
    order = np.argsort(-(values - floors), kind="stable")
    out = floors.copy()
    if missing > 0:
        out[order[:missing]] += 1
    elif missing < 0:
        out[order[::-1][:-missing]] -= 1
    return out.astype(int)


def explain(rec: Mapping[str, Any], settings: Settings) -> Explanation:
    """One suggestion's score in parts (métier, compétences, trajet, description, conditions),
    each with its weight and points out of 100; the points add up to :func:`score_points` of
    the stored score."""
    frame = pd.DataFrame([{c: rec.get(c) for c in (*COMPONENT_OF.values(), F.S_CONSTRAINTS)}])
    raw = _raw_parts(frame, settings).iloc[0]
    score = score_points(rec.get(F.SCORE))
    w = weights(settings)
    keys = [OCCUPATION, SKILLS, TEXT, COMMUTE, "reach_loss", CONDITIONS]
    values = np.array([float(raw[k]) for k in keys])
    computed = values.sum()
    if computed > 0 and abs(computed - score) > 0.5:
        # The stored score came from other settings (changed since): the parts are scaled to
        # it, so the parts always add up to the number shown.
        values = values * (score / computed)
    rounded = dict(zip(keys, _round_to(values, score), strict=True))
    parts = []
    for key in PART_LABELS:
        if key == CONDITIONS:
            parts.append(Part(key, PART_LABELS[key], None, None, int(rounded[key]), 0))
            continue
        value = rec.get(COMPONENT_OF[key])
        value = None if value is None or _nan(value) else float(value)
        points = int(rounded[key])
        loss = 0
        if key == COMMUTE:
            loss = -int(rounded["reach_loss"])
            points -= loss
        parts.append(Part(key, PART_LABELS[key], w[key], value, points, round(w[key] * 100), loss))
    return Explanation(score, tuple(parts))


def _nan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def explain_frame(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Points of each part for every row of ``frame`` (suggestions with their components), as
    columns ``points_<part>`` plus ``points`` (the score shown): for tables and exports.
    Rounded per row so that the parts add up to the score, like :func:`explain`."""
    if frame.empty:
        return pd.DataFrame(columns=["points", *POINTS_COLUMN.values()], index=frame.index)
    raw = _raw_parts(frame, settings)
    scores = score_points_series(frame[F.SCORE]).to_numpy()
    keys = [OCCUPATION, SKILLS, TEXT, COMMUTE, "reach_loss", CONDITIONS]
    values = raw[keys].to_numpy(float)
    computed = values.sum(axis=1)
    off = (computed > 0) & (np.abs(computed - scores) > 0.5)
    values[off] = values[off] * (scores[off] / computed[off])[:, None]
    # Largest remainders per row (a loop over displayed rows only, never over all pairs).
    rounded = np.vstack([_round_to(v, int(s)) for v, s in zip(values, scores, strict=True)])
    out = pd.DataFrame(index=frame.index)
    out["points"] = scores
    for i, key in enumerate(keys):
        if key == "reach_loss":
            continue
        out[POINTS_COLUMN[key]] = rounded[:, i]
    out[POINTS_COLUMN[COMMUTE]] = out[POINTS_COLUMN[COMMUTE]] + rounded[:, keys.index("reach_loss")]
    return out


# Reasons: strengths and warnings are told apart (a warning starts with « Attention » or says
# that something is unknown or to be checked).
WARNING_MARKS = ("attention", "à vérifier", "inconnue", "aucune des", "hors rayon")


def is_warning(reason: str) -> bool:
    """True when a reason sentence is a warning rather than a strength."""
    text = str(reason).strip().lower()
    return any(mark in text for mark in WARNING_MARKS)


def split_reasons(reasons: Any) -> tuple[list[str], list[str]]:
    """(strengths, warnings) of a suggestion's reasons; the « Attention : » prefix is dropped
    from warnings, which are shown apart."""
    items = [str(r) for r in reasons] if isinstance(reasons, (list, tuple, np.ndarray)) else []
    strengths = [r for r in items if not is_warning(r)]
    warnings = [r.removeprefix("Attention : ") for r in items if is_warning(r)]
    return strengths, warnings


__all__ = [
    "PART_LABELS",
    "Explanation",
    "Part",
    "explain",
    "explain_frame",
    "is_warning",
    "score_points",
    "score_points_series",
    "split_reasons",
]
