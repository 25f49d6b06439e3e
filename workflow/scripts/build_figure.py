"""Snakemake script of rule `figure`: SVG, 300 dpi PNG and caption model (casereport.figures)."""

from pathlib import Path

from casereport import stages
from casereport.dataset import load_dataset
from casereport.figures import write_figure

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

name = snakemake.wildcards.figure
validated_dir = Path(snakemake.input.tables[0]).parent
dataset = load_dataset(validated_dir, snakemake.input.datapackage, list(stages.FIGURES[name]))
out = snakemake.output
write_figure(name, dataset, out.svg, out.png, out.caption)
