"""Orchestration: the report from the workflow's files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from casereport import stages
from casereport.audit import read_audit_csv
from casereport.dataset import Dataset, load_dataset, read_datapackage
from casereport.ledger import Ledger
from casereport.model import figure_from_json
from casereport.render.appendix import appendix_groups
from casereport.render.audit_view import audit_groups, not_applicable_reason
from casereport.render.care import read_care_checklist
from casereport.render.context import build_context
from casereport.render.environment import install_recorder, make_environment
from casereport.render.extension import load_project_context
from casereport.render.numbers import NumberRecorder
from casereport.render.sections import read_sections
from casereport.tables import (
    LARGE_SERIES_THRESHOLD,
    ReportTable,
    read_report_table,
    report_table,
)


@dataclass(frozen=True)
class RenderedReport:
    html: str
    numbers: Ledger  # catalog rows shown
    sections: dict[str, dict[str, str]]  # id -> {"sections": "patients;table2"}

    def write(self, html_path: Path | str, numbers_path: Path | str) -> None:
        Path(html_path).write_text(self.html, encoding="utf-8")
        self.numbers.write_csv(numbers_path, extra=self.sections)


def render_report(
    context: dict[str, Any], catalog: Ledger, templates_dir: Path | str | None = None
) -> RenderedReport:
    """Render report.html and collect the numbers it shows.

    The body is rendered first; the appendix then lists the numbers the body recorded.
    `templates_dir`: the project's templates (make_environment).
    """
    env = make_environment(templates_dir)
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
    dataset: Dataset,
    large_series: bool,
    table_models: Sequence[Path | str] | None = None,
) -> dict[str, ReportTable]:
    """The tables as the report shows them, by name (stages.TABLES order): read from the models
    the table jobs wrote (results/tables/<name>.json), or, without them (a report built in one
    process, as tests do), built by the same function the table job calls."""
    if table_models is None:
        return {name: report_table(name, dataset, large_series) for name in stages.TABLES}
    tables = {Path(p).stem: read_report_table(p) for p in table_models}
    stale = sorted(name for name, shown in tables.items() if shown.large_series != large_series)
    if stale:
        raise ValueError(
            f"the table models {', '.join(stale)} were written for another series size or "
            "large_series_threshold than this report's: rebuild them"
        )
    return tables


def report_ledger(
    ledgers: Sequence[Path | str], tables: dict[str, ReportTable], large_series: bool
) -> Ledger:
    """The one place where the numbers the templates may show come together, each read from the
    job that computed it: the ledgers `ledgers` in order (the catalog job's catalog, the audit
    job's rebuilt values, the catalog job's whole-series summaries), and the tables' summary
    statistics (the table jobs' models). The whole-series summaries are shown only in a large
    series: a smaller one's report names each patient instead, so they are left out of its ledger.
    """
    catalog, audit, summaries = (Ledger.read_csv(path) for path in ledgers)
    shown_summaries = [*summaries] if large_series else []
    shown_summaries += [number for shown in tables.values() for number in shown.numbers]
    return Ledger([*catalog, *audit, *shown_summaries])


def build_report(
    validated_tables: Sequence[Path | str],
    datapackage: Path | str,
    catalog_csv: Path | str,
    figure_jsons: Sequence[Path | str],
    *,
    audit_csv: Path | str,
    audit_ledger_csv: Path | str,
    summaries_csv: Path | str,
    care_checklist: Path | str,
    templates_dir: Path | str,
    large_series_threshold: int = LARGE_SERIES_THRESHOLD,
    table_models: Sequence[Path | str] | None = None,
    report_context: Path | str | None = None,
) -> RenderedReport:
    """The report from the workflow's files: validated tables, catalog, the table models and
    figure caption models, the audit's results/audit.csv and its ledger (results/ledger/audit.csv),
    the catalog job's whole-series summaries (results/ledger/summaries.csv) and
    data/care_checklist.csv, rendered with the project's templates and list of sections
    (`templates_dir`, workflow/report/templates).

    Tables appear in stages.TABLES order, figures in the order of `figure_jsons`.
    `report_context`: the project's file of its own context keys (config `report_context`,
    render.extension), if any.
    """
    validated_tables = [Path(p) for p in validated_tables]
    names = [p.stem for p in validated_tables]
    dataset = load_dataset(validated_tables[0].parent, datapackage, names)
    large_series = len(dataset["patients"]) > large_series_threshold
    tables = report_tables(dataset, large_series, table_models)
    figures = [
        figure_from_json(json.loads(Path(p).read_text(encoding="utf-8"))) for p in figure_jsons
    ]
    audit = read_audit_csv(audit_csv)
    project = load_project_context(report_context) if report_context else None
    context = build_context(
        dataset,
        read_datapackage(datapackage),
        {name: shown.table for name, shown in tables.items()},
        figures,
        sections=read_sections(templates_dir),
        audit=audit_groups(audit),
        audit_not_applicable=not_applicable_reason(audit),
        care=read_care_checklist(care_checklist),
        large_series=large_series,
        patient_tables=[shown.excerpt for shown in tables.values() if shown.excerpt],
        project_context=project.report_context if project else None,
        project_patients_view=project.report_patients if project else None,
        project_context_name=Path(report_context).as_posix() if report_context else "",
    )
    ledger = report_ledger([catalog_csv, audit_ledger_csv, summaries_csv], tables, large_series)
    return render_report(context, ledger, templates_dir)
