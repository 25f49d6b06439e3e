"""The audit's view of the dataset: cells as file:line:column, each patient's rows grouped once
(`IndexedDataset`), the drugs and dated events of a patient's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casereport.audit.registry import NotCheckable
from casereport.clinical import month_index, month_label, patient_ids
from casereport.dataset import SOURCE_LINE, Dataset, by_patient
from casereport.dataset import is_missing as missing
from casereport.dataset import rows as table_rows


def cell(dataset: Dataset | IndexedDataset, table: str, row: pd.Series | Row, column: str) -> str:
    """The raw cell a value was read from, as file:line:column."""
    return f"{dataset.source_file(table)}:{int(row[SOURCE_LINE])}:{column}"


def cells_of(
    dataset: Dataset | IndexedDataset, table: str, rows: pd.DataFrame | list[Row], columns
) -> list[str]:
    """The cells of `columns` on each of these rows (a table, or rows of it), row by row."""
    lines = rows[SOURCE_LINE] if isinstance(rows, pd.DataFrame) else (r[SOURCE_LINE] for r in rows)
    source_file = dataset.source_file(table)
    return [f"{source_file}:{int(line)}:{column}" for line in lines for column in columns]


def file_name(dataset: Dataset | IndexedDataset, table: str) -> str:
    return Path(dataset.source_file(table)).name


def is_true(value) -> bool:
    """A boolean cell that says yes (an empty cell says neither yes nor no)."""
    return not missing(value) and bool(value)


def equals(value, text: str) -> bool:
    """A cell holds this text (an empty cell holds none)."""
    return not missing(value) and value == text


# One row of a validated table: column -> value, as casereport.dataset.rows gives it (Python
# scalars, None for an empty cell). Checks read a patient's few rows as plain dicts: a pandas
# operation per patient costs tens of microseconds, which 10,000 patients and several claims
# multiply to minutes.
Row = dict[str, object]


def rows_by_patient(frame: pd.DataFrame) -> dict[int, list[Row]]:
    """patient_id -> that patient's rows, in file order (casereport.dataset.rows, grouped)."""
    return by_patient(table_rows(frame))


@dataclass(frozen=True, eq=False)  # compared by identity: it holds DataFrames
class IndexedDataset:
    """The validated tables, with the rows of the per-patient tables grouped by patient once.

    Checks over every patient used to filter whole tables once per patient (and per claim), so the
    audit grew with the square of the number of patients. Here each patient's rows are one
    dictionary look-up away. It reads like a Dataset (`dataset[name]`, `source_file(name)`), so
    the checks and helpers take it where they took a Dataset.
    """

    dataset: Dataset
    patients: dict[int, Row]  # patient_id -> its patients.csv row
    treatments: dict[int, list[Row]]  # patient_id -> its treatments.csv rows (Table I order)
    # Any other per-patient table (a project's own: measurements, outcomes...), grouped the first
    # time a check asks for it: table -> patient_id -> its rows.
    grouped: dict[str, dict[int, list[Row]]] = field(default_factory=dict, repr=False)

    def patient_rows(self, table: str, patient_id: int) -> list[Row]:
        """The patient's rows of a table keyed by patient_id, in file order ([] if none)."""
        if table == "treatments":
            return self.treatments.get(patient_id, [])
        if table not in self.grouped:
            self.grouped[table] = rows_by_patient(self.dataset[table])
        return self.grouped[table].get(patient_id, [])

    @property
    def tables(self):
        return self.dataset.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.dataset[name]

    def source_file(self, name: str) -> str:
        return self.dataset.source_file(name)


def index_dataset(dataset: Dataset | IndexedDataset) -> IndexedDataset:
    """Group the per-patient tables by patient (a dataset already grouped is returned as is)."""
    if isinstance(dataset, IndexedDataset):
        return dataset
    patients = {}
    for patient_id, rows in rows_by_patient(dataset["patients"]).items():
        patients[patient_id] = rows[0]  # patient_id is the key of patients.csv: one row each
    return IndexedDataset(
        dataset,
        patients=patients,
        treatments=rows_by_patient(dataset["treatments"]),
    )


def patient_record(dataset: IndexedDataset, patient_id: int) -> Row:
    record = dataset.patients.get(patient_id)
    if record is None:
        known = ", ".join(str(i) for i in patient_ids(dataset)) or "none"
        raise NotCheckable(
            f"patient {patient_id} is not in {file_name(dataset, 'patients')} "
            f"(patients in the data: {known})"
        )
    return record


def drug_words(spec: str) -> str:
    """'methotrexate/subcutaneous' -> 'subcutaneous methotrexate'."""
    drug, _, route = spec.partition("/")
    return f"{route} {drug}" if route else drug


