"""The text speed-ups of issue 15 (folding, normalising, hashing) give what the plain
per-value computations they replace give, on many generated texts."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from matcher.text.fold import fold

# Characters that exercise every branch: ASCII letters, digits, punctuation and blanks, accented
# letters (precomposed and decomposed), ligatures, non-Latin combining marks, case oddities
# (dotted I, final sigma, Kelvin sign), compatibility forms, the "?" and "_" some callers keep,
# non-ASCII blanks and apostrophes.
ALPHABET = (
    "aAbBeEiIzZ019 +#?_-./,;:()'\t\n\x1c"
    "éÉèàçÇôÔûïœŒæÆ"
    "e\u0301\u0327\u0483\u05b0\u20d0"
    "İıΣσςΑK\u212aﬁ①½"
    "\xa0\u2028\u2019«»€°·•"
)
TEXTS = st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=20)


def plain_fold(text: object, *, keep: str = "", punctuation: bool = False) -> str:
    """The folding of main at dff0e1c, one value at a time: the reference."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text.isascii():
        ligatures: dict[str, str | int | None] = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}
        text = text.translate(str.maketrans(ligatures))
        text = re.sub("[\u0300-\u036f]+", "", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    if not punctuation:
        text = re.sub(f"[^a-z0-9{re.escape(keep)}]+", " ", text)
    return " ".join(text.split())


@settings(max_examples=1000, deadline=None)
@given(TEXTS, st.sampled_from(["", "+#", "_", "?", "é", "-"]), st.booleans())
def test_fold_equals_the_plain_fold(text, keep, punctuation):
    assert fold(text, keep=keep, punctuation=punctuation) == plain_fold(
        text, keep=keep, punctuation=punctuation
    )


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXTS | st.sampled_from(["\x00", "a\x00B", "Σ\x00Σ", "", " "]), max_size=8),
       st.sampled_from(["", "+#", "_", "?", "é"]))  # fmt: skip
def test_fold_many_equals_fold_of_each_text(texts, keep):
    """Folded joined (one separator between texts, see SEPARATOR), then split: each text's own
    folding, separators inside the texts and keeps the fast path cannot take included."""
    from matcher.text.fold import fold_many

    assert fold_many(texts, keep=keep) == [fold(t, keep=keep) for t in texts]


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXTS | st.sampled_from(["r489", "cat", "ab\x00cd", "\x00", "a1"]), max_size=8),
       st.sampled_from([r"\bcat\b", r"r\s?\d{3}", r"\d+", r"(?<![a-z])a", r"\s"]))  # fmt: skip
def test_texts_matching_are_the_texts_a_search_finds(texts, pattern):
    from matcher.text.fold import texts_matching

    regex = re.compile(pattern)
    assert texts_matching(texts, regex) == [i for i, t in enumerate(texts) if regex.search(t)]


def test_fold_fast_paths_are_exercised():
    """The generated texts reach the branches (the test above could not fail otherwise)."""
    assert fold("Cœur  d'ÉLÈVE", keep="+#") == "coeur d eleve"
    assert fold("x\u0483y’z") == "xy z"
    assert fold("a?b€c", keep="?") == "a?b c"
    assert fold("C++ / C#", keep="+#") == "c++ c#"
    assert fold(None) == "" and fold(float("nan")) == ""


def assert_same_csr(got, want):
    """Same shape, dtype, columns and values, both in canonical form."""
    assert got.shape == want.shape and got.dtype == want.dtype
    assert got.has_canonical_format and want.has_canonical_format
    assert (got.indptr == want.indptr).all()
    assert (got.indices == want.indices).all()
    assert (got.data == want.data).all()


WORDY = st.lists(
    st.sampled_from(["agent", "d", "entretien", "Cariste", "c++", "caces r489", "Élève", "ab",
                     "é", "x1", "_", "  ", "\t", "-", "œuvre", "ΑΣ", "İl", "1", "22"]),
    max_size=12,
).map(" ".join)  # fmt: skip
DOCS = st.lists(WORDY | TEXTS, max_size=12)


