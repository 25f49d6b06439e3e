"""Snakemake script of rule `report_html`: report.html and results/numbers.csv (casereport.render).

Fails when a template names a number the catalog does not have.
"""

import sys
from pathlib import Path

from casereport.project_extension import activate
from casereport.render import build_report

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)
# The project's extension declares the report's tables and figures and builds its own.
activate(snakemake.config.get("extension"))

report = build_report(
    snakemake.input.tables,
    snakemake.input.datapackage,
    snakemake.input.catalog,
    snakemake.input.captions,
    audit_csv=snakemake.input.audit,
    audit_ledger_csv=snakemake.input.audit_ledger,
    summaries_csv=snakemake.input.summaries,
    care_checklist=snakemake.input.care_checklist,
    templates_dir=Path(snakemake.input.sections).parent,
    large_series_threshold=snakemake.params.large_series_threshold,
    table_models=snakemake.input.table_models,
    # The project's own context keys (config `report_context`), when it has a file of them.
    report_context=snakemake.input.get("report_context") or None,
)
report.write(snakemake.output.html, snakemake.output.numbers)