def drug_rows(dataset: IndexedDataset, patient_id: int, spec: str) -> list[Row]:
    """The patient's exposures to a drug (`drug` or `drug/route`), in Table I order."""
    drug, _, route = spec.partition("/")
    rows = [
        row
        for row in dataset.treatments.get(patient_id, [])
        if equals(row["drug"], drug) and (not route or equals(row["route"], route))
    ]
    if not rows:
        raise NotCheckable(
            f"{file_name(dataset, 'treatments')} has no {drug_words(spec)} for patient {patient_id}"
        )
    return rows


def patient_treatments(dataset: IndexedDataset, patient_id: int, table_i_only: bool) -> list[Row]:
    rows = dataset.treatments.get(patient_id, [])
    if table_i_only:
        return [row for row in rows if is_true(row["listed_in_table_i"])]
    return list(rows)


def writing_month(dataset: Dataset | IndexedDataset) -> tuple[int, str]:
    """The time of writing: publication.csv `time_of_writing` (the month the manuscript was
    received, curation_log.md), the same month the timeline draws up to."""
    publication = dataset["publication"].iloc[0]
    return month_index(publication["time_of_writing"]), cell(
        dataset, "publication", publication, "time_of_writing"
    )


@dataclass(frozen=True)
class Dated:
    """A month of a patient's history, what happened, and the cells it was read from."""

    month: int
    what: str  # "prednisone start"
    detail: str  # "first Table I treatment: prednisone", or ""
    cells: tuple[str, ...]

    @property
    def label(self) -> str:
        detail = f"{self.detail}, " if self.detail else ""
        return f"{self.what} ({detail}{month_label(self.month)})"


def event_words(spec: str) -> str:
    """How an event name of claims.csv reads: 'prednisone.start' -> 'prednisone start'."""
    words = {"diagnosis": "diagnosis", "therapy": "start of therapy", "writing": "time of writing"}
    if spec in words:
        return words[spec]
    drug, _, which = spec.rpartition(".")
    return f"{drug_words(drug)} {which}"


def _earliest_start(dataset: IndexedDataset, rows: list[Row], what: str, detail: str) -> Dated:
    dated = [row for row in rows if not missing(row["start_month"])]
    if not dated:
        raise NotCheckable(f"no treatment has a start month to date the {what} from")
    # min keeps the first of equal months: of two drugs started the same month, the first row of
    # Table I is named.
    row = min(dated, key=lambda r: month_index(r["start_month"]))
    return Dated(
        month_index(row["start_month"]),
        what,
        f"{detail}: {row['drug']}",
        (cell(dataset, "treatments", row, "start_month"),),
    )


def event(dataset: IndexedDataset, patient_id: int, spec: str) -> Dated:
    """The month of an event (names in data/claims.md): diagnosis, therapy, writing,
    <drug>.start, <drug>.end (a drug may carry a route: methotrexate/oral.start)."""
    if spec == "diagnosis":
        rows = patient_treatments(dataset, patient_id, table_i_only=True)
        return _earliest_start(dataset, rows, "diagnosis", "first Table I treatment")
    if spec == "therapy":
        rows = patient_treatments(dataset, patient_id, table_i_only=False)
        return _earliest_start(dataset, rows, "start of therapy", "first treatment")
    if spec == "writing":
        month, source = writing_month(dataset)
        return Dated(month, "time of writing", "manuscript received", (source,))
    drug, _, which = spec.rpartition(".")
    if which not in ("start", "end") or not drug:
        raise ValueError(f"unknown event {spec!r}")
    rows = drug_rows(dataset, patient_id, drug)
    column = f"{which}_month"
    undated = [row for row in rows if missing(row[column])]
    if which == "end" and undated:
        raise NotCheckable(
            f"{drug_words(drug)} has no end month for patient {patient_id} (still given)",
            tuple(cells_of(dataset, "treatments", undated, [column])),
        )
    dated = [row for row in rows if not missing(row[column])]
    if not dated:
        raise NotCheckable(
            f"{file_name(dataset, 'treatments')} gives no {column} for {drug_words(drug)} "
            f"(patient {patient_id})",
            tuple(cells_of(dataset, "treatments", rows, [column])),
        )
    # The earliest start, or the latest end; min and max keep the first row of equal months.
    earliest_or_latest = min if which == "start" else max
    row = earliest_or_latest(dated, key=lambda r: month_index(r[column]))
    return Dated(
        month_index(row[column]),
        event_words(spec),
        "",
        (cell(dataset, "treatments", row, column),),
    )


def active_in(rows: list[Row], month: int) -> bool:
    """Whether any of these exposures covers the month (an open end means still given)."""
    for row in rows:
        if missing(row["start_month"]) or month_index(row["start_month"]) > month:
            continue
        if missing(row["end_month"]) or month_index(row["end_month"]) >= month:
            return True
    return False


def still_given(row: Row) -> bool:
    """Table I's way of saying a drug is still given: no end month, or a later schedule."""
    return missing(row["end_month"]) or not missing(row["later_interval_months"])
