"""Checks of the calcinosis (patients.csv `calcinosis_onset_min_years`,
`calcinosis_onset_max_years`, `calcinosis_outcome`): its onset against the drugs, and its
outcome."""

from __future__ import annotations

from casereport.audit import (
    CONSISTENT,
    DISCREPANT,
    Claim,
    Dated,
    Finding,
    IndexedDataset,
    NotCheckable,
    active_in,
    all_or_discrepant,
    cell,
    cells_of,
    check,
    counted,
    dated_periods,
    drug_rows,
    drug_words,
    event,
    file_name,
    join_words,
    numeric_finding,
    patient_record,
    quantity,
    still_given,
    unique,
)
from casereport.clinical import month_label
from casereport.dataset import is_missing as missing
from casereport.dataset import rows as table_rows


def onset_window(dataset: IndexedDataset, patient_id: int) -> tuple[int, int, Dated, list[str]]:
    """First and last month the calcinosis may have appeared: diagnosis + the narrative's years."""
    record = patient_record(dataset, patient_id)
    diagnosis = event(dataset, patient_id, "diagnosis")
    columns = ("calcinosis_onset_min_years", "calcinosis_onset_max_years")
    cells = [cell(dataset, "patients", record, c) for c in columns] + list(diagnosis.cells)
    if any(missing(record[c]) for c in columns):
        raise NotCheckable(f"patient {patient_id} has no calcinosis onset", tuple(cells))
    low, high = (diagnosis.month + 12 * int(record[c]) for c in columns)
    return low, high, diagnosis, cells


def window_words(low: int, high: int) -> str:
    if low == high:
        return f"in {month_label(low)}"
    return f"between {month_label(low)} and {month_label(high)}"


@check("calcinosis_onset_before", patient="required", arguments=("drug",))
def calcinosis_onset_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The calcinosis, timed as the narrative times it, appeared before the drug given for it."""
    low, high, diagnosis, cells = onset_window(dataset, claim.patient_id)
    start = event(dataset, claim.patient_id, f"{claim.arguments['drug']}.start")
    cells += start.cells
    margin = start.month - high
    how = (
        f"Timed from {diagnosis.label}, the narrative puts the calcinosis {window_words(low, high)}"
    )
    if margin >= 0:
        gap = f"{quantity(margin, 'months')} before" if margin else "at the latest in the month of"
        rebuilt = f"{window_words(low, high)}, {gap} {start.what}"
        return Finding(rebuilt, CONSISTENT, f"{how}, no later than {start.label}.", unique(cells))
    rebuilt = f"{window_words(low, high)}, up to {quantity(-margin, 'months')} after {start.what}"
    explanation = (
        f"{how}: up to {counted(-margin, 'month')} after {start.label}, which was given for it."
    )
    return Finding(rebuilt, DISCREPANT, explanation, unique(cells))


@check("drugs_given_at_calcinosis_onset", patient="required", arguments=("drugs",))
def drugs_given_at_calcinosis_onset(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The named drugs (`drug` or `drug/route`) were being given when the calcinosis appeared."""
    low, high, diagnosis, cells = onset_window(dataset, claim.patient_id)
    given, not_given = [], []
    for spec in claim.argument_list("drugs"):
        rows = drug_rows(dataset, claim.patient_id, spec)
        cells += cells_of(dataset, "treatments", rows, ("start_month", "end_month"))
        covered = active_in(rows, low) and active_in(rows, high)
        (given if covered else not_given).append(f"{drug_words(spec)} ({dated_periods(rows)})")
    how = f"Timed from {diagnosis.label}, the calcinosis appeared {window_words(low, high)}"
    if not_given:
        explanation = f"{how}; Table I does not give {join_words(not_given)} then." + (
            f" It does give {join_words(given)}." if given else ""
        )
        return Finding(
            f"not given: {join_words(not_given)}", DISCREPANT, explanation, unique(cells)
        )
    explanation = f"{how}; Table I gives {join_words(given)}."
    return Finding(f"given: {join_words(given)}", CONSISTENT, explanation, unique(cells))


@check("calcinosis_outcome", patient="required", arguments=("outcome",))
def calcinosis_outcome(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The recorded outcome is the published one, and Table I agrees on pamidronate: the paper
    stopped it where the calcinosis cleared and kept it going elsewhere."""
    record = patient_record(dataset, claim.patient_id)
    outcome = record["calcinosis_outcome"]
    rows = drug_rows(dataset, claim.patient_id, "pamidronate")
    cells = [cell(dataset, "patients", record, "calcinosis_outcome")]
    cells += cells_of(dataset, "treatments", rows, ("end_month", "later_interval_months"))
    stopped = not any(still_given(r) for r in rows)
    state = "stopped" if stopped else "still given"
    rebuilt = f"{outcome}; pamidronate {state}"
    if outcome != claim.arguments["outcome"]:
        explanation = (
            f"The paper says {claim.published}; {file_name(dataset, 'patients')} records the "
            f"calcinosis as {outcome}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    if (outcome == "cleared") != stopped:
        explanation = (
            f"The calcinosis is {outcome} but Table I has pamidronate {state}; the paper stopped "
            "pamidronate only where the calcinosis cleared."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = f"The calcinosis is recorded as {outcome}, and Table I has pamidronate {state}."
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("calcinosis_improved_all", expected=True)
def calcinosis_improved_all(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Every patient's calcinosis cleared or decreased, and they number as published."""
    patients = dataset["patients"]
    better = patients["calcinosis_outcome"].isin(["cleared", "decreased"]).fillna(False)
    exceptions = [
        f"patient {r['patient_id']}: {r['calcinosis_outcome']}"
        for r in table_rows(patients[~better.astype(bool)])
    ]
    how = (
        f"calcinosis cleared or decreased in {int(better.sum())} of "
        f"{counted(len(patients), 'patient')}"
    )
    if exceptions:
        how += f" (not in {join_words(exceptions)})"
    finding = numeric_finding(
        claim,
        float(better.sum()),
        how,
        cells_of(dataset, "patients", patients, ["calcinosis_outcome"]),
        "patients whose calcinosis_outcome is cleared or decreased",
    )
    return all_or_discrepant(finding, exceptions)
