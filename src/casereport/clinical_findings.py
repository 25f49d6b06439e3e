"""The patients' clinical findings (findings.csv) as the report shows them: in each case summary
and in the "Clinical findings" section's table.

Words only: a finding, its result and where the article gives it are free text of the data, and
the kinds and timings are the dictionary's allowed values, ordered and worded as the dictionary
lists them (their `enumLabels`; `{drug}` in a timing's label is the study drug). A value without
a label is shown as written.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casereport.dataset import Dataset, rows
from casereport.words import study_drug, words_for

RESOURCE = "findings"
# The section's id in the report's list of sections (workflow/report/templates/sections.yaml).
SECTION_ID = "findings"


def kind_words(dataset: Dataset, kind: str) -> str:
    """A kind's heading in a case summary and its name in the table: the dictionary's label of
    the value (its `enumLabels`), or the value as written."""
    return words_for(dataset.tables[RESOURCE].fields["kind"], kind)


def timing_words(dataset: Dataset, timing: str) -> str:
    """When a finding was made, in the dictionary's words for the value; `{drug}` in them is the
    study drug (publication.csv)."""
    label = words_for(dataset.tables[RESOURCE].fields["timing"], timing)
    return label.replace("{drug}", study_drug(dataset)) if "{drug}" in label else label


def finding_words(row: dict) -> str:
    """'heliotrope rash', 'no new calcinosis', 'biopsy of the calcification (confirmed ...)'."""
    words = row["finding"] if row["present"] else f"no {row['finding']}"
    return f"{words} ({row['result']})" if row.get("result") else words


@dataclass(frozen=True)
class FindingGroup:
    """A patient's findings of one kind, in file order."""

    kind: str
    heading: str
    rows: list[dict]

    @property
    def texts(self) -> list[str]:
        return [finding_words(r) for r in self.rows]


@dataclass(frozen=True)
class PatientFindings:
    patient: Any  # the report's Patient (its label links to patients.csv)
    groups: list[FindingGroup]

    @property
    def rows(self) -> list[dict]:
        return [r for g in self.groups for r in g.rows]


def enum_order(dataset: Dataset, column: str) -> list[str]:
    """The allowed values of a column of findings.csv, in the dictionary's order."""
    field = dataset.tables[RESOURCE].fields[column]
    return list(field.get("constraints", {}).get("enum", []))


def findings_by_patient(dataset: Dataset, patients: Sequence[Any]) -> list[PatientFindings]:
    """Each patient's findings grouped by kind (the dictionary's order of kinds; file order
    within a kind). Patients without a finding get no groups. A data set without findings.csv
    (a data package from before it existed) has none."""
    if RESOURCE not in dataset.tables:
        return [PatientFindings(p, []) for p in patients]
    by_patient: dict[int, list[dict]] = {}
    for row in sorted(rows(dataset[RESOURCE]), key=lambda r: r["finding_id"]):
        by_patient.setdefault(int(row["patient_id"]), []).append(row)
    order = enum_order(dataset, "kind")
    result = []
    for patient in patients:
        found = by_patient.get(int(patient.id), [])
        kinds = [k for k in order if any(r["kind"] == k for r in found)]
        kinds += sorted({r["kind"] for r in found} - set(kinds))
        groups = [
            FindingGroup(k, kind_words(dataset, k), [r for r in found if r["kind"] == k])
            for k in kinds
        ]
        result.append(PatientFindings(patient, groups))
    return result


def findings_context(
    dataset: Dataset, patients: Sequence[Any], shown_patients: int
) -> dict[str, Any]:
    """What the case summaries and the Clinical findings section read.

    `shown_patients`: how many patients the report details (all, or a large series' first ones).
    """
    every = findings_by_patient(dataset, patients)
    shown = every[:shown_patients]
    return {
        "findings_of": {f.patient.id: f for f in shown},
        "findings_shown": [f for f in shown if f.groups],
        "patients_without_findings": [f.patient for f in shown if not f.groups],
        "findings_recorded": any(f.groups for f in every),
        # The CARE table says so when the section it cites for an item has nothing to show.
        "sections_without_data": [] if any(f.groups for f in shown) else [SECTION_ID],
        "timing_words": functools.partial(timing_words, dataset),
        "kind_words": functools.partial(kind_words, dataset),
        "finding_words": finding_words,
    }
