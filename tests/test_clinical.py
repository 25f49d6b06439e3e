"""casereport.clinical: the clinical rules every stage asks (pure functions, no build)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from casereport import audit, clinical
from casereport.clinical import course_schedule, month_index, month_label
from casereport.dataset import SOURCE_LINE, Dataset, Table
from casereport_project import bmd


def schedule_row(**cells) -> dict:
    """A treatments.csv row of a drug given in courses, as casereport.dataset.rows gives it."""
    row = {
        "start_month": "2000-01",
        "end_month": None,
        "interval_months": 3,
        "later_interval_months": None,
        "ongoing": False,
    }
    return {**row, **cells}


def labels(months) -> list[str]:
    return [month_label(m) for m in months]


UNTIL = month_index("2001-07")  # the time of writing


# --- month arithmetic ---------------------------------------------------------------------------


def test_month_index_counts_months_and_reads_an_iso_date_as_its_month():
    assert month_index("2005-09") - month_index("2005-06") == 3
    assert month_index("2006-01") - month_index("2005-12") == 1
    assert month_index("2009-03-06") == month_index("2009-03")


def test_month_label_and_yearmonth_invert_month_index():
    for text in ("2002-06", "2000-01", "1999-12"):
        assert clinical.yearmonth_from_index(month_index(text)) == text
    assert month_label(month_index("2002-06")) == "June 2002"
    assert month_label(month_index("1999-12")) == "December 1999"


# --- the course schedule ------------------------------------------------------------------------


def test_a_closed_schedule_counts_start_and_end_month_both():
    row = schedule_row(start_month="2005-06", end_month="2007-08")
    schedule = course_schedule(row, UNTIL)
    assert labels(schedule.first)[:2] == ["June 2005", "September 2005"]
    assert labels(schedule.first)[-1] == "June 2007"
    assert len(schedule.months) == 9 == clinical.scheduled_course_count("2005-06", "2007-08", 3)
    assert schedule.later == () and schedule.end_known


def test_a_later_schedule_goes_on_to_the_time_of_writing_while_the_drug_is_given():
    row = schedule_row(end_month="2000-07", later_interval_months=6, ongoing=True)
    schedule = course_schedule(row, UNTIL)
    assert labels(schedule.first) == ["January 2000", "April 2000", "July 2000"]
    assert labels(schedule.later) == ["January 2001", "July 2001"]
    assert schedule.end_known


def test_an_ongoing_exposure_without_an_end_runs_to_the_time_of_writing():
    schedule = course_schedule(schedule_row(ongoing=True), UNTIL)
    assert labels(schedule.first)[-1] == "July 2001"
    assert len(schedule.months) == 7 and schedule.end_known


def test_a_stopped_exposure_without_an_end_month_places_only_its_first_course():
    """The settled disagreement: the drug stopped in a month Table I does not give. Counting up
    to the time of writing would count courses given after it stopped; only the course of the
    start month is known, and the count is marked as a floor."""
    for ongoing in (False, pd.NA, None):
        schedule = course_schedule(schedule_row(ongoing=ongoing), UNTIL)
        assert labels(schedule.months) == ["January 2000"]
        assert not schedule.end_known


def test_a_later_schedule_no_longer_given_adds_no_course_and_leaves_the_end_unknown():
    row = schedule_row(end_month="2000-07", later_interval_months=6, ongoing=False)
    schedule = course_schedule(row, UNTIL)
    assert labels(schedule.months) == ["January 2000", "April 2000", "July 2000"]
    assert not schedule.end_known


def test_a_schedule_without_start_or_interval_places_no_course():
    assert course_schedule(schedule_row(start_month=None, ongoing=True), UNTIL).months == []
    assert course_schedule(schedule_row(interval_months=pd.NA, ongoing=True), UNTIL).months == []


# --- bone density -------------------------------------------------------------------------------


CATEGORIES = [
    {"category": "low", "z_lower": None, "z_lower_inclusive": None, "z_upper": -2.0,
     "z_upper_inclusive": True},
    {"category": "middle", "z_lower": -2.0, "z_lower_inclusive": False, "z_upper": -1.0,
     "z_upper_inclusive": True},
    {"category": "high", "z_lower": -1.0, "z_lower_inclusive": False, "z_upper": None,
     "z_upper_inclusive": None},
]  # fmt: skip


@pytest.mark.parametrize(
    ("z", "category"),
    [(-2, "low"), (-2.5, "low"), (-1.99, "middle"), (-1, "middle"), (Decimal("-0.9"), "high")],
)
def test_bmd_category_honours_inclusive_bounds_and_open_ends(z, category):
    assert bmd.bmd_category(z, CATEGORIES) == category
    assert bmd.bmd_category(z, pd.DataFrame(CATEGORIES)) == category


def test_a_z_score_no_category_holds_is_an_error():
    with pytest.raises(ValueError, match="no category"):
        bmd.bmd_category(0, CATEGORIES[:2])


# --- patients and analytes ----------------------------------------------------------------------


def dataset_of(**frames: pd.DataFrame) -> Dataset:
    return Dataset({n: Table(n, f"raw/{n}.csv", f, {}) for n, f in frames.items()})


def test_patients_are_ordered_by_id_whatever_the_file_order():
    data = dataset_of(patients=pd.DataFrame({"patient_id": pd.array([3, 1, 2], dtype="Int64")}))
    assert clinical.patient_ids(data) == [1, 2, 3]


def test_analytes_measured_keep_the_dictionary_order_and_leave_out_the_unmeasured():
    data = dataset_of(
        analytes=pd.DataFrame({"analyte": ["ck", "ldh", "ast"]}),
        labs=pd.DataFrame({"analyte": ["ast", "ck", "ast"]}),
    )
    assert [a["analyte"] for a in clinical.analytes_measured(data)] == ["ck", "ast"]


def test_study_drug_rows_are_the_rows_of_that_drug_in_order():
    treatments = [{"drug": "a", "n": 1}, {"drug": "b", "n": 2}, {"drug": "a", "n": 3}]
    assert [r["n"] for r in clinical.study_drug_rows(treatments, "a")] == [1, 3]


# --- the audit counts courses by the same rule --------------------------------------------------


def course_claim(expected: int) -> audit.Claim:
    return audit.Claim(
        claim_id="courses",
        statement="after N courses",
        location="Results",
        published=f"{expected} courses",
        check="course_count",
        patient_id=1,
        expected=float(expected),
        unit="courses",
        match="exact",
        arguments={"drug": "pamidronate"},
        where="claims.csv:2",
    )


def audited_courses(expected: int, **cells) -> audit.Finding:
    """course_count on one patient with one pamidronate row (`cells` change it)."""
    treatment = {"patient_id": 1, "drug": "pamidronate", "route": "intravenous"}
    treatment |= schedule_row(**cells)
    frames = {
        "patients": pd.DataFrame({"patient_id": [1]}),
        "treatments": pd.DataFrame([treatment]),
        "bone_density": pd.DataFrame({"patient_id": pd.array([], dtype="Int64")}),
        "publication": pd.DataFrame({"time_of_writing": ["2001-07"]}),
    }
    for frame in frames.values():
        frame[SOURCE_LINE] = range(2, len(frame) + 2)
    return audit.audit_claim(dataset_of(**frames), course_claim(expected))


def test_the_audit_counts_the_courses_of_the_schedule_the_figure_draws():
    ongoing = audited_courses(7, ongoing=True)  # January 2000 to July 2001, every 3 months
    assert ongoing.status == audit.CONSISTENT and ongoing.value == 7
    closed = audited_courses(3, end_month="2000-07")
    assert closed.status == audit.CONSISTENT and closed.value == 3


def test_the_audit_cannot_count_the_courses_of_a_drug_stopped_in_an_unknown_month():
    """Formerly counted up to the time of writing (7 here): courses after the drug stopped."""
    for cells in ({}, {"end_month": "2000-07", "later_interval_months": 6}):
        finding = audited_courses(7, **cells)
        assert finding.status == audit.NOT_CHECKABLE, cells
        assert "does not give" in finding.explanation
        assert "raw/treatments.csv:2:ongoing" in finding.sources
