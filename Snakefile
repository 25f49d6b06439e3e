# Rebuild the case report from data/raw/: validate -> tables, ledger, figures -> HTML and PDF report.
# Run `snakemake --cores 1` (or `-c all`). See README.md.

import sys

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


try:
    validate(config, "workflow/schemas/config.schema.yaml")
except WorkflowError as error:
    # Snakemake's own message dumps the whole schema and config; one line naming the key is enough.
    # (The jsonschema error is the context of the WorkflowError that Snakemake raises.)
    cause = error.__context__
    key = ".".join(str(part) for part in getattr(cause, "absolute_path", []))
    message = getattr(cause, "message", str(error))
    if (
        getattr(cause, "validator", None) == "pattern"
    ):  # say what the regular expression means
        message = (
            f"{cause.instance!r} is not allowed ({cause.schema.get('description', '')}): "
            "paths are relative to the project folder and stay inside it "
            "(no leading slash or '~', no '..')"
        )
    sys.exit(
        f"config error: {f'key {key!r}: ' if key else ''}{message} "
        "(see workflow/schemas/config.schema.yaml)"
    )


# Snakemake's own report (`snakemake --report report.html`): this text, then every output marked
# with report() in the rules, with the code, software and runtime of each job.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/ledger.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/changes.smk"
include: "workflow/rules/docs.smk"


# The default target: the report and everything it shows. docs/rulegraph.svg (docs.smk) is not
# part of it: it pictures the rules, not the data, and is refreshed by hand when they change.
rule all:
    input:
        expand(f"{RESULTS}/tables/{{table}}.csv", table=TABLE_NAMES),
        f"{REPORT}/report.html",
        f"{REPORT}/report.pdf",
        f"{REPORT}/inputs.sha256.csv",
        f"{RESULTS}/audit.csv",
        f"{RESULTS}/changes.md",
        f"{RESULTS}/changes.csv",
    message:
        "done: the report is in the report folder"
