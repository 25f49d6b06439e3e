"""The catalog: every number the report may show, each traced to the raw cells it comes from.

`build_catalog(dataset)` returns a `casereport.ledger.Ledger`. It works on any subset of the tables
(the table and figure jobs load only the tables they read): each group of numbers below is added
when the tables it needs are loaded, and an id never depends on which other tables are loaded.

Id scheme
---------
Read as is (`derivation` empty), one per non-empty cell of every column the data dictionary types
`integer`, `number`, `date` or `yearmonth`:

    <table>.<primary key values joined by '.'>.<column>       casereport.ledger.cell_id()
    <table>.<row position from 1>.<column>                    tables without a primary key

for example `patients.1.age_at_diagnosis_years`, `labs.3.LDH.pre.value`,
`treatments.4.start_month`, `bmd_categories.osteopenia.z_upper`, `publication.1.study_period_end`.
Not read: surrogate row ids (`SURROGATE_IDS`), and foreign-key columns that point at another table
(`treatments.<id>.patient_id` and the like): the number such a cell shows is the referenced key,
so show `patients.<pid>.patient_id` for "Patient 1". The month a patient started a drug is the
cell `treatments.<treatment_id>.start_month` of that drug's row.

Computed numbers (`derivation` says how; `source_line` lists every line used): their ids are
listed in `casereport.derived_numbers`, and those only a project computes in its extension's
module `numbers` (workflow/article/numbers.py here).

"pre" and "post" are the first and last values of the `timepoint` enum in the data dictionary.
A count of zero points at every row it examined, so that even "none" has a source.
A category (a word, such as a bone-density category) is not a number.

Display follows casereport.formatting: numbers in shortest plain notation (thousands separators
from 10,000), yearmonth as "June 2002", dates as "6 March 2009"; a mean is shown to one decimal.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Collection, Iterable, Iterator

from casereport.dataset import (
    SOURCE_LINE,
    Dataset,
    Table,
    column_values,
    foreign_key_columns,
    primary_key,
)
from casereport.derived_numbers import DERIVED, computed_numbers
from casereport.formatting import (
    day_month_year,
    display_number,
    month_year,
    plain_number,
)
from casereport.ledger import Ledger, Number
from casereport.missing import missing_numbers

# Row numbers that only tie rows together; the report never shows them.
SURROGATE_IDS = frozenset({"treatment_id", "site_id", "event_id"})

READ_AS_IS_TYPES = frozenset({"integer", "number", "date", "yearmonth"})


# --- reading cells ---------------------------------------------------------------------------


def shown_columns(table: Table) -> list[str]:
    """Columns whose cells the catalog reads as is, in the data dictionary's order."""
    skipped = SURROGATE_IDS | foreign_key_columns(table)
    return [
        name
        for name, field in table.fields.items()
        if field.get("type") in READ_AS_IS_TYPES and name not in skipped
    ]


def display_cell(value, kind: str) -> str:
    if kind == "yearmonth":
        return month_year(value)
    if kind == "date":
        return day_month_year(value)
    return display_number(value)


def machine_value(value, kind: str) -> str:
    return str(value) if kind in ("date", "yearmonth") else plain_number(value)


def unit_column(column: str, columns: Iterable[str]) -> str | None:
    """The column holding the unit of `column` row by row, if the table has one.

    `<stem>_unit` is the unit of `<stem>` and `<stem>_upper` (treatments.dose_unit for dose and
    dose_upper; background_facts.denominator_unit for denominator); a plain `unit` column is the
    unit of `value` and `value_upper` (labs, protocol, background_facts).
    """
    stem = column.removesuffix("_upper")
    candidates = [f"{stem}_unit"] + (["unit"] if stem == "value" else [])
    return next((c for c in candidates if c in columns), None)


def column_units(table: Table, column: str) -> list[str]:
    """The unit of each cell of `column`, in row order: the one the data dictionary declares for
    the column, else the row's own (unit_column), else none."""
    declared = table.fields[column].get("unit")
    unit_col = unit_column(column, table.fields)
    if declared or unit_col is None or unit_col not in table.frame:
        return [declared or ""] * len(table.frame)
    return [unit or "" for unit in column_values(table.frame, unit_col)]


