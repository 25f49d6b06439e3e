"""Computed numbers: counts, sums, means and changes, each with its derivation and every raw
line it uses. `casereport.catalog` adds them to the ledger beside the numbers read as is.

Computed by the package (`derivation` says how; `source_line` lists every line used, joined by
';'):

    derived.patient_count                               rows of patients.csv
    derived.sex.<sex>.count                             per value of the `sex` enum (zero included)
    derived.mean_disease_duration_years                 mean of disease_duration_years
    derived.patients.<pid>.first_treatment_month        earliest start_month of the patient's
                                                        Table I treatments (the timeline's stand-in
                                                        for the month of diagnosis)
    derived.treatments.<treatment_id>.scheduled_courses courses from start_month to end_month every
                                                        interval_months (rows given in courses)
    derived.labs.<pid>.<analyte>.change                 post - pre
    derived.labs.<analyte>.<measured|fell|rose|unchanged>_count
                                                        patients with both values, and how many
                                                        of them fell, rose or stayed

A project's extension computes the numbers only its data have (casereport.project_extension: its
module `numbers`, COMPUTED_GROUPS); `computed_groups` places each of its groups after the
package's group it names, so the ledger lists the numbers in one order wherever they are computed.
This repository's are listed in workflow/article/numbers.py.

"pre" and "post" are the first and last values of the `timepoint` enum in the data dictionary.
A count of zero points at every row it examined, so that even "none" has a source.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from casereport.clinical import (
    earliest_start_rows,
    listed_in_table_i,
    scheduled_course_count,
    timepoints,
)
from casereport.dataset import (
    SOURCE_LINE,
    Dataset,
    Table,
    by_patient,
    column_values,
    enum_values,
    primary_key,
    rows,
)
from casereport.formatting import (
    display_number,
    field_decimals,
    month_year,
    plain_number,
    round_half_up,
    rounded_number,
    to_decimal,
)
from casereport.ledger import Number
from casereport.project_extension import ProjectExtensionError, part

DERIVED = "derived"

MEAN_DISPLAY_DECIMALS = 1
MEAN_VALUE_DECIMALS = 6


# --- computed numbers ------------------------------------------------------------------------


def lines(rows_used: Iterable[dict]) -> str:
    return joined_lines(r[SOURCE_LINE] for r in rows_used)


def joined_lines(line_numbers: Iterable[int]) -> str:
    """source_line of a computed number: the distinct line numbers in order, joined by ';'."""
    return ";".join(map(str, sorted({int(line) for line in line_numbers})))


@functools.lru_cache(maxsize=1 << 16, typed=True)
def number_texts(value: Decimal | int) -> tuple[str, str]:
    """(display, plain notation) of a computed value. Cached: the changes and counts of a large
    series repeat a few thousand values tens of thousands of times. `typed` keeps 1 and 1.0 apart;
    equal Decimals (1.5, 1.50) share an entry, and both texts normalise them alike."""
    return display_number(value), plain_number(value)


def computed(
    number_id: str,
    value: Decimal | int,
    *,
    unit: str,
    source_file: str,
    rows_used: Iterable[dict],
    columns: str,
    derivation: str,
    display: str | None = None,
) -> Number:
    return computed_at_lines(
        number_id,
        value,
        unit=unit,
        source_file=source_file,
        source_line=lines(rows_used),
        columns=columns,
        derivation=derivation,
        display=display,
    )


def computed_at_lines(
    number_id: str,
    value: Decimal | int,
    *,
    unit: str,
    source_file: str,
    source_line: str,
    columns: str,
    derivation: str,
    display: str | None = None,
) -> Number:
    """computed() with the lines already joined (lines()): the statistics of one set of rows share
    them, and joining 10,000 lines once per statistic was most of a large summary's time."""
    shown, machine = number_texts(value)
    return Number(
        id=number_id,
        display=display if display is not None else shown,
        value=machine,
        unit=unit,
        source_file=source_file,
        source_line=source_line,
        source_column=columns,
        derivation=derivation,
    )


def count_number(number_id, matching, examined, *, unit, source_file, columns, derivation):
    """A count; a count of zero points at the rows examined to find none."""
    return computed(
        number_id,
        len(matching),
        unit=unit,
        source_file=source_file,
        rows_used=matching or examined,
        columns=columns,
        derivation=derivation,
    )


