"""The timeline, one panel per patient: exposures over calendar months, one lane per drug, the study
drug's courses (casereport.clinical.course_schedule), adverse events, and the per-patient events
the project marks in lanes of their own (`PatientMarks`).

What the timeline needs to know of a project's data that the core does not name comes from the
project's extension (casereport.project_extension), its module `figures`:

    TIMELINE_MARKS         name -> PatientMarks: dated per-patient events (e.g. the onset of a
                           complication), each kind in a lane above the drugs, in this order
    TIMELINE_EVENT_COURSE  the adverse_events column that gives the study-drug course an event
                           followed, when the dictionary does not call it EVENT_COURSE_COLUMN
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from casereport.clinical import course_schedule, month_index, patient_ids
from casereport.clinical import study_drug_rows as rows_of_drug
from casereport.dataset import Dataset, by_patient, rows
from casereport.figures.style import (
    ADVERSE_EVENT_COLOUR,
    LANE_HEIGHT_IN,
    MARKER_COLOUR,
    OTHER_DRUG_COLOUR,
    STUDY_DRUG_COLOUR,
    TIMELINE_WIDTH_IN,
    Drawing,
    marker_handle,
    patients_text,
)
from casereport.formatting import (
    capitalise_first,
    join_texts,
)
from casereport.ledger import cell_id
from casereport.model import FigureModel, Ref, Text, text
from casereport.project_extension import ProjectExtensionError, part, registered
from casereport.tables import (
    drugs_given_by_several_routes,
)
from casereport.words import route_abbreviations, study_drug, time_of_writing

# The adverse_events column that gives the number of the study-drug course an event followed; a
# project whose dictionary names it otherwise says so (its figures module's TIMELINE_EVENT_COURSE).
EVENT_COURSE_COLUMN = "study_drug_course"


def month_x(yearmonth: str) -> float:
    """Position on the calendar axis, in years: the start of the month."""
    return month_index(yearmonth) / 12


def course_months(row: dict, last_month: int) -> list[int]:
    """Start months (month indices) of the courses of one exposure the timeline draws, up to the
    last month drawn (casereport.clinical.course_schedule)."""
    return course_schedule(row, last_month).months


def exposure_spans(row: dict, last_month: int) -> list[tuple[int, int, str]]:
    """(first month, last month, kind) of each part of an exposure: 'main' up to end_month,
    'later' for a changed schedule that goes on, 'ongoing' for an open-ended exposure still given
    at the time of writing (drawn up to the time of writing)."""
    start = month_index(row["start_month"])
    if row["end_month"] is None:
        return [(start, last_month, "ongoing")] if row["ongoing"] else [(start, start, "main")]
    end = month_index(row["end_month"])
    spans = [(start, end, "main")]
    if row["ongoing"] and row["later_interval_months"] is not None and end < last_month:
        spans.append((end + 1, last_month, "later"))
    return spans


def treatment_ids_plotted(row: dict) -> list[str]:
    columns = ("start_month", "end_month", "interval_months", "later_interval_months")
    return [cell_id("treatments", row["treatment_id"], c) for c in columns if row[c] is not None]


# A patient's marks of one kind: the months (month indices) of the event, one month or the two ends
# of a range (none: not known), and the ledger ids of the numbers that place them.
PatientMark = tuple[list[int], tuple[str, ...]]


@dataclass(frozen=True)
class PatientMarks:
    """A kind of dated per-patient event the timeline marks in a lane of its own above the drugs,
    supplied by the project (its figures module's TIMELINE_MARKS): `marker` at the event's month,
    or at both ends of a range joined by a line. The words are the project's, so that they say
    what its data mean."""

    lane: str  # the lane's label, also the legend's and the alt text's name of the marks
    marker: str  # matplotlib marker
    caption: str  # the per-patient caption's sentences on the marks ("Diamonds mark ...")
    summary_caption: str  # the summary caption's words on them ("diamonds for ...")
    marks: Callable[[Dataset], dict[int, PatientMark]]  # patient -> its mark, when it has one


def project_marks() -> tuple[PatientMarks, ...]:
    """The per-patient marks the project's extension supplies, in lane order. Anything but a
    PatientMarks is one line naming it (ProjectExtensionError), not a failure deep in drawing."""
    marks = registered("figures", "TIMELINE_MARKS")
    wrong = [name for name, mark in marks.items() if not isinstance(mark, PatientMarks)]
    if wrong:
        raise ProjectExtensionError(
            f"figures.TIMELINE_MARKS: {', '.join(map(str, wrong))} must be"
            " casereport.figures.PatientMarks (extension)"
        )
    return tuple(marks.values())


def project_event_course() -> str:
    """The adverse_events column of the study-drug course an event followed."""
    column = getattr(part("figures"), "TIMELINE_EVENT_COURSE", None) or EVENT_COURSE_COLUMN
    if not isinstance(column, str):
        raise ProjectExtensionError(
            f"figures.TIMELINE_EVENT_COURSE: {column!r} must be a column name (extension)"
        )
    return column


@dataclass(frozen=True)
class TimelineData:
    """What the timeline draws, grouped by patient once (a cohort may have many patients)."""

    first: int  # first month of the study period (month index)
    last: int  # the time of writing (publication.csv): what is still given is drawn up to it
    study_drug: str  # publication.csv study_drug
    pids: list[int]
    dated: dict[int, list[dict]]  # patient -> treatments with a start month, treatment_id order
    undated: list[dict]  # treatments the timeline cannot place
    several_routes: set[str]  # drugs whose route is printed on their bars, as in Table I
    route_labels: dict[str, str]  # route -> abbreviation (data dictionary)
    events: dict[int, list[dict]]  # patient -> adverse events, event_id order
    event_course: str  # the adverse_events column of the study-drug course an event followed
    marks: tuple[tuple[PatientMarks, dict[int, PatientMark]], ...]  # each kind, by patient


def timeline_data(
    dataset: Dataset,
    marks: Iterable[PatientMarks] | None = None,
    event_course: str | None = None,
) -> TimelineData:
    """What the timeline draws; `marks` and `event_course` are the project's (project_marks,
    project_event_course) unless given."""
    marks = project_marks() if marks is None else tuple(marks)
    first, last = study_period(dataset)
    treatments = sorted(rows(dataset["treatments"]), key=lambda r: r["treatment_id"])
    events = sorted(rows(dataset["adverse_events"]), key=lambda e: e["event_id"])
    return TimelineData(
        first=first,
        last=last,
        study_drug=study_drug(dataset),
        pids=patient_ids(dataset),
        dated=by_patient(r for r in treatments if r["start_month"] is not None),
        undated=[r for r in treatments if r["start_month"] is None],
        several_routes=drugs_given_by_several_routes(treatments),
        route_labels=route_abbreviations(dataset),
        events=by_patient(events),
        event_course=event_course or project_event_course(),
        marks=tuple((kind, kind.marks(dataset)) for kind in marks),
    )


def draw_exposure(
    ax: Axes, row: dict, lane: float, last_month: int, route_label: str, study: str
) -> None:
    colour_of_drug = drug_colour(row["drug"], study)
    for first, last, kind in exposure_spans(row, last_month):
        ax.barh(
            lane,
            (last + 1 - first) / 12,
            left=first / 12,
            height=0.55,
            color=colour_of_drug,
            alpha=0.45 if kind == "later" else 0.9,
            hatch="////" if kind == "later" else None,
            # White hatch lines: matplotlib's SVG paints the hatch over a background of the bar's
            # colour, so hatch lines in that colour (the default, the edge colour) did not show.
            hatchcolor="white",
            edgecolor="white" if kind != "later" else colour_of_drug,
            linewidth=0.4,
        )
        if kind in ("ongoing", "later"):
            ax.plot(
                (last + 1) / 12,
                lane,
                marker=">",
                color=MARKER_COLOUR,
                markersize=3.5,
                clip_on=False,
            )
    if route_label:
        x = month_x(row["start_month"]) + 0.04
        ax.text(x, lane, route_label, va="center", ha="left", fontsize=6, color="white")


def draw_courses(ax: Axes, months: Iterable[int], lane: float) -> None:
    xs = [m / 12 for m in months]
    ax.plot(xs, [lane] * len(xs), linestyle="none", marker="|", markersize=7, color=MARKER_COLOUR)


def draw_marks(ax: Axes, drawing: Drawing, mark: PatientMark, marker: str, lane: float) -> None:
    """A patient's mark of one kind: `marker` at its month, or at both ends of a range joined by a
    line."""
    ends, ids = mark
    if not ends:
        return
    if len(ends) > 1:
        ax.plot([m / 12 for m in ends], [lane, lane], color=MARKER_COLOUR, linewidth=2, alpha=0.35)
    ax.plot(
        [m / 12 for m in ends],
        [lane] * len(ends),
        linestyle="none",
        marker=marker,
        markersize=4,
        color=MARKER_COLOUR,
        clip_on=False,
    )
    drawing.plotted(*ids)


def study_drug_rows(data: TimelineData, pid: int) -> list[dict]:
    return rows_of_drug(data.dated.get(pid, []), data.study_drug)


def adverse_events_by_course(
    data: TimelineData, pid: int
) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The study-drug courses adverse events followed, as (course start month, the events' names
    in event_id order), in order of each course's first event; and the ledger ids of the events
    plotted. Events after a course the timeline does not draw are left out."""
    courses = [m for row in study_drug_rows(data, pid) for m in course_months(row, data.last)]
    labels: dict[int, list[str]] = {}  # course number -> events after it
    ids = []
    for event in data.events.get(pid, []):
        course = int(event[data.event_course])
        if 1 <= course <= len(courses):
            labels.setdefault(course, []).append(event["event"])
            ids.append(cell_id("adverse_events", event["event_id"], data.event_course))
    return [(courses[course - 1], names) for course, names in labels.items()], ids


