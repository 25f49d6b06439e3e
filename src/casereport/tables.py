"""The report's tables, built once as TableModels whose numbers are Refs into the ledger.

`build_table(name, dataset)` builds one of stages.TABLES from the loaded tables that stage lists;
`write_table_csv(model, ledger, path)` writes what a reader sees. The HTML report renders the same
models, so a table's wording lives here only.

    table1  the paper's Table I: one column per patient; gender, ages, treatments, calcinosis sites
    table2  the paper's Table II: one row per patient; each analyte before and after pamidronate
    table3  new: bone mineral density and z-score before, after, their change, and the z-score
            category (bmd_categories.csv) at each time point

Nothing here knows how many patients, drugs or analytes there are: rows and columns come from the
data, in the order the data gives (patient_id, treatment_id, site_id, analytes.csv row order).

A large series (more patients than `large_series_threshold` in config/config.yaml) cannot be read
one patient per row or column. `summary_table(name, dataset)` gives the same table as a summary
(counts and percentages, medians and interquartile ranges) together with the ledger Numbers of its
statistics (casereport.summary); the per-patient tables stay the workflow's CSV files, and
`per_patient_excerpt` gives the first patients of one for the report's appendix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from casereport.catalog import (
    by_patient,
    catalog_subset,
    computed,
    cyclic_gc_paused,
    enum_values,
    rows,
    table_i_treatments,
    timepoints,
)
from casereport.clinical import (
    analytes_measured,
    bmd_classifier,
    patient_ids,
)
from casereport.dataset import Dataset
from casereport.formatting import (
    capitalise_first,
    date_range_text,
    dose_text,
    interval_text,
    join_texts,
    plural,
    to_decimal,
)
from casereport.ledger import Ledger, Number, cell_id
from casereport.model import Ref, TableModel, Text, plain, text
from casereport.spreadsheet import SafeWriter
from casereport.summary import Source, quartile_numbers, share_numbers, summary_id
from casereport.words import route_abbreviations, study_drug, words_for

TREATMENT_LINE_SEPARATOR = "\n"  # Table I prints one treatment per line within a cell

# Default of config `large_series_threshold`: above this many patients the report summarises the
# tables and the figures draw their summary form (casereport.figures uses the same default).
LARGE_SERIES_THRESHOLD = 20
# A large series shows this many patients one by one: case summaries and per-patient tables in the
# report (casereport.render), lanes of the timeline's summary form (casereport.figures).
EXCERPT_PATIENTS = 10


# --- shared pieces ---------------------------------------------------------------------------


def patient_label(patient_id: int) -> Text:
    """'Patient 1', the number a Ref to the patient's id cell."""
    return text("Patient ", Ref(cell_id("patients", patient_id, "patient_id")))


def follow_up_ref() -> Ref:
    """The time from the first pamidronate course to the post-treatment measurements."""
    return Ref(cell_id("protocol", "follow_up_years", "value"))


def follow_up_text(dataset: Dataset) -> Text:
    """'1 year', from protocol.csv."""
    years = dataset["protocol"].set_index("parameter").loc["follow_up_years", "value"]
    return text(follow_up_ref(), " ", plural("year", years))


def years_text(patient: dict, column: str) -> Text:
    """'7 years' from a patients cell."""
    value = patient[column]
    if value is None:
        return ()
    return text(Ref(cell_id("patients", patient["patient_id"], column)), " ", plural("year", value))


def bound_ref(category: str, column: str) -> Ref:
    return Ref(cell_id("bmd_categories", category, column))


def category_definition(category: dict) -> Text:
    """'osteopenia (-2 < z ≤ -1)', with each bound a Ref and its inclusive flag honoured."""
    name = category["category"]
    lower, upper = category["z_lower"], category["z_upper"]
    lower_sign = "≤" if category["z_lower_inclusive"] else "<"
    upper_sign = "≤" if category["z_upper_inclusive"] else "<"
    if lower is not None and upper is not None:
        bounds = text(bound_ref(name, "z_lower"), f" {lower_sign} z {upper_sign} ")
        bounds += text(bound_ref(name, "z_upper"))
    elif upper is not None:
        bounds = text(f"z {upper_sign} ", bound_ref(name, "z_upper"))
    elif lower is not None:
        bounds = text(f"z {'≥' if category['z_lower_inclusive'] else '>'} ")
        bounds += text(bound_ref(name, "z_lower"))
    else:
        bounds = text("any z")
    return text(name, " (", *bounds, ")")