def counts_by_chunks(docs, analyzer, chunk):
    """``text._counts`` with the texts analysed ``chunk`` at a time (the terms of each chunk
    coded after those of the chunks before)."""
    from unittest import mock

    from matcher.features import text

    with mock.patch.object(text, "TERMS_CHUNK", chunk):
        return text._counts(docs, **analyzer)


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from([20_000, 1, 3]))
def test_word_counts_equal_the_hashing_vectoriser(docs, chunk):
    from matcher.features import text

    want = text.hashing_counts(docs, **text._WORDS)
    assert_same_csr(counts_by_chunks(docs, text._WORDS, chunk), want)


@settings(max_examples=300, deadline=None)
@given(DOCS, st.sampled_from([20_000, 1, 3]))
def test_title_character_counts_equal_the_hashing_vectoriser(docs, chunk):
    from matcher.features import text

    want = text.hashing_counts(docs, **text._CHARS)
    assert_same_csr(counts_by_chunks(docs, text._CHARS, chunk), want)


def test_counts_equal_the_hashing_vectoriser_on_job_texts():
    """On the synthetic offers and profiles (normalised text and folded titles, as the ranking
    reads them): the same matrices, with thousands of terms shared between documents."""
    import pandas as pd

    from matcher import fields as F
    from matcher.devtools.synthetic import synthetic_frames
    from matcher.features import text
    from matcher.reference.referential import builtin_referential
    from matcher.text.normalise import fold_text, normalise_columns

    offers, profiles, _ = synthetic_frames(builtin_referential(), 200, 600, seed=5)
    texts = list(
        pd.concat([
            normalise_columns(offers, text.OFFER_TEXT_FIELDS),
            normalise_columns(profiles, text.PROFILE_TEXT_FIELDS),
        ])
    )  # fmt: skip
    titles = list(pd.concat([fold_text(offers[F.TITLE]), fold_text(profiles[F.TARGET_JOBS])]))
    for docs, analyzer in ((texts, text._WORDS), (titles, text._CHARS)):
        want = text.hashing_counts(docs, **analyzer)
        got = text._counts(docs, **analyzer)
        assert_same_csr(got, want)
        assert got.nnz > 5000 and (got.data > 1).any()
        # Analysed 97 texts at a time: the same matrix (terms shared across chunks).
        assert_same_csr(counts_by_chunks(docs, analyzer, 97), want)
    assert text._counts([], **text._WORDS).shape == (0, text.N_FEATURES)


def plain_collapse_pairs(text: str) -> str:
    """Slash pairs collapsed as on main at dff0e1c: every pair of words folded when compared."""
    from matcher.text import normalise as N

    parts = N._SLASH.split(text)
    if len(parts) < 2:
        return text
    out = parts[0]
    for right in parts[1:]:
        left_words, right_words = out.split(" "), right.split(" ")
        done = False
        for n in range(min(6, len(left_words), len(right_words)), 0, -1):
            lw, rw = left_words[-n:], right_words[:n]
            if all(N.gender_variants(a, b) for a, b in zip(lw, rw, strict=True)) and N._WORD.match(
                rw[0]
            ):
                out = " ".join([*left_words, *right_words[n:]])
                done = True
                break
        if not done:
            out = f"{out} / {right}"
    return out


def plain_collapse(text: str) -> str:
    """_collapse_one of main at dff0e1c (without the hint before the "H/F" gate)."""
    from matcher.text import normalise as N

    slash = "/" in text
    if (slash or "-" in text or "omme" in text or "emme" in text) and N._HF_GATE.search(text):
        text = N._HF.sub(" ", text)
    if "(" in text and N._PAREN_GATE.search(text):
        text = N._PAREN_FEM.sub(r"\1", text)
    if ("." in text or "·" in text or "•" in text) and N._DOT_GATE.search(text):
        text = N._DOT_FEM.sub(r"\1", text)
    if slash and N._SLASH_GATE.search(text):
        text = N._SLASH_FEM.sub(r"\1", text)
    if "-" in text and N._DASH_GATE.search(text):
        text = N._DASH_FEM.sub(r"\1", text)
    if slash and "/" in text:
        text = plain_collapse_pairs(text)
    if "  " in text or "\t" in text:
        text = N._BLANKS.sub(" ", text)
    return text.strip()


