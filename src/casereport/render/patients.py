"""The patient view model: each patient's rows, and what the text says about the series.

Words for the values of the data (sex, outcome, route, site, category) come from the data
dictionary's `enumLabels` (casereport.words); the study drug from publication.csv.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from casereport.catalog import rows as frame_rows
from casereport.dataset import Dataset
from casereport.render.rows import Row, TableRows, table_values
from casereport.words import field_labels, study_drug, words_for

PATIENT_DETAIL_TABLES = ("treatments", "calcinosis_sites", "bone_density", "adverse_events")


def positions_by_patient(patient_ids: Sequence[int]) -> dict[int, list[int]]:
    """Positions of each patient's rows in a per-patient table, in file order. One pass over the
    rows: filtering them once per patient would take time quadratic in the size of the series."""
    positions: dict[int, list[int]] = {}
    for position, patient_id in enumerate(patient_ids):
        positions.setdefault(patient_id, []).append(position)
    return positions


class PatientRecords:
    """Every patient's rows of the PATIENT_DETAIL_TABLES, for `Patient` to read.

    Each table is converted column by column and indexed by patient once; a patient's rows become
    `Row`s when first read. A large series details only its first patients, so it does not make
    Rows for all of them.
    """

    def __init__(self, dataset: Dataset, primary_keys: dict[str, list[str]], bmd_category):
        self.tables = {
            table: table_values(dataset, table, primary_keys.get(table, []))
            for table in PATIENT_DETAIL_TABLES
        }
        self.positions = {
            table: positions_by_patient(values.columns["patient_id"])
            for table, values in self.tables.items()
        }
        timepoints = enum_of(dataset, "bone_density", "timepoint")
        self.before, self.after = timepoints[0], timepoints[-1]
        self.bmd_category = bmd_category
        self.study_drug = study_drug(dataset)
        self.fields = dataset.tables["patients"].fields
        self.category_field = dataset.tables["bmd_categories"].fields["category"]
        self.site_field = dataset.tables["bone_density"].fields["site"]
        self.reason_field = dataset.tables["bone_density"].fields.get("missing_reason", {})
        # The category rows as dicts once, rather than the frame converted again for every z-score.
        self.categories = frame_rows(dataset["bmd_categories"])

    def rows_of(self, table: str, patient_id: int) -> list[Row]:
        values = self.tables[table]
        return [values.row(position) for position in self.positions[table].get(patient_id, [])]

    def has_rows(self, table: str, patient_id: int) -> bool:
        return patient_id in self.positions[table]

    def category(self, measurement: Row | None) -> str:
        """The bone density category of a measurement's z-score."""
        if not measurement:
            return ""
        name = self.bmd_category(measurement["z_score"], self.categories)
        return words_for(self.category_field, name)


@dataclass(frozen=True)
class Patient:
    """A patient's row of patients.csv, and the patient's rows of the other tables, read (once)
    when a template first asks for them."""

    row: Row
    records: PatientRecords = field(repr=False, compare=False)

    @functools.cached_property
    def treatments(self) -> list[Row]:
        """Chronological."""
        return sorted(self.records.rows_of("treatments", self.id), key=_treatment_order)

    @functools.cached_property
    def sites(self) -> list[Row]:
        return self.records.rows_of("calcinosis_sites", self.id)

    @functools.cached_property
    def bone_density(self) -> dict[str, Row]:
        """The patient's measurements by timepoint."""
        return {r["timepoint"]: r for r in self.records.rows_of("bone_density", self.id)}

    @property
    def bmd_before(self) -> Row | None:
        return self.bone_density.get(self.records.before)

    @property
    def bmd_after(self) -> Row | None:
        return self.bone_density.get(self.records.after)

    @property
    def category_before(self) -> str:
        return self.records.category(self.bmd_before)

    @property
    def category_after(self) -> str:
        return self.records.category(self.bmd_after)

    @functools.cached_property
    def adverse_event_groups(self) -> list[list[Row]]:
        """Events after the same course, managed alike."""
        return group_adverse_events(self.records.rows_of("adverse_events", self.id))

    @property
    def has_adverse_events(self) -> bool:
        return self.records.has_rows("adverse_events", self.id)

    @property
    def id(self) -> int:
        return self.row["patient_id"]

    @property
    def words(self) -> dict[str, str]:
        """noun, pronoun, possessive: the dictionary's words for the patient's sex."""
        return field_labels(self.records.fields["sex"])[self.row["sex"]]

    @property
    def pamidronate(self) -> list[Row]:
        """The patient's rows of the study drug (publication.csv `study_drug`)."""
        return [t for t in self.treatments if t["drug"] == self.records.study_drug]

    @property
    def received_study_drug(self) -> bool:
        return bool(self.pamidronate) or bool(self.row["pamidronate_courses"])

    @property
    def bmd_site_words(self) -> str:
        """The measured site in the dictionary's words ('lumbar spine')."""
        return words_for(self.records.site_field, self.bmd_before["site"])

    @property
    def has_bmd_pair(self) -> bool:
        """Measured before and after (a measurement recorded as missing does not count)."""
        return all(
            m is not None and m["bmd_g_cm2"] is not None and m["z_score"] is not None
            for m in (self.bmd_before, self.bmd_after)
        )

    @property
    def bmd_missing_reason(self) -> str:
        """Why the patient has no pair of measurements: the dictionary's words of the reason
        recorded, or 'not recorded' when a row is absent."""
        reasons = [
            words_for(self.records.reason_field, m["missing_reason"])
            for m in (self.bmd_before, self.bmd_after)
            if m is not None and m.has("missing_reason")
        ]
        if len(reasons) < 2 and None in (self.bmd_before, self.bmd_after):
            reasons.append("not recorded")
        return " and ".join(dict.fromkeys(reasons))

    @property
    def other_treatments(self) -> list[Row]:
        return [t for t in self.treatments if t["drug"] != self.records.study_drug]

    @property
    def sites_in_table(self) -> list[Row]:
        return [s for s in self.sites if s["listed_in_table_i"]]

    @property
    def sites_in_narrative(self) -> list[Row]:
        return [s for s in self.sites if not s["listed_in_table_i"]]

    @property
    def outcome_words(self) -> str:
        return words_for(
            self.records.fields["calcinosis_outcome"], self.row["calcinosis_outcome"], "state"
        )

    @property
    def bmd_direction(self) -> str:
        before, after = self.bmd_before["bmd_g_cm2"], self.bmd_after["bmd_g_cm2"]
        return "rose" if after > before else "fell" if after < before else "stayed"


