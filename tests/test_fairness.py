"""No protected criterion enters a score: on 1,000 generated profiles, changing age, sex, name,
origin, nationality, family situation, health, disability and the commune as such (its spelling,
the neighbourhood, QPV or not) leaves every score identical, including when such mentions are
written in the free text."""

import numpy as np
import pandas as pd
import pytest

from matcher import fields as F
from matcher.devtools.synthetic import synthetic_frames
from matcher.ranking.scoring import score_pairs
from matcher.reference.referential import builtin_referential

N_OFFERS, N_PROFILES = 30, 1000

MENTIONS = [
    "52 ans, RQTH, mère isolée",
    "Mme, née le 12/03/1974",
    "nationalité marocaine, 3 enfants à charge",
    "travailleur handicapé, divorcé",
    "habite le quartier Mont-Liébaut, QPV",
    "Monsieur, 24 ans, réfugié, en couple",
    "origine algérienne, enceinte",
    "célibataire, problèmes de santé",
]


def protected_variant(profiles: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(profiles)
    out = profiles.copy()
    out["age"] = rng.integers(18, 65, n)
    out["sexe"] = rng.choice(["F", "M", "autre"], n)
    out["nom"] = rng.choice(["Martin", "Benali", "Nguyen", "Kowalski", "Diallo"], n)
    out["prenom"] = rng.choice(["Léa", "Mohamed", "Thi", "Jan", "Aminata"], n)
    out["nationalite"] = rng.choice(["française", "marocaine", "polonaise", "malienne"], n)
    out["origine"] = rng.choice(["", "Maghreb", "Afrique de l'Ouest", "Europe de l'Est"], n)
    out["situation_familiale"] = rng.choice(["célibataire", "mariée", "parent isolé"], n)
    out["sante"] = rng.choice(["", "diabète", "asthme"], n)
    out["handicap"] = rng.choice(["", "RQTH", "invalidité cat. 1"], n)
    out[F.QPV] = rng.choice(["oui", "non", "Mont-Liébaut"], n)
    # Same commune, written otherwise (upper case, no accents, hyphens as spaces).
    out[F.COMMUNE] = (
        out[F.COMMUNE].fillna("").str.normalize("NFKD").str.encode("ascii", "ignore")
        .str.decode("ascii").str.upper().str.replace("-", " ")
    )  # fmt: skip
    mention = rng.choice(MENTIONS, n)
    where = rng.random(n)
    exp = out[F.EXPERIENCE].fillna("").astype(str)
    out[F.EXPERIENCE] = np.where(where < 0.6, mention + ", " + exp, exp)
    out[F.TRAINING] = np.where(
        where >= 0.6, out[F.TRAINING].fillna("").astype(str) + ", " + mention, out[F.TRAINING]
    )
    return out


@pytest.fixture(scope="module")
def frames():
    offers, profiles, _ = synthetic_frames(builtin_referential(), N_OFFERS, N_PROFILES, seed=5)
    return offers, profiles


def test_protected_attributes_change_no_score(frames):
    offers, profiles = frames
    base = score_pairs(offers, profiles).labelled()
    changed = score_pairs(offers, protected_variant(profiles, 1)).labelled()
    key = [F.OFFER_REF, F.PROFILE_REF]
    cols = [F.SCORE, F.S_TEXT, F.S_SKILLS, F.S_OCCUPATION, F.S_COMMUTE, F.S_CONSTRAINTS]
    a = base.set_index(key)[cols].sort_index()
    b = changed.set_index(key)[cols].sort_index()
    assert len(a) > N_OFFERS * 50  # a real ranking, not an empty one
    assert a.index.equals(b.index)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def test_the_variant_really_differs(frames):
    # Guard against a test that passes because nothing was changed.
    _, profiles = frames
    variant = protected_variant(profiles, 1)
    assert (variant[F.EXPERIENCE] != profiles[F.EXPERIENCE].fillna("")).mean() > 0.5
    assert (variant[F.COMMUNE] != profiles[F.COMMUNE]).mean() > 0.5
    assert {"age", "sexe", "nom", "nationalite", "handicap"} <= set(variant.columns)


def test_distance_still_counts(frames):
    # The commute component reads the distance: moving everyone to a far commune changes it.
    offers, profiles = frames
    far = profiles.assign(**{F.COMMUNE: "Hazebrouck", F.POSTAL_CODE: "59190"})
    a = score_pairs(offers, profiles).pairs[F.S_COMMUTE]
    b = score_pairs(offers, far).pairs[F.S_COMMUTE]
    assert b.mean() < a.mean()
