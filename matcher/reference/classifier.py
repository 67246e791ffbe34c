"""Job title -> ROME code, on titles as employers and counsellors write them.

1. **Cleaning** (:func:`title_parts`): "(H/F)", "Directeur (trice)", "Technicien(ne)",
   "Agent.e" collapsed; the title cut into segments at " - ", "|", "(...)", " / ", "chez",
   "secteur", "ou"; contract, time and seniority words dropped ("CDI", "35h", "Senior",
   "confirmé"); words brought to the masculine ("technicienne" -> "technicien", "cheffe" ->
   "chef") on both sides, so that a feminine-only title finds its masculine appellation;
   abbreviations expanded ("ASH"). The **main** segment is the first one that starts with a job
   noun (the first word of some appellation): "LIDL - Employé de rayon" -> "employe de rayon",
   "Cadre de santé - Service Pédopsychiatrie" -> "cadre de sante"; a further segment that starts
   with a job noun is a **second job** ("Serveur / Barman"), whose code becomes a candidate.
2. **Scores** of every code: the closest appellation by cosine of character n-grams, a title
   whose head noun (first word) differs from the query's counting HEAD_DISCOUNT of its
   similarity ("technicien qualite" is not "agent de surface"); the code's whole document
   (appellations, skills, definition); rapidfuzz on the closest title; and, when given, the
   offer's **context** (description and skills) against the code's document.
3. **Confidence**: a logistic function of the best score, its margin over the best code of
   another job family (a parent and its children are one family: a doubt between them is no
   doubt) and whether the head nouns agree; fitted on real-like titles of a tuning seed
   (matcher/devtools/real_titles.py). Below the product's threshold the title gets no code
   ("à vérifier").

Everything built from the referential is kept on disk (:func:`cache_dir`), keyed by a hash of
the referential's content and :data:`VERSION`: built once (about 10 s for the full ROME), then
read in a fraction of a second by every process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from matcher.text.normalise import (
    canonical_jargon,
    collapse_gender,
    expand_abbreviations,
    fold_text,
    normalise_text,
    stop_words,
)

if TYPE_CHECKING:
    from matcher.reference.referential import Referential

log = logging.getLogger(__name__)

VERSION = "4"  # bump when the artefacts or the cleaning change: the cache is rebuilt
CACHE_ENV = "MATCHER_CACHE"

# -- cleaning ---------------------------------------------------------------------------------
_FEM_MARK = (r"(?:e|ne|se|euse|rice|trice|ère|ere|ive|ve|enne|ienne|le|te|fe|ffe|esse|eure|"
             r"ère|ière|iere)")  # fmt: skip
# "Directeur (trice)", "Agent (e)", "ANIMATEUR(TRICE)" (a space or upper case: not in normalise)
_SPACE_PAREN_FEM = re.compile(rf"(\w{{2,}})\s*\(\s*{_FEM_MARK}\s*\)", re.IGNORECASE)
_SLASH_MARK = re.compile(rf"(\w{{3,}})\s*/\s*{_FEM_MARK}\b", re.IGNORECASE)
_SEGMENTS = re.compile(
    r"\s+[-–—|]+\s+|\s*(?:…|\.\.\.)\s*|\s*[|()\[\]«»\"]\s*|\s+/\s+|/(?=\w{3})|\s*[,;:]\s+"
    r"|\s+(?:chez|secteur|pour|ou|au sein d[eu']?s?)\s+|^\s*[-–—]+|[-–—]+\s*$",
    re.IGNORECASE,
)
_NOISE = re.compile(
    r"\b(?:h f x|h f|f h|cdi|cdd|cddi|cdd cdi|interim(?:aire)?|en interim|alternance|en alternance"
    r"|apprentissage|apprenti|stage|stagiaire|saisonnier|saison|temps (?:plein|partiel)"
    r"|contrat (?:de professionnalisation|pro|aide)|remplacement|\d+ ?h(?:eures?)?(?: semaine)?"
    r"|\d+ mois|\d+ ans? d experience|experience|senior|junior|confirme|experimente|debutant"
    r"|debutant accepte|accepte|urgent|immediat|poste a pourvoir|nuit|week end|h)\b"
)
# Feminine -> masculine endings on folded words (both sides get the same treatment, so a
# conflation such as "vente" -> "vent" is harmless: it happens to titles too).
_MASC = (("eresse", "eur"), ("euse", "eur"), ("trice", "teur"), ("iere", "ier"),
         ("ienne", "ien"), ("onne", "on"), ("elle", "el"), ("eure", "eur"), ("ive", "if"),
         ("ere", "er"), ("ee", "e"), ("ante", "ant"), ("ente", "ent"), ("ffe", "f"),
         ("ale", "al"))  # fmt: skip


@functools.lru_cache(maxsize=100_000)
def masculine_word(word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    for fem, masc in _MASC:
        if word.endswith(fem) and len(word) - len(fem) >= 3:
            return word[: -len(fem)] + masc
    return word


NO_JOB = "?"  # marks a main key without a job noun
# Confidence factor of a title none of whose segments starts with a job noun.
NO_JOB_FACTOR = 0.5
_EDGE_STOPS = frozenset({"de", "d", "du", "des", "en", "la", "le", "les", "l", "a", "au", "aux",
                         "et", "un", "une", "notre", "nos", "pour", "sur", "avec"})  # fmt: skip


def _masculine_text(text: str) -> str:
    return " ".join(masculine_word(w) for w in text.split(" ") if w)


def _trim(text: str) -> str:
    words = text.split(" ")
    while words and words[-1] in _EDGE_STOPS:
        words.pop()
    while words and words[0] in _EDGE_STOPS:
        words.pop(0)
    return " ".join(w for w in words if w)


def keys_of(segments: pd.Series) -> pd.Series:
    """Segments -> their comparison keys (folded, masculine, noise dropped, jargon and
    abbreviations expanded); computed once per distinct segment."""
    distinct = pd.Series(pd.unique(segments.astype("object").fillna("").astype(str)))
    folded = fold_text(distinct).map(_masculine_text)
    cleaned = folded.str.replace(_NOISE, " ", regex=True).str.split().str.join(" ")
    # Abbreviation expansions are written in their own folded form: masculinised again.
    expanded = expand_abbreviations(canonical_jargon(cleaned)).map(_masculine_text).map(_trim)
    table = dict(zip(distinct, expanded, strict=True))
    return segments.astype("object").fillna("").astype(str).map(table)


def _collapsed(raw: pd.Series) -> pd.Series:
    text = raw.astype("object").fillna("").astype(str)
    text = text.str.replace(_SPACE_PAREN_FEM, r"\1", regex=True)
    return collapse_gender(text.str.replace(_SLASH_MARK, r"\1", regex=True))


def title_keys(titles: pd.Series) -> pd.Series:
    """Appellations of the referential -> their keys (no splitting: appellations are clean)."""
    return keys_of(_collapsed(titles))


def parts_of(raw: pd.Series, heads: frozenset[str]) -> list[tuple[str, str]]:
    """Titles as written -> (main key, second job's key or "") each, see the module docstring.
    When no segment starts with a job noun, the main key is the first segment prefixed by "?"
    (the classifier then lowers its confidence: a place, a contract or a brand is no job)."""
    segments = _collapsed(raw).map(lambda t: [x for x in _SEGMENTS.split(t) if x and x.strip()])
    flat = segments.explode().dropna()
    keys = keys_of(flat) if len(flat) else flat
    by_row: dict[int, list[str]] = {}
    for i, k in zip(flat.index, keys, strict=True):
        if k:
            by_row.setdefault(i, []).append(k)
    out = []
    for i in raw.index:
        found = by_row.get(i, [])
        if not found:
            out.append(("", ""))
            continue
        jobs = [k for k in found if k.split(" ", 1)[0] in heads]
        if not jobs:
            out.append((NO_JOB + found[0], ""))
        else:
            out.append((jobs[0], jobs[1] if len(jobs) > 1 else ""))
    return out


def title_parts(raw: str, heads: frozenset[str]) -> tuple[str, str]:
    """One title as written -> (main key, second job's key or ""): :func:`parts_of`."""
    return parts_of(pd.Series([raw]), heads)[0]


# -- n-gram vectors that can be saved -----------------------------------------------------------
class CharNgrams:
    """Character n-gram TF-IDF within words (scikit-learn's ``char_wb``, sublinear tf, L2).
    Fitting goes through the distinct words (documents x words times words x n-grams: each
    distinct word cut once, 5 to 10 times faster on the long code documents); the fitted state is
    the n-gram list and the IDF, which :meth:`state` / :meth:`from_state` save and restore."""

    def __init__(self, ngram_range: tuple[int, int]):
        self.ngram_range = ngram_range
        self._grams: CountVectorizer | None = None
        self.idf = np.zeros(0, dtype=np.float32)

    def fit_transform(self, docs) -> sp.csr_matrix:
        words = CountVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.float32)
        counts_w = words.fit_transform(docs)
        grams = CountVectorizer(
            analyzer="char_wb", ngram_range=self.ngram_range, lowercase=False, dtype=np.float32
        )
        word_grams = grams.fit_transform(words.get_feature_names_out()).tocsr()
        counts = (counts_w @ word_grams).tocsr()
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self._grams = grams
        return self._weigh(counts)

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.astype(np.float32)
        counts.data = np.log(counts.data) + 1
        return normalize(counts @ sp.diags(self.idf)).astype(np.float32).tocsr()

    def transform(self, docs) -> sp.csr_matrix:
        assert self._grams is not None
        return self._weigh(self._grams.transform(docs).tocsr())

    def state(self) -> dict[str, np.ndarray]:
        assert self._grams is not None
        return {"grams": self._grams.get_feature_names_out().astype(str), "idf": self.idf}

    @classmethod
    def from_state(cls, ngram_range: tuple[int, int], grams: np.ndarray, idf: np.ndarray):
        out = cls(ngram_range)
        out._grams = CountVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            lowercase=False,
            dtype=np.float32,
            vocabulary={g: i for i, g in enumerate(grams.tolist())},
        )
        out.idf = idf.astype(np.float32)
        return out


