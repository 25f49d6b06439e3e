"""Orchestration: the report from the workflow's files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from casereport import stages
from casereport.audit import (
    audit_numbers,
    read_audit_csv,
)
from casereport.catalog import bmd_category
from casereport.dataset import Dataset, load_dataset, read_datapackage
from casereport.ledger import Ledger, Number
from casereport.model import TableModel, figure_from_json
from casereport.render.appendix import appendix_groups
from casereport.render.audit_view import audit_groups, not_applicable_reason
from casereport.render.care import read_care_checklist
from casereport.render.context import build_context
from casereport.render.environment import install_recorder, make_environment
from casereport.render.numbers import NumberRecorder
from casereport.summary import adverse_event_numbers
from casereport.tables import (
    EXCERPT_PATIENTS,  # defined with the tables, still importable from here
    LARGE_SERIES_THRESHOLD,
    build_table,
    per_patient_excerpt,
    summary_table,
)


@dataclass(frozen=True)
class RenderedReport:
    html: str
    numbers: Ledger  # catalog rows shown
    sections: dict[str, dict[str, str]]  # id -> {"sections": "patients;table2"}

    def write(self, html_path: Path | str, numbers_path: Path | str) -> None:
        Path(html_path).write_text(self.html, encoding="utf-8")
        self.numbers.write_csv(numbers_path, extra=self.sections)


def render_report(context: dict[str, Any], catalog: Ledger) -> RenderedReport:
    """Render report.html and collect the numbers it shows.

    The body is rendered first; the appendix then lists the numbers the body recorded.
    """
    env = make_environment()
    recorder = NumberRecorder(catalog)
    install_recorder(env, recorder)
    body = Markup(env.get_template("body.html.j2").render(context))
    shown = recorder.shown()
    sections = recorder.sections_column()
    groups = appendix_groups(recorder, context["sections"], context["large_series"])
    recorder.enter("")  # the appendix repeats numbers; it is not one of the sections they are in
    appendix = Markup(
        env.get_template("appendix.html.j2").render(context, groups=groups, sections=sections)
    )
    page = env.get_template("report.html.j2").render(context, body=body, appendix=appendix)
    return RenderedReport(page, shown, sections)


def report_tables(
    dataset: Dataset, large_series: bool
) -> tuple[dict[str, TableModel], list[TableModel], list[Number]]:
    """(tables the report shows, first patients of the per-patient tables, Numbers of the
    summaries): the per-patient tables themselves, or for a large series their summaries."""
    if not large_series:
        return {name: build_table(name, dataset) for name in stages.TABLES}, [], []
    tables, numbers = {}, adverse_event_numbers(dataset)
    for name in stages.TABLES:
        tables[name], statistics = summary_table(name, dataset)
        numbers += statistics
    # Only the patients the excerpt shows are laid out: with 10,000 patients, building every
    # patient's cells to keep the first few took seconds.
    excerpts = [
        per_patient_excerpt(build_table(name, dataset, EXCERPT_PATIENTS), EXCERPT_PATIENTS)
        for name in stages.TABLES
    ]
    return tables, excerpts, numbers


def build_report(
    validated_tables: Sequence[Path | str],
    datapackage: Path | str,
    catalog_csv: Path | str,
    figure_jsons: Sequence[Path | str],
    *,
    audit_csv: Path | str,
    care_checklist: Path | str,
    large_series_threshold: int = LARGE_SERIES_THRESHOLD,
) -> RenderedReport:
    """The report from the workflow's files: validated tables, catalog, figure caption models,
    the audit's results/audit.csv and data/care_checklist.csv.

    Tables are built here from the same TableModels the table stage writes as CSV (the CSV files
    have lost the Refs). Figures appear in the order of `figure_jsons`. The ledger the templates
    read is the catalog plus the audit's rebuilt values and the summary statistics.
    """
    validated_tables = [Path(p) for p in validated_tables]
    names = [p.stem for p in validated_tables]
    dataset = load_dataset(validated_tables[0].parent, datapackage, names)
    large_series = len(dataset["patients"]) > large_series_threshold
    tables, patient_tables, summary_numbers = report_tables(dataset, large_series)
    figures = [
        figure_from_json(json.loads(Path(p).read_text(encoding="utf-8"))) for p in figure_jsons
    ]
    audit = read_audit_csv(audit_csv)
    ledger = Ledger(
        [*Ledger.read_csv(catalog_csv), *audit_numbers(dataset, audit), *summary_numbers]
    )
    context = build_context(
        dataset,
        read_datapackage(datapackage),
        tables,
        figures,
        bmd_category,
        audit=audit_groups(audit),
        audit_not_applicable=not_applicable_reason(audit),
        care=read_care_checklist(care_checklist),
        large_series=large_series,
        patient_tables=patient_tables,
    )
    return render_report(context, ledger)
