"""The Snakemake job (casereport.validation.job, run by the `run:` block of validate.smk).

The job is run here as a function and as the rule's body with stand-ins for what Snakemake passes
it; tests/test_workflow.py runs the real workflow.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.project import ROOT
from support.validation import (
    DATAPACKAGE,
    break_three_files,
    copy_raw_data,
    first_row,
    raw_file,
    set_cell,
)

from casereport.validation.deps import raw_tables, validation_dependencies
from casereport.validation.job import run_in_workflow, validate_table_job


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def job_arguments(table: str) -> dict:
    return {
        "table": table,
        "table_path": raw_tables(DATAPACKAGE)[table],
        "related_paths": [
            raw_tables(DATAPACKAGE)[n] for n in validation_dependencies(DATAPACKAGE, table)
        ],
        "datapackage": DATAPACKAGE,
        "validated_path": f"results/validated/{table}.csv",
        "findings_path": f"results/validation/{table}.json",
    }


def read_records(path: Path | str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.slow
@pytest.mark.parametrize("table", ["references", "authors", "labs"])
def test_the_validated_copy_is_the_raw_file_plus_its_line_numbers(project, table):
    assert validate_table_job(**job_arguments(table)) == 0
    raw = read_records(raw_file(table))
    copy = read_records(f"results/validated/{table}.csv")
    assert copy[0] == [*raw[0], "source_line"]
    raw_lines = Path(raw_file(table)).read_text(encoding="utf-8").splitlines()
    for row in copy[1:]:
        *cells, source_line = row
        # The row is the raw line it names, cell for cell.
        assert next(csv.reader([raw_lines[int(source_line) - 1]])) == cells
    assert len(copy) == len(raw)


def test_the_validated_copy_is_utf8_with_lf_and_no_bom(project):
    path = Path(raw_file("references"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert validate_table_job(**job_arguments("references")) == 0
    written = Path("results/validated/references.csv").read_bytes()
    assert not written.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in written
    raw = read_records(path)
    raw[0][0] = raw[0][0].removeprefix("\ufeff")
    assert [row[:-1] for row in read_records("results/validated/references.csv")] == raw


def test_a_clean_job_writes_empty_findings(project):
    assert validate_table_job(**job_arguments("labs")) == 0
    findings = json.loads(Path("results/validation/labs.json").read_text(encoding="utf-8"))
    assert findings["findings"] == []
    assert findings["summary"]["errors"] == 0
    assert findings["rows"] == len(read_records(raw_file("labs"))) - 1


def test_a_failing_job_writes_findings_but_no_copy(project, capsys):
    line = first_row("labs")["_line"]
    set_cell("labs", line, "value", "abc")
    assert validate_table_job(**job_arguments("labs")) == 1
    assert not Path("results/validated/labs.csv").exists()
    findings = json.loads(Path("results/validation/labs.json").read_text(encoding="utf-8"))
    assert [
        (f["file"], f["line"], f["column"], f["value"], f["rule"]) for f in findings["findings"]
    ] == [(raw_file("labs"), line, "value", "abc", "type")]
    stderr = capsys.readouterr().err
    assert (
        f"{raw_file('labs')}:{line}: column 'value': value 'abc' is not a number (rule: type)"
        in stderr
    )
    assert "Traceback" not in stderr


def test_a_job_given_the_wrong_files_fails_in_one_line(project, capsys):
    arguments = {**job_arguments("labs"), "related_paths": []}
    assert validate_table_job(**arguments) == 2
    stderr = capsys.readouterr().err
    assert "internal-error" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    findings = json.loads(Path("results/validation/labs.json").read_text(encoding="utf-8"))
    assert findings["findings"][0]["rule"] == "internal-error"


class NamedList(dict):
    """Enough of Snakemake's Namedlist for the rule's `run:` block: attribute access and .get."""

    __getattr__ = dict.__getitem__


def run_rule_body(table: str, tmp_path: Path) -> tuple[int, str]:
    """The rule's `run:` body with stand-ins for what Snakemake passes it, named as in
    validate.smk: its exit code and what it wrote to the job's messages log."""
    arguments = job_arguments(table)
    messages = tmp_path / f"{table}.log"
    code = run_in_workflow(
        input=NamedList(
            table=arguments["table_path"],
            related=arguments["related_paths"],
            datapackage=DATAPACKAGE,
        ),
        output=[arguments["validated_path"]],
        log=SimpleNamespace(findings=arguments["findings_path"], messages=messages),
        wildcards=SimpleNamespace(table=table),
    )
    return code, messages.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_rule_body_returns_0_on_clean_data_and_1_on_bad_data(project, tmp_path, capsys):
    assert run_rule_body("treatments", tmp_path) == (0, "")
    assert Path("results/validated/treatments.csv").is_file()
    break_three_files()
    code, messages = run_rule_body("treatments", tmp_path)
    assert code == 1 and "rule:" in messages
    # Jobs run side by side in threads of one Snakemake: nothing goes to the shared stderr.
    assert capsys.readouterr().err == ""


def test_the_rule_fails_the_job_on_errors():
    rule = (ROOT / "workflow" / "rules" / "validate.smk").read_text(encoding="utf-8")
    assert "run_in_workflow(input, output, log, wildcards) != OK" in rule
    assert "raise ValidationFailed" in rule
