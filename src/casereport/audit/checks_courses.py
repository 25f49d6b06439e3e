"""Checks of the study drug's courses: their count from Table I's schedule
(casereport.clinical.course_schedule) and the schedule against the Methods' protocol."""

from __future__ import annotations

import math
from dataclasses import replace

from casereport.audit.index import (
    IndexedDataset,
    Row,
    cell,
    drug_rows,
    drug_words,
    file_name,
    writing_month,
)
from casereport.audit.registry import (
    CONSISTENT,
    DISCREPANT,
    POSSIBLY_DISCREPANT,
    Claim,
    Finding,
    NotCheckable,
    check,
)
from casereport.audit.wording import (
    counted,
    format_number,
    join_words,
    numeric_finding,
    recorded,
    unique,
)
from casereport.clinical import course_schedule, month_index, month_label, patient_ids
from casereport.dataset import is_missing as missing


def every(months: int) -> str:
    return "every month" if months == 1 else f"every {months} months"


def _schedule_words(row: Row, first: list[int], later: list[int], until: int) -> str:
    """'every 3 months from June 2005 to August 2007 (9, the last in June 2007)', and so on."""
    start = month_label(month_index(row["start_month"]))
    if missing(row["end_month"]):
        end = f"the time of writing ({month_label(until)}, manuscript received)"
    else:
        end = month_label(month_index(row["end_month"]))
    last = f", the last in {month_label(first[-1])}" if first else ""
    words = f"{every(int(row['interval_months']))} from {start} to {end} ({len(first)}{last})"
    if not missing(row["later_interval_months"]):
        when = f": {join_words(month_label(m) for m in later)}" if later else ""
        words += (
            f", then {every(int(row['later_interval_months']))} up to the time of writing "
            f"({month_label(until)}, manuscript received; {len(later)} more{when})"
        )
    return words


# The treatments.csv columns a course schedule is read from (casereport.clinical.course_schedule).
SCHEDULE_COLUMNS = (
    "start_month",
    "end_month",
    "interval_months",
    "later_interval_months",
    "ongoing",
)


