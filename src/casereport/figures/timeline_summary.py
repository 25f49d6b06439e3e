"""The timeline's summary form for a large series: patients on each kind of drug and adverse events
month by month, then the first patients as the per-patient timeline draws them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from casereport.dataset import Dataset
from casereport.figures.style import (
    ADVERSE_EVENT_COLOUR,
    LANE_HEIGHT_IN,
    OTHER_DRUG_COLOUR,
    STUDY_DRUG_COLOUR,
    TIMELINE_EXCERPT_PATIENTS,
    TIMELINE_WIDTH_IN,
    Drawing,
    patient_ref,
)
from casereport.figures.timeline import (
    TimelineData,
    course_months,
    draw_patient_panel,
    exposure_spans,
    format_calendar_axis,
    patient_lanes,
    study_drug_rows,
    study_period_refs,
    timeline_legend,
    treatment_ids_plotted,
    treatments_in_period_text,
)
from casereport.ledger import cell_id
from casereport.model import FigureModel, Text, text


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
            course = int(event[data.event_course])
            if 1 <= course <= len(courses) and courses[course - 1] >= data.first:
                events[courses[course - 1] - data.first] += 1
                ids.append(cell_id("adverse_events", event["event_id"], data.event_course))
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
    timeline_legend(figure, data.study_drug, [kind for kind, _ in data.marks])
    return drawing, FigureModel(
        key="timeline",
        alt=f"Summary timeline: the number of patients on {data.study_drug} and on other drugs "
        "in each month, adverse events per month, and the treatments of the first patients, "
        "one panel per patient and one lane per drug.",
        caption=timeline_summary_caption(dataset, data, excerpt),
        number_ids=tuple(drawing.number_ids),
    )


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
        "frequent schedule), "
        + ", ".join(["ticks for course starts", *(kind.summary_caption for kind, _ in data.marks)])
        + " and stars for adverse events.",
    )
    if data.undated:
        caption += text(" Treatments without dates are neither counted nor drawn.")
    return caption
