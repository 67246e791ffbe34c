"""Text similarity: TF-IDF cosine between an offer and a profile.

Two blocks, each L2-normalised, then weighted (the cosine is the weighted mean of the two):

- words (1-2 grams) of the whole normalised text (title, description, skills / target jobs,
  skills, experience, training): what the offer and the person talk about;
- character 3-5 grams inside words of the job titles only (offer title / target jobs): they catch
  typos and variants ("preparatrise" / "preparateur"). On long fields they cost 5-10x more for
  little gain (docs/PERFORMANCE.md), so they stay on the short field that matters most.

Vectors are built with a stateless ``HashingVectorizer`` (2^20 columns, collisions negligible at
these vocabulary sizes) and IDF computed over offers and profiles together. Terms found in fewer
than 2 documents are dropped (they cannot match anything) and so are terms found in more than
``max_df`` of the documents: they carry almost no weight after IDF, yet they make most of the cost
of the sparse products (every offer shares them with every profile).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import fields as F
from matcher.text.normalise import cell_text
from matcher.text.vectors import char_wb_grams, l2_normalise_rows, murmurhash3_32

OFFER_TEXT_FIELDS = [F.TITLE, F.TITLE, F.DESCRIPTION, F.SKILLS]  # title counted twice: it matters
PROFILE_TEXT_FIELDS = [F.TARGET_JOBS, F.TARGET_JOBS, F.SKILLS, F.EXPERIENCE, F.TRAINING]
OFFER_TITLE_FIELD = F.TITLE
PROFILE_TITLE_FIELD = F.TARGET_JOBS

N_FEATURES = 2**20


@dataclass(frozen=True)
class TextModel:
    """What the TF-IDF weights were fitted on: the number of documents and the document
    frequency of every hashed term (words block, title characters block), kept sparse. A run
    that keeps the model weighs new texts exactly as the texts it was fitted with (the
    incremental re-matching, matcher/workflow/matching.py)."""

    n_docs: int
    words: tuple[np.ndarray, np.ndarray]  # (term columns, document frequencies)
    chars: tuple[np.ndarray, np.ndarray] | None


def _df_of(x: sp.csr_matrix) -> np.ndarray:
    return np.bincount(x.indices, minlength=N_FEATURES)


def _sparse_df(df: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = np.flatnonzero(df).astype(np.int32)
    return cols, df[cols].astype(np.int32)


def _dense_df(pair: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    df = np.zeros(N_FEATURES, dtype=np.int64)
    df[pair[0]] = pair[1]
    return df


def hashing_counts(texts: list[str], **analyzer) -> sp.csr_matrix:
    """Term counts as sklearn's ``HashingVectorizer`` (no sign, no norm) gives them, analysing
    every document in Python: the reference of :func:`_counts` (tests, and analyzers it does
    not cover). The one place here that imports scikit-learn (see matcher/text/vectors.py)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    if not texts:  # the vectoriser refuses an empty list
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    hv = HashingVectorizer(
        alternate_sign=False, norm=None, n_features=N_FEATURES, dtype=np.float32, **analyzer
    )
    return hv.transform(texts).tocsr()


# sklearn's default token pattern: words of two characters or more.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _columns(terms: list[str]) -> np.ndarray:
    """Hashed column of each term, as sklearn's hashing computes it: signed 32-bit murmurhash3
    (seed 0) of the UTF-8 bytes, absolute value modulo ``N_FEATURES`` (abs(-2**31) as 2**31)."""
    h = murmurhash3_32(terms)
    return (np.abs(h) % N_FEATURES).astype(np.int32)


# Texts analysed at a time: their terms, as Python strings (30-60 bytes each), are held for one
# chunk only; those of 550,000 texts at once were 0.5 GiB. (With the int32 arrays dropped once
# read and no copy of the texts, the text stage's peak at 50,000 offers x 500,000 profiles went
# from 5.39 to 4.05 GiB.)
TERMS_CHUNK = 20_000


def _distinct_terms(
    texts: list[str], analyse: Callable[[str], list[str]]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(document of each occurrence, code of each occurrence, distinct terms) of the terms
    ``analyse`` finds in each text; codes in order of first appearance, as one ``factorize``
    of all the occurrences gives them: each chunk's distinct terms (in that order) are given
    the next codes when new. Documents and codes are int32 (tens of millions of occurrences
    at national scale: half the memory of int64)."""
    code_of: dict[str, int] = {}
    rows, codes = [], []
    for start in range(0, len(texts), TERMS_CHUNK):
        docs = [analyse(t) for t in texts[start : start + TERMS_CHUNK]]
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        flat = np.fromiter(chain.from_iterable(docs), dtype=object, count=int(lengths.sum()))
        del docs
        rows.append(np.repeat(np.arange(start, start + len(lengths), dtype=np.int32), lengths))
        if not len(flat):
            codes.append(np.zeros(0, dtype=np.int32))
            continue
        local, uniques = pd.factorize(flat)
        del flat
        new = np.fromiter((code_of.setdefault(w, len(code_of)) for w in uniques),
                          dtype=np.int32, count=len(uniques))  # fmt: skip
        codes.append(new[local])
    if not rows:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), []
    return (
        rows[0] if len(rows) == 1 else np.concatenate(rows),
        codes[0] if len(codes) == 1 else np.concatenate(codes),
        list(code_of),
    )


def _matrix(n_docs: int, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Counts of (row, column) occurrences, in canonical form (duplicates summed, columns
    sorted): the layout the hashing vectoriser returns."""
    x = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(n_docs, N_FEATURES),
        dtype=np.float32,
    )
    x.sum_duplicates()
    x.sort_indices()
    return x


