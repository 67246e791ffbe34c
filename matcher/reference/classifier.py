"""Job title -> ROME code, on titles as employers and counsellors write them.

1. **Cleaning** (:func:`title_parts`): "(H/F)", "Directeur (trice)", "Technicien(ne)",
   "Agent.e", "Designer / Designeuse" collapsed; the title cut into segments at " - ", "|", "(...)", " / ", "chez",
   "secteur" (not in "chef de secteur", "responsable de secteur": jobs of their own), "ou"; contract, time and seniority words dropped ("CDI", "35h", "Senior",
   "confirmé"); words brought to the masculine ("technicienne" -> "technicien", "cheffe" ->
   "chef") on both sides, so that a feminine-only title finds its masculine appellation;
   abbreviations and words cut short expanded ("ASH", "Resp.", "Tech."). The **main** segment is
   the first one that starts with a job noun (the first word of some appellation; a job noun
   with one typo counts, and is written right): "LIDL - Employé de rayon" -> "employe de rayon",
   "Cadre de santé - Service Pédopsychiatrie" -> "cadre de sante"; a further segment that starts
   with a job noun is a **second job** ("Serveur / Barman"), whose code becomes a candidate.
2. **Candidates**: the 15 codes with the closest appellation by cosine of character n-grams (a
   title whose head noun, its first word, differs from the query's counting HEAD_DISCOUNT of its
   similarity: "technicien qualite" is not "agent de surface"), and the 15 next codes by the
   query and, when given, the offer's **context** (description and skills) against the code's
   document (appellations, skills, definition).
3. **Reranking**: each candidate gets the evidence of :data:`FEATURES`: the first-stage score
   (title, document, rapidfuzz and context similarities combined), each of them alone and
   relative to the query's best, head-noun agreement, the IDF-weighted share of the query's
   words found in the code's titles and document (a held-out synonym shares its rare word with
   the right code), the code's title centroid, how many of the query's best codes (by title and
   by context) are in the same professional domain, and the code's number of titles. A
   conditional logit over the candidates (linear in these features, fitted on real-like titles
   of a tuning seed by :mod:`matcher.devtools.fit_classifier`) orders them.
4. **Confidence**: a logistic function of the first code's share of the softmax, its margins over
   the best code of another job family (a parent and its children are one family: a doubt
   between them is no doubt) and of another professional domain, whether a context was given,
   its first-stage score and its closest title; fitted on the same titles. It estimates the
   chance that the code (or its parent or child) is right. Below the product's threshold the
   title gets no code ("à vérifier"). 0.9 or more is kept for titles held as written (SURE_CAP).

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
from rapidfuzz.distance import OSA

from matcher.paths import CACHE_ENV, cache_dir
from matcher.reference.char_ngrams import CharNgrams
from matcher.text.normalise import (
    canonical_jargon,
    collapse_gender,
    expand_abbreviations,
    fold_text,
    normalise_text,
    stop_words,
)
from matcher.text.vectors import l2_normalise_rows

if TYPE_CHECKING:
    from matcher.reference.referential import Referential

log = logging.getLogger(__name__)

VERSION = "8"  # bump when the artefacts or the cleaning change: the cache is rebuilt

# -- cleaning ---------------------------------------------------------------------------------
_FEM_MARK = (r"(?:e|ne|se|euse|rice|trice|ère|ere|ive|ve|enne|ienne|le|te|fe|ffe|esse|eure|"
             r"ère|ière|iere)")  # fmt: skip
# "Directeur (trice)", "Agent (e)", "ANIMATEUR(TRICE)" (a space or upper case: not in normalise)
_SPACE_PAREN_FEM = re.compile(rf"(\w{{2,}})\s*\(\s*{_FEM_MARK}\s*\)", re.IGNORECASE)
_SLASH_MARK = re.compile(rf"(\w{{3,}})\s*/\s*{_FEM_MARK}\b", re.IGNORECASE)
_SEGMENTS = re.compile(
    r"\s+[-–—|]+\s+|\s*(?:…|\.\.\.)\s*|\s*[|()\[\]«»\"]\s*|\s+/\s+|/(?=\w{3})|\s*[,;:]\s+"
    r"|\s+(?:chez|pour|ou|au sein d[eu']?s?)\s+|(?<!\bde)(?<!\bdu)(?<!\bchef)(?<!\bcheffe)\s+secteur\s+"
    r"|^\s*[-–—]+|[-–—]+\s*$",
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
# Marks a main key whose job noun :func:`typo_heads` corrected: a guess (a held-out "typographe"
# became "topographe"), so such a title is never sure (see TitleClassifier.SURE_CAP).
TYPO_HEAD = "~"
# Marks a main key cut from words the referential's titles use ("Animateur 2D - films
# d'animation" read as "animateur 2d"), or a job noun alone whose "second job" is that noun and
# more (a gender pair a typo left whole): what was dropped may have named another job, so the
# title is never sure either.
CUT_TITLE = "^"
# Confidence factor of a title none of whose segments starts with a job noun.
NO_JOB_FACTOR = 0.5
_EDGE_STOPS = frozenset({"de", "d", "du", "des", "en", "la", "le", "les", "l", "a", "au", "aux",
                         "et", "un", "une", "notre", "nos", "pour", "sur", "avec"})  # fmt: skip


# Words cut short in titles ("Resp. d'exploitation", "Tech. de maintenance", "Agent admin."),
# on folded words; a title's key only (skills and descriptions go through data/abreviations.csv).
CUT_WORDS = {"resp": "responsable", "respo": "responsable", "tech": "technicien",
             "techn": "technicien", "assist": "assistant", "asst": "assistant",
             "cons": "conseiller", "comm": "commercial", "admin": "administratif",
             "adm": "administratif", "prepa": "preparateur", "agt": "agent", "ope": "operateur",
             "maint": "maintenance", "dir": "directeur", "adj": "adjoint", "coord": "coordinateur",
             "gest": "gestionnaire", "compta": "comptable", "secr": "secretaire",
             "mecano": "mecanicien", "elec": "electricien", "manut": "manutentionnaire",
             "ing": "ingenieur", "infirm": "infirmier", "educ": "educateur",
             "cond": "conducteur", "commerc": "commercial"}  # fmt: skip


def _masculine_text(text: str) -> str:
    return " ".join(masculine_word(CUT_WORDS.get(w, w)) for w in text.split(" ") if w)


def _trim(text: str) -> str:
    words = text.split(" ")
    while words and words[-1] in _EDGE_STOPS:
        words.pop()
    while words and words[0] in _EDGE_STOPS:
        words.pop(0)
    return " ".join(w for w in words if w)


def word_of(word: str) -> str:
    """A key's word as the word-level evidence compares it: plural "s" / "x" dropped."""
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


