"""Normalisation of French job text: Series in, Series out.

Each stage runs once per distinct value of the Series (``_per_value``, ``_per_distinct``): job
text repeats a lot, and pandas' regex replacements run per element in Python anyway, so this is
several times faster than chaining ``Series.str`` calls. Folding, the CACES gate and the
abbreviations run over the distinct texts joined (``fold_many``, ``texts_matching``, one
substitution): a Python call per text costs more than the work on a short text.

collapse_gender: "Agent(e)", "agent.e", "Agent / Agente", "cuisinier/ère" -> the first form,
    "H/F", "(F/H)" removed; works on raw text, so it can run before splitting a cell.
fold_text: collapse_gender + case and accents folded (œ -> oe), punctuation unified.
canonical_jargon: CACES, permis and habilitation spellings brought to one canonical form.
expand_abbreviations: abbreviations and jargon of ``data/abreviations.csv`` expanded.
normalise_text: all of the above + stop words (``data/mots_vides.txt``) removed + stemming.
split_skills / split_titles: a cell -> list of distinct items.

Stemming is the French Snowball stemmer (package ``PyStemmer``: the official Snowball
algorithms compiled in C, 50 times faster than the pure-Python ``snowballstemmer``), applied to
each distinct word once (a cache), after a small table of our own turns feminine job-noun
endings into masculine ones ("vendeuse" -> "vendeur"): Snowball is written for accented text and
keeps the two genders apart once accents are folded ("cuisinière" -> "cuisinier" but
"cuisinier" -> "cuisini").
"""

from __future__ import annotations

import csv
import functools
import re
from itertools import chain

import numpy as np
import pandas as pd
import Stemmer  # PyStemmer: the Snowball stemmers compiled in C

from matcher.paths import DATA_DIR
from matcher.text.fold import SEPARATOR, fold, fold_many, texts_matching

ABBREVIATIONS_FILE = DATA_DIR / "abreviations.csv"
STOP_WORDS_FILE = DATA_DIR / "mots_vides.txt"

# -- gendered forms ---------------------------------------------------------------------------
# Feminine endings written after a masculine word: "agent(e)", "technicien(ne)", "agent.e",
# "salarié·e·s", "cuisinier/ère", "vendeur-euse". Accented and folded spellings both.
_FEM = r"(?:e|ne|se|euse|rice|trice|ère|ere|ive|ienne|enne|ice|le|te|fe|sse|esse|eresse|ée|ee)"
_HF = re.compile(
    r"\(?\s*\b(?:[hf]\s*[/\\-]\s*[hf]|[mf]\s*/\s*[hf])(?:\s*/\s*(?:x|nb|n))?\b\s*\)?"
    r"|\(\s*(?:hommes?|femmes?)\s*(?:/|ou|et)\s*(?:hommes?|femmes?)\s*\)",
    re.IGNORECASE,
)
_PAREN_FEM = re.compile(rf"(\w\w)\(\s*{_FEM}?s?\s*\)", re.IGNORECASE)
# Lower case only after a dot or a slash: "permis B/E", "B.Se déplacer" are not gender marks.
_DOT_FEM = re.compile(rf"([^\W\d_]{{2}})[.·•]{_FEM}(?:[.·•]?s)?\b")
_SLASH_FEM = re.compile(rf"([^\W\d_]{{3}})\s*/\s*{_FEM}s?\b")
_DASH_FEM = re.compile(r"(\w{3,})-(?:e|euse|trice|ère|ere|ive|ienne)\b", re.IGNORECASE)
# "Agent / Agente de nettoyage", "Chef pâtissier / Cheffe pâtissière de restaurant"
_SLASH = re.compile(r"\s*/\s*")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


# What is left of the second word once the prefix shared with the first is removed, when the
# second is the feminine of the first: agent/agente, chef/cheffe, directeur/directrice.
_FEM_TAILS = frozenset(
    ["", "e", "ne", "se", "ve", "euse", "rice", "trice", "ere", "iere", "ive", "enne", "ienne",
     "esse", "sse", "resse", "eresse", "fe", "te", "le", "ice", "ee"]
)  # fmt: skip
_MASC_TAILS = frozenset(
    ["", "r", "ur", "eur", "teur", "er", "ier", "f", "if", "n", "en", "ien", "t"]
)


