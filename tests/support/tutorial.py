"""docs/tutorial.md read as steps: each ```bash block with the lines it should print."""

from __future__ import annotations

import re
from dataclasses import dataclass

from support.project import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
# Part 2 needs nothing of part 1 (its project is `casereport new`'s): tests/test_tutorial.py runs
# part 1 on a copy of the project, tests/test_tutorial_own_case.py part 2 in an empty directory;
# between them every command of the tutorial runs once.
PART_2 = "# Part 2: Your own case"


def split_parts(markdown: str) -> tuple[str, str]:
    """The tutorial's part 1 (everything before PART_2's heading) and part 2 (the rest)."""
    assert markdown.count(PART_2) == 1, f"the tutorial has one heading {PART_2!r}"
    part_1, part_2 = markdown.split(PART_2)
    return part_1, part_2


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


ELLIPSIS = "..."


def mismatch(expected: list[str], printed: str) -> str:
    """Why the printed text does not show the expected lines; "" when it does.

    Lines are compared whole (leading and trailing blanks, and empty lines, aside), not as
    substrings: "4" matches a line that is 4, not every line holding a 4. A line `...` stands for
    any number of printed lines (none too); the lines between two `...` follow each other in the
    printed text. A block that does not begin (end) with `...` begins (ends) where the printed
    text does, so a block without `...` is the whole output, line for line.
    """
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    wanted = [line.strip() for line in expected if line.strip()]
    segments: list[list[str]] = [[]]
    for line in wanted:
        if line == ELLIPSIS:
            segments.append([])
        else:
            segments[-1].append(line)
    if len(segments) == 1:  # no `...`: the whole output
        return "" if lines == segments[0] else "the output is not these lines, line for line"
    # A leading (trailing) `...` leaves the first (last) segment empty: an open end.
    first, *middle, last = segments
    if lines[: len(first)] != first:
        return f"the output does not begin with {first}"
    position = len(first)
    end = len(lines) - len(last)
    if lines[end:] != last or end < position:
        return f"the output does not end with {last}"
    for segment in middle:
        found = _find(lines, segment, position, end)
        if found < 0:
            return f"these lines do not follow each other in the output, in order: {segment}"
        position = found + len(segment)
    return ""


def _find(lines: list[str], segment: list[str], start: int, end: int) -> int:
    """The first position from `start` where `segment` is the run of lines, ending by `end`."""
    for position in range(start, end - len(segment) + 1):
        if lines[position : position + len(segment)] == segment:
            return position
    return -1
