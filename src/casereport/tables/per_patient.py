"""The per-patient tables the package builds: Table II (one row per patient, each measurement
before and after the study drug), and the pieces a project's own tables share (patient labels,
the follow-up, "not recorded"), as TableModels whose numbers are Refs into the ledger. A project's
extension adds its own tables (casereport.project_extension: tables.BUILDERS); `build_table` finds
either."""

from __future__ import annotations

from collections.abc import Callable

from casereport.clinical import analytes_measured, patient_ids, timepoints, untreated_patient_ids
from casereport.dataset import Dataset, rows
from casereport.formatting import capitalise_first, join_texts, plural
from casereport.ledger import cell_id
from casereport.model import Ref, TableModel, Text, text
from casereport.project_extension import registered
from casereport.words import study_drug

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


def is_patient_label(cell: Text) -> bool:
    """Whether `cell` is patient_label() of some patient."""
    refs = [part for part in cell if isinstance(part, Ref)]
    if len(refs) != 1:
        return False
    table, key, column = (refs[0].id.split(".") + ["", ""])[:3]
    return (
        (table, column) == ("patients", "patient_id")
        and key.isdigit()
        and cell == patient_label(int(key))
    )


def follow_up_ref() -> Ref:
    """The time from the study drug's start to the measurements after it (protocol.csv)."""
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


def measured_when(dataset: Dataset) -> Text:
    """' before pamidronate and 1 year after its start', or ' at the two time points of the data'
    when nobody received the study drug: how a figure's caption dates the two time points."""
    if nobody_treated(dataset):
        return text(f" {UNDATED_TIMEPOINTS}")
    return text(f" before {study_drug(dataset)} and ", *follow_up_text(dataset), " after its start")


def joined_values_words(dataset: Dataset) -> str:
    """'before pamidronate to the value after it' (or, when nobody received it, 'at the first
    time point to the value at the second'): how a before/after chart's alt text says what a
    line joins."""
    if nobody_treated(dataset):
        return "at the first time point to the value at the second"
    return f"before {study_drug(dataset)} to the value after it"


def analytes_caption_opening(dataset: Dataset) -> Text:
    """'Analytical parameters before and after 1 year of pamidronate therapy' (or 'at the two
    time points of the data'): Table II's caption opens so, per patient or summarised."""
    if nobody_treated(dataset):
        return text(f"Analytical parameters {UNDATED_TIMEPOINTS}")
    return text(
        "Analytical parameters before and after ",
        *follow_up_text(dataset),
        f" of {study_drug(dataset)} therapy",
    )


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


# --- treatments ------------------------------------------------------------------------------


def drugs_given_by_several_routes(treatments: list[dict]) -> set[str]:
    """Drugs whose entries name more than one route in the whole series.

    A list of treatments (a table's cell, the timeline's labels) prints a route only where it
    tells entries apart: a drug given by mouth to some patients and under the skin to others has
    its route printed, a drug always given intravenously does not.
    """
    routes: dict[str, set[str]] = {}
    for row in treatments:
        if row["route"] is not None:
            routes.setdefault(row["drug"], set()).add(row["route"])
    return {drug for drug, named in routes.items() if len(named) > 1}


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
            *analytes_caption_opening(dataset),
            ".",
            *untreated_note(dataset),
        ),
        header=tuple(header),
        rows=body,
    )


BUILDERS: dict[str, Callable[[Dataset, int | None], TableModel]] = {
    "table2": table2,
}


def build_table(name: str, dataset: Dataset, first_patients: int | None = None) -> TableModel:
    """The table `name` (a key of stages.TABLES) from the tables that stage reads.

    With `first_patients`, only the first patients get their column (or row): the excerpt a large
    series' report shows. What the table shows for them still depends on the whole series (a list
    of treatments names a drug's route when any patient had it by several routes; Table II's
    columns are the analytes measured in anyone), so the builders read every row and lay out only
    those patients. A project's extension builds the tables the package has no builder of.
    """
    return {**BUILDERS, **registered("tables", "BUILDERS")}[name](dataset, first_patients)