GENDERED = st.lists(
    st.sampled_from(["Agent", "agente", "AGENTE", "(e)", ".e", "/ère", "-euse", "H/F", "h / F",
                     "F-H", "M/F/X", "(hommes ou femmes)", "HOMMES / FEMMES", "Femmes et hommes",
                     "hommeſ/", " / ", "/", "\\", "-", "cuisinier", "Cuisinière", "vendeur",
                     "vendeuse", "Chef", "cheffe", "Chef pâtissier", "Cheffe pâtissière", "permis B/E",
                     "directeur-trice", "Technicien(ne)", "de", "1.5", "\t", "x"]),
    max_size=10,
).map(" ".join)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(GENDERED | TEXTS)
def test_collapse_equals_the_plain_collapse(text):
    from matcher.text import normalise as N

    assert N._collapse_one(text) == plain_collapse(text)


def test_collapse_examples_reach_the_changed_branches():
    from matcher.text import normalise as N

    assert N._collapse_one("Agent / Agente de nettoyage H/F") == "Agent de nettoyage"
    assert N._collapse_one("Serveur (HOMMES / FEMMES)") == "Serveur"
    assert N._collapse_one("Chef pâtissier / Cheffe pâtissière de restaurant") == (
        "Chef pâtissier de restaurant"
    )
    assert N._collapse_one("ménage / repassage") == "ménage / repassage"


def test_place_cells_once_per_distinct_triple_equal_cells_per_row(monkeypatch):
    """locate reads each distinct (commune, postal, INSEE) triple once: the same frame as
    reading every row, on places written every way (labels, codes in the wrong column or in
    the commune cell, Corsica's old numbering, numbers, typos, missing cells), in a shuffled
    order with an index that is not 0..n-1."""
    import random

    import numpy as np
    import pandas as pd

    from matcher.reference import geo

    table = geo.builtin_communes()
    rng = random.Random(11)
    some = table.drop_duplicates("code_insee").sample(n=40, random_state=3)
    names = list(some["nom"]) + [
        "Bethune",
        "BÉTHUNE",
        "St Omer",
        "Bruay-la-Buissière",
        "Béthnue",
        "62 - BETHUNE",
        "2A - AJACCIO",
        "62400",
        "62119",
        "",
        None,
    ]
    postal = list(some["code_postal"]) + ["62400", 62400, 62400.0, "6240", "", None, "2A004"]
    insee = list(some["code_insee"]) + ["20004", "62119", "62119.0", 62119, "62400", "", None]
    n = 600
    rows = pd.DataFrame({
        "commune": [rng.choice(names) for _ in range(n)],
        "postal": pd.Series([rng.choice(postal) for _ in range(n)], dtype=object),
        "insee": pd.Series([rng.choice(insee) for _ in range(n)], dtype=object),
    }, index=np.arange(n) * 3 + 7)  # fmt: skip
    for insee_col in (rows["insee"], None):
        got = geo.locate(rows["commune"], rows["postal"], table, insee=insee_col)
        monkeypatch.setattr(geo, "_distinct_place_cells", geo._place_cells)
        want = geo.locate(rows["commune"], rows["postal"], table, insee=insee_col)
        monkeypatch.undo()
        pd.testing.assert_frame_equal(got, want)
        assert got["lat"].notna().mean() > 0.5 and got["how"].nunique() >= 3
        assert insee_col is None or got["note"].ne("").any()


def plain_split_skills(series):
    """split_skills of main at dff0e1c: pandas' split on every collapsed cell."""
    from matcher.text import normalise as N

    return N.collapse_gender(series).str.split(N._SPLIT_SKILLS, regex=True).map(N._distinct)


