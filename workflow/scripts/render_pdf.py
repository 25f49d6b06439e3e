"""Snakemake script of rule `report_pdf`: report.pdf from report.html (casereport.pdf).

Resources may come from the report directory and the project (the working directory) only.
"""

import sys
from pathlib import Path

from casereport.pdf import render_pdf

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)

render_pdf(
    snakemake.input.html,
    snakemake.output[0],
    allowed_roots=[Path.cwd()],
    number_appendix=snakemake.params.pdf_appendix,
)
