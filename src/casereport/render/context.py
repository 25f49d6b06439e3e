"""The template context: everything the templates read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from casereport.clinical_findings import findings_context
from casereport.dataset import Dataset
from casereport.model import FigureModel, TableModel
from casereport.render.audit_view import AuditGroup
from casereport.render.care import (
    CareChecklistError,
    CareItem,
    applicable_care_items,
    missing_care_sections,
)
from casereport.render.extension import ReportContext, ReportPatients, extended, project_patients
from casereport.render.numbers import meta
from casereport.render.patients import build_patients, sex_counts
from casereport.render.rows import TableRows, primary_keys
from casereport.render.sections import SectionEntry, build_sections, figure_label
from casereport.summary import ADVERSE_EVENTS_STEM
from casereport.tables import EXCERPT_PATIENTS


def build_context(
    dataset: Dataset,
    datapackage: dict,
    tables: dict[str, TableModel],
    figures: list[FigureModel],
    *,
    sections: Sequence[SectionEntry],
    audit: Sequence[AuditGroup] = (),
    audit_not_applicable: str = "",
    care: Sequence[CareItem] = (),
    large_series: bool = False,
    patient_tables: Sequence[TableModel] = (),
    project_context: ReportContext | None = None,
    project_patients_view: ReportPatients | None = None,
    project_context_name: str = "report_context",
) -> dict[str, Any]:
    """Everything the templates read: rows of the data (with cell ids), tables and figures, the
    audit's findings and the CARE checklist; `sections` is the project's list of them
    (render.sections.read_sections).

    In a large series, `tables` are the summaries and `patient_tables` the first patients' rows
    of the per-patient tables.

    `project_context(dataset, patients, rows, large_series) -> dict`: the project's own keys
    (config `report_context`, render.extension), added to the package's;
    `project_patients_view(dataset, rows, patients) -> list`: the project's view of each patient
    (its `report_patients`), used in place of the package's; `project_context_name` names their
    file in errors.
    """
    rows = TableRows(dataset, primary_keys(datapackage))
    patients = build_patients(dataset, rows)
    if project_patients_view is not None:
        views = project_patients_view(dataset, rows, patients)
        patients = project_patients(patients, views, project_context_name)
    figure_numbers = {f.key: number for number, f in enumerate(figures, start=1)}
    sections = build_sections(tables, figures, sections, large_series)
    # The data are the article's (the audit's article_identity claim holds): only then may the
    # text speak of "the authors" and give the article's reasons and conclusions, and only then
    # do the CARE checklist's rows about the article apply.
    data_are_the_article = not audit_not_applicable
    care = applicable_care_items(care, data_are_the_article)
    missing = missing_care_sections(care, [s.id for s in sections])
    if missing:
        raise CareChecklistError(
            "the CARE checklist names sections the report does not have: " + "; ".join(missing)
        )
    excerpt = min(EXCERPT_PATIENTS, len(patients)) if large_series else len(patients)
    context = {
        "publication": rows["publication"][0],
        "authors": sorted(rows["authors"], key=lambda r: r["author_order"]),
        "patients": patients,
        "patient_count": len(patients),
        "sex_counts": sex_counts(dataset, patients),
        "patients_with_events": [p for p in patients if p.has_adverse_events],
        "references": sorted(rows["references"], key=lambda r: r["reference_number"]),
        "tables": tables,
        "figures": figures,
        "figure_ref": lambda key: meta(figure_label(figure_numbers[key])),
        "sections": sections,
        "section_headings": {s.id: s.heading for s in sections},
        "audit_groups": list(audit),
        "audit_not_applicable": audit_not_applicable,
        "data_are_the_article": data_are_the_article,
        "audit_total": sum(len(g.rows) for g in audit),
        "care_items": list(care),
        "large_series": large_series,
        "case_patients": patients[:excerpt],
        "excerpt_patients": excerpt,
        "patient_tables": list(patient_tables),
        "adverse_events_id": ADVERSE_EVENTS_STEM,
        **findings_context(dataset, patients, excerpt),
    }
    if project_context is None:
        return context
    return extended(
        context, project_context(dataset, patients, rows, large_series), project_context_name
    )