def draw_adverse_events(
    ax: Axes, drawing: Drawing, data: TimelineData, pid: int, lane: float
) -> None:
    """A star above the start of the study-drug course each adverse event followed, labelled with
    the events."""
    labels, ids = adverse_events_by_course(data, pid)
    drawing.plotted(*ids)
    for month, names in labels:
        x = month / 12
        ax.plot(x, lane + 0.42, marker="*", markersize=7, color=ADVERSE_EVENT_COLOUR, ls="none")
        ax.text(x + 0.08, lane + 0.42, ", ".join(names), fontsize=6, va="center", ha="left")


def study_period(dataset: Dataset) -> tuple[int, int]:
    """(first month of the study period, the time of writing) as month indices: the span the
    timeline draws. Drugs still given are drawn up to the time of writing, never beyond it."""
    period = rows(dataset["publication"])[0]
    return month_index(period["study_period_start"]), month_index(time_of_writing(dataset))


def study_period_refs() -> tuple[Ref, Ref]:
    """The first month of the study period and the time of writing (publication.csv has one
    row)."""
    columns = ("study_period_start", "time_of_writing")
    start, end = (Ref(cell_id("publication", 1, column)) for column in columns)
    return start, end


def timeline_legend(figure: Figure, drug: str, marks: Iterable[PatientMarks] = ()) -> None:
    handles = [
        Patch(facecolor=STUDY_DRUG_COLOUR, label=capitalise_first(drug)),
        Patch(facecolor=OTHER_DRUG_COLOUR, label="other drugs"),
        Patch(
            facecolor="#BBBBBB",
            hatch="////",
            hatchcolor="white",
            edgecolor="#BBBBBB",
            label="later schedule",
        ),
        marker_handle("still given", ">"),
        marker_handle("course start", "|", size=7),
        *(marker_handle(kind.lane, kind.marker, size=4) for kind in marks),
        marker_handle("adverse event", "*", ADVERSE_EVENT_COLOUR, size=7),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)