def patients_per_value(
    table: Table, patients: list[dict], source: str, column: str, id_word: str, derivation: str
) -> Iterator[Number]:
    """`derived.<id_word>.<value>.count` for each value of the column's enum, zero included;
    `derivation` words the count with {} for the value."""
    for value in enum_values(table, column):
        yield count_number(
            f"{DERIVED}.{id_word}.{value}.count",
            [p for p in patients if p[column] == value],
            patients,
            unit="patients",
            source_file=source,
            columns=column,
            derivation=derivation.format(value),
        )


def patient_numbers(dataset: Dataset) -> Iterator[Number]:
    table = dataset.tables["patients"]
    source = dataset.source_file("patients")
    patients = rows(table.frame)
    yield count_number(
        f"{DERIVED}.patient_count",
        patients,
        patients,
        unit="patients",
        source_file=source,
        columns="patient_id",
        derivation="number of rows of patients",
    )
    yield from patients_per_value(
        table, patients, source, "sex", "sex", "number of patients with sex {}"
    )
    durations = [p for p in patients if p["disease_duration_years"] is not None]
    if durations:
        mean = sum(to_decimal(p["disease_duration_years"]) for p in durations) / len(durations)
        yield computed(
            f"{DERIVED}.mean_disease_duration_years",
            round_half_up(mean, MEAN_VALUE_DECIMALS),
            display=display_number(round_half_up(mean, MEAN_DISPLAY_DECIMALS)),
            unit=table.fields["disease_duration_years"].get("unit", ""),
            source_file=source,
            rows_used=durations,
            columns="disease_duration_years",
            derivation="mean of disease_duration_years over the patients",
        )


def treatment_numbers(dataset: Dataset) -> Iterator[Number]:
    source = dataset.source_file("treatments")
    treatment_rows = rows(dataset["treatments"])  # read once for the three uses below
    listed_rows = listed_in_table_i(treatment_rows)
    listed = by_patient(listed_rows)
    for pid, row in sorted(earliest_start_rows(listed_rows).items()):
        yield Number(
            id=f"{DERIVED}.patients.{pid}.first_treatment_month",
            display=month_year(row["start_month"]),
            value=row["start_month"],
            unit="",
            source_file=source,
            source_line=lines(listed[pid]),
            source_column="start_month;listed_in_table_i",
            derivation="earliest start_month of the patient's treatments listed in Table I",
        )
    for row in treatment_rows:
        if None in (row["start_month"], row["end_month"], row["interval_months"]):
            continue
        yield computed(
            f"{DERIVED}.treatments.{row['treatment_id']}.scheduled_courses",
            scheduled_course_count(
                row["start_month"], row["end_month"], int(row["interval_months"])
            ),
            unit="courses",
            source_file=source,
            rows_used=[row],
            columns="start_month;end_month;interval_months",
            derivation="courses from start_month to end_month (both included), one every "
            "interval_months",
        )


def paired_positions(table: Table, measured: str) -> list[tuple[tuple, int, int]]:
    """(key without timepoint, position of the before row, position of the after row) for each
    measurement taken at both timepoints, in the table's row order: a row whose `measured` column
    is recorded as missing (casereport.missing) pairs with nothing. Positions index the lists of
    column_values(): a large series pairs 100,000 lab rows, too many to make a dict of each."""
    before, after = timepoints(table)
    key_columns = [c for c in primary_key(table) if c != "timepoint"]
    keys = zip(*(column_values(table.frame, c) for c in key_columns), strict=True)
    points = column_values(table.frame, "timepoint")
    present = table.frame[measured].notna().tolist()
    found: dict[tuple, dict[str, int]] = {}  # key -> timepoint -> position
    for position, (key, point) in enumerate(zip(keys, points, strict=True)):
        if present[position]:
            found.setdefault(key, {})[point] = position
    return [
        (key, at[before], at[after]) for key, at in found.items() if before in at and after in at
    ]


def change_between(values: list, before: int, after: int) -> Decimal:
    """values[after] - values[before], exactly."""
    return to_decimal(values[after]) - to_decimal(values[before])


