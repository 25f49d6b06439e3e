"""Snakemake job `validate_table`: validate one raw table (see casereport.validation.job)."""

import sys

from casereport.validation.job import run_from_snakemake

sys.exit(run_from_snakemake(snakemake))  # noqa: F821  (injected by Snakemake's `script:`)
