"""The vectorised schema checks agree with Frictionless, the reference implementation.

casereport.validation.schema re-implements the Table Schema checks for speed. Here Frictionless
validates the same broken copies, and both must flag the same rows with the same kind of error,
so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import re

import frictionless
import pytest
from support.validation import (
    DATAPACKAGE,
    copy_raw_data,
    findings_of,
    read_table,
    set_cell,
)

SCHEMA_RULES = {
    "type",
    "required",
    "enum",
    "minimum",
    "maximum",
    "pattern",
    "primary-key",
    "foreign-key",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def frictionless_errors(table: str) -> set[tuple]:
    """(line, field or None, rule) for each error Frictionless finds in one table."""
    package = frictionless.Package(DATAPACKAGE)
    report = package.get_resource(table).validate()
    errors = set()
    for task in report.tasks:
        for error in task.errors:
            rule = error.type.removesuffix("-error")
            if rule == "constraint":  # the note names it: 'constraint "minimum" is "0"'
                rule = re.match(r'constraint "(\w+)"', error.note).group(1)
            column = getattr(error, "field_name", None)
            errors.add((error.row_number, column, rule))
    return errors


def our_errors(table: str) -> set[tuple]:
    found = set()
    for finding in findings_of(table):
        assert finding.rule in SCHEMA_RULES, finding
        # Frictionless names no field for a row-level error (primary or foreign key).
        column = None if finding.rule in ("primary-key", "foreign-key") else finding.column
        found.add((finding.line, column, finding.rule))
    return found


def break_cells(table: str, edits: list[tuple[str, str]]) -> None:
    """Break one column per row, going down the table (so each error has its own line)."""
    for row, (column, value) in zip(read_table(table)[1], edits, strict=False):
        set_cell(table, row["_line"], column, value)


@pytest.mark.slow
def test_frictionless_passes_the_raw_data(project):
    assert frictionless.Package(DATAPACKAGE).validate().valid


@pytest.mark.slow
@pytest.mark.parametrize(
    ("table", "edits"),
    [
        ("labs", [("value", "abc"), ("value", "-1"), ("value", "1e9"), ("timepoint", "later")]),
        ("labs", [("source", ""), ("patient_id", "x")]),
        (
            "patients",
            [("sex", "mal"), ("pamidronate_ongoing", "yes"), ("age_at_diagnosis_years", "7.5")],
        ),
        ("treatments", [("drug", "Prednisone"), ("start_month", "2005-13"), ("dose", "-1")]),
        ("publication", [("received", "2009-02-30")]),
    ],
)
def test_frictionless_flags_the_same_cells(project, table, edits):
    break_cells(table, edits)
    assert our_errors(table) == frictionless_errors(table)


@pytest.mark.slow
def test_frictionless_flags_the_same_key_errors(project):
    rows = read_table("treatments")[1]
    set_cell("treatments", rows[1]["_line"], "treatment_id", rows[0]["treatment_id"])
    unknown = str(max(int(r["patient_id"]) for r in read_table("patients")[1]) + 1)
    set_cell("treatments", rows[2]["_line"], "patient_id", unknown)
    assert our_errors("treatments") == frictionless_errors("treatments")
