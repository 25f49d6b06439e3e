"""Snakemake job `validate_table`: validate one raw table (see casereport.validation.job)."""

import sys

from casereport.validation.job import run_from_snakemake

# `snakemake` is injected by Snakemake's `script:` directive. The job's messages go to its
# `messages` log; the findings themselves are in its `findings` log, from which the workflow's
# onerror handler prints every error on the terminal. (Run by a test with a stand-in `snakemake`
# that has no `messages` log, they stay on the terminal.)
if messages := getattr(snakemake.log, "messages", None):  # noqa: F821
    sys.stderr = sys.stdout = open(messages, "w", encoding="utf-8", buffering=1)
sys.exit(run_from_snakemake(snakemake))  # noqa: F821
