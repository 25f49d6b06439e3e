"""Snakemake script of rule `catalog`: every number the report may show (casereport.catalog), and
the whole series' summaries that no table shows (casereport.summary)."""

import sys
from pathlib import Path

from casereport.catalog import build_catalog
from casereport.dataset import load_dataset
from casereport.ledger import Ledger
from casereport.project_extension import activate
from casereport.summary import series_summary_numbers

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)
# The project's extension declares the report's tables and figures and builds its own.
activate(snakemake.config.get("extension"))

validated_dir = Path(snakemake.input.tables[0]).parent
names = [Path(path).stem for path in snakemake.input.tables]
dataset = load_dataset(validated_dir, snakemake.input.datapackage, names)
build_catalog(dataset).write_csv(snakemake.output.catalog)
Ledger(series_summary_numbers(dataset)).write_csv(snakemake.output.summaries)
