"""The cross-field rules (casereport/validation/rules.py): one broken cell each.

Each case edits one cell of a copy of data/raw, chosen and computed from the data, and returns
the finding it expects as (file, line, column, value, rule); the test checks it is the only one.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from support.validation import (
    ARTICLE_RULES,
    DATAPACKAGE,
    copy_raw_data,
    findings_of,
    first_row,
    key,
    month_after,
    month_before,
    only_finding,
    raw_file,
    read_table,
    set_cell,
)

from casereport.formatting import field_decimals
from casereport.validation.registry import load_extension
from casereport.validation.rules import RULES, places_written


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def edit(table: str, line: int, column: str, value: str, rule: str, reported: str | None = None):
    """Set a cell; expect `rule` on that line, in `reported` (default: the edited column)."""
    set_cell(table, line, column, value)
    reported = reported or column
    shown = (
        value if reported == column else first_row(table, lambda r: r["_line"] == line)[reported]
    )
    return (raw_file(table), line, reported, shown, rule)


def publication() -> dict[str, str]:
    return first_row("publication")


def end_before_start():
    row = first_row("treatments", lambda r: r["start_month"] and r["end_month"])
    return edit(
        "treatments",
        row["_line"],
        "end_month",
        month_before(row["start_month"]),
        "end-before-start",
    )


def start_before_study_period():
    row = first_row("treatments", lambda r: r["start_month"])
    early = month_before(publication()["study_period_start"])
    return edit("treatments", row["_line"], "start_month", early, "outside-study-period")


def end_after_study_period():
    row = first_row("treatments", lambda r: r["end_month"])
    late = month_after(publication()["study_period_end"])
    return edit("treatments", row["_line"], "end_month", late, "outside-study-period")


def end_after_time_of_writing():
    row = first_row("treatments", lambda r: r["end_month"])
    late = month_after(publication()["time_of_writing"])
    return edit("treatments", row["_line"], "end_month", late, "after-time-of-writing")


def lab_value_missing_without_reason():
    row = first_row("labs")
    return edit("labs", row["_line"], "value", "", "missing-without-reason")


def reason_given_for_a_recorded_value():
    row = first_row("bone_density")
    return edit(
        "bone_density", row["_line"], "missing_reason", "not measured", "reason-for-a-value"
    )


def disease_duration_not_age_difference():
    row = first_row("patients")
    wrong = str(int(row["disease_duration_years"]) + 1)
    return edit("patients", row["_line"], "disease_duration_years", wrong, "disease-duration")


def onset_min_above_max():
    row = first_row("patients")
    above = str(int(row["calcinosis_onset_max_years"]) + 1)
    return edit(
        "patients",
        row["_line"],
        "calcinosis_onset_min_years",
        above,
        "range-reversed",
        reported="calcinosis_onset_max_years",
    )


def follow_up_while_ongoing():
    row = first_row("patients", lambda r: r["pamidronate_ongoing"] == "true")
    return edit(
        "patients",
        row["_line"],
        "follow_up_after_pamidronate_years",
        "1",
        "follow-up-while-ongoing",
    )


def dose_upper_below_dose():
    row = first_row("treatments", lambda r: r["dose_upper"] and float(r["dose"]) > 0)
    return edit("treatments", row["_line"], "dose_upper", "0", "range-reversed")


def dose_without_unit():
    row = first_row("treatments", lambda r: r["dose"] and r["dose_unit"])
    return edit("treatments", row["_line"], "dose_unit", "", "dose-unit")


def later_interval_without_end():
    row = first_row("treatments", lambda r: r["later_interval_months"])
    return edit(
        "treatments",
        row["_line"],
        "end_month",
        "",
        "later-interval-without-end",
        reported="later_interval_months",
    )


def ongoing_after_end():
    row = first_row("treatments", lambda r: r["ongoing"] == "true" and r["later_interval_months"])
    return edit(
        "treatments",
        row["_line"],
        "later_interval_months",
        "",
        "ongoing-after-end",
        reported="ongoing",
    )


def pamidronate_stopped_for_an_ongoing_patient():
    patient = first_row("patients", lambda r: r["pamidronate_ongoing"] == "true")["patient_id"]
    rows = [r for r in read_table("treatments")[1] if r["patient_id"] == patient]
    row = [r for r in rows if r["drug"] == "pamidronate"][-1]
    return edit("treatments", row["_line"], "ongoing", "false", "pamidronate-ongoing")


def lab_in_another_unit():
    row = first_row("labs")
    other = next(r["unit"] for r in read_table("analytes")[1] if r["unit"] != row["unit"])
    return edit("labs", row["_line"], "unit", other, "unit-mismatch")


def lab_in_an_unknown_unit():
    return edit("labs", first_row("labs")["_line"], "unit", "furlongs/fortnight", "unit-mismatch")


def adverse_event_after_the_last_course():
    event = first_row("adverse_events")
    patient = first_row("patients", lambda r: r["patient_id"] == event["patient_id"])
    later = str(int(patient["pamidronate_courses"]) + 1)
    return edit(
        "adverse_events", event["_line"], "pamidronate_course", later, "course-beyond-total"
    )


def finding_after_a_study_drug_still_given():
    patient = first_row("patients", lambda r: r["pamidronate_ongoing"] == "true")
    finding = first_row("findings", lambda r: r["patient_id"] == patient["patient_id"])
    return edit("findings", finding["_line"], "timing", "after", "after-ongoing-study-drug")


@pytest.fixture(params=["bmd_categories", "protocol", "background_facts"])
def table_citing_references(request):
    return request.param


def unknown_reference(table: str):
    row = first_row(table, lambda r: r["reference_numbers"])
    unknown = max(int(r["reference_number"]) for r in read_table("references")[1]) + 1
    cited = f"{row['reference_numbers']};{unknown}"
    return edit(table, row["_line"], "reference_numbers", cited, "unknown-reference")


def duplicate_of_itself():
    row = first_row("references", lambda r: r["duplicate_of"])
    return edit(
        "references", row["_line"], "duplicate_of", row["reference_number"], "duplicate-not-earlier"
    )


def between_without_upper():
    row = first_row("background_facts", lambda r: r["qualifier"] == "between")
    return edit("background_facts", row["_line"], "value_upper", "", "between-bounds")


def upper_without_between():
    row = first_row("background_facts", lambda r: r["qualifier"] != "between")
    return edit("background_facts", row["_line"], "value_upper", "1000", "between-bounds")


def upper_below_value():
    row = first_row("background_facts", lambda r: r["value_upper"])
    return edit("background_facts", row["_line"], "value_upper", "0", "range-reversed")


def bmd_categories_overlap():
    rows = read_table("bmd_categories")[1]
    row = next(r for r in rows if r["z_lower_inclusive"] == "false")
    return edit("bmd_categories", row["_line"], "z_lower_inclusive", "true", "bmd-partition")


def bmd_categories_gap():
    row = next(r for r in read_table("bmd_categories")[1] if r["z_lower"] and r["z_upper"])
    higher = str(float(row["z_lower"]) + 0.5)  # a category starting half a unit later
    return edit("bmd_categories", row["_line"], "z_lower", higher, "bmd-partition")


def bmd_two_categories_without_lower_bound():
    row = next(r for r in read_table("bmd_categories")[1] if r["z_lower"] and r["z_upper"])
    set_cell("bmd_categories", row["_line"], "z_lower_inclusive", "")
    return edit("bmd_categories", row["_line"], "z_lower", "", "bmd-partition")


def accepted_before_received():
    row = publication()
    day_before = (date.fromisoformat(row["received"]) - timedelta(days=1)).isoformat()
    return edit("publication", row["_line"], "accepted", day_before, "end-before-start")


def study_period_reversed():
    row = publication()
    before = month_before(row["study_period_start"])
    return edit("publication", row["_line"], "study_period_end", before, "end-before-start")


def bone_density_finer_than_its_decimals():
    """A BMD with one more decimal place than the dictionary's decimals for bmd_g_cm2."""
    row = first_row("bone_density", lambda r: r["bmd_g_cm2"])
    places = field_decimals(dictionary_field("bone_density", "bmd_g_cm2"))
    finer = f"{float(row['bmd_g_cm2']):.{places}f}" + "1"
    return edit("bone_density", row["_line"], "bmd_g_cm2", finer, "too-many-decimals")


