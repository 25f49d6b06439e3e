"""End to end: the real `snakemake` on a copy of the project."""

from __future__ import annotations

import json
import re

import pytest
from support.project import copy_project, run_snakemake


def _jobs_planned(dry_run_stdout: str) -> dict[str, int]:
    """Rule -> job count from the 'Job stats' table of a dry run."""
    stats = dry_run_stdout.split("Job stats:")[1]
    return {rule: int(count) for rule, count in re.findall(r"^(\w+)\s+(\d+)$", stats, re.M)}


def _edit_cell(path, line_number: int, column: str, new_value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[line_number - 1].rstrip("\n").split(",")
    cells[header.index(column)] = new_value
    lines[line_number - 1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_cold_build_writes_tables_report_and_ledger(built_project):
    for relative in [
        "results/tables/table1.csv",
        "results/tables/table2.csv",
        "results/tables/table3.csv",
        "results/numbers.csv",
        "results/validation/report.json",
        "report/report.html",
        "report/report.pdf",
    ]:
        path = built_project / relative
        assert path.is_file() and path.stat().st_size > 0, relative
    report = json.loads((built_project / "results/validation/report.json").read_text())
    assert report["summary"]["errors"] == 0


def test_second_run_does_nothing(built_project):
    result = run_snakemake(built_project, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Nothing to be done" in result.stdout + result.stderr


def test_one_cell_edit_reruns_only_the_jobs_that_read_that_file(built_project, tmp_path):
    project = copy_project(tmp_path / "project")
    # Reuse the built results so the dry run starts from an up-to-date build.
    import shutil

    for directory in ["results", "report", ".snakemake"]:
        shutil.copytree(built_project / directory, project / directory, dirs_exist_ok=True)
    assert "Nothing to be done" in (lambda r: r.stdout + r.stderr)(
        run_snakemake(project, "--dry-run")
    )
    _edit_cell(project / "data/raw/labs.csv", 2, "value", "14")
    planned = _jobs_planned(run_snakemake(project, "--dry-run", "--quiet", "rules").stdout)
    assert planned.get("validate_table") == 1  # labs.csv only: no other table refers to it
    assert planned.get("table") == 1  # Table II only
    assert planned.get("figure") == 1  # the labs figure only
    assert "report_pdf" in planned


@pytest.mark.slow
def test_bad_data_stops_the_build_with_every_error_at_once(tmp_path):
    project = copy_project(tmp_path / "project")
    _edit_cell(project / "data/raw/labs.csv", 2, "value", "high")
    _edit_cell(project / "data/raw/treatments.csv", 2, "patient_id", "99")
    result = run_snakemake(project)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr.split("Error in rule")[0]
    assert "data/raw/labs.csv:2" in result.stderr
    assert "data/raw/treatments.csv:2" in result.stderr
    report = json.loads((project / "results/validation/report.json").read_text())
    files = {finding["file"] for finding in report["findings"]}
    assert {"data/raw/labs.csv", "data/raw/treatments.csv"} <= files
    assert not (project / "results/tables/table2.csv").exists()
    assert not (project / "report/report.html").exists()
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Build failed: report/ holds no complete successful build")


def test_a_failed_build_after_a_good_one_says_report_is_the_previous_build(built_project, tmp_path):
    import shutil

    from casereport.fingerprint import status

    project = copy_project(tmp_path / "project")
    for directory in ["results", "report", ".snakemake"]:
        shutil.copytree(built_project / directory, project / directory, dirs_exist_ok=True)
    assert status(project).current
    _edit_cell(project / "data/raw/labs.csv", 2, "value", "high")
    result = run_snakemake(project)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "Build failed: report/ is from the previous successful build "
        "(data/raw has changed since: labs.csv changed)."
    )
    assert not status(project).current
