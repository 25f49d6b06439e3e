"""The computed numbers only this article's data have (Marco Puche et al., 2010).

casereport.derived_numbers computes the numbers every case report has (patients, treatments,
measurements before and after); this module adds, with the same ids and derivations as when the
package computed them:

    derived.total_pamidronate_courses                   sum of pamidronate_courses
    derived.outcome.<outcome>.count                     per value of the calcinosis_outcome enum
    derived.bone_density.<pid>.bmd_change               post - pre
    derived.bone_density.<pid>.z_change                 post - pre
    derived.bmd_measured_count                          patients measured before and after
    derived.bmd_improved_count                          patients whose BMD rose
    derived.study_drug_patient_count                    patients with a row of the study drug
                                                        (publication.csv study_drug) or courses

COMPUTED_GROUPS places each group after the package's group it follows (derived_numbers.
computed_groups), which is where the package listed them: numbers.csv keeps its order.
"""

from __future__ import annotations

from collections.abc import Iterator

from casereport.clinical import study_drug, study_drug_rows, timepoints
from casereport.dataset import SOURCE_LINE, Dataset, column_values, rows
from casereport.derived_numbers import (
    DERIVED,
    change_between,
    computed,
    computed_at_lines,
    count_number,
    joined_lines,
    paired_positions,
    patients_per_value,
)
from casereport.formatting import field_decimals, rounded_number
from casereport.ledger import Number


def course_and_outcome_numbers(dataset: Dataset) -> Iterator[Number]:
    """The pamidronate courses all patients received, and how many patients had each calcinosis
    outcome."""
    table = dataset.tables["patients"]
    source = dataset.source_file("patients")
    patients = rows(table.frame)
    courses = [p for p in patients if p["pamidronate_courses"] is not None]
    if courses:
        yield computed(
            f"{DERIVED}.total_pamidronate_courses",
            sum(int(p["pamidronate_courses"]) for p in courses),
            unit=table.fields["pamidronate_courses"].get("unit", ""),
            source_file=source,
            rows_used=courses,
            columns="pamidronate_courses",
            derivation="sum of pamidronate_courses over the patients",
        )
    yield from patients_per_value(
        table,
        patients,
        source,
        "calcinosis_outcome",
        "outcome",
        "number of patients whose calcinosis outcome is {}",
    )


def bone_density_numbers(dataset: Dataset) -> Iterator[Number]:
    table = dataset.tables["bone_density"]
    source = dataset.source_file("bone_density")
    before_name, after_name = timepoints(table)
    line_of = column_values(table.frame, SOURCE_LINE)
    measured = {column: column_values(table.frame, column) for column in ("bmd_g_cm2", "z_score")}
    for column, name in (("bmd_g_cm2", "bmd_change"), ("z_score", "z_change")):
        places = field_decimals(table.fields[column])  # the dictionary's rounding rule
        for (pid,), before, after in paired_positions(table, column):
            both_lines = joined_lines((line_of[before], line_of[after]))
            change = change_between(measured[column], before, after)
            yield computed_at_lines(
                f"{DERIVED}.bone_density.{pid}.{name}",
                change,
                display=rounded_number(change, places),
                unit=table.fields[column].get("unit", ""),
                source_file=source,
                source_line=both_lines,
                columns=column,
                derivation=f"{column} {after_name} - {column} {before_name}",
            )
    pairs = paired_positions(table, "bmd_g_cm2")
    improved = [
        (pid, before, after)
        for (pid,), before, after in pairs
        if change_between(measured["bmd_g_cm2"], before, after) > 0
    ]
    yield computed_at_lines(
        f"{DERIVED}.bmd_measured_count",
        len(pairs),
        unit="patients",
        source_file=source,
        source_line=joined_lines(line_of) if line_of else "",
        columns="patient_id;timepoint",
        derivation=f"number of patients with bmd_g_cm2 at both {before_name} and {after_name}",
    )
    yield computed_at_lines(
        f"{DERIVED}.bmd_improved_count",
        len({pid for pid, _, _ in improved}),
        unit="patients",
        source_file=source,
        source_line=joined_lines(
            line_of[position]
            for _, before, after in improved or pairs
            for position in (before, after)
        ),
        columns="bmd_g_cm2",
        derivation=f"number of patients whose bmd_g_cm2 {after_name} exceeds {before_name}",
    )


def study_drug_numbers(dataset: Dataset) -> Iterator[Number]:
    """How many patients received the study drug: a row of it in treatments.csv, or courses of it
    in patients.csv."""
    drug = study_drug(dataset)
    patients = rows(dataset["patients"])
    treated_rows = study_drug_rows(rows(dataset["treatments"]), drug)
    with_rows = {int(r["patient_id"]) for r in treated_rows}
    treated = [p for p in patients if int(p["patient_id"]) in with_rows or p["pamidronate_courses"]]
    yield count_number(
        f"{DERIVED}.study_drug_patient_count",
        treated,
        patients,
        unit="patients",
        source_file=dataset.source_file("patients"),
        columns="patient_id;pamidronate_courses",
        derivation=f"number of patients with {drug} in treatments or pamidronate_courses above 0",
    )


# (the package's group each follows, the tables it needs, the group)
COMPUTED_GROUPS = (
    ("patients", ("patients",), course_and_outcome_numbers),
    ("treatments", ("bone_density",), bone_density_numbers),
    (None, ("patients", "treatments", "publication"), study_drug_numbers),
)