def drug_lanes(patient_rows: list[dict]) -> list[str]:
    """A patient's drugs in the order they were first given (treatment_id among equals)."""
    ordered = sorted(patient_rows, key=lambda r: (r["start_month"], r["treatment_id"]))
    return list(dict.fromkeys(r["drug"] for r in ordered))


def drug_colour(drug: str, study: str) -> str:
    """The study drug stands out; lanes are labelled, so other drugs share one colour."""
    return STUDY_DRUG_COLOUR if drug == study else OTHER_DRUG_COLOUR


def format_calendar_axis(ax: Axes, first: int, last: int) -> None:
    # A month of margin either side keeps marks on the first and last month whole.
    ax.set_xlim((first - 1) / 12, (last + 2) / 12)
    years = range(first // 12 + (1 if first % 12 else 0), last // 12 + 1)
    ax.set_xticks([float(y) for y in years], [str(y) for y in years])
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)


def patient_lanes(data: TimelineData, pid: int) -> list[str]:
    """A patient's lanes in the per-patient form: one per kind of mark, then one per drug."""
    return [*(kind.lane for kind, _ in data.marks), *drug_lanes(data.dated.get(pid, []))]


def draw_patient_panel(
    ax: Axes, drawing: Drawing, data: TimelineData, pid: int, lanes: list[str]
) -> None:
    """One patient's panel of the per-patient form, one lane per drug."""
    for row in data.dated.get(pid, []):
        lane = -lanes.index(row["drug"])
        shown = row["drug"] in data.several_routes and row["route"] is not None
        route = data.route_labels.get(row["route"], row["route"]) if shown else ""
        draw_exposure(ax, row, lane, data.last, route, data.study_drug)
        draw_courses(ax, course_months(row, data.last), lane)
        drawing.plotted(*treatment_ids_plotted(row))
    for position, (kind, by_pid) in enumerate(data.marks):
        if pid in by_pid:
            draw_marks(ax, drawing, by_pid[pid], kind.marker, -position)
    if data.study_drug in lanes:
        draw_adverse_events(ax, drawing, data, pid, -lanes.index(data.study_drug))
    ax.set_yticks([-i for i in range(len(lanes))], [capitalise_first(d) for d in lanes])
    ax.set_ylim(-len(lanes) + 0.4, 0.8)
    ax.set_title(f"Patient {pid}", loc="left", fontweight="bold")
    ax.tick_params(axis="y", length=0)
    format_calendar_axis(ax, data.first, data.last)