def content_words(key: str) -> list[str]:
    """The words of a key that carry meaning (stop words and one-letter words dropped)."""
    stops = stop_words()
    return [word_of(w) for w in key.split(" ") if len(w) > 1 and w not in _EDGE_STOPS
            and w not in stops]  # fmt: skip


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


_SLASH_PAIR = re.compile(r"\b([^\W\d_]{3,})\s*/\s*([^\W\d_]{3,})\b")
_FEM_ENDS = ("euse", "rice", "ienne", "enne", "ere", "iere", "esse", "ive", "elle", "onne", "ffe",
             "se", "ne", "e")  # fmt: skip


def _feminine_of(word: str, other: str) -> bool:
    """``other`` is the feminine of ``word`` ("Designer / Designeuse", "Vendeur / Vendeuse"):
    they share all but the last two letters of ``word`` and ``other`` has a feminine ending."""
    a, b = fold_text(pd.Series([word, other])).tolist()
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a != b and n >= max(len(a) - 2, 3) and b.endswith(_FEM_ENDS)


def _one_gender(m: re.Match[str]) -> str:
    return m.group(1) if _feminine_of(m.group(1), m.group(2)) else m.group(0)


def _collapsed(raw: pd.Series) -> pd.Series:
    text = raw.astype("object").fillna("").astype(str)
    text = text.str.replace(_SPACE_PAREN_FEM, r"\1", regex=True)
    text = text.str.replace(_SLASH_PAIR, _one_gender, regex=True)
    return collapse_gender(text.str.replace(_SLASH_MARK, r"\1", regex=True))


def title_keys(titles: pd.Series) -> pd.Series:
    """Appellations of the referential -> their keys (no splitting: appellations are clean)."""
    return keys_of(_collapsed(titles))


def typo_heads(words: pd.Series, heads: frozenset[str]) -> dict[str, str]:
    """The words (6 letters or more: "poste" is not "poete") that are a job noun with one typo (a letter dropped, added,
    replaced or two letters swapped: "inegnieur", "tecnicien", "directeeur") -> that job noun.
    A typo in the first word must not make a title look like one without a job."""
    unknown = [w for w in pd.unique(words.dropna()) if len(w) >= 6 and w.isalpha()
               and w not in heads]  # fmt: skip
    if not unknown or not heads:
        return {}
    vocab = sorted(heads)
    dist = process.cdist(unknown, vocab, scorer=OSA.distance, score_cutoff=1,
                         dtype=np.int32, workers=-1)  # fmt: skip
    near = dist <= 1
    return {w: vocab[int(row.argmax())] for w, row in zip(unknown, near, strict=True) if row.any()}


