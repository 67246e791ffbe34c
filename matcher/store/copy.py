"""``db copy``: a whole database moved from one engine to the other (a club's SQLite file to
a shared PostgreSQL server, or back), in one transaction on the target, verified before it
commits by the row count of every table and by the chain of the audit log and of the decision
history (each entry hashed with the one before)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.errors import UserError
from matcher.store.connection import Connection

log = logging.getLogger(__name__)

# Append-only logs whose whole sequence is compared, entry by entry.
CHAINED = ("audit", "reviews")
BATCH = 5000


@dataclass
class CopyReport:
    source: str
    target: str
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows, same on both sides
    chains: dict[str, str] = field(default_factory=dict)  # table -> last link of its chain

    def lines(self) -> list[str]:
        """The report in French."""
        total = sum(self.counts.values())
        out = [
            f"Copie de {self.source} vers {self.target} (schéma {self.schema_version}) : "
            f"{total} lignes dans {len(self.counts)} tables, mêmes comptes des deux côtés."
        ]
        out += [f"  {t} : {n}" for t, n in self.counts.items() if n]
        out += [
            f"Chaîne de « {t} » identique ({self.counts.get(t, 0)} entrées, "
            f"empreinte {digest[:16]})."
            for t, digest in self.chains.items()
        ]
        return out


def chain(conn: Any, backend_columns: Sequence[str], table: str) -> list[str]:
    """The hash chain of ``table`` in id order: link i = sha256(link i-1 + entry i)."""
    cols = ", ".join(backend_columns)
    link = hashlib.sha256(table.encode()).hexdigest()
    links = []
    for row in conn.execute(f"SELECT {cols} FROM {table} ORDER BY id"):
        entry = json.dumps([_plain(v) for v in row], ensure_ascii=False)
        link = hashlib.sha256((link + entry).encode()).hexdigest()
        links.append(link)
    return links


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, bool):
        return int(value)
    return value


def copy_database(source: str | Path, target: str | Path) -> CopyReport:
    """Copy every row of ``source`` into ``target`` (an empty database of the same schema,
    made here if need be). Both are first brought to the current schema. Nothing is written to
    the target unless every table's count and the chains of the audit log and the decisions
    are the same on both sides afterwards; the target's integrity check then runs."""
    src = Connection(source)
    dst = Connection(target)
    if src.target == dst.target:
        raise UserError(f"{dst.label} : la source et la cible sont la même base")
    version = src.schema_version()
    if dst.schema_version() != version:  # pragma: no cover - both were just migrated
        raise UserError(f"{dst.label} : schéma {dst.schema_version()} ≠ {version}")
    report = CopyReport(src.label, dst.label, version)
    with src.snapshot() as sconn, dst.write() as dconn:
        tables = dst.backend.tables(dconn)
        source_tables = set(src.backend.tables(sconn))
        if set(tables) != source_tables:
            raise UserError(
                f"tables différentes entre {src.label} et {dst.label} : "
                + ", ".join(sorted(set(tables) ^ source_tables))
            )
        for t in tables:
            n = int(dconn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            if n:
                raise UserError(
                    f"{dst.label} : la base cible n'est pas vide (table « {t} » : {n} ligne(s)) ; "
                    "la copie ne remplace rien : donnez une base neuve"
                )
        columns = {t: dst.backend.columns(dconn, t) for t in tables}
        for t in tables:
            if set(src.backend.columns(sconn, t)) != set(columns[t]):
                raise UserError(f"table « {t} » : colonnes différentes entre les deux bases")
            cols = ", ".join(columns[t])
            insert = f"INSERT INTO {t} ({cols}) VALUES ({', '.join('?' * len(columns[t]))})"
            rows = [tuple(r) for r in sconn.execute(f"SELECT {cols} FROM {t}").fetchall()]
            try:
                for i in range(0, len(rows), BATCH):
                    dconn.executemany(insert, rows[i : i + BATCH])
            except dst.backend.DatabaseError as exc:
                raise UserError(
                    f"table « {t} » : ligne refusée par {dst.label} ("
                    + (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    + ") ; rien n'a été copié"
                ) from exc
            report.counts[t] = len(rows)
        dst.backend.after_bulk_load(dconn, tables)
        # Verify inside the target's transaction: a difference rolls everything back.
        for t in tables:
            theirs = int(sconn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            ours = int(dconn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            if theirs != ours or ours != report.counts[t]:
                raise UserError(
                    f"table « {t} » : {theirs} ligne(s) dans la source, {ours} dans la cible ; "
                    "rien n'a été copié"
                )
        for t in CHAINED:
            if t not in columns:
                continue
            a = chain(sconn, columns[t], t)
            b = chain(dconn, columns[t], t)
            if a != b:
                first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                             min(len(a), len(b)))  # fmt: skip
                raise UserError(
                    f"table « {t} » : la chaîne diffère à partir de l'entrée n° {first + 1} ; "
                    "rien n'a été copié"
                )
            report.chains[t] = a[-1] if a else "-"
    problems = dst.integrity_check()
    if problems:
        raise UserError(f"{dst.label} : contrôle d'intégrité après copie : " + "; ".join(problems))
    log.info("copied %s to %s: %s", src.label, dst.label, report.counts)
    src.close()
    dst.close()
    return report
