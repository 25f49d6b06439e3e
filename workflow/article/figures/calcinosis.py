"""The main outcome as a figure: each patient's calcinosis over calendar time, from its onset to
the outcome after the study drug, with the drug's courses and the follow-up after it stopped.

One row per patient (the first TIMELINE_EXCERPT_PATIENTS of a large series). Drawn with the
timeline's conventions (casereport.figures.timeline): calendar years on the x-axis, onset counted
from the first treatment Table I lists (a stand-in for the month of diagnosis, onset.py),
study-drug courses counted from the start month at the stated interval. Called through this
extension's figures.BUILDERS["calcinosis"].
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from casereport.clinical import course_schedule, first_treatment_rows, month_index, patient_ids
from casereport.dataset import Dataset, rows
from casereport.figures.style import (
    LANE_HEIGHT_IN,
    MARKER_COLOUR,
    STUDY_DRUG_COLOUR,
    TIMELINE_EXCERPT_PATIENTS,
    TIMELINE_WIDTH_IN,
    Drawing,
    marker_handle,
    patient_ref,
    patients_text,
)
from casereport.figures.timeline import (
    draw_courses,
    draw_exposure,
    format_calendar_axis,
    study_period,
    study_period_refs,
    treatment_ids_plotted,
)
from casereport.formatting import capitalise_first, join_texts
from casereport.ledger import cell_id
from casereport.model import FigureModel, Text, text
from casereport.words import study_drug

from .onset import onset_ids, patient_onset_months

# Outcome marks by allowed value of patients.calcinosis_outcome; a value without one is drawn as
# OTHER_OUTCOME_MARK (the dictionary may allow more outcomes than are styled here).
OUTCOME_MARKS = {
    "cleared": ("o", "#009E73"),
    "decreased": ("v", "#0072B2"),
    "unchanged": ("s", "#7F7F7F"),
    "increased": ("^", "#CC79A7"),
}
OTHER_OUTCOME_MARK = ("X", MARKER_COLOUR)
CALCINOSIS_COLOUR = "#E8D9A8"  # the span from onset to the outcome
ROW_HEIGHT_IN = 2.2 * LANE_HEIGHT_IN


@dataclass(frozen=True)
class PatientCourse:
    """What one row draws, in month indices (None: not known from the data)."""

    pid: int
    onset: list[int]  # one month, or the two ends of a range
    drug_rows: list[dict]  # the patient's dated study-drug rows, treatment_id order
    courses: list[int]  # start month of each study-drug course drawn
    outcome: str
    courses_at_outcome: int
    outcome_month: int | None  # the start of the course after which the outcome was assessed
    outcome_at_end: bool  # placed at the drug's last month: the schedule fits fewer courses
    follow_up_months: tuple[int, int] | None  # after the study drug stopped, when reported


def patient_course(patient: dict, first_row: dict | None, drug_rows: list[dict], last: int):
    pid = int(patient["patient_id"])
    courses = [m for row in drug_rows for m in course_schedule(row, last).months]
    given = int(patient["pamidronate_courses"] or 0)
    ended = [r for r in drug_rows if r["end_month"] is not None and not r["ongoing"]]
    end = max(month_index(r["end_month"]) for r in ended) if ended else None
    outcome_month, at_end = None, False
    if 1 <= given <= len(courses):
        outcome_month = courses[given - 1]
    elif given > len(courses) and end is not None:
        # More courses than the stated interval fits between the dates: the drug was stopped
        # after the last of them, so the outcome stands at its last month.
        outcome_month, at_end = end, True
    follow_up = None
    if patient["follow_up_after_pamidronate_years"] is not None and end is not None:
        follow_up = (end, min(last, end + 12 * int(patient["follow_up_after_pamidronate_years"])))
    return PatientCourse(
        pid=pid,
        onset=patient_onset_months(patient, first_row),
        drug_rows=drug_rows,
        courses=courses,
        outcome=patient["calcinosis_outcome"],
        courses_at_outcome=given,
        outcome_month=outcome_month,
        outcome_at_end=at_end,
        follow_up_months=follow_up,
    )


def patient_courses(dataset: Dataset, pids: list[int], last: int, drug: str) -> list[PatientCourse]:
    patients = {int(p["patient_id"]): p for p in rows(dataset["patients"])}
    first_rows = first_treatment_rows(dataset)
    drug_rows: dict[int, list[dict]] = {}
    for row in sorted(rows(dataset["treatments"]), key=lambda r: r["treatment_id"]):
        if row["drug"] == drug and row["start_month"] is not None:
            drug_rows.setdefault(int(row["patient_id"]), []).append(row)
    return [
        patient_course(patients[pid], first_rows.get(pid), drug_rows.get(pid, []), last)
        for pid in pids
    ]


def outcome_mark(outcome: str) -> tuple[str, str]:
    return OUTCOME_MARKS.get(outcome, OTHER_OUTCOME_MARK)


def draw_row(
    ax: Axes, drawing: Drawing, course: PatientCourse, lane: float, last: int, drug: str
) -> None:
    pid = course.pid
    # Shaded from the latest possible onset: before it, calcinosis may not yet have been there.
    onset = course.onset[-1] if course.onset else None
    if onset is not None and course.outcome_month is not None and course.outcome_month > onset:
        start = onset
        ax.barh(
            lane,
            (course.outcome_month - start) / 12,
            left=start / 12,
            height=0.75,
            color=CALCINOSIS_COLOUR,
            linewidth=0,
        )
    for row in course.drug_rows:
        draw_exposure(ax, row, lane, last, "", drug)
        drawing.plotted(*treatment_ids_plotted(row))
    draw_courses(ax, course.courses, lane)
    if course.onset:
        xs = [m / 12 for m in course.onset]
        if len(xs) > 1:
            ax.plot(xs, [lane, lane], color=MARKER_COLOUR, linewidth=2, alpha=0.35)
        ax.plot(xs, [lane] * len(xs), ls="none", marker="D", markersize=4, color=MARKER_COLOUR)
        drawing.plotted(*onset_ids(pid))
    if course.follow_up_months:
        end, until = course.follow_up_months
        ax.plot([end / 12, (until + 1) / 12], [lane, lane], ls=":", lw=1.5, color=MARKER_COLOUR)
        drawing.plotted(cell_id("patients", pid, "follow_up_after_pamidronate_years"))
    if course.outcome_month is not None:
        marker, colour_of_mark = outcome_mark(course.outcome)
        x = course.outcome_month / 12
        ax.plot(x, lane + 0.5, marker=marker, markersize=6, color=colour_of_mark, ls="none")
        ax.text(x + 0.08, lane + 0.5, course.outcome, fontsize=6.5, va="center", ha="left")
        drawing.plotted(cell_id("patients", pid, "pamidronate_courses"))


def legend(figure: Figure, outcomes: list[str], drug: str) -> None:
    handles = [
        marker_handle("calcinosis onset", "D", size=4),
        Patch(facecolor=CALCINOSIS_COLOUR, label="calcinosis present"),
        Patch(facecolor=STUDY_DRUG_COLOUR, label=capitalise_first(drug)),
        marker_handle("course start", "|", size=7),
        Line2D([], [], ls=":", lw=1.5, color=MARKER_COLOUR, label="follow-up after stopping"),
    ]
    handles += [marker_handle(f"outcome: {o}", *outcome_mark(o), size=6) for o in outcomes]
    figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)


def calcinosis_response(dataset: Dataset, max_individual_lines: int):
    first, last = study_period(dataset)
    drug = study_drug(dataset)
    pids = patient_ids(dataset)
    shown = pids if len(pids) <= max_individual_lines else pids[:TIMELINE_EXCERPT_PATIENTS]
    courses = patient_courses(dataset, shown, last, drug)
    figure = Figure(
        figsize=(TIMELINE_WIDTH_IN, len(shown) * ROW_HEIGHT_IN + 1.1), layout="constrained"
    )
    drawing = Drawing(figure)
    drawing.plotted(*(ref.id for ref in study_period_refs()))
    ax = figure.subplots()
    for position, course in enumerate(courses):
        draw_row(ax, drawing, course, -position, last, drug)
    ax.set_yticks([-i for i in range(len(shown))], [f"Patient {pid}" for pid in shown])
    ax.set_ylim(-len(shown) + 0.4, 0.95)
    ax.tick_params(axis="y", length=0)
    format_calendar_axis(ax, first, last)
    drawn = [c.outcome for c in courses if c.outcome_month is not None]
    legend(figure, list(dict.fromkeys(drawn)), drug)
    return drawing, FigureModel(
        key="calcinosis",
        alt="Calcinosis of each patient over calendar time: its onset, the courses of "
        f"{drug} and the outcome after them, with the follow-up after {drug} stopped.",
        caption=caption(dataset, courses, len(pids) > len(shown), drug),
        number_ids=tuple(drawing.number_ids),
    )


def patients_named(courses: list[PatientCourse]) -> Text:
    """'Patient 4' / 'Patients 2 and 5' (each id a Ref into the ledger)."""
    names = [text(patient_ref(c.pid)) for c in courses]
    return text("Patient " if len(courses) == 1 else "Patients ", *join_texts(names))


def caption(dataset: Dataset, courses: list[PatientCourse], excerpt: bool, drug: str) -> Text:
    start, end = study_period_refs()
    if excerpt:
        who = text(
            *patients_named(courses),
            ", the first in patient order, of the ",
            *patients_text(dataset),
            " (Table I gives the outcome of all)",
        )
    else:
        who = text("each of the ", *patients_text(dataset))
    parts = text(
        "Calcinosis of ",
        *who,
        ", one row per patient, from ",
        start,
        " to ",
        end,
        ". Diamonds mark the onset of calcinosis, counted from the first treatment Table I lists "
        "(a stand-in for the month of diagnosis); two diamonds joined by a line bound an onset "
        f"given as a range. The bar is {drug}, with a tick at the start of each course "
        "counted from the start month at the stated interval, hatched where it continued on a "
        "less frequent schedule. The outcome mark stands at the course after which the outcome "
        "was assessed; the shaded span runs to it from the onset (from its latest month, for a "
        f"range). A dotted line is the follow-up after {drug} was stopped, where it is "
        "reported.",
    )
    gaps = [
        (lambda c: not c.onset, "no onset is drawn (no dated treatment or onset)"),
        (
            lambda c: not c.drug_rows,
            f"neither {drug} nor the outcome is drawn (no dated course)",
        ),
        (
            lambda c: c.drug_rows and c.outcome_month is None,
            "no outcome is drawn (the course it was assessed after is not on the drawn schedule)",
        ),
        (
            lambda c: c.outcome_at_end,
            f"the drawn schedule has fewer courses than were given, so the outcome mark stands "
            f"at the last month of {drug}",
        ),
    ]
    for missing, words in gaps:
        lacking = [c for c in courses if missing(c)]
        if lacking:
            parts += text(" For ", *patients_named(lacking), ", ", words, ".")
    return parts
