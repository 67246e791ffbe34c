"""Occupation referential: built-in classification, official loader and store, vocabulary."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking.prepare import prepare_profiles
from matcher.reference.referential import (
    CODE,
    CONFIDENCE,
    LAYER,
    PARENT,
    TITLE,
    Referential,
    active_referential,
    builtin_referential,
    close_codes,
    default_referential,
    load_rome_dir,
    refiled_titles,
)
from matcher.settings import Settings
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def rome():
    from tests.conftest import ROME_DIR

    if not ROME_DIR.is_dir():
        pytest.skip("../shared/data/rome-v460 absent (référentiel officiel non disponible ici)")
    return load_rome_dir(ROME_DIR)


@pytest.mark.parametrize(
    "title, code",
    [
        ("Agent(e) de propreté H/F", "K2205"),
        ("agent d'entretien", "K2205"),
        ("CARISTE (F/H)", "N1101"),
        ("Cariste cat.3", "N1101"),
        ("ASH", "J1301"),
        ("Préparatrice de commandes", "N1103"),
        ("Aide à domicile", "K1304"),
        ("Serveuse", "G1803"),
    ],
)
def test_builtin_classifies_common_titles(title, code):
    result = builtin_referential().classifier.classify(pd.Series([title]))
    assert result[CODE].iloc[0] == code
    assert result[CONFIDENCE].iloc[0] >= Settings().ranking.occupation_min_confidence


def test_classify_shape_and_empty_titles():
    result = builtin_referential().classifier.classify(
        pd.Series(["cariste", "", None], index=[5, 6, 7])
    )
    assert list(result.index) == [5, 6, 7]
    assert result.loc[6, CODE] is None and result.loc[7, CODE] is None
    assert result.loc[6, CONFIDENCE] == 0.0
    cands = result.loc[5, "candidates"]
    assert len(cands) == 2 and all(c != "N1101" for c, _ in cands)
    # candidates come after the chosen code: lower confidence
    assert all(v <= result.loc[5, CONFIDENCE] for _, v in cands)


def test_gibberish_stays_unknown_in_prepare():
    profiles = pd.DataFrame({F.PROFILE_REF: ["p1", "p2", "p3"], F.STRUCTURE: ["s"] * 3,
                             F.TARGET_JOBS: ["xqzwv kptrm", "cariste ; agent d'entretien", None],
                             F.ROME_CODES: [None, None, "k 2204"]})  # fmt: skip
    out = prepare_profiles(
        profiles,
        builtin_referential(),
        pd.DataFrame(columns=["code_insee", "nom", "code_postal", "latitude", "longitude"]),
        Settings(),
    )
    assert out[F.OCC_CODES].tolist() == [[], ["N1101", "K2205"], ["K2204"]]
    assert out[F.OCC_SOURCE].tolist() == ["", "titre", "fichier"]
    assert out.loc[2, F.OCC_CONFIDENCE] == 1.0
    assert out.loc[1, F.OCC_CLOSE] and not {"N1101", "K2205"} & set(out.loc[1, F.OCC_CLOSE])


def test_close_codes_are_symmetric_and_exclude_self():
    ref = builtin_referential()
    a, b = ref.close.iloc[0]["code"], ref.close.iloc[0]["close_code"]
    out = close_codes(ref, pd.Series([[a], [b], []]))
    assert b in out[0] and a in out[1] and out[2] == []
    assert a not in out[0]


def test_skill_vocabulary_makes_caces_spellings_meet():
    vocab = builtin_referential().skill_vocabulary
    a = pd.Series(["conduite chariot élévateur", "CACES 1", "ménage"])
    b = pd.Series(["CACES R489 cat 3", "cariste cat.1", "repassage"])
    meets = vocab.meets(a, b).toarray()
    assert meets[0, 0] and meets[1, 1]
    assert not meets[2, 2] and not meets[0, 2]


def test_active_referential_falls_back_to_the_shipped_rome(store):
    default = default_referential()
    assert active_referential(store) is default
    assert active_referential(None) is default
    assert default.source.startswith("ROME 4.0 v4.60") and default.source.endswith(LAYER)
    # the curated layer: its labels and sectors for its codes, its titles added but those the
    # ROME files under another code (test_the_default_referential_does_not_take_over_...)
    builtin = builtin_referential()
    labels = default.codes.set_index("code")
    for code, label, sector in builtin.codes[["code", "label", "sector"]].itertuples(index=False):
        assert labels.loc[code, "label"] == label and labels.loc[code, "sector"] == sector
    pairs = set(zip(default.titles["code"], default.titles["title"], strict=True))
    missing = set(zip(builtin.titles["code"], builtin.titles["title"], strict=True)) - pairs
    assert len(missing) < 0.05 * len(builtin.titles), missing
    assert len(default.codes) >= 1584


# -- the official ROME -------------------------------------------------------------------------
def test_load_rome_dir_reads_every_part(rome):
    s = rome.summary()
    assert s["codes"] == 1584
    assert s["titles"] > 13000
    assert s["close"] > 14000
    assert s["texts"] > 1500
    assert set(rome.skills["kind"]) == {"savoir-faire", "savoir"}
    assert rome.skills["core"].any()
    assert not rome.titles["title"].str.contains("’").any()
    k2204 = rome.texts.set_index("code").loc["K2204", "text"]
    assert k2204.startswith("L'Agent de nettoyage industriel")


def test_store_roundtrip_and_active_referential(rome, store):
    counts = store.save_referential(rome)
    assert counts["codes"] == 1584
    active = active_referential(store)
    assert active.source == f"{rome.source} + {LAYER}"
    assert active.summary()["codes"] == rome.summary()["codes"]
    assert store.referential_info()["codes"] == 1584
    # loading again replaces, never duplicates
    titles = active_referential(store).summary()["titles"]
    store.save_referential(rome)
    assert active_referential(store).summary()["titles"] == titles


@pytest.mark.parametrize(
    "title, code",
    [
        ("Agente de propreté de locaux (F/H)", "K2205"),
        ("cariste", "N1101"),
        ("Aide-soignante H/F", "J1501"),
        ("ASH", "J1301"),
        ("Maçon (H/F)", "F1703"),
    ],
)
def test_official_classifies_real_titles(rome, title, code):
    result = rome.classifier.classify(pd.Series([title]))
    assert result[CODE].iloc[0] == code


def test_without_titles_removes_a_title(rome):
    reduced = rome.without_titles(pd.Series(["Cariste"]))
    assert len(reduced.titles) < len(rome.titles)
    assert not reduced.titles["title"].str.fullmatch("Cariste").any()


def test_load_rome_dir_errors(tmp_path):
    from matcher.errors import UserError

    with pytest.raises(UserError, match="introuvables"):
        load_rome_dir(tmp_path)
    (tmp_path / "unix_referentiel_code_rome_v460_utf8.csv").write_text("code_rome\n")
    with pytest.raises(UserError, match="manquants"):
        load_rome_dir(tmp_path)


def test_cli_referential_load_and_classify(rome, tmp_path):
    from tests.conftest import ROME_DIR

    db = tmp_path / "cli.sqlite3"
    run = [sys.executable, "-m", "matcher"]
    out = subprocess.run([*run, "referential", "load", str(ROME_DIR), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
    assert "1584 codes" in out.stdout
    out = subprocess.run([*run, "classify", "-", "--db", str(db)], input="cariste\n\nASH\n",
                         capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["code"] for x in lines] == ["N1101", "J1301"]
    assert lines[0]["referentiel"] == f"{rome.source} + {LAYER}"
    assert len(lines[0]["autres_codes"]) == 2


def test_stored_referential_keeps_the_rome_families(store):
    """A loaded referential keeps code_rome_parent, so job families exist with it too."""
    from matcher.features import occupation as O
    from matcher.reference.referential import close_pairs

    shipped = default_referential()
    parents = shipped.parents()
    close = close_pairs(shipped)
    families = [(c, p) for c, p in parents.items() if p != c and (c, p) not in close]
    assert families  # the shipped ROME has parents that are not also mobility links
    store.save_referential(shipped)
    loaded = active_referential(store)
    assert loaded is not shipped
    assert loaded.parents() == parents
    child, parent = families[0]
    assert O.link_kind(child, parent, loaded) == O.FAMILY
    siblings = [c for c, p in parents.items() if p == parent and c not in (child, parent)]
    if siblings and (child, siblings[0]) not in close:
        assert O.link_kind(child, siblings[0], loaded) == O.FAMILY


def test_referential_stored_before_parents_upgrades_without_families(tmp_path):
    """A database whose referential was stored before the parent column (schema 4) upgrades:
    its codes have no parent (each its own family) until the next load."""
    from matcher.store.backend import as_migration
    from matcher.store.backend_sqlite import SQLiteBackend
    from matcher.store.database import Store
    from matcher.store.migrations import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    backend = SQLiteBackend(path)
    with backend.write() as conn:
        for step in MIGRATIONS[:4]:
            for statement in backend.render(as_migration(step)):
                conn.execute(statement)
        backend.set_version(conn, 4)
        conn.execute(
            "INSERT INTO rome_codes (code, label, domain, sector) VALUES ('A1101', 'x', 'A11', ''), "
            "('A1102', 'y', 'A11', '')"
        )
        conn.execute(
            "INSERT INTO referential_meta (id, source, loaded_at, counts) "
            "VALUES (1, 's', 't', '{}')"
        )
    store = Store(path)
    assert store.schema_version() == len(MIGRATIONS)
    frames = store.referential_frames()
    assert frames is not None
    assert frames["codes"]["parent"].tolist() == ["", ""]
    from matcher.reference.referential import Referential

    assert Referential(**frames).parents() == {"A1101": "A1101", "A1102": "A1102"}


def _official(rows: list[tuple[str, str]], parents: dict[str, str]) -> Referential:
    codes = pd.DataFrame(
        {CODE: list(parents), "label": list(parents), PARENT: list(parents.values())}
    )
    titles = pd.DataFrame(rows, columns=[CODE, TITLE])
    empty = pd.DataFrame({CODE: pd.Series(dtype=object)})
    return Referential(codes=codes, titles=titles, skills=empty, close=empty, source="officiel")


def test_refiled_titles_are_the_layer_titles_the_official_files_elsewhere():
    official = _official(
        [("X0001", "Trieur / Trieuse de colis"), ("X0002", "Plieur / Plieuse"),
         ("X0003", "Agent / Agente de quai de tri"), ("X0004", "Brodeur / Brodeuse"),
         ("X0005", "Brodeur / Brodeuse main"), ("X0006", "Brodeur / Brodeuse machine")],
        {"X0001": "X0001", "X0002": "X0002", "X0003": "X0003", "X0004": "X0004",
         "X0005": "X0004", "X0006": "X0006", "Y0001": "Y0001"},
    )  # fmt: skip
    layer = pd.DataFrame([
        ("Y0001", "Trieuse de colis"),  # gender: filed under X0001 -> refiled
        ("Y0001", "Trieurs colis"),  # plural and a linking word -> refiled
        ("Y0001", "Agent quai tri"),  # linking words -> refiled
        ("X0002", "Plieuse"),  # the official files it under the same code -> kept
        ("X0005", "Brodeuse"),  # same family (X0004 is X0005's parent) -> kept
        ("Y0001", "Plieur de linge"),  # another title -> kept
        ("Y0001", "Trieur"),  # fewer words -> kept
        ("Y0001", "Colis trieur"),  # another word order -> kept
    ], columns=[CODE, TITLE])  # fmt: skip
    out = refiled_titles(official, layer)
    assert out.tolist() == [True, True, True, False, False, False, False, False]


def test_the_default_referential_does_not_take_over_refiled_layer_titles():
    from matcher.paths import ROME_DIR
    from matcher.reference.rome_pack import read_pack

    if not (ROME_DIR / "codes.csv.gz").is_file():
        pytest.skip("data/rome absent")
    official, cur = read_pack(ROME_DIR), builtin_referential().titles
    refiled = refiled_titles(official, cur)
    assert 0 < refiled.sum() < 0.05 * len(cur)  # a few titles of the layer, not the layer
    default = default_referential().titles
    held = set(zip(default[CODE], default[TITLE], strict=True))
    also_official = set(zip(official.titles[CODE], official.titles[TITLE], strict=True))
    for (code, title), out in zip(zip(cur[CODE], cur[TITLE], strict=True), refiled, strict=True):
        assert ((code, title) in held) == (not out or (code, title) in also_official), title
