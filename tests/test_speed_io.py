"""The speed-ups of issue 15 in reading files and writing results give the same values as the
plain computations they replace, on many generated inputs."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import fields as F
from matcher.export import cells as shortlists

# Texts made of the characters that matter: formula starts, spaces, characters Excel refuses,
# line breaks, accents.
_CHARS = st.sampled_from(list("=+-@ \t\r\n\x00\x01\x0b\x1f\ufffe\uffffaé'Z9;\"") + ["ab", "é"])
_TEXT = st.lists(_CHARS, max_size=12).map("".join)
_CELL = st.one_of(
    _TEXT,
    st.lists(_TEXT, max_size=3),
    st.tuples(_TEXT, st.integers()),
    st.none(),
    st.just(float("nan")),
    st.floats(allow_nan=False),
    st.integers(),
    st.booleans(),
    st.just(pd.NaT),
    st.just(pd.NA),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)).map(
        pd.Timestamp
    ),
    st.integers(-5, 5).map(np.int64),
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and (a is b or a == b)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL, max_size=30))
def test_csv_values_of_a_column_equal_csv_safe_of_each_cell(cells):
    column = pd.Series(cells, dtype=object)
    got = shortlists.csv_safe_values(column)
    want = [shortlists.csv_safe(v) for v in column]
    assert len(got) == len(want)
    assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (list(got), want)


def test_csv_values_of_long_texts_and_typed_columns_equal_csv_safe():
    long = "x" * (shortlists.EXCEL_MAX_CELL + 5)
    texts = pd.Series([long, "=1+1", "  -2", "ok", long, None, "a\x00b", "=1+1"])
    got = shortlists.csv_safe_values(texts)
    assert list(got) == [shortlists.csv_safe(v) for v in texts]
    assert got[0].endswith(shortlists.CUT_MARK) and got[1] == "'=1+1" and got[6] == "ab"
    for column in (pd.Series([True, False]), pd.Series(["a", None], dtype="string"),
                   pd.Series(pd.to_datetime(["2026-01-02", None]))):  # fmt: skip
        got = shortlists.csv_safe_values(column)
        want = [shortlists.csv_safe(v) for v in column.to_numpy(dtype=object)]
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (list(got), want)


def _csv_by_pandas(frame: pd.DataFrame, path) -> bytes:
    """What write_csv replaced: every non-numeric column made safe, then ``to_csv``."""
    out = frame.copy()
    for c in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool):
            out[c] = pd.Series(shortlists.csv_safe_values(frame[c]), index=frame.index,
                               dtype=object)  # fmt: skip
    out.columns = _headers(frame)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out.to_csv(fh, sep=";", index=False, lineterminator="\r\n")
    return path.read_bytes()


def _headers(frame: pd.DataFrame) -> list[str]:
    return [f"{c} ; « en-tête »" for c in frame.columns]  # quoted: it holds the separator


_FLOAT = st.one_of(st.floats(), st.sampled_from([0.1 + 0.2, 1e16, 1e-5, -0.0, 123456789.125]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_CELL, _FLOAT, st.integers(-(2**40), 2**40), st.booleans()), max_size=25),
    st.booleans(),
)
def test_written_csv_is_byte_for_byte_what_pandas_wrote(tmp_path_factory, rows, one_column):
    from matcher.export.csv_file import write_csv

    folder = tmp_path_factory.mktemp("csv")
    frame = pd.DataFrame(
        {
            F.REASONS: pd.Series([r[0] for r in rows], dtype=object),
            F.SCORE: pd.Series([r[1] for r in rows], dtype=np.float64),
            F.RANK: pd.Series([r[2] for r in rows], dtype=np.int64),
            "to_discuss": pd.Series([r[3] for r in rows], dtype=bool),
        }
    )
    if one_column:
        frame = frame[[F.REASONS]]
    write_csv(frame, folder / "fast.csv", _headers(frame))
    assert (folder / "fast.csv").read_bytes() == _csv_by_pandas(frame, folder / "pandas.csv")


def _reasons_world(rows: list[tuple[int, int, int]], pool: list[list[str]]):
    """Offers and profiles whose codes come from ``pool``, and kept pairs (offer, profile,
    kind) as ``build_reasons`` reads them."""
    from matcher.features import constraints as C

    n = len(pool)

    def side(extra: dict) -> pd.DataFrame:
        frame = pd.DataFrame({F.OCC_CODES: pd.Series(pool, dtype=object), **extra})
        for f in (F.NIGHTS, F.WEEKENDS, F.SPLIT_SHIFTS):
            frame[f] = None
        return frame

    offers = side({F.CONTRACT_TYPE: [["CDD"]] * n, F.LICENCE_REQUIRED: [None] * n,
                   F.LICENCE_DESIRED: [None] * n, F.WEEKLY_HOURS: [35.0] * n,
                   F.START_DATE: [None] * n})  # fmt: skip
    licences = [[], ["B"], ["B", "C"], ["aucun"], ["A", "BE"], None]
    profiles = side({F.MEANS: (["voiture", "", "vélo"] * n)[:n], F.LICENCE: [licences[i % 6] for i in range(n)],
                     F.RADIUS_KM: [20.0] * n, F.MOBILITY_KM: [20.0] * n,
                     F.CONTRACT_TYPES: [["CDD"]] * n, F.WANTED_HOURS: [35.0] * n,
                     F.AVAILABLE_FROM: [None] * n})  # fmt: skip
    top = pd.DataFrame({
        F.OFFER_POS: [r[0] for r in rows], F.PROFILE_POS: [r[1] for r in rows],
        F.OCC_KIND: [r[2] for r in rows], F.DISTANCE_KM: [5.0 + 7 * (i % 4) for i in range(len(rows))],
        F.MATCHED_SKILLS: [[] for _ in rows], F.MISSING_SKILLS: [[] for _ in rows],
    })  # fmt: skip
    for c in C.CHECKS:
        top[f"broken_{c}"] = False
    return top, offers, profiles


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_occupation_sentences_read_back_equal_one_sentence_a_row(data):
    """The occupation sentence, built once per (kind, offer codes, person codes), is the one
    ``occupation_sentence`` gives each kept pair; the commute sentence, with the licences
    named once per licence list, the one ``commute_sentence`` gives alone."""
    from matcher.ranking.reasons import build_reasons, commute_sentence, occupation_sentence
    from matcher.reference.referential import CODE, LABEL, SECTOR, default_referential

    ref = default_referential()
    codes = sorted(ref.codes[CODE].unique())
    # Codes near one another (same domain, family, close jobs) and a few far away.
    some = st.sampled_from(codes[:40] + codes[-5:] + ["Z9999"])
    pool = data.draw(st.lists(st.lists(some, max_size=4), min_size=1, max_size=6))
    n = len(pool)
    rows = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                        st.sampled_from([-1, 0, 1, 2, 3, 4])),
                              min_size=1, max_size=40))  # fmt: skip
    # A kind the codes can have: the best link of the pair, as the ranking computes it.
    rows = [(o, p, _kind(pool[o], pool[p], k, ref)) for o, p, k in rows]
    top, offers, profiles = _reasons_world(rows, pool)
    got = build_reasons(top, offers, profiles, ref)
    table = ref.codes.drop_duplicates(CODE)
    labels = dict(zip(table[CODE], table[LABEL], strict=True))
    sectors = dict(zip(table[CODE], table[SECTOR], strict=True)) if SECTOR in table else {}
    distance = top[F.DISTANCE_KM].tolist()
    for i, ((o, p, k), sentences) in enumerate(zip(rows, got, strict=True)):
        assert sentences[0] == occupation_sentence(k, pool[o], pool[p], labels, sectors, ref)
        licence = profiles.at[p, F.LICENCE]
        assert sentences[1] == commute_sentence(
            distance[i], profiles.at[p, F.MEANS], licence if isinstance(licence, list) else [],
            20.0, True,
        )  # fmt: skip


def _kind(oc: list[str], pc: list[str], wanted: int, ref) -> int:
    """``wanted`` when some pair of codes has that link (else the unknown kind, -1, or the
    "no link" kind, 0, which need no linking pair)."""
    from matcher.features import occupation as O

    if not oc or not pc:
        return -1
    kinds = {O.link_kind(a, b, ref) for a in oc[: O.MAX_CODES] for b in pc[: O.MAX_CODES]}
    return wanted if wanted in kinds else (0 if wanted > 0 else wanted)


# -- privacy: redaction over distinct texts, only those a pattern touches ----------------------
def _plain_redact_text(series: pd.Series, free_text: bool) -> tuple[pd.Series, dict[str, int]]:
    """The plain computation: ``redact_value`` on every text."""
    from matcher.intake import privacy

    counts = {k: 0 for k in privacy.COUNT_KEYS}
    text = series.astype("object")
    mask = text.notna()
    if not mask.any():
        return series.copy(), counts
    out = text.where(mask, None)
    out[mask] = [privacy.redact_value(str(v), counts, free_text) for v in text[mask]]
    return out, counts


def _nir() -> st.SearchStrategy[str]:
    def build(digits: str) -> str:
        return digits + f"{97 - int(digits) % 97:02d}"

    return st.from_regex(r"[1-478]\d{12}", fullmatch=True).map(build)


_PIECES = st.one_of(
    st.sampled_from(
        [
            "jean.dupont@mail.fr",
            "a@b.co",
            "x (at) y (dot) com",
            "moi arobase site point fr",
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0612345678",
            "612345678",
            " 612345678 ",
            "01.02.03.04.05",
            "FR76 3000 6000 0112 3456 7890 189",
            "FR7630006000011234567890189",
            "12 rue des Lilas 62400",
            "3 bis, avenue Foch",
            "né le 12/03/1985",
            "née 1/2/99",
            "date de naissance : 01/01/2000",
            "nir 1 85 03 62 123 456",
            "sécu 185036212345",
            "Béthune",
            "62400",
            "35 h",
            "CACES R489",
            "permis B",
            "2026-12-09",
            "rue",
            "at",
            "@",
            ".",
            ",",
            ";",
            " ",
            "\n",
            "\x00",
            "é",
            "Z",
            "123",
            "2A",
            "\t",
            "fr76 3000 6000 0112 3456 7890 189",
            "FR76 ſK00 İı00",  # letters IGNORECASE reads as ASCII ones
            "12 BIS, RUE",
        ]
    ),  # fmt: skip
    _nir(),
    st.text(alphabet="0123456789 .-/@abcAB\x00", max_size=14),
)
_REDACT_TEXT = st.lists(_PIECES, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(_REDACT_TEXT, st.none(), st.integers(0, 10**10)), max_size=25),
    st.booleans(),
)
def test_redaction_of_distinct_touched_texts_equals_redacting_every_text(cells, free_text):
    """Nothing slips through: every text comes out as ``redact_value`` gives it on its own,
    with the same counts (texts repeated, numbers, missing values, separators inside)."""
    from matcher.intake import privacy

    series = pd.Series(cells + cells[:3], dtype=object)
    got, got_counts = privacy.redact_text(series, free_text)
    want, want_counts = _plain_redact_text(series, free_text)
    assert got_counts == want_counts
    assert got.tolist() == want.tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(_REDACT_TEXT, min_size=1, max_size=12))
def test_texts_left_out_of_redaction_are_unchanged_by_it(texts):
    """``may_change`` leaves out only texts that ``redact_value`` leaves as they are."""
    from matcher.intake import privacy

    flagged = privacy.may_change(texts)
    for text, hit in zip(texts, flagged, strict=True):
        for free_text in (True, False):
            counts: dict[str, int] = {}
            if not hit:
                assert privacy.redact_value(text, counts, free_text) == text and not counts


@settings(max_examples=300, deadline=None)
@given(st.lists(_REDACT_TEXT | st.sampled_from(["a\x00b 1", "x at y", "(AT)", "\x00\x00"]),
                max_size=15))  # fmt: skip
def test_texts_searched_together_are_the_texts_searched_one_by_one(texts):
    """The quick test over the joined texts finds the texts a search of each finds, and the
    texts marked by the matches are those a loop over the matches marks (main at 2cdb090)."""
    import numpy as np

    from matcher.intake import privacy
    from matcher.text.fold import texts_matching

    assert texts_matching(texts, privacy._QUICK_REST) == [
        i for i, v in enumerate(texts) if privacy._QUICK.search(v)
    ]

    def plain(values: list[str]) -> np.ndarray:
        hit = np.zeros(len(values), dtype=bool)
        quick = [i for i, v in enumerate(values) if privacy._QUICK.search(v)]
        if len(quick) < len(values):
            hit[quick] = plain([values[i] for i in quick])
            return hit
        if not values:
            return hit
        lengths = np.array([len(v) for v in values], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        joined = "\x00".join(values)
        for regex in privacy._REDACTING:
            for m in regex.finditer(joined):
                a = np.searchsorted(starts, m.start(), side="right") - 1
                b = np.searchsorted(starts, max(m.end() - 1, m.start()), side="right") - 1
                hit[a : b + 1] = True
        return hit

    assert privacy.may_change(texts).tolist() == plain(texts).tolist()


# -- total rows: the anchored pattern read only where its words are ---------------------------
_TOTAL_CELL = st.one_of(
    st.lists(st.sampled_from(["Total", "TOTAL", "total", "totaux", "Sous-total", "sous total",
                              "soustotal", " ", "\t", "\n", "\u00a0", "é", "x", "général", "12",
                              "ſous-total", "TOTALE", ":", "Totaux"]),
             max_size=5).map("".join),
    st.none(), st.integers(), st.floats(allow_nan=True),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TOTAL_CELL, _TOTAL_CELL), max_size=20))
def test_total_rows_equal_the_anchored_pattern_on_every_cell(rows):
    from matcher.intake import importer

    raw = pd.DataFrame(rows, columns=["a", "b"], dtype=object)
    raw.index = raw.index + 2
    want = pd.Series(False, index=raw.index)
    for column in raw.columns:
        text = raw[column].astype("object").where(raw[column].notna(), "").astype(str)
        want |= text.str.contains(importer._TOTAL_RE, case=False, regex=True)
    pd.testing.assert_series_equal(importer._total_rows(raw), want, check_names=False)


# -- header search: rows that cannot score more are not scored ----------------------------------
_LABEL = st.one_of(st.sampled_from(["Intitulé", "Commune", "Réf", "Contrat", "x", "12", "Nom"]),
                   st.none(), st.just(""))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_LABEL, max_size=6), min_size=1, max_size=12))
def test_header_row_found_when_skipping_rows_equals_scoring_every_row(rows):
    from matcher.intake import tables

    known = {"Intitulé", "Commune", "Réf", "Contrat"}
    calls: list[int] = []

    def counting(labels) -> int:
        calls.append(1)
        return sum(1 for v in labels if v in known)

    counting.at_most_one_a_label = True  # type: ignore[attr-defined]
    filled = {r + 1: row for r, row in enumerate(rows)}
    got = tables._header_candidates(filled, counting)
    want = tables._header_candidates(filled, lambda labels: sum(1 for v in labels if v in known))
    assert got == want


def test_the_importers_scorer_counts_at_most_one_a_label():
    from matcher.intake.columns import header_scorer
    from matcher.intake.mapping import synonym_index

    scorer = header_scorer(synonym_index("profiles"), "profiles")
    assert scorer.at_most_one_a_label
    labels = ["Nom", "Prénom", "Commune", "Compétences", "Métier recherché", "x" * 90, "Tel"]
    assert scorer(labels) <= len(labels)


# -- matched and missing skills: one list sliced per row ------------------------------------------
_SKILL = st.sampled_from(["cariste", "conduite chariot", "nettoyage des sols", "accueil client",
                          "caisse", "mise en rayon", "autolaveuse", "Accueil clients",
                          "preparation de commandes", "soudure"])  # fmt: skip


def _index_and_pairs(offer_lists, profile_lists, data, most: int):
    """The skills index of the lists, and up to ``most`` drawn pairs (list, offers, profiles)."""
    from matcher.features import skills

    index = skills.build_index(skills.offer_side(pd.Series(offer_lists), 80.0),
                               pd.Series(profile_lists))  # fmt: skip
    n_o, n_p = len(offer_lists), len(profile_lists)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n_o - 1), st.integers(0, n_p - 1)),
                               max_size=most))  # fmt: skip
    o = np.array([a for a, _ in pairs], dtype=np.int64)
    p = np.array([b for _, b in pairs], dtype=np.int64)
    return index, pairs, o, p


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_SKILL, max_size=5), min_size=1, max_size=5),
    st.lists(st.lists(_SKILL, max_size=5), min_size=1, max_size=5),
    st.data(),
)
def test_matched_and_missing_skills_equal_reading_each_pair(offer_lists, profile_lists, data):
    from matcher.features import skills

    index, pairs, o, p = _index_and_pairs(offer_lists, profile_lists, data, 12)
    matched, missing = skills.matched_and_missing(index, o, p)
    weights, order = index.offer_skills.tocsr(), index.offer_order.tocsr()
    # What each profile covers, from the two whole vocabularies compared (fuzzy_match).
    match = skills.fuzzy_match(index.offer_vocab, index.profile_vocab, 80.0)
    covered = (index.profile_skills @ match.T).toarray() > 0
    for i, (a, b) in enumerate(pairs):
        row = weights[a]
        place = dict(zip(order[a].indices, order[a].data, strict=True))
        ks = sorted(row.indices, key=lambda k: (-row[0, k], place[k]))
        assert matched[i] == [index.raw_offer[k] for k in ks if covered[b, k]]
        assert missing[i] == [index.raw_offer[k] for k in ks if not covered[b, k]]


# -- CSV cells: stripped at once, ="..." and long cells only in the rows that have one -----------
_CSV_CELL = st.lists(st.sampled_from(['="', '01000"', " ", "a", "é", "=", '"', "x" * 7, ";", "\n",
                                      "\t", "b c"]),
                     max_size=4).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CSV_CELL, min_size=1, max_size=4), min_size=1, max_size=8))
def test_csv_grid_cells_equal_reading_each_cell(rows):
    import csv
    import io

    from matcher.intake import csvtext
    from matcher.settings import ImportLimits

    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    limits = ImportLimits(max_cell_chars=6)
    grid = csvtext.csv_grid("sep=;\n" + text, "f.csv", limits, None)
    want_rows, want_cut = [], []
    for record, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=";"), 1):
        values = [csvtext._csv_cell(c) for c in row]
        for j, v in enumerate(values):
            if v is not None and len(v) > 6:
                values[j] = v[:6]
                want_cut.append((record, j))
        while values and values[-1] is None:
            values.pop()
        if values:
            want_rows.append((record, values))
    assert grid.rows == want_rows
    assert grid.truncated == want_cut


# -- skills: raw skills as text without numpy's fixed-width copy ---------------------------------
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab é\x00\t", max_size=6), st.integers(),
                          st.floats(allow_nan=True), st.booleans()), max_size=20))  # fmt: skip
def test_skill_texts_equal_numpy_astype_str(values):
    from matcher.features import skills

    array = np.array(values + [None], dtype=object)[:-1]  # one-dimensional, objects as given
    got = skills.as_text(array)
    want = array.astype(str)
    assert got.dtype == object
    assert [type(v) for v in got] == [str] * len(values)
    assert got.tolist() == [str(v) for v in want]


def _suggestions_like(n: int) -> pd.DataFrame:
    """Rows shaped like suggestions: lists of reasons (one formula-like, with a ``;``), missing
    cells, floats and integers."""
    return pd.DataFrame(
        {
            F.OFFER_REF: [f"O{i}" for i in range(n)],
            F.REASONS: [
                ["Métier visé identique", f"=cmd|{i};x"] if i % 3 else None for i in range(n)
            ],
            F.SCORE: [i / 7 if i % 5 else float("nan") for i in range(n)],
            F.RANK: list(range(n)),
        }
    )


@pytest.mark.parametrize("split", [False, True])
def test_written_csv_by_chunks_and_halves_is_what_pandas_wrote(tmp_path, monkeypatch, split):
    from matcher.export import csv_file as export
    from matcher.ranking import parallel

    if split and not sys.platform.startswith("linux"):
        pytest.skip("fork: Linux only (elsewhere the file is written in one process)")
    if split:  # even if earlier tests of this worker left idle threads (the dashboard's do)
        monkeypatch.setattr(parallel, "can_fork", lambda: True)
    frame = _suggestions_like(23)
    n = len(frame)
    monkeypatch.setattr(export, "CSV_ROWS", 4)  # several chunks in each half
    monkeypatch.setattr(export, "CSV_SPLIT_FROM", 2 if split else n + 1)
    forks: list[int] = []
    real = parallel.side_by_side
    monkeypatch.setattr(parallel, "side_by_side", lambda a, b: forks.append(1) or real(a, b))
    export.write_csv(frame, tmp_path / "fast.csv", _headers(frame))
    assert forks == ([1] if split else [])
    assert (tmp_path / "fast.csv").read_bytes() == _csv_by_pandas(frame, tmp_path / "pandas.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fast.csv", "pandas.csv"]  # no part left
    export.write_csv(frame, tmp_path / "one.csv", _headers(frame), processes=1)
    assert forks == ([1] if split else [])  # one process asked for: no fork
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "fast.csv").read_bytes()


def test_csv_written_by_parts_is_the_file_of_the_whole_frame(tmp_path, monkeypatch):
    """Parts rendered apart (in any process, in any order), then written in order under the
    header: the file write_csv writes from the whole frame, which appears only once whole;
    the parts' folder is gone afterwards, also when the run fails before writing."""
    from matcher.export import csv_file as export

    frame = _suggestions_like(23)
    n = len(frame)
    monkeypatch.setattr(export, "CSV_ROWS", 4)
    export.write_csv(frame, tmp_path / "whole.csv", _headers(frame), processes=1)
    out = tmp_path / "out" / "parts.csv"
    out.parent.mkdir()
    whole = (tmp_path / "whole.csv").read_bytes()
    cuts = ((0, 9), (9, 9), (9, n))
    for order in ((0, 1, 2), (2, 0, 1)):  # the first part rendered here, or another one
        with export.CsvParts(out, lambda: _headers(frame)) as parts:
            rendered = {i: parts.render(frame.iloc[slice(*cuts[i])]) for i in order}
            assert [rendered[i].rows for i in range(3)] == [9, 0, 14]
            assert not out.exists()  # the file appears whole, at the end
            assert parts.write([rendered[i] for i in range(3)]) == n
        assert out.read_bytes() == whole
        assert [p.name for p in out.parent.iterdir()] == ["parts.csv"]  # nothing else left
        out.unlink()
    with export.CsvParts(out, lambda: _headers(frame)) as parts:
        assert parts.write([]) == 0
    assert out.read_bytes() == whole[: whole.index(b"\r\n") + 2]  # the header alone
    with pytest.raises(RuntimeError), export.CsvParts(out, lambda: _headers(frame)) as parts:
        parts.render(frame)
        raise RuntimeError("the ranking failed")
    assert [p.name for p in out.parent.iterdir()] == ["parts.csv"]  # the earlier file, intact


