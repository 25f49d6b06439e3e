"""Snakemake script of rule `audit`: check the paper's claims against the validated tables, and
write the rebuilt values to the ledger (results/ledger/audit.csv)."""

import sys
from pathlib import Path

from casereport.audit import (
    read_claims,
    run_audit,
    summary,
    write_audit_csv,
    write_audit_ledger,
)
from casereport.dataset import load_dataset
from casereport.project_extension import activate

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive
# The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
# (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
if getattr(snakemake, "log", None):
    sys.stderr = sys.stdout = open(snakemake.log[0], "w", encoding="utf-8", buffering=1)
# The project's extension declares the report's tables and figures and builds its own.
activate(snakemake.config.get("extension"))

tables = [Path(path) for path in snakemake.input.tables]
dataset = load_dataset(tables[0].parent, snakemake.input.datapackage, [t.stem for t in tables])
results = run_audit(dataset, read_claims(snakemake.input.claims))
write_audit_csv(results, snakemake.output.table)
write_audit_ledger(dataset, results, snakemake.output.ledger)
print(f"audit: {summary(results)}", file=sys.stderr)