CASES = [
    end_before_start,
    start_before_study_period,
    end_after_study_period,
    end_after_time_of_writing,
    lab_value_missing_without_reason,
    reason_given_for_a_recorded_value,
    disease_duration_not_age_difference,
    onset_min_above_max,
    follow_up_while_ongoing,
    dose_upper_below_dose,
    dose_without_unit,
    later_interval_without_end,
    ongoing_after_end,
    pamidronate_stopped_for_an_ongoing_patient,
    lab_in_another_unit,
    lab_in_an_unknown_unit,
    adverse_event_after_the_last_course,
    finding_after_a_study_drug_still_given,
    duplicate_of_itself,
    between_without_upper,
    upper_without_between,
    upper_below_value,
    bmd_categories_overlap,
    bmd_categories_gap,
    bmd_two_categories_without_lower_bound,
    accepted_before_received,
    study_period_reversed,
    bone_density_finer_than_its_decimals,
]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_rule_reports_the_broken_row(project, case):
    expected = case()
    assert [key(f) for f in findings_of()] == [expected]


@pytest.mark.slow
def test_unknown_references_are_reported_in_every_table_citing_them(
    project, table_citing_references
):
    expected = unknown_reference(table_citing_references)
    assert [key(f) for f in findings_of()] == [expected]