def gender_variants(a: str, b: str) -> bool:
    """Two words (or hyphenated compounds) are gender variants: equal once folded, or the second
    is the first with a feminine ending (agent/agente, directeur/directrice, chef/cheffe,
    accastilleur-gréeur/accastilleuse-gréeuse). "vitrerie/vitres" are not."""
    return _folded_variants(fold(a, punctuation=True), fold(b, punctuation=True))


def _folded_variants(fa: str, fb: str) -> bool:
    """:func:`gender_variants` of two words already folded (with punctuation)."""
    if fa == fb:
        return True
    pa, pb = fa.split("-"), fb.split("-")
    if len(pa) != len(pb):
        return False
    for x, y in zip(pa, pb, strict=True):
        if x == y:
            continue
        x, y = x.removesuffix("s"), y.removesuffix("s")
        p = 0
        while p < min(len(x), len(y)) and x[p] == y[p]:
            p += 1
        if p < 3 or x[p:] not in _MASC_TAILS or y[p:] not in _FEM_TAILS:
            return False
    return True


def _collapse_pairs(text: str) -> str:
    """Drop the second form of "W1..Wn / V1..Vn" when each Vi is a gender variant of Wi
    (n up to 6 words). Other slashes ("ménage / repassage") are kept."""
    parts = _SLASH.split(text)
    if len(parts) < 2:
        return text
    # Each word is compared with up to six others: folded once (a dict for this text only).
    folded: dict[str, str] = {}

    def folds(w: str) -> str:
        f = folded.get(w)
        if f is None:
            f = folded[w] = fold(w, punctuation=True)
        return f

    out = parts[0]
    for right in parts[1:]:
        left_words = out.split(" ")
        right_words = right.split(" ")
        done = False
        # Two variants share their first three folded characters (their common prefix, or
        # they are equal): a left word whose first three differ from those of the right's
        # first word cannot start a run of pairs, and is skipped before any comparison. A
        # right side that does not start with a word drops nothing.
        head = folds(right_words[0])[:3] if _WORD.match(right_words[0]) else None
        top = min(6, len(left_words), len(right_words)) if head is not None else 0
        for n in range(top, 0, -1):
            if folds(left_words[-n])[:3] != head:
                continue
            lw, rw = left_words[-n:], right_words[:n]
            if all(_folded_variants(folds(a), folds(b)) for a, b in zip(lw, rw, strict=True)):
                out = " ".join([*left_words, *right_words[n:]])
                done = True
                break
        if not done:
            out = f"{out} / {right}"
    return out


# Gates: what each pattern needs around its mark, without the word before it. The patterns
# start with a run of letters, which the engine tries (and backtracks) at every letter; a gate
# starts at the mark itself and is found by a fast scan. A text without its gate cannot match
# the pattern, so it is skipped (same result: 5 to 50x less time on texts without marks).
_HF_GATE = re.compile(r"[hfm]\s*[/\\-]\s*[hf]|(?:hommes?|femmes?)\s*(?:/|ou|et)", re.IGNORECASE)
_PAREN_GATE = re.compile(rf"\(\s*{_FEM}?s?\s*\)", re.IGNORECASE)
_DOT_GATE = re.compile(rf"[.·•]{_FEM}(?:[.·•]?s)?\b")
_SLASH_GATE = re.compile(rf"/\s*{_FEM}s?\b")
_DASH_GATE = re.compile(r"-(?:e|euse|trice|ère|ere|ive|ienne)\b", re.IGNORECASE)
# What any match of _HF_GATE contains, found by a case-sensitive scan that starts at a rare
# character: the mark and the letter after it, or the "mme" of "homme(s)"/"femme(s)" (no other
# character matches h, f, m or e ignoring case). 2.5x faster than the gate on texts with dashes.
_HF_HINT = re.compile(r"[/\\-]\s*[hfHF]|[mM][mM][eE]")


