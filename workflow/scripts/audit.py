"""Snakemake script of rule `audit`: check the paper's claims against the validated tables."""

import sys
from pathlib import Path

from casereport.audit import read_claims, run_audit, summary, write_audit_csv
from casereport.dataset import load_dataset

snakemake = globals()["snakemake"]  # injected by Snakemake's `script:` directive

tables = [Path(path) for path in snakemake.input.tables]
dataset = load_dataset(tables[0].parent, snakemake.input.datapackage, [t.stem for t in tables])
results = run_audit(dataset, read_claims(snakemake.input.claims))
write_audit_csv(results, snakemake.output[0])
print(f"audit: {summary(results)}", file=sys.stderr)