@pytest.mark.slow
def test_a_second_publication_row_is_reported(project):
    with open(raw_file("publication"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    with open(raw_file("publication"), "w", encoding="utf-8") as handle:
        handle.write("\n".join([*lines, lines[1]]) + "\n")
    assert [key(f) for f in findings_of()] == [
        (raw_file("publication"), 3, None, None, "row-count")
    ]


def test_messages_show_the_values_involved(project):
    row = first_row("treatments", lambda r: r["start_month"] and r["end_month"])
    end_before_start()
    (finding,) = findings_of("treatments")
    early = month_before(row["start_month"])
    assert finding.message == f"end_month {early} is before start_month {row['start_month']}"


def test_every_rule_has_a_docstring_and_a_test():
    general_rules = {  # in the package: any case report's data
        "end_not_before_start",
        "dose_upper_not_below_dose",
        "dose_has_unit",
        "dates_inside_study_period",
        "treatments_not_after_time_of_writing",
        "missing_value_has_a_reason",
        "publication_has_one_row",
        "publication_dates_in_order",
        "reference_numbers_exist",
        "duplicate_is_an_earlier_reference",
        "value_within_its_decimals",
    }
    article_rules = {  # in workflow/article/validation_rules.py: this article's data only
        "later_interval_needs_end_month",
        "ongoing_exposure_has_not_ended",
        "pamidronate_ongoing_agrees",
        "disease_duration_is_age_difference",
        "calcinosis_onset_min_not_above_max",
        "follow_up_only_after_stopping",
        "lab_unit_is_analyte_unit",
        "adverse_event_course_was_given",
        "finding_timing_fits_study_drug",
        "study_drug_courses_have_a_row",
        "value_upper_only_for_between",
        "bmd_categories_partition_z_scores",
        "outcome_has_its_words",
    }
    extension = load_extension(ARTICLE_RULES)
    assert {rule.name for rule in RULES} == general_rules
    assert {rule.name for rule in extension} == article_rules
    assert all(rule.summary for rule in (*RULES, *extension))


def test_courses_of_the_study_drug_need_its_row_and_its_row_needs_courses(project):
    # The package tells who received the study drug from treatments.csv alone; this article also
    # records courses in patients.csv, and the two must agree (casereport.clinical).
    drug = first_row("publication")["study_drug"]
    treated = first_row("treatments", lambda r: r["drug"] == drug)
    patient = first_row("patients", lambda r: r["patient_id"] == treated["patient_id"])
    expected = edit(
        "patients", patient["_line"], "pamidronate_courses", "0", "study-drug-row-without-courses"
    )
    assert [key(f) for f in findings_of("patients")] == [expected]

    set_cell("patients", patient["_line"], "pamidronate_courses", patient["pamidronate_courses"])
    for row in read_table("treatments")[1]:
        if row["drug"] == drug and row["patient_id"] == patient["patient_id"]:
            set_cell("treatments", row["_line"], "drug", "prednisone")
    (finding,) = findings_of("patients")
    assert (finding.line, finding.column, finding.rule) == (
        patient["_line"],
        "pamidronate_courses",
        "courses-without-study-drug-row",
    )


def test_a_finding_during_a_study_drug_never_given_is_reported(project):
    # Other files' rules would object to a patient without courses who has adverse events or
    # pamidronate rows: only the findings are checked here.
    finding = first_row("findings")
    patient = first_row("patients", lambda r: r["patient_id"] == finding["patient_id"])
    set_cell("patients", patient["_line"], "pamidronate_courses", "0")
    edited = edit("findings", finding["_line"], "timing", "during", "timing-without-study-drug")
    rows = read_table("findings")[1]
    others = [
        (raw_file("findings"), r["_line"], "timing", r["timing"], "timing-without-study-drug")
        for r in rows
        if r["patient_id"] == patient["patient_id"]
        and r["timing"] in ("during", "after")
        and r["_line"] != finding["_line"]
    ]
    assert sorted(key(f) for f in findings_of("findings")) == sorted([edited, *others])


@pytest.mark.slow
def test_a_missing_value_with_its_reason_is_valid(project):
    """An empty lab value is data when missing_reason says why (issue 9, item 1)."""
    row = first_row("labs")
    set_cell("labs", row["_line"], "value", "")
    set_cell("labs", row["_line"], "missing_reason", "not measured")
    assert findings_of() == []


# --- decimals -----------------------------------------------------------------------------------


def dictionary_field(table: str, name: str) -> dict:
    package = yaml.safe_load(Path(DATAPACKAGE).read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table)
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


@pytest.mark.parametrize(
    "cell, places",
    [("12", 0), ("0.475", 3), ("0.680", 2), ("-0.97", 2), ("1.5e-3", 4), ("1e2", 0), ("2.", 0)],
)
def test_decimal_places_are_counted_as_the_value_has_them(cell, places):
    assert places_written(cell) == places


def test_a_value_finer_than_its_decimals_is_one_finding(project):
    """A rise of 0.4 in a marker shown with 0 decimals would read 'rose: 0': the recorded value
    may not be finer than the places its changes are shown with (issue 13)."""
    expected = bone_density_finer_than_its_decimals()
    (finding,) = findings_of("bone_density")
    assert key(finding) == expected
    places = field_decimals(dictionary_field("bone_density", "bmd_g_cm2"))
    assert finding.message.startswith(
        f"bmd_g_cm2 {expected[3]} has {places + 1} decimal places; the dictionary's decimals "
        f"for bmd_g_cm2 is {places}"
    )
    assert "\n" not in str(finding)


def test_trailing_zeros_and_whole_lab_values_are_not_finer(project):
    row = first_row("bone_density", lambda r: r["bmd_g_cm2"])
    places = field_decimals(dictionary_field("bone_density", "bmd_g_cm2"))
    set_cell("bone_density", row["_line"], "bmd_g_cm2", row["bmd_g_cm2"] + "0" * (places + 1))
    lab = first_row("labs", lambda r: r["value"])
    set_cell("labs", lab["_line"], "value", f"{lab['value']}.0")
    assert findings_of("bone_density", "labs") == []


def test_a_lab_value_with_a_decimal_its_field_does_not_allow_is_reported(project):
    lab = first_row("labs", lambda r: r["value"])
    assert field_decimals(dictionary_field("labs", "value")) == 0
    edited = edit("labs", lab["_line"], "value", f"{lab['value']}.5", "too-many-decimals")
    assert [key(f) for f in findings_of("labs")] == [edited]


def test_decimals_that_are_not_a_whole_number_are_a_dictionary_error(project):
    path = Path(DATAPACKAGE)
    package = yaml.safe_load(path.read_text(encoding="utf-8"))
    labs = next(r for r in package["resources"] if r["name"] == "labs")
    value = next(f for f in labs["schema"]["fields"] if f["name"] == "value")
    value["decimals"] = "two"
    path.write_text(yaml.safe_dump(package, sort_keys=False), encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (DATAPACKAGE, None, None, None, "datapackage")
    assert "decimals='two' must be a whole number >= 0" in finding.message


def test_a_value_written_with_an_exponent_is_read_exactly(project):
    row = first_row("bone_density", lambda r: r["bmd_g_cm2"])
    places = field_decimals(dictionary_field("bone_density", "bmd_g_cm2"))
    digits = f"{float(row['bmd_g_cm2']):.{places}f}".replace(".", "").lstrip("0")
    within = f"{digits}e-{places}"  # 475e-3: the same value, as many places
    set_cell("bone_density", row["_line"], "bmd_g_cm2", within)
    assert findings_of("bone_density") == []
    finer = f"{digits}1e-{places + 1}"  # 4751e-4
    edited = edit("bone_density", row["_line"], "bmd_g_cm2", finer, "too-many-decimals")
    assert [key(f) for f in findings_of("bone_density")] == [edited]