def _collapse_one(text: str) -> str:
    # Cheap membership tests first: most texts have no mark at all.
    slash = "/" in text
    if (
        (slash or "-" in text or "omme" in text or "emme" in text)
        and _HF_HINT.search(text)
        and _HF_GATE.search(text)
    ):
        text = _HF.sub(" ", text)
    if "(" in text and _PAREN_GATE.search(text):
        text = _PAREN_FEM.sub(r"\1", text)
    if ("." in text or "·" in text or "•" in text) and _DOT_GATE.search(text):
        text = _DOT_FEM.sub(r"\1", text)
    if slash and _SLASH_GATE.search(text):
        text = _SLASH_FEM.sub(r"\1", text)
    if "-" in text and _DASH_GATE.search(text):
        text = _DASH_FEM.sub(r"\1", text)
    if slash and "/" in text:
        text = _collapse_pairs(text)
    if "  " in text or "\t" in text:  # a single space is left as it is: skip the scan
        text = _BLANKS.sub(" ", text)
    return text.strip()


_BLANKS = re.compile(r"[ \t]+")


def _distinct_values(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code of each row, distinct values as text): one hash pass in C (``pd.factorize``);
    missing values get code -1."""
    codes, uniques = pd.factorize(
        series.to_numpy(dtype=object, na_value=None), use_na_sentinel=True
    )
    return codes, [str(v) for v in uniques]


def _map_back(codes: np.ndarray, results: list[str], index: pd.Index) -> pd.Series:
    """Results per distinct value -> one per row (missing rows -> "")."""
    table = np.empty(len(results) + 1, dtype=object)
    table[: len(results)] = results
    table[len(results)] = ""
    return pd.Series(table[codes], index=index, dtype=object)  # code -1 reads the last cell


def _per_value(series: pd.Series, fn) -> pd.Series:
    """Apply a str -> str function once per distinct value (job text repeats a lot: the same
    skill under many codes, the same title in many offers), then map the results back with one
    array look-up. Missing values become ""."""
    codes, uniques = _distinct_values(series)
    return _map_back(codes, [fn(v) for v in uniques], series.index)


def _per_distinct(series: pd.Series, many) -> pd.Series:
    """Apply a ``list[str] -> list[str]`` function (one result per text, in order) to the
    distinct values, then map the results back as :func:`_per_value` does."""
    codes, uniques = _distinct_values(series)
    return _map_back(codes, many(uniques), series.index)


def collapse_gender(series: pd.Series) -> pd.Series:
    """Raw text with "H/F" removed and gendered forms collapsed to the first (masculine) form:
    "Agent(e) de propreté H/F" -> "Agent de propreté", "Agent / Agente de nettoyage" -> "Agent
    de nettoyage", "cuisinier/ère" -> "cuisinier". Case and accents are kept. Missing -> ""."""
    return _per_value(series, _collapse_one)


# -- folding ----------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")


def _fold_one(text: str) -> str:
    # "+" and "#" are kept: C++, C#.
    return fold(_collapse_one(text), keep="+#")


def _fold_many(texts: list[str]) -> list[str]:
    """:func:`_fold_one` of each text."""
    return fold_many([_collapse_one(t) for t in texts], keep="+#")


def fold_text(series: pd.Series) -> pd.Series:
    """Lower case, accents removed (œ -> oe), apostrophes and punctuation unified, "H/F" removed,
    gendered forms collapsed to the first form. Missing values become ""."""
    return _per_distinct(series, _fold_many)


# -- jargon: CACES, permis, habilitations -----------------------------------------------------
# Old CACES recommendations were renumbered in 2020: R389 -> R489 (chariots), R386 -> R486
# (PEMP), R372 -> R482 (engins de chantier), R390 -> R490 (grues auxiliaires).
_CACES_RENUMBER = {"389": "489", "386": "486", "372": "482", "390": "490"}
_CACES_REC = re.compile(r"\br\s?(389|386|372|390|489|486|482|490|483|484|485|487)\b")
_CATEGORY_WORD = re.compile(r"\b(?:categories?|cat)\s*(?=\d|[a-g]\b)")
# "caces r489 cat 1", "caces 1", "caces cat 3", "cariste cat 1", "r489 cat 3", "cat 3",
# "caces 1 3 5" (several categories).
_CACES = re.compile(
    r"\b(?:(?P<caces>caces|cariste(?: caces)?)\s*)?(?:r(?P<rec>4\d\d)\s*)?"
    r"(?:(?P<cat>cat)\s*)?(?P<nums>[1-7][ab]?(?:\s*(?:et|\s)\s*[1-7][ab]?\b)*)\b"
)
_JARGON_HINT = re.compile(r"\b(?:caces|cariste|cat|categories?|r\s?\d{3})\b")


