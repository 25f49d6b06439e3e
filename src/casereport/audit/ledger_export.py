"""The audit's numeric rebuilt values as ledger numbers (`audit.<claim_id>.rebuilt`), each pointing
at the raw cells it was computed from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casereport.audit.registry import SOURCES_SEPARATOR
from casereport.audit.wording import format_number
from casereport.dataset import Dataset
from casereport.ledger import Ledger, Number


def rebuilt_id(claim_id: str) -> str:
    """Ledger id of a claim's numeric rebuilt value: `audit.<claim_id>.rebuilt`."""
    return f"audit.{claim_id}.rebuilt"


def split_cell(text: str) -> tuple[str, int, str]:
    """'data/raw/treatments.csv:5:start_month' -> (file, 5, column)."""
    file, line, column = text.rsplit(":", 2)
    return file, int(line), column


def number_sources(sources: list[str]) -> tuple[str, str, str, list[str]]:
    """(source_file, source_line, source_column, cells left out) of a ledger Number.

    The ledger (and `casereport trace`) reads every column of `source_column` on every line of
    `source_line`; `source_file` is one file, or one per line. So a Number holds the lines that
    read the same columns as its first line; any other cell (such as the publication date a
    course count runs up to) is returned to be named in the derivation instead.
    """
    columns_by_line: dict[tuple[str, int], list[str]] = {}
    for file, line, column in (split_cell(s) for s in sources):
        columns = columns_by_line.setdefault((file, line), [])
        if column not in columns:
            columns.append(column)
    shared = next(iter(columns_by_line.values()))
    kept = [key for key, columns in columns_by_line.items() if set(columns) == set(shared)]
    kept_keys = set(kept)  # a set: a claim over a whole series reads tens of thousands of lines
    left_out = [
        f"{file}:{line}:{column}"
        for (file, line), columns in columns_by_line.items()
        if (file, line) not in kept_keys
        for column in columns
    ]
    files = list(dict.fromkeys(file for file, _ in kept))
    return (
        files[0] if len(files) == 1 else ";".join(file for file, _ in kept),
        ";".join(str(line) for _, line in kept),
        ";".join(shared),
        left_out,
    )


def audit_numbers(dataset: Dataset, results: pd.DataFrame) -> list[Number]:
    """Ledger numbers for the numeric rebuilt values, `audit.<claim_id>.rebuilt`, each pointing at
    the raw cells it was computed from."""
    known_files = {dataset.source_file(name) for name in dataset.tables}
    numbers = []
    for _, row in results.iterrows():
        value = "" if pd.isna(row["rebuilt_value"]) else str(row["rebuilt_value"])
        if not value:
            continue
        sources = [s for s in str(row["sources"]).split(SOURCES_SEPARATOR) if s]
        foreign = sorted({split_cell(s)[0] for s in sources} - known_files)
        if foreign or not sources:
            raise ValueError(
                f"audit claim {row['claim_id']}: its sources {foreign or '(none)'} are not raw "
                "files of the dataset"
            )
        source_file, source_line, source_column, left_out = number_sources(sources)
        derivation = str(row["derivation"])
        if left_out:
            derivation += f"; also reads {', '.join(left_out)}"
        numbers.append(
            Number(
                id=rebuilt_id(row["claim_id"]),
                display=format_number(float(value)),
                value=value,
                unit=str(row["rebuilt_unit"]),
                source_file=source_file,
                source_line=source_line,
                source_column=source_column,
                derivation=derivation,
            )
        )
    return numbers


def write_audit_ledger(dataset: Dataset, results: pd.DataFrame, path: Path | str) -> None:
    """The audit job's ledger (results/ledger/audit.csv): its numeric rebuilt values, written
    once where they are computed, so the report reads them instead of deriving them again."""
    Ledger(audit_numbers(dataset, results)).write_csv(path)
