"""Snakemake script of rule `source_pages`: one browsable HTML page per raw file (sources.py)."""

from pathlib import Path

from casereport.dataset import read_datapackage
from casereport.sources import write_source_pages

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

out_dir = Path(snakemake.output[0]).parent
write_source_pages(snakemake.input.tables, read_datapackage(snakemake.input.datapackage), out_dir)
