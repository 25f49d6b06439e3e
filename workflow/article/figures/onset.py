"""Calcinosis onset as the timeline marks it (casereport.figures.timeline.PatientMarks) and the
calcinosis figure draws it: counted in years from the first treatment Table I lists (a stand-in
for the month of diagnosis), one month or the two ends of the range the paper gives."""

from __future__ import annotations

from casereport.clinical import first_treatment_rows, month_index
from casereport.dataset import Dataset, rows
from casereport.figures.timeline import PatientMark, PatientMarks
from casereport.ledger import cell_id


def patient_onset_months(patient: dict, first_row: dict | None) -> list[int]:
    """A patient's calcinosis onset as month indices, from its row and its first Table I
    treatment: one month, or the two ends of a range; none when it is not known."""
    if first_row is None or patient["calcinosis_onset_min_years"] is None:
        return []
    first_month = month_index(first_row["start_month"])
    low = first_month + 12 * int(patient["calcinosis_onset_min_years"])
    high = first_month + 12 * int(patient["calcinosis_onset_max_years"] or 0)
    return sorted({low, max(low, high)})


def onset_ids(pid: int) -> tuple[str, ...]:
    """Ledger ids of the numbers a calcinosis onset mark is placed by."""
    return (
        f"derived.patients.{pid}.first_treatment_month",
        cell_id("patients", pid, "calcinosis_onset_min_years"),
        cell_id("patients", pid, "calcinosis_onset_max_years"),
    )


def onset_marks(dataset: Dataset) -> dict[int, PatientMark]:
    """Each patient's calcinosis onset and the ids that place it."""
    first_rows = first_treatment_rows(dataset)
    return {
        int(patient["patient_id"]): (
            patient_onset_months(patient, first_rows.get(int(patient["patient_id"]))),
            onset_ids(int(patient["patient_id"])),
        )
        for patient in rows(dataset["patients"])
    }


CALCINOSIS_ONSET = PatientMarks(
    lane="calcinosis onset",
    marker="D",
    caption="Diamonds mark the onset of calcinosis, counted from the first treatment Table I "
    "lists (a stand-in for the month of diagnosis); two diamonds joined by a line bound an onset "
    "the paper gives as a range.",
    summary_caption="diamonds for calcinosis onset (two joined diamonds bound an onset given as "
    "a range)",
    marks=onset_marks,
)
