"""The report's figures: drawn from the data, written as SVG, 300 dpi PNG and a caption model.

    timeline      one panel per patient, one lane per drug: exposures over calendar months,
                  course starts, calcinosis onset and adverse events
    labs          one panel per analyte: each patient's value before and after pamidronate
    bone_density  BMD and z-score before and after pamidronate, over the z-score category bands

`build_figure(name, dataset)` returns the matplotlib Figure and its `FigureModel` (caption with
Refs into the ledger, alt text, the ids of every number plotted); `write_figure` writes the files
(save through it: the fixed SVG hash salt is only in force inside its style context).
Output is byte-identical across runs: Agg backend, DejaVu Sans (shipped with matplotlib), a fixed
SVG hash salt, no timestamps or software names in the files, and every loop runs in data order.

Every figure draws each patient individually up to `max_individual_lines` patients; above that the
individual form stops being legible and a summary form is drawn instead (`*_summary` functions: on
the timeline, patients on each kind of drug and adverse events month by month, then the first
TIMELINE_EXCERPT_PATIENTS patients as the per-patient form draws them; thin lines with the
median for the before/after plots).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from casereport.catalog import (
    by_patient,
    first_treatment_rows,
    rows,
    timepoints,
)
from casereport.clinical import analytes_measured, course_schedule, month_index, patient_ids
from casereport.clinical import study_drug_rows as rows_of_drug
from casereport.dataset import Dataset
from casereport.formatting import (
    capitalise_first,
    join_texts,
    plural,
)
from casereport.ledger import cell_id
from casereport.missing import reasons_by_key
from casereport.model import FigureModel, Ref, Text, figure_to_json, text
from casereport.tables import (
    EXCERPT_PATIENTS,
    LARGE_SERIES_THRESHOLD,
    category_definitions,
    drugs_given_by_several_routes,
    follow_up_text,
)
from casereport.words import route_abbreviations, study_drug, time_of_writing, words_for

# Figures are drawn on matplotlib.figure.Figure, never through pyplot, so no GUI backend is ever
# involved; Agg is named anyway so that anything else in the process draws the same way.
matplotlib.use("Agg")

# Default of config `large_series_threshold`, which the figure jobs pass in: the same number of
# patients above which the report shows summary tables (casereport.tables).
MAX_INDIVIDUAL_LINES = LARGE_SERIES_THRESHOLD

PNG_DPI = 300
# The summary forms' marks (one per patient and event, thousands of them) go into the SVG as one
# image at the PNG's resolution instead of one SVG element each: matplotlib writes SVG elements one
# by one in Python, slowly, and a browser gains nothing from 100,000 sub-point vector marks.
RASTERIZED = {"rasterized": True}
SVG_METADATA = {"Date": None, "Creator": None}
PNG_METADATA = {"Software": None}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "casereport",  # SVG element ids from a fixed salt, not a random one
    "svg.fonttype": "path",  # glyphs as paths: the SVG looks the same without the font
    "figure.dpi": 100,
    # Text is text: every string is drawn as written. Data cells are free text (an adverse event
    # "fever $\alpha$", a unit "100%"): read as mathtext or TeX they would be drawn as formulas
    # or crash the job. Every figure is drawn and saved inside this style.
    "text.parse_math": False,
    "text.usetex": False,
}

# Colour-blind-safe palette (Okabe-Ito), cycled by patient position on the before/after plots.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
BAND_COLOURS = ("#F4CCCC", "#FCE5CD", "#D9EAD3", "#CFE2F3")  # z-score category bands, by row
SUMMARY_LINE_COLOUR = "#9E9E9E"
STUDY_DRUG_COLOUR = "#D55E00"
OTHER_DRUG_COLOUR = "#5B8DB8"
ADVERSE_EVENT_COLOUR = "#CC79A7"
MARKER_COLOUR = "#222222"

PANEL_WIDTH_IN = 2.3
PANEL_HEIGHT_IN = 2.1
PANEL_MARGIN_IN = 0.6  # title and axis labels of a panel
LABEL_HEIGHT_IN = 0.11  # one line-end label (7 pt) with a little air
LANE_HEIGHT_IN = 0.24
TIMELINE_WIDTH_IN = 7.5


@dataclass
class Drawing:
    """A figure under construction: the Figure and the ledger ids of the numbers it plots."""

    figure: Figure
    number_ids: dict[str, None] = field(default_factory=dict)  # a dict keeps first-plotted order

    def plotted(self, *ids: str | None) -> None:
        self.number_ids.update((number_id, None) for number_id in ids if number_id)


def colour(position: int) -> str:
    return PALETTE[position % len(PALETTE)]


# A cohort's tables have tens or hundreds of thousands of rows: these read whole columns at once.


def column_by_key(frame: pd.DataFrame, key: Sequence[str], column: str) -> dict[tuple, object]:
    """`column` by the row's values of the `key` columns; rows whose `column` is empty (a value
    recorded as missing, casereport.missing) are left out: there is nothing to draw."""
    frame = frame[frame[column].notna()]
    keys = zip(*(frame[name].tolist() for name in key), strict=True)
    return dict(zip(keys, frame[column].tolist(), strict=True))


def patient_count_ref() -> Ref:
    return Ref("derived.patient_count")


def patients_text(dataset: Dataset) -> Text:
    """'3 patients'."""
    return text(patient_count_ref(), " ", plural("patient", len(patient_ids(dataset))))


def spread(values: Sequence[float], min_gap: float) -> list[float]:
    """Label positions near `values`, at least `min_gap` apart, in the same order (so labels at the
    end of lines that end close together do not overlap)."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    placed: dict[int, float] = {}
    previous = None
    for i in order:
        position = values[i] if previous is None else max(values[i], previous + min_gap)
        placed[i] = previous = position
    shift = (sum(placed.values()) - sum(values)) / len(values) if values else 0.0
    return [placed[i] - shift for i in range(len(values))]