SKILL_CELLS = st.lists(
    st.sampled_from(["cariste", "Cariste", "CACES 1", "1,5", "; ", ", ", " / ", "/", "|", "\n",
                     " - ", "- ", "-", " * ", "* ", "*", "•", "·", "cuisinier/ère", "Accueil",
                     "accueil ", " ", "\t", ".", "a", "é", "Élève", "x,2", "  ;  ", "H/F"]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(SKILL_CELLS | TEXTS | st.none(), max_size=8))
def test_split_skills_equals_the_plain_split(cells):
    import pandas as pd

    from matcher.text.normalise import split_skills

    series = pd.Series(cells, dtype=object, index=[10 + 2 * i for i in range(len(cells))])
    got = split_skills(series)
    pd.testing.assert_series_equal(got, plain_split_skills(series))
    assert len({id(x) for x in got}) == len(got)  # every row its own list


def test_split_skills_equals_the_plain_split_on_job_texts():
    import pandas as pd

    from matcher import fields as F
    from matcher.devtools.synthetic import synthetic_frames
    from matcher.reference.referential import builtin_referential
    from matcher.text.normalise import split_skills

    offers, profiles, _ = synthetic_frames(builtin_referential(), 200, 600, seed=5)
    for cells in (offers[F.SKILLS], profiles[F.SKILLS], profiles[F.TRAINING]):
        got = split_skills(cells)
        pd.testing.assert_series_equal(got, plain_split_skills(cells))
    assert got.map(len).sum() > 0


JOB_TEXTS = st.lists(
    st.sampled_from(["Agent(e) d'entretien H/F", "CACES R389 cat 1", "caces 1 3 5", "ASH", "Cœur",
                     "Élève infirmière", "C++", "C#", "permis B", "vendeuse", "/", "-", ", ",
                     "Cuisinier/ère", "SSIAP 1", "de la", "\n", "ΑΣ", "e\u0301", "x",
                     "\x00", "ssiap\x00", "cat\x001", "r 489", "MME", "agent.e", "vendeur-euse",
                     "(e)", "\x00/", "H\x00/F", "  ", "\t"]),
    max_size=10,
).map(" ".join)  # fmt: skip


@settings(max_examples=250, deadline=None)
@given(st.lists(JOB_TEXTS | TEXTS | st.none(), max_size=8))
def test_batched_normalisation_equals_each_value_alone(values):
    """fold_text, normalise_title, normalise_text, canonical_jargon, expand_abbreviations and
    collapse_gender over distinct values (folding, the CACES gate and the abbreviations over the
    texts joined; stop words and stems once per distinct word): the same as the per-value
    functions on each value."""
    import pandas as pd

    from matcher.text import normalise as N

    series = pd.Series(values, dtype=object, index=[5 + i for i in range(len(values))])
    each = [None if v is None else str(v) for v in values]

    def title_one(text: str) -> str:
        return N._expand_one(N._jargon_one(N._fold_one(text)))

    def normalise_one(text: str) -> str:
        return N._stem_one(N._without_stop_words(title_one(text)))

    for batched, one in ((N.fold_text, N._fold_one), (N.normalise_title, title_one),
                         (N.normalise_text, normalise_one), (N.canonical_jargon, N._jargon_one),
                         (N.expand_abbreviations, N._expand_one),
                         (N.collapse_gender, N._collapse_one)):  # fmt: skip
        want = pd.Series(["" if v is None else one(v) for v in each], index=series.index,
                         dtype=object)  # fmt: skip
        pd.testing.assert_series_equal(batched(series), want)


def plain_jargon(text: str) -> str:
    """_jargon_one of main at dff0e1c (its gate alone, without the clue before it)."""
    from matcher.text import normalise as N

    if not N._JARGON_HINT.search(text):
        return text
    text = N._CACES_REC.sub(lambda m: "r" + N._CACES_RENUMBER.get(m.group(1), m.group(1)), text)
    text = N._CATEGORY_WORD.sub("cat ", text)
    text = N._CACES.sub(N._caces_repl, text)
    return N._SPACES.sub(" ", text).strip()


FOLDED_JARGON = st.lists(
    st.sampled_from(["caces", "cariste", "cat", "categorie", "categories", "r", "r389", "r 386",
                     "r489", "r4890", "1", "3b", "et", "permis", "ca", "cat.", "x", "r\t372", "  ",
                     "12", "chariot", "scat", "car", "490"]),
    max_size=10,
).map(" ".join)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(FOLDED_JARGON | TEXTS)
def test_jargon_equals_the_plain_jargon(text):
    from matcher.text import normalise as N

    assert N._jargon_one(text) == plain_jargon(text)


FOLDED_WORDS = st.lists(
    st.sampled_from(["agent", "agente", "de", "la", "le", "et", "vendeuse", "vendeurs", "", "a",
                     "caces", "r489", "c++", "nettoyage", "des", "sols", "preparatrice", "x"]),
    max_size=12,
).map(" ".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(FOLDED_WORDS, max_size=6), st.booleans())
def test_stop_and_stem_equals_each_text_word_by_word(texts, empty_stem):
    """Stop words and stems over the distinct words give what removing stop words then stemming
    each text gives; also when a stem is "" (the word-by-word fallback)."""
    from matcher.text import normalise as N

    real = N.stem_word
    stem = (lambda w: "" if w == "nettoyage" else real(w)) if empty_stem else real
    N.stem_word = stem
    try:
        want = [" ".join(stem(w) for w in N._without_stop_words(t).split(" ") if w) for t in texts]
        assert N._stop_and_stem(texts) == want
    finally:
        N.stem_word = real


# -- character n-gram counts (matcher/reference/char_ngrams.py) --------------------------------
GRAM_VOCAB_DOCS = [
    "agent de nettoyage",
    "technicien de surface",
    "aide-soignant",
    "cuisinier",
    "é à ç",
    "c++ c#",
    "x",
    "ab",
    "électricien bâtiment",
    "œuvre",
    "a b c",
]


def _sklearn_counts(ngram_range, docs):
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    fitted = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False)
    fitted.fit(GRAM_VOCAB_DOCS)
    vocab = fitted.get_feature_names_out().tolist()
    plain = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False,
                            dtype=np.float32, vocabulary={g: i for i, g in enumerate(vocab)})  # fmt: skip
    return vocab, plain.transform(docs).tocsr()


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=8), st.sampled_from([(2, 4), (3, 5), (1, 2)]))
def test_gram_counts_equal_scikit_learn(docs, ngram_range):
    """The array counting of char_wb n-grams gives scikit-learn's matrix entry for entry (same
    sorted indices, same float32 counts), or declines (a text holding its separator)."""
    import numpy as np

    from matcher.reference.char_ngrams import GramCounter

    vocab, expected = _sklearn_counts(ngram_range, docs)
    got = GramCounter(vocab, ngram_range).counts(docs)
    if any(GramCounter.SEP in d for d in docs):
        assert got is None
        return
    assert got is not None and got.shape == expected.shape and got.dtype == np.float32
    assert got.has_sorted_indices
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_gram_counts_on_known_words():
    """Counts checked by hand: " ab " holds " a", "ab", "b " (2-grams), " ab", "ab " and
    " ab " (3- and 4-grams); a word repeated counts twice; unknown characters match nothing."""
    from matcher.reference.char_ngrams import GramCounter

    vocab = [" a", "ab", "b ", " ab", "ab ", " ab ", "zz"]
    got = GramCounter(vocab, (2, 4)).counts(["ab ab", "zzz", "", "ab\x00"])
    assert got is None  # the separator itself: the caller falls back to scikit-learn
    got = GramCounter(vocab, (2, 4)).counts(["ab ab", "zzz", "", "€ab€"])
    assert got is not None
    assert got.toarray().tolist() == [
        [2, 2, 2, 2, 2, 2, 0],
        [0, 0, 0, 0, 0, 0, 2],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 0, 0],
    ]


