"""Findings as text and JSON, and `gather_findings` (the Snakefile's onsuccess/onerror handler)."""

from __future__ import annotations

import json

from casereport.validation.report import (
    Finding,
    format_finding,
    gather_findings,
    write_table_findings,
)

LABS = Finding("data/raw/labs.csv", 7, "value", "abc", "type", "value 'abc' is not a number")
EMPTY = Finding("data/raw/patients.csv", None, None, None, "empty-file", "the file is empty")
FK = Finding(
    "data/raw/treatments.csv", 2, "patient_id", "99", "foreign-key", "patient_id 99 is unknown"
)


def test_a_finding_reads_like_a_compiler_message():
    assert format_finding(LABS) == (
        "data/raw/labs.csv:7: column 'value': value 'abc' is not a number (rule: type)"
    )
    assert format_finding(EMPTY) == "data/raw/patients.csv: the file is empty (rule: empty-file)"


def write_jobs(tmp_path) -> list:
    paths = [tmp_path / f"{name}.json" for name in ("labs", "patients", "treatments", "never_ran")]
    write_table_findings(paths[0], "labs", LABS.file, 30, [LABS])
    write_table_findings(paths[1], "patients", EMPTY.file, None, [EMPTY])
    write_table_findings(paths[2], "treatments", FK.file, 19, [FK])
    return paths


def test_gather_merges_every_job_into_a_sorted_report(tmp_path, capsys):
    report = tmp_path / "report.json"
    gather_findings(write_jobs(tmp_path), report, print_errors=False)
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [(f["file"], f["line"]) for f in document["findings"]] == [
        (LABS.file, 7),
        (EMPTY.file, None),
        (FK.file, 2),
    ]
    assert document["summary"] == {
        "files_checked": 3,
        "files_with_errors": 3,
        "errors": 3,
        "errors_by_file": {LABS.file: 1, EMPTY.file: 1, FK.file: 1},
        "errors_by_rule": {"empty-file": 1, "foreign-key": 1, "type": 1},
        "errors_listed": 3,
        "errors_by_file_and_rule": {
            LABS.file: {"type": 1},
            EMPTY.file: {"empty-file": 1},
            FK.file: {"foreign-key": 1},
        },
        "listed_per_file_and_rule": 1000,
    }
    assert capsys.readouterr().err == ""


def test_gather_is_deterministic(tmp_path):
    paths = write_jobs(tmp_path)
    gather_findings(paths, tmp_path / "a.json", print_errors=False)
    gather_findings(list(reversed(paths)), tmp_path / "b.json", print_errors=False)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_gather_prints_every_error_and_a_count_when_asked(tmp_path, capsys):
    gather_findings(write_jobs(tmp_path), tmp_path / "report.json", print_errors=True)
    lines = capsys.readouterr().err.strip().splitlines()
    for finding in (LABS, EMPTY, FK):
        assert format_finding(finding) in lines
    assert lines[-1].startswith("3 errors in 3 files; nothing was built from the bad data")


def test_gather_prints_nothing_when_the_data_is_valid(tmp_path, capsys):
    path = tmp_path / "labs.json"
    write_table_findings(path, "labs", LABS.file, 30, [])
    gather_findings([path], tmp_path / "report.json", print_errors=True)
    assert capsys.readouterr().err == ""


def test_gather_never_raises(tmp_path, capsys):
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{not json", encoding="utf-8")
    gather_findings([corrupt, tmp_path / "missing.json"], tmp_path / "report.json", True)
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["files_checked"] == 0
    (tmp_path / "is_a_directory").mkdir()
    gather_findings([corrupt], tmp_path / "is_a_directory", print_errors=True)
    assert "could not write the validation report" in capsys.readouterr().err
