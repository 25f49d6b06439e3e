"""The per-patient tables: Table I (one column per patient), Table II and III (one row per
patient), built as TableModels whose numbers are Refs into the ledger."""

from __future__ import annotations

from collections.abc import Callable

from casereport.catalog import (
    by_patient,
    rows,
    table_i_treatments,
    timepoints,
)
from casereport.clinical import (
    analytes_measured,
    bmd_classifier,
    patient_ids,
    untreated_patient_ids,
)
from casereport.dataset import Dataset
from casereport.formatting import (
    capitalise_first,
    date_range_text,
    dose_text,
    interval_text,
    join_texts,
    plural,
)
from casereport.ledger import cell_id
from casereport.model import Ref, TableModel, Text, text
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


# A caption names at most this many patients who did not receive the study drug.
NAMED_UNTREATED = 10
# What "before" and "after" are when nobody received the study drug (no first course).
UNDATED_TIMEPOINTS = "at the two time points of the data"


def nobody_treated(dataset: Dataset) -> bool:
    return len(untreated_patient_ids(dataset)) == len(patient_ids(dataset))


def untreated_note(dataset: Dataset) -> Text:
    """The sentence a caption that dates its time points by the study drug ends with when some
    patients did not receive it: ' Patients 4 and 6 did not receive pamidronate: for them the two
    time points are tied to no course.' Nothing when every patient received it; when nobody
    did, the caption's opening says so (UNDATED_TIMEPOINTS) and this adds why."""
    untreated = untreated_patient_ids(dataset)
    drug = study_drug(dataset)
    if not untreated:
        return ()
    if len(untreated) == len(patient_ids(dataset)):
        return text(f" No patient received {drug}, so no course dates them.")
    numbers = [text(Ref(cell_id("patients", pid, "patient_id"))) for pid in untreated]
    named = numbers[:NAMED_UNTREATED] + ([text("others")] if numbers[NAMED_UNTREATED:] else [])
    one = len(untreated) == 1
    return text(
        " Patient " if one else " Patients ",
        *join_texts(named),
        f" did not receive {drug}: for {'this patient' if one else 'them'} the two time points "
        "are tied to no course.",
    )


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
            *(
                text(f"Analytical parameters {UNDATED_TIMEPOINTS}.")
                if nobody_treated(dataset)
                else text(
                    "Analytical parameters before and after ",
                    *follow_up_text(dataset),
                    f" of {study_drug(dataset)} therapy.",
                )
            ),
            *untreated_note(dataset),
        ),
        header=tuple(header),
        rows=body,
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
