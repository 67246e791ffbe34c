"""Skills vocabulary: each free-text skill linked to the closest skill of the referential.

The vocabulary is the referential's distinct skills (and knowledge items of the official ROME:
certificates such as CACES, HACCP, SST). A free skill ("cariste cat.1", "conduite chariot
élévateur") is linked to one vocabulary entry when close enough, so that two people who wrote the
same skill differently meet on one id.

How: both sides are normalised (``normalise_text``: abbreviations and CACES spellings made
canonical, stemmed); the candidates of each distinct free skill are its ``CANDIDATES`` nearest
entries by character n-gram TF-IDF cosine (one sparse product over the vocabularies), re-scored
by rapidfuzz ``token_set_ratio`` on those pairs only (``process.cpdist``, no Python loop); the
entry of best combined score is kept when its fuzzy score reaches ``min_score`` (``vocab_id``),
and with it up to ``MAX_LINKS`` entries that reach it too (``vocab_ids``): the official ROME
holds near-duplicates ("CACES R489 catégorie 1-3-5 - Chariots élévateurs", "Chariots automoteurs
de manutention à conducteur porté (CACES R 389)"), so two skills *meet* when their sets of ids
intersect (:meth:`SkillVocabulary.meets`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.text.normalise import normalise_text

VOCAB_ID = "vocab_id"
VOCAB_LABEL = "vocab_label"
VOCAB_SCORE = "vocab_score"
VOCAB_IDS = "vocab_ids"

DEFAULT_MIN_SCORE = 85.0


class SkillVocabulary:
    """The referential's skills as a vocabulary of ids (0..n-1), and the linker to it."""

    CANDIDATES = 10
    MAX_LINKS = 3
    CHUNK = 2000

    def __init__(self, referential, min_score: float = DEFAULT_MIN_SCORE):
        skills = referential.skills
        labels = skills["skill"].drop_duplicates().reset_index(drop=True) if len(skills) else []
        labels = pd.Series(labels, dtype=object)
        norm = normalise_text(labels)
        keep = (norm != "").to_numpy()
        self.labels: np.ndarray = labels[keep].to_numpy()
        self.norm: np.ndarray = norm[keep].to_numpy()
        self.min_score = min_score
        self._vec = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
        )
        self._matrix = self._vec.fit_transform(self.norm).T.tocsr() if len(self.norm) else None

    def __len__(self) -> int:
        return len(self.labels)

    def link(self, skills: pd.Series) -> pd.DataFrame:
        """For each free skill (same index): ``vocab_id`` (Int64, <NA> when nothing is close
        enough), ``vocab_label`` and ``vocab_score`` (token_set_ratio, 0-100)."""
        norm = normalise_text(skills)
        uniq = pd.unique(norm[norm != ""])
        ids = np.full(len(uniq), -1, dtype=np.int64)
        scores = np.zeros(len(uniq), dtype=np.float64)
        many = np.full((len(uniq), self.MAX_LINKS), -1, dtype=np.int64)
        if len(uniq) and self._matrix is not None:
            k = min(self.CANDIDATES, len(self.norm))
            for start in range(0, len(uniq), self.CHUNK):
                block = uniq[start : start + self.CHUNK]
                cos = (self._vec.transform(block) @ self._matrix).toarray()
                cand = np.argpartition(-cos, k - 1, axis=1)[:, :k]
                c = np.take_along_axis(cos, cand, axis=1)
                fz = process.cpdist(
                    np.repeat(block, k), self.norm[cand.ravel()], scorer=fuzz.token_set_ratio,
                    workers=2, dtype=np.float32,
                ).reshape(cand.shape)  # fmt: skip
                # token_set_ratio is 100 for any entry containing all the words: the cosine
                # breaks the tie in favour of the entry closest in length and wording.
                combined = fz / 100.0 + c
                order = np.lexsort((cand, -combined), axis=1)
                best = order[:, 0]
                rows = np.arange(len(block))
                ok = fz[rows, best] >= self.min_score
                ids[start : start + len(block)] = np.where(ok, cand[rows, best], -1)
                scores[start : start + len(block)] = fz[rows, best]
                top = order[:, : self.MAX_LINKS]
                good = np.take_along_axis(fz, top, axis=1) >= self.min_score
                many[start : start + len(block)] = np.where(
                    good, np.take_along_axis(cand, top, axis=1), -1
                )
        by_norm_id = dict(zip(uniq, ids, strict=True))
        by_norm_score = dict(zip(uniq, scores, strict=True))
        by_norm_many = {u: [int(i) for i in m if i >= 0] for u, m in zip(uniq, many, strict=True)}
        vid = norm.map(by_norm_id).fillna(-1).astype(np.int64)
        out = pd.DataFrame(index=skills.index)
        out[VOCAB_ID] = pd.array(np.where(vid >= 0, vid, 0), dtype="Int64")
        out.loc[(vid < 0).to_numpy(), VOCAB_ID] = pd.NA
        out[VOCAB_LABEL] = [self.labels[i] if i >= 0 else None for i in vid]
        out[VOCAB_SCORE] = norm.map(by_norm_score).fillna(0.0).astype(float)
        out[VOCAB_IDS] = [by_norm_many.get(n, []) for n in norm]
        return out

    def incidence(self, skills: pd.Series) -> sp.csr_matrix:
        """Skills x vocabulary 0/1 matrix of the linked ids (``vocab_ids``)."""
        ids = self.link(skills)[VOCAB_IDS]
        lengths = ids.map(len).to_numpy()
        cols = np.fromiter((i for xs in ids for i in xs), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(ids)), lengths)
        return sp.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(ids), len(self))
        )

    def meets(self, a: pd.Series, b: pd.Series) -> sp.csr_matrix:
        """len(a) x len(b) boolean sparse matrix: True where two free skills share a vocabulary
        entry ("CACES R489 cat 3" and "conduite chariot élévateur"). Call it on the distinct
        skills of offers and profiles: one sparse product, no loop over pairs."""
        return (self.incidence(a) @ self.incidence(b).T).astype(bool).tocsr()

    def link_lists(self, lists: pd.Series) -> pd.Series:
        """Lists of free skills -> aligned lists of the vocabulary ids each skill is linked to
        (``vocab_ids``: [] for a skill linked to nothing)."""
        clean = lists.map(lambda v: v if isinstance(v, list) else [])
        lengths = clean.map(len).to_numpy()
        flat = pd.Series([str(x) for xs in clean for x in xs], dtype=object)
        linked = self.link(flat)[VOCAB_IDS].to_list() if len(flat) else []
        out, pos = [], 0
        for n in lengths:
            out.append(linked[pos : pos + n])
            pos += n
        return pd.Series(out, index=lists.index, dtype=object)


__all__ = ["VOCAB_ID", "VOCAB_IDS", "VOCAB_LABEL", "VOCAB_SCORE", "SkillVocabulary"]
