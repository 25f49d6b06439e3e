"""What every figure shares: the matplotlib style and colours, sizes in inches, byte-stable file
metadata, the `Drawing` (a figure and the ledger ids it plots) and small helpers of layout and
wording."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from casereport.clinical import patient_ids
from casereport.dataset import Dataset
from casereport.formatting import (
    plural,
)
from casereport.ledger import cell_id
from casereport.model import Ref, Text, text
from casereport.tables import (
    EXCERPT_PATIENTS,
    LARGE_SERIES_THRESHOLD,
)

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


def marker_handle(label: str, marker: str, colour_of_mark: str = MARKER_COLOUR, size=5) -> Line2D:
    return Line2D(
        [], [], color=colour_of_mark, marker=marker, markersize=size, linestyle="none", label=label
    )


# The summary timeline draws fewer patients one by one than the report's excerpt shows
# (EXCERPT_PATIENTS): each patient is a panel of several lanes, and with ten of them the figure was
# over 50 cm tall, too tall for a printed page at a legible scale.
TIMELINE_EXCERPT_PATIENTS = min(4, EXCERPT_PATIENTS)


def patient_ref(pid: int) -> Ref:
    return Ref(cell_id("patients", pid, "patient_id"))
