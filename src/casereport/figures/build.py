"""Building and writing a figure by name: the builders of each kind, the style context, SVG and PNG
through the backends' canvases, and the caption model as JSON."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from casereport import stages
from casereport.dataset import Dataset, load_dataset
from casereport.figures.labs import labs
from casereport.figures.style import (
    MAX_INDIVIDUAL_LINES,
    PNG_DPI,
    PNG_METADATA,
    STYLE,
    SVG_METADATA,
    Drawing,
)
from casereport.figures.timeline import timeline_data, timeline_per_patient
from casereport.figures.timeline_summary import timeline_summary
from casereport.model import FigureModel, figure_to_json
from casereport.project_extension import registered


def timeline(dataset: Dataset, max_individual_lines: int) -> tuple[Drawing, FigureModel]:
    """The timeline: one panel per patient, or its summary form above `max_individual_lines`."""
    data = timeline_data(dataset)
    if len(data.pids) > max_individual_lines:
        return timeline_summary(dataset, data)
    return timeline_per_patient(dataset, data)


BUILDERS = {
    "timeline": timeline,
    "labs": labs,
}


def figure_builder(name: str):
    """The builder of figure `name`: the package's, or the project extension's (its module
    `figures`, `BUILDERS`)."""
    return {**BUILDERS, **registered("figures", "BUILDERS")}[name]


def build_figure(
    name: str, dataset: Dataset, max_individual_lines: int = MAX_INDIVIDUAL_LINES
) -> tuple[Figure, FigureModel]:
    """The figure `name` (a key of stages.FIGURES) and its caption model."""
    with matplotlib.rc_context(STYLE):
        drawing, model = figure_builder(name)(dataset, max_individual_lines)
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


# rcParams are global to the process: the caption jobs run in threads of Snakemake's process (a
# `run:` block under force-use-threads), so two of them must not enter rc_context at once.
_STYLE_LOCK = threading.Lock()


def figure_model(
    name: str, dataset: Dataset, max_individual_lines: int = MAX_INDIVIDUAL_LINES
) -> FigureModel:
    """The caption model of figure `name`, without rendering it.

    The builders collect the ids of the numbers they plot while drawing, so the figure is built (a
    tenth to a third of a second on the paper's data) but neither laid out nor written: rendering
    the SVG and PNG is most of a figure job's time, and the report's HTML needs only this model.
    """
    with _STYLE_LOCK, matplotlib.rc_context(STYLE):
        _drawing, model = figure_builder(name)(dataset, max_individual_lines)
    return model


def write_caption(model: FigureModel, caption: Path | str) -> None:
    with open(caption, "w", encoding="utf-8") as handle:
        json.dump(figure_to_json(model), handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def write_figure_caption(
    name: str, inputs, caption: Path | str, max_individual_lines: int = MAX_INDIVIDUAL_LINES
) -> None:
    """Rule figure_caption's job: `inputs` has the validated `tables` (stages.FIGURES[name]) and
    the `datapackage`; writes the caption model of figure `name` to `caption`."""
    validated_dir = Path(inputs.tables[0]).parent
    dataset = load_dataset(validated_dir, inputs.datapackage, list(stages.FIGURES[name]))
    write_caption(figure_model(name, dataset, max_individual_lines), caption)


def write_drawings(
    name: str,
    dataset: Dataset,
    svg: Path | str,
    png: Path | str,
    max_individual_lines: int = MAX_INDIVIDUAL_LINES,
) -> FigureModel:
    """Draw figure `name` and write its SVG and PNG; returns its caption model."""
    with matplotlib.rc_context(STYLE):
        drawing, model = figure_builder(name)(dataset, max_individual_lines)
        save_svg_and_png(drawing.figure, svg, png)
    return model


def write_figure(
    name: str,
    dataset: Dataset,
    svg: Path | str,
    png: Path | str,
    caption: Path | str,
    max_individual_lines: int = MAX_INDIVIDUAL_LINES,
) -> FigureModel:
    """The SVG, the PNG and the caption model at once (the workflow writes them in two jobs)."""
    model = write_drawings(name, dataset, svg, png, max_individual_lines)
    write_caption(model, caption)
    return model
