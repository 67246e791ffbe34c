"""What turns text into sparse vectors, without scikit-learn at run time.

scikit-learn is only needed to *fit* the title classifier; ranking reads three of its small
pieces, written here with the same results (tested against scikit-learn, value for value):

- :func:`murmurhash3_32`: the hash of ``HashingVectorizer`` (MurmurHash3 x86 32-bit of the UTF-8
  bytes), over an array of terms at once;
- :func:`char_wb_grams`: the ``char_wb`` analyzer of one word;
- :func:`l2_normalise_rows`: ``sklearn.preprocessing.normalize`` of a sparse matrix.

Importing scikit-learn costs about 0.8 s here (it imports scipy.stats, which parses the
docstrings of its distributions), as much as everything else a ``rank`` command imports.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)
# Terms hashed at once: their bytes are copied into a (terms x longest) array.
HASH_CHUNK = 65_536


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _mix(k: np.ndarray) -> np.ndarray:
    return _rotl(k * _C1, 15) * _C2


def murmurhash3_32(terms: list[str], seed: int = 0) -> np.ndarray:
    """Signed 32-bit MurmurHash3 (x86) of the UTF-8 bytes of each term, as
    ``sklearn.utils.murmurhash3_32(term, seed)`` gives it; int64 array.

    The terms are sorted by length and cut into chunks; each chunk's bytes are laid out in rows of
    whole 4-byte blocks (zero-padded) and every block column is mixed for all the terms that
    reach it at once (sorted by length, they are the last rows of the chunk)."""
    data = list(map(str.encode, terms))  # UTF-8
    n = len(data)
    out = np.empty(n, dtype=np.uint32)
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=n)
    order = np.argsort(lengths, kind="stable")
    for a in range(0, n, HASH_CHUNK):
        idx = order[a : a + HASH_CHUNK]
        size = lengths[idx]
        width = max(int(-(-int(size[-1]) // 4)) * 4, 4)
        chunk = list(map(data.__getitem__, idx.tolist()))
        raw = b"".join(map(bytes.ljust, chunk, [width] * len(chunk), [b"\0"] * len(chunk)))
        blocks = np.frombuffer(raw, dtype="<u4").reshape(len(idx), width // 4)
        full = size // 4
        h = np.full(len(idx), seed, dtype=np.uint32)
        for j in range(blocks.shape[1]):
            # Rows [lo, hi): their last 1-3 bytes are in block j (zero-padded: the integer the
            # tail's bytes make), xored in once; rows [hi, end): block j is a whole block.
            lo, hi = np.searchsorted(full, [j, j + 1])
            k = _mix(blocks[lo:, j].copy())
            tail = size[lo:hi] % 4 != 0
            h[lo:hi][tail] ^= k[: hi - lo][tail]
            h[hi:] = _rotl(h[hi:] ^ k[hi - lo :], 13) * np.uint32(5) + np.uint32(0xE6546B64)
        h ^= size.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
        out[idx] = h
    return out.view(np.int32).astype(np.int64)


def char_wb_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """The character n-grams of one word as scikit-learn's ``char_wb`` analyzer cuts it: the
    word padded with a space each side, every window of ``min_n`` to ``max_n`` characters; a
    padded word shorter than n is one n-gram, and longer n are not tried."""
    w = f" {word} "
    out: list[str] = []
    for n in range(min_n, max_n + 1):
        if len(w) <= n:
            out.append(w)
            break
        out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


def l2_normalise_rows(x: sp.spmatrix, copy: bool = True) -> sp.csr_matrix:
    """Rows divided by their L2 norm, rows of zeros left as they are: what
    ``sklearn.preprocessing.normalize(x, copy=copy)`` gives for a sparse matrix, to the same
    floats (the squares in the matrix's precision, summed in float64 in the rows' order, each
    value divided in float64 and stored back in the matrix's precision)."""
    x = sp.csr_matrix(x, copy=copy)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if x.nnz == 0:
        return x
    rows = np.repeat(np.arange(x.shape[0], dtype=np.int64), np.diff(x.indptr))
    # bincount adds the weights one by one in their order: each row's sum, left to right.
    sums = np.bincount(rows, weights=(x.data * x.data).astype(np.float64), minlength=x.shape[0])
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0
    x.data = (x.data / norms[rows]).astype(x.dtype)
    return x


__all__ = ["char_wb_grams", "l2_normalise_rows", "murmurhash3_32"]