def row_id_prefixes(table: Table) -> list[str]:
    """'labs.3.LDH.pre.' for each row, in row order: cell_id() without its column, joined a key
    column at a time rather than a cell at a time."""
    key_columns = primary_key(table)
    if key_columns:
        key_texts = [map(str, column_values(table.frame, c)) for c in key_columns]
    else:
        key_texts = [map(str, range(1, len(table.frame) + 1))]
    return [".".join((table.name, *key, "")) for key in zip(*key_texts, strict=True)]


def column_numbers(
    table: Table, column: str, id_prefixes: list[str], source_lines: list[str], source_file: str
) -> list[Number | None]:
    """The Number of each cell of `column` read as is, in row order; None for an empty cell.

    Each distinct value is formatted once: a column of a large series repeats few values, and
    formatting through Decimal is the costly part of a Number.
    """
    kind = table.fields[column]["type"]
    values = column_values(table.frame, column)
    shown = {
        value: (display_cell(value, kind), machine_value(value, kind))
        for value in set(values)
        if value is not None
    }
    numbers: list[Number | None] = []
    cells = zip(values, id_prefixes, column_units(table, column), source_lines, strict=True)
    for value, id_prefix, unit, line in cells:
        if value is None:
            numbers.append(None)
            continue
        display, machine = shown[value]
        numbers.append(
            Number(
                id=id_prefix + column,
                display=display,
                value=machine,
                unit=unit,
                source_file=source_file,
                source_line=line,
                source_column=column,
            )
        )
    return numbers


def read_as_is(
    table: Table, source_file: str, only: Collection[str] | None = None
) -> Iterator[Number]:
    """The Numbers of the table's cells read as is (of the columns `only` names, if given), row by
    row, each row in the data dictionary's column order. Built a column at a time (see
    column_numbers), yielded in that order."""
    columns = [c for c in shown_columns(table) if c in table.frame and (only is None or c in only)]
    if not columns:
        return
    id_prefixes = row_id_prefixes(table)
    source_lines = [str(line) for line in column_values(table.frame, SOURCE_LINE)]
    by_column = [
        column_numbers(table, column, id_prefixes, source_lines, source_file) for column in columns
    ]
    for row_numbers in zip(*by_column, strict=True):
        yield from (number for number in row_numbers if number is not None)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block (or, as a decorator, a function).

    Building a large series' numbers and tables creates hundreds of thousands of objects and no
    reference cycles: the collector walks them again and again as they pile up (a fifth of the
    catalog's time at 10,000 patients) and finds nothing to free. Reference counting frees
    everything as usual meanwhile, and the collector resumes after the block.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cyclic_gc_paused()
def build_catalog(dataset: Dataset) -> Ledger:
    """Every number the report may show from the loaded tables: cells read as is, then the
    computed numbers whose tables are loaded."""
    ledger = Ledger()
    for name, table in dataset.tables.items():
        for number in read_as_is(table, dataset.source_file(name)):
            ledger.add(number)
        for number in missing_numbers(table, dataset.source_file(name)):
            ledger.add(number)
    for number in computed_numbers(dataset):
        ledger.add(number)
    return ledger


def catalog_subset(dataset: Dataset, number_ids: Iterable[str]) -> Ledger:
    """build_catalog(dataset).subset(number_ids), building only what those ids need: the columns
    they name, and the computed numbers only if one is asked for. A table job shows a few columns
    of the tables it loads; building every number of a large series took it seconds."""
    wanted = set(number_ids)
    columns: dict[str, set[str]] = {}  # table (or DERIVED) -> columns named by the wanted ids
    for number_id in wanted:
        table, *_, column = number_id.split(".")
        columns.setdefault(table, set()).add(column)
    ledger = Ledger()
    for name, table in dataset.tables.items():
        if name in columns:
            for number in read_as_is(table, dataset.source_file(name), only=columns[name]):
                if number.id in wanted:
                    ledger.add(number)
            for number in missing_numbers(table, dataset.source_file(name)):
                if number.id in wanted:
                    ledger.add(number)
    if DERIVED in columns:
        for number in computed_numbers(dataset):
            if number.id in wanted:
                ledger.add(number)
    return ledger