def timeline_per_patient(dataset: Dataset, data: TimelineData) -> tuple[Drawing, FigureModel]:
    """The timeline's per-patient form (casereport.figures.build chooses between the forms)."""
    lanes_of = {pid: patient_lanes(data, pid) for pid in data.pids}
    heights = [len(lanes_of[pid]) for pid in data.pids]
    figure = Figure(
        figsize=(TIMELINE_WIDTH_IN, sum(heights) * LANE_HEIGHT_IN + 0.45 * len(data.pids) + 0.7),
        layout="constrained",
    )
    drawing = Drawing(figure)
    drawing.plotted(*(ref.id for ref in study_period_refs()))
    axes = figure.subplots(
        len(data.pids), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights}
    )[:, 0]
    for ax, pid in zip(axes, data.pids, strict=True):
        draw_patient_panel(ax, drawing, data, pid, lanes_of[pid])
    timeline_legend(figure, data.study_drug, [kind for kind, _ in data.marks])
    marked = [f"each {data.study_drug} course", *(kind.lane for kind, _ in data.marks)]
    return drawing, FigureModel(
        key="timeline",
        alt="Timeline of drug exposures over calendar months, one panel per patient and one lane "
        f"per drug, with marks for {', '.join(marked)} and adverse events.",
        caption=timeline_caption(dataset, data),
        number_ids=tuple(drawing.number_ids),
    )


def treatments_in_period_text(dataset: Dataset) -> Text:
    """'Treatments of the 3 patients from September 2001 to December 2009': both timelines'
    captions open with it."""
    start, end = study_period_refs()
    return text("Treatments of the ", *patients_text(dataset), " from ", start, " to ", end)


def timeline_caption(dataset: Dataset, data: TimelineData) -> Text:
    caption = text(
        *treatments_in_period_text(dataset),
        ", one panel per patient and one lane per drug. Bars show drug exposures; exposures "
        "still given at the time of writing run up to it, hatched where a drug "
        "continued on a less frequent schedule. Ticks mark the start of each course of drugs given "
        "in courses, counted from the start month at the stated interval. "
        + "".join(f"{kind.caption} " for kind, _ in data.marks)
        + "Stars mark adverse events after a ",
        data.study_drug,
        " course.",
    )
    if data.undated:
        missing = [
            text(
                r["drug"],
                " (Patient ",
                Ref(cell_id("patients", r["patient_id"], "patient_id")),
                ")",
            )
            for r in data.undated
        ]
        caption += text(" Not drawn, for want of dates: ", *join_texts(missing), ".")
    return caption
