"""Snakemake script of rule `report_pdf`: report.pdf from report.html (casereport.pdf).

Resources may come from the report directory and the project (the working directory) only.
"""

from pathlib import Path

from casereport.pdf import render_pdf

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

render_pdf(snakemake.input.html, snakemake.output[0], allowed_roots=[Path.cwd()])