def _treatment_order(row: Row) -> tuple:
    """Chronological; drugs without a start month (named only in a narrative) come last."""
    return (row["start_month"] is None, row["start_month"] or "", row["treatment_id"])


def group_adverse_events(events: list[Row]) -> list[list[Row]]:
    """Events after the same course, managed the same way and recurring alike, in one sentence."""
    groups: dict[tuple, list[Row]] = {}
    for event in events:
        key = (event["pamidronate_course"], event["managed_with"], event["recurred"])
        groups.setdefault(key, []).append(event)
    return list(groups.values())


def enum_of(dataset: Dataset, table: str, column: str) -> list[str]:
    return list(dataset.tables[table].fields[column].get("constraints", {}).get("enum", []))


def build_patients(dataset: Dataset, rows: TableRows, bmd_category) -> list[Patient]:
    """The patients in the order of their ids."""
    records = PatientRecords(dataset, rows.primary_keys, bmd_category)
    by_id = sorted(rows["patients"], key=lambda r: r["patient_id"])
    return [Patient(row, records) for row in by_id]


@dataclass(frozen=True)
class LabChange:
    """How one analyte moved between the two measurements, patient by patient."""

    analyte: Row
    fell: list[tuple[Patient, str]]  # (patient, id of the change)
    rose: list[tuple[Patient, str]]
    unchanged: list[tuple[Patient, str]]
    # Patients without a value at both times, and why ('not measured', or 'not recorded' when a
    # row is absent): a list of who moved is only honest with who could not be counted.
    missing: list[tuple[Patient, str]] = field(default_factory=list)


def lab_changes(dataset: Dataset, rows: dict[str, list[Row]], patients: list[Patient]):
    """Per analyte (analytes.csv order), the patients whose value fell, rose or stayed."""
    points = enum_of(dataset, "labs", "timepoint")
    before, after = points[0], points[-1]
    # A value recorded as missing (casereport.missing) has no change.
    values = {
        (r["patient_id"], r["analyte"], r["timepoint"]): r["value"]
        for r in rows["labs"]
        if r["value"] is not None
    }
    reason_field = dataset.tables["labs"].fields.get("missing_reason", {})
    reasons = {
        (r["patient_id"], r["analyte"]): words_for(reason_field, r["missing_reason"])
        for r in rows["labs"]
        if r.has("missing_reason")
    }
    analytes = rows["analytes"]
    # Per analyte (by position): the patients in each direction. One pass over the series.
    moved: list[dict[str, list]] = [
        {"fell": [], "rose": [], "unchanged": [], "missing": []} for _ in analytes
    ]
    for patient in patients:
        for analyte, directions in zip(analytes, moved, strict=True):
            key = (patient.id, analyte["analyte"])
            if (*key, before) not in values or (*key, after) not in values:
                directions["missing"].append((patient, reasons.get(key, "not recorded")))
                continue
            difference = values[(*key, after)] - values[(*key, before)]
            direction = "fell" if difference < 0 else "rose" if difference > 0 else "unchanged"
            change_id = f"derived.labs.{patient.id}.{analyte['analyte']}.change"
            directions[direction].append((patient, change_id))
    # Every analyte, also one nobody has both values of: the text says so and names who lacks them.
    return [
        LabChange(analyte, **directions)
        for analyte, directions in zip(analytes, moved, strict=True)
    ]


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def sex_counts(dataset: Dataset, patients: list[Patient]) -> list[dict[str, str]]:
    """'2 boys, 1 girl': one entry per sex present, words by count."""
    patients_of_sex = Counter(p.row["sex"] for p in patients)  # one pass, not one per sex
    field = dataset.tables["patients"].fields["sex"]
    counts = []
    for sex in enum_of(dataset, "patients", "sex"):
        count = patients_of_sex[sex]
        if count:
            words = words_for(field, sex, "label" if count == 1 else "plural")
            counts.append({"id": f"derived.sex.{sex}.count", "words": words})
    return counts


def grouped(rows: list[Row], column: str) -> list[tuple[str, list[Row]]]:
    """Rows grouped by a column, groups in order of first appearance (jinja's groupby sorts)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    return list(groups.items())


def merged_reference_numbers(rows: list[Row]) -> str:
    numbers: list[int] = []
    for row in rows:
        for part in str(row["reference_numbers"] or "").split(";"):
            if part.strip() and int(part) not in numbers:
                numbers.append(int(part))
    return ";".join(map(str, numbers))
