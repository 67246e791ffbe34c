"""Table-driven tests of each score component on tiny hand-made inputs."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from matcher import fields as F
from matcher.features import commute, constraints, occupation, skills
from matcher.reference.referential import Referential


@pytest.mark.parametrize(
    "distance_km, radius, expected",
    [(0.0, 10.0, 1.0), (5.0, 10.0, 1.0), (7.5, 10.0, 0.5), (10.0, 10.0, 0.0), (20.0, 10.0, 0.0)],
)
def test_commute_score(distance_km, radius, expected):
    # Points on the same meridian: 1 degree of latitude is 111.195 km.
    lat2 = 50.0 + distance_km / 111.19492664
    score, d = commute.commute_score(
        np.array([50.0]),
        np.array([2.6]),
        np.array([lat2]),
        np.array([2.6]),
        np.array([radius]),
        full_share=0.5,
    )
    assert d[0] == pytest.approx(distance_km, abs=1e-3)
    assert score[0] == pytest.approx(expected, abs=1e-3)


def test_commute_unknown_place_is_nan():
    score, d = commute.commute_score(
        np.array([np.nan]),
        np.array([np.nan]),
        np.array([50.0]),
        np.array([2.6]),
        np.array([10.0]),
        full_share=0.5,
    )
    assert np.isnan(score[0]) and np.isnan(d[0])


def _ref():
    codes = pd.DataFrame(
        {
            "code": ["K2204", "K2205", "K2303", "N1103"],
            "label": ["a", "b", "c", "d"],
            "domain": ["K22", "K22", "K23", "N11"],
            "sector": ["", "", "", ""],
        }
    )
    close = pd.DataFrame({"code": ["K2204"], "close_code": ["K2303"]})
    empty = pd.DataFrame(columns=["code", "title"])
    return Referential(codes, empty, pd.DataFrame(columns=["code", "skill", "core"]), close)


@pytest.mark.parametrize(
    "offer_codes, profile_codes, expected, kind",
    [
        (["K2204"], ["K2204"], 1.0, 4),
        (["K2204"], ["N1103", "K2204"], 1.0, 4),
        (["K2204"], ["K2303"], 0.6, 2),
        (["K2303"], ["K2204"], 0.6, 2),  # close links are symmetric
        (["K2204"], ["K2205"], 0.3, 1),
        (["K2204"], ["N1103"], 0.0, 0),
        ([], ["N1103"], np.nan, -1),
        (["K2204"], [], np.nan, -1),
    ],
)
def test_occupation_score(offer_codes, profile_codes, expected, kind):
    score, k = occupation.occupation_score(
        pd.Series([offer_codes]),
        pd.Series([profile_codes]),
        np.array([0]),
        np.array([0]),
        _ref(),
        close_score=0.6,
        domain_score=0.3,
        family_score=0.45,
    )
    assert k[0] == kind
    if np.isnan(expected):
        assert np.isnan(score[0])
    else:
        assert score[0] == pytest.approx(expected)


def _family_ref():
    """K2201 is the parent of K2202 (no mobility link) and of K2203 (also a mobility link);
    K2202 and K2203 are siblings."""
    codes = pd.DataFrame({"code": ["K2201", "K2202", "K2203", "N1103"],
                          "label": ["a", "b", "c", "d"], "domain": ["K22", "K22", "K22", "N11"],
                          "sector": [""] * 4, "parent": ["K2201", "K2201", "K2201", ""]})  # fmt: skip
    close = pd.DataFrame({"code": ["K2201"], "close_code": ["K2203"]})
    empty = pd.DataFrame(columns=["code", "title"])
    return Referential(codes, empty, pd.DataFrame(columns=["code", "skill", "core"]), close)


@pytest.mark.parametrize(
    "offer_codes, profile_codes, family_score, expected, kind",
    [
        (["K2201"], ["K2202"], 0.45, 0.45, occupation.FAMILY),  # parent / child
        (["K2202"], ["K2203"], 0.45, 0.45, occupation.FAMILY),  # siblings
        (["K2201"], ["K2203"], 0.45, 0.6, occupation.CLOSE),  # the mobility link wins
        (["K2203"], ["K2201"], 0.45, 0.6, occupation.CLOSE),  # both ways
        # two codes on one side: the best-scoring link, whatever the kind's number
        (["K2201"], ["K2202", "K2203"], 0.45, 0.6, occupation.CLOSE),
        (["K2201"], ["K2202", "K2203"], 0.8, 0.8, occupation.FAMILY),
        (["K2202"], ["N1103"], 0.45, 0.0, occupation.NONE),
    ],
)
def test_family_links_and_the_best_link(offer_codes, profile_codes, family_score, expected, kind):
    ref = _family_ref()
    score, k = occupation.occupation_score(
        pd.Series([offer_codes]), pd.Series([profile_codes]), np.array([0]), np.array([0]), ref,
        close_score=0.6, domain_score=0.3, family_score=family_score,
    )  # fmt: skip
    assert k[0] == kind
    assert score[0] == pytest.approx(expected)
    if len(profile_codes) == 1:
        assert occupation.link_kind(offer_codes[0], profile_codes[0], ref) == kind


def test_skill_coverage_fuzzy_and_weighted():
    offers = pd.Series([["Utiliser une autolaveuse", "Nettoyage des sols", "Lavage des vitres"],
                        []])  # fmt: skip
    profiles = pd.Series([["utilisation autolaveuse", "nettoyage sols"], ["repassage"]])
    idx = skills.build_index(skills.offer_side(offers, threshold=70.0), profiles)
    cov = skills.coverage(idx, np.array([0, 0, 1]), np.array([0, 1, 0]))
    assert cov[0] == pytest.approx(2 / 3)
    assert cov[1] == 0.0
    assert np.isnan(cov[2])  # the offer lists no skill: unknown, not zero
    matched, missing = skills.matched_and_missing(idx, np.array([0]), np.array([0]))
    assert sorted(matched[0]) == ["Nettoyage des sols", "Utiliser une autolaveuse"]
    assert missing[0] == ["Lavage des vitres"]


def test_core_skills_weigh_more():
    offers = pd.Series([["Conduite chariot élévateur", "Rangement", "Inventaire"]])
    profiles = pd.Series([["conduite chariot elevateur"]])
    core = pd.DataFrame({"code": ["N1101"], "skill": ["Conduite de chariot élévateur"]})
    idx = skills.build_index(
        skills.offer_side(offers, 80.0, core, 2.0, pd.Series([["N1101"]])), profiles
    )
    assert skills.coverage(idx, np.array([0]), np.array([0]))[0] == pytest.approx(2 / 4)
    # The same skill is not core for an offer of another job.
    idx = skills.build_index(
        skills.offer_side(offers, 80.0, core, 2.0, pd.Series([["K2204"]])), profiles
    )
    assert skills.coverage(idx, np.array([0]), np.array([0]))[0] == pytest.approx(1 / 3)


def _frames(**overrides):
    offers = pd.DataFrame({F.LICENCE_REQUIRED: [[]], F.CONTRACT_TYPE: [[]],
                           F.WEEKLY_HOURS: [None], F.NIGHTS: [None], F.WEEKENDS: [None],
                           F.SPLIT_SHIFTS: [None], F.START_DATE: [None]})  # fmt: skip
    profiles = pd.DataFrame({F.LICENCE: [[]], F.CONTRACT_TYPES: [[]], F.WANTED_HOURS: [None],
                             F.NIGHTS: [None], F.WEEKENDS: [None], F.SPLIT_SHIFTS: [None],
                             F.AVAILABLE_FROM: [None]})  # fmt: skip
    for key, value in overrides.items():
        side, col = key.split("__")
        (offers if side == "o" else profiles)[col] = [value]
    return offers, profiles


@pytest.mark.parametrize(
    "overrides, broken",
    [
        ({}, None),
        ({"o__licence_required": ["B"], "p__licence": []}, "licence"),
        ({"o__licence_required": ["B"], "p__licence": ["en cours"]}, "licence"),
        ({"o__licence_required": ["B"], "p__licence": ["B"]}, None),
        ({"o__licence_required": ["B"], "p__licence": ["C"]}, None),
        ({"o__contract_type": ["CDI"], "p__contract_types": ["CDD"]}, "contract"),
        ({"o__contract_type": ["CDI"], "p__contract_types": ["CDD", "CDI"]}, None),
        ({"o__weekly_hours": 35.0, "p__wanted_hours": 20.0}, "hours"),
        ({"o__weekly_hours": 24.0, "p__wanted_hours": 26.0}, None),
        ({"o__weekends": True, "p__weekends": False}, "schedule"),
        ({"o__weekends": True, "p__weekends": None}, None),
        (
            {"o__start_date": dt.date(2026, 12, 1), "p__available_from": dt.date(2027, 2, 1)},
            "availability",
        ),
        ({"o__start_date": dt.date(2026, 12, 1), "p__available_from": dt.date(2026, 12, 10)}, None),
    ],
)
def test_constraints(overrides, broken):
    offers, profiles = _frames(**overrides)
    out = constraints.broken_constraints(offers, profiles, np.array([0]), np.array([0]))
    assert [c for c in constraints.CHECKS if out.at[0, c]] == ([broken] if broken else [])


def test_constraint_rows_read_once_give_each_pair_its_checks():
    """The rows' values read once from whole frames (what the blocks of a ranking share) give
    every pair the checks of its own two rows: the same as each pair checked alone."""
    rng = np.random.default_rng(3)
    licences = [[], ["B"], ["C"], ["CE"], ["en cours"], ["B", "C"]]
    contracts = [[], ["CDI"], ["CDD"], ["CDD", "CDI"], ["intérim"]]
    flags = [True, False, None]
    day = dt.date(2026, 12, 1)
    n_o, n_p = 12, 30

    def pick(values, n):
        return [values[i] for i in rng.integers(0, len(values), n)]

    offers = pd.DataFrame({
        F.LICENCE_REQUIRED: pick(licences, n_o), F.CONTRACT_TYPE: pick(contracts, n_o),
        F.WEEKLY_HOURS: pick([35.0, 20.0, None], n_o), F.NIGHTS: pick(flags, n_o),
        F.WEEKENDS: pick(flags, n_o), F.SPLIT_SHIFTS: pick(flags, n_o),
        F.START_DATE: pick([day, day + dt.timedelta(days=40), None], n_o),
    })  # fmt: skip
    profiles = pd.DataFrame({
        F.LICENCE: pick(licences, n_p), F.CONTRACT_TYPES: pick(contracts, n_p),
        F.WANTED_HOURS: pick([35.0, 24.0, None], n_p), F.NIGHTS: pick(flags, n_p),
        F.WEEKENDS: pick(flags, n_p), F.SPLIT_SHIFTS: pick(flags, n_p),
        F.AVAILABLE_FROM: pick([day, day + dt.timedelta(days=60), None], n_p),
        F.RADIUS_KM: rng.uniform(5, 30, n_p),
    })  # fmt: skip
    o_pos, p_pos = rng.integers(0, n_o, 200), rng.integers(0, n_p, 200)
    distance = rng.uniform(0, 50, 200)
    got = constraints.broken_pairs(constraints.offer_rows(offers),
                                   constraints.profile_rows(profiles), o_pos, p_pos, distance)  # fmt: skip
    for i, (o, p) in enumerate(zip(o_pos, p_pos, strict=True)):
        alone = constraints.broken_constraints(offers.iloc[[o]], profiles.iloc[[p]], np.array([0]),
                                               np.array([0]), distance[[i]])  # fmt: skip
        assert got.iloc[i].to_dict() == alone.iloc[0].to_dict()
    assert got.to_numpy().any(axis=0).all()  # every check is broken by some pair


def _cos(xo, xp, i, j):
    return float(xo[i].multiply(xp[j]).sum())


def test_text_cosine_words_and_title_characters():
    from matcher.features import text

    offers = pd.Series(["preparateur commande entrepot caces", "agent proprete bureau"])
    profiles = pd.Series(["logistique magasin", "cuisinier restauration",
                          "agent proprete bureau"])  # fmt: skip
    titles_o = pd.Series(["preparateur de commandes", "agent de proprete"])
    titles_p = pd.Series(["preparatrise de comandes", "cuisinier", "agent de proprete"])
    xo, xp = text.vectorise(offers, profiles, titles_o, titles_p, char_weight=0.4,
                            max_df=1.0, max_df_min_docs=0)  # fmt: skip
    assert _cos(xo, xp, 1, 2) == pytest.approx(1.0)  # same words, same title
    assert _cos(xo, xp, 0, 1) == pytest.approx(0.0)  # nothing in common
    # No word in common, but the title written with typos shares character n-grams: the title
    # block (weight 0.4) alone, its n-grams seen once dropped, the rest alike.
    assert _cos(xo, xp, 0, 0) == pytest.approx(0.4, abs=0.01)
    words_only = text.vectorise(offers, profiles, max_df=1.0, max_df_min_docs=0)
    assert _cos(*words_only, 0, 0) == pytest.approx(0.0)


def test_text_drops_terms_in_too_many_documents():
    from matcher.features import text

    offers = pd.Series(["agent rare1"] * 1 + ["agent"] * 9)
    profiles = pd.Series(["agent rare1"])
    xo, xp = text.vectorise(offers, profiles, char_weight=0.0, max_df=0.5, max_df_min_docs=0)
    # "agent" is in every document: dropped; the match rests on the rare word alone.
    assert _cos(xo, xp, 0, 0) == pytest.approx(1.0)
    assert _cos(xo, xp, 1, 0) == pytest.approx(0.0)


@pytest.mark.parametrize("shape", [(0, 5), (3, 0), (1, 1), (7, 13), (40, 1001), (5, 8)])
@pytest.mark.parametrize("cutoff", [1, 80, 255])
def test_fuzzy_scores_at_least_the_cutoff_are_found_as_numpy_finds_them(shape, cutoff):
    from matcher.features.skills import at_least

    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    scores = np.zeros(shape, np.uint8)
    if scores.size:  # sparse scores, as cdist leaves them, some under the cutoff
        at = rng.integers(0, scores.size, size=max(scores.size // 50, 3))
        scores.flat[at] = rng.integers(1, 256, size=len(at))
    want = np.nonzero(scores >= cutoff)
    got = at_least(scores, cutoff)
    assert [g.tolist() for g in got] == [w.tolist() for w in want]


def test_skill_keys_computed_while_preparing_give_the_same_index():
    offers = pd.Series([["Utiliser une autolaveuse", "Nettoyage des vitres", 7], [], None,
                        ["Conduite de chariot", "Maîtrise de l'autolaveuse"]])  # fmt: skip
    profiles = pd.Series([["autolaveuse", "conduite chariot élévateur"], ["savoir"], [],
                          ["Nettoyage vitres", "utiliser", "autolaveuse"]])  # fmt: skip
    keys = skills.key_lists(profiles)
    assert keys.index.equals(profiles.index)
    assert [len(k) for k in keys] == [2, 1, 0, 3]
    assert keys[0] == list(skills.skill_keys(pd.Series(profiles[0])))
    assert keys[3][2] == keys[0][0] == "autolaveur"  # "utiliser" is a generic word
    plain = skills.build_index(skills.offer_side(offers, 80.0), profiles)
    given = skills.build_index(
        skills.offer_side(offers, 80.0, offer_keys=skills.key_lists(offers)), profiles, keys
    )
    assert plain.offer_vocab == given.offer_vocab and plain.profile_vocab == given.profile_vocab
    for name in ("offer_skills", "profile_skills", "offer_order"):
        a, b = getattr(plain, name), getattr(given, name)
        assert (a != b).nnz == 0, name
    assert plain.profile_sorted.tolist() == given.profile_sorted.tolist()
    with pytest.raises(ValueError, match="aligned"):
        skills.build_index(
            skills.offer_side(offers, 80.0), profiles, keys.iloc[::-1].reset_index(drop=True)
        )


def test_the_offers_half_computed_first_gives_the_same_index():
    offers = pd.Series([["Utiliser une autolaveuse", "Nettoyage des vitres"], [],
                        ["Conduite de chariot", "Maîtrise de l'autolaveuse"]])  # fmt: skip
    codes = pd.Series([["K2204"], [], []])  # the third offer has no code: any core skill
    profiles = pd.Series([["autolaveuse"], ["nettoyage vitres", "chariot"]])
    core = pd.DataFrame({"code": ["K2204", "N1101"],
                         "skill": ["Utiliser une autolaveuse", "Conduite de chariot"]})  # fmt: skip
    args = (80.0, core, 2.0, codes)
    plain = skills.build_index(skills.offer_side(offers, *args), profiles)
    # As the early half is computed (matcher/ranking/scoring.py, offer_skill_side): with the
    # keys the prepared offers hold.
    side = skills.offer_side(offers, *args, offer_keys=skills.key_lists(offers))
    given = skills.build_index(side, profiles)
    assert plain.offer_vocab == given.offer_vocab and plain.profile_vocab == given.profile_vocab
    for name in ("offer_skills", "profile_skills", "offer_order"):
        a, b = getattr(plain, name), getattr(given, name)
        assert (a != b).nnz == 0, name
    # The core weights are in the half computed first: 2 for a core skill of the offer's job.
    weights = dict(zip(side.vocab, side.skills.toarray()[0], strict=True))
    assert sorted(w for w in weights.values() if w) == [1.0, 2.0]


def test_core_table_is_the_core_keys_and_codes_and_is_read_back(tmp_path, monkeypatch):
    from matcher.paths import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    core = pd.DataFrame({"code": ["K2204", "N1101", "K2204", "N1101"],
                         "skill": ["Utiliser une autolaveuse", "Conduite de chariot élévateur",
                                   "savoir", "Conduite de chariot élévateur"]})  # fmt: skip
    keys = list(skills.skill_keys(core["skill"]))
    key_vocab = sorted(set(keys))

    def check(table):
        assert table.key_vocab == key_vocab
        assert table.key_sorted == [" ".join(sorted(k.split())) for k in key_vocab]
        assert table.codes == ["K2204", "N1101"]
        # Each code's keys, the duplicated row once.
        got = {c: sorted(table.key_vocab[j] for j in table.code_keys[i].indices)
               for i, c in enumerate(table.codes)}  # fmt: skip
        assert got == {"K2204": sorted({keys[0], keys[2]}), "N1101": [keys[1]]}

    check(skills.core_table(core))
    files = list(tmp_path.glob("core-table-*.npz"))
    assert len(files) == 1
    real = skills.skill_keys
    monkeypatch.setattr(skills, "skill_keys", lambda s: pytest.fail("computed again"))
    check(skills.core_table(core))  # read back, not computed
    monkeypatch.setattr(skills, "skill_keys", real)
    whole = files[0].read_bytes()
    for damaged in (b"not an archive", whole[: len(whole) // 2]):  # computed again, replaced
        files[0].write_bytes(damaged)
        check(skills.core_table(core))
        with np.load(files[0]) as stored:  # a whole archive again
            assert list(stored["key_vocab"]) == key_vocab
    other = core.assign(code="M1601")  # other core skills: their own file
    assert skills.core_table(other).codes == ["M1601"]
    assert len(list(tmp_path.glob("core-table-*.npz"))) == 2


def _core_weights_by_all_keys(vocab, offer_skills, offer_codes, core, threshold, core_weight):
    """The former computation: every offer key against every core key of the referential."""
    from matcher.features.sparse_ops import incidence as incidence_of
    from matcher.features.sparse_ops import rowwise_dot

    core = core[["code", "skill"]].dropna().drop_duplicates()
    key_vocab, key_inverse = np.unique(skills.skill_keys(core["skill"]).to_numpy(),
                                       return_inverse=True)  # fmt: skip
    codes = sorted(set(core["code"]))
    index = {c: i for i, c in enumerate(codes)}
    key_code = sp.csr_matrix((np.ones(len(core), np.float32),
                              (key_inverse, [index[c] for c in core["code"]])),
                             shape=(len(key_vocab), len(codes)))  # fmt: skip
    is_core_for = (skills.fuzzy_match(vocab, list(key_vocab), threshold) @ key_code).tocsr()
    is_core_for.data[:] = 1.0
    entries = offer_skills.tocoo()
    lists = offer_codes.map(lambda v: v if isinstance(v, list) else [])
    oc = incidence_of(lists, index, len(codes))
    has_code = lists.map(len).to_numpy() > 0
    own = rowwise_dot(is_core_for, oc, entries.col, entries.row) > 0
    anyone = np.asarray(is_core_for.sum(axis=1)).ravel()[entries.col] > 0
    is_core = np.where(has_code[entries.row], own, anyone)
    return np.where(is_core, core_weight, 1.0).astype(np.float32), entries


def test_core_skills_compared_with_the_offers_own_codes_give_the_former_weights():
    from matcher.devtools.synthetic import synthetic_frames
    from matcher.ranking.prepare import prepare_offers
    from matcher.reference.geo import builtin_communes
    from matcher.reference.referential import builtin_referential
    from matcher.settings import Settings

    ref = builtin_referential()
    offers, _, _ = synthetic_frames(ref, 120, 10, seed=3)
    po = prepare_offers(offers, ref, builtin_communes(), Settings())
    codes = po[F.OCC_CODES].copy()
    codes.iloc[::4] = [[] for _ in range(len(codes.iloc[::4]))]  # some offers without a code
    codes.iloc[1] = ["ZZZ99"]  # a code with no core skill
    vocab, _, matrix, _ = skills._incidence(po[F.SKILL_LIST])
    core = skills.core_skills(ref)
    got = skills._core_weights(vocab, matrix, codes, core, 80.0, 2.0, 1)
    want, entries = _core_weights_by_all_keys(vocab, matrix, codes, core, 80.0, 2.0)
    ref_matrix = sp.csr_matrix((want, (entries.row, entries.col)), shape=matrix.shape)
    assert (got != ref_matrix).nnz == 0
    assert 0 < (got.data == 2.0).sum() < got.nnz  # some skills are core, not all
