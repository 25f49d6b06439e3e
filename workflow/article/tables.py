"""This article's Tables I and III, per patient and summarised for a large series.

    table1  the paper's Table I: one column per patient; gender, ages, the treatments Table I
            lists, and the locations of calcinosis
    table3  new: bone mineral density and z-score before, after, their change, and the z-score
            category (bmd_categories.csv) at each time point

casereport.tables.build_table and summary_table find them here (BUILDERS, SUMMARY_BUILDERS);
the package builds Table II, the measurements before and after the study drug, and lends the
pieces every table shares (patient labels, the follow-up, the summary rows and their Numbers).
The z-score categories and their words come from .bmd. Nothing here knows how many patients, drugs
or sites there are: columns and rows come from the data, in the order the data gives (patient_id,
treatment_id, site_id).
"""

from __future__ import annotations

from collections.abc import Callable

from casereport.clinical import patient_ids, table_i_treatments, timepoints
from casereport.dataset import Dataset, by_patient, enum_values, rows
from casereport.derived_numbers import computed
from casereport.formatting import (
    capitalise_first,
    date_range_text,
    dose_text,
    interval_text,
    join_texts,
    plural,
)
from casereport.ledger import Number, cell_id
from casereport.model import Ref, TableModel, Text, text
from casereport.summary import summary_id
from casereport.tables import (
    NOT_COMPUTED,
    NOT_RECORDED,
    UNDATED_TIMEPOINTS,
    drugs_given_by_several_routes,
    follow_up_text,
    nobody_treated,
    patient_label,
    untreated_note,
)
from casereport.tables.summaries import (
    IQR_NOTE,
    SummaryBuilder,
    before_after_cells,
    pairs_of,
    patients_per_value,
)
from casereport.words import route_abbreviations, study_drug, words_for

from .bmd import bmd_classifier, category_definitions

TREATMENT_LINE_SEPARATOR = "\n"  # Table I prints one treatment per line within a cell


# --- Table I ---------------------------------------------------------------------------------


def years_text(patient: dict, column: str) -> Text:
    """'7 years' from a patients cell."""
    value = patient[column]
    if value is None:
        return ()
    return text(Ref(cell_id("patients", patient["patient_id"], column)), " ", plural("year", value))


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


# --- Table III -------------------------------------------------------------------------------


def site_words(density, sites: list[str]) -> list[str]:
    """The measured sites in the data dictionary's words."""
    return [words_for(density.fields["site"], site) for site in sites]


def bone_density_caption_opening(dataset: Dataset, before: str, after: str) -> tuple:
    """'Bone mineral density (BMD) at the <sites> before <drug> (<before>) and <follow-up> after
    its start (<after>)': how Table III opens, per patient or summarised."""
    density = dataset.tables["bone_density"]
    sites = sorted(set(density.frame["site"].dropna()))
    if nobody_treated(dataset):
        return (
            "Bone mineral density (BMD) at the ",
            " and ".join(site_words(density, sites)),
            f" {UNDATED_TIMEPOINTS} ({before} and {after})",
        )
    return (
        "Bone mineral density (BMD) at the ",
        " and ".join(site_words(density, sites)),
        f" before {study_drug(dataset)} ({before}) and ",
        *follow_up_text(dataset),
        f" after its start ({after})",
    )


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
    return TableModel(
        key="table3",
        title="Table III",
        caption=text(
            *bone_density_caption_opening(dataset, before, after),
            f", with the change ({after} − {before}) and the category of each z-score: ",
            *category_definitions(dataset),
            ".",
            *untreated_note(dataset),
        ),
        header=header,
        rows=body,
    )


# --- their large-series summaries -------------------------------------------------------------

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
        chosen_by="listed_in_table_i",
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
        chosen_by="listed_in_table_i",
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


BUILDERS: dict[str, Callable[[Dataset, int | None], TableModel]] = {
    "table1": table1,
    "table3": table3,
}

SUMMARY_BUILDERS: dict[str, Callable[[Dataset], tuple[TableModel, list[Number]]]] = {
    "table1": summary_table1,
    "table3": summary_table3,
}
