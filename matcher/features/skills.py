"""Skill coverage: the weighted share of the offer's skills that the profile has, matched fuzzily.

Skills are compared by a *key*: the normalised skill without the generic words people add or
drop ("utiliser", "savoir", "maîtrise de", "réaliser"...), so "Utiliser une autolaveuse" and
"autolaveuse" meet. The fuzzy comparison (rapidfuzz ``token_sort_ratio``, the scorer with a SIMD
path in ``process.cdist``: 8 ns a comparison against 312 ns for ``token_set_ratio``) is made when
pairs are scored, for the keys those pairs hold only (:func:`pair_matches`): the keys of each
offer against the distinct keys of its candidates, one ``cdist`` per offer. Comparing the two
whole vocabularies (:func:`fuzzy_match`) made some forty times more comparisons than the
candidate pairs need at 10,000 offers x 100,000 profiles (1.8e9 key pairs against ~4e7), and
cost a quarter of that run. Pairs then read the result through sparse products;
never a loop over pairs.

A skill of the offer that is a core skill of the referential for the offer's job weighs
``core_weight`` (ordinary skills weigh 1).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from matcher.features.sparse_ops import incidence, rowwise_dot
from matcher.paths import cache_file
from matcher.reference.referential import CODE, CORE, SKILL, Referential
from matcher.text import fold as fold_module
from matcher.text import normalise as normalise_module
from matcher.text.normalise import normalise_text

# Offer keys compared with all profile keys at once (a chunk x profile-vocabulary uint8 matrix).
CDIST_CHUNK = 2000

# Words that say how a skill is held, not which skill it is. Written plainly; normalised at first
# use with the same function as the skills, so the list follows the normaliser.
GENERIC_WORDS = (
    "utiliser utilisation savoir connaitre connaissance connaissances maitrise maitriser "
    "maîtrise maîtriser capacité capacite capable pratique pratiquer réaliser réalisation "
    "realiser effectuer assurer faire preuve avoir être etre bonne bon bonnes notions notion base "
    "bases sens techniques technique règles regles respecter respect mettre oeuvre œuvre "
    "application appliquer procéder proceder"
)


@functools.cache
def _generic_tokens() -> frozenset[str]:
    words = pd.Series(GENERIC_WORDS.split())
    return frozenset(t for w in normalise_text(words) for t in w.split())


def skill_keys(skills: pd.Series) -> pd.Series:
    """Raw skills -> comparison keys (normalised, generic words removed; the whole normalised
    skill when nothing else is left)."""
    norm = normalise_text(skills.astype(str))
    generic = _generic_tokens()
    return norm.map(lambda s: " ".join(t for t in s.split() if t not in generic) or s)


@dataclass(frozen=True)
class CoreTable:
    """The referential's core skills as :func:`_core_weights` compares them with an offer's."""

    key_vocab: list[str]  # the distinct comparison keys (:func:`skill_keys`), sorted
    key_sorted: list[str]  # each key's tokens sorted: the string token_sort_ratio compares
    codes: list[str]  # the distinct codes, sorted
    code_keys: sp.csr_matrix  # codes x key_vocab: the core keys of each code


_CORE_ARRAYS = ("key_vocab", "key_sorted", "key_inverse", "codes", "code_pos")


def core_table(core: pd.DataFrame) -> CoreTable:
    """The :class:`CoreTable` of ``core`` (columns code, skill), kept on disk (``cache_dir``)
    for these core skills and this code: the referential's (about 19,000 core skills in the
    official ROME) are the same in every run, and every ranking, ``match`` and re-match of the
    dashboard read them; their keys cost a fifth of a second, the rest (distinct keys and
    codes, tokens sorted) a tenth. A file that cannot be read or written only costs that
    time."""
    core = core[[CODE, SKILL]].dropna().drop_duplicates()
    texts = core[SKILL].astype(str).tolist()
    code_of = core[CODE].astype(str).tolist()
    digest = hashlib.sha1(
        "\n".join([*texts, "", *code_of]).encode("utf-8", "surrogatepass")
    ).hexdigest()
    code: list[Path] = [Path(__file__), Path(str(normalise_module.__file__)),
                        Path(str(fold_module.__file__)), normalise_module.ABBREVIATIONS_FILE,
                        normalise_module.STOP_WORDS_FILE]  # fmt: skip
    path = cache_file("core-table", f"{len(texts)}:{digest}", [f for f in code if f.is_file()],
                      ".npz")  # fmt: skip
    arrays = None
    # Absent, damaged or of another layout: computed again and replaced.
    with contextlib.suppress(OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in _CORE_ARRAYS}
        if len(arrays["key_inverse"]) != len(texts):
            arrays = None
    if arrays is None:
        keys = skill_keys(pd.Series(texts, dtype=object)).to_numpy(dtype=object)
        key_vocab, key_inverse = np.unique(keys, return_inverse=True)
        codes, code_pos = np.unique(np.array(code_of, dtype=object), return_inverse=True)
        arrays = {
            "key_vocab": key_vocab.astype(str),
            "key_sorted": np.array([_token_sorted(k) for k in key_vocab.tolist()], dtype=str),
            "key_inverse": key_inverse.astype(np.int64),
            "codes": codes.astype(str),
            "code_pos": code_pos.astype(np.int64),
        }
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, **arrays)
            os.replace(tmp, path)  # atomic: another process reads the whole file or none
    key_vocab = arrays["key_vocab"].tolist()
    codes = arrays["codes"].tolist()
    code_keys = sp.csr_matrix(
        (np.ones(len(texts), np.float32), (arrays["code_pos"], arrays["key_inverse"])),
        shape=(len(codes), len(key_vocab)),
    )
    return CoreTable(key_vocab, arrays["key_sorted"].tolist(), codes, code_keys)


@dataclass
class SkillIndex:
    """Skills of offers and profiles over their vocabularies of keys; which keys match is
    computed for the pairs that are scored (:func:`pair_matches`)."""

    offer_vocab: list[str]
    profile_vocab: list[str]
    # offers x offer_vocab: weight of the skill (core skills weigh more)
    offer_skills: sp.csr_matrix
    profile_skills: sp.csr_matrix  # profiles x profile_vocab, 1 where the profile has it
    raw_offer: list[str]  # a readable form of each offer vocabulary entry
    raw_profile: list[str]
    # offers x offer_vocab, same sparsity as offer_skills: place of the skill in the offer's list
    offer_order: sp.csr_matrix | None = None
    threshold: float = 80.0  # token_sort_ratio from which two keys match
    # The strings token_sort_ratio compares (each key's tokens sorted), from the vocabularies.
    offer_sorted: np.ndarray = field(init=False, repr=False)
    profile_sorted: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.offer_sorted = _sorted_keys(self.offer_vocab)
        self.profile_sorted = _sorted_keys(self.profile_vocab)


def _flat(lists: pd.Series) -> tuple[list[list], np.ndarray, np.ndarray]:
    """(each row's list, the items of all rows in order, the length of each row's list)."""
    rows = [v if isinstance(v, list) else [] for v in lists]
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    return rows, np.array([s for items in rows for s in items], dtype=object), lengths


def _flat_keys(flat: np.ndarray) -> np.ndarray:
    """The comparison key of each raw skill, computed once per distinct raw skill."""
    raw_inverse, raw_unique = pd.factorize(as_text(flat))
    return skill_keys(pd.Series(raw_unique)).to_numpy()[raw_inverse]


def key_lists(lists: pd.Series) -> pd.Series:
    """The comparison key of every skill of each row's list (same index, lists aligned with the
    skills); what :func:`offer_side` and :func:`build_index` read when given them, so that the
    keys can be computed where the rows are prepared (matcher/ranking/prepare.py)."""
    _, flat, lengths = _flat(lists)
    keys = _flat_keys(flat).tolist() if len(flat) else []
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return pd.Series(
        [keys[a:b] for a, b in zip(starts, ends, strict=True)], index=lists.index, dtype=object
    )


def _incidence(
    lists: pd.Series, keys: pd.Series | None = None
) -> tuple[list[str], list[str], sp.csr_matrix, sp.csr_matrix]:
    """Lists of raw skills -> (vocabulary of keys, readable form, rows x vocab 0/1 matrix, same
    with the place of the skill in the row's list). ``keys``: the :func:`key_lists` of
    ``lists`` when already computed, else computed here (once per distinct raw skill)."""
    rows, flat, lengths = _flat(lists)
    positions = np.repeat(np.arange(len(rows)), lengths)
    empty = sp.csr_matrix((len(rows), 0), dtype=np.float32)
    if len(flat) == 0:
        return [], [], empty, empty
    place = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    if keys is None:
        keys = _flat_keys(flat)
    else:
        key_rows = [v if isinstance(v, list) else [] for v in keys]
        if len(key_rows) != len(rows) or list(map(len, key_rows)) != lengths.tolist():
            raise ValueError("skill keys not aligned with the skill lists")
        keys = np.array([k for items in key_rows for k in items], dtype=object)
    keep = keys != ""
    keys, kept = keys[keep], flat[keep]
    positions, place = positions[keep], place[keep]
    vocab, first, inverse = sorted_unique(keys)
    raw = kept[first].astype(str)  # the readable form, only where it is read
    shape = (len(rows), len(vocab))
    # A skill listed twice counts once, at its first place (coo -> csr sums duplicates).
    order = np.lexsort((place, inverse, positions))
    pos_s, inv_s, place_s = positions[order], inverse[order], place[order]
    first_of = np.r_[True, (np.diff(pos_s) != 0) | (np.diff(inv_s) != 0)]
    pos_s, inv_s, place_s = pos_s[first_of], inv_s[first_of], place_s[first_of]
    matrix = sp.csr_matrix((np.ones(len(pos_s), np.float32), (pos_s, inv_s)), shape=shape)
    order_m = sp.csr_matrix(((place_s + 1).astype(np.float32), (pos_s, inv_s)), shape=shape)
    # Same sparsity and order in both (matched_and_missing reads them entry by entry).
    matrix.sort_indices()
    order_m.sort_indices()
    return list(vocab), list(raw), matrix, order_m


def as_text(values: np.ndarray) -> np.ndarray:
    """``values.astype(str)`` as an object array of the same texts, without the fixed-width
    copy: ``str`` of each value, trailing NUL characters dropped as numpy drops them."""
    out = [v if type(v) is str else str(v) for v in values]
    return np.array([v.rstrip("\x00") if v.endswith("\x00") else v for v in out], dtype=object)


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(values, return_index=True, return_inverse=True)`` for an array of strings:
    the distinct values found by hashing (``pd.factorize``) and only they sorted, 10x faster
    than sorting every value; same three arrays."""
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    _, first = np.unique(codes, return_index=True)  # first occurrence of each code
    order = np.array(sorted(range(len(uniques)), key=uniques.__getitem__), dtype=np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return uniques[order], first[order], rank[codes]


def _token_sorted(key: str) -> str:
    """The string token_sort_ratio compares: the tokens sorted, joined by one space."""
    return " ".join(sorted(key.split()))


# Chunks of left keys: their lengths stay within LENGTH_SPAN x the shortest + LENGTH_SLACK.
# One length per chunk gives each chunk the narrowest band of right keys (about 1.4x fewer
# comparisons than a span of 1.5 on the 10k x 100k vocabularies, same matrix).
LENGTH_SPAN = 1.0
LENGTH_SLACK = 0


def at_least(scores: np.ndarray, cutoff: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero(scores >= cutoff)`` for a uint8 matrix that is almost all zeros (cdist's
    scores under its cutoff are 0): the matrix read 8 entries at a time as uint64 words, and
    only the entries of the few non-zero words compared (the full comparison and scan took a
    tenth of the skills index at 10,000 offers)."""
    flat = np.ascontiguousarray(scores, dtype=np.uint8).reshape(-1)
    whole = len(flat) // 8 * 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    pos = np.concatenate([(words[:, None] * 8 + np.arange(8)).ravel(), np.arange(whole, len(flat))])
    pos = pos[flat[pos] >= cutoff]
    width = max(scores.shape[1], 1)
    return pos // width, pos % width


def fuzzy_match(
    left: list[str], right: list[str], threshold: float, workers: int = 2, *,
    presorted: bool = False,
) -> sp.csr_matrix:  # fmt: skip
    """len(left) x len(right) 0/1 matrix: token_sort_ratio >= threshold, computed in chunks;
    ``presorted``: the right keys' tokens are sorted already (:class:`CoreTable`).

    Two strings of lengths a and b differ by at least |a - b| edits, so their ratio is at most
    100 x (1 - |a - b| / (a + b)): keys are sorted by length and each chunk of left keys is
    compared only with the right keys whose length can reach the threshold (the same matrix as
    comparing everything, a few times fewer comparisons)."""
    if not left or not right:
        return sp.csr_matrix((len(left), len(right)), dtype=np.float32)
    rows, cols = [], []
    cutoff = int(np.ceil(threshold))
    # Widest relative length gap that can still score cutoff - 1 (margin for the rounding of
    # the uint8 scores): a / b >= (1 - gap) / (1 + gap).
    gap = min(max(1.0 - (cutoff - 1) / 100.0, 0.0), 1.0)
    reach = (1.0 - gap) / (1.0 + gap)
    # token_sort_ratio(a, b) is ratio() of the token-sorted strings: sorted once here, then
    # compared with ratio(), whose bit-parallel path is twice as fast in cdist (same scores).
    left = [_token_sorted(k) for k in left]
    right = right if presorted else [_token_sorted(k) for k in right]
    left_len = np.array([len(k) for k in left], dtype=np.int64)
    right_len = np.array([len(k) for k in right], dtype=np.int64)
    left_order = np.argsort(left_len, kind="stable")
    right_order = np.argsort(right_len, kind="stable")
    right_sorted_len = right_len[right_order]
    right_sorted = [right[i] for i in right_order]
    start = 0
    while start < len(left_order):
        # A chunk: at most CDIST_CHUNK keys whose lengths stay within LENGTH_SPAN of the first.
        first_len = left_len[left_order[start]]
        end = min(start + CDIST_CHUNK, len(left_order))
        end = start + int(
            np.searchsorted(
                left_len[left_order[start:end]],
                first_len * LENGTH_SPAN + LENGTH_SLACK,
                side="right",
            )
        )
        end = max(end, start + 1)
        chunk = left_order[start:end]
        lo_len, hi_len = left_len[chunk[0]], left_len[chunk[-1]]
        lo = int(np.searchsorted(right_sorted_len, np.floor(lo_len * reach), side="left"))
        hi = int(np.searchsorted(right_sorted_len, np.ceil(hi_len / reach), side="right"))
        if hi > lo:
            scores = process.cdist(
                [left[i] for i in chunk],
                right_sorted[lo:hi],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=workers,
            )
            r, c = at_least(scores, cutoff)
            rows.append(chunk[r])
            cols.append(right_order[lo + c])
        start = end
    r = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    c = np.concatenate(cols) if cols else np.array([], dtype=np.int64)
    return sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(left), len(right)))


def _core_weights(
    vocab: list[str],
    offer_skills: sp.csr_matrix,
    offer_codes: pd.Series | None,
    core: pd.DataFrame,
    threshold: float,
    core_weight: float,
    workers: int,
) -> sp.csr_matrix:
    """Offer skill matrix with core skills of the offer's own job(s) weighing ``core_weight``.
    Without codes for an offer, a skill that is core for any job counts as core.

    A skill of an offer with codes is compared with the core skills of those codes only (a few
    dozen keys, not the referential's 10,000): the same flags as comparing it with all of them
    and keeping the matches of its offer's codes, for a fraction of the comparisons."""
    table = core_table(core)
    codes, code_keys = table.codes, table.code_keys
    code_index = {c: i for i, c in enumerate(codes)}
    entries = offer_skills.tocoo()
    row, col = entries.row.astype(np.int64), entries.col.astype(np.int64)
    if offer_codes is not None:
        lists = offer_codes.map(lambda v: v if isinstance(v, list) else [])
    else:
        lists = pd.Series([[] for _ in range(offer_skills.shape[0])])
    oc = incidence(lists, code_index, len(codes))  # offers x codes (those with core skills)
    has_code = lists.map(len).to_numpy() > 0
    is_core = np.zeros(len(row), dtype=bool)
    # Offers without a code: a skill matching any core key (every key is some code's).
    free = np.flatnonzero(~has_code[row])
    if len(free):
        keys = np.unique(col[free])
        found = fuzzy_match([vocab[k] for k in keys], table.key_sorted, threshold, workers,
                            presorted=True)  # fmt: skip
        core_any = np.zeros(len(vocab), dtype=bool)
        core_any[keys] = np.diff(found.indptr) > 0
        is_core[free] = core_any[col[free]]
    # Offers with codes: each (skill, code of its offer) pair, each distinct pair once.
    own = np.flatnonzero(has_code[row])
    counts = np.diff(oc.indptr)[row[own]]
    entry = np.repeat(own, counts)
    first = oc.indptr[row[own]]
    at = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    code = oc.indices[at].astype(np.int64)
    pair = col[entry] * len(codes) + code
    wanted = np.unique(pair)
    code_of, key_of = wanted % len(codes), wanted // len(codes)
    order = np.lexsort((key_of, code_of))  # grouped by code
    code_of, key_of = code_of[order], key_of[order]
    bounds = np.flatnonzero(np.diff(code_of)) + 1
    groups = (
        list(zip(np.split(key_of, bounds), code_of[np.r_[0, bounds]].tolist(), strict=True))
        if len(wanted)
        else []
    )
    true_pairs = []
    # A code's keys are few: one cdist each, on the token-sorted keys fuzzy_match compares
    # (the same scores; its bands by length only skip pairs that cannot reach the cutoff).
    cutoff = int(np.ceil(threshold))
    left = [_token_sorted(k) for k in vocab]
    right = table.key_sorted
    for keys, c in groups:
        theirs = code_keys.indices[code_keys.indptr[c] : code_keys.indptr[c + 1]]
        if not len(keys) or not len(theirs):
            continue
        scores = process.cdist([left[k] for k in keys.tolist()], [right[j] for j in theirs],
                               scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)  # fmt: skip
        true_pairs.append(keys[(scores >= cutoff).any(axis=1)] * len(codes) + c)
    if true_pairs:
        hit = np.isin(pair, np.concatenate(true_pairs))
        is_core |= np.bincount(entry, weights=hit, minlength=len(row)) > 0
    weights = np.where(is_core, core_weight, 1.0).astype(np.float32)
    out = sp.csr_matrix((weights, (entries.row, entries.col)), shape=offer_skills.shape)
    out.sort_indices()
    return out


@dataclass
class OfferSide:
    """The offers' half of a :class:`SkillIndex` (vocabulary, readable forms, weighted skill
    matrix, order of the skills, the threshold keys match from): it reads no profile, so it
    can be computed before the profiles are known, where a process has time to spare
    (matcher/ranking/from_files.py)."""

    vocab: list[str]
    raw: list[str]
    skills: sp.csr_matrix
    order: sp.csr_matrix | None
    threshold: float


def offer_side(
    offer_lists: pd.Series,
    threshold: float,
    core: pd.DataFrame | None = None,
    core_weight: float = 1.0,
    offer_codes: pd.Series | None = None,
    workers: int = 2,
    offer_keys: pd.Series | None = None,
) -> OfferSide:
    """The offers' half of a skills index: their vocabulary and incidence matrix; keys match
    when their token_sort_ratio >= ``threshold`` (compared for the pairs scored). ``core``:
    the referential's core skills (columns code, skill), weighing ``core_weight`` in an offer
    of their job (``offer_codes``). ``offer_keys``: the :func:`key_lists` of the lists, when
    the rows were prepared with them (computed here otherwise; the same index either way)."""
    ov, oraw, om, order = _incidence(offer_lists, offer_keys)
    if core is not None and len(core) and core_weight != 1.0 and ov:
        om = _core_weights(ov, om, offer_codes, core, threshold, core_weight, workers)
    return OfferSide(ov, oraw, om, order, threshold)


def build_index(
    offers: OfferSide, profile_lists: pd.Series, profile_keys: pd.Series | None = None
) -> SkillIndex:
    """The skills index of the offers' half (:func:`offer_side`) and the profiles' lists;
    ``profile_keys`` as ``offer_keys`` there."""
    pv, praw, pm, _ = _incidence(profile_lists, profile_keys)
    return SkillIndex(offers.vocab, pv, offers.skills, pm, offers.raw, praw, offers.order,
                      offers.threshold)  # fmt: skip


def _sorted_keys(keys: list[str]) -> np.ndarray:
    return np.array([_token_sorted(k) for k in keys], dtype=object)


def pair_matches(
    index: SkillIndex, offer_pos: np.ndarray, profile_pos: np.ndarray
) -> sp.csr_matrix:
    """offer_vocab x profile_vocab, 1 where two keys match, for every key of each pair's offer
    against every key of its profile (other key pairs are not compared and read 0): the same
    entries as :func:`fuzzy_match` of the two vocabularies for the keys the pairs hold.

    One ``cdist`` per offer: its keys against the distinct keys of all its candidates (a few
    keys against a few thousand). The choices are converted once per call, so an offer's
    candidates are read once for all its keys; a key pair two offers share is compared twice,
    still far fewer comparisons than the two whole vocabularies."""
    shape = (len(index.offer_vocab), len(index.profile_vocab))
    offer_pos = np.asarray(offer_pos, dtype=np.int64)
    profile_pos = np.asarray(profile_pos, dtype=np.int64)
    if not len(offer_pos) or not shape[0] or not shape[1]:
        return sp.csr_matrix(shape, dtype=np.float32)
    n_o, n_p = index.offer_skills.shape[0], index.profile_skills.shape[0]
    pairs = sp.csr_matrix(
        (np.ones(len(offer_pos), np.float32), (offer_pos, profile_pos)), shape=(n_o, n_p)
    )
    wanted = (pairs @ index.profile_skills).tocsr()  # offers x the keys of their candidates
    own = index.offer_skills.tocsr()
    cutoff = int(np.ceil(index.threshold))
    left, right = index.offer_sorted, index.profile_sorted
    rows, cols = [], []
    busy = (np.diff(wanted.indptr) > 0) & (np.diff(own.indptr) > 0)
    for o in np.flatnonzero(busy).tolist():
        ks = own.indices[own.indptr[o] : own.indptr[o + 1]]
        js = wanted.indices[wanted.indptr[o] : wanted.indptr[o + 1]]
        scores = process.cdist(left[ks].tolist(), right[js].tolist(), scorer=fuzz.ratio,
                               score_cutoff=cutoff, dtype=np.uint8)  # fmt: skip
        r, c = np.nonzero(scores >= cutoff)
        rows.append(ks[r])
        cols.append(js[c])
    r = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    c = np.concatenate(cols) if cols else np.array([], dtype=np.int64)
    match = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=shape)
    match.data[:] = 1.0  # a key pair two offers share was summed
    return match


def _covered(
    index: SkillIndex, offer_pos: np.ndarray, profile_pos: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(the pairs' profiles x offer_vocab, 1 where the profile has a skill matching the key;
    each pair's row in it): exact for every key of the pair's offer."""
    profile_pos = np.asarray(profile_pos, dtype=np.int64)
    rows, local = np.unique(profile_pos, return_inverse=True)
    match = pair_matches(index, offer_pos, profile_pos)
    covered = (index.profile_skills.tocsr()[rows] @ match.T).tocsr()
    covered.data[:] = 1.0
    return covered, local.reshape(-1)


def core_skills(referential: Referential) -> pd.DataFrame:
    """The referential's core skills (code, skill)."""
    s = referential.skills
    if s.empty or CORE not in s:
        return pd.DataFrame(columns=[CODE, SKILL])
    return s.loc[s[CORE].astype(bool), [CODE, SKILL]]


def coverage(index: SkillIndex, offer_pos: np.ndarray, profile_pos: np.ndarray) -> np.ndarray:
    """Weighted share of each pair's offer skills found in the profile; NaN when the offer lists
    no skill (unknown, not a zero)."""
    offer_pos, profile_pos = np.asarray(offer_pos), np.asarray(profile_pos)
    if index.offer_skills.shape[1] == 0:
        return np.full(len(offer_pos), np.nan)
    covered, local = _covered(index, offer_pos, profile_pos)
    num = rowwise_dot(index.offer_skills, covered, offer_pos, local)
    den = np.asarray(index.offer_skills.sum(axis=1)).ravel()[offer_pos]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def matched_and_missing(
    index: SkillIndex, offer_pos: np.ndarray, profile_pos: np.ndarray
) -> tuple[list[list[str]], list[list[str]]]:
    """Readable matched and missing offer skills of each pair, core skills first, then in the
    offer's order (call on the kept suggestions only; vectorised all the same)."""
    offer_pos, profile_pos = np.asarray(offer_pos), np.asarray(profile_pos)
    n = len(offer_pos)
    a = index.offer_skills.tocsr()
    counts = (a.indptr[offer_pos + 1] - a.indptr[offer_pos]).astype(np.int64)
    total = int(counts.sum())
    row = np.repeat(np.arange(n), counts)
    first = np.cumsum(counts) - counts
    entry = np.repeat(a.indptr[offer_pos].astype(np.int64), counts) + (
        np.arange(total) - np.repeat(first, counts)
    )
    ks, ws = a.indices[entry].astype(np.int64), a.data[entry]
    place = ks if index.offer_order is None else index.offer_order.tocsr().data[entry]
    order = np.lexsort((place, -ws, row))
    row, ks = row[order], ks[order]
    covered, local = _covered(index, offer_pos, profile_pos)
    covered.sort_indices()
    width = np.int64(max(covered.shape[1], 1))
    cov_rows = np.repeat(np.arange(covered.shape[0], dtype=np.int64), np.diff(covered.indptr))
    cov_keys = cov_rows * width + covered.indices
    query = local[row].astype(np.int64) * width + ks
    at = np.searchsorted(cov_keys, query)
    hit = np.zeros(total, dtype=bool)
    if len(cov_keys):
        hit = cov_keys[np.minimum(at, len(cov_keys) - 1)] == query
    names = np.array(index.raw_offer + [""], dtype=object)[ks]

    def split(mask: np.ndarray) -> list[list[str]]:
        # One list of names sliced per row (np.split makes an array a row: 10x slower).
        ends = np.cumsum(np.bincount(row[mask], minlength=n)).tolist()
        flat = names[mask].tolist()
        return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)] if n else []

    return split(hit), split(~hit)
