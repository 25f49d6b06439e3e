"""Snakemake script of rule `changes`: compare results/numbers.csv with the accepted baseline."""

import sys

from casereport.changes import write_changes_reports


def main(smk) -> None:
    # The job's messages (and any traceback) go to its log, which Snakemake names when it fails.
    # (Run by a test with a stand-in `snakemake` that has no log, they stay on the terminal.)
    if getattr(smk, "log", None):
        sys.stderr = sys.stdout = open(smk.log[0], "w", encoding="utf-8", buffering=1)
    # The lock path comes as a param, not an input: it may not exist yet (no baseline).
    write_changes_reports(
        numbers=smk.input.numbers,
        lock=smk.params.lock,
        markdown=smk.output.markdown,
        table=smk.output.table,
    )


main(snakemake)  # noqa: F821 (Snakemake defines `snakemake` when it runs the script)