def _word_counts(texts: list[str]) -> sp.csr_matrix:
    """Words and pairs of consecutive words (sklearn's word analyzer, ngram_range (1, 2)): each
    distinct word and each distinct pair hashed once, the pairs found by codes, not strings."""
    rows, codes, words = _distinct_terms(texts, lambda t: _TOKEN.findall(t.lower()))
    cols = _columns(words)[codes]
    same = rows[1:] == rows[:-1]  # consecutive occurrences in one document: a pair
    # Each array is dropped once read: at national scale each holds tens of millions of
    # entries (0.1-0.3 GiB), and all of them were held through the matrix's construction.
    if same.any():
        key = codes[:-1][same].astype(np.int64) * len(words) + codes[1:][same]
        del codes
        pair_codes, pairs = pd.factorize(key)
        del key
        first, second = np.divmod(pairs, len(words))
        pair_cols = _columns([f"{words[a]} {words[b]}" for a, b in zip(first, second, strict=True)])
        del first, second, pairs
        rows = np.concatenate([rows, rows[:-1][same]])
        del same
        cols = np.concatenate([cols, pair_cols[pair_codes]])
        del pair_codes, pair_cols
    else:
        del codes, same
    return _matrix(len(texts), rows, cols)


def _char_wb_counts(texts: list[str], ngram_range: tuple[int, int]) -> sp.csr_matrix:
    """Character n-grams inside words (sklearn's ``char_wb`` analyzer): the n-grams of a word
    depend on the word alone, so each distinct word is analysed (as sklearn's analyzer does) and
    hashed once, and every occurrence repeats its columns."""
    rows, codes, words = _distinct_terms(texts, lambda t: t.lower().split())
    grams = [char_wb_grams(w, *ngram_range) for w in words]
    per_word = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
    word_cols = _columns(list(chain.from_iterable(grams)))
    starts = np.cumsum(per_word) - per_word
    n = per_word[codes]  # columns of each occurrence
    ends = np.cumsum(n)
    place = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts[codes] - (ends - n), n)
    return _matrix(len(texts), np.repeat(rows, n), word_cols[place])


def _counts(texts: list[str], **analyzer) -> sp.csr_matrix:
    """:func:`hashing_counts` for the two analyzers used here (tested equal), with the
    analysis done once per distinct word: the Python analyzer of sklearn builds and hashes
    every n-gram of every document (most of the text stage)."""
    if texts and analyzer == _WORDS:
        return _word_counts(texts)
    if (
        texts
        and analyzer.get("analyzer") == "char_wb"
        and set(analyzer) <= {"analyzer", "ngram_range"}
    ):
        return _char_wb_counts(texts, analyzer.get("ngram_range", (1, 1)))
    return hashing_counts(texts, **analyzer)


def _weigh(x: sp.csr_matrix, df: np.ndarray, n: int, max_df: float, min_docs: int) -> sp.csr_matrix:
    """Sublinear TF x smooth IDF, rare and too common terms dropped, rows L2-normalised."""
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    limit = max(max_df * n, float(min_docs))
    keep = (df[x.indices] >= 2) & (df[x.indices] <= limit)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices] * keep
    x.eliminate_zeros()
    return l2_normalise_rows(x, copy=False) if x.shape[0] else x


def _tfidf(texts: list[str], max_df: float, min_docs: int, **analyzer) -> sp.csr_matrix:
    """Sublinear TF x smooth IDF fitted on ``texts``, rare and too common terms dropped, rows
    L2-normalised."""
    x = _counts(texts, **analyzer)
    return _weigh(x, _df_of(x), x.shape[0], max_df, min_docs)


_WORDS = {"ngram_range": (1, 2)}
_CHARS = {"analyzer": "char_wb", "ngram_range": (3, 5)}


