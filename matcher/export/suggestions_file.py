"""The suggestions of ``python -m matcher rank`` written to a file (CSV, Excel or JSON lines).

Kept apart from the shortlists (matcher/export/shortlists.py), which read the store and the
review workflow: the ranking command imports this module only, and Excel's library only when
the file asked for is a workbook.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pandas as pd

from matcher.errors import UserError, system_reason
from matcher.export import csv_file
from matcher.export.columns import header

SUFFIXES = (".csv", ".xlsx", ".jsonl")


def check_output(out: str | Path | None) -> None:
    """Refuse, before anything is ranked, a file ``rank`` could not write: an extension it
    does not write, a folder that does not exist or that cannot be written to (French
    messages; None is the standard output)."""
    if out is None:
        return
    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise _unsupported(out)
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"{out} : le dossier « {folder} » n'existe pas")
    if out.is_dir():
        raise UserError(f"{out} : c'est un dossier, pas un fichier")
    try:  # a file made and dropped there: the one test that rights, quotas and mounts agree with
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UserError(
            f"{out} : impossible d'écrire dans le dossier « {folder} » ({system_reason(exc)})"
        ) from exc


def write_suggestions(
    frame: pd.DataFrame, out: str | Path | None, processes: int = 2
) -> str | None:
    """Write ``rank`` results by the extension of ``out``: .xlsx, .csv (``;``, UTF-8 with BOM;
    on two ``processes`` when large, see :func:`matcher.export.csv_file.write_csv`) or .jsonl;
    JSON lines returned as text when ``out`` is None."""
    if out is None or str(out).lower().endswith(".jsonl"):
        records = frame.to_dict("records")
        lines = "\n".join(
            json.dumps({k: _json(v) for k, v in r.items()}, ensure_ascii=False) for r in records
        )
        if out is None:
            return lines + ("\n" if lines else "")
        Path(out).write_text(lines + "\n", encoding="utf-8")
        return None
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        csv_file.write_csv(frame, out, [header(c) for c in frame.columns], processes)
        return None
    if suffix == ".xlsx":
        from openpyxl import Workbook  # a tenth of a second, for this format only

        from matcher.export.workbooks import workbook_bytes, write_table

        wb = Workbook()
        ws = wb.active
        ws.title = "Suggestions"
        # The same table writer as the shortlists (formats, filters, widths), without keys:
        # a stateless ranking has no stored pairs to read back.
        write_table(ws, frame, list(frame.columns), None)
        out.write_bytes(workbook_bytes(wb))
        return None
    raise _unsupported(out)


def _unsupported(out: Path) -> UserError:
    return UserError(f"{out} : extension non prise en charge (attendu .xlsx, .csv ou .jsonl)")


def suggestion_headers() -> list[str]:
    """The French headers of a suggestions file (the columns of ``rank``'s frame)."""
    from matcher.ranking.scoring import COLUMNS

    return [header(c) for c in COLUMNS]


def _json(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


__all__ = ["SUFFIXES", "check_output", "suggestion_headers", "write_suggestions"]
