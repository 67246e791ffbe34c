"""The default referential kept on disk with its classifier (issue 15): read back equal,
rebuilt when damaged, keyed by the pack's bytes. The layering is replaced by the small built-in
referential so that a classifier is built in a second, not the official one's ten."""

import dataclasses
import logging
import shutil

import pandas as pd
import pytest

from matcher import paths
from matcher.paths import CACHE_ENV, ROME_DIR
from matcher.reference import referential as R

pytestmark = pytest.mark.skipif(
    not (ROME_DIR / "codes.csv.gz").is_file(), reason="no shipped ROME pack (data/rome)"
)
TITLES = pd.Series(["Agent d'entretien", "cariste", "aide à domicile", "vendeuse"])


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """default_referential() over a copy of the pack and an empty cache folder, each build
    counted; its in-memory copy forgotten before and after."""
    pack = tmp_path / "rome"
    shutil.copytree(ROME_DIR, pack)
    monkeypatch.setattr(paths, "ROME_DIR", pack)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    builds: list[int] = []

    def layered(official):
        builds.append(1)
        return dataclasses.replace(R.builtin_referential())  # a new object, nothing cached on it

    monkeypatch.setattr(R, "layered", layered)
    R.default_referential.cache_clear()
    yield pack, builds
    R.default_referential.cache_clear()


def _load_again() -> R.Referential:
    R.default_referential.cache_clear()
    return R.default_referential()


def _assert_same(a: R.Referential, b: R.Referential) -> None:
    for name in ("codes", "titles", "skills", "close", "texts"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.source == b.source
    assert a.close_of == b.close_of
    pd.testing.assert_frame_equal(a.classifier.classify(TITLES), b.classifier.classify(TITLES))


def test_read_back_equals_the_built_referential_with_its_classifier(fresh):
    pack, builds = fresh
    built = R.default_referential()
    assert builds == [1]
    assert R.default_cache(pack).is_file()
    read = _load_again()
    assert builds == [1]  # read back, not built
    assert read is not built
    assert "classifier" in vars(read) and "close_of" in vars(read)  # kept with it
    assert read.classifier.referential is read
    _assert_same(read, built)
    assert read.classifier.classify(TITLES)[R.CODE].notna().all()


@pytest.mark.parametrize("content", [b"not a pickle", None])
def test_a_damaged_or_foreign_file_is_rebuilt(fresh, caplog, content):
    import pickle

    pack, builds = fresh
    built = R.default_referential()
    R.default_cache(pack).write_bytes(content or pickle.dumps({"not": "a referential"}))
    with caplog.at_level(logging.WARNING, logger="matcher.reference.referential"):
        again = _load_again()
    assert builds == [1, 1]
    assert ("unreadable" if content else "holds no referential") in caplog.text
    _assert_same(again, built)
    assert isinstance(pickle.loads(R.default_cache(pack).read_bytes()), R.Referential)


def test_a_changed_pack_has_its_own_file(fresh):
    pack, _ = fresh
    before = R.default_cache(pack)
    assert R.default_cache(pack) == before
    close = pack / "close.csv.gz"
    close.write_bytes(close.read_bytes() + b"\n")
    assert R.default_cache(pack) != before