def parts_of(
    raw: pd.Series,
    heads: frozenset[str],
    whole_keys: frozenset[str] = frozenset(),
    title_words: frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """Titles as written -> (main key, second job's key or "") each, see the module docstring.
    When no segment starts with a job noun, the main key is the first segment prefixed by "?"
    (the classifier then lowers its confidence: a place, a contract or a brand is no job).
    A main key whose job noun was corrected for a typo is prefixed by "~" (:data:`TYPO_HEAD`),
    one whose title lost a segment holding words of ``title_words`` by "^" (:data:`CUT_TITLE`),
    and so is a job noun alone whose "second job" is that noun followed by such words.
    A title whose whole key is in ``whole_keys`` (the keys of the referential's appellations)
    is not cut: "Pédicure pour bovin", "Eleveur en production bovine ou équine", "Ingénieur de
    l'agriculture et de l'environnement (IAE)" (5.5 % of the ROME's appellations lost part of
    their own key when typed as written)."""
    collapsed = _collapsed(raw)
    segments = collapsed.map(lambda t: [x for x in _SEGMENTS.split(t) if x and x.strip()])
    whole: dict[int, str] = {}
    if whole_keys:
        # Only titles that a separator cuts can differ from their whole key.
        cut = (segments.map(len) != 1) | (segments.str[0] != collapsed)
        if cut.any():
            keys = keys_of(collapsed[cut])
            whole = {i: k for i, k in keys.items() if k in whole_keys}
    flat = segments.explode().dropna()
    keys = keys_of(flat) if len(flat) else flat
    by_row: dict[int, list[str]] = {}
    for i, k in zip(flat.index, keys, strict=True):
        if k:
            by_row.setdefault(i, []).append(k)
    fixed = typo_heads(pd.Series(keys).str.split(" ", n=1).str[0], heads)
    if fixed:  # the job noun written right (then expanded again: "technicien de surface")
        written = {k: f"{fixed[k.split(' ', 1)[0]]} {k.partition(' ')[2]}".strip()
                   for found in by_row.values() for k in found if k.split(" ", 1)[0] in fixed}  # fmt: skip
        again = dict(zip(written, keys_of(pd.Series(list(written.values()))), strict=True))
        again = {k: TYPO_HEAD + v for k, v in again.items() if v}  # (an empty key: not kept)
        by_row = {i: [again.get(k) or k for k in found] for i, found in by_row.items()}
    out = []
    for i in raw.index:
        found = by_row.get(i, [])
        if i in whole:
            out.append((whole[i], ""))
            continue
        if not found:
            out.append(("", ""))
            continue
        jobs = [k for k in found if k.lstrip(TYPO_HEAD).split(" ", 1)[0] in heads]
        if not jobs:
            out.append((NO_JOB + found[0].lstrip(TYPO_HEAD), ""))
        else:  # the second job's key is classified without a confidence: no mark
            second = jobs[1] if len(jobs) > 1 else ""
            dropped = [k.lstrip(TYPO_HEAD) for k in found if k not in (jobs[0], second)]
            cut = any(w in title_words for k in dropped for w in content_words(k))
            # A gender pair left whole by a typo ("Puériculteur / Puériucltrice responsable de
            # structure..."): the main key is the job noun alone, the rest is in the "second".
            head, rest = jobs[0].lstrip(TYPO_HEAD), content_words(second.lstrip(TYPO_HEAD))
            if " " not in head and rest[:1] == [word_of(head)]:
                cut |= any(w in title_words for w in rest[1:])
            out.append(((CUT_TITLE if cut else "") + jobs[0], second.lstrip(TYPO_HEAD)))
    return out


def title_parts(raw: str, heads: frozenset[str]) -> tuple[str, str]:
    """One title as written -> (main key, second job's key or ""): :func:`parts_of`."""
    return parts_of(pd.Series([raw]), heads)[0]


# -- cache --------------------------------------------------------------------------------------
def referential_hash(referential: Referential) -> str:
    """A hash of everything the classifier reads from the referential, and of VERSION."""
    from matcher.reference.referential import CODE, PARENT, SKILL, TEXT, TITLE
    from matcher.text.normalise import abbreviations

    h = hashlib.sha1(VERSION.encode())
    # The cleaning's tables are part of every key: a new abbreviation rebuilds the artefacts.
    h.update(repr(sorted(abbreviations()[1].items())).encode())
    h.update(repr(sorted(CUT_WORDS.items())).encode())
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
# Evidence on each candidate code of a query (columns of the reranker's input, see
# TitleClassifier.RANK_COEF).
FEATURES = (
    "score",  # the first-stage score: title**3 + W_DOC doc + W_FUZZ fuzz**3 + W_CONTEXT context
    "title",  # cosine of the closest title of the code (head discount applied)
    "doc",  # the query against the code's document (titles, skills, definition)
    "context",  # the offer's text against the code's document
    "fuzz",  # rapidfuzz token_sort_ratio with the closest title
    "head",  # the closest title's head noun is the query's (0/1)
    "head_any",  # some title of the code starts with the query's head noun (0/1)
    "words_title",  # IDF-weighted share of the query's words found in the code's titles
    "words_doc",  # the same in the code's document
    "gap_score",  # score minus the query's best score
    "gap_title",  # title minus the query's best title
    "gap_context",  # context minus the query's best context
    "domain",  # weighted share of the query's 10 best codes (by score) in this code's domain
    "rank",  # log(1 + rank by score)
    # squares and products of the above: the reranker is linear in these
    "title^2", "doc^2", "context^2", "fuzz^2", "words_title^2", "words_doc^2", "domain^2",
    "title*head", "words_title*words_doc", "context*domain", "title*words_title",
    "doc*words_doc", "context*words_doc",
    "centroid",  # cosine with the mean of the code's title vectors (words spread over titles)
    "context_domain",  # weighted share of the 10 best codes by context in this code's domain
    "n_titles",  # log(number of titles of the code): broad codes are asked for more often
)  # fmt: skip
# Inputs of the confidence (see TitleClassifier.CONF_COEF).
CONF_INPUTS = ("log_odds", "margin_family", "margin_domain", "context", "score", "title",
               "domain", "context_domain", "words_title", "head", "vague")  # fmt: skip
# the FEATURES of a candidate that are CONF_INPUTS too
CONF_FEATURES = tuple(FEATURES.index(name) for name in CONF_INPUTS[4:10])
DOMAIN_TOP = 10


class TitleClassifier:
    """Job title -> ROME code (see the module docstring)."""

    W_DOC = 1.6
    W_FUZZ = 0.6
    W_CONTEXT = 1.2
    HEAD_DISCOUNT = 0.8
    SHORTLIST = 15
    CHUNK = 1000
    DENSE_FROM = 2000  # contexts per call from which the documents' matrix is made dense
    # Reranker: logit of "this candidate is right" = FEATURES x RANK_COEF + RANK_INTERCEPT;
    # a logistic regression fitted on the candidates of real-like titles of the tuning seed 7
    # (python -m matcher.devtools.fit_classifier --seed 7); figures reported on seed 2026.
    RANK_COEF: tuple[float, ...] | None = (
        3.3128, 1.0734, 4.2876, 27.8375, -3.4053, 0.0676, 0.0063, 2.1594, 1.2303, 0.8399, 0.6464,
        23.2462, 2.986, -0.1491, 1.2163, -10.6591, -46.2647, 1.7079, 8.65, 4.2602, -1.9387,
        -0.0058, -8.2147, 3.9322, -7.3545, -1.444, 0.937, 4.6398, -1.7049, 0.5136,
    )  # fmt: skip
    RANK_INTERCEPT = -2.558
    # Confidence = logistic(CONF_COEF x (logit of the first, its margin over the best code of
    # another family, its margin over the best code of another domain, context given) +
    # CONF_INTERCEPT); fitted the same way.
    CONF_COEF = (
        0.5872, 0.2706, 0.0077, 0.0875, 0.4555, -0.2404, 0.5848, 0.0618, 0.1933, 0.0207, -0.5064,
    )  # fmt: skip
    CONF_INTERCEPT = -0.9222
    # A confidence of SURE_CAP or more is kept for titles whose closest appellation is (nearly)
    # the title itself (similarity >= SURE_TITLE); other titles are capped just below it. On the
    # tuning seed 7, 17 of 3,000 held-out synonyms reached 0.9 with a code of another domain,
    # whatever their margins; with this rule 1. Nor is a title whose job noun a typo correction
    # gave (TYPO_HEAD): 11 of the 18 confident errors left on the tuning seeds 7, 11, 12 and 13
    # were held-out titles one letter from another code's appellation ("Plagiste" -> "Péagiste").
    SURE_CAP = 0.9
    SURE_TITLE = 0.95
    # The compact built-in referential alone (58 codes): a title of another job still finds a
    # "best" code there; ranked on the first-stage score, with a hand-set curve.
    # (score, margin over another family and head noun: the curve of the former classifier)
    CONF_COEF_SMALL = (0.0, 2.0, 0.0, 0.0, 2.5, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    CONF_INTERCEPT_SMALL = -4.5

    def __init__(self, referential: Referential, use_cache: bool = True):
        from matcher.reference.referential import BUILTIN, CODE, LABEL, PARENT

        self.referential = referential
        self.small = referential.source == BUILTIN
        self.rank_coef = None if self.small or self.RANK_COEF is None else np.array(self.RANK_COEF)
        self.rank_intercept = self.RANK_INTERCEPT
        self.conf_coef = np.array(self.CONF_COEF_SMALL if self.small else self.CONF_COEF)
        assert len(self.conf_coef) == len(CONF_INPUTS)
        self.conf_intercept = self.CONF_INTERCEPT_SMALL if self.small else self.CONF_INTERCEPT
        key = referential_hash(referential)
        self.cache_key, self.use_cache = key, use_cache
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
        self._domain = pd.factorize(pd.Series(self._codes).str[:3].to_numpy())[0]
        self._whole_keys = frozenset(self._title_key.tolist())
        self._words_of_titles = frozenset(w for k in self._whole_keys for w in content_words(k))

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
        raw = docs.groupby(CODE)["text"].agg(" ".join).reindex(self._codes, fill_value="")
        docs["text"] = normalise_text(docs["text"])
        joined = docs.groupby(CODE)["text"].agg(" ".join).reindex(self._codes, fill_value="")
        self._docs = CharNgrams((3, 5))
        self._doc_matrix = self._docs.fit_transform(joined.to_numpy()).T.tocsr()
        # Word-level evidence: which words each code's titles and document hold.
        title_text = pd.Series(self._title_key).groupby(np.repeat(
            np.arange(len(self._codes)), np.diff(np.append(self._starts, len(self._title_key)))
        )).agg(" ".join).to_numpy()  # fmt: skip
        doc_text = keys_of(raw.reset_index(drop=True)).to_numpy()
        from sklearn.feature_extraction.text import CountVectorizer  # fitting only

        vec = CountVectorizer(analyzer=content_words, binary=True, dtype=np.float32)
        both = vec.fit_transform(np.concatenate([title_text, doc_text])).tocsr()
        self._words = vec.get_feature_names_out().astype(str)
        self._title_words = both[: len(self._codes)]
        self._doc_words = both[len(self._codes) :]
        self._finish()

    def _finish(self) -> None:
        self._ends = np.append(self._starts[1:], len(self._title_key))
        heads = np.array([k.split(" ", 1)[0] for k in self._title_key])
        self._head_vocab, self._title_head = np.unique(heads, return_inverse=True)
        self.heads = frozenset(self._head_vocab.tolist())
        code_of_title = np.repeat(np.arange(len(self._codes)), self._ends - self._starts)
        self._code_heads = sp.csr_matrix(
            (np.ones(len(code_of_title), dtype=np.float32), (code_of_title, self._title_head)),
            shape=(len(self._codes), len(self._head_vocab)),
        )
        self._centroids = l2_normalise_rows(
            self._code_titles(code_of_title) @ self._title_matrix.T
        ).T
        self._centroids = self._centroids.astype(np.float32).tocsr()
        self._log_titles = np.log(self._ends - self._starts).astype(float)
        self._word_index = {w: i for i, w in enumerate(self._words.tolist())}
        n = len(self._codes)
        self._idf = []
        for m in (self._title_words, self._doc_words):
            df = np.bincount(m.indices, minlength=m.shape[1])
            self._idf.append((np.log((1 + n) / (1 + df)) + 1).astype(np.float32))
        self._idf_max = float(np.log(1 + n) + 1)

    def _code_titles(self, code_of_title: np.ndarray) -> sp.csr_matrix:
        """codes x titles indicator."""
        return sp.csr_matrix(
            (np.ones(len(code_of_title), dtype=np.float32),
             (code_of_title, np.arange(len(code_of_title)))),
            shape=(len(self._codes), len(code_of_title)),
        )  # fmt: skip

    def _save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {
            "codes": self._codes.astype(str),
            "starts": self._starts,
            "title_key": self._title_key,
            "title_raw": self._title_raw,
            "words": self._words,
        }
        for name, vec in (("chars", self._chars), ("docs", self._docs)):
            st = vec.state()
            arrays[f"{name}_grams"], arrays[f"{name}_idf"] = st["grams"], st["idf"]
        _save_sparse("title_matrix", self._title_matrix, arrays)
        _save_sparse("doc_matrix", self._doc_matrix, arrays)
        _save_sparse("title_words", self._title_words, arrays)
        _save_sparse("doc_words", self._doc_words, arrays)
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
            self._words = z["words"]
            self._chars = CharNgrams.from_state((2, 4), z["chars_grams"], z["chars_idf"])
            self._docs = CharNgrams.from_state((3, 5), z["docs_grams"], z["docs_idf"])
            self._title_matrix = _load_sparse("title_matrix", z)
            self._doc_matrix = _load_sparse("doc_matrix", z)
            self._title_words = _load_sparse("title_words", z)
            self._doc_words = _load_sparse("doc_words", z)
        self._finish()

    # -- scoring ----------------------------------------------------------------------------
    @property
    def codes(self) -> np.ndarray:
        return self._codes

    def labels_of(self, codes: pd.Series) -> pd.Series:
        """The label of each code (NaN for no code), as :meth:`classify` writes it."""
        return codes.map(self._labels)

    def parts(self, queries: pd.Series) -> pd.DataFrame:
        """Main key and second job's key of each query."""
        values = queries.astype("object").where(queries.notna(), "").astype(str)
        distinct = pd.Series(pd.unique(values.to_numpy()))
        split = parts_of(distinct, self.heads, self._whole_keys, self._words_of_titles)
        done = dict(zip(distinct, split, strict=True))
        pairs = [done[v] for v in values]
        return pd.DataFrame(pairs, columns=["main", "second"], index=queries.index)

    def _query_words(self, block: np.ndarray) -> tuple[list[sp.csr_matrix], list[np.ndarray]]:
        """IDF-weighted word vectors of the queries (titles' and documents' IDF) and the total
        weight of each query's words (a word the referential does not know weighs the most)."""
        rows, cols, unknown = [], [], np.zeros(len(block), dtype=np.float32)
        for i, key in enumerate(block):
            for w in set(content_words(key)):
                j = self._word_index.get(w)
                if j is None:
                    unknown[i] += self._idf_max
                else:
                    rows.append(i)
                    cols.append(j)
        mats, totals = [], []
        for idf in self._idf:
            m = sp.csr_matrix(
                (idf[np.array(cols, dtype=np.int64)], (rows, cols)),
                shape=(len(block), len(self._words)),
            )
            mats.append(m)
            totals.append(np.asarray(m.sum(axis=1)).ravel() + unknown)
        return mats, totals

    def _score_keys(
        self, keys: np.ndarray, contexts: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each key: candidate codes (n x K), their evidence (n x K x FEATURES) and the
        closest title of each candidate (n x K)."""
        n = len(keys)
        k = min(self.SHORTLIST, max(len(self._codes) // 2, 1))
        width = 2 * min(k, len(self._codes))
        out_codes = np.zeros((n, width), dtype=np.int64)
        out_feats = np.zeros((n, width, len(FEATURES)), dtype=np.float64)
        out_title = np.zeros((n, width), dtype=np.int64)
        head_index = {h: i for i, h in enumerate(self._head_vocab.tolist())}
        # Contexts (an offer's text, a person's skills) hold hundreds of n-grams each, and their
        # product with the documents' matrix fills every column: against a dense copy of that
        # matrix it is 3x faster (same sums in the same order, so the same floats). The copy
        # (~230 MB for the official ROME) lives for this call, and only for calls big enough
        # to pay its building (~0.5 s).
        dense_docs = (
            self._doc_matrix.toarray() if contexts is not None and n >= self.DENSE_FROM else None
        )
        for start in range(0, n, self.CHUNK):
            sl = slice(start, start + self.CHUNK)
            block = keys[sl]
            m = len(block)
            rows = np.arange(m)[:, None]
            # What depends on the key alone is computed once per distinct key of the block:
            # with contexts, many rows share a key ("technicien", each with its own offer).
            ukeys, inv = np.unique(block, return_inverse=True)
            inv = inv.ravel()
            grams_u = self._chars.transform(ukeys)  # read by the title and centroid products
            sims_u = (grams_u @ self._title_matrix).toarray()
            qhead_u = np.array([head_index.get(b.split(" ", 1)[0], -1) for b in ukeys.tolist()])
            same_head = self._title_head[None, :] == qhead_u[:, None]
            adj_u = np.where(same_head, sims_u, sims_u * self.HEAD_DISCOUNT)
            del sims_u, same_head
            best = np.maximum.reduceat(adj_u, self._starts, axis=1)[inv]
            qhead = qhead_u[inv]
            norm = normalise_text(pd.Series(ukeys))
            doc = (self._docs.transform(norm.to_numpy()) @ self._doc_matrix).toarray()[inv]
            score_ctx = np.zeros_like(doc)
            if contexts is not None:
                ctx = normalise_text(pd.Series(contexts[sl]))
                grams = self._docs.transform(ctx.to_numpy())
                if dense_docs is not None:
                    score_ctx = np.asarray(grams @ dense_docs)
                else:
                    score_ctx = (grams @ self._doc_matrix).toarray()
            kk = min(k, best.shape[1])
            by_title = np.argpartition(-best, kk - 1, axis=1)[:, :kk]
            masked = doc + score_ctx
            masked[rows, by_title] = -np.inf
            by_doc = np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
            cand = np.concatenate([by_title, by_doc], axis=1)
            title_idx = self._best_titles(adj_u, cand, inv)
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
            t, d, c = best[rows, cand], doc[rows, cand], score_ctx[rows, cand]
            score = t**3 + self.W_DOC * d + self.W_FUZZ * fz**3 + self.W_CONTEXT * c
            head = (self._title_head[title_idx] == qhead[:, None]).astype(float)
            head_any = np.asarray(
                self._code_heads[cand.ravel(), np.repeat(np.maximum(qhead, 0), cand.shape[1])]
            ).reshape(cand.shape) * (qhead[:, None] >= 0)
            (qt, qd), (tot_t, tot_d) = self._query_words(ukeys)
            wt_u = (qt @ self._title_words.T).toarray() / np.maximum(tot_t, 1e-9)[:, None]
            wd_u = (qd @ self._doc_words.T).toarray() / np.maximum(tot_d, 1e-9)[:, None]
            wt, wd = wt_u[inv[:, None], cand], wd_u[inv[:, None], cand]
            order = np.lexsort((cand, -score), axis=1)
            ranks = np.empty_like(order)
            np.put_along_axis(ranks, order, np.arange(cand.shape[1])[None, :], axis=1)
            top_dom = self._domain[np.take_along_axis(cand, order[:, :DOMAIN_TOP], axis=1)]
            weights = 1.0 / (1.0 + np.arange(top_dom.shape[1]))
            same_dom = self._domain[cand][:, :, None] == top_dom[:, None, :]
            domain = (same_dom * weights).sum(axis=2) / weights.sum()
            cen_u = (grams_u @ self._centroids).toarray()
            cen = cen_u[inv[:, None], cand]
            if contexts is not None:
                by_ctx = np.argsort(-score_ctx, axis=1)[:, :DOMAIN_TOP]
                same_ctx = self._domain[cand][:, :, None] == self._domain[by_ctx][:, None, :]
                ctx_dom = (same_ctx * weights).sum(axis=2) / weights.sum()
            else:
                ctx_dom = np.zeros(cand.shape)
            f = np.stack([
                score, t, d, c, fz, head, head_any, wt, wd,
                score - score.max(axis=1, keepdims=True), t - t.max(axis=1, keepdims=True),
                c - c.max(axis=1, keepdims=True), domain, np.log1p(ranks),
                t**2, d**2, c**2, fz**2, wt**2, wd**2, domain**2,
                t * head, wt * wd, c * domain, t * wt, d * wd, c * wd,
                cen, ctx_dom, np.broadcast_to(self._log_titles[cand], cand.shape),
            ], axis=2)  # fmt: skip
            empty = np.array([b == "" for b in block])
            f[empty] = 0.0
            w = cand.shape[1]
            out_codes[sl, :w] = cand
            out_feats[sl, :w] = f
            out_title[sl, :w] = title_idx
        return out_codes, out_feats, out_title

    def logits(self, feats: np.ndarray) -> np.ndarray:
        """The reranker's logit of each candidate (the first-stage score alone when the
        reranker is not fitted)."""
        if self.rank_coef is None:
            return feats[..., 0]
        return feats @ self.rank_coef + self.rank_intercept

    def _ranked(self, keys: np.ndarray, contexts: np.ndarray | None):
        """Candidates of each key sorted by the reranker: codes, logits, closest titles, and the
        margins of the first over the best code of another family and of another domain."""
        cand, feats, titles = self._score_keys(keys, contexts)
        logit = self.logits(feats)
        order = np.lexsort((cand, -logit), axis=1)
        cand = np.take_along_axis(cand, order, axis=1)
        logit = np.take_along_axis(logit, order, axis=1)
        titles = np.take_along_axis(titles, order, axis=1)
        feats = np.take_along_axis(feats, order[:, :, None], axis=1)
        return cand, logit, titles, feats

    def vagueness(self, keys: np.ndarray) -> np.ndarray:
        """log(1 + number of codes with a title starting with the key's word) for a one-word key
        ("Consultant", "Technicien": a head noun alone says little), 0 for longer keys."""
        index = {h: i for i, h in enumerate(self._head_vocab.tolist())}
        per_head = np.asarray((self._code_heads > 0).sum(axis=0)).ravel()
        counts = np.array([per_head[index[k]] if k in index else 0 for k in keys.tolist()])
        one_word = np.array([" " not in k for k in keys.tolist()], dtype=bool)
        return np.where(one_word, np.log1p(counts), 0.0)

    def conf_inputs(
        self, cand: np.ndarray, logit: np.ndarray, feats: np.ndarray, has_context, vague
    ):
        """CONF_INPUTS of every candidate (n x K x inputs): the log-odds of its share of the
        softmax of the logits, its margin over the best code of another family and of another
        domain (negative when a better one exists), context given, its first-stage score and
        its closest title's similarity."""
        p = np.exp(logit - logit.max(axis=1, keepdims=True))
        p = np.clip(p / p.sum(axis=1, keepdims=True), 1e-6, 1 - 1e-6)
        margins = []
        for group in (self._family, self._domain):
            g = group[cand]
            other = g[:, :, None] != g[:, None, :]  # candidate x candidate of another group
            best = np.where(other, logit[:, None, :], -np.inf).max(axis=2)
            margins.append(np.where(np.isfinite(best), logit - best, 1.0))
        ctx = np.broadcast_to(np.asarray(has_context, dtype=float)[:, None], logit.shape)
        own = [feats[..., i] for i in CONF_FEATURES]
        vague = np.broadcast_to(np.asarray(vague, dtype=float)[:, None], logit.shape)
        return np.stack([np.log(p / (1 - p)), margins[0], margins[1], ctx, *own, vague], axis=2)

    def confidence(self, inputs: np.ndarray) -> np.ndarray:
        """Confidence from CONF_INPUTS (last axis)."""
        return 1.0 / (1.0 + np.exp(-(inputs @ self.conf_coef + self.conf_intercept)))

    def features(self, queries: pd.Series, contexts: pd.Series | None = None) -> pd.DataFrame:
        """The evidence behind :meth:`classify`, one row per query: the main key, whether it has
        a job noun, the second job's key, whether a context was given, and the candidates
        (``_codes`` as indices into :attr:`codes`, ``_feats`` their FEATURES) in reranked order
        with ``_logits``, ``_titles``, ``margin_family`` and ``margin_domain`` (used to fit the
        reranker and the confidence)."""
        parts = self.parts(queries)
        ctx = None
        if contexts is not None:
            c = contexts.reindex(queries.index)
            ctx = c.astype("object").where(c.notna(), "").astype(str).to_numpy()
        mains = parts["main"].to_numpy().astype(str)
        cut = np.char.startswith(mains, CUT_TITLE)
        mains = np.where(cut, np.char.lstrip(mains, CUT_TITLE), mains)
        typo_head = np.char.startswith(mains, TYPO_HEAD)
        mains = np.where(typo_head, np.char.lstrip(mains, TYPO_HEAD), mains)
        no_job = np.char.startswith(mains, NO_JOB)
        mains = np.where(no_job, np.char.lstrip(mains, NO_JOB), mains)
        # Each distinct (key, context) once: many rows repeat the same few titles.
        pairs = pd.DataFrame({"k": mains, "c": ctx if ctx is not None else ""})
        codes_d, inverse = np.unique(pairs.to_numpy().astype(str), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        cand, logit, titles, feats = self._ranked(
            codes_d[:, 0], codes_d[:, 1] if ctx is not None else None
        )
        has_ctx = np.char.str_len(np.char.strip(codes_d[:, 1])) > 0
        conf_in = self.conf_inputs(cand, logit, feats, has_ctx, self.vagueness(codes_d[:, 0]))
        out = pd.DataFrame(index=queries.index)
        out["main"] = mains
        out["no_job"] = no_job
        out["typo_head"] = typo_head
        out["cut"] = cut
        out["second"] = parts["second"]
        out["has_context"] = has_ctx[inverse]
        out["_codes"] = list(cand[inverse])
        out["_logits"] = list(logit[inverse])
        out["_titles"] = list(titles[inverse])
        out["_feats"] = list(feats[inverse])
        out["_conf_inputs"] = list(conf_in[inverse])
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
        return self.from_features(self.features(queries, contexts), top)

    def from_features(self, f: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """:meth:`classify` from the output of :meth:`features`."""
        n = len(f)
        inputs = np.stack(f["_conf_inputs"].to_list()) if n else np.zeros((0, 2, len(CONF_INPUTS)))
        all_conf = self.confidence(inputs)
        title_sim = inputs[..., CONF_INPUTS.index("title")] if n else np.zeros((0, 2))
        unsure = title_sim < self.SURE_TITLE
        # Never sure: a job noun read through a typo, a title cut from job words.
        unsure |= (f["typo_head"].to_numpy(dtype=bool) | f["cut"].to_numpy(dtype=bool))[:, None]
        all_conf = np.where(unsure, np.minimum(all_conf, self.SURE_CAP - 0.01), all_conf)
        conf = all_conf[:, 0] if n else np.zeros(0)
        conf = np.where(f["no_job"].to_numpy(), conf * NO_JOB_FACTOR, conf)
        empty = (f["main"] == "").to_numpy()
        conf = np.where(empty, 0.0, conf)
        cand = np.vstack(f["_codes"].to_numpy()) if n else np.zeros((0, 2), dtype=np.int64)
        codes = self._codes[cand].astype(object)
        others = all_conf[:, 1:top] if n else np.zeros((0, 1))
        second_code = self._second_codes(f)
        out = pd.DataFrame(index=f.index)
        first = codes[:, 0].copy() if n else np.zeros(0, dtype=object)
        first[empty] = None
        out["code"] = pd.Series(first, index=f.index, dtype=object)
        out["label"] = self.labels_of(out["code"])
        out["confidence"] = np.round(conf, 4)
        title0 = np.array([t[0] for t in f["_titles"]], dtype=np.int64)
        out["matched_title"] = np.where(empty, None, self._title_raw[title0]) if n else []
        cands: list[list[tuple[str, float]]] = []
        for i in range(n):
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
            distinct, inverse = np.unique(seconds[has], return_inverse=True)
            cand = self._ranked(distinct, None)[0]
            for i, c in zip(has, cand[inverse.ravel(), 0], strict=True):
                out[i] = str(self._codes[c])
        return out

    def _best_titles(self, sims: np.ndarray, cand: np.ndarray, inv: np.ndarray) -> np.ndarray:
        """Index of the closest title of each candidate code (argmax over that code's columns);
        row i of ``cand`` reads row ``inv[i]`` of ``sims``."""
        rows = inv[:, None]
        title_idx = np.empty_like(cand)
        for j in range(cand.shape[1]):
            s, e = self._starts[cand[:, j]], self._ends[cand[:, j]]
            cols = s[:, None] + np.arange(int((e - s).max()))[None, :]
            vals = np.where(cols < e[:, None], sims[rows, np.minimum(cols, sims.shape[1] - 1)], -1)
            title_idx[:, j] = s + vals.argmax(axis=1)
        return title_idx


def head_nouns(referential: Referential) -> frozenset[str]:
    return referential.classifier.heads


__all__ = [
    "CACHE_ENV",
    "TitleClassifier",
    "cache_dir",
    "parts_of",
    "stop_words",
    "title_keys",
    "title_parts",
]