# -- matcher/text/vectors.py: scikit-learn's pieces, written without importing it ---------------
@settings(max_examples=80, deadline=None)
@given(st.lists(TEXTS | st.text(min_size=0, max_size=70), max_size=40), st.integers(0, 2**31 - 1))
def test_murmurhash_of_terms_equals_scikit_learn(terms, seed):
    import numpy as np
    from sklearn.utils import murmurhash3_32 as reference

    from matcher.text.vectors import murmurhash3_32

    got = murmurhash3_32(terms, seed)
    assert got.dtype == np.int64
    assert got.tolist() == [reference(t, seed) for t in terms]


def test_murmurhash_known_values_and_long_chunks(monkeypatch):
    from sklearn.utils import murmurhash3_32 as reference

    from matcher.text import vectors

    # Published MurmurHash3_x86_32 values (seed 0), signed as scikit-learn gives them.
    assert vectors.murmurhash3_32(["", "a", "abc", "hello"]).tolist() == [
        0, 1009084850, -1277324294, 613153351,
    ]  # fmt: skip
    monkeypatch.setattr(vectors, "HASH_CHUNK", 3)  # several chunks, lengths across them
    terms = ["x" * n for n in range(12)] + ["é" * 5, "𝄞", "ab cd"]
    assert vectors.murmurhash3_32(terms).tolist() == [reference(t, 0) for t in terms]


