"""The tables of a large series as summaries: counts and percentages, medians and interquartile
ranges, each statistic a ledger Number (casereport.summary)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from casereport.catalog import (
    enum_values,
    rows,
    table_i_treatments,
    timepoints,
)
from casereport.clinical import bmd_classifier
from casereport.dataset import Dataset
from casereport.derived_numbers import computed
from casereport.formatting import (
    capitalise_first,
    to_decimal,
)
from casereport.ledger import Number
from casereport.model import Ref, TableModel, Text, text
from casereport.summary import Source, quartile_numbers, share_numbers, summary_id
from casereport.tables.per_patient import (
    UNDATED_TIMEPOINTS,
    analytes_measured,
    bone_density_caption_opening,
    category_definitions,
    follow_up_text,
    nobody_treated,
    untreated_note,
)
from casereport.words import study_drug

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


# patients.csv columns Table I summarises as median [IQR], with their row labels.
SUMMARY_PATIENT_COLUMNS = {
    "age_at_diagnosis_years": "Age at diagnosis (years)",
    "disease_duration_years": "Disease duration (years)",
    "pamidronate_courses": "Courses of pamidronate",
}


def patient_characteristics(dataset: Dataset, builder: SummaryBuilder) -> None:
    """Sex and calcinosis outcome as n (%), ages, duration and courses as median [IQR]."""
    table = dataset.tables["patients"]
    patients = rows(table.frame)

    def share_of_each(column: str, label: Callable[[str], str], what: Callable[[str], str]):
        """One n (%) row per allowed value of `column`, in the data dictionary's order."""
        for value in enum_values(table, column):
            cell = builder.share(
                summary_id("patients", column, value),
                [p for p in patients if p[column] == value],
                len(patients),
                patients,
                column,
                what=what(value),
                of="all patients",
            )
            builder.rows.append((text(f"{label(value)}, n (%)"), cell))

    share_of_each("sex", capitalise_first, lambda sex: f"patients with sex {sex}")
    for column, label in SUMMARY_PATIENT_COLUMNS.items():
        having = [p for p in patients if p[column] is not None]
        cell = builder.quartiles(
            summary_id("patients", column),
            [p[column] for p in having],
            having,
            column,
            unit=table.fields[column].get("unit", ""),
            what=f"{column} over the patients",
        )
        builder.rows.append((text(f"{label}, median [IQR]"), cell))
    share_of_each(
        "calcinosis_outcome",
        lambda outcome: f"Calcinosis {outcome}",
        lambda outcome: f"patients whose calcinosis outcome is {outcome}",
    )


def patients_per_value(
    dataset: Dataset,
    table: str,
    column: str,
    listed: list[dict],
    builder: SummaryBuilder,
    label: Callable[[str], str],
    what: Callable[[str], str],
) -> None:
    """One n (%) row per value of `column` among the `listed` rows (data order): the patients
    with at least one such row."""
    total = len(dataset["patients"])
    for value, matching in grouped(listed, column).items():
        cell = builder.share(
            summary_id(table, value),
            matching,
            total,
            listed,
            f"patient_id;{column};listed_in_table_i",
            what=what(value),
            of="all patients (derived.patient_count)",
        )
        builder.rows.append((text(label(value)), cell))


