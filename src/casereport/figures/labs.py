"""The laboratory figure: one panel per analyte measured, each patient's value before and after the
study drug."""

from __future__ import annotations

from matplotlib.figure import Figure

from casereport.clinical import analytes_measured, patient_ids, timepoints
from casereport.dataset import Dataset
from casereport.figures.before_after import (
    CAPTION_NAMED_PATIENTS,
    before_after_panel,
    drawn_patients_text,
    more_patients,
    panel_height,
    patient_legend,
)
from casereport.figures.style import PANEL_WIDTH_IN, Drawing, column_by_key, patient_ref
from casereport.formatting import (
    capitalise_first,
    join_texts,
)
from casereport.ledger import cell_id
from casereport.missing import reasons_by_key
from casereport.model import FigureModel, Text, text
from casereport.tables import (
    joined_values_words,
    measured_when,
    untreated_note,
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
        + joined_values_words(dataset)
        + ".",
        caption=text(
            "Laboratory values",
            *measured_when(dataset),
            ", one panel per analyte and one line per patient (",
            *drawn_patients_text(
                dataset, drawn_pids, "laboratory value", reasons_by_key(table, ["patient_id"])
            ),
            "): ",
            *join_texts(names),
            ".",
            *missing_lab_text(missing_by_analyte, reasons_by_key(table, ["patient_id", "analyte"])),
            *untreated_note(dataset),
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