def category_definitions(dataset: Dataset) -> Text:
    """'osteoporosis (z ≤ -2), osteopenia (-2 < z ≤ -1) and normal (z > -1)'."""
    return join_texts([category_definition(c) for c in rows(dataset["bmd_categories"])])


# --- Table I ---------------------------------------------------------------------------------


def drugs_given_by_several_routes(treatments: list[dict]) -> set[str]:
    """Drugs whose Table I entries name more than one route in the whole series.

    Table I prints a route only where it tells entries apart: MTX is given PO to some patients
    and s.c. to others, while pamidronate and gammaglobulin are always intravenous, so the paper
    prints "PO" and "s.c." for MTX alone. The same rule keeps that behaviour for any series.
    """
    routes: dict[str, set[str]] = {}
    for row in treatments:
        if row["route"] is not None:
            routes.setdefault(row["drug"], set()).add(row["route"])
    return {drug for drug, named in routes.items() if len(named) > 1}


def schedule_text(row: dict) -> Text:
    """'3 consecutive days every 3 months' for drugs given in courses."""
    if row["course_days"] is None or row["interval_months"] is None:
        return ()
    tid = row["treatment_id"]
    days = Ref(cell_id("treatments", tid, "course_days"))
    interval = Ref(cell_id("treatments", tid, "interval_months"))
    return text(
        days,
        f" consecutive {plural('day', row['course_days'])} ",
        *interval_text(interval, int(row["interval_months"])),
    )


def later_schedule_text(row: dict) -> Text:
    """', and then every 6 months' when the schedule changed at end_month rather than stopped."""
    if row["later_interval_months"] is None:
        return ()
    interval = Ref(cell_id("treatments", row["treatment_id"], "later_interval_months"))
    return text(", and then ", *interval_text(interval, int(row["later_interval_months"])))


def treatment_entry(row: dict, route_label: str) -> Text:
    """One line of Table I's Treatment cell, e.g.
    'Pamidronate 1 mg/kg/day 3 consecutive days every 3 months (April 2005–August 2008), and then
    every 6 months'."""
    tid = row["treatment_id"]

    def ref(column: str) -> Ref | None:
        return Ref(cell_id("treatments", tid, column)) if row[column] is not None else None

    pieces: list[Text] = [
        text(row["drug_label"]),
        dose_text(ref("dose"), ref("dose_upper"), row["dose_unit"] or ""),
        text(route_label) if route_label else (),
        schedule_text(row),
        text(row["schedule_note"] or ""),
        date_range_text(ref("start_month"), ref("end_month")) if row["start_month"] else (),
    ]
    line = join_texts([p for p in pieces if p], separator=" ", last=" ")
    return line + later_schedule_text(row)


def treatment_cell(
    treatments: list[dict], several_routes: set[str], abbreviations: dict[str, str]
) -> Text:
    """The Treatment cell; a route is printed (as the dictionary abbreviates it) only for drugs
    given by several routes."""
    entries = [
        treatment_entry(
            row,
            abbreviations.get(row["route"], row["route"])
            if row["drug"] in several_routes and row["route"]
            else "",
        )
        for row in treatments
    ]
    return join_texts(entries, separator=TREATMENT_LINE_SEPARATOR, last=TREATMENT_LINE_SEPARATOR)


def site_phrase(site: dict) -> Text:
    return text(f"{site['side']} {site['site']}" if site["side"] else site["site"])


def sites_cell(sites: list[dict]) -> Text:
    """'Right arm and right gluteus'."""
    phrase = join_texts([site_phrase(s) for s in sites])
    if phrase and isinstance(phrase[0], str):
        phrase = (capitalise_first(phrase[0]), *phrase[1:])
    return phrase


