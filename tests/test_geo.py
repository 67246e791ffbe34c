"""Communes: table-driven look-ups on the built-in table and on La Poste's base."""

import numpy as np
import pandas as pd
import pytest

from matcher.errors import UserError
from matcher.reference.geo import (
    active_communes,
    build_default,
    builtin_communes,
    commune_key,
    distance_km,
    haversine_pairs,
    load_laposte,
    locate,
    prepare_communes,
    split_place_label,
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
        # Saint-Omer is also a commune of the Calvados: the one nearest to the territory.
        ("St Omer", None, SAINT_OMER, "proche"),
        ("Saint-Omer", "62500", SAINT_OMER, "nom+cp"),
        ("Béthune 62400", None, BETHUNE, "nom+cp"),
        ("Bethnue", None, BETHUNE, "approché"),  # typo
        ("Bruay-la-Buisiere", None, BRUAY, "approché"),  # typo
        # A typo with its postal code: among the communes of that code (then among all).
        ("Bruay-la-Buisiere", "62700", BRUAY, "approché"),
        ("Bethnue", "62700", BETHUNE, "approché"),
        (None, "62700", BRUAY, "cp"),
        ("Villebidon-sur-Mer", None, None, ""),
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
    d = distance_km(pd.Series(["Béthune", "Béthune", "Villebidon-sur-Mer"]),
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


# --- issue 12: national base, INSEE codes, labels, La Poste's headers -------------------------
LAPOSTE_HEADERS = [
    "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;latitude;longitude",
    "#Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps",
    "code_commune_insee;nom_de_la_commune;code_postal;libelle_d_acheminement;ligne_5;_geopoint",
    "code_insee,nom_commune_poste,code_postal,ligne_5,libelle_acheminement,latitude,longitude",
]


@pytest.mark.parametrize("header", LAPOSTE_HEADERS)
def test_load_laposte_takes_each_published_header(tmp_path, header):
    # Our own invented rows, written in each of La Poste's layouts.
    rows = {
        0: ["99001;VILLE TEST;99100;;VILLE TEST;45.5;1.25", "2A999;VILLAGE CORSE;20999;HAMEAU;VILLAGE CORSE;41.9;8.7"],
        1: ["99001;VILLE TEST;99100;;VILLE TEST;45.5, 1.25", "2A999;VILLAGE CORSE;20999;HAMEAU;VILLAGE CORSE;41.9, 8.7"],
        2: ['99001;VILLE TEST;99100;VILLE TEST;;"45.5,1.25"', '2A999;VILLAGE CORSE;20999;VILLAGE CORSE;HAMEAU;"41.9,8.7"'],
        3: ["99001,VILLE TEST,99100,,VILLE TEST,45.5,1.25", "2A999,VILLAGE CORSE,20999,HAMEAU,VILLAGE CORSE,41.9,8.7"],
    }[LAPOSTE_HEADERS.index(header)]  # fmt: skip
    path = tmp_path / "laposte.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    frame = load_laposte(path)
    assert list(frame["code_insee"]) == ["99001", "2A999"]
    assert list(frame["nom"]) == ["VILLE TEST", "VILLAGE CORSE"]
    assert list(frame["code_postal"]) == ["99100", "20999"]
    assert frame["latitude"].tolist() == [45.5, 41.9]
    assert frame["longitude"].tolist() == [1.25, 8.7]
    assert frame["ligne_5"].fillna("").tolist() == ["", "HAMEAU"]


def test_national_file_loads_and_builds(tmp_path):
    source = COMMUNES_FILE.parent / "laposte_hexasmal_france.csv"
    if not source.is_file():
        pytest.skip("../shared/data/communes absent (base nationale non disponible ici)")
    raw = pd.read_csv(source, sep=";", dtype=str)
    frame = load_laposte(source)
    assert frame["code_insee"].nunique() == raw["Code_commune_INSEE"].nunique()
    path, n = build_default(source, tmp_path / "c.csv.gz")
    built = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(built) == n and set(built["code_insee"]) == set(raw["Code_commune_INSEE"])
    # Every commune of the source is in the default base shipped with the product.
    shipped = builtin_communes()
    assert set(raw["Code_commune_INSEE"]) <= set(shipped["code_insee"])


def test_locate_by_insee_label_and_coordinates():
    table = builtin_communes()
    communes = table[table["how"] == "nom"].drop_duplicates("code_insee")
    pick = communes.sample(n=50, random_state=12)
    insee = pick["code_insee"].reset_index(drop=True)
    out = locate(pd.Series([None] * 50), pd.Series([None] * 50), insee=insee)
    assert (out["how"] == "insee").all()
    assert np.allclose(out["lat"], pick["latitude"].to_numpy())
    assert (out["found_insee"] == insee).all()
    # "DD - NOM" labels: the département decides between homonyms.
    depts = insee.str[:2].where(~insee.str[:2].isin(["2A", "2B"]), insee.str[:2])
    depts = depts.where(~insee.str.startswith("97"), insee.str[:3])
    labels = depts + " - " + pick["nom"].reset_index(drop=True)
    by_label = locate(labels, pd.Series([None] * 50))
    assert (by_label["found_insee"] == insee).mean() > 0.95
    # Coordinates given by the file win.
    given = locate(pd.Series(["62 - BETHUNE"]), pd.Series([None]), lat=pd.Series(["50,5"]),
                   lon=pd.Series(["2.6"]))  # fmt: skip
    assert given["how"].iloc[0] == "coordonnées" and given["lat"].iloc[0] == 50.5


def test_split_place_label():
    out = split_place_label(pd.Series(["07 - ANNONAY", "2A - AJACCIO", "974 - ST DENIS", "Lille"]))
    assert out["dept"].tolist() == ["07", "20", "974", ""]
    assert out["name"].tolist() == ["ANNONAY", "AJACCIO", "ST DENIS", "Lille"]


def test_keys_of_postal_code_are_its_communes_keys():
    # The typo search among the communes of a postal code reads their keys from one array cut
    # by code: each code gives exactly the keys of its rows, in the table's order.
    from matcher.reference.geo import KEY, POSTAL, _lookups

    table = builtin_communes()
    lk = _lookups(table)
    for cp in ["62700", "62400", "59000"]:
        expected = table.loc[table[POSTAL] == cp, KEY].tolist()
        assert expected and lk.keys_of_postal(cp).tolist() == expected
    assert len(lk.keys_of_postal("00000")) == 0
