"""The number helper: how a number of the ledger is shown, linked and recorded.

Templates never print a number themselves; they call `n(id)` (NumberRecorder.show), which
looks the id up in the ledger, records the section it appears in, and returns an element that
says where the number comes from.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from casereport.anchors import appendix_anchor
from casereport.formatting import display_number
from casereport.ledger import Ledger, Number
from casereport.model import Ref, Text
from casereport.sources import cell_href

# A title or appendix cell names at most this many runs of source lines (numbers.csv has all).
SHOWN_LINE_RUNS = 8

# Superscript and subscript digits only ever appear in units ("g/cm²"): they are not data.
_UNIT_DIGITS = re.compile("[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+")
_ANY_DIGIT = re.compile(r"\d|[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]")

# --- numbers -------------------------------------------------------------------------------


def line_runs(lines: Sequence[int], limit: int | None = None) -> list[str]:
    """'2', '5', '7–9': the lines in their order, three or more consecutive lines as one run.

    With a `limit`, only the first `limit` pieces: a statistic over every patient reads thousands
    of lines, and its title names only the first few runs.
    """
    pieces: list[str] = []

    def close_run(first: int, last: int) -> None:
        if last - first >= 2:
            pieces.append(f"{first}\u2013{last}")
        else:
            pieces.extend(str(line) for line in range(first, last + 1))

    first = last = None
    for line in lines:
        if last is not None and line == last + 1:
            last = line
            continue
        if first is not None:
            close_run(first, last)
            if limit is not None and len(pieces) >= limit:
                return pieces[:limit]
        first = last = line
    if first is not None:
        close_run(first, last)
    return pieces if limit is None else pieces[:limit]


def line_words(lines: Sequence[int]) -> str:
    """'line 7', 'lines 2–201' or, for a statistic over thousands of scattered lines, the first
    runs and how many lines there are in all (results/numbers.csv lists every one)."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    runs = line_runs(lines, limit=SHOWN_LINE_RUNS + 1)  # one more, to know whether there are more
    if len(runs) > SHOWN_LINE_RUNS:
        shown = ", ".join(runs[:SHOWN_LINE_RUNS])
        return f"lines {shown} and more ({display_number(len(lines))} lines in all)"
    return "lines " + ", ".join(runs)


@dataclass(frozen=True)
class LinesRead:
    """The lines of the raw file a number reads, as the report gives them."""

    first: int  # the line the number links to
    words: str  # 'line 7', 'lines 2–201', ... (line_words)


@functools.lru_cache(maxsize=4096)
def lines_read(source_line: str) -> LinesRead:
    """The lines of a ledger `source_line` ('2;3;4;9'), parsed as Number.lines parses them.

    Cached by the text: a statistic of a large series reads thousands of lines, and several
    statistics read the same ones (the median, quartiles and count of one column). So each set
    of lines is parsed and worded once, not again for every number and every place it is shown.
    """
    lines = [int(part) for part in source_line.split(";") if part]
    return LinesRead(lines[0], line_words(lines))


def provenance(number: Number) -> str:
    """Where a number comes from, as the `title` of its element says it."""
    words = lines_read(number.source_line).words
    where = f"{number.source_file}, {words}, column {number.source_column}"
    if number.is_computed:
        return f"{number.derivation} (from {where})"
    return where


MINUS_SIGN = "\u2212"


def typeset(display: str) -> str:
    """A number as set in type: a true minus sign (U+2212) for a negative number, not the
    hyphen of the ledger's `display` (results/numbers.csv keeps the plain text)."""
    if display.startswith("-") and display[1:2].isdigit():
        return MINUS_SIGN + display[1:]
    return display


def occurrence_anchor(number_id: str, occurrence: int) -> str:
    """HTML id of one place a number is shown: `at-<id>`, then `at-<id>-2`, ... A source page's
    way back returns to it."""
    return f"at-{number_id}" if occurrence == 1 else f"at-{number_id}-{occurrence}"


def number_href(number: Number, back: str | None = None) -> str:
    """Where a number leads. A number read as is: its cell in the raw file's page (which returns
    to `back`). A computed number: its row in the appendix, which says how it was computed and
    links to every cell it uses."""
    if number.is_computed:
        return f"#{appendix_anchor(number.id)}"
    first_file = number.source_file.split(";")[0]
    first_column = number.source_column.split(";")[0]
    return cell_href(first_file, lines_read(number.source_line).first, first_column, back)


