"""docs/tutorial.md read as steps: each ```bash block with the lines it should print."""

from __future__ import annotations

import re
from dataclasses import dataclass

from support.project import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(bash|output|fails)\n(.*?)^```$", re.M | re.S)


@dataclass
class Step:
    commands: str
    expected: list[str]
    should_fail: bool


def tutorial_steps(markdown: str) -> list[Step]:
    steps: list[Step] = []
    for kind, body in BLOCK.findall(markdown):
        if kind == "bash":
            steps.append(Step(body, [], False))
        else:
            assert steps, f"a ```{kind} block must follow a ```bash block"
            steps[-1].expected = [line for line in body.splitlines() if line.strip()]
            steps[-1].should_fail = kind == "fails"
    return steps


def missing_lines(expected: list[str], printed: str) -> list[str]:
    """Expected lines not found, in order, in the printed text ('...' matches anything)."""
    position, missing = 0, []
    for line in expected:
        if line.strip() == "...":
            continue
        found = printed.find(line.strip(), position)
        if found < 0:
            missing.append(line)
        else:
            position = found + len(line.strip())
    return missing
