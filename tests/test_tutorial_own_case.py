"""docs/tutorial.md, part 2 ("Your own case"): its commands print what the text says.

test_tutorial.py runs part 1 on a copy of the project; this test runs part 2, which needs nothing
of the article, in an empty directory (quick to run while editing that part).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.tutorial import TUTORIAL, mismatch, split_parts, tutorial_steps

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.mark.slow
def test_every_command_of_part_2_prints_what_the_tutorial_says(tmp_path):
    _, part_2 = split_parts(TUTORIAL.read_text(encoding="utf-8"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    steps = tutorial_steps(part_2)
    assert len(steps) >= 6
    for number, step in enumerate(steps, 1):
        result = subprocess.run(
            ["bash", "-c", step.commands],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        context = (
            f"part 2, step {number}:\n{step.commands}\n--- printed ---\n{result.stdout[-4000:]}"
        )
        assert (result.returncode != 0) == step.should_fail, context
        assert not mismatch(step.expected, result.stdout), (
            f"{context}\n--- not as shown ---\n{mismatch(step.expected, result.stdout)}"
        )
