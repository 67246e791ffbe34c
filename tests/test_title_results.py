"""Classification results kept on disk: read back equal, titles seen before not classified
again, a new file when the referential changes, a damaged file ignored."""

from __future__ import annotations

import logging
import sqlite3

import pandas as pd
import pytest

from matcher.reference import title_results
from matcher.reference.classifier import CACHE_ENV, TitleClassifier
from matcher.reference.referential import TITLE, Referential, builtin_referential

TITLES = pd.Series([
    "Agent d'entretien", "Agent(e) d'entretien H/F", "Cariste", "cariste (H/F)",
    "Serveur / Barman", "", "Aide-soignante", "Préparateur de commandes", "LIDL - employé",
])  # fmt: skip


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path


def counting(clf: TitleClassifier) -> list[int]:
    """Replace ``clf.classify`` by a wrapper that records how many titles each call gets."""
    calls: list[int] = []
    real = clf.classify

    def classify(queries, *args, **kwargs):
        calls.append(len(queries))
        return real(queries, *args, **kwargs)

    clf.classify = classify  # type: ignore[method-assign]
    return calls


def test_results_read_back_equal_classifying_and_cost_nothing_the_second_time(cache):
    clf = TitleClassifier(builtin_referential())
    want = clf.classify(TITLES).reset_index(drop=True)
    calls = counting(clf)
    first = title_results.classify_titles(clf, TITLES)
    pd.testing.assert_frame_equal(first, want)
    distinct_parts = len(clf.parts(TITLES).drop_duplicates())
    assert calls == [distinct_parts] and distinct_parts < len(TITLES)
    assert title_results.results_path(clf).is_file()
    # A new process (a new classifier object) reads them back: nothing classified again.
    again = TitleClassifier(builtin_referential())
    calls = counting(again)
    pd.testing.assert_frame_equal(title_results.classify_titles(again, TITLES), want)
    assert calls == []
    # One new title: only it is classified; the old ones are still read back.
    more = pd.concat([TITLES, pd.Series(["Soudeur TIG"])], ignore_index=True)
    got = title_results.classify_titles(again, more)
    assert calls == [1]
    pd.testing.assert_frame_equal(got, TitleClassifier(builtin_referential()).classify(more))


def test_another_referential_has_its_own_results(cache):
    ref = builtin_referential()
    titles = ref.titles.copy()
    titles.loc[titles.index[0], TITLE] = "Dompteur de puces savantes"
    other = Referential(
        ref.codes, titles, ref.skills, ref.close, source=ref.source, texts=ref.texts
    )
    a, b = TitleClassifier(ref), TitleClassifier(other)
    assert title_results.results_path(a) != title_results.results_path(b)
    title_results.classify_titles(a, TITLES)
    calls = counting(b)
    title_results.classify_titles(b, TITLES)
    assert calls and calls[0] > 0  # nothing reused from the other referential's file


