"""Commands that do not rank start at once (issue 15, point 2): ``decide``, ``list``, ``user list``
and a CSV ``export`` never import pandas (nor openpyxl), and what they print or write from the
store's rows is, byte for byte, what the DataFrame path gives (on both backends)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import subprocess
import sys
import zipfile
from types import SimpleNamespace

import pandas as pd
import pytest

from matcher import cli
from matcher import fields as F
from matcher.errors import UserError
from matcher.export import columns, shortlists, workbooks
from matcher.export.cells import csv_safe
from matcher.ranking import explain
from matcher.store.records import Rows, jsonable
from matcher.text.fold import fold
from matcher.workflow import auth, review
from matcher.workflow.shortlist import shortlist_records, shortlist_rows

from .conftest import ROOT
from .review_world import STRUCTURE_A

KINDS = ("offers", "profiles", "suggestions", "decisions", "audit", "pool", "imports", "stats",
         "users")  # fmt: skip


def _busy(world) -> None:
    """Decisions (one rejected with a reason and a comment), a pool entry, a contact."""
    store, coord = world.store, world.coordinator
    offer = world.offers[0]
    review.decide(store, coord, offer, "A1", "retained", structure=STRUCTURE_A)
    review.decide(store, coord, offer, "A2", "rejected", "other", "à revoir ; « ok »",
                  structure=STRUCTURE_A)  # fmt: skip
    review.keep_in_pool(store, world.counsellor_a, "A1", "K2204")
    auth.add_user(store, coord, "cons-a2", "counsellor", structure=STRUCTURE_A,
                  password="une phrase de passe", phone="03 21 00 00 00", email="a@b.fr")  # fmt: skip


def _frame_jsonl(frame: pd.DataFrame) -> str:
    """What ``list`` printed from a DataFrame before issue 15."""
    return "".join(
        json.dumps({k: jsonable(v) for k, v in rec.items()}, ensure_ascii=False) + "\n"
        for rec in frame.to_dict("records")
    )


def _printed(fn, rows: Rows) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn(rows)
    return buf.getvalue()


def _args(what: str) -> SimpleNamespace:
    return SimpleNamespace(what=what, structure=None, offer=None, status=None, limit=None)


def _frame_of(store, user, what: str) -> pd.DataFrame:
    reads = {
        "offers": lambda: store.offers(user, status=None),
        "profiles": lambda: store.profiles(user),
        "suggestions": lambda: review.annotate(store.suggestions(user)),
        "decisions": lambda: store.decisions(user),
        "audit": lambda: store.audit(user),
        "pool": lambda: store.pool(user),
        "imports": lambda: store.imports(user),
        "stats": lambda: store.statistics(user),
        "users": lambda: auth.list_users(store, user),
    }
    return reads[what]()


@pytest.mark.both_backends
@pytest.mark.parametrize("who", ["coordinator", "counsellor_a"])
def test_list_prints_from_rows_what_the_frame_printed(world, who):
    _busy(world)
    user = getattr(world, who)
    for what in KINDS:
        if what == "users" and who != "coordinator":
            continue  # refused to a counsellor, either way
        rows = cli._list_rows(_args(what), world.store, user)
        frame = _frame_of(world.store, user, what)
        assert list(rows.columns) == list(frame.columns), what
        assert len(rows) == len(frame), what
        assert _printed(cli._print_jsonl, rows) == _frame_jsonl(frame), what
        out = io.StringIO()
        frame.map(cli._cell).to_csv(out, index=False)
        assert _printed(cli._print_csv, rows) == out.getvalue(), what


def _frame_csv(rows: pd.DataFrame, cols) -> bytes:
    """The CSV export as the frame path wrote it before issue 15."""
    frame = shortlists.prepare_rows(rows)[list(cols)].map(csv_safe)
    frame.columns = [columns.header(c) for c in cols]
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


@pytest.mark.both_backends
@pytest.mark.parametrize(
    "select, cols",
    [
        ({"offer_ref": "BUS-001"}, columns.FIRM_COLUMNS),
        ({"employer": "ENTREPRISE bus-002"}, columns.FIRM_COLUMNS),
        ({"structure": STRUCTURE_A}, columns.STRUCTURE_COLUMNS),
        ({}, (F.OFFER_REF, F.EMPLOYER, *columns.OFFER_SHEET_COLUMNS)),
    ],
)
def test_csv_export_from_records_is_the_frames(world, select, cols):
    _busy(world)
    for user in (world.coordinator, world.counsellor_a):
        frame = shortlist_rows(world.store, user, **select)
        records = shortlist_records(world.store, user, **select)
        assert len(records) == len(frame)
        assert columns.shortlist_csv(records, cols) == _frame_csv(frame, cols)
        assert shortlists.shortlist_csv(frame, cols) == _frame_csv(frame, cols)


def _parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts but its properties (they hold the time it was made)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.both_backends
def test_workbooks_from_records_are_the_frames(world):
    _busy(world)
    generated = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)
    secret = b"k" * 32
    for user in (world.coordinator, world.counsellor_a):
        frame = shortlist_rows(world.store, user)
        records = shortlist_records(world.store, user)
        for build in (workbooks.firm_workbook, workbooks.structure_workbook):
            assert _parts(build(records, secret, {}, generated)) == _parts(
                build(frame, secret, {}, generated)
            )
        offers = world.store.offers(user, status=None)
        offer_rows = world.store.offer_rows(user, status=None).records
        assert _parts(
            workbooks.coordinator_workbook(records, offer_rows, secret, {}, generated)
        ) == (_parts(workbooks.coordinator_workbook(frame, offers, secret, {}, generated)))


def _loaded(args: list[str], db: str, prelude: str = "") -> list[str]:
    """The heavy modules a command loaded (run in a fresh interpreter, as people run it)."""
    code = (
        f"import sys\n{prelude}\nfrom matcher.cli import main\nrc = main(sys.argv[1:])\n"
        "print('LOADED', *[m for m in ('pandas', 'openpyxl', 'numpy') if m in sys.modules],"
        " file=sys.stderr)\nsys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args, "--db", db], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, (args, done.stderr)
    return done.stderr.split("LOADED", 1)[1].split()


def test_commands_that_do_not_rank_leave_pandas_and_openpyxl_alone(world, tmp_path):
    _busy(world)
    db = world.store.target
    offer = world.offers[0]
    commands = {
        "decide": ["decide", offer, "B1", "--status", "retained", "--as", "coord"],
        "decide with a comment": ["decide", offer, "B2", "--status", "rejected", "--reason",
                                  "Compétences", "--comment", "rappeler au 06 12 34 56 78"],
        "referential info": ["referential", "info"],
        "purge": ["purge", "--older-than", "24m", "--dry-run"],
        "list": ["list", "offers"],
        "list csv": ["list", "suggestions", "--format", "csv"],
        "user list": ["user", "list"],
        "export csv": ["export", "--offer", offer, "--include-suggested", "--out",
                       str(tmp_path / "liste.csv")],
    }  # fmt: skip
    for name, args in commands.items():
        assert _loaded(args, db) == [], name
    assert (tmp_path / "liste.csv").read_bytes().startswith("\ufeffRéf. offre".encode())
    # A workbook needs openpyxl (which imports numpy), never pandas.
    for kind in ("firm", "structure", "coordinator"):
        args = ["export", "--kind", kind, "--out", str(tmp_path / f"{kind}.xlsx")]
        assert "pandas" not in _loaded(args, db), kind


def test_the_check_sees_pandas(world):
    assert "pandas" in _loaded(["list", "offers"], world.store.target, "import pandas")


VALUES = {
    "ints": [1, 2],
    "ints and a missing value": [1, None],
    "ints and a float": [1, 2.5],
    "a missing key": [{}, 3],
    "booleans": [True, False],
    "booleans and a missing value": [True, None],
    "booleans and ints": [True, 1],
    "text and ints": ["a", 1],
    "text and a missing value": ["a", None],
    "nothing": [None, None],
    "lists": [["a"], None],
    "dicts": [{"a": 1}, None],
    "dates": [pd.Timestamp("2026-01-02").date(), None],
    "NaN": [float("nan"), 2],
    "big ints": [2**63, None],
    "huge negative": [-(2**63) - 1, None],
}


@pytest.mark.parametrize("values", VALUES.values(), ids=VALUES.keys())
def test_rows_as_in_frame_type_numbers_as_pandas(values):
    records = [{} if v == {} else {"x": v} for v in values]
    rows = Rows(("x", "y"), records)
    expected = [
        {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
        for r in rows.frame().to_dict("records")
    ]
    got = rows.as_in_frame()
    assert got == expected
    assert [[type(v) for v in r.values()] for r in got] == [
        [type(v) for v in r.values()] for r in expected
    ]


SCORES = [None, float("nan"), "x", "0.5", -0.2, 0.0, 0.004999, 0.005, 0.575, 0.5749999, 0.995, 1,
          1.3, *(i / 1000 for i in range(1001))]  # fmt: skip


def test_score_points_without_pandas_are_the_explained_ones():
    for score in SCORES:
        assert columns.score_points(score) == explain.score_points(score), score
    floats = [s for s in SCORES if isinstance(s, float) and not math.isnan(s)]
    series = explain.score_points_series(pd.Series(floats)).tolist()
    assert [columns.score_points(s) for s in floats] == series


def test_statuses_and_reasons_written_as_stored_need_no_folding():
    for s in F.Status:
        for text in (s.value, s.label, s.label.upper(), s.label.lower()):
            assert review.parse_status(text) == review._status_names()[fold(text)], text
    for r in F.RejectReason:
        for text in (r.value, r.label, r.label.upper(), r.label.capitalize()):
            assert review.parse_reason(text) == review._reason_names()[fold(text)], text
    assert review.parse_status("EMBAUCHEE") == F.Status.HIRED
    with pytest.raises(UserError):
        review.parse_status("peut-être")


def test_a_few_comments_are_cleaned_one_by_one_as_a_file_s_are():
    texts = ["Appeler au 06 12 34 56 78", "écrire à jean.dupont@example.fr", "rien à signaler",
             "née le 12/03/1990", "IBAN FR76 3000 6000 0112 3456 7890 189", "612345678",
             "  ok  ", None, "", "x" * 3000, "NIR 1 84 12 76 451 089 46", "2 rue des Lilas"]  # fmt: skip
    one_by_one = [review._clean_comment(t) for t in texts]
    assert len(texts) * 3 > review._FEW_COMMENTS  # the vectorised pass
    assert review._clean_comments(texts * 3) == one_by_one * 3
    assert one_by_one[0] != texts[0] and one_by_one[2] == texts[2]