@check("course_count", patient="required", expected=True, arguments=("drug",))
def course_count(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Courses of a drug given in courses, counted from Table I's schedule and dates."""
    drug = claim.arguments["drug"]
    rows = drug_rows(dataset, claim.patient_id, drug)
    until, writing_cell = writing_month(dataset)
    schedules, months, cells = [], [], []
    for row in rows:
        blank = [c for c in ("start_month", "interval_months") if missing(row[c])]
        if blank:
            raise NotCheckable(
                f"{drug_words(drug)} of patient {claim.patient_id} has no {' or '.join(blank)}",
                tuple(cell(dataset, "treatments", row, c) for c in blank),
            )
        schedule = course_schedule(row, until)
        if not schedule.end_known:
            raise NotCheckable(
                f"{drug_words(drug)} of patient {claim.patient_id} was stopped (ongoing false) in "
                "a month Table I does not give (no end_month, or no end of its later schedule), "
                "so its dates do not count its courses",
                tuple(cell(dataset, "treatments", row, c) for c in SCHEDULE_COLUMNS),
            )
        first, later = list(schedule.first), list(schedule.later)
        schedules.append(_schedule_words(row, first, later, until))
        months += first + later
        cells += [cell(dataset, "treatments", row, c) for c in SCHEDULE_COLUMNS[:-1]]
        if missing(row["end_month"]) or not missing(row["later_interval_months"]):
            cells.append(writing_cell)
    months.sort()
    how = f"counting the start month as course 1, {drug_words(drug)} {'; '.join(schedules)}"
    wanted = int(claim.expected)
    if wanted < 1:
        note = ""
    elif wanted <= len(months):
        note = f"Course {wanted} fell in {month_label(months[wanted - 1])}."
    else:
        step = int(rows[-1]["interval_months"])
        last = months[-1] if months else month_index(rows[0]["start_month"]) - step
        would_be = month_label(last + step * (wanted - len(months)))
        note = f"Course {wanted} would have fallen in {would_be}."
    derivation = (
        f"{drug} courses: one in the start month, then one every interval_months up to and "
        "including end_month, then every later_interval_months up to the manuscript's receipt"
    )
    finding = numeric_finding(claim, float(len(months)), how, cells, derivation, note)
    possible = courses_fit_to_the_month(rows, wanted) if finding.status == DISCREPANT else ""
    if possible:  # the arithmetic replaces the month course N would have fallen in
        finding = numeric_finding(claim, float(len(months)), how, cells, derivation, possible)
        return replace(finding, status=POSSIBLY_DISCREPANT)
    return finding


def courses_fit_to_the_month(rows: list[Row], wanted: int) -> str:
    """Why more courses than the schedule gives may still fit its dates, or "" if they cannot.

    Table I dates a schedule to the month. N courses from the start month to the end month need
    N - 1 intervals in that many months; if their average still rounds to the stated interval
    (2.9 months for "every 3 months"), courses given a few days early would fit, and the
    discrepancy is only possible. Said of one closed schedule (a start, an end, no later one).
    """
    if len(rows) != 1 or wanted < 2:
        return ""
    row = rows[0]
    if missing(row["end_month"]) or not missing(row["later_interval_months"]):
        return ""
    start, end = month_index(row["start_month"]), month_index(row["end_month"])
    interval = int(row["interval_months"])
    span, gaps = end - start, wanted - 1
    average = span / gaps
    if span <= 0 or average < interval - 0.5 or average >= interval:
        return ""
    return (
        f"Dates are known only to the month: {month_label(start)} to {month_label(end)} is "
        f"{counted(span, 'month')}; {wanted} courses need {gaps} intervals of "
        f"{span}/{gaps} = {format_number(average)} months on average, which rounds to the stated "
        f"{counted(interval, 'month')}, so {wanted} courses are possible if some came a few days "
        "early."
    )


@check("protocol_schedule", arguments=("drug",))
def protocol_schedule(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Every patient's Table I schedule of the drug is the Methods' protocol (protocol.csv)."""
    drug = claim.arguments["drug"]
    protocol = dataset["protocol"].set_index("parameter", drop=False)
    parameters = {  # Table I column -> the protocol parameter it must equal
        "dose": f"{drug}_dose",
        "course_days": f"{drug}_course_days",
        "interval_months": f"{drug}_interval",
    }
    absent = [p for p in parameters.values() if p not in protocol.index]
    if absent:
        raise NotCheckable(f"{file_name(dataset, 'protocol')} has no {join_words(absent)}")
    cells = [cell(dataset, "protocol", protocol.loc[p], "value") for p in parameters.values()]
    # Table I column -> the protocol's value, read once rather than once per patient.
    protocol_values = {column: protocol.loc[p, "value"] for column, p in parameters.items()}
    agreeing, disagreeing = [], []
    for patient_id in patient_ids(dataset):
        try:
            rows = drug_rows(dataset, patient_id, drug)
        except NotCheckable:
            continue  # a patient never given the drug has no schedule to compare
        for row in rows:
            cells += [cell(dataset, "treatments", row, c) for c in parameters]
            wrong = [
                f"{column} {'empty' if missing(row[column]) else recorded(row[column])} "
                f"(Methods: {recorded(value)})"
                for column, value in protocol_values.items()
                if missing(row[column]) or not math.isclose(float(row[column]), float(value))
            ]
            if wrong:
                disagreeing.append(f"patient {patient_id}: {', '.join(wrong)}")
            else:
                agreeing.append(patient_id)
    total = len(agreeing) + len(disagreeing)
    if not total:
        raise NotCheckable(f"no patient has {drug} in {file_name(dataset, 'treatments')}")
    rebuilt = f"{len(agreeing)} of {counted(total, 'patient')} follow it"
    if disagreeing:
        explanation = (
            f"The Methods give {claim.published}; Table I differs for {'; '.join(disagreeing)}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = (
        f"Table I's {drug} dose, days per course and interval are the Methods' protocol "
        f"for {'all ' if total > 1 else ''}{counted(total, 'patient')} given {drug}."
    )
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))
