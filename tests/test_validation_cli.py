"""`casereport validate`, run as a user runs it: a separate process, exit code, stdout, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.project import ROOT
from support.validation import (
    DATAPACKAGE,
    break_three_files,
    copy_raw_data,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def casereport(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "casereport.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_clean_data_exits_0_with_a_one_line_summary(project):
    result = casereport("validate", cwd=project)
    assert result.returncode == 0, result.stderr
    with open(ROOT / DATAPACKAGE, encoding="utf-8") as handle:
        tables = len(yaml.safe_load(handle)["resources"])
    assert result.stdout.startswith(f"OK: {tables} tables")
    assert len(result.stdout.strip().splitlines()) == 1
    assert result.stderr == ""


@pytest.mark.slow
def test_bad_data_exits_1_printing_every_error_and_no_traceback(project):
    expected = break_three_files()
    result = casereport("validate", "--report", "out/report.json", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for file, line, column, _, rule in expected:
        assert f"{file}:{line}: column '{column}':" in result.stderr
        assert f"(rule: {rule})" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("3 errors in 3 files")
    report = json.loads((project / "out/report.json").read_text(encoding="utf-8"))
    found = {(f["file"], f["line"], f["column"], f["value"], f["rule"]) for f in report["findings"]}
    assert found == expected
    assert report["summary"]["errors"] == 3


@pytest.mark.slow
def test_the_data_dir_and_datapackage_options(project):
    (project / "data" / "raw").rename(project / "elsewhere")
    assert casereport("validate", cwd=project).returncode == 1
    result = casereport("validate", "--data-dir", "elsewhere", cwd=project)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_missing_datapackage_exits_1_with_one_clear_line(project):
    result = casereport("validate", "--datapackage", "nope.yaml", cwd=project)
    assert result.returncode == 1
    assert "data/raw/nope.yaml" in result.stderr and "(rule: datapackage)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_an_unexpected_failure_exits_2_in_one_line(project):
    path = project / DATAPACKAGE
    package = yaml.safe_load(path.read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"] = ["not a field descriptor"]
    path.write_text(yaml.safe_dump(package), encoding="utf-8")
    result = casereport("validate", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("casereport validate: unexpected error:")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_usage_error_exits_2(project):
    assert casereport("validate", "--no-such-option", cwd=project).returncode == 2
    assert casereport(cwd=project).returncode == 2
