"""Snakemake script of rule `changes`: compare results/numbers.csv with the accepted baseline."""

from casereport.changes import write_changes_reports


def main(smk) -> None:
    # The lock path comes as a param, not an input: it may not exist yet (no baseline).
    write_changes_reports(
        numbers=smk.input.numbers,
        lock=smk.params.lock,
        markdown=smk.output.markdown,
        table=smk.output.table,
    )


main(snakemake)  # noqa: F821 (Snakemake defines `snakemake` when it runs the script)
