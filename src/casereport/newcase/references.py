"""The manuscript's number references, and the numbers typed by hand that bypass them.

A manuscript inserts every number by reference, never by typing it:

    [[measurements.3.value]]        the cell `value` of the row whose primary key is 3
    [[measurements.3.value|unit]]   the same, followed by its unit ("160 mg/L")
    [[patients.1.age_years]]        any cell of any table of data/datapackage.yaml
    [[calc.crp_fall_percent]]       a computed number registered in manuscript/computed.yaml

The id is the ledger's (casereport.ledger.cell_id): table, primary key values, column, joined by
dots. Anything else written between `[[` and `]]` is an error, reported with file and line.

A digit left in the prose once the references are taken out is an *untraced number*: it reached
the report without passing through the ledger. Not counted: ordered-list markers (`1. `), HTML
comments (the template's guidance to the author is written in them; they are not shown), link
destinations, and the words the project's config lists in `untraced_allowed` (names that contain
digits but are not data, such as "COVID-19" or "IL-6").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# `[[` id, optional `|unit`, `]]`; the id is checked by `parse_reference`.
REFERENCE = re.compile(r"\[\[([^\[\]]*)\]\]")
NUMBER_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+$")
OPTIONS = ("unit",)

ORDERED_LIST_MARKER = re.compile(r"^(\s*)\d{1,9}[.)](?=\s)")
LINK_DESTINATION = re.compile(r"\]\([^)]*\)")
# A word holding a digit: the run of non-space characters around it, without trailing punctuation.
NUMBER_WORD = re.compile(r"[^\s()\[\]{}<>]*\d[^\s()\[\]{}<>]*")
TRAILING_PUNCTUATION = ".,;:!?'\""


@dataclass(frozen=True)
class Reference:
    number_id: str
    with_unit: bool
    line: int  # line of the manuscript (first = 1)
    column: int  # column of `[[` (first = 1)
    text: str  # as written, `[[...]]`


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    kind: str  # "bad-reference" or "untraced-number"
    message: str

    def format(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: {self.message} ({self.kind})"


def parse_reference(inner: str) -> tuple[str, bool] | None:
    """`measurements.3.value|unit` -> ("measurements.3.value", True); None when malformed."""
    number_id, _, option = inner.strip().partition("|")
    number_id, option = number_id.strip(), option.strip()
    if not NUMBER_ID.match(number_id) or (option and option not in OPTIONS):
        return None
    return number_id, option == "unit"


def find_references(text: str) -> tuple[list[Reference], list[Problem]]:
    """Every `[[...]]` of the manuscript outside comments, and a problem for each malformed one."""
    references, problems = [], []
    for line_number, line in enumerate(blank_comments(text).splitlines(), start=1):
        for match in REFERENCE.finditer(line):
            parsed = parse_reference(match[1])
            if parsed is None:
                problems.append(
                    Problem(
                        line_number,
                        match.start() + 1,
                        "bad-reference",
                        f"{match[0]} is not a reference: write [[table.key.column]], "
                        "[[table.key.column|unit]] or [[calc.name]]",
                    )
                )
            else:
                references.append(Reference(*parsed, line_number, match.start() + 1, match[0]))
    return references, problems


def blank_comments(text: str) -> str:
    """`text` with every HTML comment blanked by spaces (line breaks kept, so lines still count)."""
    return re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m[0]), text, flags=re.S)


def _blank(match: re.Match) -> str:
    return " " * len(match[0])


def untraced_numbers(text: str, allowed: Iterable[str] = ()) -> list[Problem]:
    """Every number typed into the prose instead of inserted by reference, with line and column."""
    allowed_words = set(allowed)
    problems = []
    for line_number, line in enumerate(blank_comments(text).splitlines(), start=1):
        # Blank, rather than remove, what is not prose, so that columns stay those of the file.
        line = REFERENCE.sub(_blank, line)
        line = LINK_DESTINATION.sub(lambda m: "]" + " " * (len(m[0]) - 1), line)
        line = ORDERED_LIST_MARKER.sub(lambda m: m[1] + " " * (len(m[0]) - len(m[1])), line)
        for match in NUMBER_WORD.finditer(line):
            word = match[0].rstrip(TRAILING_PUNCTUATION)
            if word in allowed_words:
                continue
            problems.append(
                Problem(
                    line_number,
                    match.start() + 1,
                    "untraced-number",
                    f"number typed by hand: {word!r}; insert it by reference "
                    "([[table.key.column]] or [[calc.name]]) so that it is traced to the data, "
                    "or list the word in untraced_allowed (config/config.yaml) if it is not data",
                )
            )
    return problems
