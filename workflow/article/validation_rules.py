"""This article's own validation rules: facts of its data that only it needs.

The article (pamidronate for calcinosis in juvenile dermatomyositis) records columns that a case
report in general does not have: calcinosis onset and outcome, pamidronate courses and whether
they are ongoing, a treatment's later dosing interval, the laboratory's analytes, the bone-density
categories. The rules that tie those columns together live here, in the project, not in the
`casereport` package: config/config.yaml names this file (`validation_rules`), and the
validation runs these rules after the package's general ones (casereport.validation.rules),
which any case report's data must satisfy. A project made by `casereport new` has no such file.

Each rule is a function `check(table, tables)` yielding a Finding per offending row, registered
with `@RULES.rule(checks=..., reads=...)`; see casereport/validation/registry.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from casereport.validation.rules import (
    CheckedTable,
    Finding,
    RuleSet,
    Tables,
    by_patient,
    is_na,
    publication_value,
    where,
)

RULES = RuleSet()


# --- treatments ---------------------------------------------------------------------------------


@RULES.rule(checks="treatments")
def later_interval_needs_end_month(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: later_interval_months is given only with an end_month (curation log 10).

    The later interval is the schedule after end_month; without an end month it has no start.
    """
    rows = table.typed
    for line in where(rows["later_interval_months"].notna() & rows["end_month"].isna()):
        yield table.finding(
            line,
            "later_interval_months",
            "later-interval-without-end",
            f"later_interval_months {table.cell(line, 'later_interval_months')} is given but "
            "end_month is empty; the later interval starts after end_month",
        )


