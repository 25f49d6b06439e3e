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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TextIO

# How many findings of one rule in one file are shown: a million bad rows must not print a million
# lines (the counts are always complete).
TERMINAL_LIMIT = 50
JSON_LIMIT = 1000
# A cell may be 100,000 characters long: a message quotes the start of it.
VALUE_LIMIT = 200
MESSAGE_LIMIT = 400


@dataclass(frozen=True, slots=True)
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


Counts = Counter  # (file, rule) -> number of findings


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Distinct findings in file, line, column order (a job may meet the same one twice)."""
    # Sorted, then equal neighbours dropped (equal keys are equal findings): no set of a million
    # findings beside the list, and each key computed once.
    findings = list(findings)
    keys = [finding.sort_key() for finding in findings]
    order = sorted(range(len(findings)), key=keys.__getitem__)
    return [findings[i] for n, i in enumerate(order) if n == 0 or keys[i] != keys[order[n - 1]]]


def format_finding(finding: Finding) -> str:
    """One line, editor style: `data/raw/labs.csv:7: column 'value': <message> (rule: type)`."""
    where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
    column = f" column '{finding.column}':" if finding.column else ""
    return f"{where}:{column} {finding.message} (rule: {finding.rule})"


def count_summary(counts: Counts) -> str:
    files = {file for file, _ in counts}
    return f"{_plural(sum(counts.values()), 'error')} in {_plural(len(files), 'file')}"


def print_findings(
    findings: list[Finding],
    closing: str,
    stream: TextIO | None = None,
    counts: Counts | None = None,
) -> None:
    """Print the first TERMINAL_LIMIT findings of each file and rule, one per line, a line for
    each group cut short, then a closing line that counts them all.

    `counts`: the full number of findings per (file, rule) when `findings` is already a bounded
    selection (a report read back from JSON); by default, counted from `findings`.
    """
    stream = stream or sys.stderr
    findings = sorted_findings(findings)
    counts = counts if counts is not None else count_by_file_and_rule(findings)
    for finding in first_of_each_group(findings, TERMINAL_LIMIT):
        print(format_finding(clipped(finding)), file=stream)
    for (file, rule), total in sorted(counts.items()):
        shown = min(total, TERMINAL_LIMIT)
        if total > shown:
            print(
                f"{file}: {total - shown:,} more errors of rule {rule!r} not shown "
                f"(the first {shown} of {total:,} are above; "
                f"the report lists up to {JSON_LIMIT:,})",
                file=stream,
            )
    print(f"{count_summary(counts)}; {closing}", file=stream)


# --- bounds -------------------------------------------------------------------------------------


def count_by_file_and_rule(findings: Iterable[Finding]) -> Counts:
    return Counter((finding.file, finding.rule) for finding in findings)


def first_of_each_group(findings: list[Finding], limit: int) -> list[Finding]:
    """The first `limit` findings of each (file, rule), in the given order."""
    seen: Counter = Counter()
    kept = []
    for finding in findings:
        group = (finding.file, finding.rule)
        seen[group] += 1
        if seen[group] <= limit:
            kept.append(finding)
    return kept


def clipped(finding: Finding) -> Finding:
    """The finding with its value and message cut to a readable length (a cell may be long)."""
    value, message = finding.value, finding.message
    if (value is None or len(value) <= VALUE_LIMIT) and len(message) <= MESSAGE_LIMIT:
        return finding
    return replace(finding, value=_clip(value, VALUE_LIMIT), message=_clip(message, MESSAGE_LIMIT))


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters in all)"


# --- JSON ---------------------------------------------------------------------------------------


def finding_from_dict(data: dict) -> Finding:
    return Finding(**{name: data.get(name) for name in Finding.__dataclass_fields__})


def summarise(counts: Counts, files_checked: int, listed: int) -> dict:
    by_file: Counter = Counter()
    by_rule: Counter = Counter()
    nested: dict[str, dict[str, int]] = {}
    for (file, rule), total in sorted(counts.items()):
        by_file[file] += total
        by_rule[rule] += total
        nested.setdefault(file, {})[rule] = total
    return {
        "files_checked": files_checked,
        "files_with_errors": len(by_file),
        "errors": sum(counts.values()),
        "errors_listed": listed,
        "errors_by_file": dict(sorted(by_file.items())),
        "errors_by_rule": dict(sorted(by_rule.items())),
        "errors_by_file_and_rule": nested,
        "listed_per_file_and_rule": JSON_LIMIT,
    }


def report_document(
    findings: list[Finding], files_checked: int, counts: Counts | None = None
) -> dict:
    """The findings as JSON: the first JSON_LIMIT of each file and rule, and the full counts."""
    findings = sorted_findings(findings)
    counts = counts if counts is not None else count_by_file_and_rule(findings)
    listed = [clipped(f) for f in first_of_each_group(findings, JSON_LIMIT)]
    return {
        "summary": summarise(counts, files_checked, len(listed)),
        "findings": [asdict(f) for f in listed],
    }


def counts_from_document(document: dict) -> Counts:
    """The full counts a report document holds (its findings may be a bounded selection)."""
    nested = document["summary"]["errors_by_file_and_rule"]
    return Counter({(file, rule): n for file, rules in nested.items() for rule, n in rules.items()})


def write_json(path: Path | str, document: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_table_findings(
    path: Path | str,
    table: str,
    file: str,
    rows: int | None,
    findings: list[Finding],
    counts: Counts | None = None,
) -> None:
    """The findings of one validation job (`rows`: data rows read, None if unreadable;
    `counts`: all findings by file and rule when `findings` is a bounded selection)."""
    document = {
        "table": table,
        "file": file,
        "rows": rows,
        **report_document(findings, 1, counts),
    }
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
        counts: Counts = Counter()
        files_checked = 0
        for path in per_table_json_paths:
            try:
                document = json.loads(Path(path).read_text(encoding="utf-8"))
                table_findings = [finding_from_dict(item) for item in document["findings"]]
                table_counts = counts_from_document(document)
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
            findings += table_findings
            counts += table_counts
            files_checked += 1
        write_json(report_json_path, report_document(findings, files_checked, counts))
        if print_errors and findings:
            print("\nThe raw data has errors:", file=sys.stderr)
            print_findings(
                findings,
                closing="nothing was built from the bad data. Fix the raw files and run again.",
                counts=counts,
            )
    except Exception as error:  # a report that cannot be written must not mask the run's outcome
        print(f"could not write the validation report: {error}", file=sys.stderr)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
