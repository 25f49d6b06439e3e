"""Snakemake script of rule `figure`: SVG and 300 dpi PNG (casereport.figures).

The caption model is written by rule `figure_caption`, so that the report's HTML need not wait for
the drawings.
"""

import sys
from pathlib import Path

from casereport import stages
from casereport.dataset import load_dataset
from casereport.figures import write_drawings
from casereport.project_extension import activate

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)
# The project's extension declares the report's tables and figures and builds its own.
activate(snakemake.config.get("extension"))

name = snakemake.wildcards.figure
validated_dir = Path(snakemake.input.tables[0]).parent
dataset = load_dataset(validated_dir, snakemake.input.datapackage, list(stages.FIGURES[name]))
out = snakemake.output
# Above config's large_series_threshold patients the figure draws its summary form, the same
# threshold at which the report summarises its tables.
threshold = snakemake.params.large_series_threshold
write_drawings(name, dataset, out.svg, out.png, threshold)
