"""Character n-gram TF-IDF vectors that can be saved: the title classifier's two vectorisers
(titles' n-grams of 2-4 characters, the codes' documents' of 3-5), rebuilt from their saved state
without refitting."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matcher.text.vectors import l2_normalise_rows


def _count_vectorizer(**options):
    # scikit-learn is imported only to fit (building the classifier's cache) and for a text the
    # fast path cannot read: a ranking that loads the cached classifier never imports it.
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(lowercase=False, dtype=np.float32, **options)


class CharNgrams:
    """Character n-gram TF-IDF within words (scikit-learn's ``char_wb``, sublinear tf, L2).
    Fitting goes through the distinct words (documents x words times words x n-grams: each
    distinct word cut once, 5 to 10 times faster on the long code documents); the fitted state is
    the n-gram list and the IDF, which :meth:`state` / :meth:`from_state` save and restore.
    Documents are counted by :class:`GramCounter` (scikit-learn's counts, as array operations)."""

    def __init__(self, ngram_range: tuple[int, int]):
        self.ngram_range = ngram_range
        self.grams: np.ndarray | None = None  # the fitted n-grams, in column order
        self._fast: GramCounter | None = None
        self.idf = np.zeros(0, dtype=np.float32)

    def fit_transform(self, docs) -> sp.csr_matrix:
        words = _count_vectorizer(token_pattern=r"\S+")
        counts_w = words.fit_transform(docs)
        grams = _count_vectorizer(analyzer="char_wb", ngram_range=self.ngram_range)
        word_grams = grams.fit_transform(words.get_feature_names_out()).tocsr()
        counts = (counts_w @ word_grams).tocsr()
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self.grams, self._fast = grams.get_feature_names_out().astype(str), None
        return self._weigh(counts)

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.astype(np.float32)
        counts.data = np.log(counts.data) + 1
        return l2_normalise_rows(counts @ sp.diags(self.idf)).astype(np.float32).tocsr()

    def transform(self, docs) -> sp.csr_matrix:
        assert self.grams is not None
        counts = self._counter().counts(docs) if len(docs) else None
        if counts is None:  # a text the fast path cannot read exactly: scikit-learn's loop
            vocabulary = {g: i for i, g in enumerate(self.grams.tolist())}
            counts = (
                _count_vectorizer(
                    analyzer="char_wb", ngram_range=self.ngram_range, vocabulary=vocabulary
                )
                .transform(docs)
                .tocsr()
            )
        return self._weigh(counts)

    def _counter(self) -> GramCounter:
        if self._fast is None:
            grams = self.grams.tolist() if self.grams is not None else []
            self._fast = GramCounter(grams, self.ngram_range)
        return self._fast

    def state(self) -> dict[str, np.ndarray]:
        assert self.grams is not None
        return {"grams": self.grams, "idf": self.idf}

    @classmethod
    def from_state(cls, ngram_range: tuple[int, int], grams: np.ndarray, idf: np.ndarray):
        out = cls(ngram_range)
        out.grams = grams.astype(str)
        out.idf = idf.astype(np.float32)
        return out


class GramCounter:
    """scikit-learn's ``char_wb`` counts against a fixed n-gram list, as array operations.

    scikit-learn cuts every word of every document into n-grams in a Python loop (a third of the
    classification of titles with the people's texts). Here the documents' words are padded
    (" word "), joined with a separator into one array of characters, each character replaced by
    its rank among the n-gram list's characters, and every window of n characters read as one
    integer in that base: the windows that hold no separator and whose integer is an n-gram of the
    list are counted per document. The counts are the same matrix, entry for entry (tested against
    scikit-learn); a text holding the separator character itself goes through scikit-learn."""

    SEP = "\x00"

    def __init__(self, grams: list[str], ngram_range: tuple[int, int]):
        self.min_n, self.max_n = ngram_range
        self.chars = np.array(sorted({ord(c) for g in grams for c in g}), dtype=np.uint32)
        # Ranks 1..K for the list's characters, K + 1 for any other, 0 for the separator: an
        # integer of n digits in base K + 2 then names one window, whatever its length.
        self.base = len(self.chars) + 2
        self.ok = self.base**self.max_n < 2**62 and ord(self.SEP) not in set(self.chars.tolist())
        digit = {chr(c): i + 1 for i, c in enumerate(self.chars.tolist())}
        codes = np.zeros(len(grams), dtype=np.int64)
        for i, g in enumerate(grams):
            value = 0
            for c in g:
                value = value * self.base + digit[c]
            codes[i] = value
        self.order = np.argsort(codes, kind="stable")
        self.codes = codes[self.order]

    def counts(self, docs) -> sp.csr_matrix | None:
        """The documents x n-grams count matrix (float32, sorted indices), or None when a
        document holds the separator character (the caller then uses scikit-learn).

        Each distinct word is cut once: documents x words times words x n-grams (integer counts,
        exact in float32), as in :meth:`CharNgrams.fit_transform`."""
        if not self.ok or not len(self.codes):
            return None
        words = [d.split() for d in docs]
        index: dict[str, int] = {}
        ids = [index.setdefault(w, len(index)) for ws in words for w in ws]
        if any(self.SEP in w for w in index):
            return None
        if not index:
            return sp.csr_matrix((len(words), len(self.codes)), dtype=np.float32)
        per_doc = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        doc_words = sp.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), np.array(ids, dtype=np.int64),
             np.concatenate([[0], np.cumsum(per_doc)])),
            shape=(len(words), len(index)),
        )  # fmt: skip
        doc_words.sum_duplicates()
        out = (doc_words @ self._word_counts(list(index))).tocsr()
        out.sort_indices()
        return out

    def _word_counts(self, words: list[str]) -> sp.csr_matrix:
        """Distinct words x n-grams counts: the padded words joined with the separator, every
        window of n characters without a separator looked up among the n-grams' integers."""
        sep = self.SEP
        texts = [sep + " " + w + " " for w in words]
        whole = "".join(texts) + sep
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        lengths[-1:] += 1  # the closing separator
        chars = np.frombuffer(whole.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        rank = np.searchsorted(self.chars, chars).astype(np.int64)
        found = rank < len(self.chars)
        found[found] = self.chars[rank[found]] == chars[found]
        digit = np.where(found, rank + 1, len(self.chars) + 1)
        digit[chars == ord(sep)] = 0
        doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)  # word of each char
        is_sep = np.concatenate([[0], np.cumsum(digit == 0)])
        n_chars = len(digit)
        rows, cols = [], []
        value = np.zeros(n_chars, dtype=np.int64)
        for n in range(1, self.max_n + 1):
            starts = n_chars - n + 1
            if starts <= 0:
                break
            value = value[:starts] * self.base + digit[n - 1 : n - 1 + starts]
            if n < self.min_n:
                continue
            clean = np.flatnonzero(is_sep[n : n + starts] == is_sep[:starts])
            pos = np.searchsorted(self.codes, value[clean])
            pos[pos == len(self.codes)] = 0
            hit = self.codes[pos] == value[clean]
            rows.append(doc_of[clean[hit]])
            cols.append(self.order[pos[hit]])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        n_grams = len(self.codes)
        keys, count = np.unique(row * n_grams + col, return_counts=True)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // n_grams, minlength=len(texts)), out=indptr[1:])
        return sp.csr_matrix(
            (count.astype(np.float32), (keys % n_grams).astype(np.int32), indptr),
            shape=(len(texts), n_grams),
        )


__all__ = ["CharNgrams", "GramCounter"]