# -- cache --------------------------------------------------------------------------------------
def cache_dir() -> Path:
    """``$MATCHER_CACHE``, else ``.cache/`` at the project's root (not committed)."""
    from matcher.paths import ROOT

    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else ROOT / ".cache"


def referential_hash(referential: Referential) -> str:
    """A hash of everything the classifier reads from the referential, and of VERSION."""
    from matcher.reference.referential import CODE, PARENT, SKILL, TEXT, TITLE

    h = hashlib.sha1(VERSION.encode())
    parts = [
        referential.titles[[CODE, TITLE]],
        referential.codes[[c for c in (CODE, PARENT) if c in referential.codes]],
        referential.skills[[CODE, SKILL, *(["kind"] if "kind" in referential.skills else [])]],
        referential.texts[[CODE, TEXT]],
    ]
    for frame in parts:
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()[:20]


def _save_sparse(prefix: str, m: sp.csr_matrix, out: dict[str, np.ndarray]) -> None:
    out[f"{prefix}_data"] = m.data
    out[f"{prefix}_indices"] = m.indices
    out[f"{prefix}_indptr"] = m.indptr
    out[f"{prefix}_shape"] = np.array(m.shape)


def _load_sparse(prefix: str, z) -> sp.csr_matrix:
    return sp.csr_matrix(
        (z[f"{prefix}_data"], z[f"{prefix}_indices"], z[f"{prefix}_indptr"]),
        shape=tuple(z[f"{prefix}_shape"]),
    )


