"""Check one or more raw tables through all three layers, and publish the validated copy.

`check_tables` is what both entry points call: the Snakemake job with one table (job.py), the
`casereport validate` command with all of them (command.py). A table's checks need the tables its
foreign keys and rules read, so those are read too; only the requested tables' findings are
returned (each dependency has a job of its own).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casereport.dataset import SOURCE_LINE
from casereport.privacy import Allowed, column_findings, read_allowlist, text_columns
from casereport.spreadsheet import SafeWriter
from casereport.validation.deps import dependencies, raw_tables, read_datapackage, resources_by_name
from casereport.validation.files import check_header, read_csv_file
from casereport.validation.report import (
    JSON_LIMIT,
    Finding,
    count_by_file_and_rule,
    first_of_each_group,
    sorted_findings,
)
from casereport.validation.rules import check_rules, rule_set
from casereport.validation.schema import (
    check_foreign_keys,
    check_primary_key,
    control_character_findings,
    descriptor_problems,
    parse_fields,
)
from casereport.validation.table import CheckedTable


@dataclass(frozen=True)
class TableResult:
    name: str
    path: str  # the raw file
    table: CheckedTable | None  # None when the file could not be read as a table
    findings: list[Finding]  # sorted, the first JSON_LIMIT of each rule; empty when valid
    counts: Counter = field(default_factory=Counter)  # all findings by (file, rule)

    @property
    def rows(self) -> int | None:
        return None if self.table is None else len(self.table.rows)


def check_tables(
    datapackage_path: str,
    names: list[str] | None = None,
    privacy_allowlist: str | None = None,
    extension: str | None = None,
) -> dict[str, TableResult]:
    """Check the named tables (default: all) against the data dictionary and the rules, and
    their text cells for patient identifiers (casereport.privacy; `privacy_allowlist`: the
    reviewed list of what the article prints, none when None). `extension`: the project's own
    rules file (config key `validation_rules`), run after the general rules; none when None.

    Raises ExtensionError when that file cannot be loaded."""
    rules = rule_set(extension)
    package = read_datapackage(datapackage_path)
    resources = resources_by_name(package)
    paths = raw_tables(datapackage_path)
    names = list(resources) if names is None else names
    needed = list(
        dict.fromkeys(names + [d for n in names for d in dependencies(package, n, extension)])
    )

    descriptor_findings: dict[str, list[Finding]] = {}
    loaded: dict[str, tuple[CheckedTable | None, list[Finding]]] = {}
    for name in needed:
        problems = descriptor_problems(resources[name], set(resources))
        descriptor_findings[name] = [
            Finding(Path(datapackage_path).as_posix(), None, None, None, "datapackage", problem)
            for problem in problems
        ]
        # A schema these checks do not implement would be half-checked: check nothing.
        folder = Path(datapackage_path).parent.as_posix()
        loaded[name] = (None, []) if problems else load_table(paths[name], resources[name], folder)
    readable = {
        n: table for n, (table, _) in loaded.items() if table is not None and table.complete
    }

    allowed, allowlist_findings = (
        read_allowlist(privacy_allowlist) if privacy_allowlist else ([], [])
    )
    results = {}
    for name in names:
        table, findings = loaded[name]
        findings = findings + descriptor_findings[name]
        if table is not None:
            for dependency in dependencies(package, name, extension):
                if dependency not in readable:
                    findings.append(_unreadable_dependency(table.path, paths[dependency]))
            findings += check_foreign_keys(table, readable)
            findings += check_rules(table, readable, resources, rules)
            findings += privacy_findings(table, allowed) + allowlist_findings
        kept, counts = bounded(findings)
        results[name] = TableResult(name, paths[name], table, kept, counts)
    return results


def bounded(findings: list[Finding]) -> tuple[list[Finding], Counter]:
    """The first JSON_LIMIT findings of each file and rule, sorted, and the count of each.

    Bounded here, at the source: a million bad rows must not travel on as a million findings.
    A group past the limit is cut with a heap (no sort key kept for every finding: that doubled
    the memory of a million-row file); its count is the number of findings the checks made.
    """
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.file, finding.rule)].append(finding)
    selected = []
    large = Counter()
    for group, members in groups.items():
        if len(members) > JSON_LIMIT:
            large[group] = len(members)
            # Twice the limit: room for the duplicates sorted_findings drops.
            members = heapq.nsmallest(2 * JSON_LIMIT, members, key=Finding.sort_key)
        selected += members
    selected = sorted_findings(selected)
    counts = count_by_file_and_rule(selected) | large
    return first_of_each_group(selected, JSON_LIMIT), counts


def load_table(
    path: str, resource: dict, folder: str | None = None
) -> tuple[CheckedTable | None, list[Finding]]:
    """Read a raw file and check it alone: file, header, cells, primary key.

    `folder`: the data folder it must be a regular file inside (default: the file's folder)."""
    parsed = read_csv_file(path, folder=str(Path(path).parent) if folder is None else folder)
    findings = list(parsed.findings)
    if resource.get("emptyAllowed"):
        # A table that may have no rows (a series without adverse events): a header alone is fine.
        findings = [finding for finding in findings if finding.rule != "no-data-rows"]
    if parsed.header is None:
        return None, findings
    field_names = [field["name"] for field in resource["schema"]["fields"]]
    header_findings = check_header(path, parsed.header, field_names)
    findings += header_findings
    if len(set(parsed.header)) < len(parsed.header):
        return None, findings  # cells cannot be matched to columns named twice
    text = pd.DataFrame(
        parsed.rows, columns=parsed.header, index=pd.Index(parsed.lines, name="line"), dtype="str"
    )
    typed, cell_findings = parse_fields(path, text, resource)
    findings += cell_findings
    if parsed.has_control_characters:
        findings += control_character_findings(path, text)
    findings += check_primary_key(path, text, typed, resource)
    table = CheckedTable(
        name=resource["name"],
        path=path,
        resource=resource,
        header=parsed.header,
        rows=parsed.rows,
        lines=parsed.lines,
        text=text,
        typed=typed,
        complete=all(name in parsed.header for name in field_names),
    )
    return table, findings


def privacy_findings(table: CheckedTable, allowed: list[Allowed]) -> list[Finding]:
    """Likely patient identifiers in the table's text columns (see casereport.privacy)."""
    findings = []
    for column in text_columns(table.resource):
        if column in table.text.columns:
            findings += column_findings(table.path, column, table.text[column], allowed)
    return findings


def write_validated_copy(table: CheckedTable, path: Path | str) -> None:
    """The raw file's cells, UTF-8 with LF line endings, plus its line number per row; a cell a
    spreadsheet would execute is guarded (casereport.spreadsheet; load_dataset takes it off)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow([*table.header, SOURCE_LINE])
        for line, row in zip(table.lines, table.rows, strict=True):
            writer.writerow([*row, line])


def _unreadable_dependency(path: str, dependency_path: str) -> Finding:
    return Finding(
        path,
        None,
        None,
        None,
        "dependency-unreadable",
        f"cannot be checked against {dependency_path}, whose errors stop it being read",
    )
