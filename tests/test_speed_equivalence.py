"""The speed-ups of issue 15 give the same values as the plain computations they replace."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.features import skills
from matcher.ranking.prepare import classify_distinct
from matcher.reference.referential import builtin_referential
from matcher.text.fold import fold


def test_titles_classified_once_per_distinct_parts_equal_classifying_each():
    """Titles whose cleaned parts are the same are classified once; every row still gets what
    classifying it alone gives (codes, confidence, matched title, candidates)."""
    ref = builtin_referential()
    titles = pd.Series([
        "Agent d'entretien", "Agent(e) d'entretien H/F", "agent d entretien", "AGENT D'ENTRETIEN",
        "Cariste", "cariste (H/F)", "Serveur / Barman", "serveur/barman", "Aide-soignant",
        "Aide-soignante", "", "Préparateur de commandes", "préparatrice de commandes CDI",
    ])  # fmt: skip
    got = classify_distinct(ref, titles)
    want = ref.classifier.classify(titles).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    # It did share work: fewer distinct parts than titles.
    parts = ref.classifier.parts(titles)
    assert len(parts.drop_duplicates()) < len(titles)


@pytest.mark.parametrize(
    "text",
    ["Élève infirmière", "cœur de métier", "Crème brûlée", "naïve ça", "e\u0301te\u0301",
     "Ångström ønske", "ﬁlm", "x\u0483y", "abc", "Ḿ", "ά", "\u05d0\u05b0"],
)  # fmt: skip
def test_fold_removes_the_same_marks_as_the_unicode_check(text):
    """The fast removal of Latin accents gives what removing every combining character gives."""
    import unicodedata

    slow = unicodedata.normalize("NFKD", text.translate(str.maketrans({"œ": "oe", "æ": "ae"})))
    slow = "".join(c for c in slow if not unicodedata.combining(c)).lower()
    assert fold(text, punctuation=True) == " ".join(slow.split())


def test_fuzzy_match_by_length_chunks_equals_the_full_matrix(monkeypatch):
    """Chunks of one length (or of a wider span) give the matrix of comparing every pair."""
    from rapidfuzz import fuzz, process

    left = [
        "cariste",
        "preparation commande",
        "conduite chariot",
        "nettoyage sol",
        "accueil",
        "accueil client",
        "caisse",
        "mise rayon",
        "conduit chariot",
        "preparaton commande",
    ]
    right = ["cariste", "commande preparation", "conduite chariots", "nettoyage des sols",
             "acueil", "client accueil", "caise", "mise en rayon", "chariot", "x"]  # fmt: skip
    for threshold in (60, 80, 90):
        full = process.cdist(
            [skills._token_sorted(k) for k in left], [skills._token_sorted(k) for k in right],
            scorer=fuzz.ratio,
        ) >= threshold  # fmt: skip
        for span, slack in ((1.0, 0), (1.5, 2)):
            monkeypatch.setattr(skills, "LENGTH_SPAN", span)
            monkeypatch.setattr(skills, "LENGTH_SLACK", slack)
            got = skills.fuzzy_match(left, right, threshold).toarray() > 0
            assert (got == full).all(), (threshold, span)
        assert full.any() and not full.all()


def test_sorted_unique_is_numpy_unique():
    """Distinct values by hashing then sorted: what np.unique gives (values, first places,
    inverse), on strings with repeats, accents, case and an empty string."""
    import numpy as np

    values = np.array(["b", "a", "é", "b", "", "A", "a", "e", "z", "é", "ab"], dtype=object)
    for got, want in zip(
        skills.sorted_unique(values),
        np.unique(values, return_index=True, return_inverse=True),
        strict=True,
    ):
        assert list(got) == list(want)


def test_abbreviations_trie_matches_the_longest_first_alternation():
    """The trie pattern replaces exactly what the alternation sorted longest first replaced,
    on texts made of the table's own forms, glued, prefixed and followed by other words."""
    import random
    import re

    from matcher.text.normalise import abbreviations, trie_pattern

    _, table = abbreviations()
    words = list(table) + ["ab", "abc", "abc d", "abcd", "ab c", "a"]
    old = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
    )
    new = re.compile(rf"\b(?:{trie_pattern(words)})\b")
    rng = random.Random(3)
    pieces = [*words, "x", "1", "de", " ", "+", "#", "-"]
    texts = [" ".join(rng.choices(pieces, k=rng.randint(1, 8))) for _ in range(3000)]
    texts += ["".join(rng.choices(pieces, k=4)) for _ in range(1000)]
    hits = 0
    for t in texts:
        a = old.sub(lambda m: f"<{m.group(0)}>", t)
        assert new.sub(lambda m: f"<{m.group(0)}>", t) == a, t
        hits += a != t
    assert hits > 1000


