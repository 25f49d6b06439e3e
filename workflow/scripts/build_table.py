"""Snakemake script of rule `table`: one of the report's tables as CSV (casereport.tables)."""

from pathlib import Path

from casereport import stages
from casereport.dataset import load_dataset
from casereport.tables import write_table

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

name = snakemake.wildcards.table
validated_dir = Path(snakemake.input.tables[0]).parent
dataset = load_dataset(validated_dir, snakemake.input.datapackage, list(stages.TABLES[name]))
write_table(name, dataset, snakemake.output[0])
