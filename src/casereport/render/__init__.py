"""The HTML report: jinja environment, the number helper, and the template context.

Templates never print a number themselves. They call `n(id)`, which looks the id up in the catalog
(the ledger of every number the report may show) and returns an element that carries the id, says
where the number comes from, and links to its line in the browsable copy of the raw file:

    <a class="number" data-number="labs.1.ESR.pre.value" href="sources/labs.csv.html#L2"
       title="data/raw/labs.csv, line 2, column value">13</a>

An unknown id fails the build (`UnknownNumberError`). Every call is recorded with the section it
appears in, so that rendering can write results/numbers.csv: the catalog rows the report showed.
Digits that are not data (figure numbers, line numbers in the appendix, free-text titles such as
"FK-506") go through `meta(...)`, which marks them `data-meta`.

Besides the catalog, the ledger used for rendering holds the rebuilt values of the reproduction
audit (`audit.<claim_id>.rebuilt`, written by the audit job to results/ledger/audit.csv) and, for
a large series, the adverse-event counts (`summary.adverse_events.*`, written by the catalog job to
results/ledger/summaries.csv) and the summary statistics of the summarised tables (`summary.*`,
casereport.summary), read from the table jobs' models (results/tables/*.json);
`report.report_ledger` is where they come together. Each number enters the ledger once, in the
job that computes it: the report computes none, and builds no table.

The templates are the project's (workflow/report/templates, with `sections.yaml`, their order) and,
for what every case report needs, the package's (casereport/templates).

A large series (more patients than `large_series_threshold`) keeps the report readable and its
size bounded: Tables I to III are summaries, and the case summaries and per-patient tables show the
first EXCERPT_PATIENTS patients (all of them are in results/tables/*.csv). The appendix then lists
every number the text shows, but only the first APPENDIX_PLOTTED_ROWS values each figure plots:
results/numbers.csv lists them all.

The package, by concern:

    numbers      the number helper n(id), its recorder, and how numbers and units are typeset
    rows         rows of the validated tables with each cell's ledger id
    patients     the patient view model (what any case report's patient has) and words about
                 the series
    sections     the report's sections in reading order (one list, the project's sections.yaml)
    audit_view   the reproduction audit section (results/audit.csv)
    care         the CARE checklist (data/care_checklist.csv)
    appendix     the appendix of every number shown, and their source cells
    context      the template context: what every case report's templates read
    extension    a project's own context keys and view of each patient, from the file its config
                 `report_context` names
    environment  the jinja environment (filters, globals)
    report       orchestration: build_report reads the workflow's files and renders
"""

from casereport.render.appendix import APPENDIX_PLOTTED_ROWS, source_cells, source_groups
from casereport.render.audit_view import (
    EXPLANATION_CHARACTERS,
    AuditGroup,
    AuditRow,
    audit_groups,
    audit_row,
    not_applicable_reason,
    shorten,
)
from casereport.render.care import (
    CARE_COLUMNS,
    CARE_NOT_REPORTED,
    CareChecklistError,
    CareItem,
    applicable_care_items,
    missing_care_sections,
    read_care_checklist,
)
from casereport.render.context import build_context
from casereport.render.environment import ASSETS_DIR, install_recorder, make_environment
from casereport.render.numbers import (
    LinesRead,
    NumberRecorder,
    decimal_columns,
    decimal_padding,
    line_runs,
    line_words,
    lines_read,
    provenance,
    split_lines,
    typeset,
    unit_text,
)
from casereport.render.patients import Patient, PatientRecords, per_patient_tables
from casereport.render.report import RenderedReport, build_report, render_report
from casereport.render.rows import TableRows, primary_keys, table_rows
from casereport.render.sections import SectionEntry, build_sections, read_sections
from casereport.tables import EXCERPT_PATIENTS, LARGE_SERIES_THRESHOLD

__all__ = [
    "APPENDIX_PLOTTED_ROWS",
    "ASSETS_DIR",
    "AuditGroup",
    "AuditRow",
    "CARE_COLUMNS",
    "CARE_NOT_REPORTED",
    "CareChecklistError",
    "CareItem",
    "EXCERPT_PATIENTS",
    "EXPLANATION_CHARACTERS",
    "LARGE_SERIES_THRESHOLD",
    "LinesRead",
    "NumberRecorder",
    "Patient",
    "PatientRecords",
    "RenderedReport",
    "SectionEntry",
    "TableRows",
    "audit_groups",
    "audit_row",
    "build_context",
    "build_report",
    "build_sections",
    "decimal_columns",
    "decimal_padding",
    "install_recorder",
    "line_runs",
    "line_words",
    "lines_read",
    "make_environment",
    "applicable_care_items",
    "missing_care_sections",
    "not_applicable_reason",
    "per_patient_tables",
    "primary_keys",
    "provenance",
    "read_care_checklist",
    "read_sections",
    "render_report",
    "shorten",
    "source_cells",
    "source_groups",
    "split_lines",
    "table_rows",
    "typeset",
    "unit_text",
]