def _caces_repl(m: re.Match[str]) -> str:
    has_caces, rec, has_cat = m.group("caces"), m.group("rec"), m.group("cat")
    if not (has_caces or rec or has_cat):
        return m.group(0)  # a bare number
    rec = rec or "489"
    nums = re.findall(r"[1-7][ab]?", m.group("nums"))
    prefix = "cariste " if has_caces and has_caces.startswith("cariste") else ""
    return prefix + " ".join(f"caces r{rec} cat {n}" for n in nums)


# What any match of _JARGON_HINT contains: one of its words without the boundary before it
# (a pattern that starts with letters is found by a fast scan for them, where the boundary is
# tried at every character; "ca" is in most French texts, "cat" followed by a boundary in few),
# or a recommendation number.
_JARGON_WORD = re.compile(r"ca(?:ces|riste|t(?:egories?)?)\b")
_JARGON_CLUE = re.compile(r"r\s?\d{3}")


def _jargon_one(text: str) -> str:
    if not (("ca" in text and _JARGON_WORD.search(text)) or _JARGON_CLUE.search(text)):
        return text
    if not _JARGON_HINT.search(text):
        return text
    text = _CACES_REC.sub(lambda m: "r" + _CACES_RENUMBER.get(m.group(1), m.group(1)), text)
    text = _CATEGORY_WORD.sub("cat ", text)
    text = _CACES.sub(_caces_repl, text)
    return _SPACES.sub(" ", text).strip()


def _jargon_many(texts: list[str]) -> list[str]:
    """:func:`_jargon_one` of each text, read only where its gate finds something: the gate's
    two patterns are searched over the texts joined (no match of either holds the separator)."""
    out = list(texts)
    for i in sorted({*texts_matching(texts, _JARGON_WORD), *texts_matching(texts, _JARGON_CLUE)}):
        out[i] = _jargon_one(texts[i])
    return out


def canonical_jargon(folded: pd.Series) -> pd.Series:
    """On folded text, one spelling for CACES and categories: "CACES 1", "cariste cat.1",
    "caces R 389 catégorie 1" -> "caces r489 cat 1" (with "cariste" kept when written)."""
    return _per_distinct(folded, _jargon_many)


# -- abbreviations ------------------------------------------------------------------------------
@functools.cache
def abbreviations() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Abbreviations and jargon of the data file: one folded alternation pattern (longest first,
    so "ssiap 1" wins over "ssiap") and the folded expansion of each."""
    rows: list[tuple[str, str]] = []
    if ABBREVIATIONS_FILE.is_file():
        with ABBREVIATIONS_FILE.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("abreviation") and row.get("forme_normalisee"):
                    rows.append((row["abreviation"], row["forme_normalisee"]))
    if not rows:
        return None, {}
    folded = [_jargon_one(_fold_one(a)) for a, _ in rows]
    expanded = [_jargon_one(_fold_one(e)) for _, e in rows]
    table: dict[str, str] = {}
    for a, e in zip(folded, expanded, strict=True):
        if a and a not in table:  # the first line wins when two lines give the same form
            table[a] = e
    return re.compile(rf"\b(?:{trie_pattern(list(table))})\b"), table


def trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` written as a trie: "ssiap(?: 1)?" instead of
    "ssiap 1|ssiap". It matches what the alternation sorted longest first matches (at one
    place the words that fit are prefixes of one another, and each optional tail is tried
    before the shorter word, as the longer word was), but the engine reads one character per
    step instead of trying every word at every word start: 3x faster on our texts."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        kids = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _expand_one(text: str) -> str:
    pattern, table = abbreviations()
    if pattern is None:
        return text
    return pattern.sub(lambda m: table[m.group(0)], text)


def _expand_many(texts: list[str]) -> list[str]:
    """:func:`_expand_one` of each text, in one substitution over the texts joined: the pattern
    is bounded by word boundaries, which the separator gives as the edges of a text do, and
    neither a match nor an expansion holds it."""
    pattern, table = abbreviations()
    joined = SEPARATOR.join(texts)
    if pattern is None or not texts or joined.count(SEPARATOR) != len(texts) - 1:
        return [_expand_one(t) for t in texts]  # nothing to expand, or a text holds the separator
    return pattern.sub(lambda m: table[m.group(0)], joined).split(SEPARATOR)


def expand_abbreviations(folded: pd.Series) -> pd.Series:
    """Replace abbreviations (on folded text) by their normalised form, in a single pass so an
    expansion is never expanded again."""
    return _per_distinct(folded, _expand_many)


# -- stop words and stemming ---------------------------------------------------------------------
@functools.cache
def stop_words() -> frozenset[str]:
    """The stop words of ``data/mots_vides.txt``, folded like the text they are removed from."""
    words: list[str] = []
    if STOP_WORDS_FILE.is_file():
        for line in STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.append(line)
    return frozenset(w for w in (_fold_one(x) for x in words) if w)


def _without_stop_words(text: str) -> str:
    stops = stop_words()
    return " ".join(w for w in text.split(" ") if w and w not in stops)


def remove_stop_words(folded: pd.Series) -> pd.Series:
    """Folded text without the stop words."""
    return _per_value(folded, _without_stop_words)


# Feminine -> masculine endings of job nouns and adjectives, on folded words, longest first.
_MASCULINE = (
    ("eresse", "eur"),
    ("euse", "eur"),
    ("trice", "teur"),
    ("iere", "ier"),
    ("ienne", "ien"),
    ("ive", "if"),
    ("ere", "er"),
    ("ee", "e"),
)
_SNOWBALL = Stemmer.Stemmer("french")


@functools.lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """One folded word -> its stem: feminine plural and feminine endings turned masculine, then
    the French Snowball stemmer. Short words, numbers and codes are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    w = word[:-1] if word.endswith("s") and len(word) > 4 else word
    for fem, masc in _MASCULINE:
        if w.endswith(fem) and len(w) - len(fem) >= 3:
            w = w[: -len(fem)] + masc
            break
    return _SNOWBALL.stemWord(w)


def _stem_one(text: str) -> str:
    return " ".join(stem_word(w) for w in text.split(" ") if w)


def stem(folded: pd.Series) -> pd.Series:
    """Folded text -> stemmed words (each distinct word stemmed once)."""
    return _per_value(folded, _stem_one)


def _canonical_many(texts: list[str]) -> list[str]:
    """Each text folded, its jargon made canonical and its abbreviations expanded."""
    return _expand_many(_jargon_many(_fold_many(texts)))


def normalise_title(series: pd.Series) -> pd.Series:
    """Folded, jargon made canonical, abbreviations expanded, but neither stop words removed nor
    stemmed: the form of short job titles compared by character n-grams ("ASH" -> "agent de
    service hospitalier"), where every letter helps against typos."""
    return _per_distinct(series, _canonical_many)


def _stop_and_stem(texts: list[str]) -> list[str]:
    """``_stem_one(_without_stop_words(t))`` for every text, word by word over the distinct words:
    the texts are split once, each distinct word is looked up once (stop word -> dropped, else
    its stem), and the texts are joined again; the words of a text go through C iterators
    (``map``, ``filter``), no Python code per word occurrence."""
    stops = stop_words()
    split = [t.split(" ") for t in texts]
    words = dict.fromkeys(chain.from_iterable(split))
    # Dropped words map to "" and "" is filtered out: no stem is "" (a non-empty word's stem
    # never is), checked below, else each text is rebuilt word by word.
    table = {w: ("" if not w or w in stops else stem_word(w)) for w in words}
    if all(table[w] for w in words if w and w not in stops):
        return [" ".join(filter(None, map(table.__getitem__, ws))) for ws in split]
    out = []
    for ws in split:
        mapped = [None if not w or w in stops else table[w] for w in ws]
        out.append(" ".join([m for m in mapped if m is not None]))
    return out


def normalise_text(series: pd.Series) -> pd.Series:
    """Folded, jargon made canonical, abbreviations expanded, stop words removed, stemmed: the
    text the matcher compares. Computed once per distinct value; stop words and stems once per
    distinct word."""
    return _per_distinct(series, lambda texts: _stop_and_stem(_canonical_many(texts)))


# -- splitting cells ------------------------------------------------------------------------------
_SPLIT_SKILLS = re.compile(r"\s*(?:[;\n\r/•·▪●■◦|]|,(?!\d)|\s-\s|^\s*[-*]\s+|\s+\*\s+)\s*")


