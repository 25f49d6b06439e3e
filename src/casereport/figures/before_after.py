"""Before/after panels shared by the laboratory figure and a project's before/after figures: one
line per patient up to `max_individual_lines`, thin lines with the median above it, and the
captions' patient lists."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from casereport.clinical import patient_ids
from casereport.dataset import Dataset
from casereport.figures.style import (
    LABEL_HEIGHT_IN,
    MARKER_COLOUR,
    MAX_INDIVIDUAL_LINES,
    PANEL_HEIGHT_IN,
    PANEL_MARGIN_IN,
    RASTERIZED,
    SUMMARY_LINE_COLOUR,
    colour,
    patient_ref,
    patients_text,
    spread,
)
from casereport.formatting import (
    capitalise_first,
    join_texts,
)
from casereport.model import Text, text


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
