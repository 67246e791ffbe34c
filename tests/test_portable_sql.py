"""The store's SQL is written once for both engines: no SQLite-only construct outside
``backend_sqlite.py`` (the PostgreSQL tests would fail on it, this says why at once)."""

import re
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[1] / "matcher" / "store"
ENGINE_MODULES = {"backend_sqlite.py", "backend_postgres.py", "backend.py"}

# pattern -> what to write instead (see matcher/store/migrations.py)
NOT_PORTABLE = {
    r"\bINSERT OR (IGNORE|REPLACE)\b": "INSERT ... ON CONFLICT (...) DO NOTHING / DO UPDATE",
    r"\blastrowid\b": "INSERT ... RETURNING id and records.inserted_id(cursor)",
    r"(?<!CAST\()\?\s+IS\s+(NOT\s+)?NULL": "CAST(? AS INTEGER) IS NULL (or AS TEXT)",
    r"\(\?\s+(OR|AND)\b": "a boolean parameter as (? = 1 OR ...)",
    r"\bjson_extract\b|->>": "self.backend.json_flag(column, key) (or a new backend method)",
    r"\bgroup_concat\b": "join in Python (PostgreSQL has string_agg)",
    r"\bPRAGMA\b": "a method of the backend",
    r"\bimport sqlite3\b": "the backend's connection (no engine module outside backend_*)",
    r"\bread_sql_query\b": "records.read_frame(conn, sql, params)",
    r"\bAUTOINCREMENT\b": "INTEGER PRIMARY KEY",
    r"\bCREATE TRIGGER\b": "a Refusal in Migration(refusals=...)",
}


@pytest.mark.parametrize("module", sorted(p.name for p in STORE.glob("*.py")))
def test_store_sql_is_portable(module):
    if module in ENGINE_MODULES:
        return
    text = (STORE / module).read_text(encoding="utf-8")
    # The module's docstring and comments may name the constructs; its code may not.
    code = re.sub(r'^\s*""".*?"""', "", text, count=1, flags=re.S)
    code = re.sub(r"#.*", "", code)
    found = [f"{pattern} -> {fix}" for pattern, fix in NOT_PORTABLE.items()
             if re.search(pattern, code)]  # fmt: skip
    assert not found, f"{module}: SQL for SQLite only: {found}"
