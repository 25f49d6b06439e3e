"""Build the report in-process, as the workflow's report rules do, for the report and PDF tests.

`build_report_dir` lays out a project-like tree under a temporary directory: validated tables
(support.project), the catalog, the figures, the audit, and report/ with its assets, figure copies
and source pages, then renders report.html and results/numbers.csv. It runs from a project root
so that the ledger's `source_file`s are relative paths such as `data/raw/labs.csv`, as in a real
build.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from casereport import stages
from casereport.audit import read_claims, run_audit, write_audit_csv, write_audit_ledger
from casereport.catalog import build_catalog
from casereport.dataset import load_dataset, read_datapackage
from casereport.figures import write_figure
from casereport.ledger import Ledger
from casereport.render import ASSETS_DIR, build_report
from casereport.sources import write_source_pages
from casereport.summary import series_summary_numbers
from casereport.tables import LARGE_SERIES_THRESHOLD
from support.project import REPORT_CONTEXT, ROOT, make_validated_dir
from support.tier import require_slow

CLAIMS = ROOT / "data" / "claims.csv"
CARE_CHECKLIST = ROOT / "data" / "care_checklist.csv"
# The article's own report templates and list of sections (workflow/report/templates).
TEMPLATES_DIR = ROOT / "workflow" / "report" / "templates"

# Elements whose text a reader never sees.
INVISIBLE = frozenset({"head", "script", "style", "title", "template"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)


@dataclass(frozen=True)
class BuiltReport:
    project: Path  # the project root the ledger's paths are relative to
    report_dir: Path
    numbers_csv: Path
    figure_jsons: list[Path]

    @property
    def html(self) -> Path:
        return self.report_dir / "report.html"


def build_report_dir(
    out: Path,
    project: Path = ROOT,
    data_dir: str = "data/raw",
    large_series_threshold: int = LARGE_SERIES_THRESHOLD,
    care_checklist: Path = CARE_CHECKLIST,
) -> BuiltReport:
    """report.html (no PDF) for the raw data in `project/data_dir`, everything under `out`; the
    threshold plays config's `large_series_threshold` for the figures and the report."""
    require_slow("renders a report")
    with contextlib.chdir(project):
        datapackage = f"{data_dir}/datapackage.yaml"
        validated = make_validated_dir(Path(data_dir), out / "results" / "validated")
        dataset = load_dataset(validated, datapackage)
        catalog_csv = out / "results" / "catalog.csv"
        build_catalog(dataset).write_csv(catalog_csv)

        report_dir = out / "report"
        shutil.copytree(ASSETS_DIR, report_dir / "assets")
        (report_dir / "figures").mkdir()
        jsons = []
        for name in stages.FIGURES:
            figure_dir = out / "results" / "figures"
            figure_dir.mkdir(parents=True, exist_ok=True)
            svg, png, caption = (figure_dir / f"{name}.{ext}" for ext in ("svg", "png", "json"))
            write_figure(name, dataset, svg, png, caption, large_series_threshold)
            for path in (svg, png):
                shutil.copy(path, report_dir / "figures" / path.name)
            jsons.append(caption)

        raw_csvs = sorted(Path(data_dir).glob("*.csv"))
        write_source_pages(raw_csvs, read_datapackage(datapackage), report_dir / "sources")
        numbers_csv = out / "results" / "numbers.csv"
        audit_csv, audit_ledger_csv, summaries_csv = write_audit_outputs(dataset, out / "results")
        tables = sorted(validated.glob("*.csv"))
        build_report(
            tables,
            datapackage,
            catalog_csv,
            jsons,
            audit_csv=audit_csv,
            audit_ledger_csv=audit_ledger_csv,
            summaries_csv=summaries_csv,
            care_checklist=care_checklist,
            templates_dir=TEMPLATES_DIR,
            large_series_threshold=large_series_threshold,
            report_context=REPORT_CONTEXT,
        ).write(report_dir / "report.html", numbers_csv)
    return BuiltReport(project, report_dir, numbers_csv, jsons)


def write_audit_outputs(dataset, results: Path) -> tuple[Path, Path, Path]:
    """The audit table, the audit job's ledger and the catalog job's summaries ledger, written under
    `results` as the workflow's audit and catalog jobs write them; returns their paths."""
    audit_csv = results / "audit.csv"
    audit_ledger_csv = results / "audit_ledger.csv"
    summaries_csv = results / "summaries.csv"
    audit = run_audit(dataset, read_claims(CLAIMS))
    write_audit_csv(audit, audit_csv)
    write_audit_ledger(dataset, audit, audit_ledger_csv)
    Ledger(series_summary_numbers(dataset)).write_csv(summaries_csv)
    return audit_csv, audit_ledger_csv, summaries_csv


def read_numbers_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""  # text directly or indirectly inside the element
    section: str = ""  # id of the nearest enclosing <section>/<header> with an id


class ReportParser(HTMLParser):
    """Collects visible text runs (with whether a data-number/data-meta element encloses them),
    every element with its attributes, and the section each element sits in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[Element] = []
        self.elements: list[Element] = []
        self.text_runs: list[tuple[str, bool, str]] = []  # (text, marked, section)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        parent_section = self.stack[-1].section if self.stack else ""
        section = attributes.get("id") if tag in ("section", "header") else None
        element = Element(tag, attributes, section=section or parent_section)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        if any(e.tag in INVISIBLE for e in self.stack):
            return
        for element in self.stack:
            element.text += data
        marked = any("data-number" in e.attrs or "data-meta" in e.attrs for e in self.stack)
        section = self.stack[-1].section if self.stack else ""
        self.text_runs.append((data, marked, section))

    def with_attribute(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs]


def parse_html(path: Path) -> ReportParser:
    parser = ReportParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser
