"""Tests of the sample-data generator and of the built-in referential and communes tables."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matcher.devtools import sample
from matcher.devtools.sample import generate_sample
from matcher.paths import OFFICIAL_ROME_DIR as ROME_DIR

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

PHONE_RE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def run_a(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_sample(tmp_path_factory.mktemp("a"), seed=2026)


@pytest.fixture(scope="module")
def run_b(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_sample(tmp_path_factory.mktemp("b"), seed=2026)


@pytest.fixture(scope="module")
def run_other_seed(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_sample(tmp_path_factory.mktemp("c"), seed=7)


def _xlsx_cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}


def _norm(name: str) -> str:
    text = str(name).replace("œ", "oe").replace("Œ", "OE")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = re.sub(r"[-'’\s]+", " ", text.lower()).strip()
    return re.sub(r"^st ", "saint ", text)


def _by_name(paths: list[Path]) -> dict[str, Path]:
    return {p.name: p for p in paths}


def _read_profiles(path: Path, struct: sample._Structure) -> pd.DataFrame:
    if struct.sheet is None:
        enc = "cp1252" if struct.key == "ai_bs" else "utf-8-sig"
        sep = ";" if struct.key == "ai_bs" else ","
        return pd.read_csv(path, sep=sep, encoding=enc, dtype=str, keep_default_na=False)
    return pd.read_excel(
        path, sheet_name=struct.sheet, header=struct.header_row - 1, dtype=str
    ).fillna("")


def _read_offers(paths: dict[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    main = pd.read_excel(paths[sample.OFFERS_MAIN_FILE], header=2, dtype=str).fillna("")
    extra = pd.read_excel(paths[sample.OFFERS_EXTRA_FILE], header=0, dtype=str).fillna("")
    return main, extra


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------
def test_returns_sorted_existing_files(run_a: list[Path]) -> None:
    assert run_a == sorted(run_a)
    assert all(p.is_file() and p.stat().st_size > 0 for p in run_a)
    names = {p.name for p in run_a}
    assert {sample.OFFERS_MAIN_FILE, sample.OFFERS_EXTRA_FILE, "README.md"} <= names
    assert {s.filename for s in sample._STRUCTURES} <= names


def test_same_seed_gives_identical_files(run_a: list[Path], run_b: list[Path]) -> None:
    a, b = _by_name(run_a), _by_name(run_b)
    assert a.keys() == b.keys()
    for name, path in a.items():
        if path.suffix == ".xlsx":
            assert _xlsx_cells(path) == _xlsx_cells(b[name]), name
        else:
            assert path.read_bytes() == b[name].read_bytes(), name


def test_same_seed_gives_identical_xlsx_bytes(run_a: list[Path], run_b: list[Path]) -> None:
    b = _by_name(run_b)
    for path in run_a:
        if path.suffix == ".xlsx":
            assert path.read_bytes() == b[path.name].read_bytes(), path.name


def test_other_seed_gives_other_data(run_a: list[Path], run_other_seed: list[Path]) -> None:
    c = _by_name(run_other_seed)
    differing = [
        p.name
        for p in run_a
        if p.suffix != ".md"
        and p.name != "structures.csv"  # the list of structures does not depend on the seed
        and (
            _xlsx_cells(p) != _xlsx_cells(c[p.name])
            if p.suffix == ".xlsx"
            else p.read_bytes() != c[p.name].read_bytes()
        )
    ]
    assert len(differing) == len(run_a) - 2


def test_offer_counts_and_firms(run_a: list[Path]) -> None:
    main, extra = _read_offers(_by_name(run_a))
    titled_main = main[main["Intitulé du poste"].str.strip() != ""]
    titled_extra = extra[extra["Poste"].str.strip() != ""]
    assert 70 <= len(titled_main) <= 95
    assert 30 <= len(titled_extra) <= 50
    assert 100 <= len(titled_main) + len(titled_extra) <= 140
    firms = set(titled_main["Entreprise"]) | set(titled_extra["Raison sociale"])
    assert 50 <= len(firms) <= 70
    # references only in the first file, unique and well formed
    refs = titled_main["Réf."]
    assert refs.str.fullmatch(r"BUS26-\d{3}").all()
    assert refs.is_unique
    # the ROME code column is filled for some offers only
    filled = (titled_main["Code ROME"].str.strip() != "").mean()
    assert 0.15 < filled < 0.6
    # most titles carry a gender mark
    marked = titled_main["Intitulé du poste"].str.contains(r"H/F|F/H", regex=True).mean()
    assert marked > 0.5


def test_offers_in_priority_neighbourhoods(run_a: list[Path]) -> None:
    main, _ = _read_offers(_by_name(run_a))
    qpv_firms = {f.name for f in sample._FIRMS if f.qpv}
    assert 12 <= len(qpv_firms) <= 18
    qpv = pd.read_csv(DATA / "communes" / "qpv_territoire.csv", dtype=str)
    known = set(zip(qpv["nom_qpv"], qpv["commune"], strict=True))
    for firm in sample._FIRMS:
        if firm.qpv:
            assert (firm.qpv, firm.commune) in known, firm
    in_qpv = main[main["Entreprise"].isin(qpv_firms)]
    assert (in_qpv["QPV"] != "").all()


def test_every_offer_commune_is_in_territoire(run_a: list[Path]) -> None:
    main, extra = _read_offers(_by_name(run_a))
    communes = pd.read_csv(DATA / "communes" / "territoire.csv", dtype=str)
    known = {_norm(n) for n in communes["nom"]}
    used = [c for c in list(main["Ville"]) + list(extra["Lieu de travail"]) if c.strip()]
    assert len(used) >= 100
    unknown = sorted({c for c in used if _norm(c) not in known})
    assert not unknown


def test_profile_counts(run_a: list[Path]) -> None:
    paths = _by_name(run_a)
    profile_files = list(sample._STRUCTURES)
    assert len(profile_files) == 8
    assert len({s.filename for s in profile_files}) == 8
    total = 0
    for struct in profile_files:
        frame = _read_profiles(paths[struct.filename], struct)
        assert list(frame.columns) == [h for h, _ in struct.columns], struct.filename
        non_empty = frame[(frame != "").any(axis=1)]
        assert 40 <= len(non_empty) <= 130, struct.filename
        total += len(non_empty)
    assert 550 <= total <= 650


def test_profiles_are_coherent(run_a: list[Path]) -> None:
    """Most people target jobs of their structure's sectors and have matching skills."""
    paths = _by_name(run_a)
    struct = next(s for s in sample._STRUCTURES if s.key == "geiq")
    frame = _read_profiles(paths[struct.filename], struct)
    metiers = pd.read_csv(DATA / "referentiel" / "metiers.csv", dtype=str)
    sector = dict(zip(metiers["code"], metiers["secteur"], strict=True))
    codes = frame["Code(s) ROME"].str.findall(r"[A-N]\d{4}")
    building = codes.apply(lambda cs: bool(cs) and sector[cs[0]].startswith("Bâtiment"))
    assert building.mean() > 0.9