def summary_table1(dataset: Dataset) -> tuple[TableModel, list[Number]]:
    patients = SummaryBuilder(dataset.source_file("patients"))
    patient_characteristics(dataset, patients)
    drugs = SummaryBuilder(dataset.source_file("treatments"))
    patients_per_value(
        dataset,
        "treatments",
        "drug",
        table_i_treatments(dataset),
        drugs,
        label=lambda drug: f"Given {drug}, n (%)",
        what=lambda drug: f"patients with a Table I entry of {drug}",
    )
    sites = SummaryBuilder(dataset.source_file("calcinosis_sites"))
    listed_sites = [s for s in rows(dataset["calcinosis_sites"]) if s["listed_in_table_i"]]
    patients_per_value(
        dataset,
        "calcinosis_sites",
        "site",
        listed_sites,
        sites,
        label=lambda site: f"Calcinosis of the {site}, n (%)",
        what=lambda site: f"patients with calcinosis of the {site} in Table I",
    )
    parts = (patients, drugs, sites)
    model = TableModel(
        key="table1",
        title="Table I",
        caption=text(
            "Clinical data of the ",
            Ref("derived.patient_count"),
            " patients, summarised. A "
            "drug or a location counts the patients with at least one Table I entry of it.",
        ),
        header=(text(), text("All patients")),
        rows=tuple(row for part in parts for row in part.rows),
        notes=(IQR_NOTE,),
    )
    return model, [n for part in parts for n in part.numbers]


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
            *(
                text(f"Analytical parameters {UNDATED_TIMEPOINTS}")
                if nobody_treated(dataset)
                else text(
                    "Analytical parameters before and after ",
                    *follow_up_text(dataset),
                    f" of {study_drug(dataset)} therapy",
                )
            ),
            ", summarised over the patients with a value at both time points; the change is "
            "computed patient by patient.",
            *untreated_note(dataset),
        ),
        header=header,
        rows=tuple(builder.rows),
        notes=(IQR_NOTE,),
    )
    return model, builder.numbers


def summary_table3(dataset: Dataset) -> tuple[TableModel, list[Number]]:
    density = dataset.tables["bone_density"]
    points = timepoints(density)
    builder = SummaryBuilder(dataset.source_file("bone_density"))
    # Measurements recorded as missing (casereport.missing) are summarised by no statistic.
    present = [
        r for r in rows(density.frame) if r["bmd_g_cm2"] is not None and r["z_score"] is not None
    ]
    pairs = pairs_of(present, lambda r: (r["patient_id"],), points)
    both = [row for pair in pairs for row in pair]
    count_id = summary_id("bone_density", "pairs")
    builder.numbers.append(
        computed(
            count_id,
            len(pairs),
            unit="patients",
            source_file=builder.source_file,
            rows_used=both or rows(density.frame),
            columns="bmd_g_cm2;z_score",
            derivation="number of patients measured at both time points",
        )
    )
    for column, label in (("bmd_g_cm2", "BMD"), ("z_score", "Z-score")):
        unit = density.fields[column].get("unit", "")
        cells = before_after_cells(
            builder, summary_id("bone_density", column), pairs, column, points, unit, column
        )
        builder.rows.append((text(f"{label} ({unit}), median [IQR]"), *cells))
    categories = rows(dataset["bmd_categories"])
    category_of = bmd_classifier(categories)
    # Nobody measured at both times: no share of nobody (the count above says 0).
    for category in categories if pairs else []:
        name = category["category"]
        cells = []
        for position, point in enumerate(points):
            measured = [pair[position] for pair in pairs]
            cells.append(
                builder.share(
                    summary_id("bone_density", "category", point, name),
                    [r for r in measured if category_of(r["z_score"]) == name],
                    len(measured),
                    measured,
                    "z_score",
                    what=f"patients whose z_score {point} is in the category {name}",
                    of="the patients measured at both time points",
                )
            )
        builder.rows.append((text(f"{capitalise_first(name)}, n (%)"), *cells, text()))
    model = TableModel(
        key="table3",
        title="Table III",
        caption=text(
            *bone_density_caption_opening(dataset, points[0], points[1]),
            ", summarised over the ",
            Ref(count_id),
            " patients measured at both time points: medians with interquartile ranges, the "
            "change computed patient by patient, and the number of patients in each z-score "
            "category: ",
            *category_definitions(dataset),
            ".",
            *untreated_note(dataset),
        ),
        header=(
            text(),
            *(text(capitalise_first(p)) for p in points),
            text(f"Change ({points[1]} − {points[0]})"),
        ),
        rows=tuple(builder.rows),
        notes=(IQR_NOTE,),
    )
    return model, builder.numbers


SUMMARY_BUILDERS: dict[str, Callable[[Dataset], tuple[TableModel, list[Number]]]] = {
    "table1": summary_table1,
    "table2": summary_table2,
    "table3": summary_table3,
}


def summary_table(name: str, dataset: Dataset) -> tuple[TableModel, list[Number]]:
    """The table `name` summarised for a large series, and the Numbers of its statistics."""
    return SUMMARY_BUILDERS[name](dataset)
