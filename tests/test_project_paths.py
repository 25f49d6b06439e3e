"""Only the project's files (issue 10, item 4): raw files are regular files inside data_dir,
dictionary paths stay inside it, config paths stay inside the project and apart."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml
from support.validation import (
    copy_raw_data,
    findings_of,
    raw_file,
)

from casereport.configcheck import config_problems
from casereport.validation.deps import DatapackageError, read_datapackage

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


@pytest.mark.slow
def test_a_symlinked_raw_file_is_an_error_naming_it_and_is_not_read(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.remove(raw_file("labs"))
    os.symlink(secret, raw_file("labs"))
    findings = [f for f in findings_of("labs") if f.file == raw_file("labs")]
    assert [(f.rule, f.line) for f in findings] == [("not-a-regular-file", None)]
    assert "symbolic link" in findings[0].message
    assert not any("root:" in (f.value or "") + f.message for f in findings_of())


def test_a_fifo_is_an_error_and_does_not_hang(project):
    os.remove(raw_file("labs"))
    os.mkfifo(raw_file("labs"))
    result = {}
    worker = threading.Thread(target=lambda: result.update(f=findings_of("labs")), daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader so the test run can end
        with open(raw_file("labs"), "w") as fifo:
            fifo.write("")
        pytest.fail("validation hung on a FIFO")
    findings = [f for f in result["f"] if f.file == raw_file("labs")]
    assert [f.rule for f in findings] == ["not-a-regular-file"]
    assert "FIFO" in findings[0].message


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc/passwd", "~/x.csv"])
def test_a_dictionary_path_outside_the_data_folder_is_refused(project, path):
    datapackage = Path("data/raw/datapackage.yaml")
    text = datapackage.read_text(encoding="utf-8").replace("path: labs.csv", f"path: {path}")
    datapackage.write_text(text, encoding="utf-8")
    with pytest.raises(DatapackageError, match="'labs'.*path"):
        read_datapackage(datapackage)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"data_dir": "../../etc"}, "data_dir"),
        ({"results_dir": "/tmp/results"}, "results_dir"),
        ({"results_dir": "data/raw"}, "results_dir"),
        ({"report_dir": "results"}, "report_dir"),
        ({"logs_dir": "report"}, "logs_dir"),
        ({"results_dir": "data/raw/out"}, "results_dir"),
        ({"benchmarks_dir": "results/benchmarks"}, "benchmarks_dir"),
        ({"claims": "results/claims.csv"}, "claims"),
        ({"data_dir": "."}, "data_dir"),
    ],
)
def test_a_config_path_outside_the_project_or_overlapping_another_is_named(override, key):
    problems = config_problems({**CONFIG, **override}, ROOT)
    assert problems and key in problems[0], problems


def test_the_project_config_has_no_path_problem():
    assert config_problems(CONFIG, ROOT) == []


def test_a_symlink_out_of_the_project_is_outside(tmp_path):
    (tmp_path / "project" / "data" / "raw").mkdir(parents=True)
    os.symlink("/tmp", tmp_path / "project" / "out")
    project = tmp_path / "project"
    problems = config_problems({**CONFIG, "results_dir": "out"}, project)
    assert problems == [
        f"key 'results_dir': 'out' is outside the project folder ({project.resolve()})"
    ]


def test_a_read_only_or_blocked_output_folder_is_named(tmp_path):
    project = tmp_path / "project"
    (project / "data" / "raw").mkdir(parents=True)
    (project / "results").mkdir()
    (project / "logs").write_text("a file where a folder should be", encoding="utf-8")
    read_only = {(project / "results").resolve()}
    problems = config_problems(CONFIG, project, writable=lambda path: path not in read_only)
    assert any(p.startswith("key 'results_dir': 'results' is a read-only folder") for p in problems)
    assert any(p.startswith("key 'logs_dir':") and "is a file" in p for p in problems)
