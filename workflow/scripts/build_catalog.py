"""Snakemake script of rule `catalog`: every number the report may show (casereport.catalog)."""

from pathlib import Path

from casereport.catalog import build_catalog
from casereport.dataset import load_dataset

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

validated_dir = Path(snakemake.input.tables[0]).parent
names = [Path(path).stem for path in snakemake.input.tables]
dataset = load_dataset(validated_dir, snakemake.input.datapackage, names)
build_catalog(dataset).write_csv(snakemake.output[0])
