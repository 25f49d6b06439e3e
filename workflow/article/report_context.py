"""This article's additions to the report's template context (Marco Puche et al., 2010).

The casereport package builds what every case report's templates read (render.context); this
file adds what only this article's templates (workflow/report/templates) and table notes read:
its view of each patient (`report_patients`: the study drug's courses, calcinosis, bone density;
casereport_project.patients), the study drug and who received it, the bone-density measurements
and categories, the calcinosis outcomes, how each laboratory value moved, the analytes by what
they measure, the background facts by topic, the pamidronate protocol, the citations of the
diagnostic criteria and of the z-score's reference values, and the notes under the article's own
Tables I and II. `config/config.yaml` names this file (`report_context`); the report job loads it
by path (casereport.render.extension) and has it as an input, so that editing it rebuilds the
report. Loaded by path, it imports the article's extension (workflow/article, config
`extension`) by its package name, casereport_project.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from casereport.dataset import Dataset, column_values
from casereport.dataset import rows as frame_rows
from casereport.render.patients import (
    Patient,
    enum_of,
    grouped,
    join_words,
    merged_reference_numbers,
)
from casereport.render.rows import Row, TableRows
from casereport.words import field_labels, route_abbreviations, study_drug, words_for
from casereport_project.patients import ArticlePatient, article_patients

# The tables that stand for the article's own Tables I and II; the others are the rebuild's.
ARTICLE_TABLES = ("table1", "table2")


def report_patients(
    dataset: Dataset, rows: TableRows, patients: Sequence[Patient]
) -> list[ArticlePatient]:
    """The article's view of each patient, which the report uses in place of the package's."""
    return article_patients(dataset, patients)


def report_context(
    dataset: Dataset, patients: Sequence[ArticlePatient], rows: TableRows, large_series: bool
) -> dict[str, Any]:
    """The article's keys of the template context."""
    outcomes = build_outcomes(dataset, list(patients))
    return {
        "table_notes": table_notes(dataset),
        "analytes_by_measure": grouped(rows["analytes"], "measures"),
        # A large series gives the medians of the changes in Table II instead.
        "lab_changes": [] if large_series else lab_changes(dataset, rows, list(patients)),
        "fact_topics": grouped(rows["background_facts"], "topic"),
        "article_tables": ARTICLE_TABLES,
        "outcomes": outcomes,
        "cleared_patients": [p for o in outcomes if o.name == "cleared" for p in o.patients],
        **study_drug_context(dataset, list(patients)),
        **bone_density_context(dataset, list(patients)),
        "protocol": {r["parameter"]: r for r in rows["protocol"]},
        "bmd_categories": rows["bmd_categories"],
        "bmd_category_references": merged_reference_numbers(rows["bmd_categories"]),
        "bmd_unit": dataset.tables["bone_density"].fields["bmd_g_cm2"].get("unit", ""),
        # Citations are data: the diagnostic criteria are those the background facts on diagnosis
        # cite; the z-score's reference values are the z_score field's `referenceNumbers`.
        "bohan_peter_reference": merged_reference_numbers(
            [r for r in rows["background_facts"] if r["topic"] == "diagnosis"]
        ),
        "reference_values_reference": str(
            dataset.tables["bone_density"].fields["z_score"].get("referenceNumbers", "")
        ),
    }


# --- notes under the tables ---------------------------------------------------------------


