"""The layout's rules, read from the source with ``ast`` (nothing is imported):

- no import cycle between the modules of matcher/ (imports at module level, ``if TYPE_CHECKING``
  blocks left out since they never run);
- matcher/ never imports streamlit; sqlite3 only in matcher/store/ (and the classified titles'
  cache, a file of its own that holds no user data, not the product's base); openpyxl's ``load_workbook``
  only in the readers (one door for the files people hand in);
- no module imports a private name (``_name``) of another module;
- no module of matcher/ or app_pages/ over 900 lines unless it is data (listed, with why)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "matcher"
READERS = "matcher.intake.readers"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@dataclass
class Imports:
    module_level: set[str] = field(default_factory=set)  # matcher modules, at import time
    everywhere: set[str] = field(default_factory=set)  # any module name, any depth
    names: list[tuple[str, str, int]] = field(default_factory=list)  # (module, name, line)
    attributes: list[tuple[str, str, int]] = field(default_factory=list)  # module alias.attr


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported (not in functions or classes' methods,
    not under ``if TYPE_CHECKING``)."""
    for node in body:
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        elif isinstance(node, ast.ClassDef):
            yield from _module_level([n for n in node.body if not isinstance(n, ast.FunctionDef)])
        else:
            yield node


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if MODULES[module].name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, node: ast.stmt) -> Iterator[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for an import statement."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
    elif isinstance(node, ast.ImportFrom):
        source = _resolve(module, node)
        for alias in node.names:
            sub = f"{source}.{alias.name}"
            # "from matcher.ranking import suggest" imports the module matcher.ranking.suggest
            yield (sub, None) if sub in MODULES else (source, alias.name)


def _imports(module: str) -> Imports:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = Imports()
    aliases: dict[str, str] = {}  # local name -> matcher module
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target, name in _targets(module, node):
            out.everywhere.add(target)
            if name is not None:
                out.everywhere.add(f"{target}.{name}")
                out.names.append((target, name, node.lineno))
        for alias in node.names:
            full = (
                alias.name
                if isinstance(node, ast.Import)
                else f"{_resolve(module, node)}.{alias.name}"
            )
            if full in MODULES:
                aliases[alias.asname or alias.name.split(".")[-1]] = full
    for node in _module_level(tree.body):
        for target, _name in (
            _targets(module, node) if isinstance(node, ast.Import | ast.ImportFrom) else ()
        ):
            if target in MODULES and target != module:
                out.module_level.add(target)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            out.attributes.append((aliases[node.value.id], node.attr, node.lineno))
    return out


IMPORTS: dict[str, Imports] = {m: _imports(m) for m in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(IMPORTS[v].module_level):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(MODULES):
        if v not in index:
            visit(v)
    return found


def test_the_rules_see_the_package():
    assert len(MODULES) > 40
    assert "matcher.ranking.scoring" in IMPORTS["matcher.ranking.allocation"].module_level
    # what the TYPE_CHECKING rule leaves out: auth names the store in annotations only
    assert "matcher.store.database" not in IMPORTS["matcher.workflow.auth"].module_level
    assert "matcher.store.database" in IMPORTS["matcher.workflow.auth"].everywhere


def test_no_import_cycle():
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle(monkeypatch):
    monkeypatch.setitem(
        IMPORTS, "matcher.fields", Imports(module_level={"matcher.ranking.scoring"})
    )
    cycles = _cycles()
    assert any({"matcher.fields", "matcher.ranking.scoring"} <= set(c) for c in cycles)


@pytest.mark.parametrize(
    "forbidden, allowed",
    [
        ("streamlit", ()),
        ("sqlite3", ("matcher.store", "matcher.reference.title_results")),
        ("openpyxl.load_workbook", (READERS,)),
    ],
)
def test_forbidden_imports(forbidden, allowed):
    offenders = [
        m
        for m, imp in IMPORTS.items()
        if not any(m == a or m.startswith(a + ".") for a in allowed)
        and any(t == forbidden or t.startswith(forbidden + ".") for t in imp.everywhere)
    ]
    if forbidden == "openpyxl.load_workbook":  # also openpyxl.load_workbook(...) as an attribute
        offenders += [
            m
            for m, path in MODULES.items()
            if m not in allowed and ".load_workbook(" in path.read_text(encoding="utf-8")
        ]
    assert offenders == []


def test_no_private_name_imported_from_another_module():
    offenders = [
        f"{m}:{line} {source}.{name}"
        for m, imp in IMPORTS.items()
        for source, name, line in [*imp.names, *imp.attributes]
        if source.startswith("matcher")
        and source != m
        and name.startswith("_")
        and not name.startswith("__")
    ]
    assert offenders == []


# A module over this many lines is split where the split has a name (issue 11), unless it is
# data written as code: those are listed here with the reason.
MAX_MODULE_LINES = 900
DATA_MODULES: dict[str, str] = {}  # path relative to the project -> why it may be long


def _long_modules() -> dict[str, int]:
    paths = sorted([*PACKAGE.rglob("*.py"), *(ROOT / "app_pages").rglob("*.py")])
    counts = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
              for p in paths}  # fmt: skip
    return {p: n for p, n in counts.items() if n > MAX_MODULE_LINES}


def test_no_module_over_the_line_limit_unless_it_is_data():
    assert not {p: n for p, n in _long_modules().items() if p not in DATA_MODULES}


def test_the_data_modules_listed_are_still_long():
    # A listed module that shrank or moved leaves the list: the exception stays explained.
    assert sorted(DATA_MODULES) == sorted(p for p in _long_modules() if p in DATA_MODULES)
