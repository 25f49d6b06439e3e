"""Missing values are data: a measurement that was not taken, or that the article does not
report, is a row of its table with the measurement empty and `missing_reason` saying why.

The convention (data/raw/datapackage.yaml, Frictionless style): a table that may hold missing
measurements has a `missing_reason` field whose `enum` lists the reasons ("not measured", "not
reported in the article") and whose `enumLabels` give their words. Its measured columns are its
`number` fields outside the primary key (labs: value; bone_density: bmd_g_cm2 and z_score).
Validation (rule `missing_value_has_a_reason`) checks that a row's measurements are empty exactly
when it gives a reason.

The ledger records a missing measurement like any other fact (`missing_numbers`): its id is the
cell's id (`labs.4.ESR.post.value`), it displays the reason's words and points at the line and
the `missing_reason` cell, so that a table cell that refers to it shows "not measured" with its
source. Derived numbers (changes, counts) use only measurements that are there.

Kept free of heavy imports: validation imports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

MISSING_REASON = "missing_reason"


def measured_columns(resource: Mapping[str, Any]) -> list[str]:
    """The measurement columns of a table that may record missing values ([] for any other)."""
    schema = resource.get("schema", {})
    fields = schema.get("fields", [])
    if not any(f.get("name") == MISSING_REASON for f in fields):
        return []
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else list(key)
    return [f["name"] for f in fields if f.get("type") == "number" and f["name"] not in key]


def reasons_by_key(table, key_columns: list[str]) -> dict[tuple, str]:
    """The reasons' words of the rows recorded as missing, by their values of `key_columns`
    (several distinct reasons of one key are joined with ' and ')."""
    from casereport.dataset import column_values
    from casereport.words import words_for

    frame = table.frame
    if MISSING_REASON not in frame:
        return {}
    field = table.fields[MISSING_REASON]
    keys = zip(*(column_values(frame, c) for c in key_columns), strict=True)
    found: dict[tuple, list[str]] = {}
    for key, reason in zip(keys, column_values(frame, MISSING_REASON), strict=True):
        if reason is not None:
            words = words_for(field, reason)
            if words not in found.setdefault(key, []):
                found[key].append(words)
    return {key: " and ".join(words) for key, words in found.items()}


def missing_numbers(table, source_file: str) -> Iterator:
    """A ledger Number for every measurement recorded as missing: displays the reason's words."""
    from casereport.dataset import SOURCE_LINE, column_values, primary_key, table_schema  # heavy
    from casereport.ledger import Number, cell_id
    from casereport.words import words_for

    frame = table.frame
    if MISSING_REASON not in frame:
        return
    columns = measured_columns({"schema": table_schema(table)})
    reasons = column_values(frame, MISSING_REASON)
    key_columns = primary_key(table)
    keys = list(zip(*(column_values(frame, c) for c in key_columns), strict=True))
    lines = column_values(frame, SOURCE_LINE)
    values = {c: column_values(frame, c) for c in columns if c in frame}
    field = table.fields[MISSING_REASON]
    for position, reason in enumerate(reasons):
        if reason is None:
            continue
        for column, column_cells in values.items():
            if column_cells[position] is not None:
                continue
            yield Number(
                id=cell_id(table.name, keys[position], column),
                display=words_for(field, reason),
                value="",
                unit=table.fields[column].get("unit", ""),
                source_file=source_file,
                source_line=str(lines[position]),
                source_column=MISSING_REASON,
                derivation=f"{column} recorded as missing: {reason}",
            )