def test_ids_are_pseudonymous_and_present(run_a: list[Path]) -> None:
    paths = _by_name(run_a)
    missing = 0
    for struct in sample._STRUCTURES:
        frame = _read_profiles(paths[struct.filename], struct)
        ids = frame.iloc[:, 0]
        rows = frame[(frame != "").any(axis=1)]
        missing += int((rows.iloc[:, 0] == "").sum())
        assert ids[ids != ""].str.fullmatch(r"[A-Z0-9/-]+").all(), struct.filename
    assert 1 <= missing <= 3  # the deliberate rows without identifier


def test_forbidden_columns_only_in_one_file_with_fake_values(run_a: list[Path]) -> None:
    paths = _by_name(run_a)
    forbidden = {"Nom", "Prénom", "Date de naissance", "Sexe"}
    carriers = []
    for struct in sample._STRUCTURES:
        frame = _read_profiles(paths[struct.filename], struct)
        if forbidden & set(frame.columns):
            carriers.append(struct.filename)
            assert frame["Nom"].str.fullmatch(r"FICTIF-\d{3}").all()
            assert set(frame["Prénom"]) <= set(sample._FAKE_FIRST)
    assert carriers == ["ai_bruay_services.csv"]


def _documented_contact_rows(readme: str) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = {}
    current = ""
    for line in readme.splitlines():
        title = re.match(r"### (\S+)", line)
        if title:
            current = title.group(1)
        found = re.match(r"- row (\d+): `Observations` holds contact details", line)
        if found:
            rows.setdefault(current, set()).add(int(found.group(1)))
    return rows