def test_gated_gender_patterns_collapse_like_the_ungated_ones():
    """Skipping a pattern when its gate is absent changes nothing: the old sequence of
    substitutions (every pattern run whenever its mark character is present) gives the same
    text on generated job texts full of gender marks."""
    import random

    from matcher.text import normalise as N

    def ungated(text: str) -> str:
        slash = "/" in text
        if slash or "-" in text or "omme" in text or "emme" in text:
            text = N._HF.sub(" ", text)
        if "(" in text:
            text = N._PAREN_FEM.sub(r"\1", text)
        if "." in text or "·" in text or "•" in text:
            text = N._DOT_FEM.sub(r"\1", text)
        if slash:
            text = N._SLASH_FEM.sub(r"\1", text)
        if "-" in text:
            text = N._DASH_FEM.sub(r"\1", text)
        if slash and "/" in text:
            text = N._collapse_pairs(text)
        if "  " in text or "\t" in text:
            text = N._BLANKS.sub(" ", text)
        return text.strip()

    rng = random.Random(7)
    pieces = ["Agent", "agente", "(e)", "( E )", ".e", "·e·s", ".ne", "/ère", "/ ERE", "-euse",
              "-e", "H/F", "(F/H)", "h - f", "M/F/X", "(hommes ou femmes)", " / ", "/", "cuisinier",
              "vendeur", "vendeuse", "Chef", "cheffe", "B.", "permis B/E", "1.5", "ée", "x", "-",
              "(", ")", ".", "•", "directeur-trice", "Technicien(ne)", "femme", "homme"]  # fmt: skip
    changed = 0
    for _ in range(5000):
        sep = rng.choice([" ", "", " "])
        text = sep.join(rng.choices(pieces, k=rng.randint(1, 7)))
        want = ungated(text)
        assert N._collapse_one(text) == want, text
        changed += want != text.strip()
    assert changed > 1000


def test_close_jobs_per_distinct_list_equal_close_jobs_per_row():
    """prepare computes the close jobs once per distinct list of codes: same lists as
    close_codes row by row, and no two rows share one list object."""
    from matcher import fields as F
    from matcher.devtools.synthetic import synthetic_frames
    from matcher.ranking.prepare import prepare_profiles
    from matcher.reference.geo import builtin_communes
    from matcher.reference.referential import close_codes
    from matcher.settings import Settings

    ref = builtin_referential()
    _, profiles, _ = synthetic_frames(ref, 5, 300, seed=2)
    prepared = prepare_profiles(profiles, ref, builtin_communes(), Settings())
    want = close_codes(ref, prepared[F.OCC_CODES])
    assert prepared[F.OCC_CLOSE].tolist() == want.tolist()
    assert sum(len(x) > 0 for x in want) > 50
    ids = [id(x) for x in prepared[F.OCC_CLOSE]]
    assert len(set(ids)) == len(ids)


def test_titles_with_contexts_sharing_keys_equal_classifying_each_alone():
    """With contexts, what depends on the title alone is computed once per distinct title of a
    block: each row still gets what classifying it alone gives, its own context deciding."""
    clf = builtin_referential().classifier
    titles = pd.Series(["Agent", "Employé", "Agent", "Agent", "Employé", "Soigneur"])
    contexts = pd.Series([
        "Nettoyage des bureaux, entretien des sols",
        "Mise en rayon, caisse, magasin",
        "Accueil du public, renseignement, orientation",
        "",
        "Aide à domicile, ménage, repassage",
        "Soins aux animaux, nourrissage, nettoyage des boxes",
    ])  # fmt: skip
    together = clf.classify(titles, contexts=contexts)
    for i in range(len(titles)):
        alone = clf.classify(titles.iloc[[i]], contexts=contexts.iloc[[i]])
        pd.testing.assert_frame_equal(together.iloc[[i]], alone)
    # The contexts did decide something: the same title got different codes.
    assert together.loc[[0, 2], "code"].nunique() == 2
    assert together.loc[[1, 4], "code"].nunique() == 2


def test_split_titles_per_distinct_cell_gives_each_row_its_own_list():
    from matcher.text.normalise import split_titles

    cells = pd.Series(["Agent / Agente d'entretien ; cariste", None, "Agent / Agente d'entretien ; cariste", "Serveur ou barman"])  # fmt: skip
    got = split_titles(cells)
    assert got.tolist() == [["Agent d'entretien", "cariste"], [], ["Agent d'entretien", "cariste"],
                            ["Serveur", "barman"]]  # fmt: skip
    assert got[0] is not got[2]


def test_contexts_against_the_dense_documents_matrix_equal_the_sparse_product(monkeypatch):
    """A big call multiplies the contexts by a dense copy of the documents' matrix: the same
    codes and confidences as the sparse product."""
    from matcher.reference.classifier import TitleClassifier

    clf = builtin_referential().classifier
    titles = pd.Series(["Agent", "Employé", "Technicien", "Soigneur", "Agent polyvalent"] * 3)
    contexts = pd.Series([
        "Nettoyage des bureaux, entretien des sols", "Mise en rayon, caisse, magasin",
        "Maintenance des machines, dépannage électrique", "Soins aux animaux, nourrissage",
        "Accueil du public, orientation",
    ] * 3)  # fmt: skip
    monkeypatch.setattr(TitleClassifier, "DENSE_FROM", 10**9)
    sparse = clf.classify(titles, contexts=contexts)
    monkeypatch.setattr(TitleClassifier, "DENSE_FROM", 1)
    pd.testing.assert_frame_equal(clf.classify(titles, contexts=contexts), sparse)


def test_rome_codes_read_once_per_distinct_cell_each_row_its_own_list():
    from matcher.reference.referential import fold_codes

    cells = pd.Series(["k 2204, K2204 - Nettoyage", None, "k 2204, K2204 - Nettoyage", "N1103"])
    got = fold_codes(cells)
    assert got.tolist() == [["K2204"], [], ["K2204"], ["N1103"]]
    assert got[0] is not got[2]
