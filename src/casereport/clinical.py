"""The clinical rules of the case series, each in one place: tables, figures, catalog and audit ask
here rather than work them out again.

- month arithmetic: a yearmonth as a month index (`month_index`), and back (`yearmonth_from_index`,
  `month_label`);
- patient order: patients by `patient_id` (`patient_ids`);
- Table I's treatments, and each patient's first (`first_treatment_rows`);
- the study drug: its name (publication.csv `study_drug`, read by casereport.words) and a patient's
  rows of it (`study_drug_rows`);
- the course schedule of a drug given in courses (`course_schedule`);
- the time points before and after the study drug (`timepoints`) and the analytes measured
  (`analytes_measured`).

Rows are dicts as casereport.dataset.rows gives them (missing cells None); pandas' NA is taken too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from casereport.dataset import Dataset, Table, enum_values, is_missing, rows
from casereport.formatting import month_year
from casereport.words import study_drug

__all__ = [
    "CourseSchedule",
    "analytes_measured",
    "course_schedule",
    "earliest_start_rows",
    "first_treatment_rows",
    "listed_in_table_i",
    "month_index",
    "month_label",
    "patient_ids",
    "scheduled_course_count",
    "study_drug",
    "study_drug_rows",
    "table_i_treatments",
    "timepoints",
    "yearmonth_from_index",
]


# --- month arithmetic --------------------------------------------------------------------------


def month_index(yearmonth: str) -> int:
    """Months since year 0, so that month arithmetic is integer arithmetic: '2002-06' -> 24029
    (an ISO date counts as its month)."""
    year, month = str(yearmonth).split("-")[:2]
    return int(year) * 12 + int(month) - 1


def yearmonth_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(index: int) -> str:
    """A month index as words: 24029 -> 'June 2002'."""
    return month_year(yearmonth_from_index(index))


# --- patients and the study drug ---------------------------------------------------------------


def patient_ids(dataset: Dataset) -> list[int]:
    """The patients in the order every output lists them: by patient_id."""
    return sorted(int(pid) for pid in dataset["patients"]["patient_id"])


def study_drug_rows(treatment_rows: Iterable[dict], drug: str) -> list[dict]:
    """The rows of the study drug (`study_drug(dataset)`), in the given order."""
    return [r for r in treatment_rows if r["drug"] == drug]


def untreated_patient_ids(dataset: Dataset) -> list[int]:
    """The patients who never received the study drug: no row of it in treatments.csv. They have
    no first course, so the data's two timepoints (pre, post) are tied to no course for them. (A
    project that records courses elsewhere too checks that they agree: this article's rule
    study_drug_courses_have_a_row.)"""
    treatments = dataset["treatments"]
    # On the column, not row by row: captions ask this several times (0.18 s a call by rows at
    # 10,000 patients).
    given = treatments["drug"] == study_drug(dataset)
    with_rows = {int(pid) for pid in treatments.loc[given.fillna(False), "patient_id"]}
    return [pid for pid in patient_ids(dataset) if pid not in with_rows]


# --- Table I's treatments ------------------------------------------------------------------------


def listed_in_table_i(treatment_rows: Iterable[dict]) -> list[dict]:
    """The treatment rows Table I lists, in treatment_id order (the order Table I prints them)."""
    return sorted(
        (r for r in treatment_rows if r["listed_in_table_i"]), key=lambda r: r["treatment_id"]
    )


def table_i_treatments(dataset: Dataset) -> list[dict]:
    """Treatment rows Table I lists, in treatment_id order (the order Table I prints them)."""
    return listed_in_table_i(rows(dataset["treatments"]))


def earliest_start_rows(listed: Iterable[dict]) -> dict[int, dict]:
    """Patient -> the row with the earliest start month (first in the given order among equals)."""
    first: dict[int, dict] = {}
    for row in listed:
        if row["start_month"] is None:
            continue
        pid = int(row["patient_id"])
        if pid not in first or row["start_month"] < first[pid]["start_month"]:
            first[pid] = row
    return first


def first_treatment_rows(dataset: Dataset) -> dict[int, dict]:
    """Patient -> the Table I treatment row with the earliest start month (first in Table I order
    among equals): the first treatment, which the figures take as a stand-in for the month of
    diagnosis."""
    return earliest_start_rows(table_i_treatments(dataset))


# --- the course schedule -----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseSchedule:
    """The months (month indices) of the courses of one exposure the dates place.

    `first`: a course in start_month, then one every interval_months up to and including
    end_month. `later`: where the schedule was changed rather than stopped (later_interval_months),
    one course every later_interval_months after the last of `first`.
    `end_known` is False when the drug stopped in a month the data do not give (ongoing false and
    end_month empty, or a later schedule that is no longer given): more courses than these may have
    been given, so their number is a floor, not a count.
    """

    first: tuple[int, ...]
    later: tuple[int, ...]
    end_known: bool

    @property
    def months(self) -> list[int]:
        return [*self.first, *self.later]


def course_schedule(row: dict, until: int) -> CourseSchedule:
    """The courses of one treatments.csv row up to `until` (the time of writing, a month index).

    The rule (data/claims.md, "Counting courses"; curation log 9, 10 and 22a): an exposure still
    given (ongoing) with no end_month runs to the time of writing. One that is not ongoing and has
    no end_month stopped in a month Table I does not give: only the course of its start month is
    known, never courses up to the time of writing, which would count courses given after the drug
    stopped. Likewise a later schedule counts up to the time of writing only while the drug is
    still given.
    """
    if is_missing(row["start_month"]) or is_missing(row["interval_months"]):
        return CourseSchedule((), (), end_known=False)
    ongoing = not is_missing(row["ongoing"]) and bool(row["ongoing"])
    start = month_index(row["start_month"])
    end_known = True
    if not is_missing(row["end_month"]):
        end = month_index(row["end_month"])
    elif ongoing:
        end = until
    else:
        end, end_known = start, False
    first = tuple(range(start, end + 1, int(row["interval_months"])))
    later: tuple[int, ...] = ()
    if not is_missing(row["later_interval_months"]) and first:
        if ongoing:
            step = int(row["later_interval_months"])
            later = tuple(range(first[-1] + step, until + 1, step))
        else:
            end_known = False
    return CourseSchedule(first, later, end_known)


def scheduled_course_count(start_month: str, end_month: str, interval_months: int) -> int:
    """Courses given every `interval_months` from the start month up to the end month, both
    included: June 2005 to August 2007 every 3 months -> 9."""
    return (month_index(end_month) - month_index(start_month)) // interval_months + 1


# --- before and after the study drug -----------------------------------------------------------


def timepoints(table: Table) -> tuple[str, str]:
    """(before, after): the first and last values of the table's `timepoint` enum (labs.csv,
    bone_density.csv)."""
    values = enum_values(table, "timepoint")
    return values[0], values[-1]


# --- laboratory --------------------------------------------------------------------------------


def analytes_measured(dataset: Dataset) -> list[dict]:
    """Analytes with at least one lab value, in analytes.csv order (the paper's order)."""
    measured = set(dataset["labs"]["analyte"].unique())  # not cell by cell: 100,000 rows at 10k
    return [a for a in rows(dataset["analytes"]) if a["analyte"] in measured]
