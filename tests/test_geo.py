"""Communes: table-driven look-ups on the built-in table and on La Poste's base."""

import numpy as np
import pandas as pd
import pytest

from matcher.errors import UserError
from matcher.reference.geo import (
    active_communes,
    builtin_communes,
    commune_key,
    distance_km,
    haversine_pairs,
    load_laposte,
    locate,
    prepare_communes,
)
from tests.conftest import COMMUNES_FILE

BETHUNE = (50.529, 2.642)
BRUAY = (50.490, 2.552)
SAINT_OMER = (50.768, 2.263)


@pytest.mark.parametrize(
    "name, key",
    [
        ("BRUAY LA BUISSIERE", "bruay la buissiere"),
        ("Bruay-la-Buissière", "bruay la buissiere"),
        ("St-Omer", "saint omer"),
        ("ST OMER", "saint omer"),
        ("Ste-Catherine", "sainte catherine"),
        ("Nœux-les-Mines", "noeux les mines"),
        ("LILLE CEDEX", "lille"),
    ],
)
def test_commune_key(name, key):
    assert commune_key(pd.Series([name])).iloc[0] == key


@pytest.mark.parametrize(
    "commune, postal, expected, how",
    [
        ("BRUAY LA BUISSIERE", None, BRUAY, "nom"),
        ("Bruay-la-Buissière", "62700", BRUAY, "nom+cp"),
        ("62700", None, BRUAY, "cp"),
        ("St Omer", None, SAINT_OMER, "nom"),
        ("Saint-Omer", None, SAINT_OMER, "nom"),
        ("Béthune 62400", None, BETHUNE, "nom+cp"),
        ("Bethnue", None, BETHUNE, "approché"),  # typo
        ("Bruay-la-Buisiere", None, BRUAY, "approché"),  # typo
        (None, "62700", BRUAY, "cp"),
        ("Paris", None, None, ""),
        ("", None, None, ""),
    ],
)
def test_locate_builtin(commune, postal, expected, how):
    out = locate(pd.Series([commune], dtype=object), pd.Series([postal], dtype=object))
    assert out["how"].iloc[0] == how
    if expected is None:
        assert np.isnan(out["lat"].iloc[0])
    else:
        assert out["lat"].iloc[0] == pytest.approx(expected[0], abs=0.01)
        assert out["lon"].iloc[0] == pytest.approx(expected[1], abs=0.01)


def test_distance_is_great_circle_km():
    d = distance_km(pd.Series(["Béthune", "Béthune", "Paris"]),
                    pd.Series(["Bruay-la-Buissière", "BETHUNE", "Béthune"]))  # fmt: skip
    assert d[0] == pytest.approx(7.7, abs=0.3)
    assert d[1] == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(d[2])
    # Paris -> Lille great-circle is about 204 km
    assert haversine_pairs([48.857], [2.352], [50.629], [3.057])[0] == pytest.approx(204, abs=2)


def test_hamlets_resolve_to_their_commune():
    table = prepare_communes(pd.DataFrame({
        "code_insee": ["62178", "62178", "62119"], "nom": ["BRUAY LA BUISSIERE"] * 2 + ["BETHUNE"],
        "code_postal": ["62700", "62700", "62400"], "ligne_5": ["", "LABUISSIERE", ""],
        "latitude": [50.49, 50.49, 50.53], "longitude": [2.55, 2.55, 2.64],
    }))  # fmt: skip
    out = locate(pd.Series(["Labuissière", "Béthune"]), pd.Series([None, None]), table)
    assert out["how"].tolist() == ["lieu-dit", "nom"]
    assert out["lat"].tolist() == [50.49, 50.53]


def test_active_communes_falls_back_to_builtin(store):
    assert active_communes(store) is builtin_communes()


def test_load_laposte_errors(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(UserError, match="colonnes manquantes"):
        load_laposte(bad)
    with pytest.raises(UserError, match="introuvable"):
        load_laposte(tmp_path / "absent.csv")


@pytest.mark.skipif(not COMMUNES_FILE.is_file(), reason="../shared/data/communes absent")
def test_laposte_base_loaded_in_store(store):
    frame = load_laposte(COMMUNES_FILE)
    assert len(frame) > 1500 and frame["code_insee"].nunique() > 1500
    store.save_communes(frame, COMMUNES_FILE.name)
    table = active_communes(store)
    assert table is not builtin_communes()
    names = pd.Series(["BRUAY LA BUISSIERE", "Bruay-la-Buissière", "62700", "St Omer",
                       "Labuissière", "Armentières", "Lile", "Bruay"])  # fmt: skip
    postal = pd.Series([None] * 7 + ["62700"])
    out = locate(names, postal, table)
    assert out["lat"].notna().all(), out
    assert out["how"].tolist() == ["nom", "nom", "cp", "nom", "lieu-dit", "nom", "approché", "cp"]
    assert out["lat"].iloc[0] == pytest.approx(BRUAY[0], abs=0.01)
    # Bruay-sur-l'Escaut (59) and Bruay-la-Buissière (62) are told apart by the postal code
    both = locate(
        pd.Series(["Bruay sur l'Escaut", "Bruay-la-Buissière"]),
        pd.Series(["59860", "62700"]),
        table,
    )
    assert both["lon"].iloc[0] > 3.4 and both["lon"].iloc[1] < 2.6
