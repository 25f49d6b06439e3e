"""Snakemake script of rule `report_html`: report.html and results/numbers.csv (casereport.render).

Fails when a template names a number the catalog does not have.
"""

from casereport.render import build_report

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

report = build_report(
    snakemake.input.tables,
    snakemake.input.datapackage,
    snakemake.input.catalog,
    snakemake.input.captions,
)
report.write(snakemake.output.html, snakemake.output.numbers)
