"""The Snakemake job `validate_table` (workflow/rules/validate.smk): validate one raw table.

It always writes the table's findings (results/validation/<table>.json, declared as the job's
log so Snakemake keeps it when the job fails). With no errors it writes the validated copy
(results/validated/<table>.csv) and exits 0; with errors it prints them to stderr, writes no copy
and exits 1; on an unexpected failure it says so in one line and exits 2. Never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from casereport.validation.checker import check_tables, write_validated_copy
from casereport.validation.deps import raw_tables, validation_dependencies
from casereport.validation.report import (
    Finding,
    format_finding,
    print_findings,
    write_table_findings,
)

OK, DATA_ERRORS, UNEXPECTED_ERROR = 0, 1, 2


class ValidationFailed(Exception):
    """A validation job found errors (already written to its logs; the workflow prints them)."""


def run_in_workflow(input, output, log, wildcards) -> int:
    """The body of the rule's `run:` block, in Snakemake's own process (no interpreter to start:
    the profile sets force-use-threads). Messages go to the job's `messages` log, not to the
    process's stderr (jobs run side by side in threads); returns the exit code. The rule raises
    ValidationFailed on a non-zero code, so that Snakemake marks the job failed."""
    with open(log.messages, "w", encoding="utf-8") as messages:
        code = validate_table_job(
            table=wildcards.table,
            table_path=input.table,
            related_paths=list(input.get("related", [])),
            datapackage=input.datapackage,
            privacy_allowlist=input.get("privacy_allowlist"),
            extension=input.get("rules"),
            validated_path=output[0],
            findings_path=log.findings,
            stream=messages,
        )
    return code


def validate_table_job(
    table: str,
    table_path: str,
    related_paths: list[str],
    datapackage: str,
    validated_path: str,
    findings_path: str,
    privacy_allowlist: str | None = None,
    extension: str | None = None,
    stream: TextIO | None = None,
) -> int:
    """Validate `table`; write its findings, and its validated copy if it has no errors.

    Messages go to `stream` (default: stderr)."""
    stream = stream or sys.stderr
    try:
        _check_wiring(table, table_path, related_paths, datapackage, extension)
        result = check_tables(datapackage, [table], privacy_allowlist, extension)[table]
        write_table_findings(
            findings_path, table, result.path, result.rows, result.findings, result.counts
        )
        if result.findings:
            print_findings(
                result.findings,
                closing=f"{validated_path} was not written.",
                counts=result.counts,
                stream=stream,
            )
            return DATA_ERRORS
        write_validated_copy(result.table, validated_path)
        return OK
    except Exception as error:  # the one place an unexpected error becomes a message
        problem = f"unexpected error while validating: {type(error).__name__}: {error}"
        finding = Finding(table_path, None, None, None, "internal-error", problem)
        try:
            write_table_findings(findings_path, table, table_path, None, [finding])
        except OSError:
            pass
        print(format_finding(finding), file=stream)
        return UNEXPECTED_ERROR


def _check_wiring(
    table: str,
    table_path: str,
    related_paths: list[str],
    datapackage: str,
    extension: str | None = None,
) -> None:
    """The job must be given exactly the files its checks read, or Snakemake would not rerun
    it when one of them changes: catch a workflow that drifted from deps.py."""
    paths = raw_tables(datapackage)
    expected = {paths[name] for name in validation_dependencies(datapackage, table, extension)}
    given = {Path(path).as_posix() for path in related_paths}
    if Path(table_path).as_posix() != paths[table] or given != expected:
        raise RuntimeError(
            f"the workflow gives the job {table_path} and {sorted(given)}, but the checks read "
            f"{paths[table]} and {sorted(expected)} (see casereport.validation.deps)"
        )
