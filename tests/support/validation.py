"""Raw data copies broken one cell at a time, and the validation findings they give.

Every broken copy is made from data/raw in a temporary directory by a program, and every
expectation (line, value, ...) is read from the data, so the tests follow the data when it is
corrected. The functions work on data/raw/ under the working directory (`copy_raw_data` moves
there).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml

from casereport.validation.checker import check_tables
from casereport.validation.report import Finding
from support.project import RAW

DATAPACKAGE = "data/raw/datapackage.yaml"  # relative: findings name files as users know them
# The article's own rules, which config/config.yaml names (absolute: tests run in copies).
ARTICLE_RULES = str(RAW.parents[1] / "workflow" / "article" / "validation_rules.py")


def copy_raw_data(tmp_path: Path, monkeypatch) -> Path:
    """A copy of data/raw under tmp_path/data/raw, with tmp_path as the working directory."""
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def raw_file(table: str) -> str:
    return f"data/raw/{table}.csv"


def read_table(table: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (each with its `_line`) of a raw file in the working directory."""
    with open(raw_file(table), encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [
            {**dict(zip(header, cells, strict=True)), "_line": n}
            for n, cells in enumerate(reader, 2)
        ]
    return header, rows


def first_row(table: str, condition=lambda row: True) -> dict[str, str]:
    """The first row (with `_line`) of a raw table that satisfies `condition`."""
    return next(row for row in read_table(table)[1] if condition(row))


def set_cell(table: str, line: int, column: str, value: str) -> None:
    """Rewrite one cell of a raw file (the rest is written back as it was)."""
    path = Path(raw_file(table))
    with open(path, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    records[line - 1][records[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def field(table: str, name: str) -> dict:
    package = yaml.safe_load((RAW / "datapackage.yaml").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table)
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def findings_of(*tables: str) -> list[Finding]:
    """Findings of the named tables (default: all), checked as one run."""
    results = check_tables(DATAPACKAGE, list(tables) or None, extension=ARTICLE_RULES)
    return [finding for result in results.values() for finding in result.findings]


def key(finding: Finding) -> tuple:
    return (finding.file, finding.line, finding.column, finding.value, finding.rule)


def only_finding(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(map(str, findings))
    return findings[0]


def month_before(yearmonth: str) -> str:
    year, month = map(int, yearmonth.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_after(yearmonth: str) -> str:
    year, month = map(int, yearmonth.split("-"))
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def break_three_files() -> set[tuple]:
    """One error in each of three files; returns the findings expected (as `key` tuples)."""
    lab = first_row("labs")["_line"]
    set_cell("labs", lab, "value", "abc")
    treatment = first_row("treatments", lambda row: row["end_month"])
    set_cell("treatments", treatment["_line"], "end_month", month_before(treatment["start_month"]))
    patient = first_row("patients")["_line"]
    set_cell("patients", patient, "sex", "unknown")
    return {
        (raw_file("labs"), lab, "value", "abc", "type"),
        (
            raw_file("treatments"),
            treatment["_line"],
            "end_month",
            month_before(treatment["start_month"]),
            "end-before-start",
        ),
        (raw_file("patients"), patient, "sex", "unknown", "enum"),
    }
