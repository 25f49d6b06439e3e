"""What the table job writes: the CSV a reader sees, and the table model the report reads."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from casereport.catalog import (
    catalog_subset,
    cyclic_gc_paused,
)
from casereport.dataset import Dataset
from casereport.ledger import Ledger, Number
from casereport.model import Ref, TableModel, Text, plain, table_from_json, table_to_json
from casereport.spreadsheet import SafeWriter
from casereport.tables.per_patient import (
    EXCERPT_PATIENTS,
    LARGE_SERIES_THRESHOLD,
    build_table,
    is_patient_label,
)
from casereport.tables.summaries import summary_table

# --- per-patient excerpts --------------------------------------------------------------------


def transposed(model: TableModel) -> TableModel:
    """Rows become columns: a table of one column per patient as one row per patient."""
    grid = [model.header, *model.rows]
    columns = [tuple(line[i] for line in grid) for i in range(len(model.header))]
    return replace(model, header=columns[0], rows=tuple(columns[1:]))


def patients_in_columns(model: TableModel) -> bool:
    """Whether the header, after its first cell, names one patient per column."""
    return len(model.header) > 1 and all(is_patient_label(cell) for cell in model.header[1:])


def per_patient_excerpt(model: TableModel, patients: int) -> TableModel:
    """The first `patients` patients of a per-patient table, one row each (a table whose header
    names the patients, one column each, is turned first)."""
    by_row = transposed(model) if patients_in_columns(model) else model
    return replace(by_row, title=f"{model.title}, per patient", rows=by_row.rows[:patients])


# --- output ----------------------------------------------------------------------------------


def table_cells(model: TableModel, ledger: Ledger) -> list[list[str]]:
    """Header then rows, each cell as the reader sees it."""
    return [[plain(cell, ledger) for cell in line] for line in (model.header, *model.rows)]


def write_table_csv(model: TableModel, ledger: Ledger, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        SafeWriter(handle).writerows(table_cells(model, ledger))


@cyclic_gc_paused()
def write_table(name: str, dataset: Dataset, path: Path | str) -> TableModel:
    """Build a table and write its CSV, with the numbers' displays from an in-process catalog of
    the same tables (so a table job never waits for the catalog job), limited to the numbers the
    table shows."""
    model = build_table(name, dataset)
    write_table_csv(model, catalog_subset(dataset, table_refs(model)), path)
    return model


def table_refs(model: TableModel) -> list[str]:
    """Every ledger id a table shows, in reading order (caption, header, rows, notes)."""
    cells: list[Text] = [model.caption, *model.header, *(c for r in model.rows for c in r)]
    cells += list(model.notes)
    return [part.id for cell in cells for part in cell if isinstance(part, Ref)]


# --- the table model the report reads ----------------------------------------------------------


@dataclass(frozen=True)
class ReportTable:
    """What the report shows of one table: the table itself, or for a large series its summary
    (whose statistics are the ledger Numbers in `numbers`) and the first patients' rows."""

    table: TableModel
    excerpt: TableModel | None = None
    numbers: tuple[Number, ...] = ()

    @property
    def large_series(self) -> bool:
        return self.excerpt is not None


def report_table(
    name: str,
    dataset: Dataset,
    large_series: bool,
    full: TableModel | None = None,
) -> ReportTable:
    """The table `name` as the report shows it. `full`: the per-patient table, if built already."""
    if not large_series:
        return ReportTable(full or build_table(name, dataset))
    summary, numbers = summary_table(name, dataset)
    # Only the patients the excerpt shows are laid out again: the excerpt's wording may depend on
    # the patients it shows (a route printed only where it tells entries apart).
    excerpt = per_patient_excerpt(build_table(name, dataset, EXCERPT_PATIENTS), EXCERPT_PATIENTS)
    return ReportTable(summary, excerpt, tuple(numbers))


def report_table_to_json(shown: ReportTable) -> dict:
    return {
        "table": table_to_json(shown.table),
        "excerpt": None if shown.excerpt is None else table_to_json(shown.excerpt),
        "numbers": [asdict(number) for number in shown.numbers],
    }


def report_table_from_json(data: dict) -> ReportTable:
    excerpt = data["excerpt"]
    return ReportTable(
        table_from_json(data["table"]),
        None if excerpt is None else table_from_json(excerpt),
        tuple(Number(**number) for number in data["numbers"]),
    )


def write_report_table(shown: ReportTable, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report_table_to_json(shown), handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def read_report_table(path: Path | str) -> ReportTable:
    return report_table_from_json(json.loads(Path(path).read_text(encoding="utf-8")))


@cyclic_gc_paused()
def write_table_outputs(
    name: str,
    dataset: Dataset,
    csv_path: Path | str,
    json_path: Path | str,
    large_series_threshold: int = LARGE_SERIES_THRESHOLD,
) -> ReportTable:
    """The table job: the per-patient table as CSV (write_table), and the table as the report
    shows it as JSON (the report reads it and never builds a table itself)."""
    full = write_table(name, dataset, csv_path)
    large_series = len(dataset["patients"]) > large_series_threshold
    shown = report_table(name, dataset, large_series, full)
    write_report_table(shown, json_path)
    return shown