def stored_rows(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT (SELECT count(*) FROM results) + (SELECT count(*) FROM parts)").fetchone()[0]  # fmt: skip
    finally:
        con.close()


def test_a_damaged_file_is_replaced(cache, caplog):
    clf = TitleClassifier(builtin_referential())
    path = title_results.results_path(clf)
    path.write_text("{pas une base", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="matcher.reference.title_results"):
        got = title_results.classify_titles(clf, TITLES)
    assert "unreadable" in caplog.text and "replaced" in caplog.text
    pd.testing.assert_frame_equal(got, clf.classify(TITLES).reset_index(drop=True))
    assert stored_rows(path) > 0
    calls = counting(clf)
    title_results.classify_titles(clf, TITLES)
    assert calls == []


def test_without_the_cache_nothing_is_written(cache):
    clf = TitleClassifier(builtin_referential(), use_cache=False)
    got = title_results.classify_titles(clf, TITLES)
    pd.testing.assert_frame_equal(got, clf.classify(TITLES).reset_index(drop=True))
    assert not list(cache.glob("titles-*"))


def test_a_full_store_keeps_no_new_rows_and_the_run_is_the_same(cache, monkeypatch):
    clf = TitleClassifier(builtin_referential())
    title_results.classify_titles(clf, TITLES.iloc[:3])
    path = title_results.results_path(clf)
    before = stored_rows(path)
    monkeypatch.setattr(title_results, "MAX_STORED", before + 1)
    got = title_results.classify_titles(clf, TITLES)
    pd.testing.assert_frame_equal(got, clf.classify(TITLES).reset_index(drop=True))
    assert stored_rows(path) == before


def test_a_run_reads_the_rows_of_its_own_titles_only(cache):
    clf = TitleClassifier(builtin_referential())
    title_results.classify_titles(clf, TITLES)
    store = title_results.Store(title_results.results_path(clf))
    try:
        keys = [tuple(k) for k in clf.parts(TITLES.iloc[[2, 3]]).drop_duplicates().to_numpy()]
        assert list(store.results(keys)) == keys  # "Cariste", "cariste (H/F)": one key
        assert store.results([("ceci n'est pas un titre", "")]) == {}
    finally:
        store.close()


def test_titles_met_as_written_are_not_cleaned_again_and_not_stored_as_text(cache):
    clf = TitleClassifier(builtin_referential())
    want = clf.classify(TITLES).reset_index(drop=True)
    title_results.classify_titles(clf, TITLES)
    data = title_results.results_path(clf).read_bytes()
    assert b"LIDL" not in data and b"H/F" not in data  # digests of the titles, not the titles
    again = TitleClassifier(builtin_referential())
    cleaned: list[int] = []
    real = again.parts

    def parts(queries):
        cleaned.append(len(queries))
        return real(queries)

    again.parts = parts  # type: ignore[method-assign]
    pd.testing.assert_frame_equal(title_results.classify_titles(again, TITLES), want)
    assert cleaned == []
    more = pd.concat([TITLES, pd.Series(["Soudeuse TIG (H/F)"])], ignore_index=True)
    got = title_results.classify_titles(again, more)
    assert cleaned == [1, 1]  # its parts, then its classification (a new title)
    pd.testing.assert_frame_equal(got, TitleClassifier(builtin_referential()).classify(more))


# Unsure titles with the texts that decide them (an offer's missions, a person's skills); one pair
# repeated, one text given to two titles, one title with two texts.
IN_CONTEXT = pd.DataFrame(
    [
        ("Technicien", "maintenance des chaudières, dépannage gaz, SAV particuliers"),
        ("Soigneur", "nourrir les animaux du parc, nettoyer les enclos"),
        ("Technicien", "maintenance des chaudières, dépannage gaz, SAV particuliers"),
        ("Agent", "nettoyage des bureaux, autolaveuse, tri des déchets"),
        ("Technicien", "nettoyage des bureaux, autolaveuse, tri des déchets"),
        ("Employé polyvalent", "mise en rayon, caisse, réception des livraisons Mme Durand"),
    ],
    columns=["title", "context"],
)


def test_titles_with_their_text_read_back_equal_and_cost_nothing_the_second_time(cache):
    clf = TitleClassifier(builtin_referential())
    titles, texts = IN_CONTEXT["title"], IN_CONTEXT["context"]
    want = clf.classify(titles, contexts=texts)[["code", "confidence"]].reset_index(drop=True)
    calls = counting(clf)
    first = title_results.classify_in_context(clf, titles, texts)
    pd.testing.assert_frame_equal(first, want)
    assert calls == [5]  # each distinct (title, text) once
    # A new process reads them back; a new text for a known title is classified.
    again = TitleClassifier(builtin_referential())
    calls = counting(again)
    pd.testing.assert_frame_equal(title_results.classify_in_context(again, titles, texts), want)
    assert calls == []
    more_titles = pd.concat([titles, pd.Series(["Soigneur"])], ignore_index=True)
    more_texts = pd.concat([texts, pd.Series(["soins aux chevaux, écurie"])], ignore_index=True)
    got = title_results.classify_in_context(again, more_titles, more_texts)
    assert calls == [1]
    fresh = TitleClassifier(builtin_referential()).classify(more_titles, contexts=more_texts)
    pd.testing.assert_frame_equal(got, fresh[["code", "confidence"]].reset_index(drop=True))
    # Digests only: neither the texts nor the titles as written are in the file.
    data = title_results.results_path(clf).read_bytes()
    assert b"chaudi" not in data and b"Durand" not in data and b"Employ" not in data


def test_titles_with_their_text_without_the_cache_write_nothing(cache):
    clf = TitleClassifier(builtin_referential(), use_cache=False)
    got = title_results.classify_in_context(clf, IN_CONTEXT["title"], IN_CONTEXT["context"])
    want = clf.classify(IN_CONTEXT["title"], contexts=IN_CONTEXT["context"])
    pd.testing.assert_frame_equal(got, want[["code", "confidence"]].reset_index(drop=True))
    assert not list(cache.glob("titles-*"))