@given(st.text(alphabet=ALPHABET.replace(" ", "").replace("\t", "").replace("\n", ""),
               min_size=1, max_size=12), st.integers(1, 4), st.integers(0, 3))  # fmt: skip
def test_char_wb_grams_of_a_word_equal_scikit_learn(word, low, extra):
    from sklearn.feature_extraction.text import HashingVectorizer

    from matcher.text.vectors import char_wb_grams

    word = "".join(word.split()) or "a"
    analyse = HashingVectorizer(
        analyzer="char_wb", ngram_range=(low, low + extra), lowercase=False
    ).build_analyzer()
    assert char_wb_grams(word, low, low + extra) == analyse(word)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 30), st.floats(0.0, 1.0), st.sampled_from(["f4", "f8"]),
       st.integers(0, 2**16))  # fmt: skip
def test_l2_normalised_rows_equal_scikit_learn_to_the_bit(rows, cols, density, dtype, seed):
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    from matcher.text.vectors import l2_normalise_rows

    x = sp.random(rows, cols, density=density, format="csr", dtype=dtype, random_state=seed)
    x.data = (x.data * 1000).astype(dtype)  # values spread over magnitudes; some rows empty
    want = normalize(x)
    got = l2_normalise_rows(x)
    assert got.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
    assert got.data.tobytes() == want.data.tobytes()
    assert np.array_equal(l2_normalise_rows(x.tocsc()).toarray(), want.toarray())


@example(["İ", "İstanbul ; Femme"])  # pyarrow and str.lower differ on "İ"
@given(st.lists(st.one_of(TEXTS, st.sampled_from(["Femme, 45 ans, mère de 2 enfants", "RQTH ;  "
                                                   "permis B", "nationalité française"]),
                          st.none(), st.just(float("nan")), st.integers()), max_size=20))  # fmt: skip
def test_scrubbed_texts_equal_the_pandas_string_methods(values):
    import pandas as pd

    from matcher.features import protected

    series = pd.Series(values, dtype=object)
    text = series.astype("object")
    is_text = text.map(lambda v: isinstance(v, str))
    want = text.copy()
    if is_text.any():  # the former per-element pass (pandas' string methods)
        want[is_text] = (
            text[is_text].astype(str).str.lower()
            .str.replace(protected.PROTECTED, " ", regex=True)
            .str.replace(r"\s{2,}", " ", regex=True).str.strip(" ,;")
        )  # fmt: skip
    got = protected.scrub_text(series)
    assert got.index.equals(want.index)
    # pandas 3 lower-cases its arrow strings with pyarrow, which differs from str.lower on a few
    # characters ("İ" -> "i" against "i̇"); what reads the scrubbed text folds it first, and the
    # folded texts are the same.
    assert [fold(g) if isinstance(g, str) else ("nan" if g != g else g) for g in got] == [
        fold(w) if isinstance(w, str) else ("nan" if w != w else w) for w in want
    ]


def test_texts_of_the_blocks_read_as_fillna_then_astype_str():
    # The blocks read the frames' own strings (no Arrow copy), as fillna("").astype(str) does.
    import pandas as pd

    from matcher.features import text

    a = pd.Series(["agent d'entretien", None, float("nan"), 3, pd.NA], dtype=object)
    b = pd.Series(["cariste", None], dtype="str")
    want = list(pd.concat([a, b], ignore_index=True).fillna("").astype(str))
    assert text._as_texts(a, b) == want == ["agent d'entretien", "", "", "3", "", "cariste", ""]
    assert text._as_texts(a)[0] is a[0]  # the same object, not a copy
