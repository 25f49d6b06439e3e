"""Checks of time between events of a patient's history, and of means over the patients."""

from __future__ import annotations

from casereport.audit.index import IndexedDataset, cells_of, event, event_words, file_name
from casereport.audit.registry import Claim, Finding, NotCheckable, check
from casereport.audit.wording import (
    capitalised,
    counted,
    format_number,
    join_words,
    numeric_finding,
    quantity,
    recorded,
)
from casereport.clinical import patient_ids


def _months_between(
    dataset: IndexedDataset, patient_id: int, claim: Claim
) -> tuple[int, str, str, list]:
    """Months from the latest `from` event to the `to` event; how, a note, and the cells."""
    starts = [event(dataset, patient_id, spec) for spec in claim.argument_list("from")]
    anchor = max(starts, key=lambda d: d.month)  # max keeps the first of equal months
    end = event(dataset, patient_id, claim.arguments["to"])
    months = end.month - anchor.month
    latest = f", the last of {join_words(d.what for d in starts)}," if len(starts) > 1 else ""
    how = f"from {anchor.label}{latest} to {end.label}"
    if claim.unit == "years":
        how += f", {quantity(months, 'months')}"
    notes = []
    if len(starts) > 1:
        each = [f"{d.label} {quantity(end.month - d.month, 'months')}" for d in starts]
        notes.append(f"Counted from each: {join_words(each)}.")
    if months < 0:
        notes.append(
            f"{capitalised(end.what)} came {counted(-months, 'month')} before {anchor.what}."
        )
    cells = [c for d in [*starts, end] for c in d.cells]
    return months, how, " ".join(notes), cells


def in_unit(months: float, unit: str) -> float:
    return months / 12 if unit == "years" else float(months)


def _months_derivation(claim: Claim) -> str:
    starts = claim.argument_list("from")
    origin = join_words(event_words(s) for s in starts)
    origin = f"the latest of {origin}" if len(starts) > 1 else origin
    scale = ", divided by 12" if claim.unit == "years" else ""
    return f"months from {origin} to {event_words(claim.arguments['to'])}{scale}"


@check(
    "months_between",
    patient="required",
    expected=True,
    arguments=("from", "to"),
    units=("months", "years"),
)
def months_between(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Time between two events of one patient's history."""
    months, how, note, cells = _months_between(dataset, claim.patient_id, claim)
    value = in_unit(months, claim.unit)
    return numeric_finding(claim, value, how, cells, _months_derivation(claim), note)


@check(
    "mean_months_between",
    expected=True,
    arguments=("from", "to"),
    units=("months", "years"),
)
def mean_months_between(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Mean over every patient of the time between two events."""
    per_patient, cells, lacking = [], [], []
    for patient_id in patient_ids(dataset):
        try:
            months, _, _, used = _months_between(dataset, patient_id, claim)
        except NotCheckable as reason:
            lacking.append(f"patient {patient_id}: {reason}")
            continue
        per_patient.append((patient_id, months))
        cells += used
    if lacking or not per_patient:
        raise NotCheckable("the mean needs every patient; " + ("; ".join(lacking) or "none"))
    mean = sum(m for _, m in per_patient) / len(per_patient)
    each = join_words(f"{quantity(m, 'months')} (patient {p})" for p, m in per_patient)
    how = f"the mean of {each} {_months_derivation(claim).removeprefix('months ')}"
    note = f"(Mean {format_number(mean)} months.)" if claim.unit == "years" else ""
    derivation = f"mean over all patients of the {_months_derivation(claim)}"
    return numeric_finding(claim, in_unit(mean, claim.unit), how, cells, derivation, note)


@check("mean_patient_column", expected=True, arguments=("column",))
def mean_patient_column(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Mean of one numeric column of patients.csv over every patient."""
    column = claim.arguments["column"]
    patients = dataset["patients"]
    if column not in patients:
        raise NotCheckable(f"{file_name(dataset, 'patients')} has no column {column}")
    blank = patients[patients[column].isna()]
    if patients.empty or not blank.empty:
        raise NotCheckable(
            f"{column} is missing for patient(s) {', '.join(map(str, blank['patient_id'])) or '-'}",
            tuple(cells_of(dataset, "patients", blank, [column])),
        )
    values = [float(v) for v in patients[column]]
    listed = join_words(map(recorded, values))
    how = f"the mean of {column} in {file_name(dataset, 'patients')} ({listed})"
    cells = cells_of(dataset, "patients", patients, [column])
    return numeric_finding(
        claim, sum(values) / len(values), how, cells, f"mean of {column} over all patients"
    )
