"""Summary statistics of a large series, as ledger Numbers.

Above the configured `large_series_threshold`, the report shows Tables I to III as summaries
(casereport.tables `summary_table`) instead of one row or column per patient. Each statistic is a
computed Number like those of the catalog: its `derivation` says how it was computed and its
`source_line` lists every raw line it uses, so a median over 1,000 patients points at 1,000 lines.

    summary.<what>.median, .q1, .q3      median and quartiles (linear interpolation between order
                                         statistics: R's and numpy's default, Excel's QUARTILE.INC)
    summary.<what>.count, .percent       patients with a property, and their share of a group
    summary.<what>.pairs                 patients with a value at both time points

A median or quartile is shown to one decimal more than the most precise value it summarises (the
median of whole years can be a half year); a percentage to a whole percent. The `value` column
keeps the exact result.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from casereport.dataset import Dataset, rows
from casereport.derived_numbers import computed_at_lines, lines
from casereport.formatting import display_number, round_half_up, to_decimal
from casereport.ledger import Number

PREFIX = "summary"
QUARTILES = {"q1": Decimal("0.25"), "median": Decimal("0.5"), "q3": Decimal("0.75")}
PERCENT_VALUE_DECIMALS = 6


def summary_id(*parts: str | int) -> str:
    """'summary.labs.ESR.pre' from its parts; a part that is free text ('tensor of fasciae lata')
    becomes a slug, since ids also name HTML anchors."""
    return ".".join([PREFIX, *(slug(str(p)) for p in parts)])


def slug(words: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", words.strip()).strip("_") or "_"


# --- pure statistics -------------------------------------------------------------------------


def quantile(ordered: Sequence[Decimal], fraction: Decimal) -> Decimal:
    """The `fraction` quantile of sorted values, interpolating linearly between the two order
    statistics around position (n - 1) * fraction. Exact in Decimal: quartiles of whole numbers
    end in .25, .5 or .75, never in binary noise."""
    if not ordered:
        raise ValueError("no values to summarise")
    position = (len(ordered) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def decimals(values: Iterable[Decimal]) -> int:
    """Decimal places of the most precise value (0.475 -> 3, 12 -> 0)."""
    return max((max(0, -v.normalize().as_tuple().exponent) for v in values), default=0)


def percent(count: int, total: int) -> Decimal:
    return Decimal(100 * count) / Decimal(total) if total else Decimal(0)


# --- Numbers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the values of a statistic were read: the raw file, the rows and columns used."""

    file: str
    rows: list[dict]  # validated rows (with source_line) the statistic reads
    columns: str  # e.g. "value" or "patient_id;drug"

    @functools.cached_property
    def source_line(self) -> str:
        """The rows' lines joined by ';', once for the several statistics read from them."""
        return lines(self.rows)


def quartile_numbers(
    stem: str, values: Sequence[Decimal], source: Source, *, unit: str, what: str
) -> list[Number]:
    """`<stem>.q1`, `.median` and `.q3` of `values`; `what` names them in the derivation
    ("age_at_diagnosis_years over the patients")."""
    ordered = sorted(to_decimal(v) for v in values)
    shown = decimals(set(ordered)) + 1  # equal values share their precision once normalised
    numbers = []
    for name, fraction in QUARTILES.items():
        value = quantile(ordered, fraction)
        label = "median" if name == "median" else f"{'first' if name == 'q1' else 'third'} quartile"
        numbers.append(
            computed_at_lines(
                f"{stem}.{name}",
                value,
                display=display_number(round_half_up(value, shown)),
                unit=unit,
                source_file=source.file,
                source_line=source.source_line,
                columns=source.columns,
                derivation=f"{label} of {what} (linear interpolation between ranked values)",
            )
        )
    return numbers


def share_numbers(
    stem: str, count: int, total: int, source: Source, *, what: str, of: str
) -> list[Number]:
    """`<stem>.count` and `<stem>.percent`: how many patients `what`, and their share of `of`
    (`total` patients). A count of zero points at the rows examined, as the catalog's counts do."""
    share = percent(count, total)
    common = {
        "source_file": source.file,
        "source_line": source.source_line,
        "columns": source.columns,
    }
    return [
        computed_at_lines(
            f"{stem}.count", count, unit="patients", derivation=f"number of {what}", **common
        ),
        computed_at_lines(
            f"{stem}.percent",
            round_half_up(share, PERCENT_VALUE_DECIMALS),
            display=display_number(round_half_up(share, 0)),
            unit="%",
            derivation=f"number of {what}, as a percentage of {of}",
            **common,
        ),
    ]


# Patients with at least one adverse event: the large-series report gives their number instead of
# naming each patient.
ADVERSE_EVENTS_STEM = summary_id("adverse_events", "patients")


def adverse_event_numbers(dataset: Dataset) -> list[Number]:
    """`summary.adverse_events.patients.count` and `.percent`; none when no event is recorded
    (the report then says so in words)."""
    events = rows(dataset["adverse_events"])
    if not events:
        return []
    source = Source(dataset.source_file("adverse_events"), events, "patient_id")
    return share_numbers(
        ADVERSE_EVENTS_STEM,
        len({e["patient_id"] for e in events}),
        len(dataset["patients"]),
        source,
        what="patients with at least one adverse event",
        of="all patients (derived.patient_count)",
    )


def series_summary_numbers(dataset: Dataset) -> list[Number]:
    """The summaries of the whole series that no table shows (the table jobs compute theirs): the
    catalog job writes them, for any series size, to results/ledger/summaries.csv, and a large
    series' report reads them there. Each group is added when the tables it needs are loaded."""
    if not all(name in dataset.tables for name in ("patients", "adverse_events")):
        return []
    return adverse_event_numbers(dataset)
