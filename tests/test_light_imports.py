"""Commands start fast (issue 15 item 2): the modules they load leave scikit-learn (and the
scipy.stats it pulls in, about a second) unimported; so does ranking, which reads the title
classifier from its cache (scikit-learn only fits it) and writes its own vectors
(matcher/text/vectors.py). Allocation (scipy.optimize) is loaded only when asked for."""

import subprocess
import sys

import pytest

from matcher.paths import ROOT

HEAVY = ("sklearn", "scipy.stats", "scipy.optimize")


def _loaded(modules: list[str], watched: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``watched`` modules that importing ``modules`` loads, in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(' '.join(h for h in {watched!r} if h in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout.split()


@pytest.mark.parametrize(
    "command, modules",
    [
        ("help, list, decide, user", ["matcher.cli", "matcher.workflow.service"]),
        ("export", ["matcher.cli", "matcher.workflow.service", "matcher.export.shortlists"]),
        ("codes and labels", ["matcher.reference.referential", "matcher.intake.importer"]),
        (
            "match, and the dashboard's re-match (no allocation asked for)",
            ["matcher.cli", "matcher.workflow.matching", "matcher.ranking.suggest"],
        ),
        (
            "rank",
            [
                "matcher.cli",
                "matcher.ranking.from_files",
                "matcher.reference.classifier",
                "matcher.features.text",
                "matcher.reference.char_ngrams",
            ],
        ),
    ],
)
def test_commands_that_do_not_rank_leave_the_heavy_libraries_alone(command, modules):
    assert _loaded(modules) == [], command


def test_the_check_sees_a_heavy_import():
    assert "sklearn" in _loaded(["matcher.devtools.evaluate_ranking"])
    assert "scipy.optimize" in _loaded(["matcher.ranking.suggest", "scipy.optimize"])


# Loaded by the ranking, not by what reads the files.
LATER = ("scipy", "numba", "openpyxl", "matcher.ranking.scoring", "matcher.ranking.blocks",
         "matcher.reference.classifier")  # fmt: skip


def test_rank_reads_the_files_before_loading_the_ranking():
    """What ``rank`` imports before the profiles' file is given to a second process: the
    importer and the places only; the sparse products, the scoring, the classifier and Excel's
    library are imported while that file is read (matcher/ranking/from_files.py)."""
    first = ["matcher.cli", "matcher.ranking.from_files", "matcher.export.suggestions_file"]
    assert _loaded(first, LATER) == []
    assert _loaded(["matcher.ranking.blocks"], LATER) == [
        "scipy", "matcher.ranking.scoring", "matcher.ranking.blocks",
        "matcher.reference.classifier",
    ]  # fmt: skip
    # numba only with the kernel of the large products (matcher/features/topn.py).
    assert _loaded(["matcher.features.topn_kernel"], LATER) == ["scipy", "numba"]
