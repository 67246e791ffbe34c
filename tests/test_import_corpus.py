"""Every file of the corpus (tests/corpus.py) imported from disk: the exact rows imported, the
rejections with their reasons, the flagged values, or the refusal message; and, always, rows read
= imported + rejected, in every sheet."""

import re

import pytest

from matcher.errors import UserError
from matcher.intake.importer import import_path

from .corpus import CASES, TODAY, key_field, write_corpus


def test_corpus_size():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {case.name: path for case, path in write_corpus(tmp_path_factory.mktemp("corpus"))}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_file(case, corpus):
    options = {"today": TODAY, **case.options}
    if case.refused:
        with pytest.raises(UserError) as err:
            import_path(corpus[case.name], case.kind, **options)
        message = str(err.value)
        assert message.startswith(case.name) or case.name in message
        assert re.search(case.refused, message), message
        return
    res = import_path(corpus[case.name], case.kind, **options)
    rep = res.report
    got = [
        (sheet, int(row), key)
        for sheet, row, key in zip(
            res.frame["source_sheet"],
            res.frame["source_row"],
            res.frame[key_field(case.kind)],
            strict=True,
        )
    ]
    assert got == case.imported
    rejected = {(r.sheet, r.row): r.reason for r in rep.rejections}
    assert set(rejected) == set(case.rejected)
    for where, reason in case.rejected.items():
        assert reason in rejected[where], rejected[where]
    flagged = {(f.sheet, f.row, f.column): f.reason for f in rep.flags}
    assert set(flagged) == set(case.flagged)
    for where, reason in case.flagged.items():
        assert reason in flagged[where], flagged[where]
    # Every row accounted for, in the file and in each sheet.
    assert rep.rows_read == rep.rows_imported + rep.rows_rejected
    assert rep.rows_imported == len(case.imported)
    assert rep.rows_rejected == len(case.rejected)
    for s in rep.sheet_reports:
        assert s.rows_read == s.rows_imported + s.rows_rejected
    assert sum(s.rows_read for s in rep.sheet_reports) == rep.rows_read
    if case.check:
        case.check(res)
