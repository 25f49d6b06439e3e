"""The tables of a large series as summaries: counts and percentages, medians and interquartile
ranges, each statistic a ledger Number (casereport.summary). The package summarises Table II; a
project's extension summarises its own tables (tables.SUMMARY_BUILDERS) with the same pieces:
SummaryBuilder, patients_per_value, pairs_of, before_after_cells, IQR_NOTE."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from casereport.clinical import timepoints
from casereport.dataset import Dataset, rows
from casereport.derived_numbers import computed
from casereport.formatting import (
    capitalise_first,
    to_decimal,
)
from casereport.ledger import Number
from casereport.model import Ref, TableModel, Text, text
from casereport.project_extension import registered
from casereport.summary import Source, quartile_numbers, share_numbers, summary_id
from casereport.tables.per_patient import (
    analytes_caption_opening,
    analytes_measured,
    untreated_note,
)

# --- summaries of a large series -------------------------------------------------------------

IQR_NOTE = text(
    "n: number of patients. Median [IQR]: the median, and the interquartile range from the first "
    "to the third quartile."
)


def quartiles_text(stem: str, negative_start: bool = False) -> Text:
    """'8 [6–11]': median [first quartile–third quartile], each a Ref. A range that starts below
    zero reads '[-3 to -2]': a dash beside a minus sign would read as a double minus."""
    between = " to " if negative_start else "–"
    return text(Ref(f"{stem}.median"), " [", Ref(f"{stem}.q1"), between, Ref(f"{stem}.q3"), "]")


def share_text(stem: str) -> Text:
    """'120 (60%)': a count and its percentage, each a Ref."""
    return text(Ref(f"{stem}.count"), " (", Ref(f"{stem}.percent"), "%)")


@dataclass
class SummaryBuilder:
    """Rows of a summary table and the ledger Numbers they show, collected side by side so that
    every Ref a row holds has its Number."""

    source_file: str
    rows: list[tuple[Text, ...]] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)

    def quartiles(self, stem: str, values: list, rows_used: list[dict], columns: str, **how):
        """Median [IQR] of `values` (read from `rows_used`), or an empty cell without values."""
        if not values:
            return ()
        source = Source(self.source_file, rows_used, columns)
        statistics = quartile_numbers(stem, values, source, **how)
        self.numbers += statistics
        first_quartile = next(n for n in statistics if n.id == f"{stem}.q1")
        return quartiles_text(stem, first_quartile.display.startswith("-"))

    def share(
        self, stem: str, matching: list[dict], total: int, examined: list[dict], columns, **how
    ) -> Text:
        """n (%) of the patients in `matching` (rows, one or more per patient)."""
        count = len({r["patient_id"] for r in matching})
        source = Source(self.source_file, matching or examined, columns)
        self.numbers += share_numbers(stem, count, total, source, **how)
        return share_text(stem)


def patients_per_value(
    dataset: Dataset,
    table: str,
    column: str,
    listed: list[dict],
    builder: SummaryBuilder,
    label: Callable[[str], str],
    what: Callable[[str], str],
    chosen_by: str = "",
) -> None:
    """One n (%) row per value of `column` among the `listed` rows (data order): the patients
    with at least one such row. `chosen_by`: the column that chose the listed rows, if any; the
    Numbers name it among the columns read."""
    total = len(dataset["patients"])
    columns = ";".join(c for c in ("patient_id", column, chosen_by) if c)
    for value, matching in grouped(listed, column).items():
        cell = builder.share(
            summary_id(table, value),
            matching,
            total,
            listed,
            columns,
            what=what(value),
            of="all patients (derived.patient_count)",
        )
        builder.rows.append((text(label(value)), cell))


def grouped(table_rows: list[dict], column: str) -> dict:
    """Rows by their value of `column`, values in order of first appearance: one pass, where
    filtering the rows once per value grows with values times rows."""
    groups: dict = {}
    for row in table_rows:
        groups.setdefault(row[column], []).append(row)
    return groups


def pairs_of(table_rows: list[dict], key: Callable[[dict], tuple], points: tuple[str, str]):
    """(before row, after row) of each key measured at both time points, in row order."""
    at: dict[tuple, dict[str, dict]] = {}
    for row in table_rows:
        at.setdefault(key(row), {})[row["timepoint"]] = row
    return [(m[points[0]], m[points[1]]) for m in at.values() if points[0] in m and points[1] in m]


def before_after_cells(
    builder: SummaryBuilder,
    stem: str,
    pairs: list[tuple[dict, dict]],
    column: str,
    points: tuple[str, str],
    unit: str,
    what: str,
) -> list[Text]:
    """Median [IQR] before, after, and of the paired change (after − before)."""
    cells = []
    for position, point in enumerate(points):
        used = [pair[position] for pair in pairs]
        cells.append(
            builder.quartiles(
                f"{stem}.{point}",
                [r[column] for r in used],
                used,
                column,
                unit=unit,
                what=f"{what} {point}, over the patients measured at both time points",
            )
        )
    both = [row for pair in pairs for row in pair]
    changes = [to_decimal(after[column]) - to_decimal(before[column]) for before, after in pairs]
    cells.append(
        builder.quartiles(
            f"{stem}.change",
            changes,
            both,
            column,
            unit=unit,
            what=f"the paired change of {what} ({points[1]} - {points[0]}), patient by patient",
        )
    )
    return cells


def summary_table2(dataset: Dataset) -> tuple[TableModel, list[Number]]:
    labs = dataset.tables["labs"]
    points = timepoints(labs)
    builder = SummaryBuilder(dataset.source_file("labs"))
    # Values recorded as missing (casereport.missing) are summarised by no statistic.
    all_lab_rows = rows(labs.frame)
    lab_rows = [r for r in all_lab_rows if r["value"] is not None]
    rows_of_analyte = grouped(lab_rows, "analyte")
    for analyte in analytes_measured(dataset):
        name = analyte["analyte"]
        pairs = pairs_of(rows_of_analyte.get(name, []), lambda r: (r["patient_id"],), points)
        stem = summary_id("labs", name)
        count_id = f"{stem}.pairs"
        builder.numbers.append(
            computed(
                count_id,
                len(pairs),
                unit="patients",
                source_file=builder.source_file,
                # A count of none points at every row examined (missing values included).
                rows_used=[row for pair in pairs for row in pair] or all_lab_rows,
                columns="value",
                derivation=f"number of patients with a value of {name} at both time points",
            )
        )
        cells = before_after_cells(
            builder, stem, pairs, "value", points, analyte["unit"], f"value of {name}"
        )
        label = text(f"{analyte['label_in_paper']} ({analyte['unit']})")
        builder.rows.append((label, text(Ref(count_id)), *cells))
    header = (
        text("Analyte (unit)"),
        text("n"),
        *(text(f"{capitalise_first(p)}, median [IQR]") for p in points),
        text(f"Change ({points[1]} − {points[0]}), median [IQR]"),
    )
    model = TableModel(
        key="table2",
        title="Table II",
        caption=text(
            *analytes_caption_opening(dataset),
            ", summarised over the patients with a value at both time points; the change is "
            "computed patient by patient.",
            *untreated_note(dataset),
        ),
        header=header,
        rows=tuple(builder.rows),
        notes=(IQR_NOTE,),
    )
    return model, builder.numbers


SUMMARY_BUILDERS: dict[str, Callable[[Dataset], tuple[TableModel, list[Number]]]] = {
    "table2": summary_table2,
}


def summary_table(name: str, dataset: Dataset) -> tuple[TableModel, list[Number]]:
    """The table `name` summarised for a large series, and the Numbers of its statistics."""
    return {**SUMMARY_BUILDERS, **registered("tables", "SUMMARY_BUILDERS")}[name](dataset)
