"""Bounded input (issue 10, item 3): control characters, cell lengths, UTF-16/32 files, and
reports that stay readable when every one of a million rows is wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from support.project import RAW
from support.validation import (
    copy_raw_data,
    findings_of,
    first_row,
    raw_file,
    set_cell,
)

from casereport.validation.files import read_csv_file
from casereport.validation.report import (
    JSON_LIMIT,
    TERMINAL_LIMIT,
    Finding,
    gather_findings,
    print_findings,
    report_document,
    write_table_findings,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def test_a_nul_or_escape_in_a_cell_is_an_error_naming_the_cell(project):
    row = first_row("adverse_events")
    for character, name in [("\x00", "U+0000 (NUL)"), ("\x1b", "U+001B (escape)")]:
        set_cell("adverse_events", row["_line"], "event", f"fever{character}x")
        findings = [f for f in findings_of("adverse_events") if f.rule == "control-character"]
        assert [(f.file, f.line, f.column) for f in findings] == [
            (raw_file("adverse_events"), row["_line"], "event")
        ]
        assert name in findings[0].message


def test_tab_is_not_a_control_character_error(project):
    row = first_row("adverse_events")
    set_cell("adverse_events", row["_line"], "event", "fever\tx")
    assert not [f for f in findings_of("adverse_events") if f.rule == "control-character"]


def free_text_fields() -> list[tuple[str, dict]]:
    """String fields with no enum or pattern that are not keys: the dictionary's free text."""
    package = yaml.safe_load((RAW / "datapackage.yaml").read_text(encoding="utf-8"))
    fields = []
    for resource in package["resources"]:
        schema = resource["schema"]
        keys = set(schema.get("primaryKey", []))
        for foreign_key in schema.get("foreignKeys", []):
            keys |= set(
                [foreign_key["fields"]]
                if isinstance(foreign_key["fields"], str)
                else foreign_key["fields"]
            )
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            if field.get("type", "string") == "string" and field["name"] not in keys:
                if "enum" not in constraints and "pattern" not in constraints:
                    fields.append((resource["name"], field))
    return fields


def test_every_free_text_column_has_a_maximum_length():
    fields = free_text_fields()
    assert len(fields) > 10
    assert [(t, f["name"]) for t, f in fields if "maxLength" not in f.get("constraints", {})] == []


def test_a_cell_past_its_maximum_length_is_one_short_error(project, capsys):
    row = first_row("adverse_events")
    set_cell("adverse_events", row["_line"], "event", "x" * 100_000)
    findings = [f for f in findings_of("adverse_events") if f.rule == "max-length"]
    assert [(f.line, f.column) for f in findings] == [(row["_line"], "event")]
    print_findings(findings, closing="stop.")
    printed = capsys.readouterr().err
    assert "100,000 characters" in printed and len(printed) < 1500


def test_utf16_and_utf32_files_are_named_by_their_byte_order_mark(tmp_path):
    text = Path(RAW / "labs.csv").read_text(encoding="utf-8")
    for encoding, name in [
        ("utf-16", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32 (little-endian)"),
    ]:
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        findings = read_csv_file(str(path)).findings
        assert len(findings) == 1, findings
        assert findings[0].rule == "encoding" and name in findings[0].message
        assert "0xff" not in findings[0].message


def many(rule: str, count: int, file: str = "data/raw/labs.csv") -> list[Finding]:
    return [Finding(file, line, "value", "abc", rule, "bad") for line in range(2, count + 2)]


def test_the_terminal_shows_the_first_errors_of_each_file_and_rule_and_the_full_count(capsys):
    findings = many("type", 5000) + many("foreign-key", 3)
    print_findings(findings, closing="stop.")
    lines = capsys.readouterr().err.splitlines()
    assert len([line for line in lines if "(rule: type)" in line]) == TERMINAL_LIMIT
    assert len([line for line in lines if "(rule: foreign-key)" in line]) == 3
    assert f"{5000 - TERMINAL_LIMIT:,} more errors of rule 'type' not shown" in "\n".join(lines)
    assert lines[-1] == "5003 errors in 1 file; stop."


def test_the_report_lists_the_first_thousand_and_counts_them_all(tmp_path, capsys):
    findings = many("type", 3000)
    job = tmp_path / "labs.json"
    write_table_findings(job, "labs", "data/raw/labs.csv", 3000, findings)
    gather_findings([job], tmp_path / "report.json", print_errors=True)
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) == JSON_LIMIT
    assert document["summary"]["errors"] == 3000
    assert document["summary"]["errors_by_rule"] == {"type": 3000}
    printed = capsys.readouterr().err
    assert printed.count("(rule: type)") == TERMINAL_LIMIT
    assert "3000 errors in 1 file" in printed
    assert report_document(findings, 1)["summary"]["errors_listed"] == JSON_LIMIT


def test_no_findings_print_nothing_but_the_count():
    stream = io.StringIO()
    print_findings([], closing="fine.", stream=stream)
    assert stream.getvalue() == "0 errors in 0 files; fine.\n"
