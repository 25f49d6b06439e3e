# Rebuild the case report from data/raw/: validate -> tables, ledger, figures -> HTML and PDF report.
# Run `snakemake --cores 1` (or `-c all`). See README.md.

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/ledger.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/changes.smk"


rule all:
    input:
        expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_NAMES),
        f"{REPORT}/report.html",
        f"{REPORT}/report.pdf",
        f"{RESULTS}/audit.csv",
        f"{RESULTS}/changes.md",
        f"{RESULTS}/changes.csv",
