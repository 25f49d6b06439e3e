"""The report's figures: drawn from the data, written as SVG, 300 dpi PNG and a caption model.

    timeline      one panel per patient, one lane per drug: exposures over calendar months,
                  course starts, adverse events and the per-patient events the project marks
    labs          one panel per analyte: each patient's value before and after the study drug

A project's extension adds the figures only its report draws (its module `figures`, BUILDERS;
casereport.project_extension) and may add per-patient marks to the timeline (TIMELINE_MARKS).

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
The package, one module per figure kind: `timeline` (and its large-series form
`timeline_summary`), `labs` (drawn with `before_after`, which a project's before/after figures
share); `style` holds what they share and `build` builds and writes a figure by name, the
package's or the project's. The names below are the
package's interface as the workflow's scripts and the tests import them.
"""

from __future__ import annotations

from casereport.figures.before_after import (
    CAPTION_NAMED_PATIENTS,
    before_after_panel,
    drawn_patients_text,
    more_patients,
    panel_height,
    patient_colours,
    patient_legend,
)
from casereport.figures.build import (
    BUILDERS,
    build_figure,
    figure_model,
    save_svg_and_png,
    timeline,
    write_caption,
    write_drawings,
    write_figure,
    write_figure_caption,
)
from casereport.figures.labs import (
    labs,
    missing_lab_text,
)
from casereport.figures.style import (
    ADVERSE_EVENT_COLOUR,
    LABEL_HEIGHT_IN,
    LANE_HEIGHT_IN,
    MARKER_COLOUR,
    MAX_INDIVIDUAL_LINES,
    OTHER_DRUG_COLOUR,
    PALETTE,
    PANEL_HEIGHT_IN,
    PANEL_MARGIN_IN,
    PANEL_WIDTH_IN,
    PNG_DPI,
    PNG_METADATA,
    RASTERIZED,
    STUDY_DRUG_COLOUR,
    STYLE,
    SUMMARY_LINE_COLOUR,
    SVG_METADATA,
    TIMELINE_EXCERPT_PATIENTS,
    TIMELINE_WIDTH_IN,
    Drawing,
    colour,
    column_by_key,
    marker_handle,
    patient_count_ref,
    patient_ref,
    patients_text,
    spread,
)
from casereport.figures.timeline import (
    EVENT_COURSE_COLUMN,
    PatientMark,
    PatientMarks,
    TimelineData,
    adverse_events_by_course,
    course_months,
    draw_adverse_events,
    draw_courses,
    draw_exposure,
    draw_marks,
    draw_patient_panel,
    drug_colour,
    drug_lanes,
    exposure_spans,
    format_calendar_axis,
    month_x,
    patient_lanes,
    project_event_course,
    project_marks,
    study_drug_rows,
    study_period,
    study_period_refs,
    timeline_caption,
    timeline_data,
    timeline_legend,
    timeline_per_patient,
    treatment_ids_plotted,
    treatments_in_period_text,
)
from casereport.figures.timeline_summary import (
    MonthlyCounts,
    draw_monthly_counts,
    monthly_counts,
    timeline_summary,
    timeline_summary_caption,
)

__all__ = [
    "ADVERSE_EVENT_COLOUR",
    "BUILDERS",
    "CAPTION_NAMED_PATIENTS",
    "Drawing",
    "EVENT_COURSE_COLUMN",
    "LABEL_HEIGHT_IN",
    "LANE_HEIGHT_IN",
    "MARKER_COLOUR",
    "MAX_INDIVIDUAL_LINES",
    "MonthlyCounts",
    "OTHER_DRUG_COLOUR",
    "PALETTE",
    "PANEL_HEIGHT_IN",
    "PANEL_MARGIN_IN",
    "PANEL_WIDTH_IN",
    "PNG_DPI",
    "PNG_METADATA",
    "PatientMark",
    "PatientMarks",
    "RASTERIZED",
    "STUDY_DRUG_COLOUR",
    "STYLE",
    "SUMMARY_LINE_COLOUR",
    "SVG_METADATA",
    "TIMELINE_EXCERPT_PATIENTS",
    "TIMELINE_WIDTH_IN",
    "TimelineData",
    "adverse_events_by_course",
    "before_after_panel",
    "build_figure",
    "colour",
    "column_by_key",
    "course_months",
    "draw_adverse_events",
    "draw_courses",
    "draw_exposure",
    "draw_marks",
    "draw_monthly_counts",
    "draw_patient_panel",
    "drawn_patients_text",
    "drug_colour",
    "drug_lanes",
    "exposure_spans",
    "figure_model",
    "format_calendar_axis",
    "labs",
    "marker_handle",
    "missing_lab_text",
    "month_x",
    "monthly_counts",
    "more_patients",
    "panel_height",
    "patient_colours",
    "patient_count_ref",
    "patient_lanes",
    "patient_legend",
    "patient_ref",
    "patients_text",
    "project_event_course",
    "project_marks",
    "save_svg_and_png",
    "spread",
    "study_drug_rows",
    "study_period",
    "study_period_refs",
    "timeline",
    "timeline_caption",
    "timeline_data",
    "timeline_legend",
    "timeline_per_patient",
    "timeline_summary",
    "timeline_summary_caption",
    "treatment_ids_plotted",
    "treatments_in_period_text",
    "write_caption",
    "write_drawings",
    "write_figure",
    "write_figure_caption",
]
