"""Snakemake script of rule `source_pages`: one browsable HTML page per raw file (sources.py)."""

import sys
from pathlib import Path

from casereport.dataset import read_datapackage
from casereport.sources import write_source_pages

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)

out_dir = Path(snakemake.output[0]).parent
write_source_pages(snakemake.input.tables, read_datapackage(snakemake.input.datapackage), out_dir)