def vectorise(
    offer_text: pd.Series,
    profile_text: pd.Series,
    offer_titles: pd.Series | None = None,
    profile_titles: pd.Series | None = None,
    char_weight: float = 0.5,
    max_df: float = 0.05,
    max_df_min_docs: int = 200,
    model: TextModel | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """TF-IDF rows (float32) for offers and profiles, fitted on both corpora (or weighed with
    ``model``); the dot product of two rows is (1 - char_weight) x the words cosine +
    char_weight x the titles cosine.

    ``char_weight`` is the share of the title character block in the cosine (0 = words only)."""
    xo, xp, _ = vectorise_fit(
        offer_text, profile_text, offer_titles, profile_titles, char_weight, max_df,
        max_df_min_docs, model,
    )  # fmt: skip
    return xo, xp


def vectorise_fit(
    offer_text: pd.Series,
    profile_text: pd.Series,
    offer_titles: pd.Series | None = None,
    profile_titles: pd.Series | None = None,
    char_weight: float = 0.5,
    max_df: float = 0.05,
    max_df_min_docs: int = 200,
    model: TextModel | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix, TextModel]:
    """:func:`vectorise`, and the model the rows were weighed with (``model`` when given,
    else the one fitted on these texts)."""
    words = word_block(offer_text, profile_text, char_weight, max_df, max_df_min_docs, model)
    titles = title_block(offer_titles, profile_titles, char_weight, max_df, max_df_min_docs, model)
    return assemble(words, titles, len(offer_text), model)


class Block(NamedTuple):
    """One block of TF-IDF columns: the weighed rows (offers, then profiles), the document
    frequency of each column, and the number of documents it was weighed with."""

    rows: sp.csr_matrix
    df: np.ndarray
    n_docs: int


def _as_texts(*parts: pd.Series) -> list[str]:
    """The cells of ``parts`` in order as text (:func:`matcher.text.normalise.cell_text`): the
    strings the frames hold, not copies (pandas' ``astype(str)`` copied every text into Arrow,
    and ``list`` copied them back out: 0.6 GiB at national scale)."""
    return [t for part in parts for t in cell_text(part).tolist()]


def word_block(
    offer_text: pd.Series,
    profile_text: pd.Series,
    char_weight: float = 0.5,
    max_df: float = 0.05,
    max_df_min_docs: int = 200,
    model: TextModel | None = None,
) -> Block:
    """The words block of :func:`vectorise_fit` (offers' rows, then profiles'), scaled by
    sqrt(1 - char_weight); with :func:`title_block` (which reads nothing of it: the two can
    be computed in two processes) and :func:`assemble`, the same rows."""
    x = _counts(_as_texts(offer_text, profile_text), **_WORDS)
    n = x.shape[0] if model is None else model.n_docs
    words_df = _df_of(x) if model is None else _dense_df(model.words)
    words = _weigh(x, words_df, n, max_df, max_df_min_docs)
    del x
    # Each block scaled in place (data x the float32 factor: the values ``words * factor``
    # gives) rather than copied: at 500,000 profiles a copy of the TF-IDF rows is ~0.4 GiB.
    words.data *= np.float32(np.sqrt(1.0 - char_weight))
    return Block(words, words_df, n)


def title_block(
    offer_titles: pd.Series | None,
    profile_titles: pd.Series | None,
    char_weight: float = 0.5,
    max_df: float = 0.05,
    max_df_min_docs: int = 200,
    model: TextModel | None = None,
) -> Block | None:
    """The titles' character block of :func:`vectorise_fit`, scaled by sqrt(char_weight);
    ``None`` without titles or weight."""
    if not (char_weight > 0 and offer_titles is not None and profile_titles is not None):
        return None
    c = _counts(_as_texts(offer_titles, profile_titles), **_CHARS)
    n = c.shape[0] if model is None else model.n_docs
    if model is None or model.chars is None:
        chars_df = _df_of(c)
    else:
        chars_df = _dense_df(model.chars)
    chars = _weigh(c, chars_df, n, max_df, max_df_min_docs)
    del c
    chars.data *= np.float32(np.sqrt(char_weight))
    return Block(chars, chars_df, n)


def assemble(
    words: Block, titles: Block | None, n_offers: int, model: TextModel | None = None
) -> tuple[sp.csr_matrix, sp.csr_matrix, TextModel]:
    """(offers' rows, profiles' rows, model) from the two blocks, side by side."""
    blocks = [words.rows] if titles is None else [words.rows, titles.rows]
    # Not re-normalised: the cosine is (1 - w) x words cosine + w x title cosine, and a row
    # whose block is empty (no title) simply gets nothing from it.
    xs = sp.hstack(blocks, format="csr", dtype=np.float32)
    del blocks
    if model is None:
        chars = None if titles is None else _sparse_df(titles.df)
        model = TextModel(words.n_docs, _sparse_df(words.df), chars)
    return xs[:n_offers], rows_from(xs, n_offers), model


def rows_from(x: sp.csr_matrix, start: int) -> sp.csr_matrix:
    """``x[start:]`` without copying its values: the profiles' rows (most of the matrix) are
    read where they are, so the TF-IDF rows are not held twice at their peak."""
    a = x.indptr[start]
    return sp.csr_matrix(
        (x.data[a:], x.indices[a:], x.indptr[start:] - a),
        shape=(x.shape[0] - start, x.shape[1]),
        copy=False,
    )


def text_score(similarity: np.ndarray) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors, clipped to [0, 1]."""
    return np.clip(similarity, 0.0, 1.0)