def lab_numbers(dataset: Dataset) -> Iterator[Number]:
    table = dataset.tables["labs"]
    source = dataset.source_file("labs")
    before_name, after_name = timepoints(table)
    values = column_values(table.frame, "value")
    units = column_values(table.frame, "unit")
    line_of = column_values(table.frame, SOURCE_LINE)
    derivation = f"value {after_name} - value {before_name}"
    places = field_decimals(table.fields["value"])  # the dictionary's rounding rule
    # analyte -> direction -> source lines of the pairs that moved that way (the denominators of
    # "fell in 2 of the 3 patients measured").
    moved: dict[str, dict[str, list[int]]] = {}
    for (pid, analyte), before, after in paired_positions(table, "value"):
        change = change_between(values, before, after)
        yield computed_at_lines(
            f"{DERIVED}.labs.{pid}.{analyte}.change",
            change,
            display=rounded_number(change, places),
            unit=units[after] or "",
            source_file=source,
            source_line=joined_lines((line_of[before], line_of[after])),
            columns="value",
            derivation=derivation,
        )
        direction = "fell" if change < 0 else "rose" if change > 0 else "unchanged"
        for key in (direction, "measured"):
            moved.setdefault(analyte, {}).setdefault(key, []).extend(
                (line_of[before], line_of[after])
            )
    yield from lab_count_numbers(table, source, moved, (before_name, after_name))


LAB_COUNT_WORDS = {
    "measured": "with a value at both {before} and {after}",
    "fell": "whose value at {after} is below {before}",
    "rose": "whose value at {after} is above {before}",
    "unchanged": "whose value at {after} equals {before}",
}


def lab_count_numbers(
    table: Table, source: str, moved: dict[str, dict[str, list[int]]], names: tuple[str, str]
) -> Iterator[Number]:
    """Per analyte, how many patients have both values and how many of them fell, rose or stayed:
    derived.labs.<analyte>.<measured|fell|rose|unchanged>_count. A count of zero points at the
    analyte's rows, where none was found."""
    analytes = column_values(table.frame, "analyte")
    line_of = column_values(table.frame, SOURCE_LINE)
    rows_of: dict[str, list[int]] = {}
    for analyte, line in zip(analytes, line_of, strict=True):
        rows_of.setdefault(analyte, []).append(line)
    before, after = names
    for analyte, all_lines in rows_of.items():
        for key, words in LAB_COUNT_WORDS.items():
            used = moved.get(analyte, {}).get(key, [])
            yield computed_at_lines(
                f"{DERIVED}.labs.{analyte}.{key}_count",
                len(used) // 2,  # two lines per patient: before and after
                unit="patients",
                source_file=source,
                source_line=joined_lines(used or all_lines),
                columns="patient_id;timepoint;value",
                derivation=f"number of patients with {analyte} "
                + words.format(before=before, after=after),
            )


# Each group of computed numbers: its name, the tables it needs, and the function that computes it.
COMPUTED_GROUPS: tuple[tuple[str, tuple[str, ...], Callable[[Dataset], Iterator[Number]]], ...] = (
    ("patients", ("patients",), patient_numbers),
    ("treatments", ("treatments",), treatment_numbers),
    ("labs", ("labs",), lab_numbers),
)


def computed_groups() -> list[tuple[tuple[str, ...], Callable[[Dataset], Iterator[Number]]]]:
    """The package's groups and the project extension's (its module `numbers`: COMPUTED_GROUPS,
    each (the name of the package's group it follows, or None for the end; the tables it needs;
    the function)), in the order the ledger lists them. Placing a project's group beside the
    package's keeps the ledger's order, and numbers.csv's, the same wherever a group is computed."""
    project = part("numbers")
    placed = list(getattr(project, "COMPUTED_GROUPS", ())) if project is not None else []
    names = [name for name, _, _ in COMPUTED_GROUPS]
    unknown = sorted({str(f) for f, _, _ in placed if f is not None and f not in names})
    if unknown:
        raise ProjectExtensionError(
            "the extension's numbers.COMPUTED_GROUPS follow no group of the package:"
            f" {', '.join(unknown)} (the package's groups: {', '.join(names)})"
        )

    def following(name: str | None) -> list:
        return [(tables, group) for follows, tables, group in placed if follows == name]

    ordered = []
    for name, tables, group in COMPUTED_GROUPS:
        ordered += [(tables, group), *following(name)]
    return ordered + following(None)


def computed_numbers(dataset: Dataset) -> Iterator[Number]:
    """The computed numbers of every group whose tables are loaded, the project extension's
    included."""
    for needed, group in computed_groups():
        if all(name in dataset.tables for name in needed):
            yield from group(dataset)