# -- skills compared for the scored pairs only --------------------------------------------------
_TYPO_SKILL = st.sampled_from(["cariste", "caristes", "conduite chariot", "conduite de chariots",
                               "nettoyage des sols", "netoyage sols", "accueil client",
                               "Accueil clients", "caisse", "mise en rayon", "rayon mise",
                               "autolaveuse", "soudure", "soudures tig"])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_TYPO_SKILL, max_size=5), min_size=1, max_size=6),
    st.lists(st.lists(_TYPO_SKILL, max_size=5), min_size=1, max_size=6),
    st.data(),
)
def test_skills_compared_for_the_pairs_equal_the_whole_vocabularies(offer_lists, profile_lists,
                                                                     data):  # fmt: skip
    from matcher.features import skills
    from matcher.features.sparse_ops import rowwise_dot

    index, pairs, o, p = _index_and_pairs(offer_lists, profile_lists, data, 15)
    whole = skills.fuzzy_match(index.offer_vocab, index.profile_vocab, 80.0)
    got = skills.pair_matches(index, o, p)
    # Every key pair the pairs hold is compared, with the whole comparison's result...
    held = set()
    for a, b in pairs:
        ks = index.offer_skills[a].indices
        js = index.profile_skills[b].indices
        held |= {(k, j) for k in ks for j in js}
    for k, j in held:
        assert got[k, j] == whole[k, j]
    # ...and nothing else is said to match.
    assert set(zip(*got.nonzero(), strict=True)) <= held
    covered = (index.profile_skills @ whole.T).tocsr()
    covered.data[:] = 1.0
    num = rowwise_dot(index.offer_skills, covered, o, p)
    den = np.asarray(index.offer_skills.sum(axis=1)).ravel()[o]
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.where(den > 0, num / den, np.nan)
    assert np.array_equal(skills.coverage(index, o, p), want, equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=8), st.data())
def test_content_keys_are_equal_exactly_when_the_rows_read_the_same(pool, data):
    from matcher.intake.duplicates import _as_text, content_keys

    # Rows drawn from a small pool: repeated rows, and rows equal once read as text.
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=12))
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    keys = content_keys(frame, ["a", "b", "c"]).tolist()
    texts = [tuple(_as_text(v) for v in row) for row in rows]
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (keys[i] == keys[j]) == (texts[i] == texts[j]), (rows[i], rows[j])
