"""A table's columns to fields, the same for the preview and the import (so that the preview shows
what the import will do): known formats adapted (France Travail named, les emplois' people given
a pseudonymous reference), personal-data columns set aside and never mapped, remembered mappings
and the user's overrides applied over the synonyms."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from matcher import fields as F
from matcher.errors import UserError
from matcher.intake import francetravail, lesemplois, privacy
from matcher.intake.mapping import (
    ColumnMapping,
    SynonymIndex,
    header_signature,
    known_label_count,
    map_columns,
)
from matcher.intake.readers import ReadResult
from matcher.intake.report import ImportReport, Kind
from matcher.intake.tables import RawTable
from matcher.text.fold import fold


def adapt_tables(
    read: ReadResult, kind: Kind, key: bytes | None, report: ImportReport | None
) -> None:
    """Known formats: France Travail's offers are named in the report; les emplois' exports get
    a pseudonymous reference per person before the identifying columns are dropped."""
    for table in read.tables:
        labels = [str(x) for x in table.frame.columns]
        if kind == "offers" and francetravail.recognised(labels):
            if report is not None:
                report.source_format = francetravail.NAME
        elif kind == "profiles" and lesemplois.recognised(labels):
            people, merged = lesemplois.add_references(table, key or secrets.token_bytes(32))
            table.merged_rows = merged
            if report is not None:
                report.source_format = lesemplois.NAME
                report.notes.append(
                    f"{people} personne(s) : une référence pseudonyme chacune (« LE-… »), calculée "
                    "à partir des colonnes d'identité, qui sont ensuite supprimées"
                    + ("" if key else " ; références valables pour ce fichier seulement")
                )


def header_scorer(index: SynonymIndex, kind: str):
    extra = [privacy.forbidden_kind] if kind == "profiles" else []
    return known_label_count(index, extra)


def required_fields(kind: str, structure: str | None) -> list[str]:
    required = F.OFFER_REQUIRED if kind == "offers" else F.PROFILE_REQUIRED
    return [r for r in required if not (r == F.STRUCTURE and structure)]


def _forbidden_columns(labels) -> dict[str, str]:
    out = {}
    for label in labels:
        why = privacy.forbidden_kind(label)
        if why:
            out[label] = why
    return out


def _overrides_for(
    signature: str,
    overrides: Mapping[str, str | None] | None,
    remembered: Mapping[str, Mapping[str, str | None]] | None,
) -> tuple[dict[str, str | None], bool]:
    remembered_here = dict((remembered or {}).get(signature, {}))
    table_overrides: dict[str, str | None] = dict(remembered_here)
    table_overrides.update(overrides or {})
    return table_overrides, bool(remembered_here)


def _allowed_overrides(
    overrides: dict[str, str | None], dropped: dict[str, str], table: RawTable
) -> dict[str, str | None]:
    """A personal-data column can never be mapped, whatever the user asks."""
    by_letter = {v: k for k, v in table.letters.items()}
    folded_dropped = {fold(d): d for d in dropped}
    out = {}
    for key, target in overrides.items():
        label = (
            key
            if key in dropped
            else folded_dropped.get(fold(key))
            or (
                by_letter.get(str(key).strip().upper())
                if by_letter.get(str(key).strip().upper()) in dropped
                else None
            )
        )
        if label is not None:
            if target is not None:
                raise UserError(
                    f"{table.where} : la colonne « {label} » contient des données personnelles "
                    f"({dropped[label]}) ; elle ne peut pas être importée"
                )
            continue
        out[key] = target
    return out


def map_table(
    table: RawTable,
    kind: Kind,
    index,
    overrides: Mapping[str, str | None] | None,
    remembered: Mapping[str, Mapping[str, str | None]] | None,
) -> tuple[str, dict[str, str], list[str], ColumnMapping, bool]:
    """Header signature, columns dropped for anonymity (profiles), columns kept, their mapping
    (remembered mapping and overrides applied) and whether a remembered mapping was used: the
    same for the preview and the import, so the preview shows what the import will do."""
    labels = list(table.frame.columns)
    signature = header_signature(labels)
    dropped = _forbidden_columns(labels) if kind == "profiles" else {}
    kept = [x for x in labels if x not in dropped]
    table_overrides, was_remembered = _overrides_for(signature, overrides, remembered)
    mapping = map_columns(
        kept,
        index,
        _allowed_overrides(table_overrides, dropped, table),
        letters=table.letters,
        kind=kind,
        alternatives=table.sub_labels,
    )
    return signature, dropped, kept, mapping, was_remembered