def table_notes(dataset: Dataset) -> dict[str, list[str]]:
    """Footnotes under the article's tables: its abbreviations, labels and units as printed
    (from analytes.csv and the route abbreviations of Table I)."""
    routes = "; ".join(f"{short}, {route}" for route, short in route_abbreviations(dataset).items())
    labels = []
    printed_units: dict[str, set[str]] = {}
    for analyte in frame_rows(dataset["analytes"]):
        names = [analyte["name"]]
        if analyte["label_in_paper"].lower() != analyte["analyte"].lower():
            names.append(analyte["analyte"])
        if analyte.get("also_called"):
            names.append(analyte["also_called"])
        # A label that is the name itself ("Aldolase", aldolase) needs no footnote.
        if analyte["label_in_paper"].lower() != names[0].lower() or names[1:]:
            labels.append(
                f"{analyte['label_in_paper']}, {names[0]}"
                + (f" ({', '.join(names[1:])})" if names[1:] else "")
            )
        if analyte.get("unit_in_paper") and analyte["unit_in_paper"] != analyte["unit"]:
            printed_units.setdefault(analyte["unit"], set()).add(analyte["unit_in_paper"])
    units = "".join(
        f" The article prints {' and '.join(sorted(printed))} for {unit}, as written here."
        for unit, printed in printed_units.items()
    )
    table2_labels = (
        f"Labels as the article prints them: {'; '.join(labels)}." if labels else ""
    ) + units
    return {
        "table1": [f"Routes as the article abbreviates them: {routes}."],
        "table2": [note for note in [table2_labels.strip()] if note],
    }


# --- calcinosis outcomes ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    name: str
    verb: str
    count_id: str
    patients: list[ArticlePatient]


def build_outcomes(dataset: Dataset, patients: list[ArticlePatient]) -> list[Outcome]:
    """Calcinosis outcomes that occurred, in the order of the data dictionary's enum."""
    having: dict[str, list[Patient]] = {}
    for patient in patients:  # one pass over the series, not one per outcome
        having.setdefault(patient.row["calcinosis_outcome"], []).append(patient)
    field = dataset.tables["patients"].fields["calcinosis_outcome"]
    return [
        Outcome(name, words_for(field, name, "verb"), f"derived.outcome.{name}.count", having[name])
        for name in enum_of(dataset, "patients", "calcinosis_outcome")
        if name in having
    ]


# --- the study drug and bone density ------------------------------------------------------


def study_drug_context(dataset: Dataset, patients: list[ArticlePatient]) -> dict[str, Any]:
    """The study drug as the text names it, and who received it.

    `study_drug_words` is 'intravenous pamidronate' when every row of the drug gives the same
    route (its words from the dictionary), else the drug's name alone."""
    drug = study_drug(dataset)
    treatments = dataset["treatments"]
    routes = treatments.loc[treatments["drug"] == drug, "route"]
    route_field = dataset.tables["treatments"].fields["route"]
    distinct = list(dict.fromkeys(column_values(routes.to_frame(), "route")))
    one_route = distinct[0] if len(distinct) == 1 else None
    route = words_for(route_field, one_route)
    treated = [p for p in patients if p.received_study_drug]
    return {
        "study_drug": drug,
        "study_drug_route": route,
        "study_drug_adverb": words_for(route_field, one_route, "adverb"),
        "total_courses": sum(p.row["pamidronate_courses"] or 0 for p in patients),
        "study_drug_words": f"{route} {drug}" if route else drug,
        "treated_patients": treated,
        "untreated_patients": [p for p in patients if not p.received_study_drug],
    }


def bone_density_context(dataset: Dataset, patients: list[ArticlePatient]) -> dict[str, Any]:
    """The measured sites in the dictionary's words, and who has a measurement before and after
    (the denominator of every statement about bone density)."""
    site_field = dataset.tables["bone_density"].fields["site"]
    sites = list(dict.fromkeys(column_values(dataset["bone_density"], "site")))
    labels = field_labels(site_field)
    return {
        "bmd_site_words": join_words([words_for(site_field, site) for site in sites]),
        "bmd_vertebra_letter": (
            labels.get(sites[0], {}).get("vertebra_letter", "") if len(sites) == 1 else ""
        ),
        "bmd_measured": [p for p in patients if p.has_bmd_pair],
        "bmd_unmeasured": [p for p in patients if not p.has_bmd_pair],
    }


# --- how each laboratory value moved ------------------------------------------------------


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


def lab_changes(dataset: Dataset, rows: TableRows, patients: list[Patient]) -> list[LabChange]:
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
