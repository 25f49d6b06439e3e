"""Findings: what the checks report, how they are printed, and the JSON files they are kept in.

Every check of every layer returns `Finding`s; none raises on bad data. A finding is always an
error: the table it is about is not published (no validated copy) until it is fixed.

Files written here:
* results/validation/<table>.json, one per validation job (`write_table_findings`);
* results/validation/report.json, all of them merged (`gather_findings`, called by the
  Snakefile's onsuccess/onerror handlers, and `casereport validate --report`).
Both are deterministic: findings sorted, keys sorted, no timestamps.

Stdlib only: deps.py (imported by the Snakefile on every run) imports the rules, which import this.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class Finding:
    file: str  # the file as the checks were given it, e.g. data/raw/labs.csv
    line: int | None  # line in the file, header = 1; None for a problem with the whole file
    column: str | None  # field name; None when the problem is not about one column
    value: str | None  # the offending cell text, as in the file; None when there is no cell
    rule: str  # short machine id, e.g. "type", "foreign-key", "end-before-start"
    message: str  # a sentence that shows the values involved

    def sort_key(self) -> tuple:
        return (
            self.file,
            -1 if self.line is None else self.line,
            self.column or "",
            self.rule,
            self.value or "",
            self.message,
        )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Distinct findings in file, line, column order (a job may meet the same one twice)."""
    return sorted(set(findings), key=Finding.sort_key)


def format_finding(finding: Finding) -> str:
    """One line, editor style: `data/raw/labs.csv:7: column 'value': <message> (rule: type)`."""
    where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
    column = f" column '{finding.column}':" if finding.column else ""
    return f"{where}:{column} {finding.message} (rule: {finding.rule})"


def count_summary(findings: list[Finding]) -> str:
    files = {f.file for f in findings}
    return f"{_plural(len(findings), 'error')} in {_plural(len(files), 'file')}"


def print_findings(findings: list[Finding], closing: str, stream: TextIO | None = None) -> None:
    """Print every finding, one per line, then a closing line that counts them."""
    stream = stream or sys.stderr
    findings = sorted_findings(findings)
    for finding in findings:
        print(format_finding(finding), file=stream)
    print(f"{count_summary(findings)}; {closing}", file=stream)


# --- JSON ---------------------------------------------------------------------------------------


def finding_from_dict(data: dict) -> Finding:
    return Finding(**{name: data.get(name) for name in Finding.__dataclass_fields__})


def summarise(findings: list[Finding], files_checked: int) -> dict:
    return {
        "files_checked": files_checked,
        "files_with_errors": len({f.file for f in findings}),
        "errors": len(findings),
        "errors_by_file": dict(sorted(Counter(f.file for f in findings).items())),
        "errors_by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
    }


def report_document(findings: list[Finding], files_checked: int) -> dict:
    findings = sorted_findings(findings)
    return {
        "summary": summarise(findings, files_checked),
        "findings": [asdict(f) for f in findings],
    }


def write_json(path: Path | str, document: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_table_findings(
    path: Path | str, table: str, file: str, rows: int | None, findings: list[Finding]
) -> None:
    """The findings of one validation job (`rows`: data rows read, None if unreadable)."""
    document = {"table": table, "file": file, "rows": rows, **report_document(findings, 1)}
    write_json(path, document)


def gather_findings(
    per_table_json_paths: Iterable[Path | str],
    report_json_path: Path | str,
    print_errors: bool,
) -> None:
    """Merge the per-table findings that exist into one report; optionally print every error.

    Called from the Snakefile's onsuccess/onerror handlers, so it never raises: a missing or
    unreadable per-table file is skipped (a job that never ran has nothing to say).
    """
    try:
        findings: list[Finding] = []
        files_checked = 0
        for path in per_table_json_paths:
            try:
                document = json.loads(Path(path).read_text(encoding="utf-8"))
                findings += [finding_from_dict(item) for item in document["findings"]]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            files_checked += 1
        write_json(report_json_path, report_document(findings, files_checked))
        if print_errors and findings:
            print("\nThe raw data has errors:", file=sys.stderr)
            print_findings(
                findings,
                closing="nothing was built from the bad data. Fix the raw files and run again.",
            )
    except Exception as error:  # a report that cannot be written must not mask the run's outcome
        print(f"could not write the validation report: {error}", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
