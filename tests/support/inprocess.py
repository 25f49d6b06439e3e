"""Validate a raw data directory and render its report.html in-process, fast: for tests that
build many datasets (tests/test_report_words.py).

What the workflow does, minus what costs time and says nothing about the words: figures are drawn
(their captions are models built while drawing) but not written as SVG/PNG, source pages and the
PDF are not made. `validate_and_render` returns the validation findings when the dictionary
rejects the data, else the report's visible text by section.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from casereport import stages
from casereport.catalog import build_catalog
from casereport.dataset import load_dataset
from casereport.figures import build_figure
from casereport.model import figure_to_json
from casereport.render import build_report
from casereport.validation.checker import check_tables
from support.project import REPORT_CONTEXT, make_validated_dir
from support.report import (
    CARE_CHECKLIST,
    TEMPLATES_DIR,
    ReportParser,
    write_audit_outputs,
)
from support.tier import require_slow
from support.validation import ARTICLE_RULES


@dataclass(frozen=True)
class Rendered:
    findings: list  # validation findings; the report is rendered only when there are none
    sections: dict[str, str]  # section id -> its visible text, whitespace collapsed
    html: str

    @property
    def text(self) -> str:
        return "\n".join(self.sections.values())


def section_texts(html: str) -> dict[str, str]:
    parser = ReportParser()
    parser.feed(html)
    texts: dict[str, list[str]] = {}
    for run, _marked, section in parser.text_runs:
        texts.setdefault(section, []).append(run)
    return {s: " ".join("".join(runs).split()) for s, runs in texts.items()}


def validate_and_render(data_dir: Path, out: Path, large_series_threshold: int = 20) -> Rendered:
    require_slow("renders a report")
    data_dir, out = Path(data_dir).resolve(), Path(out).resolve()
    datapackage = data_dir / "datapackage.yaml"
    # The article's own rules too, as config/config.yaml names them for the workflow.
    results = check_tables(str(datapackage), extension=ARTICLE_RULES)
    findings = [f for r in results.values() for f in r.findings]
    if findings:
        return Rendered(findings, {}, "")
    with contextlib.chdir(data_dir):
        validated = make_validated_dir(data_dir, out / "validated")
        dataset = load_dataset(validated, datapackage)
        catalog_csv = out / "catalog.csv"
        build_catalog(dataset).write_csv(catalog_csv)
        jsons = []
        for name in stages.FIGURES:
            figure, model = build_figure(name, dataset, large_series_threshold)
            del figure
            path = out / f"{name}.json"
            path.write_text(json.dumps(figure_to_json(model)), encoding="utf-8")
            jsons.append(path)
        audit_csv, audit_ledger_csv, summaries_csv = write_audit_outputs(dataset, out)
        report = build_report(
            sorted(validated.glob("*.csv")),
            datapackage,
            catalog_csv,
            jsons,
            audit_csv=audit_csv,
            audit_ledger_csv=audit_ledger_csv,
            summaries_csv=summaries_csv,
            care_checklist=CARE_CHECKLIST,
            templates_dir=TEMPLATES_DIR,
            large_series_threshold=large_series_threshold,
            report_context=REPORT_CONTEXT,
        )
    return Rendered([], section_texts(report.html), report.html)