def table1(dataset: Dataset, first_patients: int | None = None) -> TableModel:
    pids = patient_ids(dataset)[:first_patients]
    patients = {int(p["patient_id"]): p for p in rows(dataset["patients"])}
    listed = table_i_treatments(dataset)
    several_routes = drugs_given_by_several_routes(listed)
    abbreviations = route_abbreviations(dataset)
    treatments_of = by_patient(listed)
    sites_of = by_patient(
        sorted(
            (s for s in rows(dataset["calcinosis_sites"]) if s["listed_in_table_i"]),
            key=lambda s: s["site_id"],
        )
    )

    def row(label: str, cell: Callable[[int], Text]) -> tuple[Text, ...]:
        return (text(label), *(cell(pid) for pid in pids))

    return TableModel(
        key="table1",
        title="Table I",
        caption=text("Clinical data."),
        header=(text(), *(patient_label(pid) for pid in pids)),
        rows=(
            row("Gender", lambda pid: text(capitalise_first(patients[pid]["sex"]))),
            row(
                "Age at diagnosis", lambda pid: years_text(patients[pid], "age_at_diagnosis_years")
            ),
            row(
                "Disease duration", lambda pid: years_text(patients[pid], "disease_duration_years")
            ),
            row(
                "Treatment",
                lambda pid: treatment_cell(
                    treatments_of.get(pid, []), several_routes, abbreviations
                ),
            ),
            row("Location of calcinosis", lambda pid: sites_cell(sites_of.get(pid, []))),
        ),
    )


# --- Table II --------------------------------------------------------------------------------

# A cell whose patient has no row for it, and a change that lacks one of its two values.
NOT_RECORDED = "not recorded"
NOT_COMPUTED = "not computed"


def table2(dataset: Dataset, first_patients: int | None = None) -> TableModel:
    labs = dataset.tables["labs"]
    points = timepoints(labs)
    analytes = analytes_measured(dataset)
    present = {(int(r["patient_id"]), r["analyte"], r["timepoint"]) for r in rows(labs.frame)}

    def value(pid: int, analyte: str, point: str) -> Text:
        # A value recorded as missing is a ledger Number that shows its reason (casereport.missing).
        if (pid, analyte, point) not in present:
            return text(NOT_RECORDED)
        return text(Ref(cell_id("labs", (pid, analyte, point), "value")))

    header = [text()]
    for analyte in analytes:
        for point in points:
            label = f"{analyte['label_in_paper']} {capitalise_first(point)} ({analyte['unit']})"
            header.append(text(label))
    body = tuple(
        (
            patient_label(pid),
            *(value(pid, a["analyte"], point) for a in analytes for point in points),
        )
        for pid in patient_ids(dataset)[:first_patients]
    )
    return TableModel(
        key="table2",
        title="Table II",
        caption=text(
            "Analytical parameters before and after ",
            *follow_up_text(dataset),
            f" of {study_drug(dataset)} therapy.",
        ),
        header=tuple(header),
        rows=body,
    )


# --- Table III -------------------------------------------------------------------------------


def site_words(density, sites: list[str]) -> list[str]:
    """The measured sites in the data dictionary's words."""
    return [words_for(density.fields["site"], site) for site in sites]


def table3(dataset: Dataset, first_patients: int | None = None) -> TableModel:
    density = dataset.tables["bone_density"]
    before, after = timepoints(density)
    measured = {(int(r["patient_id"]), r["timepoint"]): r for r in rows(density.frame)}
    category_of = bmd_classifier(dataset["bmd_categories"])
    bmd_unit = density.fields["bmd_g_cm2"].get("unit", "")
    z_unit = density.fields["z_score"].get("unit", "")

    def measurement(pid: int, point: str, column: str) -> Text:
        # A value recorded as missing is a ledger Number that shows its reason (casereport.missing).
        if (pid, point) not in measured:
            return text(NOT_RECORDED)
        return text(Ref(cell_id("bone_density", (pid, point), column)))

    def difference(pid: int, name: str, column: str) -> Text:
        pair = [measured.get((pid, point), {}).get(column) for point in (before, after)]
        if None in pair:
            return text(NOT_COMPUTED)
        return text(Ref(f"derived.bone_density.{pid}.{name}"))

    def category(pid: int, point: str) -> Text:
        if (pid, point) not in measured or measured[pid, point]["z_score"] is None:
            return measurement(pid, point, "z_score")  # the reason it is missing
        return text(capitalise_first(category_of(measured[pid, point]["z_score"])))

    header = (
        text(),
        text(f"BMD {before} ({bmd_unit})"),
        text(f"BMD {after} ({bmd_unit})"),
        text(f"BMD change ({bmd_unit})"),
        text(f"Z-score {before} ({z_unit})"),
        text(f"Z-score {after} ({z_unit})"),
        text(f"Z-score change ({z_unit})"),
        text(f"Category {before}"),
        text(f"Category {after}"),
    )
    body = tuple(
        (
            patient_label(pid),
            measurement(pid, before, "bmd_g_cm2"),
            measurement(pid, after, "bmd_g_cm2"),
            difference(pid, "bmd_change", "bmd_g_cm2"),
            measurement(pid, before, "z_score"),
            measurement(pid, after, "z_score"),
            difference(pid, "z_change", "z_score"),
            category(pid, before),
            category(pid, after),
        )
        for pid in patient_ids(dataset)[:first_patients]
    )
    sites = sorted(set(density.frame["site"].dropna()))
    return TableModel(
        key="table3",
        title="Table III",
        caption=text(
            "Bone mineral density (BMD) at the ",
            " and ".join(site_words(density, sites)),
            f" before {study_drug(dataset)} ({before}) and ",
            *follow_up_text(dataset),
            f" after its start ({after}), with the change ({after} − {before}) and the "
            "category of each z-score: ",
            *category_definitions(dataset),
            ".",
        ),
        header=header,
        rows=body,
    )


