"""docs/tutorial.md stays true: its commands are run, in order, on a fresh copy of the project.

This module runs part 1 (the article); part 2 ("Your own case") needs nothing of it and is run by
test_tutorial_own_case.py, in an empty directory, so that its build is not run twice
(support.tutorial.PART_2).

The tutorial alternates ```bash blocks (commands a student types) and ```output blocks (what they
should see). An output block is what the preceding bash block printed (stdout and stderr as one
stream), line for line; a line `...` stands for lines left out (support.tutorial.mismatch). A bash
block followed by ```fails instead of ```output is expected to exit non-zero (the tutorial breaks
data on purpose).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.project import commit_project, copy_project
from support.tutorial import TUTORIAL, mismatch, split_parts, tutorial_steps


def test_the_tutorial_parses_into_steps_with_outputs():
    steps = tutorial_steps(TUTORIAL.read_text(encoding="utf-8"))
    assert len(steps) >= 6
    assert any(step.should_fail for step in steps), "the tutorial breaks the data on purpose once"
    assert all(step.expected for step in steps), "every command shows what it prints"


def test_output_lines_are_compared_whole_and_in_runs():
    printed = "Building DAG\n4\npatients.4.patient_id\n  shown as:   4\ndone\n"
    assert not mismatch(["...", "4", "patients.4.patient_id", "shown as:   4", "..."], printed)
    assert not mismatch(["Building DAG", "...", "done"], printed)
    assert not mismatch(printed.splitlines(), printed), "a block without ... is the whole output"
    # A substring of a line is not the line: "4" is not "14", nor "patients_count" its CSV row.
    assert mismatch(["...", "1", "..."], "14\n")
    assert mismatch(["...", "patients_count", "..."], "patients_count,discrepant\n")
    # Lines between two `...` follow each other; without `...` nothing else may be printed.
    assert mismatch(["...", "4", "done", "..."], printed)
    assert mismatch(["4", "..."], printed), "a block without a leading ... begins the output"
    assert mismatch(["...", "4"], printed), "a block without a trailing ... ends the output"
    assert mismatch(["done"], "done\nmore\n")


@pytest.mark.slow
def test_every_command_of_part_1_prints_what_the_tutorial_says(tmp_path):
    project = copy_project(tmp_path / "project")
    commit_project(project)  # a git repository, as a student's clone is (the reset step uses git)
    # The tutorial calls `casereport` and `snakemake` as a student would, from the project copy.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    part_1, _ = split_parts(TUTORIAL.read_text(encoding="utf-8"))
    steps = tutorial_steps(part_1)
    assert len(steps) >= 6
    for number, step in enumerate(steps, 1):
        result = subprocess.run(
            ["bash", "-c", step.commands],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one stream, in the order a student sees it
            text=True,
            timeout=600,
        )
        printed = result.stdout
        context = f"tutorial step {number}:\n{step.commands}\n--- printed ---\n{printed[-4000:]}"
        if step.should_fail:
            assert result.returncode != 0, context
        else:
            assert result.returncode == 0, context
        assert not mismatch(step.expected, printed), (
            f"{context}\n--- not as shown ---\n{mismatch(step.expected, printed)}"
        )