def _distinct(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        item = item.strip(" .-*\t")
        key = fold(item, punctuation=True)
        if len(item) >= 2 and key not in seen:
            seen[key] = item
    return list(seen.values())


# Where a match of _SPLIT_SKILLS can start: a blank (its leading blanks, " - ", " * ") or a
# separator (a "-" or "*" bullet at the start). Checked first by a lookahead, one test per
# character instead of every alternative: the same splits, twice as fast.
_SPLIT_SKILLS_FAST = re.compile(r"(?=[\s;/•·▪●■◦|,*-])" + _SPLIT_SKILLS.pattern)


def split_skills(series: pd.Series) -> pd.Series:
    """Skills cell -> list of distinct skills as written (trimmed), in order of appearance.

    Splits on ``;``, ``,`` (not inside numbers), ``/``, ``|``, line breaks and bullets; gendered
    forms ("cuisinier/ère") are collapsed first so that their slash does not split; duplicates
    (ignoring case and accents) are removed. Each distinct cell is split once and each distinct
    skill folded once; every row gets its own list."""
    codes, uniques = _distinct_values(series)
    cells = [
        [item.strip(" .-*\t") for item in _SPLIT_SKILLS_FAST.split(_collapse_one(v))]
        for v in uniques
    ]
    distinct = dict.fromkeys(item for items in cells for item in items)
    keys = {item: fold(item, punctuation=True) for item in distinct}
    table: list[list[str]] = []
    for items in cells:
        seen: dict[str, str] = {}
        for item in items:
            key = keys[item]
            if len(item) >= 2 and key not in seen:
                seen[key] = item
        table.append(list(seen.values()))
    table.append([])  # missing cells (code -1)
    return pd.Series([list(table[c]) for c in codes], index=series.index, dtype=object)


_SPLIT_TITLES = re.compile(r"\s*(?:[;\n\r/•·▪●■◦|+]|,(?!\d)|\s-\s|\bou\b|^\s*[-*]\s+)\s*")


def split_titles(series: pd.Series) -> pd.Series:
    """Cell of job titles (target jobs of a profile) -> list of distinct titles:
    "Agent / Agente d'entretien ; cariste" -> ["Agent d'entretien", "cariste"]. Each distinct
    cell is split once; every row gets its own list."""
    codes, uniques = _distinct_values(series)
    table = [_distinct(_SPLIT_TITLES.split(_collapse_one(v))) for v in uniques]
    table.append([])  # missing cells (code -1)
    return pd.Series([list(table[c]) for c in codes], index=series.index, dtype=object)


def cell_text(column: pd.Series) -> pd.Series:
    """A text column's cells as text: lists joined by ", ", missing cells "". Built as Python
    strings (``object``): every reader of it works on Python strings, and ``astype(str)``
    would store them in Arrow only to have them converted back."""
    missing = column.isna().to_numpy()
    out = [
        "" if gone else v if type(v) is str else ", ".join(v) if isinstance(v, list) else str(v)
        for v, gone in zip(column.to_numpy(dtype=object), missing, strict=True)
    ]
    return pd.Series(out, index=column.index, dtype=object)


def join_text(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Concatenate text columns (lists joined by ", "), missing ones skipped."""
    out = pd.Series("", index=frame.index, dtype=object)
    for c in columns:
        if c in frame:
            out = out + " " + cell_text(frame[c])
    return out.str.strip()


def normalise_columns(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's cells of ``columns`` (lists joined by ", ", missing columns skipped; a
    column may be listed twice to count twice), each normalised by :func:`normalise_text` on
    its own, then joined by spaces.

    Cell by cell and not on :func:`join_text`: a column is normalised once per distinct cell
    even when listed twice (the title is: a quarter of the work on people's text) and job
    titles repeat where the whole texts do not; and nothing is read across two cells (a CACES
    category, an abbreviation of two words or a gendered pair made of the end of one cell and
    the start of the next). Everything else is the same, word for word: folding, the CACES
    spellings, the abbreviations and the gendered forms read within a cell, and stop words and
    stems word by word."""
    done = {c: normalise_text(cell_text(frame[c])) for c in dict.fromkeys(columns) if c in frame}
    cells = [done[c].to_numpy(dtype=object) for c in columns if c in done]
    out = [" ".join(filter(None, row)) for row in zip(*cells, strict=True)]
    return pd.Series(out, index=frame.index, dtype=object)
