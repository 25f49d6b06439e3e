"""Issue 3 end to end, with the real `snakemake`: byte-identical builds, the accepted baseline of
the report's numbers, and what a one-cell data edit changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from support.changes import nudged, one_cell_edit_changes, read_cell
from support.project import ROOT, copy_project, run_snakemake

from casereport import changes

# Outputs a build must reproduce byte for byte. Snakemake's own logs and per-rule benchmarks record
# wall-clock times and live outside these directories on purpose.
REPRODUCIBLE_DIRS = ("results", "report")


def _files(project: Path) -> dict[str, bytes]:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for directory in REPRODUCIBLE_DIRS
        for path in sorted((project / directory).rglob("*"))
        if path.is_file()
    }


def test_two_clean_builds_give_byte_identical_results_and_report(built_project, tmp_path):
    second = copy_project(tmp_path / "second")
    result = run_snakemake(second)
    assert result.returncode == 0, result.stderr[-3000:]
    first_files, second_files = _files(built_project), _files(second)
    assert sorted(first_files) == sorted(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert not differing, f"these files differ between two clean builds: {differing}"
    assert any(name.endswith(".pdf") for name in first_files)
    assert any(name.endswith(".svg") for name in first_files)


def test_the_report_numbers_match_the_accepted_baseline(built_project, capsys):
    """Fails when a data edit changed numbers but report/numbers.lock.csv was not updated.

    To accept intended changes: `snakemake --cores 1 && casereport accept-numbers`, then commit
    report/numbers.lock.csv (see docs/numbers.md)."""
    baseline = ROOT / "report/numbers.lock.csv"
    assert baseline.is_file(), "no baseline: run casereport accept-numbers"
    status = changes.main(["check-numbers", "--root", str(built_project)])
    assert status == 0, capsys.readouterr().out


def test_a_one_cell_edit_is_reported_in_changes_md_with_its_source_cell(built_project, tmp_path):
    project = copy_project(tmp_path / "project")
    for directory in ["results", "report", ".snakemake"]:
        shutil.copytree(built_project / directory, project / directory, dirs_exist_ok=True)
    raw_file, line, column = "data/raw/labs.csv", 2, "value"
    new_cell = nudged(read_cell(project / raw_file, line, column))

    def rebuild(path: Path) -> None:
        result = run_snakemake(path)
        assert result.returncode == 0, result.stderr[-3000:]

    reported = one_cell_edit_changes(project, raw_file, line, column, new_cell, rebuild)
    assert reported, "changes.csv lists no change after a one-cell edit"
    markdown = (project / "results/changes.md").read_text(encoding="utf-8")
    assert f"{raw_file}:{line}:{column}" in markdown
    assert new_cell in markdown
