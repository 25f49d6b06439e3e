"""The appendix: every number the report shows, by the section it first appears in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from casereport.ledger import Number
from casereport.render.numbers import LinesRead, NumberRecorder, line_words, lines_read
from casereport.render.sections import Section
from casereport.sources import cell_href

# A large series shows EXCERPT_PATIENTS (casereport.tables) patients one by one; its appendix
# lists this many of the values each figure plots (numbers.csv has all).
APPENDIX_PLOTTED_ROWS = 20

# --- the appendix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppendixGroup:
    """The numbers first shown in one section, in reading order."""

    section: Section
    numbers: list[Number]
    left_out: int = 0  # values the section's figure plots that are not listed (large series)


def appendix_groups(
    recorder: NumberRecorder, sections: Sequence[Section], large_series: bool
) -> list[AppendixGroup]:
    """Each shown number under the first section it appears in. A large series lists every
    number of the text but only the first values each figure plots: thousands of rows would say
    no more than results/numbers.csv, which lists them all."""
    first_section: dict[str, list[str]] = {}
    for number_id, where in recorder.sections_by_id.items():
        first_section.setdefault(where[0] if where else "", []).append(number_id)
    groups = []
    for section in sections:
        ids = first_section.get(section.id, [])
        left_out = 0
        if large_series:
            plotted = [i for i in ids if i not in recorder.in_text]
            left_out = max(0, len(plotted) - APPENDIX_PLOTTED_ROWS)
            ids = [i for i in ids if i in recorder.in_text] + plotted[:APPENDIX_PLOTTED_ROWS]
        if ids:
            numbers = [recorder.catalog[i] for i in ids]
            groups.append(AppendixGroup(section, numbers, left_out))
    return groups


def source_groups(number: Number) -> list[tuple[str, LinesRead]]:
    """(raw file, its lines) a number reads: one file, or (audit numbers) one file per line."""
    files = number.source_file.split(";")
    if len(files) == 1:
        return [(files[0], lines_read(number.source_line))]
    grouped_lines: dict[str, list[int]] = {}
    for file, line in zip(files, number.lines, strict=True):
        grouped_lines.setdefault(file, []).append(line)
    return [(file, LinesRead(lines[0], line_words(lines))) for file, lines in grouped_lines.items()]


# An appendix row links at most this many source cells one by one (results/numbers.csv has all).
LINKED_SOURCE_CELLS = 12


@dataclass(frozen=True)
class SourceCells:
    """The cells of one raw file a number uses, as the appendix links them."""

    file: str
    lines: LinesRead
    cells: list[tuple[int, str]]  # (line, href of its cell), the first LINKED_SOURCE_CELLS
    more: int  # lines not linked one by one


def source_cells(number: Number) -> list[SourceCells]:
    """Every raw file a number reads, with a link to each cell it uses (a computed number's
    link leads to its appendix row, which thus shows all its sources)."""
    column = number.source_column.split(";")[0]
    groups = []
    for file, lines in source_groups(number):
        all_lines = (
            [int(part) for part in number.source_line.split(";") if part]
            if len(source_groups(number)) == 1
            else [
                line
                for f, line in zip(number.source_file.split(";"), number.lines, strict=True)
                if f == file
            ]
        )
        shown = all_lines[:LINKED_SOURCE_CELLS]
        cells = [(line, cell_href(file, line, column)) for line in shown]
        groups.append(SourceCells(file, lines, cells, len(all_lines) - len(shown)))
    return groups