def number_element(
    number: Number, anchor: str | None = None, href: str | None = None, kind: str = "number"
) -> Markup:
    """The `<a class="number">` of one place a number is shown (`anchor` is its id there)."""
    return Markup('<a class="{}"{} data-number="{}" href="{}" title="{}">{}</a>').format(
        kind,
        Markup(' id="{}"').format(anchor) if anchor else "",
        number.id,
        href or number_href(number, anchor),
        provenance(number),
        typeset(number.display),
    )


def reference_anchor(reference_number: Any) -> str:
    """HTML id of an entry of the reference list: a citation links there, not to a CSV line."""
    return f"reference-{reference_number}"


def meta(words: Any) -> Markup:
    """Text whose digits are not data (a figure number, a line number, a title with 'FK-506')."""
    return Markup("<span data-meta>{}</span>").format(words)


def free_text(words: Any) -> Markup:
    """A free-text field of the data (a title, a journal): marked `data-meta` only when it
    contains digits, since those digits are part of the words, not numbers the catalog holds."""
    words = "" if words is None else str(words)
    return meta(words) if _ANY_DIGIT.search(words) else escape(words)


# A unit in words: a short run without spaces holding a slash or an exponent ("IU/L", "(g/cm²)",
# "mg/kg/week"). Kept on one line (CSS class `unit`); short, so it cannot overflow.
_UNIT_TOKEN = re.compile(
    r"(?<![^\s(])\(?[^\s<>&/]{0,12}(?:/[^\s<>&/]{1,12}){0,3}[/\u00b2\u00b3][^\s<>&]{0,12}"
    r"(?=[\s,.;:]|$)"
)
# The space between a number and the unit after it becomes a no-break space.
_SPACE_BEFORE_UNIT = re.compile(
    r"^ (?=\(?[^\s]*[/\u00b2\u00b3%]|(?:years?|months?|weeks?|days?|mg|g|kg|mL|mm)\b)"
)
NO_BREAK_SPACE = "\u00a0"
# The space between a capitalised name and the number after it ("Patient 1", "Table II").
_NAME_BEFORE_NUMBER = re.compile(r"(\b[A-Z][a-z]{1,9}) $")


def unit_text(unit: Any) -> Markup:
    """A unit, or words that may hold one; exponent digits ('g/cm²') are marked `data-meta`, and
    each unit is kept on one line."""
    escaped = str(escape("" if unit is None else unit))
    kept = _UNIT_TOKEN.sub(lambda m: f'<span class="unit">{m.group(0)}</span>', escaped)
    return Markup(_UNIT_DIGITS.sub(lambda m: f"<span data-meta>{m.group(0)}</span>", kept))


@dataclass
class NumberRecorder:
    """Looks numbers up in the catalog and remembers which ones were shown, and where.

    `enter(section)` is called by the page template before each section; rendering is sequential,
    so every later `n(id)` belongs to that section.
    """

    catalog: Ledger
    section: str = ""
    sections_by_id: dict[str, list[str]] = field(default_factory=dict)  # in reading order
    in_text: set[str] = field(default_factory=set)  # shown as text (not only plotted)
    # How many times each number has been shown: each place gets its own id (occurrence_anchor).
    occurrences: Counter = field(default_factory=Counter)

    def enter(self, section: str) -> str:
        self.section = section
        return ""  # so that `{{ numbers.enter("x") }}` prints nothing

    def record(self, number_id: str) -> Number:
        number = self.catalog[number_id]  # raises UnknownNumberError for an unknown id
        sections = self.sections_by_id.setdefault(number_id, [])
        if self.section and self.section not in sections:
            sections.append(self.section)
        return number

    def show(self, number_id: str) -> Markup:
        """The `n(id)` template helper."""
        if not isinstance(number_id, str):
            raise TypeError(f"n() takes a number id, got {number_id!r}")
        number = self.record(number_id)
        self.in_text.add(number_id)
        self.occurrences[number_id] += 1
        return number_element(number, occurrence_anchor(number_id, self.occurrences[number_id]))

    def cite(self, number_id: str) -> Markup:
        """A citation: the reference's number, linked to its entry in the reference list."""
        number = self.record(number_id)
        self.in_text.add(number_id)
        self.occurrences[number_id] += 1
        anchor = occurrence_anchor(number_id, self.occurrences[number_id])
        href = f"#{reference_anchor(number.display)}"
        return number_element(number, anchor, href, kind="number citation")

    def record_all(self, number_ids: Iterable[str]) -> str:
        """Record numbers shown in a picture rather than in text (a figure's plotted values).

        What `record` does for each id, in one loop without a call per id: a figure of a large
        series plots a hundred thousand values, and the calls cost more than the recording.
        """
        catalog, sections_by_id, section = self.catalog, self.sections_by_id, self.section
        for number_id in number_ids:
            if number_id not in catalog:
                catalog[number_id]  # raises UnknownNumberError
            sections = sections_by_id.get(number_id)
            if sections is None:
                sections_by_id[number_id] = [section] if section else []
            elif section and section not in sections:
                sections.append(section)
        return ""

    def shown(self) -> Ledger:
        """Catalog rows shown so far, in catalog order."""
        return self.catalog.subset(self.sections_by_id)

    def sections_column(self) -> dict[str, dict[str, str]]:
        """The `sections` column of numbers.csv, e.g. 'patients;table2'."""
        return {i: {"sections": ";".join(s)} for i, s in self.sections_by_id.items()}


