"""The prepared communes kept on disk: read back equal, rebuilt when damaged or changed."""

import logging

import pandas as pd
import pytest

from matcher.paths import CACHE_ENV
from matcher.reference import geo

SOURCE = geo.COMMUNES_DIR / geo.DEFAULT_FILE
pytestmark = pytest.mark.skipif(not SOURCE.is_file(), reason="no bundled communes base")

PLACES = pd.DataFrame(
    {
        "commune": ["Béthune", "BRUAY LA BUISSIERE", "St-Omer", "", "Lile", "Nowhere"],
        "postal": ["", "", "", "62400", "59000", ""],
    }
)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """builtin_communes() with an empty cache folder, its in-memory copy forgotten before and
    after (other tests get the usual table back)."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    geo.builtin_communes.cache_clear()
    yield tmp_path
    geo.builtin_communes.cache_clear()


def _load_again() -> pd.DataFrame:
    geo.builtin_communes.cache_clear()
    return geo.builtin_communes()


def test_read_back_equals_the_built_table_and_places_the_same(fresh):
    built = geo.builtin_communes()
    assert [p.name for p in fresh.glob("communes-*.pkl")] == [geo.communes_cache(SOURCE).name]
    where_built = geo.locate(PLACES["commune"], PLACES["postal"], built)
    read = _load_again()
    assert read is not built
    pd.testing.assert_frame_equal(read, built)
    where_read = geo.locate(PLACES["commune"], PLACES["postal"], read)
    pd.testing.assert_frame_equal(where_read, where_built)
    assert where_read["lat"].notna().sum() == 5  # "Nowhere" alone is not placed


def test_a_damaged_file_is_rebuilt(fresh, caplog):
    built = geo.builtin_communes()
    geo.communes_cache(SOURCE).write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="matcher.reference.geo"):
        again = _load_again()
    assert "unreadable" in caplog.text
    pd.testing.assert_frame_equal(again, built)
    assert geo.communes_cache(SOURCE).stat().st_size > 1000  # written again, whole


def test_another_source_has_its_own_file(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    other = tmp_path / "other.csv.gz"
    other.write_bytes(SOURCE.read_bytes() + b"\n")
    assert geo.communes_cache(other) != geo.communes_cache(SOURCE)
    assert geo.communes_cache(SOURCE) == geo.communes_cache(SOURCE)