def _cells_with_rows(path: Path, struct: sample._Structure) -> list[tuple[int, str, str]]:
    """(row as a spreadsheet shows it, column header, text) for every non-empty data cell."""
    out = []
    if struct.sheet is None:
        enc = "cp1252" if struct.key == "ai_bs" else "utf-8-sig"
        with path.open(encoding=enc, newline="") as handle:
            reader = csv.reader(handle, delimiter=";" if struct.key == "ai_bs" else ",")
            header = next(reader)
            for i, record in enumerate(reader, start=2):
                out += [(i, header[j], v) for j, v in enumerate(record) if v]
        return out
    book = openpyxl.load_workbook(path)
    for ws in book:
        header = [c.value for c in ws[struct.header_row]] if ws.title == struct.sheet else []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    col = header[cell.column - 1] if cell.column <= len(header) else ""
                    out.append((cell.row, str(col), str(cell.value)))
    return out


def test_contact_details_only_in_documented_observation_rows(run_a: list[Path]) -> None:
    paths = _by_name(run_a)
    documented = _documented_contact_rows(paths["README.md"].read_text(encoding="utf-8"))
    assert 2 <= sum(len(v) for v in documented.values()) <= 4
    found: dict[str, set[int]] = {}
    for struct in sample._STRUCTURES:
        for row, column, text in _cells_with_rows(paths[struct.filename], struct):
            if PHONE_RE.search(text) or EMAIL_RE.search(text):
                assert column == "Observations", (struct.filename, row, column, text)
                found.setdefault(struct.filename, set()).add(row)
    assert found == documented


def test_readme_maps_every_header_to_a_canonical_field(run_a: list[Path]) -> None:
    from matcher import fields

    readme = _by_name(run_a)["README.md"].read_text(encoding="utf-8")
    canonical = set(fields.OFFER_FIELDS) | set(fields.PROFILE_FIELDS)
    for header, fld in sample.OFFERS_MAIN_COLUMNS + sample.OFFERS_EXTRA_COLUMNS:
        assert f"| `{header}` |" in readme
        assert fld in canonical or fld == sample.IGNORED
    for struct in sample._STRUCTURES:
        assert f"`{struct.filename}`" in readme
        for header, fld in struct.columns:
            assert f"| `{header}` |" in readme
            assert fld in canonical or fld in (sample.FORBIDDEN, sample.COMMENT)
        mapped = {f for _, f in struct.columns}
        assert {fields.PROFILE_REF, fields.TARGET_JOBS, fields.SKILLS, fields.COMMUNE} <= mapped


# --------------------------------------------------------------------------------------------
# Referential and communes
# --------------------------------------------------------------------------------------------
def _ref(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / "referentiel" / name, dtype=str, keep_default_na=False)


def test_referential_codes_exist_in_official_rome() -> None:
    official_file = ROME_DIR / "unix_referentiel_code_rome_v460_utf8.csv"
    if not official_file.is_file():
        pytest.skip(f"official ROME 4.0 files not available ({ROME_DIR})")
    official = set(pd.read_csv(official_file, dtype=str)["code_rome"])
    codes = _ref("metiers.csv")["code"]
    assert not sorted(set(codes) - official)


def test_referential_is_consistent() -> None:
    metiers = _ref("metiers.csv")
    assert list(metiers.columns) == ["code", "libelle", "domaine", "secteur"]
    assert 45 <= len(metiers) <= 60
    assert metiers["code"].is_unique
    assert metiers["code"].str.fullmatch(r"[A-N]\d{4}").all()
    assert (metiers["domaine"] == metiers["code"].str[:3]).all()
    assert metiers["secteur"].nunique() >= 10
    codes = set(metiers["code"])

    appellations = _ref("appellations.csv")
    assert list(appellations.columns) == ["code", "appellation"]
    assert set(appellations["code"]) == codes
    per_code = appellations.groupby("code").size()
    assert per_code.between(6, 15).all()
    assert not appellations.duplicated().any()

    skills = _ref("competences.csv")
    assert list(skills.columns) == ["code", "competence", "coeur"]
    assert set(skills["code"]) == codes
    assert set(skills["coeur"]) == {"0", "1"}
    assert skills.groupby("code").size().between(6, 12).all()
    core = skills[skills["coeur"] == "1"].groupby("code").size()
    assert core.reindex(sorted(codes), fill_value=0).between(2, 5).all()

    close = _ref("proximites.csv")
    assert list(close.columns) == ["code", "code_proche"]
    assert set(close["code"]) <= codes and set(close["code_proche"]) <= codes
    assert (close["code"] != close["code_proche"]).all()
    assert not close.duplicated().any()
    linked = set(close["code"]) | set(close["code_proche"])
    assert linked == codes  # every job has at least one close job


