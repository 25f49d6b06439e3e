"""The patient view model: each patient's row of patients.csv and rows of the other tables, and
what the text says about the series.

The package's `Patient` is what any case report's patient has: an id, a sex (and the dictionary's
words for it), the other columns of the patient's row (ages, dates), and the patient's rows of
every table with a `patient_id` column (the general model's findings, investigations, treatments,
measurements, outcomes, adverse events, and whatever tables a project adds). What only one
project's templates read about a patient (this repository: the article's own columns and tables,
workflow/article/patients.py) is the project's: its report-context file may give the report its
own subclass of `Patient` (render.extension, `report_patients`).

Words for the values of the data (sex) come from the data dictionary's `enumLabels`
(casereport.words).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from casereport.dataset import Dataset
from casereport.render.rows import Row, TableRows, TableValues, table_values
from casereport.words import field_labels, words_for


def positions_by_patient(patient_ids: Sequence[int]) -> dict[int, list[int]]:
    """Positions of each patient's rows in a per-patient table, in file order. One pass over the
    rows: filtering them once per patient would take time quadratic in the size of the series."""
    positions: dict[int, list[int]] = {}
    for position, patient_id in enumerate(patient_ids):
        positions.setdefault(patient_id, []).append(position)
    return positions


def per_patient_tables(dataset: Dataset) -> list[str]:
    """The tables besides patients.csv that have a row per patient and something (a
    `patient_id` column), in the data dictionary's order."""
    return [
        name
        for name, table in dataset.tables.items()
        if name != "patients" and "patient_id" in table.fields
    ]


class PatientRecords:
    """Every patient's rows of the per-patient tables (`per_patient_tables`), for `Patient` to
    read.

    A table is converted column by column and indexed by patient the first time a patient's rows
    of it are read; a patient's rows become `Row`s when first read. A large series details only
    its first patients, so it does not make Rows for all of them, nor reads the tables no template
    asks for.
    """

    def __init__(self, dataset: Dataset, primary_keys: dict[str, list[str]]):
        self.dataset = dataset
        self.primary_keys = primary_keys
        self.fields = dataset.tables["patients"].fields
        self.tables: dict[str, TableValues] = {}
        self.positions: dict[str, dict[int, list[int]]] = {}

    def _indexed(self, table: str) -> dict[int, list[int]]:
        if table not in self.positions:
            values = table_values(self.dataset, table, self.primary_keys.get(table, []))
            self.tables[table] = values
            self.positions[table] = positions_by_patient(values.columns["patient_id"])
        return self.positions[table]

    def rows_of(self, table: str, patient_id: int) -> list[Row]:
        """The patient's rows of `table` in file order; none when the data have no such table."""
        if table not in self.dataset.tables:
            return []
        positions = self._indexed(table).get(patient_id, [])
        return [self.tables[table].row(position) for position in positions]

    def has_rows(self, table: str, patient_id: int) -> bool:
        return table in self.dataset.tables and patient_id in self._indexed(table)


@dataclass(frozen=True)
class Patient:
    """A patient's row of patients.csv, and the patient's rows of the other tables, read when a
    template first asks for them. A template reads the row's columns (ages, dates) from `row`
    (`n(p.row.id("age_years"))`)."""

    row: Row
    records: PatientRecords = field(repr=False, compare=False)

    @property
    def id(self) -> int:
        return self.row["patient_id"]

    @property
    def words(self) -> dict[str, str]:
        """noun, pronoun, possessive: the dictionary's words for the patient's sex."""
        return field_labels(self.records.fields["sex"])[self.row["sex"]]

    def rows(self, table: str) -> list[Row]:
        """The patient's rows of a per-patient table, in file order (none without the table)."""
        return self.records.rows_of(table, self.id)

    # The general model's per-patient tables (casereport new's data dictionary).

    @property
    def findings(self) -> list[Row]:
        return self.rows("findings")

    @property
    def investigations(self) -> list[Row]:
        return self.rows("investigations")

    @property
    def treatments(self) -> list[Row]:
        return self.rows("treatments")

    @property
    def measurements(self) -> list[Row]:
        return self.rows("measurements")

    @property
    def outcomes(self) -> list[Row]:
        return self.rows("outcomes")

    @property
    def adverse_events(self) -> list[Row]:
        return self.rows("adverse_events")

    @property
    def has_adverse_events(self) -> bool:
        return self.records.has_rows("adverse_events", self.id)


def enum_of(dataset: Dataset, table: str, column: str) -> list[str]:
    return list(dataset.tables[table].fields[column].get("constraints", {}).get("enum", []))


def build_patients(dataset: Dataset, rows: TableRows) -> list[Patient]:
    """The patients in the order of their ids."""
    records = PatientRecords(dataset, rows.primary_keys)
    by_id = sorted(rows["patients"], key=lambda r: r["patient_id"])
    return [Patient(row, records) for row in by_id]


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def sex_counts(dataset: Dataset, patients: list[Patient]) -> list[dict[str, str]]:
    """'2 boys, 1 girl': one entry per sex present, words by count."""
    patients_of_sex = Counter(p.row["sex"] for p in patients)  # one pass, not one per sex
    field = dataset.tables["patients"].fields["sex"]
    counts = []
    for sex in enum_of(dataset, "patients", "sex"):
        count = patients_of_sex[sex]
        if count:
            words = words_for(field, sex, "label" if count == 1 else "plural")
            counts.append({"id": f"derived.sex.{sex}.count", "words": words})
    return counts


def grouped(rows: list[Row], column: str) -> list[tuple[str, list[Row]]]:
    """Rows grouped by a column, groups in order of first appearance (jinja's groupby sorts)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    return list(groups.items())


def merged_reference_numbers(rows: list[Row]) -> str:
    numbers: list[int] = []
    for row in rows:
        for part in str(row["reference_numbers"] or "").split(";"):
            if part.strip() and int(part) not in numbers:
                numbers.append(int(part))
    return ";".join(map(str, numbers))
