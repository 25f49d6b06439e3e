"""Snakemake script of rule `table`: one of the report's tables as CSV, and the table model the
report reads as JSON (casereport.tables)."""

import sys
from pathlib import Path

from casereport import stages
from casereport.dataset import load_dataset
from casereport.project_extension import activate
from casereport.tables import write_table_outputs

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)
# The project's extension declares the report's tables and figures and builds its own.
activate(snakemake.config.get("extension"))

name = snakemake.wildcards.table
validated_dir = Path(snakemake.input.tables[0]).parent
dataset = load_dataset(validated_dir, snakemake.input.datapackage, list(stages.TABLES[name]))
write_table_outputs(
    name,
    dataset,
    snakemake.output.csv,
    snakemake.output.model,
    snakemake.params.large_series_threshold,
)
