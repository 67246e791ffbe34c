"""The words a person may read on the dashboard, to check that no English (Streamlit's own
texts: toolbars, menus, dialogs, uploader) reaches the screen.

A visible word passes when it is one of the project's own words: the string literals of the
dashboard and the library (their French messages and labels; docstrings, log messages and the
style sheet left out), the words of the data shown (sample files, built-in referential and
communes, demo accounts), or the short list of allowed non-French words below. Streamlit's
English (« Download », « Search », « Fullscreen », « Running »...) is none of these."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[^\W\d_]{3,}")
# Allowed non-French words a person may read: names of things, and the few words French
# offices use as they are.
ALLOWED = {"circuit", "court", "busin", "ess", "csv", "png", "xlsx", "excel", "rome", "qpv",
           "cdi", "cdd", "caces", "siret", "mail", "e-mail", "email", "jobs", "ok"}  # fmt: skip


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def _literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        # Docstrings and log messages are for developers (English), never shown.
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name) and node.func.value.id in ("log", "logging", "logger"):  # fmt: skip
            for arg in ast.walk(node):
                skip.add(id(arg))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if "<style>" in node.value:  # the style sheet names what it hides
                continue
            out |= words(node.value)
    return out


def _data_words() -> set[str]:
    out: set[str] = set()
    for path in [*(ROOT / "data" / "referentiel").glob("*.csv"),
                 *(ROOT / "data" / "communes").glob("*.csv"), *(ROOT / "data").glob("*.csv"),
                 *(ROOT / "data" / "sample").glob("*.csv")]:  # fmt: skip
        out |= words(path.read_text(encoding="utf-8", errors="replace"))
    for path in (ROOT / "data" / "sample").glob("*.xlsx"):
        wb = load_workbook(path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                out |= words(" ".join(str(v) for v in row if v is not None))
    with (ROOT / "data" / "sample" / "structures.csv").open(encoding="utf-8") as f:
        for rec in csv.reader(f):
            out |= words(" ".join(rec))
    return out


def vocabulary(extra: set[str] | None = None) -> set[str]:
    """Every word a person may read (lower case)."""
    out = set(ALLOWED) | _data_words() | (extra or set())
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"),
                 *(ROOT / "matcher").rglob("*.py")]:  # fmt: skip
        out |= _literals(path)
    return out


# Visible text of the page: text of rendered elements only (not hidden, not screen-reader only,
# not icon ligatures), as a person sees it.
VISIBLE_TEXT_JS = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || el.closest('[aria-hidden="true"], [data-testid="stIconMaterial"], script, style, noscript')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.fontSize) === 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    out.push(text);
  }
  // Texts drawn by CSS (the uploader's French button and instructions).
  return out.join('\\n');
}
"""
