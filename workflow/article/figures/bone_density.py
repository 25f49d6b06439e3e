"""The bone density figure: BMD and z-score before and after the study drug, over the bands of the
z-score categories (bmd_categories.csv). Drawn with the package's before/after panels
(casereport.figures.before_after)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from casereport.clinical import patient_ids, timepoints
from casereport.dataset import Dataset, rows
from casereport.figures.before_after import (
    before_after_panel,
    drawn_patients_text,
    panel_height,
    patient_legend,
)
from casereport.figures.style import PANEL_WIDTH_IN, Drawing, column_by_key
from casereport.ledger import cell_id
from casereport.missing import reasons_by_key
from casereport.model import FigureModel, text
from casereport.tables import (
    joined_values_words,
    measured_when,
    untreated_note,
)
from casereport.words import words_for

from ..bmd import category_definitions

BAND_COLOURS = ("#F4CCCC", "#FCE5CD", "#D9EAD3", "#CFE2F3")  # z-score category bands, by row


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
        + "value "
        + joined_values_words(dataset)
        + "; the z-score chart is shaded by bone density category.",
        caption=text(
            f"Bone mineral density (left) and z-score (right) at the {sites}",
            *measured_when(dataset),
            ", one line per patient (",
            *drawn_patients_text(
                dataset, drawn_pids, "measurement", reasons_by_key(table, ["patient_id"])
            ),
            "). Shaded bands mark the z-score categories: ",
            *category_definitions(dataset),
            ".",
            *untreated_note(dataset),
        ),
        number_ids=tuple(drawing.number_ids),
    )
