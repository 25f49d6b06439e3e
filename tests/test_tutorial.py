"""docs/tutorial.md stays true: its commands are run, in order, on a fresh copy of the project.

The tutorial alternates ```bash blocks (commands a student types) and ```output blocks (what they
should see). Each output line must appear, in order, in what the preceding bash block printed
(stdout and stderr as one stream); a line `...` stands for lines left out. A bash block followed by
```fails instead of ```output is expected to exit non-zero (the tutorial breaks data on purpose).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.project import copy_project
from support.tutorial import TUTORIAL, missing_lines, tutorial_steps


def test_the_tutorial_parses_into_steps_with_outputs():
    steps = tutorial_steps(TUTORIAL.read_text(encoding="utf-8"))
    assert len(steps) >= 6
    assert any(step.should_fail for step in steps), "the tutorial breaks the data on purpose once"
    assert all(step.expected for step in steps), "every command shows what it prints"


@pytest.mark.slow
def test_every_tutorial_command_prints_what_the_tutorial_says(tmp_path):
    project = copy_project(tmp_path / "project")
    # The tutorial calls `casereport` and `snakemake` as a student would, from the project copy.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for number, step in enumerate(tutorial_steps(TUTORIAL.read_text(encoding="utf-8")), 1):
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
        assert not missing_lines(step.expected, printed), (
            f"{context}\n--- missing ---\n{missing_lines(step.expected, printed)}"
        )
