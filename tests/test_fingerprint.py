"""report/inputs.sha256.csv and `casereport status` (casereport.fingerprint): no build needed."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casereport.fingerprint import FINGERPRINT, failed_build_line, status, write_fingerprint

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "data/raw/datapackage.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    """data/raw and config/ copied, with the fingerprint a successful build writes."""
    shutil.copytree(ROOT / "data/raw", tmp_path / "data/raw")
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "report").mkdir()
    with contextlib.chdir(tmp_path):
        write_fingerprint(PACKAGE, FINGERPRINT)
    return tmp_path


def run_status(project: Path) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "casereport.cli", "status"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return result.returncode, result.stdout + result.stderr


def test_the_fingerprint_lists_every_file_of_the_data_package_once(project):
    lines = (project / FINGERPRINT).read_text(encoding="utf-8").splitlines()
    files = [line.split(",")[0] for line in lines[1:]]
    raw = sorted(p.relative_to(project).as_posix() for p in (project / "data/raw").glob("*.csv"))
    assert files == sorted([PACKAGE, *raw])


@pytest.mark.slow
def test_status_is_one_line_and_exit_0_when_report_matches(project):
    code, out = run_status(project)
    assert code == 0 and out.count("\n") == 1 and "report/ matches data/raw" in out


@pytest.mark.slow
def test_status_names_an_edited_file_and_exits_1(project):
    labs = project / "data/raw/labs.csv"
    labs.write_text(labs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, out = run_status(project)
    assert code == 1 and out.count("\n") == 1
    assert "does not match data/raw: labs.csv changed" in out and "Traceback" not in out


@pytest.mark.slow
def test_status_names_a_removed_and_an_added_resource(project):
    (project / "data/raw/findings.csv").unlink()
    package = project / PACKAGE
    text = package.read_text(encoding="utf-8")
    package.write_text(text.replace("path: findings.csv", "path: findings2.csv"), "utf-8")
    result = status(project)
    assert not result.current
    assert result.removed == ("data/raw/findings.csv",)
    assert result.added == ("data/raw/findings2.csv",)
    assert PACKAGE in result.changed


@pytest.mark.slow
def test_status_without_a_build_says_so(project):
    (project / FINGERPRINT).unlink()
    code, out = run_status(project)
    assert code == 1 and "no successful build" in out


@pytest.mark.slow
def test_a_report_of_another_data_directory_does_not_match_data_raw(project):
    shutil.copytree(project / "data/raw", project / "cohort")
    with contextlib.chdir(project):
        write_fingerprint("cohort/datapackage.yaml", FINGERPRINT)
    result = status(project)
    assert not result.current and "built from cohort" in result.line()


@pytest.mark.slow
def test_a_failed_build_line_says_report_is_the_previous_build_and_what_changed(project):
    labs = project / "data/raw/labs.csv"
    labs.write_text(labs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    line = failed_build_line(project, "report", PACKAGE)
    assert line.startswith("Build failed: report/ is from the previous successful build")
    assert "labs.csv changed" in line and "\n" not in line
    time.sleep(0.01)
    (project / "report/report.html").write_text("new", encoding="utf-8")
    assert "except report.html, rewritten by this run" in failed_build_line(
        project, "report", PACKAGE
    )


def test_the_fingerprint_command_writes_what_status_compares_with(tmp_path):
    """`casereport fingerprint` (the last job of a build) reads the data package that config
    names, through the same keys in every project: data_dir and datapackage."""
    shutil.copytree(ROOT / "data/raw", tmp_path / "data/raw")
    shutil.copytree(ROOT / "config", tmp_path / "config")
    result = subprocess.run(
        [sys.executable, "-m", "casereport.cli", "fingerprint", "--output", "inputs.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stderr
    with contextlib.chdir(tmp_path):
        written = (tmp_path / "inputs.csv").read_text(encoding="utf-8")
        assert written.splitlines()[1].startswith("data/raw/")
        assert status(tmp_path, tmp_path / "inputs.csv").current