@RULES.rule(checks="treatments")
def ongoing_exposure_has_not_ended(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: an ongoing exposure with an end_month continues on a later interval.

    An end_month on an ongoing drug marks a change of schedule, not a stop (curation log 10), and
    later_interval_months says what the schedule became.
    """
    rows = table.typed
    ended = rows["end_month"].notna() & rows["later_interval_months"].isna()
    for line in where(rows["ongoing"] & ended):
        yield table.finding(
            line,
            "ongoing",
            "ongoing-after-end",
            f"ongoing is {table.cell(line, 'ongoing')} but the exposure ends in end_month "
            f"{table.cell(line, 'end_month')} and later_interval_months is empty",
        )


@RULES.rule(checks="treatments", reads=["patients", "publication"])
def pamidronate_ongoing_agrees(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: study drug rows agree with the patient's pamidronate_ongoing (patients.csv).

    A patient still on the study drug (publication.csv `study_drug`) has an ongoing row of it;
    one who stopped has none.
    """
    patients = tables["patients"]
    said_ongoing = by_patient(patients, "pamidronate_ongoing")
    study_drug = publication_value(tables, "study_drug")
    if study_drug is None:
        return  # publication's own checks say why
    rows = table.typed[(table.typed["drug"] == study_drug).fillna(False)]
    said = rows["patient_id"].map(said_ongoing)  # NA: unknown patient (a foreign-key finding)
    ongoing = rows["ongoing"].fillna(False)
    patient = rows["patient_id"]
    any_ongoing = ongoing.groupby(patient).transform("any")
    line = rows.index.to_series(index=rows.index)
    is_last = line == line.groupby(patient).transform("max")
    stopped_but_ongoing = said.eq(False) & ongoing
    ongoing_but_none = said.eq(True) & ~any_ongoing & is_last  # report the patient's last row
    for line in where(stopped_but_ongoing | ongoing_but_none):
        patient_flag = "true" if said[line] else "false"
        yield table.finding(
            line,
            "ongoing",
            "pamidronate-ongoing",
            f"ongoing is {table.cell(line, 'ongoing')} but {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')} pamidronate_ongoing {patient_flag}",
        )


@RULES.rule(checks="patients", reads=["treatments", "publication"])
def study_drug_courses_have_a_row(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: a patient with pamidronate_courses above 0 has a row of the study drug in
    treatments.csv, and one with such a row has courses above 0.

    The package tells who received the study drug from treatments.csv alone
    (casereport.clinical.untreated_patient_ids); this article's count and sentences also read
    pamidronate_courses. The two must agree, or a caption would call a treated patient untreated.
    """
    study_drug = publication_value(tables, "study_drug")
    treatments = tables.get("treatments")
    if study_drug is None or treatments is None:
        return  # their own checks say why
    given = treatments.typed[(treatments.typed["drug"] == study_drug).fillna(False)]
    with_rows = set(given["patient_id"].dropna())
    has_row = table.typed["patient_id"].isin(with_rows)
    courses = table.typed["pamidronate_courses"]
    for line in where((courses > 0) & ~has_row):
        yield table.finding(
            line,
            "pamidronate_courses",
            "courses-without-study-drug-row",
            f"pamidronate_courses {table.cell(line, 'pamidronate_courses')} but "
            f"{treatments.path} has no {study_drug} row for patient "
            f"{table.cell(line, 'patient_id')}",
        )
    for line in where((courses == 0) & has_row):
        yield table.finding(
            line,
            "pamidronate_courses",
            "study-drug-row-without-courses",
            f"pamidronate_courses 0 but {treatments.path} has a {study_drug} row for patient "
            f"{table.cell(line, 'patient_id')}",
        )


@RULES.rule(checks="patients")
def disease_duration_is_age_difference(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: age_in_narrative_years − age_at_diagnosis_years = disease_duration_years.

    The narrative gives each patient's age when written and at diagnosis; Table I gives the
    duration. The paper implies the three agree for every patient.
    """
    rows = table.typed
    difference = rows["age_in_narrative_years"] - rows["age_at_diagnosis_years"]
    for line in where(difference != rows["disease_duration_years"]):
        narrative = table.cell(line, "age_in_narrative_years")
        diagnosis = table.cell(line, "age_at_diagnosis_years")
        yield table.finding(
            line,
            "disease_duration_years",
            "disease-duration",
            f"disease_duration_years {table.cell(line, 'disease_duration_years')} is not "
            f"age_in_narrative_years {narrative} − age_at_diagnosis_years {diagnosis} "
            f"= {difference[line]}",
        )


@RULES.rule(checks="patients")
def calcinosis_onset_min_not_above_max(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: calcinosis_onset_min_years is not above calcinosis_onset_max_years."""
    rows = table.typed
    for line in where(rows["calcinosis_onset_max_years"] < rows["calcinosis_onset_min_years"]):
        yield table.finding(
            line,
            "calcinosis_onset_max_years",
            "range-reversed",
            f"calcinosis_onset_max_years {table.cell(line, 'calcinosis_onset_max_years')} is "
            f"below calcinosis_onset_min_years {table.cell(line, 'calcinosis_onset_min_years')}",
        )


@RULES.rule(checks="patients")
def follow_up_only_after_stopping(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: follow_up_after_pamidronate_years is given only when pamidronate was stopped."""
    rows = table.typed
    for line in where(
        rows["follow_up_after_pamidronate_years"].notna() & rows["pamidronate_ongoing"]
    ):
        yield table.finding(
            line,
            "follow_up_after_pamidronate_years",
            "follow-up-while-ongoing",
            "follow_up_after_pamidronate_years "
            f"{table.cell(line, 'follow_up_after_pamidronate_years')} is given but "
            f"pamidronate_ongoing is {table.cell(line, 'pamidronate_ongoing')}",
        )


# --- labs and adverse events --------------------------------------------------------------------


@RULES.rule(checks="labs", reads=["analytes"])
def lab_unit_is_analyte_unit(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """labs: a value's unit is its analyte's unit in analytes.csv.

    An analyte missing from analytes.csv is a foreign-key finding, not reported again here.
    """
    analytes = tables["analytes"]
    units = analytes.typed.dropna(subset=["analyte"]).drop_duplicates("analyte")
    units = units.set_index("analyte")["unit"]
    expected = table.typed["analyte"].map(units)
    unit = table.typed["unit"]
    expected_of = expected.to_dict()  # one lookup per bad row, not a Series index per row
    for line in where(expected.notna() & unit.notna() & (unit != expected)):
        yield table.finding(
            line,
            "unit",
            "unit-mismatch",
            f"unit {table.cell(line, 'unit')!r} is not {table.cell(line, 'analyte')}'s unit "
            f"{expected_of[line]!r} in {analytes.path}",
        )


@RULES.rule(checks="adverse_events", reads=["patients"])
def adverse_event_course_was_given(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """adverse_events: pamidronate_course is not after the patient's last course (patients.csv)."""
    patients = tables["patients"]
    given = table.typed["patient_id"].map(by_patient(patients, "pamidronate_courses"))
    for line in where(table.typed["pamidronate_course"] > given):
        yield table.finding(
            line,
            "pamidronate_course",
            "course-beyond-total",
            f"pamidronate_course {table.cell(line, 'pamidronate_course')} is after the "
            f"{given[line]} courses {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')}",
        )


@RULES.rule(checks="findings", reads=["patients"])
def finding_timing_fits_study_drug(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """findings: a finding placed while or after the study drug was given belongs to a patient
    who received it (pamidronate_courses > 0), and one placed after it was stopped to a patient
    no longer receiving it (pamidronate_ongoing false in patients.csv)."""
    patients = tables["patients"]
    patient = table.typed["patient_id"]
    courses = patient.map(by_patient(patients, "pamidronate_courses"))
    ongoing = patient.map(by_patient(patients, "pamidronate_ongoing"))
    timing = table.typed["timing"]
    for line in where(timing.isin(["during", "after"]) & (courses == 0)):
        yield table.finding(
            line,
            "timing",
            "timing-without-study-drug",
            f"timing {table.cell(line, 'timing')!r}, but {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')} no course of the study drug",
        )
    for line in where((timing == "after") & (ongoing == True)):  # noqa: E712 (a pandas mask)
        yield table.finding(
            line,
            "timing",
            "after-ongoing-study-drug",
            f"timing 'after', but {patients.path} says patient "
            f"{table.cell(line, 'patient_id')} was still receiving the study drug",
        )


# --- background facts ---------------------------------------------------------------------------


@RULES.rule(checks="background_facts")
def value_upper_only_for_between(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """background_facts: value_upper is given exactly for 'between', and is not below value."""
    rows = table.typed
    between = rows["qualifier"] == "between"
    has_upper = rows["value_upper"].notna()
    for line in where(between & ~has_upper):
        yield table.finding(
            line, "value_upper", "between-bounds", "qualifier is 'between' but value_upper is empty"
        )
    for line in where(~between & has_upper & rows["qualifier"].notna()):
        yield table.finding(
            line,
            "value_upper",
            "between-bounds",
            f"value_upper {table.cell(line, 'value_upper')} is given but qualifier is "
            f"{table.cell(line, 'qualifier')!r}, not 'between'",
        )
    for line in where(rows["value_upper"] < rows["value"]):
        yield table.finding(
            line,
            "value_upper",
            "range-reversed",
            f"value_upper {table.cell(line, 'value_upper')} is below value "
            f"{table.cell(line, 'value')}",
        )


# --- bone density categories --------------------------------------------------------------------


@RULES.rule(checks="bmd_categories")
def bmd_categories_partition_z_scores(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """bmd_categories: the categories cover every z-score exactly once (no gap, no overlap).

    Sorted by lower bound, the first category has no lower bound, the last no upper bound, and
    each upper bound is the next lower bound with exactly one of the two inclusive.
    """
    rows = table.typed
    for line in rows.index:  # a bound needs its inclusive flag, and only a bound has one
        for bound in ("z_lower", "z_upper"):
            flag = f"{bound}_inclusive"
            if is_na(rows.at[line, bound]) != is_na(rows.at[line, flag]):
                yield table.finding(
                    line,
                    flag,
                    "bmd-partition",
                    f"{bound} {table.cell(line, bound) or '(empty)'} and {flag} "
                    f"{table.cell(line, flag) or '(empty)'} must be both given or both empty",
                )
    ordered = rows.sort_values("z_lower", na_position="first")
    if ordered.empty:
        return
    first, last = ordered.index[0], ordered.index[-1]
    if not is_na(ordered.at[first, "z_lower"]):
        yield table.finding(
            first,
            "z_lower",
            "bmd-partition",
            f"z-scores below {table.cell(first, 'z_lower')} belong to no category",
        )
    if not is_na(ordered.at[last, "z_upper"]):
        yield table.finding(
            last,
            "z_upper",
            "bmd-partition",
            f"z-scores above {table.cell(last, 'z_upper')} belong to no category",
        )
    for below, above in zip(ordered.index[:-1], ordered.index[1:], strict=True):
        yield from _boundary_findings(table, below, above)


def _boundary_findings(table: CheckedTable, below: int, above: int) -> Iterator[Finding]:
    """Where category `below` ends and the next one, `above`, starts."""
    rows = table.typed
    upper, lower = rows.at[below, "z_upper"], rows.at[above, "z_lower"]
    names = (
        f"{table.cell(below, 'category')} (line {below}) and {table.cell(above, 'category')} "
        f"(line {above})"
    )
    if is_na(lower):  # sorted with empty lower bounds first: two categories have none
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"{names} overlap: neither has a lower bound, which only the lowest category may lack",
        )
    elif is_na(upper) or upper > lower:
        end = "no upper bound" if is_na(upper) else f"z_upper {table.cell(below, 'z_upper')}"
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"{names} overlap: {end} is above z_lower {table.cell(above, 'z_lower')}",
        )
    elif upper < lower:
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"z-scores between {table.cell(below, 'z_upper')} and "
            f"{table.cell(above, 'z_lower')} belong to no category: a gap between {names}",
        )
    else:
        in_below = rows.at[below, "z_upper_inclusive"]
        in_above = rows.at[above, "z_lower_inclusive"]
        if is_na(in_below) or is_na(in_above) or in_below != in_above:
            return
        where_it_is = f"both {names}" if in_below else f"neither {names}"
        yield table.finding(
            above,
            "z_lower_inclusive",
            "bmd-partition",
            f"the z-score {table.cell(above, 'z_lower')} belongs to {where_it_is}: exactly one "
            "of z_upper_inclusive and the next z_lower_inclusive must be true",
        )


# --- words the article's sentences need ---------------------------------------------------------

# (column of patients.csv) -> the words of data/raw/datapackage.yaml's enumLabels that the
# report's sentences use for its value: "the calcinosis had cleared completely" (state),
# "Calcinosis cleared completely in 1 patient" (verb).
PATIENT_WORDS = {"calcinosis_outcome": ("state", "verb")}


@RULES.rule(checks="patients")
def outcome_has_its_words(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: the dictionary gives each recorded calcinosis_outcome the words the report's
    sentences use (enumLabels: state, verb)."""
    fields = {field["name"]: field for field in table.resource["schema"]["fields"]}
    for column, wanted in PATIENT_WORDS.items():
        labels = fields[column].get("enumLabels") or {}
        for line, value in table.typed[column].dropna().items():
            words = labels.get(value) if isinstance(labels.get(value), dict) else {}
            missing = [key for key in wanted if not str(words.get(key) or "").strip()]
            if missing:
                yield table.finding(
                    line,
                    column,
                    "words-missing",
                    f"{column} {table.cell(line, column)!r} has no {' or '.join(missing)} in "
                    "the data dictionary's enumLabels, which the report's sentences use",
                )