# --- timeline --------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class TimelineData:
    """What the timeline draws, grouped by patient once (a cohort may have many patients)."""

    first: int  # first month of the study period (month index)
    last: int  # the time of writing (publication.csv): what is still given is drawn up to it
    study_drug: str  # publication.csv study_drug
    pids: list[int]
    patients: dict[int, dict]
    dated: dict[int, list[dict]]  # patient -> treatments with a start month, treatment_id order
    undated: list[dict]  # treatments the timeline cannot place
    several_routes: set[str]  # drugs whose route is printed on their bars, as in Table I
    route_labels: dict[str, str]  # route -> abbreviation (data dictionary)
    first_rows: dict[int, dict]  # patient -> first Table I treatment (stand-in for diagnosis)
    events: dict[int, list[dict]]  # patient -> adverse events, event_id order


def timeline_data(dataset: Dataset) -> TimelineData:
    first, last = study_period(dataset)
    treatments = sorted(rows(dataset["treatments"]), key=lambda r: r["treatment_id"])
    events = sorted(rows(dataset["adverse_events"]), key=lambda e: e["event_id"])
    return TimelineData(
        first=first,
        last=last,
        study_drug=study_drug(dataset),
        pids=patient_ids(dataset),
        patients={int(p["patient_id"]): p for p in rows(dataset["patients"])},
        dated=by_patient(r for r in treatments if r["start_month"] is not None),
        undated=[r for r in treatments if r["start_month"] is None],
        several_routes=drugs_given_by_several_routes(treatments),
        route_labels=route_abbreviations(dataset),
        first_rows=first_treatment_rows(dataset),
        events=by_patient(events),
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


def onset_months(data: TimelineData, pid: int) -> list[int]:
    """Calcinosis onset, counted in years from the first Table I treatment, as month indices: one
    month, or the two ends of the range the paper gives; none when it is not known."""
    return patient_onset_months(data.patients[pid], data.first_rows.get(pid))


def patient_onset_months(patient: dict, first_row: dict | None) -> list[int]:
    """onset_months for one patient's row and first Table I treatment (None: not known)."""
    if first_row is None or patient["calcinosis_onset_min_years"] is None:
        return []
    first_month = month_index(first_row["start_month"])
    low = first_month + 12 * int(patient["calcinosis_onset_min_years"])
    high = first_month + 12 * int(patient["calcinosis_onset_max_years"] or 0)
    return sorted({low, max(low, high)})


def onset_ids(pid: int) -> tuple[str, ...]:
    """Ledger ids of the numbers a calcinosis onset mark is placed by."""
    return (
        f"derived.patients.{pid}.first_treatment_month",
        cell_id("patients", pid, "calcinosis_onset_min_years"),
        cell_id("patients", pid, "calcinosis_onset_max_years"),
    )


def draw_onset(ax: Axes, drawing: Drawing, data: TimelineData, pid: int, lane: float) -> None:
    """Calcinosis onset: a diamond, or a range between two diamonds when the paper gives an
    interval."""
    ends = onset_months(data, pid)
    if not ends:
        return
    if len(ends) > 1:
        ax.plot([m / 12 for m in ends], [lane, lane], color=MARKER_COLOUR, linewidth=2, alpha=0.35)
    ax.plot(
        [m / 12 for m in ends],
        [lane] * len(ends),
        linestyle="none",
        marker="D",
        markersize=4,
        color=MARKER_COLOUR,
        clip_on=False,
    )
    drawing.plotted(*onset_ids(pid))


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
        course = int(event["pamidronate_course"])
        if 1 <= course <= len(courses):
            labels.setdefault(course, []).append(event["event"])
            ids.append(cell_id("adverse_events", event["event_id"], "pamidronate_course"))
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


def marker_handle(label: str, marker: str, colour_of_mark: str = MARKER_COLOUR, size=5) -> Line2D:
    return Line2D(
        [], [], color=colour_of_mark, marker=marker, markersize=size, linestyle="none", label=label
    )


def timeline_legend(figure: Figure, drug: str) -> None:
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
        marker_handle("calcinosis onset", "D", size=4),
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
    """A patient's lanes in the per-patient form: calcinosis onset, then one per drug."""
    return ["calcinosis onset", *drug_lanes(data.dated.get(pid, []))]


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
    draw_onset(ax, drawing, data, pid, 0)
    if data.study_drug in lanes:
        draw_adverse_events(ax, drawing, data, pid, -lanes.index(data.study_drug))
    ax.set_yticks([-i for i in range(len(lanes))], [capitalise_first(d) for d in lanes])
    ax.set_ylim(-len(lanes) + 0.4, 0.8)
    ax.set_title(f"Patient {pid}", loc="left", fontweight="bold")
    ax.tick_params(axis="y", length=0)
    format_calendar_axis(ax, data.first, data.last)


def timeline(dataset: Dataset, max_individual_lines: int) -> tuple[Drawing, FigureModel]:
    data = timeline_data(dataset)
    if len(data.pids) > max_individual_lines:
        return timeline_summary(dataset, data)
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
    timeline_legend(figure, data.study_drug)
    return drawing, FigureModel(
        key="timeline",
        alt="Timeline of drug exposures over calendar months, one panel per patient and one lane "
        f"per drug, with marks for each {data.study_drug} course, calcinosis onset and adverse "
        "events.",
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
        "in courses, counted from the start month at the stated interval. Diamonds mark the onset "
        "of calcinosis, counted from the first treatment Table I lists (a stand-in for the month "
        "of diagnosis); two diamonds joined by a line bound an onset the paper gives as a range. "
        "Stars mark adverse events after a ",
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


@dataclass(frozen=True)
class MonthlyCounts:
    """What the summary timeline counts, month by month over the study period, across all
    patients."""

    edges: np.ndarray  # month boundaries on the calendar axis (years): one more than the months
    study_drug: np.ndarray  # patients given the study drug in each month
    other_drugs: np.ndarray  # patients given any other drug in each month
    adverse_events: np.ndarray  # adverse events after a study-drug course started in each month
    number_ids: list[str]  # ledger ids of the numbers counted, patient by patient


def monthly_counts(data: TimelineData) -> MonthlyCounts:
    """Each patient counts once a month on each line, whatever the number of drugs or exposures:
    months are marked in a (patients x months) table first. Exposures are counted as the
    per-patient form draws them (exposure_spans), within the study period; adverse events in the
    month of the study-drug course they followed (as adverse_events_by_course places them)."""
    months = data.last - data.first + 1
    on_study_drug = np.zeros((len(data.pids), months), dtype=bool)
    on_other_drug = np.zeros((len(data.pids), months), dtype=bool)
    events = np.zeros(months, dtype=int)
    ids: list[str] = []
    for position, pid in enumerate(data.pids):
        for row in data.dated.get(pid, []):
            on_drug = on_study_drug if row["drug"] == data.study_drug else on_other_drug
            for first, last, _ in exposure_spans(row, data.last):
                low, high = max(first, data.first), min(last, data.last)
                if low <= high:
                    on_drug[position, low - data.first : high + 1 - data.first] = True
            ids += treatment_ids_plotted(row)
        courses = [m for row in study_drug_rows(data, pid) for m in course_months(row, data.last)]
        for event in data.events.get(pid, []):
            course = int(event["pamidronate_course"])
            if 1 <= course <= len(courses) and courses[course - 1] >= data.first:
                events[courses[course - 1] - data.first] += 1
                ids.append(cell_id("adverse_events", event["event_id"], "pamidronate_course"))
    return MonthlyCounts(
        edges=np.arange(data.first, data.last + 2) / 12,
        study_drug=on_study_drug.sum(axis=0),
        other_drugs=on_other_drug.sum(axis=0),
        adverse_events=events,
        number_ids=ids,
    )


def draw_monthly_counts(count_ax: Axes, event_ax: Axes, counts: MonthlyCounts, drug: str) -> None:
    """Patients on each kind of drug as step lines, one step a month; adverse events as bars."""
    lines = (
        (counts.study_drug, STUDY_DRUG_COLOUR, f"on {drug}"),
        (counts.other_drugs, OTHER_DRUG_COLOUR, "on any other drug"),
    )
    for values, colour_of_line, label in lines:
        count_ax.stairs(
            values, counts.edges, baseline=None, color=colour_of_line, linewidth=1.3, label=label
        )
    # Headroom above the lines for the legend, in the top left corner.
    count_ax.set_ylim(0, max(1, int(counts.study_drug.max()), int(counts.other_drugs.max())) * 1.3)
    count_ax.set_ylabel("Patients")
    count_ax.set_title(
        "a  Patients on treatment, month by month (all patients)", loc="left", fontweight="bold"
    )
    count_ax.legend(loc="upper left", ncols=2, frameon=False)
    event_ax.stairs(counts.adverse_events, counts.edges, fill=True, color=ADVERSE_EVENT_COLOUR)
    event_ax.set_ylim(0, max(1, int(counts.adverse_events.max())) * 1.15)
    event_ax.set_ylabel("Events")
    event_ax.set_title(
        f"b  Adverse events, by month of the {drug} course they followed",
        loc="left",
        fontweight="bold",
    )
    for ax in (count_ax, event_ax):
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.tick_params(labelbottom=True)  # sharex hides them above the bottom panel


# The summary timeline draws fewer patients one by one than the report's excerpt shows
# (EXCERPT_PATIENTS): each patient is a panel of several lanes, and with ten of them the figure was
# over 50 cm tall, too tall for a printed page at a legible scale.
TIMELINE_EXCERPT_PATIENTS = min(4, EXCERPT_PATIENTS)


def timeline_summary(dataset: Dataset, data: TimelineData) -> tuple[Drawing, FigureModel]:
    """Many patients: counts per month of all patients on top, then the first
    TIMELINE_EXCERPT_PATIENTS patients (the first the report shows one by one) drawn exactly as the
    per-patient form draws them. The counts are a few artists whatever the number of patients."""
    excerpt = data.pids[:TIMELINE_EXCERPT_PATIENTS]
    lanes_of = {pid: patient_lanes(data, pid) for pid in excerpt}
    heights = [len(lanes_of[pid]) for pid in excerpt]
    count_lanes, event_lanes = 6.5, 3.0  # panel heights, in lanes of the patient panels
    figure = Figure(
        figsize=(
            TIMELINE_WIDTH_IN,
            (sum(heights) + count_lanes + event_lanes) * LANE_HEIGHT_IN
            + 0.45 * (len(excerpt) + 2)
            + 0.9,
        ),
        layout="constrained",
    )
    drawing = Drawing(figure)
    drawing.plotted(*(ref.id for ref in study_period_refs()))
    count_ax, event_ax, *axes = figure.subplots(
        len(excerpt) + 2,
        1,
        sharex=True,
        squeeze=False,
        gridspec_kw={"height_ratios": [count_lanes, event_lanes, *heights]},
    )[:, 0]
    counts = monthly_counts(data)
    draw_monthly_counts(count_ax, event_ax, counts, data.study_drug)
    format_calendar_axis(count_ax, data.first, data.last)
    format_calendar_axis(event_ax, data.first, data.last)
    drawing.plotted(*counts.number_ids)
    for ax, pid in zip(axes, excerpt, strict=True):
        draw_patient_panel(ax, drawing, data, pid, lanes_of[pid])
    axes[0].set_title("c  The first patients, one by one", loc="right", fontweight="bold")
    timeline_legend(figure, data.study_drug)
    return drawing, FigureModel(
        key="timeline",
        alt=f"Summary timeline: the number of patients on {data.study_drug} and on other drugs "
        "in each month, adverse events per month, and the treatments of the first patients, "
        "one panel per patient and one lane per drug.",
        caption=timeline_summary_caption(dataset, data, excerpt),
        number_ids=tuple(drawing.number_ids),
    )


def patient_ref(pid: int) -> Ref:
    return Ref(cell_id("patients", pid, "patient_id"))


def timeline_summary_caption(dataset: Dataset, data: TimelineData, excerpt: list[int]) -> Text:
    if len(excerpt) > 1:
        shown = text("Patients ", patient_ref(excerpt[0]), " to ", patient_ref(excerpt[-1]))
    else:
        shown = text("Patient ", patient_ref(excerpt[0]))
    caption = text(
        *treatments_in_period_text(dataset),
        ". (a) For each month, the number of patients given ",
        data.study_drug,
        " and the number given any other drug (a patient counts once a month on each line, "
        "however many drugs); exposures still given at the time of writing count up to it. "
        "(b) The number of adverse events, counted in the month the ",
        data.study_drug,
        " course they followed started. (c) ",
        *shown,
        ", the first in patient order, drawn as for a small series: one panel per patient and "
        "one lane per drug, bars for drug exposures (hatched where a drug continued on a less "
        "frequent schedule), ticks for course starts, diamonds for calcinosis onset (two joined "
        "diamonds bound an onset given as a range) and stars for adverse events.",
    )
    if data.undated:
        caption += text(" Treatments without dates are neither counted nor drawn.")
    return caption


# --- before/after plots ----------------------------------------------------------------------


def panel_height(patients: int, max_individual_lines: int = MAX_INDIVIDUAL_LINES) -> float:
    """Tall enough for one line-end label per patient without overlap; the summary form labels no
    line, so it keeps the standard height (a panel as tall as 1,000 labels would fill pages)."""
    if patients > max_individual_lines:
        return PANEL_HEIGHT_IN
    return max(PANEL_HEIGHT_IN, PANEL_MARGIN_IN + patients * LABEL_HEIGHT_IN)


def patient_colours(pids: list[int]) -> dict[int, str]:
    """Each patient's colour, by position in patient order (ids need not be 1, 2, 3...)."""
    return {pid: colour(position) for position, pid in enumerate(pids)}


def before_after_panel(
    ax: Axes,
    series: list[tuple[int, float, float]],
    points: tuple[str, str],
    max_individual_lines: int,
) -> None:
    """One line per patient (id, before, after) from the value before to the value after,
    labelled with the patient number at its right end; a summary (thin lines and the median)
    for many patients."""
    colours = patient_colours([pid for pid, _, _ in series])
    xs = [0, 1]
    if len(series) > max_individual_lines:
        alpha = min(0.6, 30 / len(series))  # many faint lines still show where most patients lie
        # One collection, not one line per patient (thousands of artists are slow to draw); it
        # draws each line on its own, so overlapping faint lines still darken each other.
        ax.add_collection(
            LineCollection(
                [[(0, before), (1, after)] for _, before, after in series],
                colors=SUMMARY_LINE_COLOUR,
                linewidths=0.5,
                alpha=alpha,
                capstyle="projecting",  # the default end of a matplotlib line
                **RASTERIZED,
            )
        )
        medians = [statistics.median(s[1] for s in series), statistics.median(s[2] for s in series)]
        ax.plot(xs, medians, color=MARKER_COLOUR, linewidth=2, marker="o", label="median")
    else:
        for pid, before, after in series:
            ax.plot(
                xs, [before, after], color=colours[pid], marker="o", markersize=3.5, linewidth=1.3
            )
        ends = [after for _, _, after in series]
        low, high = ax.get_ylim()
        axes_height_in = ax.get_position().height * ax.figure.get_figheight()
        gap = (high - low) * LABEL_HEIGHT_IN / max(axes_height_in, LABEL_HEIGHT_IN)
        for (pid, _, _), y in zip(series, spread(ends, gap), strict=True):
            ax.text(1.08, y, str(pid), color=colours[pid], fontsize=7, va="center")
    ax.set_xticks(xs, [capitalise_first(p) for p in points])
    ax.set_xlim(-0.25, 1.3)


# A caption names at most this many patients in one list (a large series may miss hundreds).
CAPTION_NAMED_PATIENTS = 10


def more_patients(pids: Sequence[int]) -> list[Text]:
    """The end of a list cut at CAPTION_NAMED_PATIENTS: where the others are listed."""
    if len(pids) <= CAPTION_NAMED_PATIENTS:
        return []
    return [text("more patients (results/tables/ lists every value)")]


def drawn_patients_text(
    dataset: Dataset, drawn: Sequence[int], what: str, reasons: dict[tuple, str]
) -> Text:
    """'3 patients' when every patient has a line; else 'of the 4 patients; no <what> at both
    times for Patient 4 (not measured)', so that a caption never counts a patient it does not
    draw and says why (`reasons`: (patient,) -> the words of missing_reason; 'not recorded' when
    the patient has no row)."""
    pids = patient_ids(dataset)
    if len(drawn) == len(pids):
        return patients_text(dataset)
    shown = set(drawn)
    left_out = [pid for pid in pids if pid not in shown]
    names = join_texts(
        [
            text("Patient ", patient_ref(pid), f" ({reasons.get((pid,), 'not recorded')})")
            for pid in left_out[:CAPTION_NAMED_PATIENTS]
        ]
        + more_patients(left_out)
    )
    return text("of the ", *patients_text(dataset), f"; no {what} at both times for ", *names)


def patient_legend(figure: Figure, pids: list[int], max_individual_lines: int) -> None:
    if len(pids) > max_individual_lines:
        handles = [
            Line2D([], [], color=SUMMARY_LINE_COLOUR, linewidth=0.5, label="one patient"),
            Line2D([], [], color=MARKER_COLOUR, linewidth=2, marker="o", label="median"),
        ]
    else:
        handles = [
            Line2D([], [], color=shade, marker="o", markersize=3.5, label=f"Patient {pid}")
            for pid, shade in patient_colours(pids).items()
        ]
    figure.legend(
        handles=handles, loc="outside lower center", ncols=min(len(handles), 6), frameon=False
    )


def labs(dataset: Dataset, max_individual_lines: int) -> tuple[Drawing, FigureModel]:
    table = dataset.tables["labs"]
    before, after = timepoints(table)
    values = column_by_key(table.frame, ("patient_id", "analyte", "timepoint"), "value")
    analytes = analytes_measured(dataset)
    pids = patient_ids(dataset)
    columns = max(1, min(len(analytes), 3))
    grid_rows = max(1, -(-len(analytes) // columns))
    figure = Figure(
        figsize=(
            columns * PANEL_WIDTH_IN,
            grid_rows * panel_height(len(pids), max_individual_lines) + 0.5,
        ),
        layout="constrained",
    )
    drawing = Drawing(figure)
    axes = figure.subplots(grid_rows, columns, squeeze=False).ravel()
    drawn: dict[int, None] = {}  # patients with a line in some panel, in patient order
    missing_by_analyte: list[tuple[str, list[int]]] = []
    for ax, analyte in zip(axes, analytes, strict=False):
        name = analyte["analyte"]
        series = []
        for pid in pids:
            if (pid, name, before) in values and (pid, name, after) in values:
                pair = (values[pid, name, before], values[pid, name, after])
                series.append((pid, float(pair[0]), float(pair[1])))
                drawing.plotted(
                    cell_id("labs", (pid, name, before), "value"),
                    cell_id("labs", (pid, name, after), "value"),
                )
        drawn.update((pid, None) for pid, _, _ in series)
        lacking = [pid for pid in pids if pid not in {s[0] for s in series}]
        if lacking:
            missing_by_analyte.append((name, lacking))
        ax.set_ylim(0, max([s[2] for s in series] + [s[1] for s in series] + [1]) * 1.1)
        before_after_panel(ax, series, (before, after), max_individual_lines)
        ax.set_title(capitalise_first(name))
        ax.set_ylabel(analyte["unit"])
    for ax in axes[len(analytes) :]:
        ax.set_visible(False)
    drawn_pids = [pid for pid in pids if pid in drawn]
    patient_legend(figure, drawn_pids, max_individual_lines)
    names = [
        text(
            analyte["name"],
            f" ({analyte['analyte']}",
            f", {analyte['label_in_paper']} in Table II"
            if analyte["label_in_paper"] != analyte["analyte"]
            else "",
            f", {analyte['unit']})",
        )
        for analyte in analytes
    ]
    return drawing, FigureModel(
        key="labs",
        alt="Small line charts, one per laboratory analyte, each joining every patient's value "
        f"before {study_drug(dataset)} to the value after it.",
        caption=text(
            f"Laboratory values before {study_drug(dataset)} and ",
            *follow_up_text(dataset),
            " after its start, one panel per analyte and one line per patient (",
            *drawn_patients_text(
                dataset, drawn_pids, "laboratory value", reasons_by_key(table, ["patient_id"])
            ),
            "): ",
            *join_texts(names),
            ".",
            *missing_lab_text(missing_by_analyte, reasons_by_key(table, ["patient_id", "analyte"])),
        ),
        number_ids=tuple(drawing.number_ids),
    )


def missing_lab_text(
    missing_by_analyte: list[tuple[str, list[int]]], reasons: dict[tuple, str]
) -> Text:
    """' No line where a value is missing at either time: ESR (Patient 4: not measured).' or
    nothing. `reasons`: (patient, analyte) -> the words of missing_reason; a patient without a
    row of the analyte reads 'not recorded'."""
    if not missing_by_analyte:
        return ()
    parts = [
        text(
            name,
            " (",
            *join_texts(
                [
                    text("Patient ", patient_ref(p), f", {reasons.get((p, name), 'not recorded')}")
                    for p in pids[:CAPTION_NAMED_PATIENTS]
                ]
                + more_patients(pids),
                separator="; ",
                last="; ",
            ),
            ")",
        )
        for name, pids in missing_by_analyte
    ]
    return text(" No line where a value is missing at either time: ", *join_texts(parts), ".")


def shade_categories(ax: Axes, categories: list[dict], low: float, high: float) -> None:
    """A band per z-score category of bmd_categories.csv, labelled at the left edge."""
    for position, category in enumerate(categories):
        lower = category["z_lower"] if category["z_lower"] is not None else low
        upper = category["z_upper"] if category["z_upper"] is not None else high
        ax.axhspan(lower, upper, color=BAND_COLOURS[position % len(BAND_COLOURS)], zorder=0)
        ax.text(
            -0.22,
            (max(lower, low) + min(upper, high)) / 2,
            category["category"],
            fontsize=6,
            va="center",
            ha="left",
            color="#555555",
        )
    ax.set_ylim(low, high)


def bone_density(dataset: Dataset, max_individual_lines: int) -> tuple[Drawing, FigureModel]:
    table = dataset.tables["bone_density"]
    before, after = timepoints(table)
    categories = rows(dataset["bmd_categories"])
    pids = patient_ids(dataset)
    figure = Figure(
        figsize=(2 * PANEL_WIDTH_IN + 0.6, panel_height(len(pids), max_individual_lines) + 0.6),
        layout="constrained",
    )
    drawing = Drawing(figure)
    bmd_ax, z_ax = figure.subplots(1, 2)
    panels = (
        (bmd_ax, "bmd_g_cm2", "Bone mineral density"),
        (z_ax, "z_score", "Z-score"),
    )
    drawn: dict[int, None] = {}
    for ax, column, title in panels:
        measured = column_by_key(table.frame, ("patient_id", "timepoint"), column)
        series = []
        for pid in pids:
            if (pid, before) in measured and (pid, after) in measured:
                pair = (measured[pid, before], measured[pid, after])
                series.append((pid, float(pair[0]), float(pair[1])))
                drawing.plotted(
                    cell_id("bone_density", (pid, before), column),
                    cell_id("bone_density", (pid, after), column),
                )
        drawn.update((pid, None) for pid, _, _ in series)
        values = [v for s in series for v in s[1:]] or [0.0]  # no pairs: an empty panel
        if column == "z_score":
            bounds = [
                float(c[b]) for c in categories for b in ("z_lower", "z_upper") if c[b] is not None
            ]
            low = min(values + bounds) - 0.5
            high = max(values + bounds) + 0.5
            shade_categories(ax, categories, low, high)
            for c in categories:
                for b in ("z_lower", "z_upper"):
                    if c[b] is not None:
                        drawing.plotted(cell_id("bmd_categories", c["category"], b))
        else:
            margin = (max(values) - min(values)) * 0.15 or 0.1
            ax.set_ylim(min(values) - margin, max(values) + margin)
        before_after_panel(ax, series, (before, after), max_individual_lines)
        ax.set_title(title)
        ax.set_ylabel(table.fields[column].get("unit", ""))
    drawn_pids = [pid for pid in pids if pid in drawn]
    patient_legend(figure, drawn_pids, max_individual_lines)
    site_field = table.fields["site"]
    sites = " and ".join(
        words_for(site_field, site) for site in sorted(set(table.frame["site"].dropna()))
    )
    return drawing, FigureModel(
        key="bone_density",
        alt="Two line charts, bone mineral density and z-score, each joining every patient's "
        f"value before {study_drug(dataset)} to the value after it; the z-score chart is shaded "
        "by bone density category.",
        caption=text(
            f"Bone mineral density (left) and z-score (right) at the {sites} before "
            f"{study_drug(dataset)} "
            "and ",
            *follow_up_text(dataset),
            " after its start, one line per patient (",
            *drawn_patients_text(
                dataset, drawn_pids, "measurement", reasons_by_key(table, ["patient_id"])
            ),
            "). Shaded bands mark the z-score categories: ",
            *category_definitions(dataset),
            ".",
        ),
        number_ids=tuple(drawing.number_ids),
    )


def calcinosis(dataset: Dataset, max_individual_lines: int) -> tuple[Drawing, FigureModel]:
    """The calcinosis response per patient, drawn by casereport.calcinosis_figure (imported here,
    not at the top: that module builds on this one)."""
    from casereport.calcinosis_figure import calcinosis_response

    return calcinosis_response(dataset, max_individual_lines)


BUILDERS = {
    "timeline": timeline,
    "calcinosis": calcinosis,
    "labs": labs,
    "bone_density": bone_density,
}


def build_figure(
    name: str, dataset: Dataset, max_individual_lines: int = MAX_INDIVIDUAL_LINES
) -> tuple[Figure, FigureModel]:
    """The figure `name` (a key of stages.FIGURES) and its caption model."""
    with matplotlib.rc_context(STYLE):
        drawing, model = BUILDERS[name](dataset, max_individual_lines)
    return drawing.figure, model


def save_svg_and_png(figure: Figure, svg: Path | str, png: Path | str) -> None:
    """Write the SVG and the 300 dpi PNG through the backends' canvases, not Figure.savefig.

    Before each file savefig draws the figure once more with output switched off, to lay it out,
    and in that draw matplotlib still renders every rasterized artist (the summary forms' marks,
    the costliest part of a large figure). A canvas lays the figure out within its one draw. The
    files are the same byte for byte as savefig's (checked on the real data and on 1,000 and
    10,000 synthetic patients).
    """
    # The figure's dpi is the PNG's resolution and that of the marks rasterized in the SVG (SVG
    # vectors are in points whatever the dpi). print_svg leaves it at 72: set it before each file.
    figure.set_dpi(PNG_DPI)
    FigureCanvasSVG(figure).print_svg(svg, metadata=SVG_METADATA)
    figure.set_dpi(PNG_DPI)
    FigureCanvasAgg(figure).print_png(png, metadata=PNG_METADATA)


def write_figure(
    name: str,
    dataset: Dataset,
    svg: Path | str,
    png: Path | str,
    caption: Path | str,
    max_individual_lines: int = MAX_INDIVIDUAL_LINES,
) -> FigureModel:
    with matplotlib.rc_context(STYLE):
        drawing, model = BUILDERS[name](dataset, max_individual_lines)
        save_svg_and_png(drawing.figure, svg, png)
    with open(caption, "w", encoding="utf-8") as handle:
        json.dump(figure_to_json(model), handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return model