def test_communes_table() -> None:
    communes = pd.read_csv(DATA / "communes" / "territoire.csv", dtype=str, keep_default_na=False)
    assert list(communes.columns) == ["code_insee", "nom", "code_postal", "latitude", "longitude"]
    assert 40 <= len(communes) <= 65
    assert communes["code_insee"].is_unique and communes["nom"].is_unique
    assert communes["code_insee"].str.fullmatch(r"(59|62)\d{3}").all()
    assert communes["code_postal"].str.fullmatch(r"(59|62)\d{3}").all()
    lat, lon = communes["latitude"].astype(float), communes["longitude"].astype(float)
    assert lat.between(50.2, 50.8).all() and lon.between(2.2, 3.1).all()
    assert communes["latitude"].str.fullmatch(r"\d+\.\d{3}").all()
    names = set(communes["nom"])
    for expected in ("Béthune", "Bruay-la-Buissière", "Nœux-les-Mines", "Lillers", "Auchel"):
        assert expected in names
    qpv = pd.read_csv(DATA / "communes" / "qpv_territoire.csv", dtype=str)
    assert list(qpv.columns) == ["nom_qpv", "commune"]
    assert 10 <= len(qpv) <= 15
    assert set(qpv["commune"]) <= names


def test_communes_match_la_poste_base() -> None:
    base = ROOT.parent / "shared" / "data" / "communes" / "communes_59_62_laposte.csv"
    if not base.is_file():
        pytest.skip(f"La Poste base of postal codes not available ({base})")
    poste = pd.read_csv(base, dtype=str)
    communes = pd.read_csv(DATA / "communes" / "territoire.csv", dtype=str)
    pairs = set(zip(poste["code_insee"], poste["code_postal"], strict=True))
    by_code = poste.groupby("code_insee")["nom_commune_poste"].first()
    for row in communes.itertuples(index=False):
        assert (row.code_insee, row.code_postal) in pairs, row
        assert _norm(row.nom) == _norm(by_code[row.code_insee]), row


# --------------------------------------------------------------------------------------------
# The sample's specification (data/sample_spec)
# --------------------------------------------------------------------------------------------
def test_spec_refers_only_to_known_codes_sectors_and_communes() -> None:
    from matcher.devtools import sample_spec

    ref = sample_spec.load_reference()
    offers = sample_spec.load_table("offers.toml")
    profiles = sample_spec.load_table("profiles.toml")
    trainings = profiles.texts_map("code_trainings")
    codes = {c for f in sample._FIRMS for c in f.codes}
    codes |= {c for s in sample._STRUCTURES for c in s.weights}
    assert codes <= set(ref.sector), sorted(codes - set(ref.sector))
    assert codes <= set(trainings), sorted(codes - set(trainings))
    sectors = {ref.sector[c] for c in codes}
    for table in ("schedules_by_sector", "rare_skills", "description_extras"):
        assert sectors <= set(offers.texts_map(table)), table
    assert sectors <= set(profiles.texts_map("sector_contexts"))
    kinds = {f.kind for f in sample._FIRMS}
    assert kinds <= set(offers.texts_map("contracts_by_kind"))
    homes = {s.home for s in sample._STRUCTURES} | {f.commune for f in sample._FIRMS}
    assert homes | set(profiles.texts("far_communes")) <= set(ref.communes)
    assert len({s.key for s in sample._STRUCTURES}) == len(sample._STRUCTURES)


def test_spec_refuses_an_unknown_field_and_a_wrong_type(tmp_path: Path) -> None:
    from matcher.devtools import sample_spec

    source = (DATA / "sample_spec" / "structures.toml").read_text(encoding="utf-8")
    (tmp_path / "structures.toml").write_text(
        source.replace('["Ville", "commune"]', '["Nom de famille", "last_name"]', 1),
        encoding="utf-8",
    )
    with pytest.raises(sample_spec.SpecError, match=r"structures\.toml.*last_name"):
        sample_spec.load_structures(tmp_path)
    (tmp_path / "offers.toml").write_text('hours_default = "35h"\n', encoding="utf-8")
    with pytest.raises(sample_spec.SpecError, match=r"offers\.toml.*hours_default"):
        sample_spec.load_table("offers.toml", tmp_path).texts("hours_default")