# -- the classifier -----------------------------------------------------------------------------
class TitleClassifier:
    """Job title -> ROME code (see the module docstring)."""

    W_DOC = 1.6
    W_FUZZ = 0.6
    W_CONTEXT = 1.2
    HEAD_DISCOUNT = 0.8
    SHORTLIST = 15
    CHUNK = 1000
    # Confidence = logistic(sum of COEF x features + INTERCEPT); features: best score, margin
    # over the best code of another family, head nouns agree (0/1), context given (0/1).
    # Fitted on real-like titles of the tuning seed 7 (python -m matcher evaluate titles
    # --seed 7, features of matcher/devtools/real_titles.py); the figures are reported on seed 2026.
    COEF = (0.78, 5.052, -0.561, -0.107)
    INTERCEPT = -0.925
    # The compact built-in referential alone (58 codes): a title of another job still finds a
    # "best" code there; the same features, fitted the same way on that referential.
    COEF_SMALL = (2.5, 2.0, 1.0, 0.0)
    INTERCEPT_SMALL = -4.5

    def __init__(self, referential: Referential, use_cache: bool = True):
        from matcher.reference.referential import BUILTIN, CODE, LABEL, PARENT

        self.referential = referential
        small = referential.source == BUILTIN
        self.coef = np.array(self.COEF_SMALL if small else self.COEF)
        self.intercept = self.INTERCEPT_SMALL if small else self.INTERCEPT
        key = referential_hash(referential)
        path = cache_dir() / f"classifier-{key}.npz"
        loaded = False
        if use_cache and path.is_file():
            try:
                self._load(path)
                loaded = True
            except (OSError, KeyError, ValueError) as exc:  # a damaged file: rebuild it
                log.warning("classifier cache %s unreadable (%s): rebuilt", path, exc)
        if not loaded:
            self._build(referential)
            if use_cache:
                self._save(path)
        codes = referential.codes.drop_duplicates(CODE).set_index(CODE)
        self._labels = codes[LABEL]
        parents = codes[PARENT] if PARENT in codes else pd.Series(codes.index, index=codes.index)
        fam = parents.reindex(self._codes).fillna(pd.Series(self._codes, index=self._codes))
        self._family = pd.factorize(fam.to_numpy())[0]

    # -- building and caching ---------------------------------------------------------------
    def _build(self, referential: Referential) -> None:
        from matcher.reference.referential import CODE, KIND, SAVOIR_FAIRE, SKILL, TEXT, TITLE

        titles = referential.titles[[CODE, TITLE]].copy()
        titles["key"] = title_keys(titles[TITLE]).to_numpy()
        titles = titles[titles["key"] != ""].drop_duplicates([CODE, "key"])
        titles = titles.sort_values([CODE, "key"], kind="stable", ignore_index=True)
        if titles.empty:
            raise ValueError("empty referential")
        self._codes, self._starts = np.unique(titles[CODE].to_numpy(), return_index=True)
        self._title_key = titles["key"].to_numpy().astype(str)
        self._title_raw = titles[TITLE].to_numpy().astype(str)
        self._chars = CharNgrams((2, 4))
        self._title_matrix = self._chars.fit_transform(self._title_key).T.tocsr()
        parts = [pd.DataFrame({CODE: titles[CODE], "text": titles[TITLE]})]
        sk = referential.skills
        if not sk.empty:
            if KIND in sk:
                sk = sk[sk[KIND] == SAVOIR_FAIRE]
            parts.append(pd.DataFrame({CODE: sk[CODE], "text": sk[SKILL]}))
        if not referential.texts.empty:
            parts.append(referential.texts[[CODE, TEXT]].rename(columns={TEXT: "text"}))
        docs = pd.concat(parts, ignore_index=True).drop_duplicates()
        docs = docs[docs[CODE].isin(self._codes)]
        docs["text"] = normalise_text(docs["text"])
        joined = docs.groupby(CODE)["text"].agg(" ".join).reindex(self._codes, fill_value="")
        self._docs = CharNgrams((3, 5))
        self._doc_matrix = self._docs.fit_transform(joined.to_numpy()).T.tocsr()
        self._finish()

    def _finish(self) -> None:
        self._ends = np.append(self._starts[1:], len(self._title_key))
        heads = np.array([k.split(" ", 1)[0] for k in self._title_key])
        self._head_vocab, self._title_head = np.unique(heads, return_inverse=True)
        self.heads = frozenset(self._head_vocab.tolist())

    def _save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {
            "codes": self._codes.astype(str),
            "starts": self._starts,
            "title_key": self._title_key,
            "title_raw": self._title_raw,
        }
        for name, vec in (("chars", self._chars), ("docs", self._docs)):
            st = vec.state()
            arrays[f"{name}_grams"], arrays[f"{name}_idf"] = st["grams"], st["idf"]
        _save_sparse("title_matrix", self._title_matrix, arrays)
        _save_sparse("doc_matrix", self._doc_matrix, arrays)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, path)  # atomic: a parallel reader sees the whole file or none
        except OSError as exc:  # a read-only installation still works, only slower
            log.warning("classifier cache not written to %s: %s", path, exc)

    def _load(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as z:
            self._codes = z["codes"]
            self._starts = z["starts"]
            self._title_key = z["title_key"]
            self._title_raw = z["title_raw"]
            self._chars = CharNgrams.from_state((2, 4), z["chars_grams"], z["chars_idf"])
            self._docs = CharNgrams.from_state((3, 5), z["docs_grams"], z["docs_idf"])
            self._title_matrix = _load_sparse("title_matrix", z)
            self._doc_matrix = _load_sparse("doc_matrix", z)
        self._finish()

    # -- scoring ----------------------------------------------------------------------------
    @property
    def codes(self) -> np.ndarray:
        return self._codes

    def parts(self, queries: pd.Series) -> pd.DataFrame:
        """Main key and second job's key of each query."""
        values = queries.astype("object").where(queries.notna(), "").astype(str)
        distinct = pd.Series(pd.unique(values.to_numpy()))
        done = dict(zip(distinct, parts_of(distinct, self.heads), strict=True))
        pairs = [done[v] for v in values]
        return pd.DataFrame(pairs, columns=["main", "second"], index=queries.index)

    def _score_keys(
        self, keys: np.ndarray, contexts: np.ndarray | None, width: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For each key: best codes (n x width), their scores (n x width), the closest title of
        the first, the head agreement of the first, the margin over another family."""
        n = len(keys)
        k = min(self.SHORTLIST, max(len(self._codes) // 2, 1))
        out_codes = np.zeros((n, width), dtype=np.int64)
        out_score = np.zeros((n, width), dtype=np.float64)
        out_title = np.zeros(n, dtype=np.int64)
        out_head = np.zeros(n, dtype=bool)
        out_margin = np.zeros(n, dtype=np.float64)
        head_index = {h: i for i, h in enumerate(self._head_vocab.tolist())}
        for start in range(0, n, self.CHUNK):
            sl = slice(start, start + self.CHUNK)
            block = keys[sl]
            m = len(block)
            rows = np.arange(m)[:, None]
            sims = (self._chars.transform(block) @ self._title_matrix).toarray()
            qhead = np.array([head_index.get(b.split(" ", 1)[0], -1) for b in block])
            same_head = self._title_head[None, :] == qhead[:, None]
            adj = np.where(same_head, sims, sims * self.HEAD_DISCOUNT)
            best = np.maximum.reduceat(adj, self._starts, axis=1)
            norm = normalise_text(pd.Series(block))
            doc = (self._docs.transform(norm.to_numpy()) @ self._doc_matrix).toarray()
            score_ctx = np.zeros_like(doc)
            if contexts is not None:
                ctx = normalise_text(pd.Series(contexts[sl]))
                score_ctx = (self._docs.transform(ctx.to_numpy()) @ self._doc_matrix).toarray()
            kk = min(k, best.shape[1])
            by_title = np.argpartition(-best, kk - 1, axis=1)[:, :kk]
            masked = doc + score_ctx
            masked[rows, by_title] = -np.inf
            by_doc = np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
            cand = np.concatenate([by_title, by_doc], axis=1)
            title_idx = self._best_titles(adj, cand)
            fz = (
                process.cpdist(
                    np.repeat(block, cand.shape[1]),
                    self._title_key[title_idx.ravel()],
                    scorer=fuzz.token_sort_ratio,
                    workers=2,
                    dtype=np.float32,
                ).reshape(cand.shape)
                / 100.0
            )
            score = (
                best[rows, cand] ** 3
                + self.W_DOC * doc[rows, cand]
                + self.W_FUZZ * fz**3
                + self.W_CONTEXT * score_ctx[rows, cand]
            )
            empty = np.array([b == "" for b in block])
            score[empty] = 0.0
            order = np.lexsort((cand, -score), axis=1)
            cand_sorted = np.take_along_axis(cand, order, axis=1)
            score_sorted = np.take_along_axis(score, order, axis=1)
            w = min(width, cand.shape[1])
            out_codes[sl, :w] = cand_sorted[:, :w]
            out_score[sl, :w] = score_sorted[:, :w]
            first_title = np.take_along_axis(title_idx, order[:, :1], axis=1)[:, 0]
            out_title[sl] = first_title
            out_head[sl] = self._title_head[first_title] == qhead
            fam = self._family[cand_sorted]
            other = np.where(fam != fam[:, :1], score_sorted, -np.inf).max(axis=1)
            out_margin[sl] = score_sorted[:, 0] - np.where(np.isfinite(other), other, 0.0)
        return out_codes, out_score, out_title, out_head, out_margin

    def confidence(self, score, margin, head, has_context) -> np.ndarray:
        x = np.column_stack([score, margin, head.astype(float), has_context.astype(float)])
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def features(
        self, queries: pd.Series, contexts: pd.Series | None = None, top: int = 3
    ) -> pd.DataFrame:
        """The raw scores behind :meth:`classify` (used to fit the confidence)."""
        parts = self.parts(queries)
        ctx = None
        if contexts is not None:
            c = contexts.reindex(queries.index)
            ctx = c.astype("object").where(c.notna(), "").astype(str).to_numpy()
        width = max(top, 2)
        mains = parts["main"].to_numpy().astype(str)
        no_job = np.char.startswith(mains, NO_JOB)
        mains = np.where(no_job, np.char.lstrip(mains, NO_JOB), mains)
        codes, score, title, head, margin = self._score_keys(mains, ctx, width)
        out = pd.DataFrame(index=queries.index)
        out["main"] = mains
        out["no_job"] = no_job
        out["second"] = parts["second"]
        out["_codes"] = list(codes)
        out["_scores"] = list(score)
        out["title_idx"] = title
        out["score"] = score[:, 0]
        out["margin"] = margin
        out["head"] = head
        out["has_context"] = np.array([bool(x.strip()) for x in ctx]) if ctx is not None else False
        return out

    def classify(
        self, queries: pd.Series, top: int = 3, contexts: pd.Series | None = None
    ) -> pd.DataFrame:
        """One row per query (same index): ``code``, ``label``, ``confidence`` in [0, 1] (an
        estimate of the chance that the code is right), ``matched_title`` (the closest title of
        that code) and ``candidates`` (list of (code, confidence) of the next best codes, the
        second job's code first when the title names two). ``contexts``: optional text of the
        offer (description, skills) per query, same index, used as evidence. Empty queries give
        no code and confidence 0."""
        if not isinstance(queries, pd.Series):
            queries = pd.Series(list(queries), dtype=object)
        f = self.features(queries, contexts, top)
        conf = self.confidence(f["score"], f["margin"], f["head"], f["has_context"])
        conf = np.where(f["no_job"].to_numpy(), conf * NO_JOB_FACTOR, conf)
        empty = (f["main"] == "").to_numpy()
        conf = np.where(empty, 0.0, conf)
        codes = np.array([self._codes[c] for c in f["_codes"]], dtype=object).reshape(len(f), -1)
        scores = np.vstack(f["_scores"].to_numpy()) if len(f) else np.zeros((0, 2))
        # Confidence of the other candidates: the same curve, their own score and their gap
        # to the first (negative margin).
        others = self.confidence(
            scores[:, 1:].ravel(),
            (scores[:, 1:] - scores[:, :1]).ravel(),
            np.zeros(scores[:, 1:].size, dtype=bool),
            np.repeat(f["has_context"].to_numpy(), scores.shape[1] - 1),
        ).reshape(len(f), -1) if len(f) else np.zeros((0, 1))  # fmt: skip
        second_code = self._second_codes(f)
        out = pd.DataFrame(index=queries.index)
        first = codes[:, 0].copy()
        first[empty] = None
        out["code"] = pd.Series(first, index=queries.index, dtype=object)
        out["label"] = out["code"].map(self._labels)
        out["confidence"] = np.round(conf, 4)
        out["matched_title"] = np.where(empty, None, self._title_raw[f["title_idx"].to_numpy()])
        cands: list[list[tuple[str, float]]] = []
        for i in range(len(f)):
            if empty[i]:
                cands.append([])
                continue
            lst = [
                (str(c), round(float(v), 4))
                for c, v in zip(codes[i, 1:top], others[i, : top - 1], strict=False)
            ]
            sc = second_code[i]
            if sc and sc != codes[i, 0]:
                lst = [(sc, round(float(conf[i]) * 0.9, 4))] + [x for x in lst if x[0] != sc]
                lst = lst[: max(top - 1, 1)]
            cands.append(lst)
        out["candidates"] = cands
        return out

    def _second_codes(self, f: pd.DataFrame) -> list[str | None]:
        seconds = f["second"].to_numpy().astype(str)
        has = np.flatnonzero(seconds != "")
        out: list[str | None] = [None] * len(f)
        if len(has):
            codes, _, _, _, _ = self._score_keys(seconds[has], None, 1)
            for i, c in zip(has, codes[:, 0], strict=True):
                out[i] = str(self._codes[c])
        return out

    def _best_titles(self, sims: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """Index of the closest title of each candidate code (argmax over that code's columns)."""
        rows = np.arange(sims.shape[0])[:, None]
        title_idx = np.empty_like(cand)
        for j in range(cand.shape[1]):
            s, e = self._starts[cand[:, j]], self._ends[cand[:, j]]
            cols = s[:, None] + np.arange(int((e - s).max()))[None, :]
            vals = np.where(cols < e[:, None], sims[rows, np.minimum(cols, sims.shape[1] - 1)], -1)
            title_idx[:, j] = s + vals.argmax(axis=1)
        return title_idx


def head_nouns(referential: Referential) -> frozenset[str]:
    return referential.classifier.heads


__all__ = ["TitleClassifier", "cache_dir", "parts_of", "stop_words", "title_keys", "title_parts"]
