"""The template context: everything the templates read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from casereport.catalog import rows as frame_rows
from casereport.clinical_findings import findings_context
from casereport.dataset import Dataset
from casereport.model import FigureModel, TableModel
from casereport.render.audit_view import AuditGroup
from casereport.render.care import CareChecklistError, CareItem, missing_care_sections
from casereport.render.numbers import meta
from casereport.render.patients import (
    bone_density_context,
    build_outcomes,
    build_patients,
    grouped,
    lab_changes,
    merged_reference_numbers,
    sex_counts,
    study_drug_context,
)
from casereport.render.rows import TableRows, primary_keys
from casereport.render.sections import SectionEntry, build_sections, figure_label
from casereport.summary import ADVERSE_EVENTS_STEM
from casereport.tables import EXCERPT_PATIENTS
from casereport.words import route_abbreviations

# --- notes under the tables ---------------------------------------------------------------

# The tables that stand for the article's own Tables I and II; the others are the rebuild's.
ARTICLE_TABLES = ("table1", "table2")


def table_notes(dataset: Dataset) -> dict[str, list[str]]:
    """Footnotes under the tables: for the article's tables, its abbreviations, labels and units
    as printed (from analytes.csv and the route abbreviations of Table I); under every other
    table, that it is the rebuild's own."""
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


def build_context(
    dataset: Dataset,
    datapackage: dict,
    tables: dict[str, TableModel],
    figures: list[FigureModel],
    bmd_category: Any,
    *,
    sections: Sequence[SectionEntry],
    audit: Sequence[AuditGroup] = (),
    audit_not_applicable: str = "",
    care: Sequence[CareItem] = (),
    large_series: bool = False,
    patient_tables: Sequence[TableModel] = (),
) -> dict[str, Any]:
    """Everything the templates read: rows of the data (with cell ids), tables and figures, the
    audit's findings and the CARE checklist; `sections` is the project's list of them
    (render.sections.read_sections).

    `bmd_category(z_score, category_rows) -> str` names the bone density category of a
    z-score (casereport.catalog owns that rule; the report only quotes it). In a large series,
    `tables` are the summaries and `patient_tables` the first patients' rows of the per-patient
    tables.
    """
    rows = TableRows(dataset, primary_keys(datapackage))
    patients = build_patients(dataset, rows, bmd_category)
    outcomes = build_outcomes(dataset, patients)
    figure_numbers = {f.key: number for number, f in enumerate(figures, start=1)}
    sections = build_sections(tables, figures, sections, large_series)
    missing = missing_care_sections(care, [s.id for s in sections])
    if missing:
        raise CareChecklistError(
            "the CARE checklist names sections the report does not have: " + "; ".join(missing)
        )
    excerpt = min(EXCERPT_PATIENTS, len(patients)) if large_series else len(patients)
    return {
        "publication": rows["publication"][0],
        "authors": sorted(rows["authors"], key=lambda r: r["author_order"]),
        "patients": patients,
        "patient_count": len(patients),
        "sex_counts": sex_counts(dataset, patients),
        "table_notes": table_notes(dataset),
        "article_tables": ARTICLE_TABLES,
        "outcomes": outcomes,
        "cleared_patients": [p for o in outcomes if o.name == "cleared" for p in o.patients],
        "patients_with_events": [p for p in patients if p.has_adverse_events],
        **study_drug_context(dataset, patients),
        **bone_density_context(dataset, patients),
        "protocol": {r["parameter"]: r for r in rows["protocol"]},
        "analytes_by_measure": grouped(rows["analytes"], "measures"),
        # A large series gives the medians of the changes in Table II instead.
        "lab_changes": [] if large_series else lab_changes(dataset, rows, patients),
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
        "fact_topics": grouped(rows["background_facts"], "topic"),
        "references": sorted(rows["references"], key=lambda r: r["reference_number"]),
        "tables": tables,
        "figures": figures,
        "figure_ref": lambda key: meta(figure_label(figure_numbers[key])),
        "sections": sections,
        "section_headings": {s.id: s.heading for s in sections},
        "audit_groups": list(audit),
        "audit_not_applicable": audit_not_applicable,
        # The data are the article's (the audit's article_identity claim holds): only then may the
        # text speak of "the authors" and give the article's reasons and conclusions.
        "data_are_the_article": not audit_not_applicable,
        "audit_total": sum(len(g.rows) for g in audit),
        "care_items": list(care),
        "large_series": large_series,
        "case_patients": patients[:excerpt],
        "excerpt_patients": excerpt,
        "patient_tables": list(patient_tables),
        "adverse_events_id": ADVERSE_EVENTS_STEM,
        **findings_context(dataset, patients, excerpt),
    }
