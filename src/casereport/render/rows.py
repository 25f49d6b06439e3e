"""Rows of the validated tables as templates read them: values, and each cell's ledger id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casereport.dataset import SOURCE_LINE, Dataset, column_values
from casereport.ledger import cell_id

# --- rows of the data, for templates ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a validated table: its values, and the catalog id of each of its cells."""

    table: str
    key: tuple
    values: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    def has(self, column: str) -> bool:
        return self.values.get(column) is not None

    def id(self, column: str) -> str:
        """Catalog id of a cell (`n(row.id("dose"))` in a template)."""
        if not self.has(column):
            raise KeyError(f"{self.table} row {self.key} has no value in column {column!r}")
        return cell_id(self.table, self.key, column)


@dataclass(frozen=True)
class TableValues:
    """A table's cells as Python values, column by column, rows in file order: converted once
    per column, and made into `Row`s only where they are needed."""

    table: str
    columns: dict[str, list[Any]]
    primary_key: Sequence[str]  # none: rows are keyed by their position

    def __len__(self) -> int:
        return len(self.columns[SOURCE_LINE])

    def row(self, position: int) -> Row:
        """The row at `position` (from 0) in file order."""
        values = {name: column[position] for name, column in self.columns.items()}
        key = tuple(values[c] for c in self.primary_key) if self.primary_key else (position + 1,)
        return Row(self.table, key, values)


def table_values(dataset: Dataset, table: str, primary_key: Sequence[str]) -> TableValues:
    frame = dataset[table].sort_values(SOURCE_LINE)
    # One conversion per column (catalog.column_values): cell by cell costs most of the time
    # of a large series.
    columns = {name: column_values(frame, name) for name in frame.columns}
    return TableValues(table, columns, list(primary_key))


def table_rows(dataset: Dataset, table: str, primary_key: Sequence[str]) -> list[Row]:
    """Rows of a table in file order; a table without a primary key is keyed by position."""
    values = table_values(dataset, table, primary_key)
    return [values.row(position) for position in range(len(values))]


class TableRows(dict):
    """Rows of a dataset's tables (`table_rows`) by table name, each table converted the first
    time it is looked up: a large series never needs some tables row by row (its lab values)."""

    def __init__(self, dataset: Dataset, primary_keys: dict[str, list[str]]):
        super().__init__()
        self.dataset = dataset
        self.primary_keys = primary_keys

    def __missing__(self, table: str) -> list[Row]:
        rows = self[table] = table_rows(self.dataset, table, self.primary_keys.get(table, []))
        return rows


def primary_keys(datapackage: dict) -> dict[str, list[str]]:
    keys = {}
    for resource in datapackage["resources"]:
        key = resource.get("schema", {}).get("primaryKey", [])
        keys[resource["name"]] = [key] if isinstance(key, str) else list(key)
    return keys