def split_lines(parts: Text) -> list[Text]:
    """Split a Text at its newlines (Table I puts one treatment per line in a cell)."""
    lines: list[list] = [[]]
    for part in parts:
        if isinstance(part, Ref):
            lines[-1].append(part)
            continue
        first, *rest = part.split("\n")
        lines[-1].append(first)
        lines.extend([piece] for piece in rest)
    return [tuple(p for p in line if p != "") for line in lines]


def text_markup(parts: Text, recorder: NumberRecorder) -> Markup:
    """A model Text (tables, captions) as HTML: strings escaped, each Ref through the helper.
    A Text of several lines becomes one block per line, so that each can hang on its own."""

    def line_markup(line: Text) -> Markup:
        pieces = []
        for position, part in enumerate(line):
            if isinstance(part, Ref):
                pieces.append(recorder.show(part.id))
                continue
            words = part
            if position and isinstance(line[position - 1], Ref):  # "13 mm/h" on one line
                words = _SPACE_BEFORE_UNIT.sub(NO_BREAK_SPACE, words)
            if position + 1 < len(line) and isinstance(line[position + 1], Ref):
                words = _NAME_BEFORE_NUMBER.sub(rf"\1{NO_BREAK_SPACE}", words)  # "Patient 1" too
            pieces.append(unit_text(words))
        return Markup("").join(pieces)

    lines = split_lines(parts)
    if len(lines) == 1:
        return line_markup(lines[0])
    return Markup("").join(
        Markup('<span class="cell-line">{}</span>').format(line_markup(line)) for line in lines
    )


# --- figures aligned on the decimal point ---------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")
FIGURE_SPACE = "\u2007"  # as wide as a digit (tabular figures)
PUNCTUATION_SPACE = "\u2008"  # as wide as the decimal point


def single_ref(cell: Text) -> Ref | None:
    """The Ref of a cell that holds one number and nothing else."""
    parts = [p for p in cell if not (isinstance(p, str) and not p.strip())]
    return parts[0] if len(parts) == 1 and isinstance(parts[0], Ref) else None


def decimal_columns(rows: Sequence[Sequence[Text]], catalog: Ledger) -> dict[int, int]:
    """Columns (position in the row) whose every filled cell is one plain number, with the most
    decimals any of them has: their cells are right-aligned and padded to that many decimals, so
    that the decimal points line up."""
    places: dict[int, int] = {}
    mixed: set[int] = set()
    for row in rows:
        for position, cell in enumerate(row[1:], start=1):
            if not cell:
                continue
            ref = single_ref(cell)
            display = catalog[ref.id].display if ref is not None else ""
            match = _PLAIN_NUMBER.match(display)
            if not match:
                mixed.add(position)
                continue
            decimals = len(match[1]) - 1 if match[1] else 0
            places[position] = max(places.get(position, 0), decimals)
    return {position: n for position, n in places.items() if position not in mixed}


def decimal_padding(display: str, places: int) -> str:
    """The invisible tail that brings `display` to `places` decimals ("0.4" to 3: two figure
    spaces; "2" to 2: a punctuation space and two figure spaces)."""
    match = _PLAIN_NUMBER.match(display)
    decimals = len(match[1]) - 1 if match and match[1] else 0
    if decimals >= places:
        return ""
    return ("" if decimals else PUNCTUATION_SPACE) + FIGURE_SPACE * (places - decimals)


def breakable(words: str) -> Markup:
    """A name with a line-break opportunity after each dot (long ids in the appendix); marked
    data-meta when it has digits (`log10_titre` names a column, it is no number)."""
    pieces = Markup("<wbr>").join(escape(piece) for piece in re.split(r"(?<=\.)", words))
    return meta(pieces) if _ANY_DIGIT.search(words) else pieces