BUILDERS: dict[str, Callable[[Dataset, int | None], TableModel]] = {
    "table1": table1,
    "table2": table2,
    "table3": table3,
}


def build_table(name: str, dataset: Dataset, first_patients: int | None = None) -> TableModel:
    """The table `name` (a key of stages.TABLES) from the tables that stage reads.

    With `first_patients`, only the first patients get their column (or row): the excerpt a large
    series' report shows. What the table shows for them still depends on the whole series (Table
    I names a drug's route when any patient had it by several routes; Table II's columns are the
    analytes measured in anyone), so the builders read every row and lay out only those patients.
    """
    return BUILDERS[name](dataset, first_patients)


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
            "Analytical parameters before and after ",
            *follow_up_text(dataset),
            f" of {study_drug(dataset)} therapy, summarised over the patients with a value at both "
            "time "
            "points; the change is computed patient by patient.",
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
    sites = sorted(set(density.frame["site"].dropna()))
    model = TableModel(
        key="table3",
        title="Table III",
        caption=text(
            "Bone mineral density (BMD) at the ",
            " and ".join(site_words(density, sites)),
            f" before {study_drug(dataset)} ({points[0]}) and ",
            *follow_up_text(dataset),
            f" after its start ({points[1]}), summarised over the ",
            Ref(count_id),
            " patients measured at both time points: medians with interquartile ranges, the "
            "change computed patient by patient, and the number of patients in each z-score "
            "category: ",
            *category_definitions(dataset),
            ".",
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


# --- per-patient excerpts --------------------------------------------------------------------


def transposed(model: TableModel) -> TableModel:
    """Rows become columns: Table I (one column per patient) as one row per patient."""
    grid = [model.header, *model.rows]
    columns = [tuple(line[i] for line in grid) for i in range(len(model.header))]
    return replace(model, header=columns[0], rows=tuple(columns[1:]))


def per_patient_excerpt(model: TableModel, patients: int) -> TableModel:
    """The first `patients` patients of a per-patient table, one row each."""
    by_row = transposed(model) if model.key == "table1" else model
    return replace(by_row, title=f"{model.title}, per patient", rows=by_row.rows[:patients])


# --- output ----------------------------------------------------------------------------------


def table_cells(model: TableModel, ledger: Ledger) -> list[list[str]]:
    """Header then rows, each cell as the reader sees it."""
    return [[plain(cell, ledger) for cell in line] for line in (model.header, *model.rows)]


def write_table_csv(model: TableModel, ledger: Ledger, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        SafeWriter(handle).writerows(table_cells(model, ledger))


@cyclic_gc_paused()
def write_table(name: str, dataset: Dataset, path: Path | str) -> TableModel:
    """Build a table and write its CSV, with the numbers' displays from an in-process catalog of
    the same tables (so a table job never waits for the catalog job), limited to the numbers the
    table shows."""
    model = build_table(name, dataset)
    write_table_csv(model, catalog_subset(dataset, table_refs(model)), path)
    return model


def table_refs(model: TableModel) -> list[str]:
    """Every ledger id a table shows, in reading order (caption, header, rows, notes)."""
    cells: list[Text] = [model.caption, *model.header, *(c for r in model.rows for c in r)]
    cells += list(model.notes)
    return [part.id for cell in cells for part in cell if isinstance(part, Ref)]
