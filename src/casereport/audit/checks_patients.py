"""Checks of the patients, their ages, laboratory values and adverse reactions."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from casereport.audit.index import (
    IndexedDataset,
    Row,
    cell,
    cells_of,
    file_name,
    is_true,
    patient_record,
)
from casereport.audit.registry import (
    CONSISTENT,
    DISCREPANT,
    Claim,
    Finding,
    NotCheckable,
    check,
)
from casereport.audit.wording import (
    join_words,
    numeric_finding,
    quantity,
    unique,
)
from casereport.dataset import is_missing as missing
from casereport.dataset import rows as table_rows


@check("patient_count", expected=True)
def patient_count(dataset: IndexedDataset, claim: Claim) -> Finding:
    patients = dataset["patients"]
    how = f"one row per patient in {file_name(dataset, 'patients')}"
    cells = cells_of(dataset, "patients", patients, ["patient_id"])
    return numeric_finding(claim, float(len(patients)), how, cells, "rows of patients.csv")


@check("narrative_age_vs_table_i", patient="required")
def narrative_age_vs_table_i(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The narrative's age minus the age at diagnosis is Table I's disease duration."""
    record = patient_record(dataset, claim.patient_id)
    columns = ("age_in_narrative_years", "age_at_diagnosis_years", "disease_duration_years")
    cells = tuple(cell(dataset, "patients", record, c) for c in columns)
    if any(missing(record[c]) for c in columns):
        raise NotCheckable(f"patient {claim.patient_id} lacks an age or the duration", cells)
    age, at_diagnosis, duration = (int(record[c]) for c in columns)
    difference = age - at_diagnosis
    explanation = (
        f"Age in the narrative {age} minus age at diagnosis {at_diagnosis} is "
        f"{quantity(difference, 'years')}; Table I's disease duration is "
        f"{quantity(duration, 'years')}."
    )
    return Finding(
        quantity(difference, "years"),
        CONSISTENT if difference == duration else DISCREPANT,
        explanation,
        cells,
        value=float(difference),
        unit="years",
        derivation="age_in_narrative_years minus age_at_diagnosis_years",
    )


@check("lab_values_reported", arguments=("analytes",))
def lab_values_reported(dataset: IndexedDataset, claim: Claim) -> Finding:
    """A statement about analytes the data may not have. Even with their values, 'no significant
    change' is not checkable: the paper names no test to repeat."""
    wanted = claim.argument_list("analytes")
    analytes = dataset["analytes"]
    known = list(analytes["analyte"])
    cells = cells_of(dataset, "analytes", analytes, ["analyte"])
    absent = [a for a in wanted if a not in known]
    if absent:
        raise NotCheckable(
            f"the data have no {join_words(absent, 'or')} values "
            f"({file_name(dataset, 'analytes')} lists {join_words(known)})",
            unique(cells),
        )
    labs = dataset["labs"]
    rows = labs[labs["analyte"].isin(wanted)]
    raise NotCheckable(
        f"{join_words(wanted)} values are recorded, but the paper names no test of significance",
        unique(cells + cells_of(dataset, "labs", rows, ["value"])),
    )


def reactions_by_patient_and_course(
    events: pd.DataFrame, course_column: str
) -> dict[tuple[int, int], list[Row]]:
    """(patient_id, course) -> the rows (symptoms) of that reaction, in ascending order of patient
    and course; `course_column` is the adverse_events column saying after which course of the drug
    the event came. Rows lacking either are left out, as pandas' groupby leaves them out; grouping
    plain rows avoids building a sub-frame per reaction."""
    reactions: dict[tuple[int, int], list[Row]] = {}
    for row in table_rows(events):
        key = (row["patient_id"], row[course_column])
        if not any(missing(part) for part in key):
            reactions.setdefault(key, []).append(row)
    return dict(sorted(reactions.items(), key=lambda item: item[0]))


@check("adverse_reactions", patient="optional", expected=True, arguments=("drug", "course"))
def adverse_reactions(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Adverse reactions to a drug given in courses: one per patient and course (each symptom of a
    reaction is a row of adverse_events.csv, whose column `<drug>_course` says after which course
    it came); they must be the published patient's, after the published course, and must not have
    recurred."""
    events = dataset["adverse_events"]
    drug = claim.arguments["drug"]
    course_column = f"{drug}_course"
    if course_column not in events:
        raise NotCheckable(
            f"{file_name(dataset, 'adverse_events')} has no column {course_column} (the course of "
            f"{drug} after which each event came)"
        )
    columns = ("patient_id", course_column, "event", "recurred")
    cells = cells_of(dataset, "adverse_events", events, columns)
    reactions = reactions_by_patient_and_course(events, course_column)
    described, exceptions = [], []
    course = int(claim.arguments["course"])
    for (patient_id, after_course), symptoms in reactions.items():
        recurred = any(is_true(r["recurred"]) for r in symptoms)
        described.append(
            f"patient {patient_id} after course {after_course}: "
            f"{join_words(r['event'] for r in symptoms)}, "
            + ("recurred" if recurred else "did not recur")
        )
        if claim.patient_id is not None and int(patient_id) != claim.patient_id:
            exceptions.append(f"a reaction in patient {patient_id}")
        if int(after_course) != course:
            exceptions.append(f"a reaction after course {after_course}")
        if recurred:
            exceptions.append(f"patient {patient_id}'s reaction recurred")
    how = f"reactions in {file_name(dataset, 'adverse_events')}"
    if described:
        how += f" ({'; '.join(described)})"
    derivation = f"adverse_events rows grouped by patient and {drug} course"
    finding = numeric_finding(claim, float(len(reactions)), how, cells, derivation)
    if exceptions and finding.status == CONSISTENT:
        explanation = f"The paper says {claim.published}; the data have {join_words(exceptions)}."
        return replace(finding, status=DISCREPANT, explanation=explanation)
    return finding
